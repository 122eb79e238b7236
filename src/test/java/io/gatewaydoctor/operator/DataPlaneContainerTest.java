package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.gatewaydoctor.model.DataPlanes;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Whose log the operator reads on a data-plane pod: the configured proxy container's too. */
class DataPlaneContainerTest {
  @AfterEach
  void reset() {
    DataPlanes.configure(List.of());
  }

  @Test
  void theConfiguredContainerIsTheOneRead() {
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("edge-7c9d8")
            .withNamespace("gw")
            .addToLabels("gateway.networking.k8s.io/gateway-name", "edge")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("sds")
            .withImage("sds:1")
            .endContainer()
            .addNewContainer()
            .withName("kgateway-proxy")
            .withImage("envoy:1")
            .endContainer()
            .endSpec()
            .build();
    assertThat(GatewayLogStreams.container(pod)).isNull(); // nobody's gateway by default
    DataPlanes.configure(
        DataPlanes.parse(
            "kgateway.dev/kgateway|gateway.networking.k8s.io/gateway-name|kgateway-proxy"));
    assertThat(GatewayLogStreams.container(pod)).isEqualTo("kgateway-proxy");
  }
}
