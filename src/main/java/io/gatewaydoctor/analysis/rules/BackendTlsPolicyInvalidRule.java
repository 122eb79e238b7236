package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.BackendTlsPolicies;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.Routes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BackendTLSPolicy that governs a route backend's Service port names CA certificates the
 * gateway cannot use: a ConfigMap that does not exist or holds no PEM under {@code ca.crt}, a kind
 * other than ConfigMap, or a {@code wellKnownCACertificates} value other than "System". The Gateway
 * API makes connections under such a policy fail with a 5xx for every request (and sets the
 * policy's ResolvedRefs or Accepted condition False). Found by looking at the ConfigMaps, not from
 * the policy's status; a ConfigMap that was not read is no finding.
 */
public final class BackendTlsPolicyInvalidRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    if (!Routes.isRouteKind(ctx.chain().target().kind())) {
      return List.of();
    }
    // policy → its problems and the Services it governs here
    Map<String, List<String>> problems = new LinkedHashMap<>();
    Map<String, List<String>> services = new LinkedHashMap<>();
    Map<String, BackendTlsPolicies.Applied> applied = new LinkedHashMap<>();
    for (ResolvedBackend b : ctx.chain().backends()) {
      if (b.service() == null || b.servicePort() == null) {
        continue;
      }
      var policy =
          BackendTlsPolicies.of(ctx.cluster(), b.namespace(), b.ref().service(), b.servicePort());
      if (policy.isEmpty()) {
        continue;
      }
      var a = policy.get();
      List<String> found = new ArrayList<>();
      for (String p : BackendTlsPolicies.trust(ctx.cluster(), a).problems()) {
        if (!p.endsWith("was not read")) {
          found.add(p);
        }
      }
      if (a.wellKnown() != null && !a.wellKnown().isEmpty() && !"System".equals(a.wellKnown())) {
        found.add(
            "wellKnownCACertificates \""
                + a.wellKnown()
                + "\" is no value the Gateway API defines (System)");
      }
      if (!found.isEmpty()) {
        applied.put(a.policy(), a);
        problems.put(a.policy(), found);
        services.computeIfAbsent(a.policy(), k -> new ArrayList<>()).add(b.serviceKey());
      }
    }
    List<RuleFinding> out = new ArrayList<>();
    for (var e : problems.entrySet()) {
      var a = applied.get(e.getKey());
      String svcs = String.join(", ", services.get(e.getKey()).stream().distinct().toList());
      out.add(
          RuleFinding.of(
                  Code.BackendTLSFailure,
                  Severity.Critical,
                  new ResourceRef(
                      "BackendTLSPolicy",
                      a.namespace(),
                      a.policy().substring(a.policy().indexOf('/') + 1)),
                  "BackendTLSPolicy "
                      + a.policy()
                      + " governs TLS to Service "
                      + svcs
                      + " of "
                      + ctx.chain().target()
                      + ", but the gateway cannot use its CA certificates: "
                      + String.join("; ", e.getValue())
                      + ". The Gateway API makes every request to "
                      + (services.get(e.getKey()).size() == 1 ? "that Service" : "those Services")
                      + " fail with a 5xx",
                  e.getValue())
              .withRemediation(
                  new Remedy(
                      Action.MANUAL,
                      "Create ConfigMap "
                          + (a.caConfigMaps().isEmpty()
                              ? "<name>"
                              : a.namespace() + "/" + a.caConfigMaps().get(0))
                          + " with the PEM of the CA that signed the backend's certificate under"
                          + " ca.crt, or point validation.caCertificateRefs of BackendTLSPolicy "
                          + a.policy()
                          + " at one ({group: \"\", kind: ConfigMap, name: <name>})",
                      false)));
    }
    return out;
  }
}
