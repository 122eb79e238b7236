package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatewaydoctor.api.GatewayDiagnosis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The healthy baseline survives an operator restart: the packaged operator records it, is killed,
 * the Service's targetPort changes while none runs, and a new operator process reports the drift
 * against the baseline the first one recorded.
 */
class BaselineRestartIT {
  PackagedOperator api;
  Process operator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.destroyForcibly();
    }
    if (api != null) {
      api.close();
    }
  }

  Process start(String name) throws Exception {
    return api.start(
        "restart-" + name,
        Map.of(
            "GATEWAYDOCTOR_GATEWAY_LOGS_ENABLED",
            "false",
            "GATEWAYDOCTOR_GATEWAY_LOGS_METRICS_ENABLED",
            "false"));
  }

  @Test
  void theBaselineOfTheFirstOperatorIsTheOneTheSecondComparesWith() throws Exception {
    api = new PackagedOperator();
    KubernetesClient client = api.client;
    for (HasMetadata o :
        client
            .load(
                Files.newInputStream(
                    Path.of("src/test/resources/scenarios/healthy-basic/in-cluster.yaml")))
            .items()) {
      o.getMetadata().setResourceVersion(null);
      o.getMetadata().setUid(null);
      client.resource(o).create();
    }
    var gd = client.resources(GatewayDiagnosis.class).inNamespace("shop").withName("web");
    operator = start("first");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                gd.get() != null
                    && gd.get().getStatus() != null
                    && "Healthy".equals(gd.get().getStatus().health)
                    && gd.get().getStatus().baseline != null);
    String recorded = gd.get().getStatus().baseline.recordedAt;
    operator.destroyForcibly();
    operator.waitFor();
    client
        .services()
        .inNamespace("shop")
        .withName("web")
        .edit(
            s -> {
              s.getSpec().getPorts().get(0).setTargetPort(new IntOrString(8081));
              return s;
            });
    operator = start("second");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> "TargetPortMismatch".equals(gd.get().getStatus().rootCause));
    var status = gd.get().getStatus();
    assertThat(status.baseline.recordedAt).isEqualTo(recorded);
    assertThat(status.drift)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.field).isEqualTo("spec.ports[80].targetPort");
              assertThat(d.from).isEqualTo("http");
              assertThat(d.to).isEqualTo("8081");
            });
  }
}
