package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.gatewaydoctor.analysis.ScenarioFixtures;
import io.gatewaydoctor.demo.DemoScenario;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #20: live {@code analyze} reads the Gateway API objects when the cluster serves the API (asked by
 * discovery) and diagnoses the HTTPRoutes beside the Ingresses; a cluster without it is read as
 * before, with no warning about it.
 */
class AnalyzeLiveRoutesTest {
  static final String NOW = "2026-12-01T12:00:00Z";
  KubernetesMockServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.destroy();
    }
  }

  private Path cluster(Path tmp, String scenario, boolean gatewayApi) throws IOException {
    server = MockApi.start();
    if (gatewayApi) {
      server
          .expect()
          .get()
          .withPath("/apis/gateway.networking.k8s.io/v1")
          .andReturn(
              200,
              new APIResourceListBuilder()
                  .withGroupVersion("gateway.networking.k8s.io/v1")
                  .withResources(
                      resource("httproutes", "HTTPRoute", true),
                      resource("gateways", "Gateway", true),
                      resource("gatewayclasses", "GatewayClass", false),
                      resource("backendtlspolicies", "BackendTLSPolicy", true))
                  .build())
          .always();
      server
          .expect()
          .get()
          .withPath("/apis/gateway.networking.k8s.io/v1beta1")
          .andReturn(
              200,
              new APIResourceListBuilder()
                  .withGroupVersion("gateway.networking.k8s.io/v1beta1")
                  .withResources(resource("referencegrants", "ReferenceGrant", true))
                  .build())
          .always();
    }
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.empty())
            .editOrNewConfig()
            .withMasterUrl(MockApi.url(server))
            .endConfig()
            .build()) {
      for (HasMetadata o : ScenarioFixtures.objects(scenario)) {
        o.getMetadata().setResourceVersion(null);
        o.getMetadata().setManagedFields(null);
        if (gatewayApi || !o.getApiVersion().startsWith("gateway.networking.k8s.io")) {
          DemoScenario.create(client, o);
        }
      }
    }
    return MockApi.kubeconfig(tmp.resolve("kubeconfig"), server);
  }

  private static io.fabric8.kubernetes.api.model.APIResource resource(
      String name, String kind, boolean namespaced) {
    return new APIResourceBuilder()
        .withName(name)
        .withKind(kind)
        .withNamespaced(namespaced)
        .withVerbs("get", "list", "watch")
        .build();
  }

  @Test
  void routesAreReadFromALiveClusterThatServesTheGatewayApi(@TempDir Path tmp) throws IOException {
    Path kubeconfig = cluster(tmp, "httproute-not-accepted-namespace", true);
    var r =
        AnalyzeCommandTest.run(
            "--kubeconfig", kubeconfig.toString(), "-A", "-o", "json", "--now", NOW);
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    JsonNode route = null;
    for (JsonNode i : r.json().get("items")) {
      if ("HTTPRoute".equals(i.at("/spec/targetRef/kind").asText())) {
        route = i;
      }
    }
    assertThat(route).as(r.out()).isNotNull();
    assertThat(route.at("/status/rootCause").asText()).isEqualTo("RouteNotAccepted");
    assertThat(route.at("/status/summary").asText()).contains("Gateway edge/eg");
    // one namespace: the route's Gateway lives in another, and is still found
    var shop =
        AnalyzeCommandTest.run(
            "--kubeconfig",
            kubeconfig.toString(),
            "-n",
            "shop",
            "--target",
            "httproute/shop/web",
            "-o",
            "json",
            "--now",
            NOW);
    assertThat(shop.json().at("/items/0/status/rootCause").asText())
        .as(shop.err())
        .isEqualTo("RouteNotAccepted");
  }

  @Test
  void aCrossNamespaceRefIsCheckedAgainstTheGrantsOfTheBackendsNamespace(@TempDir Path tmp)
      throws IOException {
    Path kubeconfig = cluster(tmp, "httproute-backendref-not-permitted", true);
    var r =
        AnalyzeCommandTest.run(
            "--kubeconfig", kubeconfig.toString(), "-n", "storefront", "-o", "json", "--now", NOW);
    assertThat(r.json().at("/items/0/status/rootCause").asText())
        .as(r.err() + r.out())
        .isEqualTo("BackendRefNotPermitted");
  }

  @Test
  void aBackendTlsPolicysCaConfigMapIsLookedUpByName(@TempDir Path tmp) throws IOException {
    Path kubeconfig = cluster(tmp, "httproute-backend-tls-ca-missing", true);
    for (String scope : new String[] {"-A", "--namespace=shop"}) {
      var r =
          AnalyzeCommandTest.run(
              "--kubeconfig",
              kubeconfig.toString(),
              scope,
              "--target",
              "httproute/shop/web",
              "-o",
              "json",
              "--now",
              NOW);
      assertThat(r.json().at("/items/0/status/rootCause").asText())
          .as(r.err())
          .isEqualTo("BackendTLSFailure");
      assertThat(r.json().at("/items/0/status/summary").asText())
          .contains("ConfigMap shop/web-ca does not exist");
    }
  }

  @Test
  void aClusterWithoutTheGatewayApiIsReadAsBefore(@TempDir Path tmp) throws IOException {
    Path kubeconfig = cluster(tmp, "httproute-not-accepted-namespace", false);
    var r =
        AnalyzeCommandTest.run(
            "--kubeconfig", kubeconfig.toString(), "-A", "-o", "json", "--now", NOW);
    assertThat(r.err()).doesNotContain("HTTPRoute").doesNotContain("Gateway");
    assertThat(r.json().get("items"))
        .allSatisfy(i -> assertThat(i.at("/spec/targetRef/kind").asText()).isEqualTo("Ingress"));
  }

  /**
   * -n on the route's namespace: the Service it may reach in another namespace (a ReferenceGrant
   * there permits it) is read by name and diagnosed, not taken for missing.
   */
  @Test
  void aPermittedBackendInAnotherNamespaceIsReadWithNamespaceScope(@TempDir Path tmp)
      throws IOException {
    Path kubeconfig = cluster(tmp, "httproute-backendref-permitted", true);
    var r =
        AnalyzeCommandTest.run(
            "--kubeconfig", kubeconfig.toString(), "-n", "storefront", "-o", "json", "--now", NOW);
    JsonNode st = r.json().at("/items/0/status");
    assertThat(st.get("health").asText()).as(r.err() + st).isEqualTo("Healthy");
    assertThat(st.get("backends")).hasSize(1);
  }
}
