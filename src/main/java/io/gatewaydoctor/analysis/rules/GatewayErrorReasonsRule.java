package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.FindingRemediation;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.signals.ErrorLine.Reason;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the gateway's error log per endpoint: each reason nginx gave for a failed upstream try
 * (connection refused, reset, premature close, too big header, not HTTP, timed out, TLS handshake)
 * raises its code, on the pod's workload, with the share of the target's gateway-generated errors
 * that came from that pod. Critical when every endpoint with traffic failed that way, else Warning.
 */
public final class GatewayErrorReasonsRule implements Rule {
  static final Map<Reason, Code> CODES = new EnumMap<>(Map.of(
      Reason.refused, Code.BackendRefusingConnections,
      Reason.reset, Code.BackendResettingConnections,
      Reason.prematureClose, Code.BackendPrematureClose,
      Reason.headersTooLarge, Code.BackendHeadersTooLarge,
      Reason.invalidResponse, Code.BackendInvalidResponse,
      Reason.timeout, Code.BackendTimeout,
      Reason.connectTimeout, Code.BackendTimeout,
      Reason.tls, Code.BackendProtocolMismatch));

  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    if (ctx.gateway().isEmpty()) {
      return out;
    }
    for (ResolvedBackend b : ctx.chain().backends()) {
      List<Endpoint> endpoints = Endpoint.of(b);
      long targetErrors = 0;
      int withTraffic = 0;
      for (Endpoint e : endpoints) {
        GatewayEvidence.Counts c = GatewayTrouble.at(ctx, e);
        if (c != null) {
          targetErrors += c.gatewayErrors();
          withTraffic += c.requests > 0 || !c.reasons.isEmpty() ? 1 : 0;
        }
      }
      for (Map.Entry<Reason, Code> rc : CODES.entrySet()) {
        List<String> evidence = new ArrayList<>();
        int failing = 0;
        long errors = 0;
        Endpoint worst = null;
        long worstErrors = -1;
        for (Endpoint e : endpoints) {
          GatewayEvidence.Counts c = GatewayTrouble.at(ctx, e);
          long n = c == null ? 0 : c.reasons.getOrDefault(rc.getKey(), 0L);
          if (n == 0) {
            continue;
          }
          failing++;
          errors += c.gatewayErrors();
          if (c.gatewayErrors() > worstErrors) {
            worstErrors = c.gatewayErrors();
            worst = e;
          }
          if (evidence.size() < 3) {
            evidence.add("gateway error log, " + n + "× for " + e.address() + (e.pod() == null ? "" : " (pod " + e.pod() + ")")
                + ": " + (c.samples.isEmpty() ? rc.getKey() : c.samples.get(0)));
          }
        }
        if (failing == 0) {
          continue;
        }
        ResourceRef culprit = b.workloadOf(worst.pod());
        long share = targetErrors == 0 ? 100 : Math.round(100.0 * worstErrors / targetErrors);
        String who = worst.pod() != null ? "pod " + worst.pod() + " (" + worst.ip() + ")" : worst.address();
        // Critical only when clients saw the failures (not all hidden by retries) and every endpoint with traffic failed
        Severity sev = failing >= Math.max(1, withTraffic) && clientVisible(ctx, b) ? Severity.Critical : Severity.Warning;
        out.add(RuleFinding.of(rc.getValue(), sev, culprit,
            (failing > 1 && failing >= withTraffic
                ? "All " + failing + " endpoints of Service " + b.serviceKey() + " failed at the gateway in the last "
                    + ctx.window().toMinutes() + " min (most: " + who + "): " + words(rc.getKey())
                : share + "% of the gateway's errors for Service " + b.serviceKey() + " in the last " + ctx.window().toMinutes()
                    + " min came from " + who + ": " + words(rc.getKey()) + (failing > 1 ? " (" + failing + " endpoints affected)" : ""))
                + GatewayTrouble.shape(GatewayTrouble.at(ctx, worst)),
            evidence).withSince(GatewayTrouble.at(ctx, worst).errorsSince()).withRemediation(new FindingRemediation("manual", "See docs/root-causes.md#" + rc.getValue().name().toLowerCase()
                + " for " + rc.getValue(), false)));
      }
    }
    return out;
  }

  private static boolean clientVisible(AnalysisContext ctx, ResolvedBackend b) {
    GatewayEvidence.Counts u = ctx.upstream(b);
    return u != null && u.gatewayErrors() > 0;
  }

  static String words(Reason r) {
    return switch (r) {
      case refused -> "connection refused";
      case reset -> "connection reset by the backend";
      case prematureClose -> "the backend closed the connection before a complete response";
      case headersTooLarge -> "response headers too big for the proxy buffer";
      case invalidResponse -> "the backend answered something that is not HTTP";
      case timeout -> "upstream timed out waiting for the response";
      case connectTimeout -> "no connection within proxy-connect-timeout (packets dropped: a NetworkPolicy, a firewall or a dead node)";
      case tls -> "TLS handshake with the backend failed";
      case noLiveUpstreams -> "no live upstreams";
    };
  }
}
