package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Risk: the container serving the target port has no readiness probe, so the gateway sends traffic
 * to it before it listens (502s at every start and rollout). One finding per workload.
 */
public final class ReadinessProbeMissingRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    Map<String, RuleFinding> out = new LinkedHashMap<>();
    for (ResolvedBackend b : ctx.chain().backends()) {
      String tp = b.targetPortLabel();
      for (Pod p : b.pods()) {
        ResourceRef w = Pods.workload(p);
        if (out.containsKey(w.toString())) {
          continue;
        }
        List<String> missing = new ArrayList<>();
        for (Container c : Pods.serving(p, tp)) {
          if (c.getReadinessProbe() == null) {
            missing.add(c.getName());
          }
        }
        if (!missing.isEmpty()) {
          out.put(
              w.toString(),
              RuleFinding.of(
                      Code.ReadinessProbeMissing,
                      Severity.Warning,
                      w,
                      w
                          + " has no readinessProbe on container "
                          + String.join(", ", missing)
                          + ": the gateway sends it traffic before it can answer",
                      List.of(
                          "pod "
                              + p.getMetadata().getName()
                              + " container "
                              + String.join(", ", missing)
                              + " has no readinessProbe"))
                  .withRemediation(
                      new Remedy(
                          Action.MANUAL,
                          "Add a readinessProbe (httpGet on the serving port) to container "
                              + String.join(", ", missing)
                              + " of "
                              + w,
                          false)));
        }
      }
    }
    return new ArrayList<>(out.values());
  }
}
