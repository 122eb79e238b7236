package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Fix;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.probe.Outcome;
import java.util.List;

/**
 * The backend speaks TLS where the gateway speaks plain HTTP, or the reverse. ingress-nginx decides
 * by the backend-protocol annotation alone, so that is the field to change.
 */
public final class BackendProtocolMismatchRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    String ns = ctx.chain().namespace();
    String name = ctx.chain().name();
    var hits =
        ProbeTrouble.hits(
            ctx,
            p ->
                p.outcome() == Outcome.tlsExpected
                    || p.outcome() == Outcome.plainExpected
                    || p.outcome() == Outcome.http1Expected);
    return hits.stream()
        .map(
            h -> {
              if (h.probes().get(0).outcome() == Outcome.http1Expected) {
                return h2cFinding(ctx, h);
              }
              boolean wantsTls = h.probes().get(0).outcome() == Outcome.tlsExpected;
              if (io.gatewaydoctor.model.Routes.isRouteKind(ctx.chain().target().kind())) {
                return routeFinding(ctx, h, wantsTls);
              }
              // the annotation applies to every backend of the Ingress: automatic only when each of
              // them needs the same
              var same =
                  hits.stream()
                      .filter(o -> (o.probes().get(0).outcome() == Outcome.tlsExpected) == wantsTls)
                      .map(o -> o.backend().serviceKey())
                      .collect(java.util.stream.Collectors.toSet());
              boolean whole =
                  ctx.chain().target().ingress().isPresent()
                      && ctx.chain().backends().stream()
                          .allMatch(b -> same.contains(b.serviceKey()));
              String msg =
                  wantsTls
                      ? h.culprit()
                          + " speaks TLS on port "
                          + h.probes().get(0).target().port()
                          + ", but Ingress "
                          + ns
                          + "/"
                          + name
                          + " proxies to Service "
                          + h.backend().serviceKey()
                          + " in plain HTTP (no "
                          + ctx.dialect().protocolSetting()
                          + ": HTTPS)"
                      : h.culprit()
                          + " speaks plain HTTP on port "
                          + h.probes().get(0).target().port()
                          + ", but Ingress "
                          + ns
                          + "/"
                          + name
                          + " proxies to Service "
                          + h.backend().serviceKey()
                          + " over TLS ("
                          + ctx.dialect().protocolSetting()
                          + ")";
              return ProbeTrouble.finding(
                  Code.BackendProtocolMismatch,
                  h,
                  ctx.chain().target().ref(),
                  msg,
                  whole
                      ? new Remedy(
                              Action.SET_BACKEND_PROTOCOL,
                              "Set annotation "
                                  + ctx.dialect().protocolSetting()
                                  + ": \""
                                  + (wantsTls ? "HTTPS" : "HTTP")
                                  + "\" on Ingress "
                                  + ns
                                  + "/"
                                  + name,
                              true)
                          .fixing(
                              new Fix.Annotation(
                                  ctx.chain().target().object(),
                                  ctx.dialect().protocolSetting(),
                                  wantsTls ? "HTTPS" : "HTTP"))
                      : new Remedy(
                          Action.MANUAL,
                          "Serve Service "
                              + h.backend().serviceKey()
                              + " from an Ingress of its own with "
                              + ctx.dialect().protocolSetting()
                              + ": \""
                              + (wantsTls ? "HTTPS" : "HTTP")
                              + "\" (the annotation applies to every"
                              + " backend of Ingress "
                              + ns
                              + "/"
                              + name
                              + ", and the others speak "
                              + (wantsTls ? "plain HTTP" : "TLS")
                              + ")",
                          false));
            })
        .toList();
  }

  /**
   * The Service port's {@code appProtocol: kubernetes.io/h2c} makes an Envoy-based data plane speak
   * HTTP/2 with prior knowledge, and the backend speaks HTTP/1.x: Envoy answers 502 {@code UPE}.
   */
  private static io.gatewaydoctor.analysis.RuleFinding h2cFinding(
      io.gatewaydoctor.analysis.AnalysisContext ctx, ProbeTrouble.Hits h) {
    var b = h.backend();
    if (h.probes().get(0).target().grpc()) {
      return ProbeTrouble.finding(
          Code.BackendProtocolMismatch,
          h,
          b.serviceRef(),
          h.culprit()
              + " speaks HTTP/1.x on port "
              + h.probes().get(0).target().port()
              + ", but "
              + ctx.chain().target()
              + " makes the gateway speak gRPC (HTTP/2) to Service "
              + b.serviceKey()
              + " (Envoy answers 502, flag UPE, or gRPC UNAVAILABLE)",
          new Remedy(
              Action.MANUAL,
              "Serve gRPC on "
                  + h.culprit()
                  + ", or send its HTTP traffic through an HTTPRoute instead of "
                  + ctx.chain().target(),
              false));
    }
    String port =
        b.servicePort() == null
            ? "its port"
            : "port "
                + (b.servicePort().getName() != null
                    ? b.servicePort().getName()
                    : String.valueOf(b.servicePort().getPort()));
    return ProbeTrouble.finding(
        Code.BackendProtocolMismatch,
        h,
        b.serviceRef(),
        h.culprit()
            + " speaks HTTP/1.x on port "
            + h.probes().get(0).target().port()
            + ", but "
            + port
            + " of Service "
            + b.serviceKey()
            + " has appProtocol kubernetes.io/h2c: "
            + ctx.chain().target()
            + "'s gateway speaks HTTP/2 to it (Envoy answers 502, flag UPE)",
        new Remedy(
            Action.MANUAL,
            "Remove appProtocol: kubernetes.io/h2c from "
                + port
                + " of Service "
                + b.serviceKey()
                + " (the pods speak HTTP/1.1), or serve h2c (HTTP/2 without TLS) on "
                + h.culprit(),
            false));
  }

  /**
   * A Gateway API data plane speaks TLS to a backend exactly where a BackendTLSPolicy governs the
   * Service port: the fix is the policy (added, or corrected), never an annotation.
   */
  private static io.gatewaydoctor.analysis.RuleFinding routeFinding(
      io.gatewaydoctor.analysis.AnalysisContext ctx, ProbeTrouble.Hits h, boolean wantsTls) {
    var t = ctx.chain().target();
    var b = h.backend();
    int port = h.probes().get(0).target().port();
    var policy =
        io.gatewaydoctor.model.BackendTlsPolicies.of(
            ctx.cluster(), b.namespace(), b.ref().service(), b.servicePort());
    String msg;
    Remedy remedy;
    if (wantsTls) {
      msg =
          h.culprit()
              + " speaks TLS on port "
              + port
              + ", but "
              + t
              + " sends to Service "
              + b.serviceKey()
              + " in plain HTTP: no BackendTLSPolicy governs "
              + (b.servicePort() == null || b.servicePort().getName() == null
                  ? "the Service"
                  : "its port " + b.servicePort().getName());
      remedy =
          new Remedy(
              Action.MANUAL,
              "Add a BackendTLSPolicy in namespace "
                  + b.namespace()
                  + ": {apiVersion: gateway.networking.k8s.io/v1, kind: BackendTLSPolicy,"
                  + " metadata: {name: "
                  + b.ref().service()
                  + "-tls, namespace: "
                  + b.namespace()
                  + "}, spec: {targetRefs: [{group: \"\", kind: Service, name: "
                  + b.ref().service()
                  + (b.servicePort() != null && b.servicePort().getName() != null
                      ? ", sectionName: " + b.servicePort().getName()
                      : "")
                  + "}], validation: {hostname: <the name in the backend's certificate>,"
                  + " caCertificateRefs: [{group: \"\", kind: ConfigMap, name: <ConfigMap with"
                  + " ca.crt>}]}}}",
              false);
    } else {
      String p = policy.map(a -> "BackendTLSPolicy " + a.policy()).orElse("a BackendTLSPolicy");
      msg =
          h.culprit()
              + " speaks plain HTTP on port "
              + port
              + ", but "
              + p
              + " makes the gateway speak TLS to Service "
              + b.serviceKey()
              + " for "
              + t;
      remedy =
          new Remedy(
              Action.MANUAL,
              "Serve TLS on port "
                  + port
                  + " of "
                  + h.culprit()
                  + ", or remove "
                  + p
                  + " (or its targetRef to Service "
                  + b.ref().service()
                  + ") if the backend is meant to speak plain HTTP",
              false);
    }
    return ProbeTrouble.finding(Code.BackendProtocolMismatch, h, t.ref(), msg, remedy);
  }
}
