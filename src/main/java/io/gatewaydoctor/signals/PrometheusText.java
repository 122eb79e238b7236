package io.gatewaydoctor.signals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Prometheus text exposition format (what a controller pod's /metrics serves), keeping
 * the samples of one metric family. Comments, other families and lines it cannot read are skipped
 * and counted, never fatal.
 */
public final class PrometheusText {
  /** One sample: its labels and value. */
  public record Sample(Map<String, String> labels, double value) {}

  private PrometheusText() {}

  /** The samples of {@code metric} (the exact name, e.g. nginx_ingress_controller_requests). */
  public static List<Sample> samples(String text, String metric, long[] skipped) {
    List<Sample> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int nl = text.indexOf('\n', i);
      int end = nl < 0 ? text.length() : nl;
      if (text.startsWith(metric, i) && end - i > metric.length()) {
        Sample s = sample(text, i + metric.length(), end);
        if (s != null) {
          out.add(s);
        } else if (skipped != null) {
          skipped[0]++;
        }
      }
      i = end + 1;
    }
    return out;
  }

  private static Sample sample(String t, int i, int end) {
    Map<String, String> labels = new LinkedHashMap<>();
    char c = t.charAt(i);
    if (c == '{') {
      i++;
      while (true) {
        while (i < end && (t.charAt(i) == ' ' || t.charAt(i) == ',')) {
          i++;
        }
        if (i >= end) {
          return null;
        }
        if (t.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = t.indexOf('=', i);
        if (eq < 0 || eq >= end || eq + 1 >= end || t.charAt(eq + 1) != '"') {
          return null;
        }
        String key = t.substring(i, eq).trim();
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        for (; j < end; j++) {
          char ch = t.charAt(j);
          if (ch == '\\' && j + 1 < end) {
            char n = t.charAt(++j);
            v.append(n == 'n' ? '\n' : n);
          } else if (ch == '"') {
            break;
          } else {
            v.append(ch);
          }
        }
        if (j >= end) {
          return null;
        }
        labels.put(key, v.toString());
        i = j + 1;
      }
    } else if (c != ' ' && c != '\t') {
      return null; // another family with this name as its prefix (…_requests_total)
    }
    String[] rest = t.substring(i, end).trim().split("\\s+");
    if (rest.length < 1 || rest[0].isEmpty()) {
      return null;
    }
    try {
      double value =
          switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
          };
      return Double.isFinite(value) ? new Sample(labels, value) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
