package io.gatewaydoctor.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Fix;
import io.gatewaydoctor.analysis.Health;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.BackendStatus;
import io.gatewaydoctor.api.Baseline;
import io.gatewaydoctor.api.EndpointStatus;
import io.gatewaydoctor.api.ProbeResult;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random policies, verdicts, endpoints, baselines and histories: no plan that the guard lets run
 * (dry-run or auto) ever breaks a safety rule, each rule checked here on its own terms; and over
 * random sequences of rounds, actions are a cooldown apart and none follows a NoImprovement until
 * the target was Healthy again.
 */
class RemediationPropertyTest {
  static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
  static final Duration WINDOW = Duration.ofMinutes(10);
  static final Guard.Limits LIMITS =
      new Guard.Limits(Duration.ofMinutes(10), 3, Duration.ofMinutes(10));
  static final List<String> PODS = List.of("p0", "p1", "p2", "p3", "p4");
  static final List<String> RESULTS =
      List.of(
          Ledger.DRY_RUN,
          Ledger.APPLIED,
          Ledger.BLOCKED,
          Ledger.FAILED,
          Ledger.IMPROVED,
          Ledger.NO_IMPROVEMENT,
          Ledger.RESUMED);

  record Case(Diagnosis diagnosis, List<RemediationRecord> history, Guard.Situation situation) {}

  @Property(tries = 3000)
  void aPlanAllowedToRunBreaksNoSafetyRule(@ForAll long seed) {
    Random r = new Random(seed);
    Case c = randomCase(r, T0.plusSeconds(r.nextInt(7200)));
    var s = c.situation();
    var outlook = Remediation.decide(c.diagnosis(), c.history(), s);
    var d = outlook.decision();
    if (s.policy().mode() == RemediationPolicy.Mode.off) {
      assertThat(d).as("off plans nothing").isNull();
      assertThat(outlook.records()).isEqualTo(c.history());
      return;
    }
    net.jqwik.api.statistics.Statistics.label("verdict")
        .collect(d == null ? "none" : d.verdict().name());
    net.jqwik.api.statistics.Statistics.label("runs")
        .collect(
            d == null || d.verdict() == Remediation.Verdict.Blocked ? "no" : d.plan().action());
    // not vacuous: plans do get through, of every action
    net.jqwik.api.statistics.Statistics.label("verdict")
        .coverage(
            k -> {
              k.check("Apply").percentage(x -> x > 2);
              k.check("DryRun").percentage(x -> x > 2);
              k.check("Blocked").percentage(x -> x > 10);
            });
    net.jqwik.api.statistics.Statistics.label("runs")
        .coverage(k -> RemediationPolicy.ALL_ACTIONS.forEach(a -> k.check(a).count(n -> n > 0)));
    if (d == null || d.verdict() == Remediation.Verdict.Blocked) {
      return;
    }
    Plan p = d.plan();
    assertThat(d.verdict())
        .isEqualTo(
            s.policy().mode() == RemediationPolicy.Mode.auto
                ? Remediation.Verdict.Apply
                : Remediation.Verdict.DryRun);
    assertThat(s.policy().actions()).contains(p.action());
    assertThat(s.freshAt()).isNotNull();
    assertThat(s.freshAt()).isAfterOrEqualTo(s.now().minus(s.window()));
    var state = Ledger.of(outlook.records());
    assertThat(state.stopped()).as("stopped").isFalse();
    if (state.lastApplied() != null) {
      assertThat(Duration.between(Times.parse(state.lastApplied().time), s.now()))
          .as("cooldown")
          .isGreaterThanOrEqualTo(LIMITS.cooldown());
    }
    if (d.verdict() == Remediation.Verdict.Apply) {
      assertThat(s.appliedInPeriod()).as("rate limit").isLessThan(LIMITS.rateLimit());
    }
    switch (p.action()) {
      case "restart-pod" -> assertFloorHolds(p.object().name, s.backends());
      case "rollback" ->
          assertThat(s.baseline().servedBy).contains(p.source().namespace + "/" + p.source().name);
      case "raise-proxy-buffer-size" ->
          assertThat(Integer.parseInt(p.patch().replaceAll(".*\"(\\d+)k\".*", "$1")))
              .isBetween(1, 64);
      default -> {}
    }
  }

