package io.gatewaydoctor.cli;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "operator", mixinStandardHelpOptions = true,
    description = {"Run the operator against the cluster of the current kubeconfig or service account.",
        "Watches Ingresses and their backend chain and writes one GatewayDiagnosis per Ingress.",
        "Configuration: see README (QUARKUS_OPERATOR_SDK_NAMESPACES, GATEWAYDOCTOR_RESYNC_INTERVAL, ...)."})
public class OperatorCommand implements Callable<Integer> {
  @Inject Operator operator;

  @Override
  public Integer call() {
    operator.start();
    Quarkus.waitForExit();
    return 0;
  }
}
