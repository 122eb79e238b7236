package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.probe.Outcome;
import io.gatewaydoctor.probe.Probe;
import java.util.List;

/**
 * The backend does not answer in time: no connection (packets dropped: ingress-nginx 504 after
 * proxy-connect-timeout) or no response header (504 after proxy-read-timeout).
 */
public final class BackendTimeoutRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out =
        new java.util.ArrayList<>(
            ProbeTrouble.hits(
                    ctx,
                    p ->
                        p.outcome() == Outcome.connectTimeout || p.outcome() == Outcome.readTimeout)
                .stream()
                .map(
                    h -> {
                      var culprit = h.culprit();
                      boolean connect =
                          h.probes().stream().allMatch(p -> p.outcome() == Outcome.connectTimeout);
                      return ProbeTrouble.finding(
                          Code.BackendTimeout,
                          h,
                          culprit,
                          (connect ? "No connection to " : "No response from ")
                              + culprit
                              + " within "
                              + h.probes().get(0).target().timeoutMillis()
                              + " ms on "
                              + h.share()
                              + " of Service "
                              + h.backend().serviceKey()
                              + (connect
                                  ? " (packets dropped: a NetworkPolicy, a firewall or a dead node)"
                                  : ""),
                          new Remedy(
                              Action.MANUAL,
                              connect
                                  ? "Check NetworkPolicies and the node of the pods of " + culprit
                                  : "Find what "
                                      + culprit
                                      + " waits on (a database, a lock), or raise "
                                      + raise(ctx)
                                      + " if slow answers are expected",
                              false));
                    })
                .toList());
    out.addAll(slowRoutedPaths(ctx));
    return out;
  }

  /**
   * A path the Ingress routes answers later than the gateway's proxy-read-timeout while the
   * readiness path answers: the gateway gives 504 there, and only a probe of that path sees it.
   */
  static List<RuleFinding> slowRoutedPaths(AnalysisContext ctx) {
    List<RuleFinding> out = new java.util.ArrayList<>();
    for (var b : ctx.chain().backends()) {
      for (var e : Endpoint.of(b)) {
        List<Probe> slow =
            ctx.probes().routed().stream()
                .filter(
                    p ->
                        p.target().ip().equals(e.ip())
                            && e.port() != null
                            && p.target().port() == e.port())
                .filter(p -> p.outcome() == Outcome.readTimeout)
                .toList();
        if (slow.isEmpty()) {
          continue;
        }
        var culprit = b.workloadOf(e.pod());
        var main = ctx.probes().at(e.ip(), e.port()).orElse(null);
        long secs = slow.get(0).target().timeoutMillis() / 1000;
        String paths = String.join(", ", slow.stream().map(p -> p.target().path()).toList());
        List<String> evidence = new java.util.ArrayList<>();
        for (var p : slow) {
          evidence.add(
              "probe GET "
                  + p.target().path()
                  + " on "
                  + p.key()
                  + (e.pod() == null ? "" : " (pod " + e.pod() + ")")
                  + ": "
                  + p.outcome()
                  + ", "
                  + p.detail());
        }
        if (main != null) {
          evidence.add(
              "probe GET "
                  + main.target().path()
                  + " on "
                  + main.key()
                  + ": "
                  + main.outcome()
                  + " in "
                  + main.latencyMillis()
                  + " ms");
        }
        out.add(
            RuleFinding.of(
                    Code.BackendTimeout,
                    Severity.Warning,
                    culprit,
                    "GET "
                        + paths
                        + " on "
                        + GatewayTrouble.pods(List.of(e))
                        + " of "
                        + culprit
                        + " got no response within the gateway's "
                        + (ctx.chain().target().ingress().isPresent()
                            ? "proxy-read-timeout"
                            : "route timeout")
                        + " of "
                        + secs
                        + " s ("
                        + ctx.dialect()
                            .origin(
                                ctx.dialect().readTimeoutSetting(),
                                ctx.chain().annotations(),
                                ctx.chain().controllerConfig())
                        + "; the gateway answers 504 there)"
                        + (main != null && main.outcome() == Outcome.ok
                            ? ", while the readiness path "
                                + main.target().path()
                                + " answers in "
                                + main.latencyMillis()
                                + " ms"
                            : ""),
                    evidence)
                .withRemediation(
                    new Remedy(
                        Action.MANUAL,
                        "Find what "
                            + culprit
                            + " waits on for "
                            + paths
                            + ", or raise "
                            + raise(ctx)
                            + " if answers that slow are expected",
                        false)));
        break; // one endpoint per backend carries the routed paths
      }
    }
    return out;
  }

  /**
   * What sets how long the gateway waits: the Ingress's annotation, or the route rule's timeout.
   */
  static String raise(AnalysisContext ctx) {
    return ctx.chain().target().ingress().isPresent()
        ? "nginx.ingress.kubernetes.io/proxy-read-timeout on " + ctx.chain().target()
        : RouteTuning.requestTimeout(ctx);
  }
}