  @Property(tries = 300)
  void overManyRoundsActionsAreACooldownApartAndStopAfterNoImprovement(@ForAll long seed) {
    Random r = new Random(seed);
    List<RemediationRecord> history = new ArrayList<>();
    List<RemediationRecord> log = new ArrayList<>(); // every record appended, never capped
    Instant now = T0;
    for (int round = 0; round < 60; round++) {
      now = now.plusSeconds(30 + r.nextInt(400));
      Case c = randomCase(r, now);
      Instant healthySince =
          c.diagnosis().health() == Health.Healthy ? now.minusSeconds(r.nextInt(1800)) : null;
      var s =
          new Guard.Situation(
              RemediationPolicy.of(
                  Map.of(RemediationPolicy.MODE, "auto"),
                  null,
                  RemediationPolicy.Mode.auto,
                  Set.of()),
              now,
              WINDOW,
              now,
              c.situation().backends(),
              c.situation().baseline(),
              Ledger.of(history),
              r.nextInt(4),
              LIMITS,
              List.of(),
              healthySince);
      var o = Remediation.decide(c.diagnosis(), history, s);
      log.addAll(o.added());
      history = o.records();
      var d = o.decision();
      if (d == null) {
        continue;
      }
      // as the operator does: a blocked plan is recorded, an applied one too (before the change)
      RemediationRecord rec =
          d.verdict() == Remediation.Verdict.Apply
              ? d.record(Ledger.APPLIED, "test", now)
              : d.record(Ledger.BLOCKED, d.reason(), now);
      if (!Ledger.repeats(history, rec)) {
        log.add(rec);
      }
      history = Ledger.append(history, rec);
    }
    Instant lastApplied = null;
    boolean stopped = false;
    int applied = 0;
    for (RemediationRecord rec : log) {
      switch (rec.result) {
        case Ledger.APPLIED -> {
          applied++;
          assertThat(stopped).as("an action after NoImprovement without Resumed: " + log).isFalse();
          Instant at = Times.parse(rec.time);
          if (lastApplied != null) {
            assertThat(Duration.between(lastApplied, at))
                .as("a cooldown apart")
                .isGreaterThanOrEqualTo(LIMITS.cooldown());
          }
          lastApplied = at;
        }
        case Ledger.NO_IMPROVEMENT -> stopped = true;
        case Ledger.RESUMED -> stopped = false;
        default -> {}
      }
    }
    net.jqwik.api.statistics.Statistics.label("resumed")
        .collect(log.stream().anyMatch(x -> Ledger.RESUMED.equals(x.result)));
    net.jqwik.api.statistics.Statistics.label("resumed")
        .coverage(k -> k.check(true).count(n -> n > 0));
    assertThat(Ledger.of(history).stopped())
        .as("the capped history keeps the state of the whole log")
        .isEqualTo(stopped);
    net.jqwik.api.statistics.Statistics.label("applied")
        .collect(applied == 0 ? "none" : applied < 3 ? "1-2" : "3+");
    net.jqwik.api.statistics.Statistics.label("applied")
        .coverage(k -> k.check("3+").count(n -> n > 0));
  }

  /**
   * The floor, on its own terms: another ready endpoint answers, and max(1, half) of the ready ones
   * stay.
   */
  static void assertFloorHolds(String pod, List<BackendStatus> backends) {
    boolean inSome = false;
    for (BackendStatus b : backends) {
      if (b.endpoints.stream().noneMatch(e -> pod.equals(e.pod))) {
        continue;
      }
      inSome = true;
      int ready = 0;
      int readyAfter = 0;
      int othersAnswering = 0;
      for (EndpointStatus e : b.endpoints) {
        boolean isReady = Boolean.TRUE.equals(e.ready);
        ready += isReady ? 1 : 0;
        if (!pod.equals(e.pod)) {
          readyAfter += isReady ? 1 : 0;
          othersAnswering +=
              isReady && e.lastProbe != null && "ok".equals(e.lastProbe.outcome) ? 1 : 0;
        }
      }
      assertThat(othersAnswering).as("another endpoint answers").isGreaterThanOrEqualTo(1);
      assertThat(readyAfter)
          .as("floor of " + b.service)
          .isGreaterThanOrEqualTo(Math.max(1, (int) Math.ceil(ready / 2.0)));
    }
    assertThat(inSome).as("the pod is an endpoint").isTrue();
  }

