package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Fix;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * Shared walk of the backend pods' container statuses: groups troubled containers per workload and
 * raises one finding per workload, Critical when every selected pod is affected, else Warning.
 */
final class ContainerTrouble {
  private ContainerTrouble() {}

  static ContainerStateTerminated lastTermination(ContainerStatus cs) {
    if (cs.getState() != null && cs.getState().getTerminated() != null) {
      return cs.getState().getTerminated();
    }
    return cs.getLastState() == null ? null : cs.getLastState().getTerminated();
  }

  static String describe(Pod p, ContainerStatus cs) {
    StringBuilder sb =
        new StringBuilder("pod " + p.getMetadata().getName() + " container " + cs.getName() + ": ");
    if (cs.getState() != null
        && cs.getState().getWaiting() != null
        && cs.getState().getWaiting().getReason() != null) {
      sb.append(cs.getState().getWaiting().getReason()).append(", ");
    }
    sb.append(cs.getRestartCount() == null ? 0 : cs.getRestartCount()).append(" restarts");
    ContainerStateTerminated t = lastTermination(cs);
    if (t != null) {
      sb.append(", last exit code ").append(t.getExitCode());
      if (t.getReason() != null) {
        sb.append(" (").append(t.getReason()).append(")");
      }
      if (t.getFinishedAt() != null) {
        sb.append(" at ").append(t.getFinishedAt());
      }
    }
    return sb.toString();
  }

  static List<RuleFinding> check(
      AnalysisContext ctx,
      Code code,
      BiPredicate<AnalysisContext, ContainerStatus> troubled,
      BiFunction<ResourceRef, List<String>, String> message,
      BiFunction<ResourceRef, List<String>, Remedy> fix) {
    List<RuleFinding> out = new ArrayList<>();
    for (ResolvedBackend b : ctx.chain().backends()) {
      Map<String, ResourceRef> workloads = new LinkedHashMap<>();
      Map<String, List<String>> evidence = new LinkedHashMap<>();
      Map<String, List<String>> containers = new LinkedHashMap<>();
      Map<String, List<Pod>> failingPods = new LinkedHashMap<>();
      int affectedPods = 0;
      for (Pod p : b.pods()) {
        boolean affected = false;
        for (ContainerStatus cs : Pods.containerStatuses(p)) {
          if (cs == null || !troubled.test(ctx, cs)) {
            continue;
          }
          affected = true;
          ResourceRef w = Pods.workload(p);
          String k = w.toString();
          workloads.putIfAbsent(k, w);
          List<String> ev = evidence.computeIfAbsent(k, x -> new ArrayList<>());
          if (ev.size() < 5) {
            ev.add(describe(p, cs));
          }
          List<Pod> fp = failingPods.computeIfAbsent(k, x -> new ArrayList<>());
          if (!fp.contains(p)) {
            fp.add(p);
          }
          List<String> cn = containers.computeIfAbsent(k, x -> new ArrayList<>());
          if (!cn.contains(cs.getName())) {
            cn.add(cs.getName());
          }
        }
        if (affected) {
          affectedPods++;
        }
      }
      Severity severity = affectedPods == b.pods().size() ? Severity.Critical : Severity.Warning;
      for (var e : workloads.entrySet()) {
        List<String> ev = new ArrayList<>(evidence.get(e.getKey()));
        ev.add(
            0,
            affectedPods
                + " of "
                + b.pods().size()
                + " pods of Service "
                + b.serviceKey()
                + " affected");
        var rollout =
            Rollouts.failingNewRevision(
                ctx, b.namespace(), e.getValue(), failingPods.get(e.getKey()));
        Remedy fixIt =
            rollout.isPresent()
                ? rollback(ctx, b, e.getValue(), failingPods.get(e.getKey()))
                : fix.apply(e.getValue(), containers.get(e.getKey()));
        if (fixIt.action() == Action.RESTART_POD) {
          var replaced =
              failingPods.get(e.getKey()).stream().filter(Pods::replacedWhenDeleted).findFirst();
          fixIt =
              replaced.isPresent()
                  ? fixIt.fixing(new Fix.DeletePod(replaced.get()))
                  : new Remedy(fixIt.action(), fixIt.description(), false);
        }
        out.add(
            RuleFinding.of(
                    code,
                    severity,
                    e.getValue(),
                    message.apply(e.getValue(), containers.get(e.getKey()))
                        + " ("
                        + podNames(failingPods.get(e.getKey()))
                        + "; "
                        + affectedPods
                        + " of "
                        + b.pods().size()
                        + " pods behind Service "
                        + b.serviceKey()
                        + ")"
                        + rollout.orElse(""),
                    ev)
                .withRemediation(fixIt));
      }
    }
    return out;
  }

  /** "pod a (10.0.0.1), pod b (10.0.0.2) and 3 more": the pods by name and IP, at most three. */
  static String podNames(List<Pod> pods) {
    return GatewayTrouble.list(
        pods.stream()
            .map(
                p ->
                    "pod "
                        + p.getMetadata().getName()
                        + (p.getStatus() != null && p.getStatus().getPodIP() != null
                            ? " (" + p.getStatus().getPodIP() + ")"
                            : ""))
            .toList());
  }

  /**
   * Roll the Deployment back to the previous ReplicaSet's template: typed when both objects are in
   * the input.
   */
  private static Remedy rollback(
      AnalysisContext ctx, ResolvedBackend b, ResourceRef w, List<Pod> failing) {
    Remedy r =
        new Remedy(
            Action.ROLLBACK,
            "Roll "
                + w
                + " back to its previous ReplicaSet's template"
                + " (kubectl rollout undo deployment/"
                + w.name
                + " -n "
                + b.namespace()
                + "), then find why the new revision fails",
            true);
    var rollout = Rollouts.rollout(ctx, b.namespace(), w, failing);
    var d = ctx.cluster().deployment(b.namespace(), w.name);
    if (rollout.isEmpty()
        || d.isEmpty()
        || rollout.get().previous().getSpec() == null
        || rollout.get().previous().getSpec().getTemplate() == null) {
      return new Remedy(Action.ROLLBACK, r.description(), false);
    }
    return r.fixing(new Fix.Rollback(d.get(), rollout.get().previous()));
  }

  static boolean isRecent(AnalysisContext ctx, ContainerStateTerminated t) {
    Instant finished = t == null ? null : Times.parse(t.getFinishedAt());
    return finished == null || ctx.isRecent(finished);
  }
}
