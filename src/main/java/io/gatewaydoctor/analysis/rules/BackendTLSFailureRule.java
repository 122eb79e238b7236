package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.probe.Outcome;
import java.util.List;
import java.util.Map;

/**
 * The TLS handshake the gateway would make to the backend fails, as the prober meets it (SNI as
 * ingress-nginx sends it; no client certificate). A backend that requires a client certificate is
 * no finding when the Ingress gives the gateway one (proxy-ssl-secret), which the prober does not
 * read. The gateway's own TLS error lines raise the same code in {@link GatewayErrorReasonsRule}.
 */
public final class BackendTLSFailureRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    Map<String, String> ann = ctx.chain().annotations();
    String certSetting = ctx.dialect().clientCertificateSetting();
    boolean gatewayHasClientCert =
        certSetting != null && ann.get(certSetting) != null && !ann.get(certSetting).isBlank();
    return ProbeTrouble.hits(
            ctx,
            p ->
                p.outcome() == Outcome.tlsFailed
                    && !(gatewayHasClientCert
                        && p.detail() != null
                        && p.detail().contains("client certificate")))
        .stream()
        .map(
            h -> {
              var culprit = h.culprit();
              String pods = GatewayTrouble.list(ProbeTrouble.podNames(h));
              String why = h.probes().get(0).detail();
              Remedy route = routeRemedy(ctx, h, why);
              return ProbeTrouble.finding(
                  Code.BackendTLSFailure,
                  h,
                  culprit,
                  "The TLS handshake the gateway would make to "
                      + culprit
                      + " fails on "
                      + h.share()
                      + " of Service "
                      + h.backend().serviceKey()
                      + " ("
                      + pods
                      + "): "
                      + why,
                  route != null
                      ? route
                      : new Remedy(
                          Action.MANUAL,
                          why.contains("client certificate")
                              ? "Give the gateway a client certificate the backend trusts: nginx.ingress.kubernetes.io/proxy-ssl-secret: \"<ns>/<secret>\""
                                  + " with tls.crt and tls.key (and ca.crt to verify the backend), or stop requiring one on "
                                  + culprit
                              : "Make the gateway's TLS settings (proxy-ssl-protocols, proxy-ssl-ciphers, proxy-ssl-name with proxy-ssl-server-name: \"on\")"
                                  + " match what "
                                  + culprit
                                  + " serves; see docs/root-causes.md#backendtlsfailure",
                          false));
            })
        .toList();
  }

  /**
   * For a route backend under a BackendTLSPolicy: the certificate and the policy must agree (the
   * CA, the hostname or subjectAltNames); null when no policy governs the backend.
   */
  static Remedy routeRemedy(AnalysisContext ctx, ProbeTrouble.Hits h, String why) {
    if (!io.gatewaydoctor.model.Routes.isRouteKind(ctx.chain().target().kind())) {
      return null;
    }
    var b = h.backend();
    var policy =
        io.gatewaydoctor.model.BackendTlsPolicies.of(
            ctx.cluster(), b.namespace(), b.ref().service(), b.servicePort());
    if (policy.isEmpty()) {
      return null;
    }
    var a = policy.get();
    String what =
        why.contains("does not name") || why.contains("subjectAltNames")
            ? "a certificate that names "
                + (a.subjectAltNames().isEmpty()
                    ? a.hostname()
                    : String.join(" or ", a.subjectAltNames()))
            : why.contains("expired")
                ? "a certificate that is valid now"
                : "a certificate signed by "
                    + (a.caConfigMaps().isEmpty()
                        ? "a well-known CA"
                        : "the CA in ConfigMap " + a.namespace() + "/" + a.caConfigMaps().get(0));
    return new Remedy(
        Action.MANUAL,
        "Serve "
            + what
            + " on "
            + h.culprit()
            + ", or correct validation of BackendTLSPolicy "
            + a.policy()
            + " (hostname, subjectAltNames, caCertificateRefs) to match the certificate it serves",
        false);
  }
}
