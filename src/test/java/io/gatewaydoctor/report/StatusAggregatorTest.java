package io.gatewaydoctor.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.analysis.*;
import io.gatewaydoctor.api.DriftEntry;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.api.ResourceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
  static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
  static final Instant T1 = T0.plusSeconds(60);

  static Diagnosis failing(int findings) {
    List<RuleFinding> fs = new ArrayList<>();
    for (int i = 0; i < findings; i++) {
      fs.add(
          RuleFinding.of(
              Code.NoReadyEndpoints,
              Severity.Critical,
              new ResourceRef("Service", "shop", "web" + i),
              "Service shop/web" + i + " has no ready endpoint",
              List.of("a", "b", "c", "d", "e", "f", "g")));
    }
    return new Diagnosis(
        "Ingress/web",
        Health.Failing,
        "NoReadyEndpoints",
        "Service shop/web0 has no ready endpoint",
        fs,
        List.of());
  }

  static Diagnosis healthy() {
    return new Diagnosis(
        "Ingress/web",
        Health.Healthy,
        Code.NONE,
        "Service shop/web:80 healthy",
        List.of(),
        List.of());
  }

  static GatewayDiagnosisStatus build(Diagnosis d, GatewayDiagnosisStatus prev, Instant now) {
    return StatusAggregator.build(d, prev, 3L, now, "RemediationOff", "off");
  }

  @Test
  void conditionsFollowTheConventions() {
    GatewayDiagnosisStatus s = build(failing(1), null, T0);
    // only conditions that say something: remediation off and no baseline say nothing
    assertThat(s.conditions).extracting(c -> c.getType()).containsExactly("Healthy");
    assertThat(s.conditions.get(0).getStatus()).isEqualTo("False");
    assertThat(s.conditions.get(0).getReason()).isEqualTo("NoReadyEndpoints");
    assertThat(s.conditions.get(0).getObservedGeneration()).isEqualTo(3L);
    assertThat(s.conditions.get(0).getLastTransitionTime()).isEqualTo("2026-12-01T12:00:00Z");
    // with a drift: the ConfigDrift condition says what changed last
    DriftEntry e = new DriftEntry();
    e.resource = "Service shop/web";
    e.field = "spec.ports[80].targetPort";
    e.from = "8080";
    e.to = "8081";
    e.changedAt = "2026-12-01T11:59:00Z";
    Diagnosis f = failing(1);
    GatewayDiagnosisStatus drifted =
        build(
            new Diagnosis(
                f.target(),
                f.health(),
                f.rootCause(),
                f.summary(),
                f.findings(),
                f.backends(),
                null,
                null,
                java.util.List.of(e)),
            s,
            T0);
    assertThat(drifted.conditions)
        .extracting(c -> c.getType())
        .containsExactly("Healthy", "ConfigDrift");
    assertThat(drifted.conditions.get(1).getStatus()).isEqualTo("True");
    assertThat(drifted.conditions.get(1).getReason()).isEqualTo("ChainChanged");
    assertThat(drifted.conditions.get(1).getMessage())
        .contains("Service shop/web spec.ports[80].targetPort 8080 → 8081");
    assertThat(drifted.drift)
        .singleElement()
        .satisfies(x -> assertThat(x.changedAt).isEqualTo("2026-12-01T11:59:00Z"));
    assertThat(build(healthy(), null, T0).conditions.get(0).getReason())
        .isEqualTo("BackendsHealthy");
    // remediation on: the condition says what it does
    GatewayDiagnosisStatus armed =
        StatusAggregator.build(failing(1), s, 3L, T0, "Armed", "auto: restart-pod");
    assertThat(armed.conditions)
        .extracting(c -> c.getType() + "/" + c.getReason())
        .containsExactly("Healthy/NoReadyEndpoints", "RemediationApplied/Armed");
  }

  /**
   * #22 item 1: since is when the current health began: Degraded → Failing moves it, though the
   * Healthy condition stays False; an unchanged health keeps it.
   */
  @Test
  void sinceIsWhenTheHealthBegan() {
    Diagnosis f = failing(1);
    Diagnosis degraded =
        new Diagnosis(
            f.target(), Health.Degraded, f.rootCause(), f.summary(), f.findings(), f.backends());
    GatewayDiagnosisStatus first = build(degraded, null, T0);
    assertThat(first.since).isEqualTo("2026-12-01T12:00:00Z");
    GatewayDiagnosisStatus still = build(degraded, first, T1);
    assertThat(still.since).isEqualTo("2026-12-01T12:00:00Z");
    GatewayDiagnosisStatus worse = build(failing(1), still, T1);
    assertThat(worse.conditions.get(0).getLastTransitionTime()).isEqualTo("2026-12-01T12:00:00Z");
    assertThat(worse.since).isEqualTo("2026-12-01T12:01:00Z");
  }

  @Test
  void lastTransitionTimeAndSinceAreCarriedWhileTheyHold() {
    GatewayDiagnosisStatus first = build(failing(1), null, T0);
    GatewayDiagnosisStatus second = build(failing(1), first, T1);
    assertThat(second.conditions.get(0).getLastTransitionTime()).isEqualTo("2026-12-01T12:00:00Z");
    assertThat(second.findings.get(0).since).isEqualTo("2026-12-01T12:00:00Z");
    assertThat(second.lastEvaluated).isEqualTo("2026-12-01T12:01:00Z");
    assertThat(StatusAggregator.differs(first, second)).as("only lastEvaluated moved").isFalse();
    GatewayDiagnosisStatus healed = build(healthy(), second, T1);
    assertThat(healed.conditions.get(0).getStatus()).isEqualTo("True");
    assertThat(healed.conditions.get(0).getLastTransitionTime()).isEqualTo("2026-12-01T12:01:00Z");
    assertThat(healed.since).isEqualTo("2026-12-01T12:01:00Z");
    assertThat(StatusAggregator.differs(second, healed)).isTrue();
  }

  /**
   * #23: a probe round that only moves the probe's time, or its latency within a bucket, is no
   * change worth a write; a latency across a bucket, an outcome or a new endpoint is.
   */
  @Test
  void aProbeRoundThatChangesNothingButItsTimeIsNoChange() {
    GatewayDiagnosisStatus first = build(healthy(), null, T0);
    java.util.function.BiFunction<Long, String, GatewayDiagnosisStatus> probed =
        (latency, time) -> {
          GatewayDiagnosisStatus s = build(healthy(), first, T1);
          var e = new io.gatewaydoctor.api.EndpointStatus();
          e.ip = "10.0.0.7";
          e.port = 8080;
          e.lastProbe = new io.gatewaydoctor.api.ProbeResult();
          e.lastProbe.outcome = "OK";
          e.lastProbe.latencyMillis = latency;
          e.lastProbe.time = time;
          var b = new io.gatewaydoctor.api.BackendStatus();
          b.endpoints.add(e);
          s.backends = new java.util.ArrayList<>(List.of(b));
          return s;
        };
    GatewayDiagnosisStatus round1 = probed.apply(3L, "2026-12-01T12:00:00Z");
    assertThat(StatusAggregator.differs(round1, probed.apply(47L, "2026-12-01T12:00:30Z")))
        .as("same bucket (<100 ms: a loaded node's jitter), a later time")
        .isFalse();
    assertThat(StatusAggregator.differs(round1, probed.apply(120L, "2026-12-01T12:00:30Z")))
        .as("crossed 100 ms")
        .isTrue();
    // #23: near an edge, a small move across it is no change (98 → 102 ms); a fifth away is
    GatewayDiagnosisStatus near = probed.apply(98L, "2026-12-01T12:00:00Z");
    assertThat(StatusAggregator.differs(near, probed.apply(102L, "2026-12-01T12:00:30Z")))
        .as("98 → 102 ms crosses 100 by little")
        .isFalse();
    assertThat(StatusAggregator.differs(near, probed.apply(130L, "2026-12-01T12:00:30Z"))).isTrue();
    GatewayDiagnosisStatus refused = probed.apply(3L, "2026-12-01T12:00:30Z");
    refused.backends.get(0).endpoints.get(0).lastProbe.outcome = "REFUSED";
    assertThat(StatusAggregator.differs(round1, refused)).isTrue();
    assertThat(StatusAggregator.latencyBucket(99)).isZero();
    assertThat(StatusAggregator.latencyBucket(100)).isEqualTo(1);
    assertThat(StatusAggregator.latencyBucket(60_000)).isEqualTo(7);
  }

  @Test
  void listsAndTextsAreCapped() {
    GatewayDiagnosisStatus s = build(failing(80), null, T0);
    assertThat(s.findings).hasSize(StatusAggregator.MAX_FINDINGS);
    assertThat(s.findings.get(0).evidence).hasSize(StatusAggregator.MAX_EVIDENCE);
    Diagnosis longSummary =
        new Diagnosis(
            "Ingress/web",
            Health.Failing,
            "NoReadyEndpoints",
            "x".repeat(5000),
            List.of(),
            List.of());
    assertThat(build(longSummary, null, T0).summary).hasSize(StatusAggregator.MAX_TEXT);
  }

  /** #22: who to blame, what to change and since when, at the top of the status. */
  @Test
  void theFirstLookNamesTheCulpritTheFixAndSinceWhen() {
    Diagnosis d = failing(2);
    Diagnosis withFix =
        new Diagnosis(
            d.target(),
            d.health(),
            d.rootCause(),
            d.summary(),
            List.of(
                d.findings()
                    .get(0)
                    .withRemediation(
                        new Remedy(Action.MANUAL, "Make a pod of Service shop/web0 ready", false)),
                d.findings().get(1)),
            List.of());
    GatewayDiagnosisStatus first = build(withFix, null, T0);
    assertThat(first.culprit).isEqualTo("Service/shop/web0");
    assertThat(first.fix).isEqualTo("Make a pod of Service shop/web0 ready");
    assertThat(first.since).isEqualTo(T0.toString());
    // still failing a minute later: since stays when it began
    GatewayDiagnosisStatus later = build(withFix, first, T1);
    assertThat(later.since).isEqualTo(T0.toString());
    assertThat(later.lastEvaluated).isEqualTo(T1.toString());
    // healthy again: nothing to blame, and since moves to the change
    GatewayDiagnosisStatus healed = build(healthy(), later, T1.plusSeconds(60));
    assertThat(healed.culprit).isNull();
    assertThat(healed.fix).isNull();
    assertThat(healed.since).isEqualTo(T1.plusSeconds(60).toString());
  }
}
