package io.gatewaydoctor.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.api.RemediationRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The accounting of actions across targets, without I/O: the rate limit over records and slots. */
class SlotsTest {
  static final Guard.Limits TWO =
      new Guard.Limits(Duration.ofMinutes(10), 2, Duration.ofMinutes(10));

  static RemediationRecord applied(String target, java.time.Instant at) {
    return new RemediationRecord(
        "restart-pod", target, at.toString(), false, Ledger.APPLIED, "X", "delete", "y");
  }

  static RemediationRecord elsewhere(String service, java.time.Instant at) {
    return new RemediationRecord(
        "fix-target-port",
        service,
        at.toString(),
        false,
        Ledger.APPLIED,
        "TargetPortMismatch",
        "[]",
        "y");
  }

  @Test
  void theRateLimitCountsEveryStatusAndTheActionsNoStatusShowsYet() {
    Slots slots = new Slots(TWO);
    var now = GuardTest.NOW;
    // one applied action in another namespace's diagnosis, within the period; one long ago
    Map<String, List<RemediationRecord>> everyone =
        Map.of(
            "other",
            List.of(
                elsewhere("Service other/a", now.minusSeconds(60)),
                elsewhere("Service other/b", now.minus(Duration.ofHours(2)))));
    assertThat(slots.inPeriod(everyone, now)).isEqualTo(1);
    var s = GuardTest.ok(GuardTest.service());
    var first = applied("Pod shop/c", now);
    assertThat(slots.reserve("me", GuardTest.restart("c"), first, s, () -> everyone, now))
        .isEmpty();
    assertThat(slots.inPeriod(everyone, now))
        .as("the slot counts before any status shows it")
        .isEqualTo(2);
    var second = applied("Pod shop/d", now.plusSeconds(1));
    assertThat(
            slots.reserve(
                "me", GuardTest.restart("d"), second, s, () -> everyone, now.plusSeconds(1)))
        .get()
        .asString()
        .startsWith("rate limit: 2 actions");
    // an action that did not happen frees its slot
    slots.release(first);
    assertThat(
            slots.reserve(
                "me", GuardTest.restart("d"), second, s, () -> everyone, now.plusSeconds(1)))
        .isEmpty();
    // slots older than the period no longer count
    assertThat(slots.inPeriod(Map.of(), now.plus(Duration.ofMinutes(11)))).isZero();
  }

  /**
   * #18 item 8: one namespace takes at most its share of the rate limit, counted over its targets'
   * records and slots; other namespaces still act.
   */
  static Plan port(String ns, String service) {
    return new Plan(
        "fix-target-port",
        "TargetPortMismatch",
        new io.gatewaydoctor.api.ResourceRef("Service", ns, service),
        Patches.JSON,
        "[]",
        "port",
        null);
  }

  @Test
  void oneNamespaceTakesAtMostItsShare() {
    Slots slots = new Slots(new Guard.Limits(Duration.ofMinutes(10), 5, Duration.ofMinutes(10), 2));
    var now = GuardTest.NOW;
    var s = GuardTest.ok(GuardTest.service());
    Map<String, List<RemediationRecord>> everyone =
        Map.of("shop/a", List.of(elsewhere("Service shop/a", now.minusSeconds(30))));
    assertThat(
            slots.reserve(
                "shop/b",
                port("shop", "b"),
                elsewhere("Service shop/b", now),
                s,
                () -> everyone,
                now))
        .isEmpty();
    assertThat(
            slots.reserve(
                "shop/c",
                port("shop", "c"),
                elsewhere("Service shop/c", now.plusSeconds(1)),
                s,
                () -> everyone,
                now.plusSeconds(1)))
        .get()
        .asString()
        .startsWith("rate limit of namespace shop: 2 actions");
    assertThat(
            slots.reserve(
                "other/web",
                port("other", "web"),
                elsewhere("Service other/web", now.plusSeconds(2)),
                s,
                () -> everyone,
                now.plusSeconds(2)))
        .as("another namespace still has its share")
        .isEmpty();
  }
}
