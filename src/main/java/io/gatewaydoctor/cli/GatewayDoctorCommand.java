package io.gatewaydoctor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "gateway-doctor",
    mixinStandardHelpOptions = true,
    version = "gateway-doctor 0.1.0",
    description =
        "Finds out why traffic through an Ingress fails with 502/503/504 and says what to change.")
public class GatewayDoctorCommand implements Runnable {
  /** The subcommands, in the order the usage lists them. */
  static final java.util.List<Class<?>> SUBCOMMANDS =
      java.util.List.of(
          AnalyzeCommand.class,
          DescribeCommand.class,
          DemoCommand.class,
          OperatorCommand.class,
          BenchCommand.class,
          WarmUpCommand.class);

  /**
   * The command line of {@code args}: with the subcommand they name first only, else (help, a
   * version, a typo) with every one, as the usage lists them. Picocli reflects on a subcommand's
   * options as it adds it: adding all of them was a tenth of a small analyze's start.
   */
  static CommandLine commandLine(CommandLine.IFactory factory, String... args) {
    CommandLine cl = new CommandLine(new GatewayDoctorCommand(), factory);
    Class<?> named = null;
    for (Class<?> c : SUBCOMMANDS) {
      Command a = c.getAnnotation(Command.class);
      if (args.length > 0
          && (a.name().equals(args[0]) || java.util.List.of(a.aliases()).contains(args[0]))) {
        named = c;
      }
    }
    for (Class<?> c : named != null ? java.util.List.<Class<?>>of(named) : SUBCOMMANDS) {
      cl.addSubcommand(new CommandLine(c, factory));
    }
    return cl;
  }

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
