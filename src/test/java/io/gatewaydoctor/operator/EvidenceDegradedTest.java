package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.report.StatusAggregator;
import io.gatewaydoctor.signals.ByteBudget;
import io.gatewaydoctor.signals.EvidenceStore;
import io.gatewaydoctor.signals.LogFeed;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * #18 item 4: a flood that fills the gateway evidence's byte budget degrades the evidence, never
 * the process, and a condition on the diagnoses says so (GatewayEvidenceComplete=False) for as long
 * as the refused minutes are within the horizon; then it goes.
 */
class EvidenceDegradedTest {
  @Test
  void aFullBudgetIsAConditionUntilTheRefusedMinutesLeaveTheHorizon() {
    ByteBudget budget = new ByteBudget(64 * 1024);
    EvidenceStore store = new EvidenceStore(Duration.ofMinutes(10), 1_000_000, budget);
    LogFeed feed = store.feed();
    for (int i = 0; i < 5_000; i++) {
      feed.line(
          "10.0.0.1 - - [01/Dec/2026:11:40:%02d +0000] \"GET / HTTP/1.1\" 200 0 \"-\" \"curl\" 80 0.001 [flood-%d-80] [] 10.1.%d.%d:80 0 0.001 200 r"
              .formatted(i % 60, i, i / 250, i % 250));
    }
    assertThat(budget.refused()).isPositive();
    Instant at = Instant.parse("2026-12-01T11:41:00Z");
    Duration horizon = Duration.ofMinutes(60);
    assertThat(GatewayLogStreams.degraded(budget, null, at, horizon)).as("never refused").isNull();
    String why = GatewayLogStreams.degraded(budget, at, at.plusSeconds(30), horizon);
    assertThat(why)
        .contains("65536 bytes", "gatewaydoctor.gateway-logs.max-bytes", "2026-12-01T11:41:00Z")
        .contains(budget.refused() + " new upstreams");
    assertThat(GatewayLogStreams.degraded(budget, at, at.plus(horizon), horizon))
        .as("the refused minutes have left the horizon")
        .isNull();

    GatewayDiagnosisStatus next = new GatewayDiagnosisStatus();
    StatusAggregator.gatewayEvidence(next, null, why, 2L, at);
    assertThat(next.conditions)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("GatewayEvidenceComplete");
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("EvidenceBudgetFull");
              assertThat(c.getMessage()).isEqualTo(why);
            });
    GatewayDiagnosisStatus fine = new GatewayDiagnosisStatus();
    StatusAggregator.gatewayEvidence(fine, next, null, 2L, at);
    assertThat(fine.conditions).isEmpty();
  }
}
