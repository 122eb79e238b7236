package io.gatewaydoctor.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.api.RemediationRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The RemediationApplied condition in each state of the history. */
class ConditionTest {
  static final RemediationPolicy AUTO =
      RemediationPolicy.of(
          Map.of(RemediationPolicy.MODE, "auto"), null, RemediationPolicy.Mode.auto, Set.of());

  static RemediationRecord r(String result, String action, String time) {
    return new RemediationRecord(
        action,
        "Service shop/web",
        time,
        !Ledger.APPLIED.equals(result),
        result,
        "TargetPortMismatch",
        "[]",
        "why " + result);
  }

  static String cond(RemediationPolicy p, boolean planned, RemediationRecord... records) {
    RemediationCondition c = Remediation.condition(p, List.of(records), planned);
    return c.status() + "/" + c.reason() + ": " + c.message();
  }

  @Test
  void eachStateHasItsReason() {
    assertThat(cond(AUTO, false)).startsWith("False/Armed");
    var off = RemediationPolicy.of(Map.of(), null, RemediationPolicy.Mode.auto, Set.of());
    assertThat(cond(off, true, r(Ledger.APPLIED, "fix-target-port", "2026-12-01T12:00:00Z")))
        .as("off wins")
        .startsWith("False/RemediationOff");
    var bad =
        RemediationPolicy.of(
            Map.of(RemediationPolicy.MODE, "maybe"), null, RemediationPolicy.Mode.auto, Set.of());
    assertThat(cond(bad, true)).startsWith("False/PolicyInvalid");
    var applied = r(Ledger.APPLIED, "fix-target-port", "2026-12-01T12:00:00Z");
    assertThat(cond(AUTO, true, applied))
        .startsWith("True/Applied: fix-target-port on Service shop/web at 2026-12-01T12:00:00Z");
    assertThat(cond(AUTO, true, applied, r(Ledger.BLOCKED, "restart-pod", "2026-12-01T12:01:00Z")))
        .as("the pending action, not a later block")
        .startsWith("True/Applied: fix-target-port");
    assertThat(
            cond(
                AUTO,
                false,
                applied,
                r(Ledger.IMPROVED, "fix-target-port", "2026-12-01T12:10:00Z")))
        .startsWith("True/Improved");
    assertThat(
            cond(
                AUTO,
                true,
                applied,
                r(Ledger.NO_IMPROVEMENT, "fix-target-port", "2026-12-01T12:10:00Z"),
                r(Ledger.BLOCKED, "fix-target-port", "2026-12-01T12:11:00Z")))
        .startsWith(
            "False/Stopped: fix-target-port on Service shop/web at"
                + " 2026-12-01T12:10:00Z: why NoImprovement");
    assertThat(
            cond(
                AUTO,
                true,
                applied,
                r(Ledger.NOT_APPLIED, "fix-target-port", "2026-12-01T12:00:01Z")))
        .as("nothing happened: not applied")
        .doesNotStartWith("True");
    assertThat(cond(AUTO, true, r(Ledger.BLOCKED, "restart-pod", "2026-12-01T12:01:00Z")))
        .startsWith("False/Blocked: restart-pod");
    assertThat(cond(AUTO, false, r(Ledger.BLOCKED, "restart-pod", "2026-12-01T12:01:00Z")))
        .as("no plan any more")
        .startsWith("False/Armed");
    var dry =
        RemediationPolicy.of(
            Map.of(RemediationPolicy.MODE, "dry-run"), null, RemediationPolicy.Mode.auto, Set.of());
    assertThat(cond(dry, true, r(Ledger.DRY_RUN, "fix-target-port", "2026-12-01T12:01:00Z")))
        .startsWith("False/DryRun: Would patch" + " Service shop/web: []");
    assertThat(cond(dry, true, r(Ledger.FAILED, "fix-target-port", "2026-12-01T12:01:00Z")))
        .startsWith("False/Failed");
  }
}
