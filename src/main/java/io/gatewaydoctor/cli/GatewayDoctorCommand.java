package io.gatewaydoctor.cli;

import picocli.CommandLine.Command;

@Command(
    name = "gateway-doctor",
    mixinStandardHelpOptions = true,
    version = "gateway-doctor 0.1.0",
    description =
        "Finds out why traffic through an Ingress fails with 502/503/504 and says what to change.",
    subcommands = {
      AnalyzeCommand.class,
      DescribeCommand.class,
      DemoCommand.class,
      OperatorCommand.class,
      BenchCommand.class,
      WarmUpCommand.class
    })
public class GatewayDoctorCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
