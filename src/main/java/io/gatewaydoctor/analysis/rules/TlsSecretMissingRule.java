package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.ClusterSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Risk: a spec.tls entry names a Secret that does not exist (the gateway serves a fallback cert).
 */
public final class TlsSecretMissingRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    var spec = ctx.chain().target().ingress().map(i -> i.getSpec()).orElse(null);
    List<RuleFinding> out = new ArrayList<>();
    if (spec == null || spec.getTls() == null) {
      return out;
    }
    String ns = ctx.chain().namespace();
    for (IngressTLS tls : spec.getTls()) {
      if (tls == null || tls.getSecretName() == null || tls.getSecretName().isBlank()) {
        continue;
      }
      if (ctx.cluster().secret(ns, tls.getSecretName()) != ClusterSnapshot.Presence.ABSENT) {
        continue;
      }
      String hosts =
          tls.getHosts() == null || tls.getHosts().isEmpty()
              ? "*"
              : String.join(", ", tls.getHosts());
      out.add(
          RuleFinding.of(
                  Code.TlsSecretMissing,
                  Severity.Warning,
                  new ResourceRef("Secret", ns, tls.getSecretName()),
                  "Ingress "
                      + ns
                      + "/"
                      + ctx.chain().name()
                      + " serves TLS for "
                      + hosts
                      + " from Secret "
                      + ns
                      + "/"
                      + tls.getSecretName()
                      + ", which does not exist: clients get the gateway's fallback certificate",
                  List.of(
                      "spec.tls[].secretName=" + tls.getSecretName(),
                      "Secret " + ns + "/" + tls.getSecretName() + " not found"))
              .withRemediation(
                  new Remedy(
                      Action.MANUAL,
                      "Create the TLS Secret "
                          + ns
                          + "/"
                          + tls.getSecretName()
                          + " (or fix spec.tls[].secretName)",
                      false)));
    }
    return out;
  }
}
