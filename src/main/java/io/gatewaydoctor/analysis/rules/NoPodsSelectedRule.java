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
import java.util.Map;
import java.util.TreeMap;

/**
 * The Service selector matches no pod. Services without a selector (manual endpoints) are skipped.
 */
public final class NoPodsSelectedRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    if (!ctx.cluster().knows("Pod")) {
      return out;
    }
    for (ResolvedBackend b : ctx.chain().backends()) {
      if (b.service() == null || b.servicePort() == null || b.service().getSpec() == null) {
        continue;
      }
      Map<String, String> selector = b.service().getSpec().getSelector();
      if (selector == null || selector.isEmpty() || !b.pods().isEmpty()) {
        continue;
      }
      String sel = new TreeMap<>(selector).toString().replaceAll("[{}]", "").replace(", ", ",");
      out.add(
          RuleFinding.of(
                  Code.NoPodsSelected,
                  Severity.Critical,
                  new ResourceRef("Service", b.namespace(), b.ref().service()),
                  "Service "
                      + b.serviceKey()
                      + " selects no pods: no pod in namespace "
                      + b.namespace()
                      + " carries the labels "
                      + sel,
                  List.of("Service " + b.serviceKey() + " spec.selector=" + sel, "0 pods match"))
              .withRemediation(
                  new Remedy(
                      Action.MANUAL,
                      "Fix spec.selector of Service "
                          + b.serviceKey()
                          + " to the labels of the backend pods, or deploy them",
                      false)));
    }
    return out;
  }
}
