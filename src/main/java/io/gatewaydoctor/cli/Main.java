package io.gatewaydoctor.cli;

import io.gatewaydoctor.demo.DemoCluster;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import picocli.CommandLine;

/**
 * Entry point. Only {@code operator} and {@code demo} run in the Quarkus application (they need its
 * container: the operator, the client, the clock); every other command ({@code analyze}, {@code
 * describe}, {@code bench}, help, version) is plain picocli and starts in a fraction of the time
 * (about 0.5 s less; docs/benchmarks.md). {@code demo} needs its embedded API server up before
 * Quarkus reads the client configuration, so it is started here, ahead of the application.
 */
@QuarkusMain
public class Main implements QuarkusApplication {
  @Inject CommandLine.IFactory factory;

  public static void main(String... args) {
    if (!needsContainer(args)) {
      EarlyStart.begin(args); // analyze's gateway logs, read while the rest starts
      PlainLogging.install();
      System.exit(
          execute(GatewayDoctorCommand.commandLine(CommandLine.defaultFactory(), args), args));
    }
    if ("demo".equals(args[0])) {
      if (!wantsHelp(args)) {
        DemoCluster.startAndConfigure();
      }
      // health and metrics are the operator's: the demo listens on no port; and its small
      // operator keeps JOSDK's own queue (the change-first executor is the operator command's)
      System.setProperty("quarkus.http.host-enabled", "false");
      System.setProperty("gatewaydoctor.reconcile.changes-first", "false");
    }
    Quarkus.run(Main.class, args);
  }

  /** Whether the command needs the Quarkus application: {@code operator} and {@code demo}. */
  static boolean needsContainer(String... args) {
    return args.length > 0 && ("operator".equals(args[0]) || "demo".equals(args[0]));
  }

  private static boolean wantsHelp(String[] args) {
    for (String a : args) {
      if ("-h".equals(a) || "--help".equals(a)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int run(String... args) {
    return execute(GatewayDoctorCommand.commandLine(factory, args), args);
  }

  /** Runs a command line with the error stream and colours every run uses. */
  static int execute(CommandLine cl, String... args) {
    // stderr quotes the input in its messages: nothing in it reaches the terminal as a control
    String enc = System.getProperty("sun.stderr.encoding");
    java.nio.charset.Charset cs =
        enc != null && java.nio.charset.Charset.isSupported(enc)
            ? java.nio.charset.Charset.forName(enc)
            : java.nio.charset.Charset.defaultCharset();
    cl.setErr(
        io.gatewaydoctor.report.Printable.writer(new java.io.OutputStreamWriter(System.err, cs)));
    // picocli's colours would reach stderr as escaped text: its messages go plain
    cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    return cl.execute(args);
  }
}
