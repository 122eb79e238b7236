package io.gatewaydoctor.cli;

import io.gatewaydoctor.demo.DemoCluster;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import picocli.CommandLine;

/**
 * Entry point. {@code demo} needs its embedded API server up before Quarkus reads the client
 * configuration, so it is started here, ahead of the application.
 */
@QuarkusMain
public class Main implements QuarkusApplication {
  @Inject CommandLine.IFactory factory;

  public static void main(String... args) {
    if (args.length > 0 && "demo".equals(args[0]) && !wantsHelp(args)) {
      DemoCluster.startAndConfigure();
    }
    if (args.length == 0 || !"operator".equals(args[0])) {
      // health and metrics are the operator's; a command-line run listens on no port
      System.setProperty("quarkus.http.host-enabled", "false");
      // no reconciles here: the operator's configuration is not even built (its log line would
      // reach the command's output)
      System.setProperty("gatewaydoctor.reconcile.changes-first", "false");
    }
    Quarkus.run(Main.class, args);
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
    CommandLine cl = new CommandLine(new GatewayDoctorCommand(), factory);
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
