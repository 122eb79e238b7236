package io.gatewaydoctor.cli;

import io.quarkus.bootstrap.logging.InitialConfigurator;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * The logging of a command run without the Quarkus application ({@link Main}). Quarkus' launcher
 * holds every log record in a delayed handler until the application configures logging; without the
 * application nothing would ever configure it and a library's warning (the Kubernetes client's,
 * say) would be lost. This gives that handler a console handler on stderr (Quarkus' line format)
 * and the levels application.properties sets for the command line. Quarkus' own log settings
 * ({@code quarkus.log.*}, {@code QUARKUS_LOG_*}) apply to the operator and the demo only.
 */
final class PlainLogging {
  private PlainLogging() {}

  /** Held here: a logger nobody references may be collected with the level set on it. */
  private static final List<Logger> LEVELS =
      List.of(
          level("io.quarkus", Level.WARNING),
          level("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", Level.SEVERE));

  private static Logger level(String category, Level level) {
    Logger l = Logger.getLogger(category);
    l.setLevel(level);
    return l;
  }

  /** Sends the records logged so far, and all later ones, to stderr at INFO and above. */
  static void install() {
    // stderr: stdout carries the command's output (JSON, YAML), which a log line would break
    Handler console =
        new ConsoleHandler(
            ConsoleHandler.Target.SYSTEM_ERR,
            new PatternFormatter("%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{3.}] (%t) %s%e%n"));
    console.setLevel(Level.INFO);
    InitialConfigurator.DELAYED_HANDLER.setHandlers(new Handler[] {console});
  }
}
