package io.gatewaydoctor.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Health;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.api.Finding;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.history.Drift;
import io.gatewaydoctor.remediation.Patches;
import io.gatewaydoctor.remediation.RemediationCondition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Objects;

/**
 * Builds the whole status from a diagnosis: conditions (lastTransitionTime carried forward while a
 * condition keeps its status), findings (their {@code since} carried forward while they persist),
 * caps on every list. Pure: the instant comes in as an argument.
 */
public final class StatusAggregator {
  public static final String CONFIG_DRIFT = "ConfigDrift";
  public static final String HEALTHY = "Healthy";
  public static final String REMEDIATION_APPLIED = "RemediationApplied";
  public static final int MAX_FINDINGS = 50;
  public static final int MAX_EVIDENCE = 5;
  public static final int MAX_TEXT = 1024;

  /** The one-line fix at most this long (the whole one is in findings[0].remediation). */
  public static final int MAX_FIX = 256;

  private StatusAggregator() {}

  public static final String REMEDIATION_OFF = "RemediationOff";
  public static final String REMEDIATION_OFF_MESSAGE =
      "Remediation is off (annotation gatewaydoctor.io/remediation)";

  /** The status with remediation off (the only mode until remediation lands). */
  public static GatewayDiagnosisStatus build(
      Diagnosis d, GatewayDiagnosisStatus previous, Long generation, Instant now) {
    return build(d, previous, generation, now, REMEDIATION_OFF, REMEDIATION_OFF_MESSAGE);
  }

  public static GatewayDiagnosisStatus build(
      Diagnosis d,
      GatewayDiagnosisStatus previous,
      Long generation,
      Instant now,
      String remediationReason,
      String remediationMessage) {
    return build(
        d,
        previous,
        generation,
        now,
        RemediationCondition.no(remediationReason, remediationMessage));
  }

  /** The status, with the RemediationApplied condition as status, reason and message. */
  public static GatewayDiagnosisStatus build(
      Diagnosis d,
      GatewayDiagnosisStatus previous,
      Long generation,
      Instant now,
      RemediationCondition remediation) {
    GatewayDiagnosisStatus prev = previous == null ? new GatewayDiagnosisStatus() : previous;
    String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
    GatewayDiagnosisStatus s = new GatewayDiagnosisStatus();
    s.observedGeneration = generation;
    s.target = d.target();
    s.health = d.health().name();
    s.rootCause = d.rootCause();
    s.summary = cap(d.summary());
    s.lastEvaluated = ts;
    s.backends = d.backends();
    s.errorRate = d.errorRate();
    s.gatewayErrors = d.gatewayErrors();
    for (RuleFinding f : d.findings().stream().limit(MAX_FINDINGS).toList()) {
      Finding out = new Finding();
      out.code = f.code().name();
      out.severity = f.severity().name();
      out.resource = f.resource();
      out.message = cap(f.message());
      out.evidence = f.evidence().stream().limit(MAX_EVIDENCE).map(StatusAggregator::cap).toList();
      out.remediation = Patches.realise(f.remediation());
      out.since =
          prev.findings == null
              ? null
              : prev.findings.stream()
                  .filter(
                      p ->
                          Objects.equals(p.code, out.code)
                              && Objects.equals(
                                  String.valueOf(p.resource), String.valueOf(out.resource)))
                  .map(p -> p.since)
                  .filter(Objects::nonNull)
                  .findFirst()
                  .orElse(null);
      if (out.since == null) {
        out.since = f.since() != null ? f.since().truncatedTo(ChronoUnit.SECONDS).toString() : ts;
      }
      s.findings.add(out);
    }
    String healthStatus =
        switch (d.health()) {
          case Healthy -> "True";
          case Degraded, Failing -> "False";
          case Unknown -> "Unknown";
        };
    String healthReason =
        switch (d.health()) {
          case Healthy -> "BackendsHealthy";
          case Unknown -> "NothingToDiagnose";
          default -> d.rootCause();
        };
    s.conditions.add(
        condition(prev, HEALTHY, healthStatus, healthReason, s.summary, generation, ts));
    // the first look: who to blame, what to change, since when (the health, not the condition:
    // Degraded and Failing are both Healthy=False)
    s.since = Objects.equals(prev.health, s.health) && prev.since != null ? prev.since : ts;
    if (d.health() != Health.Healthy && !Code.NONE.equals(d.rootCause()) && !s.findings.isEmpty()) {
      Finding root = s.findings.get(0);
      if (root.resource != null) {
        s.culprit = root.resource.kind + "/" + root.resource.namespace + "/" + root.resource.name;
      }
      if (root.remediation != null && root.remediation.description != null) {
        s.fix = capTo(root.remediation.description, MAX_FIX);
      }
    }
    // conditions only where they say something: none for remediation that is off, none for a
    // chain without a baseline or without drift
    if (!REMEDIATION_OFF.equals(remediation.reason())) {
      s.conditions.add(
          condition(
              prev,
              REMEDIATION_APPLIED,
              remediation.status(),
              remediation.reason(),
              remediation.message(),
              generation,
              ts));
    }
    s.drift =
        d.drift() != null
            ? new ArrayList<>(d.drift())
            : prev.drift == null ? new ArrayList<>() : prev.drift;
    if (!s.drift.isEmpty()) {
      var last = s.drift.get(s.drift.size() - 1);
      s.conditions.add(
          condition(
              prev,
              CONFIG_DRIFT,
              "True",
              "ChainChanged",
              s.drift.size()
                  + " field(s) changed since the baseline; latest: "
                  + Drift.describe(last),
              generation,
              ts));
    }
    s.remediations = prev.remediations == null ? new ArrayList<>() : prev.remediations;
    return s;
  }

