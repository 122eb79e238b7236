package io.gatewaydoctor.report;

import java.util.List;

/**
 * Left-aligned columns separated by three spaces, as kubectl prints tables; the last column is not
 * padded.
 */
public final class Columns {
  private Columns() {}

  public static String render(List<String[]> rows) {
    if (rows.isEmpty()) {
      return "";
    }
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i] == null ? 0 : r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        String v = r[i] == null ? "" : r[i];
        sb.append(i == r.length - 1 ? v : v + " ".repeat(width[i] - v.length() + 3));
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
