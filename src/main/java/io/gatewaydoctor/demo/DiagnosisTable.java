package io.gatewaydoctor.demo;

import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.model.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Renders diagnoses the way {@code kubectl get gd -A} prints them (the CRD's printer columns; SINCE
 * is the age of {@code status.since}), plus each summary.
 */
public final class DiagnosisTable {
  private DiagnosisTable() {}

  public static String render(List<GatewayDiagnosis> items, Instant now, boolean withSummaries) {
    List<GatewayDiagnosis> sorted = new ArrayList<>(items);
    sorted.sort(
        Comparator.comparing((GatewayDiagnosis g) -> g.getMetadata().getNamespace())
            .thenComparing(g -> g.getMetadata().getName()));
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "NAMESPACE", "NAME", "TARGET", "HEALTH", "ROOT-CAUSE", "CULPRIT", "502/MIN", "SINCE"
        });
    for (GatewayDiagnosis g : sorted) {
      GatewayDiagnosisStatus s = g.getStatus();
      rows.add(
          new String[] {
            g.getMetadata().getNamespace(),
            g.getMetadata().getName(),
            s == null || s.target == null ? "" : s.target,
            s == null || s.health == null ? "" : s.health,
            s == null || s.rootCause == null ? "" : s.rootCause,
            s == null || s.culprit == null ? "<none>" : s.culprit,
            s == null || s.errorRate == null ? "<none>" : String.format("%.1f", s.errorRate),
            s == null || s.since == null ? "<none>" : age(Times.parse(s.since), now)
          });
    }
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        sb.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 3) + "s", r[i]));
      }
      sb.append('\n');
    }
    if (withSummaries) {
      sb.append('\n');
      for (GatewayDiagnosis g : sorted) {
        if (g.getStatus() != null && g.getStatus().summary != null) {
          sb.append(g.getMetadata().getName())
              .append(": ")
              .append(g.getStatus().summary)
              .append('\n');
          // what the gateway's own log says, where it says something: the pod and nginx's reason
          gatewayEvidence(g.getStatus())
              .ifPresent(
                  e -> sb.append(g.getMetadata().getName()).append(": ").append(e).append('\n'));
        }
        // a remediation at work: its plan (dry-run), its action, or why it is held back
        (g.getStatus() == null || g.getStatus().conditions == null
                ? java.util.List.<io.fabric8.kubernetes.api.model.Condition>of()
                : g.getStatus().conditions)
            .stream()
                .filter(
                    c ->
                        "RemediationApplied".equals(c.getType())
                            && !java.util.List.of("RemediationOff", "Armed")
                                .contains(c.getReason()))
                .findFirst()
                .ifPresent(
                    c ->
                        sb.append(g.getMetadata().getName())
                            .append(": remediation ")
                            .append(c.getReason())
                            .append(": ")
                            .append(c.getMessage())
                            .append('\n'));
      }
    }
    return sb.toString();
  }

  /** The first line of the gateway's log evidence among the findings, if any. */
  static java.util.Optional<String> gatewayEvidence(GatewayDiagnosisStatus s) {
    if (s.findings == null) {
      return java.util.Optional.empty();
    }
    return s.findings.stream()
        .filter(f -> f.evidence != null)
        .flatMap(f -> f.evidence.stream())
        .filter(e -> e.startsWith("gateway error log") || e.startsWith("gateway access log"))
        .findFirst();
  }

  static String age(Instant created, Instant now) {
    if (created == null) {
      return "<unknown>";
    }
    Duration d = Duration.between(created, now);
    if (d.isNegative() || d.getSeconds() < 120) {
      return Math.max(0, d.getSeconds()) + "s";
    }
    if (d.toMinutes() < 120) {
      return d.toMinutes() + "m";
    }
    return d.toHours() < 48 ? d.toHours() + "h" : d.toDays() + "d";
  }
}
