package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A command line builds the subcommand it names only; anything else (help, the version, a typo)
 * gets every subcommand, in the usage's order.
 */
class GatewayDoctorCommandTest {
  static java.util.List<String> subcommands(String... args) {
    return java.util.List.copyOf(
        GatewayDoctorCommand.commandLine(CommandLine.defaultFactory(), args)
            .getSubcommands()
            .keySet());
  }

  @Test
  void onlyTheNamedSubcommandIsBuilt() {
    assertThat(subcommands("analyze", "-f", "x.yaml")).containsExactly("analyze");
    assertThat(subcommands("describe")).containsExactly("describe");
    assertThat(subcommands("warm-up")).containsExactly("warm-up");
    java.util.List<String> all =
        java.util.List.of("analyze", "describe", "demo", "operator", "bench", "warm-up");
    for (String[] other :
        new String[][] {{}, {"--help"}, {"-V"}, {"anlyze"}, {"-f", "analyze"}, {"Analyze"}}) {
      assertThat(subcommands(other)).as(String.join(" ", other)).isEqualTo(all);
    }
  }
}
