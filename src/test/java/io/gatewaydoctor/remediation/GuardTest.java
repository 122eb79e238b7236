package io.gatewaydoctor.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.api.BackendStatus;
import io.gatewaydoctor.api.Baseline;
import io.gatewaydoctor.api.EndpointStatus;
import io.gatewaydoctor.api.ProbeResult;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.api.ResourceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each safety rule of the guard, table-driven: the situation, the plan, and the reason it blocks
 * (or none).
 */
class GuardTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final Duration WINDOW = Duration.ofMinutes(10);

  static EndpointStatus ep(String pod, boolean ready, String outcome) {
    EndpointStatus e = new EndpointStatus();
    e.pod = pod;
    e.ready = ready;
    if (outcome != null) {
      e.lastProbe = new ProbeResult();
      e.lastProbe.outcome = outcome;
    }
    return e;
  }

  static List<BackendStatus> service(EndpointStatus... eps) {
    BackendStatus b = new BackendStatus();
    b.service = "shop/web";
    b.endpoints = new ArrayList<>(List.of(eps));
    return List.of(b);
  }

  static Plan restart(String pod) {
    return new Plan(
        "restart-pod",
        "BackendRefusingConnections",
        new ResourceRef("Pod", "shop", pod),
        Patches.DELETE,
        null,
        "refuses",
        null);
  }

  static Plan rollback(String rs) {
    return new Plan(
        "rollback",
        "BackendCrashLooping",
        new ResourceRef("Deployment", "shop", "web"),
        Patches.JSON,
        "[]",
        "crashes",
        new ResourceRef("ReplicaSet", "shop", rs));
  }

  static Plan buffer(String size) {
    return new Plan(
        "raise-proxy-buffer-size",
        "BackendHeadersTooLarge",
        new ResourceRef("Ingress", "shop", "web"),
        Patches.MERGE,
        "{\"metadata\":{\"annotations\":{\"nginx.ingress.kubernetes.io/proxy-buffer-size\":\""
            + size
            + "\"}}}",
        "big",
        null);
  }

  static Plan port() {
    return new Plan(
        "fix-target-port",
        "TargetPortMismatch",
        new ResourceRef("Service", "shop", "web"),
        Patches.JSON,
        "[]",
        "port",
        null);
  }

  static RemediationPolicy policy(String mode, String actions) {
    Map<String, String> a = new java.util.HashMap<>(Map.of(RemediationPolicy.MODE, mode));
    if (actions != null) {
      a.put(RemediationPolicy.ACTIONS, actions);
    }
    return RemediationPolicy.of(a, null, RemediationPolicy.Mode.auto, Set.of());
  }

  static RemediationRecord record(String result, Instant at) {
    return new RemediationRecord(
        "fix-target-port",
        "Service shop/web",
        at.toString(),
        false,
        result,
        "TargetPortMismatch",
        "[]",
        "x");
  }

  static Guard.Situation situation(
      RemediationPolicy p,
      Instant fresh,
      List<BackendStatus> backends,
      Baseline baseline,
      List<RemediationRecord> history,
      int applied) {
    return new Guard.Situation(
        p,
        NOW,
        WINDOW,
        fresh,
        backends,
        baseline,
        Ledger.of(history),
        applied,
        Guard.Limits.DEFAULT);
  }

  static Guard.Situation ok(List<BackendStatus> backends) {
    return situation(policy("auto", null), NOW, backends, null, List.of(), 0);
  }

  static Guard.Situation elsewhere(List<BackendStatus> backends, RemediationRecord other) {
    return new Guard.Situation(
        policy("auto", null),
        NOW,
        WINDOW,
        NOW,
        backends,
        null,
        Ledger.of(List.of()),
        0,
        Guard.Limits.DEFAULT,
        List.of(other));
  }

  static Baseline servedBy(String... rs) {
    Baseline b = new Baseline();
    b.recordedAt = "2026-12-01T11:00:00Z";
    b.servedBy = List.of(rs);
    return b;
  }

  static Stream<Arguments> cases() {
    var two = service(ep("a", true, "refused"), ep("b", true, "ok"));
    return Stream.of(
        Arguments.of("restart one of two, the other answers", restart("a"), ok(two), null),
        Arguments.of(
            "restart the only endpoint",
            restart("a"),
            ok(service(ep("a", true, "refused"))),
            "floor: no other endpoint of Service shop/web is ready and answering probes; deleting pod a would leave 0 of 1 ready endpoints"),
        Arguments.of(
            "the other endpoint is not probed",
            restart("a"),
            ok(service(ep("a", true, "refused"), ep("b", true, null))),
            "floor: no other endpoint"),
        Arguments.of(
            "the other endpoint is not ready",
            restart("a"),
            ok(service(ep("a", true, "refused"), ep("b", false, "ok"))),
            "floor: no other endpoint"),
        Arguments.of(
            "restart one of four leaves three",
            restart("a"),
            ok(
                service(
                    ep("a", true, "reset"),
                    ep("b", true, "ok"),
                    ep("c", true, "ok"),
                    ep("d", true, "ok"))),
            null),
        Arguments.of(
            "a not-ready crash-looping pod among one answering",
            restart("a"),
            ok(service(ep("a", false, null), ep("b", true, "ok"))),
            null),
        Arguments.of(
            "below half of the ready endpoints",
            restart("a"),
            ok(service(ep("a", true, "refused"), ep("b", true, "ok"), ep("c", false, "ok"))),
            null),
        Arguments.of(
            "a dual-stack pod takes both its endpoints along",
            restart("a"),
            ok(service(ep("a", true, "refused"), ep("a", true, "refused"), ep("b", true, "ok"))),
            "floor: deleting pod a would leave 1 of 3 ready endpoints of Service shop/web, below 2 (the larger of 1 and half of them)"),
        Arguments.of(
            "a pod that is no endpoint",
            restart("z"),
            ok(two),
            "pod z is no endpoint of the target's Services"),
        Arguments.of(
            "action not allowed",
            port(),
            situation(policy("auto", "restart-pod"), NOW, two, null, List.of(), 0),
            "fix-target-port is not among the actions this target allows"),
        Arguments.of(
            "caches not synced",
            port(),
            situation(policy("auto", null), null, two, null, List.of(), 0),
            "no fresh evidence yet (an informer is not watching, or the target was not probed yet)"),
        Arguments.of(
            "stale evidence",
            port(),
            situation(
                policy("auto", null), NOW.minus(Duration.ofMinutes(11)), two, null, List.of(), 0),
            "the newest evidence (2026-12-01T11:49:00Z) is older than the window (PT10M)"),
        Arguments.of(
            "within the cooldown",
            port(),
            situation(
                policy("auto", null),
                NOW,
                two,
                null,
                List.of(
                    record(Ledger.APPLIED, NOW.minusSeconds(300)),
                    record(Ledger.IMPROVED, NOW.minusSeconds(200))),
                0),
            "cooldown: one action per target per PT10M; fix-target-port ran at 2026-12-01T11:55:00Z, the next may run from 2026-12-01T12:05:00Z"),
        Arguments.of(
            "after the cooldown",
            port(),
            situation(
                policy("auto", null),
                NOW,
                two,
                null,
                List.of(
                    record(Ledger.APPLIED, NOW.minusSeconds(601)),
                    record(Ledger.IMPROVED, NOW.minusSeconds(500))),
                0),
            null),
        Arguments.of(
            "stopped after no improvement",
            port(),
            situation(
                policy("auto", null),
                NOW,
                two,
                null,
                List.of(
                    record(Ledger.APPLIED, NOW.minusSeconds(1300)),
                    record(Ledger.NO_IMPROVEMENT, NOW.minusSeconds(700))),
                0),
            "remediation stopped: fix-target-port at 2026-12-01T11:38:20Z did not improve the verdict"),
        Arguments.of(
            "resumed after Healthy",
            port(),
            situation(
                policy("auto", null),
                NOW,
                two,
                null,
                List.of(
                    record(Ledger.APPLIED, NOW.minusSeconds(1300)),
                    record(Ledger.NO_IMPROVEMENT, NOW.minusSeconds(700)),
                    record(Ledger.RESUMED, NOW.minusSeconds(60))),
                0),
            null),
        Arguments.of(
            "global rate limit in auto",
            port(),
            situation(policy("auto", null), NOW, two, null, List.of(), 5),
            "rate limit: 5 actions in the last PT10M over all targets (at most 5)"),
        Arguments.of(
            "no rate limit on a dry-run",
            port(),
            situation(policy("dry-run", null), NOW, two, null, List.of(), 5),
            null),
        Arguments.of(
            "rollback to a revision that served the baseline",
            rollback("web-1"),
            situation(policy("auto", null), NOW, two, servedBy("shop/web-1"), List.of(), 0),
            null),
        Arguments.of(
            "rollback without a baseline",
            rollback("web-1"),
            ok(two),
            "no healthy baseline of the chain: nothing proves that ReplicaSet shop/web-1 worked"),
        Arguments.of(
            "rollback to a revision the baseline never saw serve",
            rollback("web-0"),
            situation(policy("auto", null), NOW, two, servedBy("shop/web-1"), List.of(), 0),
            "ReplicaSet shop/web-0 did not serve the target when it was last Healthy"),
        Arguments.of(
            "another target changed the same Service within the cooldown",
            port(),
            elsewhere(
                two,
                new RemediationRecord(
                    "fix-target-port",
                    "Service shop/web",
                    NOW.minusSeconds(120).toString(),
                    false,
                    Ledger.APPLIED,
                    "X",
                    "[]",
                    "x")),
            "cooldown: another target's fix-target-port changed Service shop/web at 2026-12-01T11:58:00Z"),
        Arguments.of(
            "another target deleted a pod of the namespace",
            restart("a"),
            elsewhere(
                two,
                new RemediationRecord(
                    "restart-pod",
                    "Pod shop/c",
                    NOW.minusSeconds(60).toString(),
                    false,
                    Ledger.APPLIED,
                    "X",
                    "delete",
                    "x")),
            "cooldown: another target's restart-pod deleted Pod shop/c"),
        Arguments.of(
            "another target's old action",
            port(),
            elsewhere(
                two,
                new RemediationRecord(
                    "fix-target-port",
                    "Service shop/web",
                    NOW.minusSeconds(700).toString(),
                    false,
                    Ledger.APPLIED,
                    "X",
                    "[]",
                    "x")),
            null),
        Arguments.of(
            "another target's dry-run of the same change",
            port(),
            elsewhere(
                two,
                new RemediationRecord(
                    "fix-target-port",
                    "Service shop/web",
                    NOW.minusSeconds(60).toString(),
                    true,
                    Ledger.DRY_RUN,
                    "X",
                    "[]",
                    "x")),
            null),
        Arguments.of("buffer within the cap", buffer("16k"), ok(two), null),
        Arguments.of(
            "buffer over the cap",
            buffer("128k"),
            ok(two),
            "proxy-buffer-size \"128k\" is not within 1k..64k (the cap)"),
        Arguments.of(
            "buffer in another unit",
            buffer("1m"),
            ok(two),
            "proxy-buffer-size \"1m\" is not within 1k..64k"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void blocksForTheRightReason(String name, Plan plan, Guard.Situation s, String reason) {
    var got = Guard.check(plan, s);
    if (reason == null) {
      assertThat(got).as(name).isEmpty();
    } else {
      assertThat(got).as(name).hasValueSatisfying(r -> assertThat(r).startsWith(reason));
    }
  }
}
