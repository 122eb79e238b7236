package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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
import java.util.Optional;

/**
 * Risk: a single pod serves the backend Service, so every restart, node drain or rollout leaves the
 * Ingress without an endpoint. Not raised while the pod's Deployment asks for more replicas (a
 * rollout or scale-up in progress).
 */
public final class SingleReplicaRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    Map<String, RuleFinding> out = new LinkedHashMap<>();
    for (ResolvedBackend b : ctx.chain().backends()) {
      List<Pod> live = b.pods().stream().filter(p -> !Pods.isTerminating(p)).toList();
      if (live.size() != 1) {
        continue;
      }
      Pod p = live.get(0);
      ResourceRef w = Pods.workload(p);
      Optional<Deployment> d =
          "Deployment".equals(w.kind)
              ? ctx.cluster().deployment(w.namespace, w.name)
              : Optional.empty();
      Integer replicas =
          d.map(
                  x ->
                      x.getSpec() == null || x.getSpec().getReplicas() == null
                          ? 1
                          : x.getSpec().getReplicas())
              .orElse(null);
      if ((replicas != null && replicas > 1) || out.containsKey(w.toString())) {
        continue;
      }
      List<String> evidence = new ArrayList<>();
      evidence.add("Service " + b.serviceKey() + " selects 1 pod: " + p.getMetadata().getName());
      if (replicas != null) {
        evidence.add(w + " spec.replicas=" + replicas);
      }
      out.put(
          w.toString(),
          RuleFinding.of(
                  Code.SingleReplica,
                  Severity.Warning,
                  w,
                  "Service "
                      + b.serviceKey()
                      + " is served by a single pod ("
                      + p.getMetadata().getName()
                      + " of "
                      + w
                      + "): every restart, node drain or rollout leaves the Ingress without an endpoint",
                  evidence)
              .withRemediation(
                  new Remedy(
                      Action.MANUAL,
                      "Run at least 2 replicas of "
                          + w
                          + " and add a PodDisruptionBudget with minAvailable: 1",
                      false)));
    }
    return new ArrayList<>(out.values());
  }
}
