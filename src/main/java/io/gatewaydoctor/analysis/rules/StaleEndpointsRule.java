package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.gateway.Envoy;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.HTTPRouteTargets;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway's data plane sent a backend's requests to addresses that are no endpoint of its
 * Service (ready or not): a gateway whose configuration is out of sync with the EndpointSlices, or
 * pods that stopped before the data plane dropped them. Read from an Envoy-based gateway's access
 * lines, whose cluster names say which Service port a request was for; blamed on the parent Gateway
 * (its data plane holds the stale addresses).
 */
public final class StaleEndpointsRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    if (!(ctx.dialect() instanceof Envoy) || ctx.gateway().isEmpty()) {
      return out;
    }
    for (ResolvedBackend b : ctx.chain().backends()) {
      Map<String, GatewayEvidence.Counts> stale = StaleAddresses.of(ctx, b);
      if (stale.isEmpty() || rolloutExplains(ctx, b)) {
        continue; // a rollout's departed pods: RolloutWithoutGracefulShutdown's to say
      }
      long errors = 0;
      Instant since = null;
      List<String> evidence = new ArrayList<>();
      for (Map.Entry<String, GatewayEvidence.Counts> e : stale.entrySet()) {
        GatewayEvidence.Counts c = e.getValue();
        errors += c.gatewayErrors();
        Instant s = c.errorsSince();
        since = since == null || (s != null && s.isBefore(since)) ? s : since;
        if (evidence.size() < 3) {
          GatewayEvidence.Counts at = ctx.gateway().address(e.getKey());
          evidence.add(
              "gateway access log, "
                  + c.gatewayErrors()
                  + " gateway error"
                  + (c.gatewayErrors() == 1 ? "" : "s")
                  + " at "
                  + e.getKey()
                  + (at != null && !at.samples.isEmpty() ? ": " + at.samples.get(0) : ""));
        }
      }
      List<Endpoint> now = Endpoint.of(b);
      ResourceRef blamed = blamed(ctx);
      out.add(
          RuleFinding.of(
                  Code.StaleEndpoints,
                  GatewayTrouble.impact(ctx, b, true, errors),
                  blamed,
                  "The data plane of "
                      + blamed
                      + " sent requests for Service "
                      + b.serviceKey()
                      + " to "
                      + GatewayTrouble.list(List.copyOf(stale.keySet()))
                      + ", which "
                      + (stale.size() == 1 ? "is no endpoint" : "are no endpoints")
                      + " of the Service now ("
                      + (now.isEmpty()
                          ? "it has none"
                          : "its endpoints: " + GatewayTrouble.pods(now))
                      + "): its data plane is out of sync with the Service's EndpointSlices, or"
                      + " pods stopped before it dropped them"
                      + GatewayTrouble.impactText(ctx, b),
                  evidence)
              .withSince(since)
              .withRemediation(
                  new Remedy(
                      Action.MANUAL,
                      "Check that the gateway's control plane pushes endpoint updates to its"
                          + " proxies (Envoy Gateway: egctl config envoy-proxy endpoint; Istio:"
                          + " istioctl proxy-status) and restart proxies that lag; give the pods of"
                          + " Service "
                          + b.serviceKey()
                          + " a preStop sleep longer than the gateway's update delay so they stop"
                          + " serving only after it dropped them",
                      false)));
    }
    return out;
  }

  /**
   * Whether RolloutWithoutGracefulShutdown says it: the backend's Deployment started a new
   * ReplicaSet within the window and its pods serve without a preStop drain.
   */
  static boolean rolloutExplains(AnalysisContext ctx, ResolvedBackend b) {
    if (b.pods().isEmpty()
        || io.gatewaydoctor.model.Pods.servingWithoutPreStop(b.pods().get(0), b.targetPortLabel())
            .isEmpty()) {
      return false;
    }
    var w = io.gatewaydoctor.model.Pods.workload(b.pods().get(0));
    if (!"Deployment".equals(w.kind)) {
      return false;
    }
    return ctx.cluster().replicaSetsOf(b.namespace(), w.name).stream()
        .map(rs -> io.gatewaydoctor.model.Times.parse(rs.getMetadata().getCreationTimestamp()))
        .anyMatch(t -> t != null && ctx.isRecent(t) && !t.isAfter(ctx.now()));
  }

  /** The route's first parent Gateway the view holds, else the route. */
  private static ResourceRef blamed(AnalysisContext ctx) {
    var route = ctx.chain().target().object();
    if (route != null && io.gatewaydoctor.model.Routes.isRoute(route)) {
      for (var gw : HTTPRouteTargets.parents(route, ctx.cluster())) {
        return new ResourceRef(
            "Gateway", gw.getMetadata().getNamespace(), gw.getMetadata().getName());
      }
    }
    return ctx.chain().target().ref();
  }
}
