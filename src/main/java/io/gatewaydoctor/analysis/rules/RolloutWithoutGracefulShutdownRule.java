package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.Times;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gateway's failed tries went to pod addresses that are no longer endpoints of the Service,
 * while the Deployment rolled out a new ReplicaSet within the window, and its pods have no preStop
 * hook: the old pods stopped before the gateway dropped them. Names the ReplicaSet and its
 * revision, the addresses that failed, and how to drain.
 */
public final class RolloutWithoutGracefulShutdownRule implements Rule {
  static final String REVISION = "deployment.kubernetes.io/revision";

  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    if (!ctx.gateway().hasLogs()) {
      return out;
    }
    for (ResolvedBackend b : ctx.chain().backends()) {
      GatewayEvidence.Counts u = ctx.upstream(b);
      if (u == null || u.failedAddresses.isEmpty() || b.pods().isEmpty()) {
        continue;
      }
      Set<String> current =
          Endpoint.of(b).stream()
              .filter(e -> e.ip() != null && e.port() != null)
              .map(Endpoint::address)
              .collect(Collectors.toSet());
      List<Map.Entry<String, Long>> departed =
          u.failedAddresses.entrySet().stream()
              .filter(e -> !current.contains(e.getKey()))
              .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
              .toList();
      long errors = departed.stream().mapToLong(Map.Entry::getValue).sum();
      if (errors == 0) {
        continue;
      }
      Pod pod = b.pods().get(0);
      ResourceRef w = Pods.workload(pod);
      if (!"Deployment".equals(w.kind)) {
        continue;
      }
      ReplicaSet newest =
          ctx.cluster().replicaSetsOf(b.namespace(), w.name).stream()
              .filter(rs -> Times.parse(rs.getMetadata().getCreationTimestamp()) != null)
              .max(Comparator.comparing(rs -> Times.parse(rs.getMetadata().getCreationTimestamp())))
              .orElse(null);
      Instant rolled =
          newest == null ? null : Times.parse(newest.getMetadata().getCreationTimestamp());
      if (rolled == null || !ctx.isRecent(rolled) || rolled.isAfter(ctx.now())) {
        continue;
      }
      List<String> graceless = Pods.servingWithoutPreStop(pod, b.targetPortLabel());
      if (graceless.isEmpty()) {
        continue; // they drain: whatever failed, it was not the shutdown
      }
      String revision =
          newest.getMetadata().getAnnotations() == null
              ? null
              : newest.getMetadata().getAnnotations().get(REVISION);
      String when =
          java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
              .withZone(java.time.ZoneOffset.UTC)
              .format(rolled);
      String addrs =
          departed.stream().limit(3).map(Map.Entry::getKey).collect(Collectors.joining(", "));
      List<String> evidence = new ArrayList<>();
      evidence.add(
          "ReplicaSet "
              + b.namespace()
              + "/"
              + newest.getMetadata().getName()
              + " created "
              + rolled
              + (revision == null ? "" : " (revision " + revision + ")"));
      departed.stream()
          .limit(3)
          .forEach(
              e ->
                  evidence.add(
                      "gateway: "
                          + e.getValue()
                          + " failed tries to "
                          + e.getKey()
                          + ", no longer an endpoint of Service "
                          + b.serviceKey()));
      evidence.add("container " + String.join(", ", graceless) + " has no lifecycle.preStop");
      out.add(
          RuleFinding.of(
                  Code.RolloutWithoutGracefulShutdown,
                  Severity.Warning,
                  w,
                  errors
                      + " failed gateway tries in the last "
                      + ctx.window().toMinutes()
                      + " min went to pods that left during the rollout of "
                      + w
                      + " to ReplicaSet "
                      + newest.getMetadata().getName()
                      + (revision == null ? "" : " (revision " + revision + ", " + when + " UTC)")
                      + " ("
                      + addrs
                      + "): its pods have no preStop hook, so they stop before the gateway drops them",
                  evidence)
              .withSince(rolled)
              .withRemediation(
                  new Remedy(
                      Action.MANUAL,
                      "Add lifecycle.preStop {exec: {command: [sleep, \"10\"]}}"
                          + " (or {sleep: {seconds: 10}} on Kubernetes 1.30+) to container "
                          + String.join(", ", graceless)
                          + " of "
                          + w
                          + ", with terminationGracePeriodSeconds above it, so that pods keep serving until the gateway has dropped them",
                      false)));
    }
    return out;
  }
}
