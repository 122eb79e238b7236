package io.gatewaydoctor.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.remediation.RemediationPolicy.Mode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The policy from annotations, as a table: target wins, malformed means off with a reason, the operator caps it. */
class RemediationPolicyTest {
  static RemediationPolicy of(Map<String, String> target, Map<String, String> ns) {
    return RemediationPolicy.of(target, ns, Mode.auto, Set.of());
  }

  @Test
  void modesActionsAndPrecedence() {
    assertThat(of(Map.of(), Map.of()).mode()).isEqualTo(Mode.off);
    assertThat(of(Map.of(RemediationPolicy.MODE, "dry-run"), Map.of()).mode()).isEqualTo(Mode.dryRun);
    assertThat(of(Map.of(), Map.of(RemediationPolicy.MODE, "auto")).mode()).isEqualTo(Mode.auto);
    assertThat(of(Map.of(RemediationPolicy.MODE, "off"), Map.of(RemediationPolicy.MODE, "auto")).mode()).as("the target wins")
        .isEqualTo(Mode.off);
    var some = of(Map.of(RemediationPolicy.MODE, "auto", RemediationPolicy.ACTIONS, " restart-pod , ROLLBACK,"), Map.of());
    assertThat(some.actions()).containsExactlyInAnyOrder("restart-pod", "rollback");
    assertThat(of(Map.of(RemediationPolicy.MODE, "auto"), Map.of()).actions()).hasSize(5);
  }

  @Test
  void malformedValuesMeanOffWithTheReason() {
    var bad = of(Map.of(RemediationPolicy.MODE, "yes please"), Map.of());
    assertThat(bad.mode()).isEqualTo(Mode.off);
    assertThat(bad.error()).contains("\"yes please\" is not off, dry-run or auto");
    assertThat(bad.condition()[0]).isEqualTo("PolicyInvalid");
    var unknown = of(Map.of(RemediationPolicy.MODE, "auto", RemediationPolicy.ACTIONS, "restart-pod,delete-namespace"), Map.of());
    assertThat(unknown.mode()).isEqualTo(Mode.off);
    assertThat(unknown.error()).contains("unknown action delete-namespace");
  }

  @Test
  void theOperatorsCapWins() {
    var capped = RemediationPolicy.of(Map.of(RemediationPolicy.MODE, "auto"), Map.of(), Mode.dryRun, Set.of("rollback"));
    assertThat(capped.mode()).isEqualTo(Mode.dryRun);
    assertThat(capped.actions()).doesNotContain("rollback").contains("restart-pod");
    assertThat(capped.source()).contains("capped to dry-run");
    assertThat(capped.condition()[0]).isEqualTo("DryRun");
  }
}
