package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A command run without the Quarkus application still shows what libraries log: in a JVM of its own
 * with the log manager the launcher uses (JBoss LogManager, whose records wait in Quarkus' delayed
 * handler until someone configures logging), {@link PlainLogging} sends them to stderr, with
 * application.properties' command-line levels.
 */
class PlainLoggingTest {
  /** The child JVM: logs before and after {@link PlainLogging#install()}. */
  public static final class Child {
    public static void main(String[] args) {
      Logger.getLogger("io.fabric8.kubernetes.client.Config").warning("queued before install");
      PlainLogging.install();
      Logger.getLogger("io.gatewaydoctor.cli.Child").info("an info of ours");
      Logger.getLogger("io.gatewaydoctor.cli.Child").fine("a debug line");
      Logger.getLogger("io.quarkus.runtime.Child").info("quarkus chatter");
      Logger.getLogger("io.quarkus.runtime.Child").warning("a quarkus warning");
      Logger.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils")
          .log(Level.WARNING, "unstable version nag");
      org.slf4j.LoggerFactory.getLogger("io.fabric8.Some").warn("through slf4j");
      System.out.println("out stays clean");
    }
  }

  @Test
  void libraryRecordsReachStderrWithTheCommandLineLevels() throws Exception {
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Child.class.getName()))
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    String err = new String(p.getErrorStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(out).isEqualTo("out stays clean\n");
    assertThat(err)
        .contains("WARNING [io.fab.kub.cli.Config] (main) queued before install")
        .contains("INFO  [io.gat.cli.Child] (main) an info of ours")
        .contains("a quarkus warning")
        .contains("through slf4j")
        .doesNotContain("a debug line")
        .doesNotContain("quarkus chatter")
        .doesNotContain("unstable version nag");
  }

  @Test
  void onlyTheOperatorAndTheDemoNeedTheApplication() {
    assertThat(Main.needsContainer("operator")).isTrue();
    assertThat(Main.needsContainer("demo", "--help")).isTrue();
    for (String[] plain :
        new String[][] {
          {}, {"analyze", "-A"}, {"describe"}, {"bench", "--logs"}, {"--version"}, {"-h"}, {"nope"}
        }) {
      assertThat(Main.needsContainer(plain)).as(String.join(" ", plain)).isFalse();
    }
  }
}
