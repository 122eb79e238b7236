package io.gatewaydoctor.report;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.api.BackendStatus;
import io.gatewaydoctor.api.EndpointStatus;
import io.gatewaydoctor.api.Finding;
import io.gatewaydoctor.api.FindingRemediation;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.model.Digests;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a status under {@link #MAX_BYTES} serialised, whatever the cluster holds (hundreds of
 * endpoints with long names, a rollback's pod template, long paths and annotations): large patches
 * are replaced by their size and digest first (the plan carries the whole patch), then what has
 * least to say goes, step by step, until it fits: ready endpoints that report nothing (counted in
 * {@code endpointsOmitted}), evidence beyond the first line, findings beyond the twentieth, older
 * drift and timeline entries, places beyond the first, and at last every endpoint. The verdict
 * (health, root cause, culprit, summary, the first findings) always stays. Pure.
 */
public final class StatusBudget {
  /** The most a status may take, serialised as JSON. */
  public static final int MAX_BYTES = 256 * 1024;

  /** What the shrinking aims for, leaving room below {@link #MAX_BYTES}. */
  static final int TARGET_BYTES = 192 * 1024;

  /** A remediation patch larger than this is shown by its size and digest. */
  public static final int MAX_PATCH = 8 * 1024;

  static final int KEEP_QUIET_ENDPOINTS = 5;
  static final int KEEP_FINDINGS = 20;
  static final int KEEP_HISTORY = 5;

  private StatusBudget() {}

  /** The status, made to fit; the one given when it fits already (patches capped in any case). */
  public static GatewayDiagnosisStatus fit(GatewayDiagnosisStatus s) {
    s.findings = new ArrayList<>(s.findings == null ? List.of() : s.findings);
    for (int i = 0; i < s.findings.size(); i++) {
      s.findings.set(i, withSmallPatch(s.findings.get(i)));
    }
    if (size(s) <= TARGET_BYTES) {
      return s;
    }
    s.backends = quietEndpointsLeftOut(s.backends, KEEP_QUIET_ENDPOINTS);
    if (size(s) <= TARGET_BYTES) {
      return s;
    }
    List<Finding> fewer = new ArrayList<>();
    for (Finding f : s.findings.subList(0, Math.min(KEEP_FINDINGS, s.findings.size()))) {
      Finding c = copy(f);
      c.evidence =
          f.evidence == null || f.evidence.isEmpty() ? f.evidence : List.of(f.evidence.get(0));
      fewer.add(c);
    }
    s.findings = fewer;
    if (size(s) <= TARGET_BYTES) {
      return s;
    }
    if (s.drift != null && s.drift.size() > KEEP_HISTORY) {
      s.drift = new ArrayList<>(s.drift.subList(s.drift.size() - KEEP_HISTORY, s.drift.size()));
    }
    if (s.timeline != null && s.timeline.size() > KEEP_HISTORY) {
      s.timeline =
          new ArrayList<>(s.timeline.subList(s.timeline.size() - KEEP_HISTORY, s.timeline.size()));
    }
    s.backends =
        s.backends == null
            ? null
            : s.backends.stream()
                .map(
                    b -> {
                      BackendStatus c = copy(b);
                      c.usedBy =
                          b.usedBy == null || b.usedBy.size() <= 1
                              ? b.usedBy
                              : List.of(b.usedBy.get(0));
                      return c;
                    })
                .toList();
    if (size(s) <= TARGET_BYTES) {
      return s;
    }
    s.backends = quietEndpointsLeftOut(s.backends, 0);
    if (size(s) <= TARGET_BYTES) {
      return s;
    }
    // last: every endpoint, then the findings after the root cause's
    s.backends =
        s.backends == null
            ? null
            : s.backends.stream()
                .map(
                    b -> {
                      BackendStatus c = copy(b);
                      c.endpointsOmitted =
                          (b.endpointsOmitted == null ? 0 : b.endpointsOmitted)
                              + (b.endpoints == null ? 0 : b.endpoints.size());
                      c.endpoints = new ArrayList<>();
                      return c;
                    })
                .toList();
    if (size(s) > TARGET_BYTES && s.findings.size() > 3) {
      s.findings = new ArrayList<>(s.findings.subList(0, 3));
    }
    return s;
  }

  /** The serialised size in bytes. */
  public static int size(GatewayDiagnosisStatus s) {
    try {
      return Serialization.jsonMapper().writeValueAsBytes(s).length;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Finding withSmallPatch(Finding f) {
    FindingRemediation r = f.remediation;
    if (r == null || r.patch == null || r.patch.length() <= MAX_PATCH) {
      return f;
    }
    FindingRemediation small =
        new FindingRemediation(r.action, r.description, Boolean.TRUE.equals(r.automatic));
    small.target = r.target;
    small.patchType = r.patchType;
    small.source = r.source;
    small.targetUid = r.targetUid;
    small.targetResourceVersion = r.targetResourceVersion;
    small.patch =
        r.patch.substring(0, 256)
            + "… ("
            + r.patch.length()
            + " characters, sha256 "
            + Digests.sha256Prefix(r.patch)
            + (r.source != null ? "; the template of " + r.source : "")
            + ")";
    Finding c = copy(f);
    c.remediation = small;
    return c;
  }

  /**
   * Each backend with at most {@code keep} ready endpoints that report nothing (no probe failure,
   * no gateway error).
   */
  private static List<BackendStatus> quietEndpointsLeftOut(List<BackendStatus> backends, int keep) {
    if (backends == null) {
      return null;
    }
    List<BackendStatus> out = new ArrayList<>();
    for (BackendStatus b : backends) {
      BackendStatus c = copy(b);
      c.endpoints = new ArrayList<>();
      int quiet = 0;
      int omitted = b.endpointsOmitted == null ? 0 : b.endpointsOmitted;
      for (EndpointStatus e : b.endpoints == null ? List.<EndpointStatus>of() : b.endpoints) {
        if (quiet(e) && quiet++ >= keep) {
          omitted++;
        } else {
          c.endpoints.add(e);
        }
      }
      c.endpointsOmitted = omitted == 0 ? null : omitted;
      out.add(c);
    }
    return out;
  }

  private static boolean quiet(EndpointStatus e) {
    boolean probeOk =
        e.lastProbe == null
            || "ok".equals(e.lastProbe.outcome)
            || "skipped".equals(e.lastProbe.outcome);
    boolean noErrors = e.gateway == null || (e.gateway.errors5xx == 0 && e.gateway.errors502 == 0);
    return Boolean.TRUE.equals(e.ready) && probeOk && noErrors;
  }

  private static Finding copy(Finding f) {
    return Serialization.clone(f);
  }

  private static BackendStatus copy(BackendStatus b) {
    BackendStatus c = new BackendStatus();
    c.service = b.service;
    c.port = b.port;
    c.targetPort = b.targetPort;
    c.usedBy = b.usedBy;
    c.endpoints = b.endpoints;
    c.endpointsOmitted = b.endpointsOmitted;
    return c;
  }
}
