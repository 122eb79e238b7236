package io.gatewaydoctor.analysis.rules;

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
 * Risk (Info): the container serving the target port has no preStop hook. On termination it stops
 * at once, while the gateway still sends it requests until the endpoint change reaches it: 502s at
 * every rollout. One finding per workload.
 */
public final class NoPreStopHookRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    Map<String, RuleFinding> out = new LinkedHashMap<>();
    for (ResolvedBackend b : ctx.chain().backends()) {
      for (Pod p : b.pods()) {
        ResourceRef w = Pods.workload(p);
        if (out.containsKey(w.toString())) {
          continue;
        }
        List<String> missing = Pods.servingWithoutPreStop(p, b.targetPortLabel());
        if (missing.isEmpty()) {
          continue;
        }
        Long grace = p.getSpec() == null ? null : p.getSpec().getTerminationGracePeriodSeconds();
        String containers = String.join(", ", missing);
        out.put(
            w.toString(),
            RuleFinding.of(
                    Code.NoPreStopHook,
                    Severity.Info,
                    w,
                    w
                        + " has no preStop hook on container "
                        + containers
                        + ": at each rollout it stops before the gateway drops it from its upstreams (502s)",
                    List.of(
                        "pod "
                            + p.getMetadata().getName()
                            + " container "
                            + containers
                            + " has no lifecycle.preStop",
                        "terminationGracePeriodSeconds="
                            + (grace == null ? "30 (default)" : grace)))
                .withRemediation(
                    new Remedy(
                        Action.MANUAL,
                        "Add lifecycle.preStop {exec: {command: [sleep, \"5\"]}} "
                            + "(or {sleep: {seconds: 5}} on Kubernetes 1.30+) to container "
                            + containers
                            + " of "
                            + w
                            + ", with terminationGracePeriodSeconds above it",
                        false)));
      }
    }
    return new ArrayList<>(out.values());
  }
}
