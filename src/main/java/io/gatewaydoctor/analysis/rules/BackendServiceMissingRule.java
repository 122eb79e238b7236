package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.ResolvedBackend;
import java.util.ArrayList;
import java.util.List;

/** The Ingress names a Service that does not exist: ingress-nginx answers 503 for it. */
public final class BackendServiceMissingRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    if (!ctx.cluster().knows("Service")) {
      return out;
    }
    for (ResolvedBackend b : ctx.chain().backends()) {
      if (b.service() != null) {
        continue;
      }
      out.add(
          RuleFinding.of(
                  Code.BackendServiceMissing,
                  Severity.Critical,
                  new ResourceRef("Service", b.namespace(), b.ref().service()),
                  ctx.chain().target()
                      + " routes "
                      + String.join(", ", b.ref().usedBy())
                      + " to Service "
                      + b.serviceKey()
                      + ", which does not exist",
                  List.of(
                      "backend "
                          + b.ref().key()
                          + " used by "
                          + String.join(", ", b.ref().usedBy()),
                      "Service " + b.serviceKey() + " not found"))
              .withRemediation(
                  new Remedy(
                      Action.MANUAL,
                      "Create Service "
                          + b.serviceKey()
                          + " or point the Ingress backend at an existing Service",
                      false)));
    }
    return out;
  }
}
