package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.gatewaydoctor.api.GatewayDiagnosis;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The healthy baseline survives an operator restart: the packaged operator records it, is killed,
 * the Service's targetPort changes while none runs, and a new operator process reports the drift
 * against the baseline the first one recorded.
 */
class BaselineRestartIT {
  KubernetesMockServer server;
  Process operator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.destroyForcibly();
    }
    if (server != null) {
      server.destroy();
    }
  }

  Process start(Path kubeconfig, String name) throws Exception {
    Path log = Files.createTempFile(Path.of("target"), "restart-" + name, ".log");
    ProcessBuilder pb = new ProcessBuilder("java", "-jar", System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar"),
        "operator").redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      pb.environment().put("GATEWAYDOCTOR_HTTP_PORT", String.valueOf(s.getLocalPort()));
    }
    pb.environment().put("GATEWAYDOCTOR_PROBE_ENABLED", "false");
    pb.environment().put("GATEWAYDOCTOR_GATEWAY_LOGS_ENABLED", "false");
    pb.environment().put("GATEWAYDOCTOR_GATEWAY_LOGS_METRICS_ENABLED", "false");
    return pb.start();
  }

  @Test
  void theBaselineOfTheFirstOperatorIsTheOneTheSecondComparesWith() throws Exception {
    server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(),
        new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    KubernetesClient client = server.createClient();
    for (HasMetadata crd : client.load(Files.newInputStream(Path.of("crds/gatewaydiagnoses.gatewaydoctor.io-v1.yml"))).items()) {
      client.resource(crd).create();
    }
    for (HasMetadata o : client.load(Files.newInputStream(Path.of("src/test/resources/scenarios/healthy-basic/in-cluster.yaml"))).items()) {
      o.getMetadata().setResourceVersion(null);
      o.getMetadata().setUid(null);
      client.resource(o).create();
    }
    Path kubeconfig = Files.createTempFile(Path.of("target"), "mock", ".kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "http://127.0.0.1:%d"}}]
        users: [{name: mock, user: {token: mock}}]
        contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: default}}]
        current-context: mock
        """.formatted(server.getPort()));
    var gd = client.resources(GatewayDiagnosis.class).inNamespace("shop").withName("web");
    operator = start(kubeconfig, "first");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> gd.get() != null
        && gd.get().getStatus() != null && "Healthy".equals(gd.get().getStatus().health) && gd.get().getStatus().baseline != null);
    String recorded = gd.get().getStatus().baseline.recordedAt;
    operator.destroyForcibly();
    operator.waitFor();
    client.services().inNamespace("shop").withName("web").edit(s -> {
      s.getSpec().getPorts().get(0).setTargetPort(new IntOrString(8081));
      return s;
    });
    operator = start(kubeconfig, "second");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> "TargetPortMismatch".equals(
        gd.get().getStatus().rootCause));
    var status = gd.get().getStatus();
    assertThat(status.baseline.recordedAt).isEqualTo(recorded);
    assertThat(status.drift).singleElement().satisfies(d -> {
      assertThat(d.field).isEqualTo("spec.ports[80].targetPort");
      assertThat(d.from).isEqualTo("http");
      assertThat(d.to).isEqualTo("8081");
    });
  }
}
