package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gatewaydoctor.api.GatewayDiagnosis;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * End to end on a real Kubernetes (k3s in a container): the CRD is applied, the packaged operator
 * runs against the cluster's kubeconfig, a broken app is deployed (its Service's targetPort names
 * no port of its pods), and the GatewayDiagnosis must say so; fixing the Service heals it. Needs
 * Docker: without it JUnit reports the class as skipped. Probes and metrics scraping are off (pod
 * addresses are not reachable from the host); the API server is reached on a local port. Run:
 * {@code ./mvnw verify -Dit.test=K3sIT} on a machine with Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sIT {
  @Container
  static final K3sContainer K3S =
      new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

  @Test
  void theOperatorDiagnosesABrokenAppOnARealCluster() throws Exception {
    Path kubeconfig = Files.createTempFile(Path.of("target"), "k3s", ".kubeconfig");
    Files.writeString(kubeconfig, K3S.getKubeConfigYaml());
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml()))
            .build()) {
      for (HasMetadata crd :
          client
              .load(Files.newInputStream(Path.of("crds/gatewaydiagnoses.gatewaydoctor.io-v1.yml")))
              .items()) {
        client.resource(crd).serverSideApply();
      }
      Path log = Files.createTempFile(Path.of("target"), "k3s-operator", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  "java",
                  "-jar",
                  System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar"),
                  "operator")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().put("GATEWAYDOCTOR_HTTP_PORT", String.valueOf(freePort()));
      pb.environment().put("GATEWAYDOCTOR_PROBE_ENABLED", "false");
      pb.environment().put("GATEWAYDOCTOR_GATEWAY_LOGS_METRICS_ENABLED", "false");
      pb.environment()
          .put(
              "GATEWAYDOCTOR_REMEDIATION_AUTO_NAMESPACES",
              "*"); // auto only where the operator allows it
      Process operator = pb.start();
      try {
        client
            .namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
            .create();
        client
            .apps()
            .deployments()
            .inNamespace("shop")
            .resource(
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .endMetadata()
                    .withNewSpec()
                    .withReplicas(2)
                    .withNewSelector()
                    .addToMatchLabels("app", "web")
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .addToLabels("app", "web")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("web")
                    .withImage("nginx:1.27-alpine")
                    .addNewPort()
                    .withName("http")
                    .withContainerPort(80)
                    .endPort()
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
        client
            .services()
            .inNamespace("shop")
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .endMetadata()
                    .withNewSpec()
                    .addToSelector("app", "web")
                    .addNewPort()
                    .withPort(80)
                    .withTargetPort(new IntOrString(8080))
                    .endPort()
                    .endSpec()
                    .build())
            .create();
        PackagedOperator.ingress(client, "shop", "web", "shop.example.com");
        var gd = client.resources(GatewayDiagnosis.class).inNamespace("shop").withName("web");
        await()
            .atMost(Duration.ofMinutes(4))
            .pollInterval(Duration.ofSeconds(2))
            .untilAsserted(
                () -> {
                  assertThat(operator.isAlive()).as(Files.readString(log)).isTrue();
                  GatewayDiagnosis d = gd.get();
                  assertThat(d).isNotNull();
                  assertThat(d.getStatus()).isNotNull();
                  assertThat(d.getStatus().rootCause)
                      .as(d.getStatus().summary)
                      .isEqualTo("TargetPortMismatch");
                  assertThat(d.getStatus().summary).contains("Service shop/web", "8080");
                });
        client
            .services()
            .inNamespace("shop")
            .withName("web")
            .edit(
                s -> {
                  s.getSpec().getPorts().get(0).setTargetPort(new IntOrString("http"));
                  return s;
                });
        await()
            .atMost(Duration.ofMinutes(4))
            .pollInterval(Duration.ofSeconds(2))
            .untilAsserted(
                () -> {
                  GatewayDiagnosis d = gd.get();
                  assertThat(List.of("Healthy", "Degraded"))
                      .as(d.getStatus().summary)
                      .contains(d.getStatus().health);
                  assertThat(d.getStatus().rootCause).as(d.getStatus().summary).isEqualTo("None");
                });
        // remediation against a real API server: its server-side dry-run, then the JSON patch with
        // its test ops
        client
            .network()
            .v1()
            .ingresses()
            .inNamespace("shop")
            .withName("web")
            .edit(
                i -> {
                  i.getMetadata()
                      .setAnnotations(
                          new java.util.HashMap<>(
                              java.util.Map.of("gatewaydoctor.io/remediation", "auto")));
                  return i;
                });
        client
            .services()
            .inNamespace("shop")
            .withName("web")
            .edit(
                s -> {
                  s.getSpec().getPorts().get(0).setTargetPort(new IntOrString(8080));
                  return s;
                });
        await()
            .atMost(Duration.ofMinutes(4))
            .pollInterval(Duration.ofSeconds(2))
            .untilAsserted(
                () -> {
                  GatewayDiagnosis d = gd.get();
                  assertThat(d.getStatus().remediations)
                      .as(String.valueOf(d.getStatus().conditions))
                      .anyMatch(
                          r -> "fix-target-port".equals(r.action) && "Applied".equals(r.result));
                  assertThat(
                          client
                              .services()
                              .inNamespace("shop")
                              .withName("web")
                              .get()
                              .getSpec()
                              .getPorts()
                              .get(0)
                              .getTargetPort()
                              .getIntVal())
                      .isEqualTo(80);
                  assertThat(d.getStatus().rootCause).as(d.getStatus().summary).isEqualTo("None");
                });
      } finally {
        operator.destroy();
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
