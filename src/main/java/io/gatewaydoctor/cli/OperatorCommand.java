package io.gatewaydoctor.cli;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = {
      "Run the operator against the cluster of the current kubeconfig or service account.",
      "Watches Ingresses and their backend chain and writes one GatewayDiagnosis per Ingress.",
      "Configuration: see README (QUARKUS_OPERATOR_SDK_NAMESPACES, GATEWAYDOCTOR_RESYNC_INTERVAL, ...)."
    })
public class OperatorCommand implements Callable<Integer> {
  @Inject Operator operator;

  @org.eclipse.microprofile.config.inject.ConfigProperty(name = "gatewaydoctor.watch-namespaces")
  String namespaces;

  @Override
  public Integer call() {
    operator.start();
    org.jboss.logging.Logger.getLogger(OperatorCommand.class)
        .infof("gateway-doctor operator started; watching namespaces: %s", namespaces);
    Quarkus.waitForExit();
    return 0;
  }
}
