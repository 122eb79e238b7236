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

/** Backend containers whose last termination, within the window, was an OOM kill. */
public final class BackendOOMKilledRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    return ContainerTrouble.check(
        ctx,
        Code.BackendOOMKilled,
        BackendOOMKilledRule::oomKilled,
        (w, containers) ->
            w + " was OOMKilled: container " + String.join(", ", containers) + " ran out of memory",
        (w, containers) ->
            new Remedy(
                Action.MANUAL,
                "Raise resources.limits.memory of container "
                    + String.join(", ", containers)
                    + " in "
                    + w
                    + " or reduce the application's memory use",
                false));
  }

  static boolean oomKilled(AnalysisContext ctx, ContainerStatus cs) {
    ContainerStateTerminated last = ContainerTrouble.lastTermination(cs);
    return last != null
        && "OOMKilled".equals(last.getReason())
        && ContainerTrouble.isRecent(ctx, last);
  }
}
