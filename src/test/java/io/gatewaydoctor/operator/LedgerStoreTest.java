package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.remediation.Ledger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #18 item 8: what the ledger keeps of a target. Another diagnosis of the same target merges into
 * it and cannot erase it; a stop after NoImprovement stays however old, until Resumed; other
 * records go after the keep period.
 */
class LedgerStoreTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  static RemediationRecord r(String result, Instant at) {
    var x =
        new RemediationRecord(
            "restart-pod", "Pod shop/web-1", at.toString(), false, result, "X", "delete", "why");
    x.findingOn = "Deployment shop/web";
    return x;
  }

  @Test
  void anotherDiagnosisMergesAndAStopOutlivesTheKeepPeriod() {
    Duration keep = Duration.ofMinutes(30);
    var applied = r(Ledger.APPLIED, NOW.minus(Duration.ofHours(5)));
    var stop = r(Ledger.NO_IMPROVEMENT, NOW.minus(Duration.ofHours(4)));
    var kept = LedgerStore.kept(LedgerStore.merge(List.of(applied, stop), List.of()), NOW, keep);
    assertThat(kept)
        .extracting(x -> x.result)
        .as("the stop holds until Resumed")
        .containsExactly(Ledger.APPLIED, Ledger.NO_IMPROVEMENT);
    assertThat(kept).allMatch(x -> x.reason == null);
    // a hand-made diagnosis of the same target with only a blocked plan merges, erases nothing
    var blocked = r(Ledger.BLOCKED, NOW.minusSeconds(10));
    assertThat(LedgerStore.kept(LedgerStore.merge(kept, List.of(blocked)), NOW, keep))
        .extracting(x -> x.result)
        .containsExactly(Ledger.APPLIED, Ledger.NO_IMPROVEMENT);
    // resumed: the stop is over, and old records go with the keep period
    var resumed = r(Ledger.RESUMED, NOW.minus(Duration.ofHours(1)));
    assertThat(LedgerStore.kept(LedgerStore.merge(kept, List.of(resumed)), NOW, keep)).isEmpty();
  }
}
