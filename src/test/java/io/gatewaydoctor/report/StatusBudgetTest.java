package io.gatewaydoctor.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
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
import io.gatewaydoctor.api.DriftEntry;
import io.gatewaydoctor.api.EndpointStatus;
import io.gatewaydoctor.api.EndpointTraffic;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.api.ProbeResult;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.api.TimelineEntry;
import io.gatewaydoctor.remediation.Ledger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #18: the status stays under 256 KiB in the worst case the caps allow: 20 backends of 50 endpoints
 * with 253-character pod names, long paths, long annotation values, 50 findings with long messages
 * and evidence, a rollback whose pod template is 300 KiB, a full remediation history, drift,
 * timeline and baseline; and the verdict survives the shrinking.
 */
class StatusBudgetTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final String LONG = "x".repeat(4000);

  static String name(int i) {
    String n = "web-" + i + "-";
    return n + "a".repeat(253 - n.length());
  }

  static Diagnosis worst() {
    List<BackendStatus> backends = new ArrayList<>();
    for (int b = 0; b < 20; b++) {
      BackendStatus bs = new BackendStatus();
      bs.service = "shop/" + name(b);
      bs.port = "http";
      bs.targetPort = "http";
      bs.usedBy = new ArrayList<>();
      for (int u = 0; u < 10; u++) {
        bs.usedBy.add("shop.example.com/" + "p".repeat(250) + u);
      }
      for (int e = 0; e < 50; e++) {
        EndpointStatus es = new EndpointStatus();
        es.pod = name(b * 100 + e);
        es.ip = "10.244." + b + "." + e;
        es.port = 8080;
        es.ready = e % 10 != 0;
        es.lastProbe = new ProbeResult();
        es.lastProbe.outcome = e % 7 == 0 ? "reset" : "ok";
        es.lastProbe.latencyMillis = 3L;
        es.lastProbe.detail = "connection reset after the request";
        es.lastProbe.time = NOW.toString();
        es.gateway = new EndpointTraffic();
        es.gateway.requests = 1000;
        es.gateway.errors502 = e % 5 == 0 ? 12 : 0;
        bs.endpoints.add(es);
      }
      backends.add(bs);
    }
    var template = new LinkedHashMap<String, String>();
    for (int i = 0; i < 75; i++) {
      template.put("k" + i, LONG);
    }
    var deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("shop")
            .withResourceVersion("7")
            .endMetadata()
            .build();
    var previous =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("web-1")
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewMetadata()
            .withAnnotations(template)
            .endMetadata()
            .endTemplate()
            .endSpec()
            .build();
    List<RuleFinding> findings = new ArrayList<>();
    findings.add(
        RuleFinding.of(
                Code.BackendCrashLooping,
                Severity.Critical,
                new ResourceRef("Deployment", "shop", "web"),
                "Deployment shop/web is crash-looping " + LONG,
                List.of(LONG, LONG, LONG, LONG, LONG, LONG))
            .withRemediation(
                new Remedy(Action.ROLLBACK, "Roll back " + LONG, true)
                    .fixing(new Fix.Rollback(deployment, previous))));
    for (int i = 1; i < 60; i++) {
      findings.add(
          RuleFinding.of(
                  Code.ReadinessProbeMissing,
                  Severity.Warning,
                  new ResourceRef("Deployment", "shop", name(i)),
                  LONG,
                  List.of(LONG, LONG, LONG, LONG, LONG, LONG))
              .withRemediation(new Remedy(Action.MANUAL, LONG, false)));
    }
    List<DriftEntry> drift = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      DriftEntry d = new DriftEntry();
      d.resource = "Ingress shop/" + name(i);
      d.field = "metadata.annotations[nginx.ingress.kubernetes.io/configuration-snippet]";
      d.from = "x".repeat(120);
      d.to = "y".repeat(120);
      d.changedAt = NOW.toString();
      drift.add(d);
    }
    return new Diagnosis(
        "Ingress/web",
        Health.Failing,
        Code.BackendCrashLooping.name(),
        "Deployment shop/web is crash-looping " + LONG,
        findings,
        backends,
        12.5,
        null,
        drift);
  }

  static GatewayDiagnosisStatus full() {
    GatewayDiagnosisStatus s =
        StatusAggregator.build(worst(), null, 1L, NOW, "RemediationOff", "off");
    s.remediations = new ArrayList<>();
    for (int i = 0; i < Ledger.MAX_RECORDS; i++) {
      s.remediations.add(
          new RemediationRecord(
              "rollback",
              "Deployment shop/web",
              NOW.minusSeconds(i).toString(),
              false,
              Ledger.FAILED,
              "BackendCrashLooping",
              "p".repeat(2048) + "…",
              "r".repeat(1000)));
    }
    s.timeline = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      TimelineEntry t = new TimelineEntry();
      t.at = NOW.toString();
      t.kind = "restart";
      t.object = "Pod shop/" + name(i);
      t.detail = "d".repeat(300);
      s.timeline.add(t);
    }
    s.baseline = new Baseline();
    s.baseline.recordedAt = NOW.toString();
    s.baseline.fields = new LinkedHashMap<>();
    for (int i = 0; i < 150; i++) {
      s.baseline.fields.put("Pod shop/" + name(i) + "|spec.containers[web].image", "v".repeat(120));
    }
    s.baseline.servedBy = List.of("shop/web-1");
    return s;
  }

  @Test
  void theWorstCaseStatusFitsUnder256KiBAndKeepsTheVerdict() {
    GatewayDiagnosisStatus s = full();
    int before = StatusBudget.size(s);
    assertThat(before)
        .as("the worst case is well over the limit before fitting")
        .isGreaterThan(StatusBudget.MAX_BYTES);
    GatewayDiagnosisStatus fitted = StatusBudget.fit(s);
    assertThat(StatusBudget.size(fitted)).isLessThan(StatusBudget.MAX_BYTES);
    assertThat(fitted.health).isEqualTo("Failing");
    assertThat(fitted.rootCause).isEqualTo("BackendCrashLooping");
    assertThat(fitted.culprit).isEqualTo("Deployment/shop/web");
    assertThat(fitted.findings.get(0).code).isEqualTo("BackendCrashLooping");
    // the rollback's 300 KiB patch is told by its size and digest; the plan keeps it whole
    assertThat(fitted.findings.get(0).remediation.patch)
        .contains("characters, sha256 ")
        .hasSizeLessThan(1024);
    // the endpoints that report something stay: not ready, a failed probe, gateway errors
    assertThat(fitted.backends).allSatisfy(b -> assertThat(b.endpointsOmitted).isPositive());
    System.out.printf(
        "worst-case status: %d bytes before, %d after%n", before, StatusBudget.size(fitted));
  }

  @Test
  void aStatusThatFitsIsLeftAsItIs() {
    GatewayDiagnosisStatus s =
        StatusAggregator.build(
            StatusAggregatorTest.failing(2), null, 1L, NOW, "RemediationOff", "off");
    String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(s);
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(StatusBudget.fit(s)))
        .isEqualTo(json);
  }
}
