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
        String tlsPort = rc.getKey() == Reason.invalidResponse ? tlsPort(ctx, b) : null;
        if (tlsPort != null) {
          // nginx cannot say what it got instead of HTTP, but a TLS port answering a plain request looks just so
          String ing = ctx.chain().namespace() + "/" + ctx.chain().name();
          out.add(RuleFinding.of(Code.BackendProtocolMismatch, Severity.Critical, new ResourceRef("Ingress", ctx.chain().namespace(),
                  ctx.chain().name()),
              "The gateway got no HTTP from " + culprit + " on Service " + b.serviceKey() + " port " + tlsPort + ", a TLS port (" + failing
                  + " endpoint" + (failing > 1 ? "s" : "") + "): Ingress " + ing + " proxies to Service " + b.serviceKey()
                  + " in plain HTTP (no " + io.gatewaydoctor.probe.ProbePlanner.BACKEND_PROTOCOL + ": HTTPS)"
                  + GatewayTrouble.shape(GatewayTrouble.at(ctx, worst)),
              evidence).withSince(GatewayTrouble.at(ctx, worst).errorsSince())
              .withRemediation(ctx.chain().backends().stream().allMatch(o -> o.serviceKey().equals(b.serviceKey()))
                  ? io.gatewaydoctor.remediation.Patches.annotation(new FindingRemediation("set-backend-protocol",
                  "Set annotation " + io.gatewaydoctor.probe.ProbePlanner.BACKEND_PROTOCOL + ": \"HTTPS\" on Ingress " + ing, true),
                  ctx.chain().ingress(), io.gatewaydoctor.probe.ProbePlanner.BACKEND_PROTOCOL, "HTTPS")
                  : new FindingRemediation("manual", "Serve Service " + b.serviceKey() + " from an Ingress of its own with "
                      + io.gatewaydoctor.probe.ProbePlanner.BACKEND_PROTOCOL + ": \"HTTPS\" (the annotation applies to every backend of"
                      + " Ingress " + ing + ")", false)));
          continue;
        }
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

  /**
   * The backend port is a TLS port by its name or number (https, tls, 443, 8443, appProtocol https)
   * while the Ingress does not ask for TLS to the backend: the word that says so, or null.
   */
  static String tlsPort(AnalysisContext ctx, ResolvedBackend b) {
    var ann = ctx.chain().ingress().getMetadata().getAnnotations();
    String proto = ann == null ? null : ann.get(io.gatewaydoctor.probe.ProbePlanner.BACKEND_PROTOCOL);
    if (proto != null && !proto.isBlank() && !proto.trim().equalsIgnoreCase("HTTP")) {
      return null;
    }
    if (b.servicePort() == null) {
      return null;
    }
    java.util.List<String> words = new ArrayList<>();
    words.add(b.servicePort().getName());
    words.add(b.servicePort().getAppProtocol());
    words.add(b.targetPortLabel());
    words.add(String.valueOf(b.servicePort().getPort()));
    return words.stream().filter(java.util.Objects::nonNull)
        .filter(w -> w.toLowerCase(java.util.Locale.ROOT).contains("https") || w.equalsIgnoreCase("tls") || w.equals("443")
            || w.equals("8443")).findFirst().orElse(null);
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
