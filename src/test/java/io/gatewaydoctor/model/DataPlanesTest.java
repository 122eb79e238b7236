package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Data planes of implementations that are not built in, as the configuration names them. */
class DataPlanesTest {
  @AfterEach
  void reset() {
    DataPlanes.configure(List.of());
  }

  static Pod pod(Map<String, String> labels, String container) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("gw")
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(container)
        .withImage("x:1")
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void aConfiguredDataPlaneIsKnownByItsLabelAndContainer() {
    Pod kgateway = pod(Map.of("gateway.networking.k8s.io/gateway-name", "edge"), "kgateway-proxy");
    assertThat(Gateways.dataPlaneOf(kgateway)).isEmpty(); // not built in
    DataPlanes.configure(
        DataPlanes.parse(
            "kgateway.dev/kgateway|gateway.networking.k8s.io/gateway-name|kgateway-proxy,"
                + " example.com/gw|app.kubernetes.io/component=proxy|envoy"));
    assertThat(Gateways.dataPlaneOf(kgateway)).contains("kgateway.dev/kgateway");
    assertThat(DataPlanes.of(kgateway).orElseThrow().container()).isEqualTo("kgateway-proxy");
    // a label with a value must have that value
    assertThat(Gateways.dataPlaneOf(pod(Map.of("app.kubernetes.io/component", "proxy"), "envoy")))
        .contains("example.com/gw");
    assertThat(Gateways.dataPlaneOf(pod(Map.of("app.kubernetes.io/component", "web"), "envoy")))
        .isEmpty();
    // the container must be there
    assertThat(
            Gateways.dataPlaneOf(
                pod(Map.of("gateway.networking.k8s.io/gateway-name", "edge"), "app")))
        .isEmpty();
  }

  @Test
  void aRuleThatIsNotOneSaysSo() {
    assertThat(DataPlanes.parse("")).isEmpty();
    assertThatThrownBy(() -> DataPlanes.parse("kgateway.dev/kgateway|label"))
        .hasMessageContaining("is not CONTROLLER|LABEL[=VALUE]|CONTAINER");
    assertThatThrownBy(() -> DataPlanes.parse("no-domain|app|envoy"))
        .hasMessageContaining("needs a controllerName (DOMAIN/PATH)");
    assertThatThrownBy(() -> DataPlanes.parse("a.io/x|app|Not A Container"))
        .hasMessageContaining("container name");
  }
}
