package io.gatewaydoctor.signals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The wrappers real tools put around a gateway's log line, taken off before the line is parsed:
 *
 * <ul>
 *   <li>{@code kubectl logs --prefix}: {@code [pod/NAME/CONTAINER] line}
 *   <li>{@code kubectl logs --timestamps}: {@code 2026-12-01T11:52:05.123456789Z line} (after the
 *       prefix when both are on)
 *   <li>the CRI log file format (containerd, CRI-O): {@code 2026-12-01T11:52:05.123456789Z stderr F
 *       line}
 *   <li>Docker's json-file driver and shippers that keep it: {@code
 *       {"log":"line\n","stream":"stderr","time":"…"}}
 *   <li>stern: {@code POD CONTAINER line} (colours taken off), tried only when the bare line is not
 *       understood
 * </ul>
 *
 * A wrapper's timestamp is the time the runtime received the line, in UTC: it is returned beside
 * the line, so error lines (which carry no UTC offset) are placed right. Never throws.
 */
public final class LogShapes {
  private LogShapes() {}

  /**
   * The line inside its wrappers, and the wrapper's time (null when it had none); line null: a
   * fragment (CRI "P").
   */
  public record Unwrapped(String line, Instant at) {}

  private static final java.util.regex.Pattern ANSI =
      java.util.regex.Pattern.compile("\u001b\\[[0-9;]*m");

  /** Takes off the prefix, timestamp, CRI and JSON wrappers that are certainly wrappers. */
  public static Unwrapped unwrap(String raw) {
    if (raw == null || raw.isEmpty()) {
      return new Unwrapped(raw, null);
    }
    String line = raw;
    Instant at = null;
    if (line.startsWith("{\"log\":")) {
      Unwrapped j = dockerJson(line);
      if (j != null && j.line() == null) {
        return j;
      }
      if (j != null) {
        line = j.line();
        at = j.at();
      }
    }
    if (line.startsWith("[pod/")) {
      int end = line.indexOf("] ");
      int slash = line.indexOf('/', 5);
      if (end > 5 && end < 600 && slash > 5 && slash < end) {
        line = line.substring(end + 2);
      }
    }
    Unwrapped t = timestamp(line);
    if (t != null) {
      line = t.line();
      at = t.at();
      String inner = cri(line);
      if (inner == null) {
        return new Unwrapped(null, at);
      }
      line = inner;
    }
    return new Unwrapped(line, at);
  }

  /**
   * stern's {@code POD CONTAINER } prefix ({@code names} Kubernetes names: two; three with {@code
   * -A}, the namespace first) taken off a line that was not understood as it is, and a timestamp
   * after it ({@code --timestamps}); null when it has none.
   */
  public static Unwrapped stern(String line, int names) {
    String l = line.indexOf('\u001b') >= 0 ? ANSI.matcher(line).replaceAll("") : line;
    int at = 0;
    for (int i = 0; i < names; i++) {
      int sp = l.indexOf(' ', at);
      if (sp < 0 || !k8sName(l, at, sp)) {
        return null;
      }
      at = sp + 1;
    }
    String rest = l.substring(at);
    Unwrapped t = timestamp(rest);
    return t != null ? t : new Unwrapped(rest, null);
  }

  /**
   * "2026-12-01T11:52:05.123456789Z " (RFC 3339, any fraction, Z or an offset) at the start: the
   * rest and the time.
   */
  static Unwrapped timestamp(String line) {
    if (line.length() < 21
        || line.charAt(4) != '-'
        || line.charAt(7) != '-'
        || line.charAt(10) != 'T'
        || line.charAt(13) != ':') {
      return null;
    }
    int sp = line.indexOf(' ', 19);
    if (sp < 0 || sp > 40) {
      return null;
    }
    try {
      Instant at = OffsetDateTime.parse(line.substring(0, sp)).toInstant();
      return new Unwrapped(line.substring(sp + 1), at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * "stderr F line" after a CRI timestamp: the line; "stdout P …" is a fragment of a longer line:
   * null.
   */
  private static String cri(String line) {
    for (String stream : new String[] {"stdout ", "stderr "}) {
      if (line.startsWith(stream)
          && line.length() > stream.length() + 1
          && line.charAt(stream.length() + 1) == ' ') {
        char tag = line.charAt(stream.length());
        if (tag == 'F') {
          return line.substring(stream.length() + 2);
        }
        if (tag == 'P') {
          return null;
        }
      }
    }
    return line;
  }

  /**
   * {"log":"…","stream":"…","time":"…"}: the log value unescaped (its trailing newline off) and the
   * time, read with Jackson's streaming parser (no tree per line). A value without its newline is a
   * fragment of a line longer than the driver's 16 KiB: null line.
   */
  private static Unwrapped dockerJson(String line) {
    try (var p = JSON.createParser(line)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        return null;
      }
      String log = null;
      String time = null;
      com.fasterxml.jackson.core.JsonToken t;
      while ((t = p.nextToken()) == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        com.fasterxml.jackson.core.JsonToken v = p.nextToken();
        if (v == com.fasterxml.jackson.core.JsonToken.VALUE_STRING && "log".equals(name)) {
          log = p.getText();
        } else if (v == com.fasterxml.jackson.core.JsonToken.VALUE_STRING && "time".equals(name)) {
          time = p.getText();
        } else {
          p.skipChildren();
        }
      }
      if (log == null || t != com.fasterxml.jackson.core.JsonToken.END_OBJECT) {
        return null;
      }
      if (!log.endsWith("\n")) {
        return new Unwrapped(null, null); // a fragment: the driver split a long line
      }
      String l = log;
      while (l.endsWith("\n") || l.endsWith("\r")) {
        l = l.substring(0, l.length() - 1);
      }
      Instant at = null;
      if (time != null) {
        try {
          at = OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
          at = null;
        }
      }
      return new Unwrapped(l, at);
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private static final com.fasterxml.jackson.core.JsonFactory JSON =
      new com.fasterxml.jackson.core.JsonFactory();

  /**
   * A DNS-1123 name (what pod and container names are): lower-case letters, digits, '-' and '.', at
   * most 253.
   */
  private static boolean k8sName(String s, int from, int to) {
    if (to <= from || to - from > 253) {
      return false;
    }
    boolean letter = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (!ok) {
        return false;
      }
      letter |= c >= 'a' && c <= 'z';
    }
    // an IPv4 address ($remote_addr) is digits and dots only: a pod name has a letter
    return letter && s.charAt(from) != '-' && s.charAt(to - 1) != '-';
  }
}