  /** Condition type: the gateway's evidence is complete (present only when it is not). */
  public static final String GATEWAY_EVIDENCE = "GatewayEvidenceComplete";

  /**
   * Adds the condition that the gateway's evidence is degraded (its byte budget refused keys within
   * the horizon), with why; nothing when {@code degraded} is null.
   */
  public static void gatewayEvidence(
      GatewayDiagnosisStatus next,
      GatewayDiagnosisStatus previous,
      String degraded,
      Long generation,
      Instant now) {
    if (degraded == null) {
      return;
    }
    GatewayDiagnosisStatus prev = previous == null ? new GatewayDiagnosisStatus() : previous;
    next.conditions.add(
        condition(
            prev,
            GATEWAY_EVIDENCE,
            "False",
            "EvidenceBudgetFull",
            capTo(degraded, 1024),
            generation,
            now.truncatedTo(ChronoUnit.SECONDS).toString()));
  }

  /** Condition type: the gateway's logs are understood (present only when they are not). */
  public static final String GATEWAY_LOGS = "GatewayLogsUnderstood";

  /**
   * Adds the condition that the followed gateway pods' log lines are not understood (their
   * access-log format is not the one configured), naming them; nothing when all are understood.
   */
  public static void gatewayLogs(
      GatewayDiagnosisStatus next,
      GatewayDiagnosisStatus previous,
      java.util.List<String> notUnderstood,
      Long generation,
      Instant now) {
    if (notUnderstood.isEmpty()) {
      return;
    }
    GatewayDiagnosisStatus prev = previous == null ? new GatewayDiagnosisStatus() : previous;
    next.conditions.add(
        condition(
            prev,
            GATEWAY_LOGS,
            "False",
            "LinesNotUnderstood",
            capTo(
                "The gateway's log lines are hardly understood, so its errors count for no verdict"
                    + " (is log-format-upstream, or gatewaydoctor.gateway-logs.log-format, the"
                    + " format it writes?): "
                    + String.join("; ", notUnderstood),
                1024),
            generation,
            now.truncatedTo(ChronoUnit.SECONDS).toString()));
  }

