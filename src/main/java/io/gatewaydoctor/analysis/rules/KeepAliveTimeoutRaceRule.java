package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.gateway.IngressNginx;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.probe.KeepAlive;
import java.util.ArrayList;
import java.util.List;

/**
 * The backend closes idle keep-alive connections sooner than the gateway stops reusing them: a
 * request sent on a connection the backend is closing fails (ingress-nginx: sporadic 502, "upstream
 * prematurely closed connection while reading response header"). A Warning: the errors are rare and
 * random, and retries hide most of them.
 */
public final class KeepAliveTimeoutRaceRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    var gateway = ctx.probes().gatewayKeepAlive();
    var config = ctx.chain().controllerConfig();
    String source = config.source();
    // the timeout the evidence carries is the controller's, unless the operator or analyze was
    // told otherwise
    String from =
        source != null
                && config.get(IngressNginx.UPSTREAM_KEEPALIVE_TIMEOUT) != null
                && gateway.equals(ctx.dialect().upstreamKeepAlive(config))
            ? "ConfigMap " + source + " key upstream-keepalive-timeout"
            : "ingress-nginx upstream-keepalive-timeout";
    for (ResolvedBackend b : ctx.chain().backends()) {
      for (Endpoint e : Endpoint.of(b)) {
        KeepAlive k = ctx.probes().keepAlive(e.ip(), e.port()).orElse(null);
        if (k == null
            || !k.measured()
            || k.closedAfter() == null
            || k.closedAfter().compareTo(gateway) >= 0) {
          continue;
        }
        ResourceRef w = b.workloadOf(e.pod());
        double secs = k.closedAfter().toMillis() / 1000.0;
        out.add(
            RuleFinding.of(
                    Code.KeepAliveTimeoutRace,
                    Severity.Warning,
                    w,
                    w
                        + " closes idle keep-alive connections after "
                        + String.format(java.util.Locale.ROOT, "%.1f", secs)
                        + " s, but the gateway reuses idle upstream connections for up to "
                        + gateway.toSeconds()
                        + " s: requests that race the close fail with 502",
                    List.of(
                        "idle keep-alive connection to "
                            + e.ip()
                            + ":"
                            + e.port()
                            + (e.pod() == null ? "" : " (pod " + e.pod() + ")")
                            + " closed by the backend after "
                            + k.closedAfter().toMillis()
                            + " ms",
                        "gateway upstream keep-alive timeout "
                            + gateway.toSeconds()
                            + " s ("
                            + from
                            + ")"))
                .withRemediation(
                    new Remedy(
                        Action.MANUAL,
                        "Raise the HTTP keep-alive (idle) timeout of "
                            + w
                            + " above "
                            + gateway.toSeconds()
                            + " s (e.g. Node.js server.keepAliveTimeout = "
                            + (gateway.toSeconds() + 5)
                            + "000), or lower"
                            + " upstream-keepalive-timeout in "
                            + (source == null
                                ? "the ingress-nginx ConfigMap"
                                : "ConfigMap " + source)
                            + " below "
                            + (long) Math.floor(secs)
                            + " s",
                        false)));
        break; // one measurement per Service is enough
      }
    }
    return out;
  }
}
