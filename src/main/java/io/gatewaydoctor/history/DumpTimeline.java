package io.gatewaydoctor.history;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.gatewaydoctor.api.TimelineEntry;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.TargetChain;
import io.gatewaydoctor.model.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The timeline a single dump can tell (no earlier state to compare with): the Deployment's
 * ReplicaSets by creation (rollouts, with their revision), the pods' creation, and each container's
 * last termination (restarts, with the reason), within [now - horizon, now]. Newest {@code max}
 * entries, oldest first. Pure.
 */
public final class DumpTimeline {
  private DumpTimeline() {}

  public static List<TimelineEntry> of(
      TargetChain chain, ClusterSnapshot cluster, Instant now, Duration horizon, int max) {
    List<TimelineEntry> out = new ArrayList<>();
    Instant from = now.minus(horizon);
    java.util.Set<String> deployments = new java.util.HashSet<>();
    for (ResolvedBackend b : chain.backends()) {
      for (Pod p : b.pods()) {
        String pod = "Pod " + b.namespace() + "/" + p.getMetadata().getName();
        add(out, from, now, p.getMetadata().getCreationTimestamp(), "endpoint", pod, "pod created");
        for (ContainerStatus cs : Pods.containerStatuses(p)) {
          var t = cs.getLastState() == null ? null : cs.getLastState().getTerminated();
          if (t != null) {
            add(
                out,
                from,
                now,
                t.getFinishedAt(),
                "restart",
                pod,
                "container "
                    + cs.getName()
                    + " "
                    + (t.getReason() == null ? "exited " + t.getExitCode() : t.getReason())
                    + " ("
                    + cs.getRestartCount()
                    + " restarts)");
          }
        }
        var w = Pods.workload(p);
        if ("Deployment".equals(w.kind) && deployments.add(b.namespace() + "/" + w.name)) {
          for (ReplicaSet rs : cluster.replicaSetsOf(b.namespace(), w.name)) {
            String rev =
                rs.getMetadata().getAnnotations() == null
                    ? null
                    : rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision");
            add(
                out,
                from,
                now,
                rs.getMetadata().getCreationTimestamp(),
                "rollout",
                "ReplicaSet " + b.namespace() + "/" + rs.getMetadata().getName(),
                "created"
                    + (rev == null ? "" : " (revision " + rev + ")")
                    + ", "
                    + (rs.getSpec() == null || rs.getSpec().getReplicas() == null
                        ? 0
                        : rs.getSpec().getReplicas())
                    + " replicas now");
          }
        }
      }
    }
    out.sort(Comparator.comparing((TimelineEntry e) -> e.at).thenComparing(e -> e.object));
    return out.size() <= max ? out : new ArrayList<>(out.subList(out.size() - max, out.size()));
  }

  private static void add(
      List<TimelineEntry> out,
      Instant from,
      Instant now,
      String time,
      String kind,
      String object,
      String detail) {
    Instant at = Times.parse(time);
    if (at == null || at.isBefore(from) || at.isAfter(now)) {
      return;
    }
    TimelineEntry e = new TimelineEntry();
    e.at = at.toString();
    e.kind = kind;
    e.object = object;
    e.detail = detail;
    out.add(e);
  }
}