  private static Condition condition(
      GatewayDiagnosisStatus prev,
      String type,
      String status,
      String reason,
      String message,
      Long generation,
      String ts) {
    String since = ts;
    if (prev.conditions != null) {
      for (Condition c : prev.conditions) {
        if (type.equals(c.getType())
            && status.equals(c.getStatus())
            && c.getLastTransitionTime() != null) {
          since = c.getLastTransitionTime();
        }
      }
    }
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(cap(message))
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }

  /**
   * True when the two statuses differ in what a reader acts on: anything but lastEvaluated, the
   * time of each endpoint's last probe, and its latency within one of {@link #LATENCY_BUCKETS}.
   * What changes with every probe round alone is then written only with the next real change or the
   * heartbeat, so a settled cluster costs the API server no writes (#23).
   */
  public static boolean differs(GatewayDiagnosisStatus a, GatewayDiagnosisStatus b) {
    if (a == null || b == null) {
      return a != b;
    }
    ObjectNode ca = comparable(a);
    ObjectNode cb = comparable(b);
    hysteresis(a, b, cb, ca);
    return !ca.equals(cb);
  }

  /**
   * A latency that crosses a bucket edge by little (less than a fifth, e.g. 98 → 102 ms) is no
   * change: a latency near an edge would otherwise write at every round. Compared with the written
   * one, a slow drift still shows once it is a fifth away.
   */
  static final double HYSTERESIS = 0.2;

  private static void hysteresis(
      GatewayDiagnosisStatus a, GatewayDiagnosisStatus b, ObjectNode cb, ObjectNode ca) {
    if (a.backends == null || b.backends == null) {
      return;
    }
    for (int i = 0; i < Math.min(a.backends.size(), b.backends.size()); i++) {
      var ea = a.backends.get(i).endpoints;
      var eb = b.backends.get(i).endpoints;
      if (ea == null || eb == null) {
        continue;
      }
      for (int j = 0; j < Math.min(ea.size(), eb.size()); j++) {
        var pa = ea.get(j).lastProbe;
        var pb = eb.get(j).lastProbe;
        if (pa == null
            || pb == null
            || pa.latencyMillis == null
            || pb.latencyMillis == null
            || !java.util.Objects.equals(ea.get(j).ip, eb.get(j).ip)
            || !java.util.Objects.equals(ea.get(j).port, eb.get(j).port)) {
          continue;
        }
        long la = pa.latencyMillis;
        long lb = pb.latencyMillis;
        if (Math.abs(la - lb) < HYSTERESIS * Math.max(la, lb)
            && cb.path("backends").path(i).path("endpoints").path(j).path("lastProbe")
                instanceof ObjectNode probe) {
          probe.put(
              "latencyMillis",
              ca.path("backends")
                  .path(i)
                  .path("endpoints")
                  .path(j)
                  .path("lastProbe")
                  .path("latencyMillis")
                  .asInt());
        }
      }
    }
  }

  /** Probe latency buckets (ms): a latency that crosses one is a change. */
  static final long[] LATENCY_BUCKETS = {100, 250, 500, 1000, 2500, 5000, 10000};

  static int latencyBucket(long ms) {
    int i = 0;
    while (i < LATENCY_BUCKETS.length && ms >= LATENCY_BUCKETS[i]) {
      i++;
    }
    return i;
  }

  private static ObjectNode comparable(GatewayDiagnosisStatus s) {
    ObjectNode x = Serialization.jsonMapper().valueToTree(s);
    x.remove("lastEvaluated");
    for (var backend : x.path("backends")) {
      for (var endpoint : backend.path("endpoints")) {
        if (endpoint.path("lastProbe") instanceof ObjectNode probe) {
          probe.remove("time");
          if (probe.path("latencyMillis").isNumber()) {
            probe.put("latencyMillis", latencyBucket(probe.path("latencyMillis").asLong()));
          }
        }
      }
    }
    return x;
  }

  private static String cap(String s) {
    return capTo(s, MAX_TEXT);
  }

  private static String capTo(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
