package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Times;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whether the failing pods are the new revision of a rollout, with a previous revision to go back
 * to.
 */
final class Rollouts {
  private Rollouts() {}

  /** The newest and the previous ReplicaSet of a rollout whose new pods are the failing ones. */
  record Rollout(ReplicaSet newest, ReplicaSet previous) {}

  /** "the pods of the new ReplicaSet … fail while revision 1 (…) ran before", when so. */
  static Optional<String> failingNewRevision(
      AnalysisContext ctx, String namespace, ResourceRef workload, List<Pod> failing) {
    return rollout(ctx, namespace, workload, failing)
        .map(
            r -> {
              Instant at = Times.parse(r.newest().getMetadata().getCreationTimestamp());
              return "; the pods of the new ReplicaSet "
                  + r.newest().getMetadata().getName()
                  + " ("
                  + revision(r.newest())
                  + ", rolled out "
                  + at
                  + ") fail, while "
                  + revision(r.previous())
                  + " ("
                  + r.previous().getMetadata().getName()
                  + ") ran before: roll back with"
                  + " kubectl rollout undo deployment/"
                  + workload.name
                  + " -n "
                  + namespace;
            });
  }

  static Optional<Rollout> rollout(
      AnalysisContext ctx, String namespace, ResourceRef workload, List<Pod> failing) {
    if (!"Deployment".equals(workload.kind) || failing.isEmpty()) {
      return Optional.empty();
    }
    List<ReplicaSet> sets =
        ctx.cluster().replicaSetsOf(namespace, workload.name).stream()
            .filter(rs -> Times.parse(rs.getMetadata().getCreationTimestamp()) != null)
            .sorted(
                Comparator.comparing(
                        (ReplicaSet rs) -> Times.parse(rs.getMetadata().getCreationTimestamp()))
                    .reversed())
            .toList();
    if (sets.size() < 2) {
      return Optional.empty();
    }
    ReplicaSet newest = sets.get(0);
    ReplicaSet previous = sets.get(1);
    // pods name their ReplicaSet (same namespace; its name carries the template hash)
    boolean allNew =
        failing.stream()
            .allMatch(
                p ->
                    p.getMetadata().getOwnerReferences() != null
                        && p.getMetadata().getOwnerReferences().stream()
                            .anyMatch(
                                o ->
                                    "ReplicaSet".equals(o.getKind())
                                        && newest.getMetadata().getName().equals(o.getName())));
    if (!allNew) {
      return Optional.empty();
    }
    return Optional.of(new Rollout(newest, previous));
  }

  private static String revision(ReplicaSet rs) {
    String r =
        rs.getMetadata().getAnnotations() == null
            ? null
            : rs.getMetadata().getAnnotations().get(RolloutWithoutGracefulShutdownRule.REVISION);
    return r == null ? "revision ?" : "revision " + r;
  }
}
