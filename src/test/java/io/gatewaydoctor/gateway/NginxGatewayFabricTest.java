package io.gatewaydoctor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.gatewaydoctor.model.Gateways;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** NGINX Gateway Fabric: its controller names, its data-plane pods, its upstream names. */
class NginxGatewayFabricTest {
  static Pod pod(Map<String, String> labels, String... containers) {
    var b =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withNamespace("shop")
            .withLabels(labels)
            .endMetadata()
            .withNewSpec();
    for (String c : containers) {
      b = b.addNewContainer().withName(c).withImage(c + ":1").endContainer();
    }
    return b.endSpec().build();
  }

  @Test
  void itsControllerNamesAreThoseOfItsDomain() {
    assertThat(Dialects.of(NginxGatewayFabric.CONTROLLER)).isInstanceOf(NginxGatewayFabric.class);
    // the path may be configured (--gateway-ctlr-name), the domain may not
    assertThat(Dialects.of("gateway.nginx.org/edge-controller"))
        .isInstanceOf(NginxGatewayFabric.class);
    assertThat(Dialects.of("gateway.nginx.org/")).isNotInstanceOf(NginxGatewayFabric.class);
    assertThat(Dialects.of("example.com/gateway.nginx.org/x"))
        .isNotInstanceOf(NginxGatewayFabric.class);
  }

  @Test
  void itsDataPlanePodsAreKnownByLabelsAndContainers() {
    // 2.x: one nginx Deployment per Gateway (provisioner/objects.go)
    Pod v2 =
        pod(
            Map.of(
                "gateway.networking.k8s.io/gateway-name", "gateway",
                "app.kubernetes.io/managed-by", "nginx-gateway-nginx"),
            "nginx");
    assertThat(Gateways.dataPlaneOf(v2)).contains(NginxGatewayFabric.CONTROLLER);
    assertThat(Dialects.of(NginxGatewayFabric.CONTROLLER).logContainer(v2)).isEqualTo("nginx");
    // 1.x: the control plane and nginx in one pod
    Pod v1 = pod(Map.of("app.kubernetes.io/name", "nginx-gateway"), "nginx-gateway", "nginx");
    assertThat(Gateways.dataPlaneOf(v1)).contains(NginxGatewayFabric.CONTROLLER);
    // an app's nginx is no gateway
    assertThat(Gateways.dataPlaneOf(pod(Map.of("app", "web"), "nginx"))).isEmpty();
    assertThat(
            Gateways.dataPlaneOf(
                pod(Map.of("gateway.networking.k8s.io/gateway-name", "gateway"), "nginx")))
        .isEmpty();
  }

  @Test
  void upstreamsAreNamespaceServicePort() {
    assertThat(
            NginxGatewayFabric.of(NginxGatewayFabric.CONTROLLER).upstreamName("shop", "web", "80"))
        .isEqualTo("shop_web_80");
  }

  @Test
  void nginxSpeaksHttp1ToAnHttpRoutesBackendsAndGrpcToAGrpcRoutes() {
    var h2cPort =
        new io.fabric8.kubernetes.api.model.ServicePortBuilder()
            .withName("web")
            .withPort(80)
            .withAppProtocol("kubernetes.io/h2c")
            .build();
    NginxGatewayFabric ngf = NginxGatewayFabric.of(NginxGatewayFabric.CONTROLLER);
    var http = ngf.backend(Map.of(), null, h2cPort);
    assertThat(http.http()).isTrue();
    assertThat(http.h2c()).isFalse();
    assertThat(http.grpc()).isFalse();
    // NGF does not apply the routes' timeouts: nginx's 60 s
    assertThat(ngf.backend(Map.of(Envoy.ROUTE_TIMEOUT, "5"), null, h2cPort).readTimeoutSeconds())
        .isEqualTo(60);
    // ... and a finding says where the 60 s comes from: nginx, not the route that set 5 s
    assertThat(ngf.origin(Envoy.ROUTE_TIMEOUT, Map.of(Envoy.ROUTE_TIMEOUT, "5"), null))
        .isEqualTo("nginx's default");
    var grpc = ngf.grpc().backend(Map.of(), null, h2cPort);
    assertThat(grpc.grpc()).isTrue();
    assertThat(grpc.http()).isFalse();
  }
}
