package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.gateway.Envoy;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.Target;

/**
 * The settings a route's gateway takes for what the Gateway API does not say: how long Envoy keeps
 * idle connections to a backend, and its request timeout besides the route's own. The exact object
 * to apply, per implementation: Envoy Gateway's BackendTrafficPolicy ({@code
 * spec.timeout.http.connectionIdleTimeout}, default 1 h; {@code requestTimeout}: envoyproxy/gateway
 * api/v1alpha1/timeout_types.go), Istio's DestinationRule ({@code
 * trafficPolicy.connectionPool.http.idleTimeout}, default 1 h). Pure.
 */
final class RouteTuning {
  private RouteTuning() {}

  /**
   * How to make the gateway stop reusing idle connections before the backend closes them ({@code
   * below}: the value to set, e.g. "50s" or "<less than the backend's keep-alive>").
   */
  static String idleTimeout(AnalysisContext ctx, ResolvedBackend b, String below) {
    Target t = ctx.chain().target();
    String controller = t.controller();
    if (Envoy.ENVOY_GATEWAY.equals(controller)) {
      return "lower Envoy's idle timeout for it below the backend's: {apiVersion:"
          + " gateway.envoyproxy.io/v1alpha1, kind: BackendTrafficPolicy, metadata: {name: "
          + t.name()
          + "-idle, namespace: "
          + t.namespace()
          + "}, spec: {targetRefs: [{group: gateway.networking.k8s.io, kind: "
          + t.kind()
          + ", name: "
          + t.name()
          + "}], timeout: {http: {connectionIdleTimeout: "
          + below
          + "}}}}";
    }
    if (Envoy.ISTIO.equals(controller)) {
      return "lower Envoy's idle timeout for it below the backend's: {apiVersion:"
          + " networking.istio.io/v1, kind: DestinationRule, metadata: {name: "
          + b.ref().service()
          + ", namespace: "
          + b.namespace()
          + "}, spec: {host: "
          + b.ref().service()
          + "."
          + b.namespace()
          + ".svc.cluster.local, trafficPolicy: {connectionPool: {http: {idleTimeout: "
          + below
          + "}}}}}";
    }
    return "lower the gateway's idle timeout of upstream connections below the backend's (its"
        + " own policy resource; the Gateway API has no field for it)";
  }

  /** Where a route's request timeout is raised, beside the route's own timeouts.request. */
  static String requestTimeout(AnalysisContext ctx) {
    Target t = ctx.chain().target();
    String own =
        "timeouts.request of the rule of "
            + t
            + " (Gateway API; the gateway's default applies"
            + " without it)";
    if (Envoy.ENVOY_GATEWAY.equals(t.controller())) {
      return own
          + ", or a BackendTrafficPolicy: {apiVersion: gateway.envoyproxy.io/v1alpha1, kind:"
          + " BackendTrafficPolicy, metadata: {name: "
          + t.name()
          + "-timeout, namespace: "
          + t.namespace()
          + "}, spec: {targetRefs: [{group: gateway.networking.k8s.io, kind: "
          + t.kind()
          + ", name: "
          + t.name()
          + "}], timeout: {http: {requestTimeout: <seconds>s}}}}";
    }
    return own;
  }
}
