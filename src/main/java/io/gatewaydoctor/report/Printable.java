package io.gatewaydoctor.report;

/**
 * Text for a terminal: control characters (C0 but line feed and tab, DEL, C1) are shown as {@code
 * \xNN}. A tenant's annotation, a backend's answer or a client's request line quoted in a log
 * sample cannot move the cursor, recolour or retitle the terminal of whoever runs analyze.
 */
public final class Printable {
  private Printable() {}

  public static String safe(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control =
          (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x80 && c <= 0x9f);
      if (control) {
        if (out == null) {
          out = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        out.append(String.format("\\x%02x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
  }
}
