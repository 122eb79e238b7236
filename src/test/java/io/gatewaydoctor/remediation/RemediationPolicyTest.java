package io.gatewaydoctor.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.remediation.RemediationPolicy.Mode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The policy from annotations: the namespace's is a ceiling no target lifts, malformed means off
 * with a reason, the operator caps both and names the namespaces where auto may run.
 */
class RemediationPolicyTest {
  static RemediationPolicy of(Map<String, String> target, Map<String, String> ns) {
    return RemediationPolicy.of(target, ns, Mode.auto, Set.of());
  }

  @Test
  void modesActionsAndPrecedence() {
    assertThat(of(Map.of(), Map.of()).mode()).isEqualTo(Mode.off);
    assertThat(of(Map.of(RemediationPolicy.MODE, "dry-run"), Map.of()).mode())
        .isEqualTo(Mode.dryRun);
    assertThat(of(Map.of(), Map.of(RemediationPolicy.MODE, "auto")).mode()).isEqualTo(Mode.auto);
    assertThat(
            of(Map.of(RemediationPolicy.MODE, "off"), Map.of(RemediationPolicy.MODE, "auto"))
                .mode())
        .as("a target may ask less")
        .isEqualTo(Mode.off);
    var some =
        of(
            Map.of(
                RemediationPolicy.MODE,
                "auto",
                RemediationPolicy.ACTIONS,
                " restart-pod , ROLLBACK,"),
            Map.of());
    assertThat(some.actions()).containsExactlyInAnyOrder("restart-pod", "rollback");
    assertThat(of(Map.of(RemediationPolicy.MODE, "auto"), Map.of()).actions()).hasSize(5);
  }

  /** A tenant's own Ingress cannot lift what their namespace's owner set. */
  @Test
  void theNamespaceIsACeilingNoTargetLifts() {
    var lifted =
        of(Map.of(RemediationPolicy.MODE, "auto"), Map.of(RemediationPolicy.MODE, "dry-run"));
    assertThat(lifted.mode()).isEqualTo(Mode.dryRun);
    assertThat(lifted.source()).isEqualTo("namespace (a ceiling on the target's auto)");
    assertThat(
            of(Map.of(RemediationPolicy.MODE, "auto"), Map.of(RemediationPolicy.MODE, "off"))
                .mode())
        .isEqualTo(Mode.off);
    var actions =
        of(
            Map.of(
                RemediationPolicy.MODE,
                "auto",
                RemediationPolicy.ACTIONS,
                "restart-pod,rollback,fix-target-port"),
            Map.of(
                RemediationPolicy.MODE,
                "auto",
                RemediationPolicy.ACTIONS,
                "fix-target-port,restart-pod"));
    assertThat(actions.actions())
        .as("the actions both allow")
        .containsExactlyInAnyOrder("fix-target-port", "restart-pod");
    var widened =
        of(
            Map.of(RemediationPolicy.MODE, "auto", RemediationPolicy.ACTIONS, "rollback"),
            Map.of(RemediationPolicy.ACTIONS, "fix-target-port"));
    assertThat(widened.actions())
        .as("a target cannot add an action its namespace leaves out")
        .isEmpty();
    var badNs =
        of(Map.of(RemediationPolicy.MODE, "auto"), Map.of(RemediationPolicy.MODE, "always"));
    assertThat(badNs.mode()).isEqualTo(Mode.off);
    assertThat(badNs.error()).contains("on the namespace", "\"always\"");
  }

  @Test
  void autoRunsOnlyInTheNamespacesTheOperatorAllows() {
    Map<String, String> auto = Map.of(RemediationPolicy.MODE, "auto");
    var elsewhere =
        RemediationPolicy.of(auto, Map.of(), Mode.auto, Set.of(), "team-b", Set.of("team-a"));
    assertThat(elsewhere.mode()).isEqualTo(Mode.dryRun);
    assertThat(elsewhere.source())
        .contains("auto only in the namespaces of remediation.auto-namespaces");
    assertThat(
            RemediationPolicy.of(auto, Map.of(), Mode.auto, Set.of(), "team-a", Set.of("team-a"))
                .mode())
        .isEqualTo(Mode.auto);
    assertThat(
            RemediationPolicy.of(auto, Map.of(), Mode.auto, Set.of(), "team-b", Set.of("*")).mode())
        .isEqualTo(Mode.auto);
    assertThat(RemediationPolicy.of(auto, Map.of(), Mode.auto, Set.of(), "team-b", Set.of()).mode())
        .as("none listed: nowhere")
        .isEqualTo(Mode.dryRun);
  }

  @Test
  void malformedValuesMeanOffWithTheReason() {
    var bad = of(Map.of(RemediationPolicy.MODE, "yes please"), Map.of());
    assertThat(bad.mode()).isEqualTo(Mode.off);
    assertThat(bad.error()).contains("\"yes please\" is not off, dry-run or auto");
    assertThat(bad.condition().reason()).isEqualTo("PolicyInvalid");
    var unknown =
        of(
            Map.of(
                RemediationPolicy.MODE,
                "auto",
                RemediationPolicy.ACTIONS,
                "restart-pod,delete-namespace"),
            Map.of());
    assertThat(unknown.mode()).isEqualTo(Mode.off);
    assertThat(unknown.error()).contains("unknown action delete-namespace");
  }

  @Test
  void theOperatorsCapWins() {
    var capped =
        RemediationPolicy.of(
            Map.of(RemediationPolicy.MODE, "auto"), Map.of(), Mode.dryRun, Set.of("rollback"));
    assertThat(capped.mode()).isEqualTo(Mode.dryRun);
    assertThat(capped.actions()).doesNotContain("rollback").contains("restart-pod");
    assertThat(capped.source()).contains("capped to dry-run");
    assertThat(capped.condition().reason()).isEqualTo("DryRun");
  }
}