  static Case randomCase(Random r, Instant now) {
    List<BackendStatus> backends = new ArrayList<>();
    for (int i = 0, n = 1 + r.nextInt(2); i < n; i++) {
      BackendStatus b = new BackendStatus();
      b.service = "shop/svc" + i;
      for (int j = 0, m = r.nextInt(6); j < m; j++) {
        EndpointStatus e = new EndpointStatus();
        e.pod = PODS.get(r.nextInt(PODS.size()));
        e.ready = r.nextInt(4) > 0;
        if (r.nextInt(4) > 0) {
          e.lastProbe = new ProbeResult();
          e.lastProbe.outcome = r.nextInt(4) == 0 ? "refused" : "ok";
        }
        b.endpoints.add(e);
      }
      backends.add(b);
    }
    List<RuleFinding> findings = new ArrayList<>();
    for (int i = 0, n = r.nextInt(4); i < n; i++) {
      findings.add(randomFinding(r));
    }
    Health health = findings.isEmpty() || r.nextInt(5) == 0 ? Health.Healthy : Health.Failing;
    Diagnosis d =
        new Diagnosis(
            "Ingress/web",
            health,
            findings.isEmpty() ? Code.NONE : findings.get(0).code().name(),
            "s",
            findings,
            backends);
    List<RemediationRecord> history = new ArrayList<>();
    for (int i = 0, n = r.nextBoolean() ? 0 : r.nextInt(5); i < n; i++) {
      history.add(
          new RemediationRecord(
              RemediationPolicy.ALL_ACTIONS.get(r.nextInt(5)),
              "Pod shop/p0",
              Times.format(now.minusSeconds(r.nextInt(1800))),
              r.nextBoolean(),
              RESULTS.get(r.nextInt(RESULTS.size())),
              Code.values()[r.nextInt(Code.values().length)].name(),
              null,
              "x"));
    }
    history.sort(java.util.Comparator.comparing(h -> h.time));
    String[] modes = {"off", "dry-run", "auto", "sometimes"};
    Map<String, String> ann = new java.util.HashMap<>();
    if (r.nextInt(5) > 0) {
      ann.put(RemediationPolicy.MODE, modes[r.nextInt(modes.length)]);
    }
    if (r.nextBoolean()) {
      Set<String> subset = new TreeSet<>();
      RemediationPolicy.ALL_ACTIONS.forEach(
          a -> {
            if (r.nextBoolean()) {
              subset.add(a);
            }
          });
      ann.put(RemediationPolicy.ACTIONS, String.join(",", subset));
    }
    var policy =
        RemediationPolicy.of(
            ann,
            null,
            r.nextBoolean() ? RemediationPolicy.Mode.auto : RemediationPolicy.Mode.dryRun,
            r.nextInt(4) == 0 ? Set.of(RemediationPolicy.ALL_ACTIONS.get(r.nextInt(5))) : Set.of());
    Baseline baseline = null;
    if (r.nextBoolean()) {
      baseline = new Baseline();
      baseline.recordedAt = Times.format(now.minusSeconds(3600));
      baseline.servedBy =
          r.nextBoolean() ? List.of("shop/web-a") : List.of("shop/web-b", "shop/web-c");
    }
    Instant[] fresh = {
      null, now, now.minus(WINDOW.multipliedBy(2)), now.minusSeconds(30), now, now
    };
    var s =
        new Guard.Situation(
            policy,
            now,
            WINDOW,
            fresh[r.nextInt(fresh.length)],
            backends,
            baseline,
            Ledger.of(history),
            r.nextInt(4),
            LIMITS);
    return new Case(d, history, s);
  }

  static RuleFinding randomFinding(Random r) {
    String action = RemediationPolicy.ALL_ACTIONS.get(r.nextInt(5));
    Remedy fix = new Remedy(Action.of(action).orElseThrow(), "fix", r.nextInt(5) > 0);
    Code code =
        switch (action) {
          case "restart-pod" ->
              r.nextBoolean() ? Code.BackendRefusingConnections : Code.BackendCrashLooping;
          case "rollback" -> Code.BackendCrashLooping;
          case "fix-target-port" -> Code.TargetPortMismatch;
          case "set-backend-protocol" -> Code.BackendProtocolMismatch;
          default -> Code.BackendHeadersTooLarge;
        };
    var ingress =
        new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("shop")
            .withResourceVersion("7")
            .endMetadata()
            .build();
    Remedy typed =
        fix.fixing(
            switch (action) {
              case "restart-pod" ->
                  new Fix.DeletePod(
                      new io.fabric8.kubernetes.api.model.PodBuilder()
                          .withNewMetadata()
                          .withName(PODS.get(r.nextInt(PODS.size())))
                          .withNamespace("shop")
                          .endMetadata()
                          .build());
              case "rollback" ->
                  new Fix.Rollback(
                      new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                          .withNewMetadata()
                          .withName("web")
                          .withNamespace("shop")
                          .withResourceVersion("3")
                          .endMetadata()
                          .build(),
                      new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
                          .withNewMetadata()
                          .withName("web-" + "abc".charAt(r.nextInt(3)))
                          .withNamespace("shop")
                          .endMetadata()
                          .withNewSpec()
                          .withNewTemplate()
                          .withNewMetadata()
                          .addToLabels("app", "web")
                          .endMetadata()
                          .endTemplate()
                          .endSpec()
                          .build());
              case "raise-proxy-buffer-size" ->
                  new Fix.Annotation(
                      ingress,
                      "nginx.ingress.kubernetes.io/proxy-buffer-size",
                      (4 << r.nextInt(6)) + "k");
              case "set-backend-protocol" ->
                  new Fix.Annotation(
                      ingress, "nginx.ingress.kubernetes.io/backend-protocol", "HTTPS");
              default -> {
                var port =
                    new io.fabric8.kubernetes.api.model.ServicePortBuilder().withPort(80).build();
                yield new Fix.TargetPort(
                    new io.fabric8.kubernetes.api.model.ServiceBuilder()
                        .withNewMetadata()
                        .withName("web")
                        .withNamespace("shop")
                        .endMetadata()
                        .withNewSpec()
                        .withPorts(port)
                        .endSpec()
                        .build(),
                    port,
                    new io.fabric8.kubernetes.api.model.IntOrString(8080));
              }
            });
    return new RuleFinding(
        code,
        r.nextBoolean() ? Severity.Critical : Severity.Warning,
        new ResourceRef("Service", "shop", "web"),
        "m",
        List.of(),
        null,
        typed);
  }
}
