package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import java.util.List;

/**
 * Backend containers in CrashLoopBackOff, or restarting repeatedly within the window. Containers
 * whose last termination was an OOM kill are left to {@link BackendOOMKilledRule}.
 */
public final class BackendCrashLoopingRule implements Rule {
  static final int RESTART_THRESHOLD = 3;

  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    return ContainerTrouble.check(
        ctx,
        Code.BackendCrashLooping,
        BackendCrashLoopingRule::crashLooping,
        (w, containers) ->
            w
                + " is crash-looping: container "
                + String.join(", ", containers)
                + " keeps restarting",
        (w, containers) ->
            new Remedy(
                Action.RESTART_POD,
                "Read the previous logs (kubectl logs -p) of "
                    + w
                    + " container "
                    + String.join(", ", containers)
                    + " and fix the crash; deleting the pod (restart-pod) only helps a crash that a fresh start clears",
                true));
  }

  static boolean crashLooping(AnalysisContext ctx, ContainerStatus cs) {
    ContainerStateTerminated last = ContainerTrouble.lastTermination(cs);
    if (last != null && "OOMKilled".equals(last.getReason())) {
      return false;
    }
    boolean backoff =
        cs.getState() != null
            && cs.getState().getWaiting() != null
            && "CrashLoopBackOff".equals(cs.getState().getWaiting().getReason());
    int restarts = cs.getRestartCount() == null ? 0 : cs.getRestartCount();
    return backoff
        || (restarts >= RESTART_THRESHOLD && last != null && ContainerTrouble.isRecent(ctx, last));
  }
}
