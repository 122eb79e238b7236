package io.gatewaydoctor.report;

/**
 * Text for a terminal: control characters (C0 but line feed and tab, DEL, C1) are shown as {@code
 * \xNN}, characters that reorder or hide text (bidirectional overrides, zero-width) as a backslash,
 * u and their four hex digits. A tenant's annotation, a backend's answer or a client's request line
 * quoted in a log sample cannot move the cursor, recolour or retitle the terminal of whoever runs
 * analyze.
 */
public final class Printable {
  private Printable() {}

  /**
   * Characters that reorder or hide text (the bidirectional overrides and isolates, zero-width
   * characters, line and paragraph separators, the byte-order mark): "Trojan Source" in a terminal.
   */
  static boolean invisible(char c) {
    return (c >= 0x200b && c <= 0x200f)
        || (c >= 0x2028 && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0xfeff;
  }

  /**
   * A writer whose every character goes through {@link #safe}: the CLI's stderr, where error
   * messages may quote the input.
   */
  public static java.io.PrintWriter writer(java.io.Writer out) {
    return new java.io.PrintWriter(
        new java.io.FilterWriter(out) {
          @Override
          public void write(int c) throws java.io.IOException {
            write(String.valueOf((char) c), 0, 1);
          }

          @Override
          public void write(char[] buf, int off, int len) throws java.io.IOException {
            write(new String(buf, off, len), 0, len);
          }

          @Override
          public void write(String str, int off, int len) throws java.io.IOException {
            String s = safe(str.substring(off, off + len));
            out.write(s, 0, s.length());
          }
        },
        true);
  }

  public static String safe(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control =
          (c < 0x20 && c != '\n' && c != '\t')
              || c == 0x7f
              || (c >= 0x80 && c <= 0x9f)
              || invisible(c);
      if (control) {
        if (out == null) {
          out = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        out.append(
            c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
  }
}
