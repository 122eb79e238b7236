package io.gatewaydoctor.report;

import io.gatewaydoctor.api.BackendStatus;
import io.gatewaydoctor.api.EndpointStatus;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code analyze} tables: NAMESPACE, TARGET, HEALTH, ROOT-CAUSE, 502/MIN, SUMMARY; {@code wide}
 * adds the ready endpoints, the findings by severity and the culprit object. Pure.
 */
public final class AnalyzeTable {
  private AnalyzeTable() {}

  public static String render(List<GatewayDiagnosis> items, boolean wide) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        wide
            ? new String[] {
              "NAMESPACE",
              "TARGET",
              "HEALTH",
              "ROOT-CAUSE",
              "502/MIN",
              "ENDPOINTS",
              "FINDINGS",
              "CULPRIT",
              "SUMMARY"
            }
            : new String[] {"NAMESPACE", "TARGET", "HEALTH", "ROOT-CAUSE", "502/MIN", "SUMMARY"});
    for (GatewayDiagnosis g : items) {
      GatewayDiagnosisStatus s =
          g.getStatus() == null ? new GatewayDiagnosisStatus() : g.getStatus();
      String ns = g.getMetadata().getNamespace();
      String target = s.target != null ? s.target : String.valueOf(g.getSpec().getTargetRef());
      String rate =
          s.errorRate == null
              ? "<none>"
              : String.format(java.util.Locale.ROOT, "%.1f", s.errorRate);
      if (wide) {
        rows.add(
            new String[] {
              ns,
              target,
              nz(s.health),
              nz(s.rootCause),
              rate,
              endpoints(s),
              findings(s),
              culprit(s),
              nz(s.summary)
            });
      } else {
        rows.add(new String[] {ns, target, nz(s.health), nz(s.rootCause), rate, nz(s.summary)});
      }
    }
    return Columns.render(rows);
  }

  static String endpoints(GatewayDiagnosisStatus s) {
    int ready = 0;
    int total = 0;
    for (BackendStatus b : s.backends) {
      for (EndpointStatus e : b.endpoints) {
        total++;
        ready += Boolean.TRUE.equals(e.ready) ? 1 : 0;
      }
    }
    return s.backends.isEmpty() ? "-" : ready + "/" + total;
  }

  static String findings(GatewayDiagnosisStatus s) {
    long c = s.findings.stream().filter(f -> "Critical".equals(f.severity)).count();
    long w = s.findings.stream().filter(f -> "Warning".equals(f.severity)).count();
    long i = s.findings.stream().filter(f -> "Info".equals(f.severity)).count();
    return c + "C/" + w + "W/" + i + "I";
  }

  static String culprit(GatewayDiagnosisStatus s) {
    return s.findings.stream()
        .filter(f -> f.code.equals(s.rootCause))
        .map(f -> String.valueOf(f.resource))
        .findFirst()
        .orElse("-");
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
