package io.gatewaydoctor.report;

import io.fabric8.kubernetes.api.model.Condition;
import io.gatewaydoctor.api.BackendStatus;
import io.gatewaydoctor.api.DriftEntry;
import io.gatewaydoctor.api.EndpointStatus;
import io.gatewaydoctor.api.Finding;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.api.TimelineEntry;
import java.util.List;

/**
 * {@code gateway-doctor describe}: one diagnosis as an engineer reads it at 2 a.m., verdict first
 * (health, since when, root cause, culprit, fix), then the chain with the failing endpoints marked,
 * the findings with their evidence and fix, what changed, the remediation, the timeline, and the
 * conditions last. {@code kubectl describe} prints the same fields alphabetically. Pure; every text
 * from the cluster is printed through {@link Printable}.
 */
public final class Describer {
  private Describer() {}

  /** As {@link #describe(GatewayDiagnosis)}, and says so when the verdict is stale. */
  public static String describe(
      GatewayDiagnosis gd, java.time.Instant now, java.time.Duration staleAfter) {
    String text = describe(gd);
    String stale = stale(gd.getStatus(), now, staleAfter);
    if (stale == null) {
      return text;
    }
    int eol = text.indexOf('\n');
    return text.substring(0, eol + 1) + Printable.safe(stale) + "\n" + text.substring(eol + 1);
  }

