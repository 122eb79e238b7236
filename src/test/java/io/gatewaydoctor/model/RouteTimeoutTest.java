package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.gateway.Envoy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * #20: a route's own timeouts are the gateway's read deadline for its backends, as
 * proxy-read-timeout is an Ingress's: the smallest of its rules' (backendRequest before request),
 * rounded up to seconds; 0s is no timeout (the longest a probe waits); an invalid duration is the
 * implementation's default.
 */
class RouteTimeoutTest {
  static HTTPRoute route(String... timeouts) {
    StringBuilder rules = new StringBuilder();
    for (String t : timeouts) {
      rules.append("  - backendRefs: [{name: web, port: 80}]\n");
      if (t != null) {
        rules.append("    timeouts: ").append(t).append('\n');
      }
    }
    return Serialization.unmarshal(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web, namespace: shop}
        spec:
          rules:
        """
            + rules,
        HTTPRoute.class);
  }

  @Test
  void theRoutesTimeoutIsTheProbesReadDeadline() {
    assertThat(HTTPRouteTargets.routeTimeout(route((String) null))).isEmpty();
    assertThat(HTTPRouteTargets.routeTimeout(route("{request: 10s}", "{request: 2500ms}")))
        .contains("3");
    assertThat(HTTPRouteTargets.routeTimeout(route("{request: 1m, backendRequest: 20s}")))
        .contains("20");
    assertThat(HTTPRouteTargets.routeTimeout(route("{request: 1m30s}"))).contains("90");
    assertThat(HTTPRouteTargets.routeTimeout(route("{request: 0s}"))).contains("0");
    assertThat(HTTPRouteTargets.routeTimeout(route("{request: ten seconds}"))).isEmpty();

    Envoy eg = Envoy.of(Envoy.ENVOY_GATEWAY);
    assertThat(eg.backend(Map.of(), null, null).readTimeoutSeconds())
        .isEqualTo(Envoy.DEFAULT_ROUTE_TIMEOUT);
    assertThat(
            eg.backend(Map.of(HTTPRouteTargets.ROUTE_TIMEOUT, "3"), null, null)
                .readTimeoutSeconds())
        .isEqualTo(3);
    assertThat(
            eg.backend(Map.of(HTTPRouteTargets.ROUTE_TIMEOUT, "0"), null, null)
                .readTimeoutSeconds())
        .as("no timeout: the longest a probe waits")
        .isEqualTo(120);
    assertThat(
            eg.origin(eg.readTimeoutSetting(), Map.of(HTTPRouteTargets.ROUTE_TIMEOUT, "3"), null))
        .isEqualTo("the route's spec.rules[].timeouts.request");
  }
}
