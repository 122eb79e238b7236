package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Fix;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
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
  static final Map<Reason, Code> CODES =
      new EnumMap<>(
          Map.of(
              Reason.refused, Code.BackendRefusingConnections,
              Reason.reset, Code.BackendResettingConnections,
              Reason.prematureClose, Code.BackendPrematureClose,
              Reason.headersTooLarge, Code.BackendHeadersTooLarge,
              Reason.invalidResponse, Code.BackendInvalidResponse,
              Reason.timeout, Code.BackendTimeout,
              Reason.connectTimeout, Code.BackendTimeout,
              Reason.tls, Code.BackendTLSFailure,
              Reason.tlsToPlain, Code.BackendProtocolMismatch));

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
        List<Endpoint> failingEndpoints = new ArrayList<>();
        for (Endpoint e : endpoints) {
          GatewayEvidence.Counts c = GatewayTrouble.at(ctx, e);
          long n = c == null ? 0 : c.reasons.getOrDefault(rc.getKey(), 0L);
          if (n == 0) {
            continue;
          }
          failing++;
          failingEndpoints.add(e);
          errors += c.gatewayErrors();
          if (c.gatewayErrors() > worstErrors) {
            worstErrors = c.gatewayErrors();
            worst = e;
          }
          if (evidence.size() < 3) {
            evidence.add(
                "gateway error log, "
                    + n
                    + "× for "
                    + e.address()
                    + (e.pod() == null ? "" : " (pod " + e.pod() + ")")
                    + ": "
                    + (c.samples.isEmpty() ? rc.getKey() : c.samples.get(0)));
          }
        }
        if (failing == 0) {
          continue;
        }
        failingEndpoints.sort(
            java.util.Comparator.comparingLong(
                (Endpoint e) -> -GatewayTrouble.at(ctx, e).gatewayErrors()));
        ResourceRef culprit = b.workloadOf(worst.pod());
        String tlsPort = rc.getKey() == Reason.invalidResponse ? tlsPort(ctx, b) : null;
        if (tlsPort != null) {
          // nginx cannot say what it got instead of HTTP, but a TLS port answering a plain request
          // looks just so
          String ing = ctx.chain().namespace() + "/" + ctx.chain().name();
          out.add(
              RuleFinding.of(
                      Code.BackendProtocolMismatch,
                      Severity.Critical,
                      ctx.chain().target().ref(),
                      "The gateway got no HTTP from "
                          + culprit
                          + " on Service "
                          + b.serviceKey()
                          + " port "
                          + tlsPort
                          + ", a TLS port ("
                          + failing
                          + " endpoint"
                          + (failing > 1 ? "s" : "")
                          + "): Ingress "
                          + ing
                          + " proxies to Service "
                          + b.serviceKey()
                          + " in plain HTTP (no "
                          + ctx.dialect().protocolSetting()
                          + ": HTTPS)"
                          + GatewayTrouble.shape(GatewayTrouble.at(ctx, worst)),
                      evidence)
                  .withSince(GatewayTrouble.at(ctx, worst).errorsSince())
                  .withRemediation(
                      ctx.chain().backends().stream()
                              .allMatch(o -> o.serviceKey().equals(b.serviceKey()))
                          ? new Remedy(
                                  Action.SET_BACKEND_PROTOCOL,
                                  "Set annotation "
                                      + ctx.dialect().protocolSetting()
                                      + ": \"HTTPS\" on Ingress "
                                      + ing,
                                  true)
                              .fixing(
                                  new Fix.Annotation(
                                      ctx.chain().target().object(),
                                      ctx.dialect().protocolSetting(),
                                      "HTTPS"))
                              .fromLogsOnly()
                          : new Remedy(
                              Action.MANUAL,
                              "Serve Service "
                                  + b.serviceKey()
                                  + " from an Ingress of its own with "
                                  + ctx.dialect().protocolSetting()
                                  + ": \"HTTPS\" (the annotation applies to every backend of"
                                  + " Ingress "
                                  + ing
                                  + ")",
                              false)));
          continue;
        }
        long share =
            targetErrors == 0
                ? 100
                : Math.round(100.0 * errorsOf(ctx, failingEndpoints) / targetErrors);
        boolean all = failing > 1 && failing >= withTraffic;
        long lines =
            failingEndpoints.stream()
                .mapToLong(e -> GatewayTrouble.at(ctx, e).reasons.getOrDefault(rc.getKey(), 0L))
                .sum();
        Severity sev = GatewayTrouble.impact(ctx, b, failing >= Math.max(1, withTraffic), lines);
        String sample = sample(ctx, failingEndpoints, rc.getKey());
        // closes or resets, sporadic on an endpoint that otherwise answers
        boolean keepAliveRace =
            (rc.getKey() == Reason.prematureClose || rc.getKey() == Reason.reset)
                && KeepAliveSignature.shows(GatewayTrouble.at(ctx, worst));
        out.add(
            RuleFinding.of(
                    rc.getValue(),
                    sev,
                    culprit,
                    (all
                            ? "All "
                                + failing
                                + " endpoints of Service "
                                + b.serviceKey()
                                + " failed at the gateway in the last "
                                + ctx.window().toMinutes()
                                + " min ("
                                + GatewayTrouble.pods(failingEndpoints)
                                + "): "
                                + words(rc.getKey())
                            : share
                                + "% of the gateway's errors for Service "
                                + b.serviceKey()
                                + " in the last "
                                + ctx.window().toMinutes()
                                + " min came from "
                                + GatewayTrouble.pods(failingEndpoints)
                                + ": "
                                + words(rc.getKey()))
                        + (rc.getKey() == Reason.tls && sample != null
                            ? " (" + tlsDetail(sample) + ")"
                            : "")
                        + (keepAliveRace && !measured(ctx, b)
                            ? "; sporadic on an endpoint that otherwise answers: the signature of a keep-alive race (the backend closes idle"
                                + " connections before the gateway stops reusing them), which a keep-alive measurement (analyze --probe, the"
                                + " operator's prober) confirms"
                            : "")
                        + GatewayTrouble.impactText(ctx, b)
                        + GatewayTrouble.shape(GatewayTrouble.at(ctx, worst)),
                    evidence)
                .withSince(GatewayTrouble.at(ctx, worst).errorsSince())
                .withRemediation(
                    new Remedy(
                        Action.MANUAL,
                        ctx.chain().target().ingress().isEmpty() && rc.getKey() == Reason.tls
                            ? routeTlsFix(culprit, b)
                            : ctx.chain().target().ingress().isEmpty() && keepAliveRace
                                ? "Raise the HTTP keep-alive (idle) timeout of "
                                    + culprit
                                    + " above the gateway's (Envoy: 1 h by default), or "
                                    + RouteTuning.idleTimeout(
                                        ctx, b, "<less than the backend's keep-alive timeout>")
                                : fix(rc.getKey(), culprit, b),
                        false)));
      }
    }
    return out;
  }

  /**
   * The backend port is a TLS port by its name or number (https, tls, 443, 8443, appProtocol https)
   * while the Ingress does not ask for TLS to the backend: the word that says so, or null.
   */
  static String tlsPort(AnalysisContext ctx, ResolvedBackend b) {
    if (ctx.chain().target().ingress().isEmpty()) {
      return null; // a route's protocol to the backend is no annotation of its own
    }
    String proto = ctx.chain().annotations().get(ctx.dialect().protocolSetting());
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
    return words.stream()
        .filter(java.util.Objects::nonNull)
        .filter(
            w ->
                w.toLowerCase(java.util.Locale.ROOT).contains("https")
                    || w.equalsIgnoreCase("tls")
                    || w.equals("443")
                    || w.equals("8443"))
        .findFirst()
        .orElse(null);
  }

  /** Whether the idle keep-alive timeout of an endpoint of this backend was measured. */
  private static boolean measured(AnalysisContext ctx, ResolvedBackend b) {
    return Endpoint.of(b).stream()
        .anyMatch(
            e -> ctx.probes().keepAlive(e.ip(), e.port()).map(k -> k.measured()).orElse(false));
  }

  private static long errorsOf(AnalysisContext ctx, List<Endpoint> endpoints) {
    return endpoints.stream().mapToLong(e -> GatewayTrouble.at(ctx, e).gatewayErrors()).sum();
  }

  /**
   * The first sample line of this reason among the endpoints' samples (the samples hold any
   * reason), or null.
   */
  private static String sample(AnalysisContext ctx, List<Endpoint> endpoints, Reason r) {
    for (Endpoint e : endpoints) {
      for (String s : GatewayTrouble.at(ctx, e).samples) {
        if (r != Reason.tls || s.contains("SSL")) {
          return s;
        }
      }
    }
    return null;
  }

  /** What nginx's words say failed in the TLS handshake. */
  static String tlsDetail(String sample) {
    String l = sample.toLowerCase(java.util.Locale.ROOT);
    if (l.contains("alert_certificate_expired")
        || l.contains("alert_bad_certificate")
        || l.contains("alert_certificate_required")) {
      // Envoy's words for an alert the backend sent: it refused the certificate it was given
      return "the backend refused the client certificate the gateway presented (missing, expired"
          + " or not trusted)";
    }
    if (l.contains("certificate_verify_failed")) {
      return "the backend's certificate did not verify against the gateway's CA or name";
    }
    if (l.contains("certificate verify error")
        || l.contains("unable to get")
        || l.contains("self-signed")
        || l.contains("self signed")
        || l.contains("certificate has expired")) {
      return "the backend's certificate did not verify against the gateway's CA";
    }
    if (l.contains("does not match")) {
      return "the backend's certificate does not match the name the gateway expects (proxy-ssl-name)";
    }
    if (l.contains("certificate required")
        || l.contains("alert bad certificate")
        || l.contains("peer closed connection in ssl handshake")) {
      // TLS 1.3 servers send "certificate required" (116), TLS 1.2 ones and Java "bad certificate"
      // (42), others just close
      return "the backend ended the handshake: it requires a client certificate the gateway did not send"
          + (l.contains("peer closed") ? ", or another SNI name" : "");
    }
    if (l.contains("protocol version")
        || l.contains("handshake failure")
        || l.contains("no shared cipher")) {
      return "no TLS protocol version or cipher in common";
    }
    return "see the error line";
  }

  /** A route's TLS to its backend is set by a BackendTLSPolicy on the Service. */
  private static String routeTlsFix(ResourceRef culprit, ResolvedBackend b) {
    return "Make the BackendTLSPolicy of Service "
        + b.serviceKey()
        + " match "
        + culprit
        + ": {apiVersion: gateway.networking.k8s.io/v1alpha3, kind: BackendTLSPolicy, spec:"
        + " {targetRefs: [{group: \"\", kind: Service, name: "
        + b.ref().service()
        + "}], validation: {hostname: <the name in its certificate>, caCertificateRefs:"
        + " [{group: \"\", kind: ConfigMap, name: <the CA that signed it>}]}}}"
        + " (or wellKnownCACertificates: System for a public CA); see"
        + " docs/root-causes.md#backendtlsfailure";
  }

  private static String fix(Reason r, ResourceRef culprit, ResolvedBackend b) {
    return switch (r) {
      case tls ->
          "Make the gateway's TLS settings for Service "
              + b.serviceKey()
              + " match "
              + culprit
              + ": the CA that signed its"
              + " certificate (nginx.ingress.kubernetes.io/proxy-ssl-secret, proxy-ssl-verify), the name it serves (proxy-ssl-name,"
              + " proxy-ssl-server-name: \"on\" for SNI), a client certificate when it asks for one (proxy-ssl-secret with tls.crt/tls.key),"
              + " and proxy-ssl-protocols/ciphers; see docs/root-causes.md#backendtlsfailure";
      default ->
          "See docs/root-causes.md#"
              + CODES.get(r).name().toLowerCase(java.util.Locale.ROOT)
              + " for "
              + CODES.get(r);
    };
  }

  static String words(Reason r) {
    return switch (r) {
      case refused -> "connection refused";
      case reset -> "connection reset by the backend";
      case prematureClose -> "the backend closed the connection before a complete response";
      case headersTooLarge -> "response headers too big for the proxy buffer";
      case invalidResponse -> "the backend answered something that is not HTTP";
      case timeout -> "upstream timed out waiting for the response";
      case connectTimeout ->
          "no connection within proxy-connect-timeout (packets dropped: a NetworkPolicy, a firewall or a dead node)";
      case tls -> "the TLS handshake with the backend failed";
      case tlsToPlain -> "the gateway spoke TLS and the backend answered in plain HTTP";
      case noLiveUpstreams -> "no live upstreams";
    };
  }
}