  /**
   * The warning for a verdict last evaluated longer ago than {@code staleAfter} (the operator
   * rewrites every status at least every status-heartbeat, 10 min by default): null when fresh.
   */
  static String stale(
      GatewayDiagnosisStatus s, java.time.Instant now, java.time.Duration staleAfter) {
    if (s == null || s.lastEvaluated == null) {
      return null;
    }
    java.time.Instant at;
    try {
      at = java.time.Instant.parse(s.lastEvaluated);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
    java.time.Duration age = java.time.Duration.between(at, now);
    if (age.compareTo(staleAfter) <= 0) {
      return null;
    }
    return "STALE:          last evaluated "
        + ago(age)
        + " ago, more than "
        + ago(staleAfter)
        + ": this verdict may be out of date (read from the cluster, this means the operator is"
        + " stopped, not leading, or stuck: kubectl get pods -n <its namespace>, its log)";
  }

  private static String ago(java.time.Duration d) {
    long s = d.getSeconds();
    return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s / 3600 + "h";
  }

  public static String describe(GatewayDiagnosis gd) {
    StringBuilder sb = new StringBuilder();
    String ns = gd.getMetadata().getNamespace();
    GatewayDiagnosisStatus s = gd.getStatus();
    line(sb, "GatewayDiagnosis " + ns + "/" + gd.getMetadata().getName());
    if (s == null) {
      line(sb, "  not evaluated yet (no status)");
      return Printable.safe(sb.toString());
    }
    line(sb, "Target:         " + nz(s.target));
    line(
        sb,
        "Health:         "
            + nz(s.health)
            + (s.since == null ? "" : " since " + s.since)
            + (s.lastEvaluated == null ? "" : "   (last evaluated " + s.lastEvaluated + ")"));
    line(sb, "Root cause:     " + nz(s.rootCause));
    if (s.culprit != null) {
      line(sb, "Culprit:        " + s.culprit);
    }
    if (s.fix != null) {
      line(sb, "Fix:            " + s.fix);
    }
    if (s.errorRate != null && s.errorRate > 0) {
      line(sb, "502/min:        " + String.format(java.util.Locale.ROOT, "%.1f", s.errorRate));
    }
    line(sb, "Summary:        " + nz(s.summary));
    if (!s.backends.isEmpty()) {
      line(sb, "");
      line(sb, "Chain (✗ marks what fails):");
      java.util.Set<String> blamed = new java.util.HashSet<>();
      for (Finding f : s.findings) {
        if (f.resource != null && ("Critical".equals(f.severity) || "Warning".equals(f.severity))) {
          blamed.add(f.resource.toString());
        }
      }
      for (BackendStatus b : s.backends) {
        line(
            sb,
            "  "
                + (blamed.contains("Service " + b.service) ? "✗ " : "")
                + "Service "
                + b.service
                + ":"
                + b.port
                + " → targetPort "
                + nz(b.targetPort)
                + (b.usedBy.isEmpty() ? "" : "   for " + String.join(", ", b.usedBy)));
        for (EndpointStatus e : b.endpoints) {
          boolean bad =
              !Boolean.TRUE.equals(e.ready)
                  || (e.lastProbe != null && !"ok".equals(e.lastProbe.outcome))
                  || (e.gateway != null && e.gateway.errors5xx > 0);
          line(
              sb,
              "    "
                  + (bad ? "✗" : "✓")
                  + " "
                  + (e.pod == null ? "(no pod)" : "pod " + e.pod)
                  + " "
                  + e.ip
                  + ":"
                  + e.port
                  + (Boolean.TRUE.equals(e.ready) ? " ready" : " not ready")
                  + (e.lastProbe == null
                      ? ""
                      : "   probe " + e.lastProbe.outcome + " (" + nz(e.lastProbe.detail) + ")")
                  + (e.gateway == null
                      ? ""
                      : "   gateway "
                          + e.gateway.errors5xx
                          + " of "
                          + e.gateway.requests
                          + " tries failed"));
        }
        if (b.endpointsOmitted != null && b.endpointsOmitted > 0) {
          line(sb, "    … and " + b.endpointsOmitted + " ready endpoints with nothing to report");
        }
      }
    }
    if (!s.findings.isEmpty()) {
      line(sb, "");
      line(sb, "Findings (the root cause first):");
      int i = 1;
      for (Finding f : s.findings) {
        line(
            sb,
            "  "
                + i++
                + ". "
                + f.severity
                + " "
                + f.code
                + " on "
                + f.resource
                + (f.since == null ? "" : " since " + f.since));
        line(sb, "     " + nz(f.message));
        for (String ev : f.evidence) {
          line(sb, "     - " + ev);
        }
        if (f.remediation != null && f.remediation.description != null) {
          line(
              sb,
              "     fix ("
                  + f.remediation.action
                  + (Boolean.TRUE.equals(f.remediation.automatic) ? ", automatable" : "")
                  + "): "
                  + f.remediation.description);
        }
      }
    }
    if (!s.drift.isEmpty()) {
      line(sb, "");
      line(sb, "Changed since it was last healthy:");
      for (DriftEntry d : s.drift) {
        line(
            sb,
            "  "
                + (d.changedAt == null ? "" : d.changedAt + "  ")
                + d.resource
                + " "
                + d.field
                + ": "
                + d.from
                + " → "
                + d.to);
      }
    }
    if (s.remediations != null && !s.remediations.isEmpty()) {
      line(sb, "");
      line(sb, "Remediation (newest last):");
      List<RemediationRecord> r = s.remediations;
      for (RemediationRecord x : r.subList(Math.max(0, r.size() - 5), r.size())) {
        line(
            sb,
            "  "
                + x.time
                + "  "
                + x.result
                + " "
                + x.action
                + " on "
                + x.target
                + (x.reason == null ? "" : ": " + x.reason));
      }
    }
    if (s.timeline != null && !s.timeline.isEmpty()) {
      line(sb, "");
      line(sb, "Timeline (newest last):");
      List<TimelineEntry> t = s.timeline;
      for (TimelineEntry x : t.subList(Math.max(0, t.size() - 10), t.size())) {
        line(sb, "  " + x.at + "  " + x.kind + "  " + nz(x.object) + "  " + nz(x.detail));
      }
    }
    if (!s.conditions.isEmpty()) {
      line(sb, "");
      line(sb, "Conditions:");
      for (Condition c : s.conditions) {
        line(
            sb,
            "  "
                + c.getType()
                + "="
                + c.getStatus()
                + " "
                + c.getReason()
                + (c.getMessage() == null ? "" : ": " + c.getMessage()));
      }
    }
    return Printable.safe(sb.toString());
  }

  private static String nz(String s) {
    return s == null ? "-" : s;
  }

  private static void line(StringBuilder sb, String s) {
    sb.append(s).append('\n');
  }
}
