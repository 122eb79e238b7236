package io.gatewaydoctor.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Health;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.api.ResourceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerTest {
  static final Instant T = Instant.parse("2026-12-01T12:00:00Z");
  static final Duration COOLDOWN = Duration.ofMinutes(10);

  static RemediationRecord applied() {
    return new RemediationRecord(
        "restart-pod",
        "Pod shop/web-1",
        T.toString(),
        false,
        Ledger.APPLIED,
        "BackendRefusingConnections",
        "delete",
        "refuses");
  }

  static Diagnosis still(Health h) {
    var f =
        RuleFinding.of(
            Code.BackendRefusingConnections,
            Severity.Warning,
            new ResourceRef("Deployment", "shop", "web"),
            "m",
            List.of());
    return new Diagnosis(
        "Ingress/web", h, "BackendRefusingConnections", "s", List.of(f), List.of());
  }

  static Diagnosis healthy() {
    return new Diagnosis("Ingress/web", Health.Healthy, "None", "s", List.of(), List.of());
  }

  @Test
  void anActionIsImprovedWhenItsFindingGoesAndStoppedWhenItOutlivesTheCooldown() {
    var s = Ledger.of(List.of(applied()));
    assertThat(s.pending()).isTrue();
    assertThat(Ledger.bookkeeping(s, still(Health.Degraded), T.plusSeconds(60), COOLDOWN, null))
        .as("still waiting")
        .isEmpty();
    assertThat(Ledger.bookkeeping(s, healthy(), T.plusSeconds(60), COOLDOWN, T))
        .as("judged when the cooldown ends, not before")
        .isEmpty();
    var improved = Ledger.bookkeeping(s, healthy(), T.plus(COOLDOWN), COOLDOWN, T);
    assertThat(improved)
        .singleElement()
        .satisfies(r -> assertThat(r.result).isEqualTo(Ledger.IMPROVED));
    // the same finding back within three cooldowns: the fix did not hold
    var back = Ledger.of(List.of(applied(), improved.get(0)));
    assertThat(
            Ledger.bookkeeping(
                back, still(Health.Degraded), T.plus(COOLDOWN.multipliedBy(2)), COOLDOWN, null))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.result).isEqualTo(Ledger.NO_IMPROVEMENT);
              assertThat(r.reason).contains("came back within PT30M", "the fix did not hold");
            });
    assertThat(
            Ledger.bookkeeping(
                back, still(Health.Degraded), T.plus(COOLDOWN.multipliedBy(3)), COOLDOWN, null))
        .as("later: a new trouble")
        .isEmpty();
    var stop = Ledger.bookkeeping(s, still(Health.Degraded), T.plus(COOLDOWN), COOLDOWN, null);
    assertThat(stop)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.result).isEqualTo(Ledger.NO_IMPROVEMENT);
              assertThat(r.reason)
                  .contains(
                      "BackendRefusingConnections is still there PT10M after restart-pod at 2026-12-01T12:00:00Z",
                      "until it is Healthy again");
            });
    var history = new ArrayList<>(List.of(applied(), stop.get(0)));
    var stopped = Ledger.of(history);
    assertThat(stopped.stopped()).isTrue();
    assertThat(
            Ledger.bookkeeping(
                stopped, still(Health.Degraded), T.plus(COOLDOWN.multipliedBy(3)), COOLDOWN, null))
        .isEmpty();
    assertThat(
            Ledger.bookkeeping(
                stopped,
                healthy(),
                T.plus(COOLDOWN.multipliedBy(3)),
                COOLDOWN,
                T.plus(COOLDOWN.multipliedBy(3))))
        .as("one Healthy verdict does not end the stop")
        .isEmpty();
    var resumed =
        Ledger.bookkeeping(
            stopped,
            healthy(),
            T.plus(COOLDOWN.multipliedBy(3)),
            COOLDOWN,
            T.plus(COOLDOWN.multipliedBy(2)));
    assertThat(resumed)
        .singleElement()
        .satisfies(r -> assertThat(r.result).isEqualTo(Ledger.RESUMED));
    history.add(resumed.get(0));
    assertThat(Ledger.of(history).stopped()).isFalse();
  }

  @Test
  void aChangeKnownNotToHaveHappenedIsAsIfNotTriedAndAFindingIsJudgedOnItsObject() {
    var notApplied =
        new RemediationRecord(
            "restart-pod",
            "Pod shop/web-1",
            T.toString(),
            false,
            Ledger.NOT_APPLIED,
            "BackendRefusingConnections",
            "delete",
            "409");
    var s = Ledger.of(List.of(applied(), notApplied));
    assertThat(s.pending()).isFalse();
    assertThat(s.lastApplied()).as("no cooldown from it").isNull();
    var on = applied();
    on.findingOn = "Deployment shop/other";
    var d = still(Health.Degraded); // the finding is on Deployment shop/web
    assertThat(Ledger.bookkeeping(Ledger.of(List.of(on)), d, T.plus(COOLDOWN), COOLDOWN, null))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.result)
                    .as("another object's trouble of the same code")
                    .isEqualTo(Ledger.IMPROVED));
  }

  @Test
  void aRepeatedPlanIsRecordedOnceAndTheHistoryIsCapped() {
    var blocked =
        new RemediationRecord(
            "restart-pod",
            "Pod shop/web-1",
            T.toString(),
            true,
            Ledger.BLOCKED,
            "X",
            "delete",
            "floor");
    var later =
        new RemediationRecord(
            "restart-pod",
            "Pod shop/web-1",
            T.plusSeconds(5).toString(),
            true,
            Ledger.BLOCKED,
            "X",
            "delete",
            "floor");
    List<RemediationRecord> h = Ledger.append(List.of(), blocked);
    assertThat(Ledger.append(h, later)).hasSize(1);
    var v1 =
        new RemediationRecord(
            "fix-target-port",
            "Service shop/web",
            T.toString(),
            true,
            Ledger.DRY_RUN,
            "X",
            "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"5\"},{\"op\":\"replace\",\"path\":\"/spec/ports/0/targetPort\",\"value\":\"http\"}]",
            "r");
    var v2 =
        new RemediationRecord(
            "fix-target-port",
            "Service shop/web",
            T.toString(),
            true,
            Ledger.DRY_RUN,
            "X",
            v1.patch.replace("\"5\"", "\"6\""),
            "r");
    assertThat(Ledger.append(Ledger.append(List.of(), v1), v2))
        .as("only the resourceVersion moved")
        .hasSize(1);
    var v3 =
        new RemediationRecord(
            "fix-target-port",
            "Service shop/web",
            T.toString(),
            true,
            Ledger.DRY_RUN,
            "X",
            v1.patch.replace("\"http\"", "\"web\""),
            "r");
    assertThat(Ledger.append(Ledger.append(List.of(), v1), v3)).as("another change").hasSize(2);
    var other =
        new RemediationRecord(
            "restart-pod",
            "Pod shop/web-1",
            T.toString(),
            true,
            Ledger.BLOCKED,
            "X",
            "delete",
            "cooldown");
    assertThat(Ledger.append(h, other)).hasSize(2);
    List<RemediationRecord> many = List.of();
    for (int i = 0; i < Ledger.MAX_RECORDS + 10; i++) {
      many =
          Ledger.append(
              many,
              new RemediationRecord(
                  "restart-pod",
                  "Pod shop/p" + i,
                  T.toString(),
                  true,
                  Ledger.DRY_RUN,
                  "X",
                  "delete",
                  "r"));
    }
    assertThat(many).hasSize(Ledger.MAX_RECORDS);
    assertThat(many.get(many.size() - 1).target).isEqualTo("Pod shop/p" + (Ledger.MAX_RECORDS + 9));
  }
}
