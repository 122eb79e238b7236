package io.gatewaydoctor.signals;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses ingress-nginx's logs line by line, by hand (no regex on the hot path): the default access
 * format {@code $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
 * "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name]
 * [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length
 * $upstream_response_time $upstream_status $req_id} and the error-log lines about upstreams. A line
 * it does not understand yields null and is counted by the caller; nothing here throws on input.
 */
public final class NginxLogParser {
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private NginxLogParser() {}

  /** An access line, or null. */
  public static AccessLine access(String line) {
    if (line == null || line.length() < 40 || line.length() > 64 * 1024) {
      return null;
    }
    // [$time_local] is 26 characters and right before "$request": found from there, so a '[' in
    // $remote_user (a client can send any user name) cannot pass for the time
    int rb = line.indexOf("] \"");
    int lb = rb - 27;
    if (lb < 0 || line.charAt(lb) != '[') {
      return null;
    }
    Instant time = localTime(line, lb + 1, rb);
    int q1 = line.indexOf('"', rb);
    int q2 = q1 < 0 ? -1 : line.indexOf('"', q1 + 1); // nginx escapes quotes inside as \x22
    if (q2 < 0 || time == null) {
      return null;
    }
    int i = q2 + 1;
    int[] statusSpan = token(line, i);
    if (statusSpan == null) {
      return null;
    }
    int status = number(line, statusSpan[0], statusSpan[1]);
    if ((status < 100 && status != 9)
        || status > 599) { // 009: nginx passed on an answer that was not HTTP/1.x
      return null;
    }
    // after the user agent (its closing quote: a '[' inside it is no field): request_length
    // request_time
    // [upstream] [alternative], then the upstream lists
    int uaEnd = nthQuote(line, statusSpan[1], 4);
    if (uaEnd < 0) {
      return null;
    }
    int up1 = line.indexOf(" [", uaEnd);
    up1 = up1 < 0 ? -1 : up1 + 1;
    int up2 = up1 < 0 ? -1 : line.indexOf(']', up1);
    int alt1 = up2 < 0 ? -1 : line.indexOf('[', up2);
    int alt2 = alt1 < 0 ? -1 : line.indexOf(']', alt1);
    if (alt2 < 0) {
      return null;
    }
    // a canary's requests carry its name as the alternative upstream (ingress-nginx's balancer sets
    // it only then)
    String alternative = line.substring(alt1 + 1, alt2);
    String upstream = alternative.isEmpty() ? line.substring(up1 + 1, up2) : alternative;
    List<String> rest = fields(line, alt2 + 1, 4);
    if (rest.size() < 4) {
      return null;
    }
    return new AccessLine(
        time, status, upstream, list(rest.get(0)), list(rest.get(3)), list(rest.get(1)));
  }

  /** An error-log line about an upstream, or null. */
  public static ErrorLine error(String line) {
    if (line == null
        || line.length() < 30
        || line.length() > 64 * 1024
        || line.charAt(4) != '/'
        || line.charAt(7) != '/') {
      return null;
    }
    int client = line.indexOf(", client: ");
    ErrorLine.Reason reason =
        reason(
            client < 0 ? line : line.substring(0, client)); // not the client's referrer or request
    if (reason == null) {
      return null;
    }
    Instant time = errorTime(line);
    if (time == null) {
      return null;
    }
    String upstream = quoted(line, "upstream: \"");
    String addr = null;
    if (upstream != null) {
      int scheme = upstream.indexOf("://");
      String hostPort = scheme < 0 ? upstream : upstream.substring(scheme + 3);
      int slash = hostPort.indexOf('/');
      addr = slash < 0 ? hostPort : hostPort.substring(0, slash);
    }
    int msgStart = line.indexOf("] ", 20);
    String msg = msgStart < 0 ? line : line.substring(msgStart + 2);
    int pid = msg.indexOf(": ");
    if (pid > 0 && pid < 24 && msg.substring(0, pid).contains("#")) {
      msg = msg.substring(pid + 2); // "32#32: " is nginx's pid#tid
    }
    int comma = msg.indexOf(", client: ");
    return new ErrorLine(
        time,
        reason,
        addr,
        line.contains("server: ") ? quotedBare(line, "server: ") : null,
        comma < 0 ? msg : msg.substring(0, comma));
  }

  static ErrorLine.Reason reason(String line) {
    // what follows "upstream sent invalid header:" is the backend's own bytes: no reason is read
    // from them
    int invalid = line.indexOf("upstream sent invalid header");
    String l =
        invalid < 0 ? line : line.substring(0, invalid + "upstream sent invalid header".length());
    // first: "peer closed connection in SSL handshake (104: Connection reset by peer)" is a TLS
    // failure, not a reset
    if (l.contains("while SSL handshaking to upstream")
        || l.contains("SSL_do_handshake() failed")
        || l.contains("upstream SSL certificate")
        || (l.contains("SSL_read() failed") && l.contains(" alert "))) {
      // "wrong version number": nginx spoke TLS and the backend answered in plain HTTP
      return l.contains("wrong version number")
              || l.contains("http request")
              || l.contains("packet length too long")
          ? ErrorLine.Reason.tlsToPlain
          : ErrorLine.Reason.tls;
    }
    if (l.contains("(111: Connection refused)") || l.contains("(111: Unknown error)")) {
      return ErrorLine.Reason.refused;
    }
    if (l.contains("(104: Connection reset by peer)")) {
      return ErrorLine.Reason.reset;
    }
    if (l.contains("upstream prematurely closed connection")) {
      return ErrorLine.Reason.prematureClose;
    }
    if (l.contains("upstream sent too big header")) {
      return ErrorLine.Reason.headersTooLarge;
    }
    if (l.contains("upstream sent no valid HTTP/1.0 header")
        || l.contains("upstream sent invalid header")) {
      return ErrorLine.Reason.invalidResponse;
    }
    if (l.contains("upstream timed out (110")) {
      // no connection at all is dropped packets (a NetworkPolicy, a firewall, a dead node), not a
      // slow app
      return l.contains("while connecting to upstream")
          ? ErrorLine.Reason.connectTimeout
          : ErrorLine.Reason.timeout;
    }
    if (l.contains("no live upstreams")) {
      return ErrorLine.Reason.noLiveUpstreams;
    }
    return null;
  }

  /** The UTC offset in seconds of an access line's $time_local ("+0100" → 3600), or null. */
  public static Integer offsetSeconds(String line) {
    int rb = line == null ? -1 : line.indexOf("] \"");
    int lb = rb < 27 ? -1 : rb - 27;
    if (lb < 0 || line.length() < lb + 27 || line.charAt(lb + 27) != ']') {
      return null;
    }
    char sign = line.charAt(lb + 22);
    int oh = number(line, lb + 23, lb + 25);
    int om = number(line, lb + 25, lb + 27);
    if ((sign != '+' && sign != '-') || oh < 0 || om < 0) {
      return null;
    }
    return (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }

  /**
   * The last day parsed ("01/Dec/2026" and its offset "+0000") and the epoch second of its midnight
   * in that offset: lines come from a few days at most, in any order within them.
   */
  private static final ThreadLocal<Object[]> LAST_DAY =
      ThreadLocal.withInitial(() -> new Object[] {null, 0L});

  /** "01/Dec/2026:11:58:30 +0000" */
  static Instant localTime(String s, int from, int to) {
    try {
      if (to - from < 26) {
        return null;
      }
      Object[] last = LAST_DAY.get();
      String day = (String) last[0];
      if (day != null
          && s.regionMatches(from, day, 0, 11)
          && s.regionMatches(from + 20, day, 11, 6)
          && s.charAt(from + 11) == ':'
          && s.charAt(from + 14) == ':'
          && s.charAt(from + 17) == ':') {
        int hh = number(s, from + 12, from + 14);
        int mm = number(s, from + 15, from + 17);
        int ss = number(s, from + 18, from + 20);
        if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) {
          return null;
        }
        return Instant.ofEpochSecond((Long) last[1] + hh * 3600 + mm * 60 + ss);
      }
      Instant full = parseLocalTime(s, from);
      if (full != null) {
        last[0] = s.substring(from, from + 11) + s.substring(from + 20, from + 26);
        last[1] =
            full.getEpochSecond()
                - number(s, from + 12, from + 14) * 3600L
                - number(s, from + 15, from + 17) * 60L
                - number(s, from + 18, from + 20);
      }
      return full;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Instant parseLocalTime(String s, int from) {
    try {
      int day = number(s, from, from + 2);
      String mon = s.substring(from + 3, from + 6);
      int month = -1;
      for (int m = 0; m < 12; m++) {
        if (MONTHS[m].equals(mon)) {
          month = m + 1;
        }
      }
      int year = number(s, from + 7, from + 11);
      int hh = number(s, from + 12, from + 14);
      int mm = number(s, from + 15, from + 17);
      int ss = number(s, from + 18, from + 20);
      int sign = s.charAt(from + 21) == '-' ? -1 : 1;
      int oh = number(s, from + 22, from + 24);
      int om = number(s, from + 24, from + 26);
      if (month < 0 || day < 1 || year < 0 || hh < 0 || mm < 0 || ss < 0 || oh < 0 || om < 0) {
        return null;
      }
      // what LocalDateTime.of(...).toInstant(ZoneOffset.ofHoursMinutes(...)) gives, without the
      // offset cache's map lookup on every line (lines out of time order miss the minute cache)
      if (hh > 23 || mm > 59 || ss > 59 || oh > 18 || om > 59 || oh * 60 + om > 18 * 60) {
        return null;
      }
      long day0 = java.time.LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(
          day0 * 86400 + hh * 3600 + mm * 60 + ss - sign * (oh * 3600 + om * 60));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * "2026/12/01 11:58:30", read as UTC: the error log is in the controller's local time without an
   * offset; {@link GatewayEvidence.Builder} shifts it by the offset the access lines carry.
   */
  static Instant errorTime(String s) {
    try {
      int year = number(s, 0, 4);
      int month = number(s, 5, 7);
      int day = number(s, 8, 10);
      int hh = number(s, 11, 13);
      int mm = number(s, 14, 16);
      int ss = number(s, 17, 19);
      if (year < 0 || month < 1 || day < 1 || hh < 0 || mm < 0 || ss < 0) {
        return null;
      }
      return LocalDateTime.of(year, month, day, hh, mm, ss).toInstant(ZoneOffset.UTC);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static int number(String s, int from, int to) {
    if (from < 0 || to > s.length() || from >= to) {
      return -1;
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static int[] token(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    int j = i;
    while (j < s.length() && s.charAt(j) != ' ') {
      j++;
    }
    return j > i ? new int[] {i, j} : null;
  }

  /** The index of the n-th '"' at or after from, or -1. */
  private static int nthQuote(String s, int from, int n) {
    int i = from - 1;
    for (int k = 0; k < n; k++) {
      i = s.indexOf('"', i + 1);
      if (i < 0) {
        return -1;
      }
    }
    return i;
  }

  /**
   * The first {@code max} space-separated fields from {@code from}, where "a, b" and "a : b"
   * (retries, internal redirects) stay one field.
   */
  static List<String> fields(String s, int from, int max) {
    List<String> out = new ArrayList<>(max);
    int n = s.length();
    int i = from;
    while (i < n && out.size() < max) {
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      int start = i;
      while (i < n) {
        char c = s.charAt(i);
        if (c == ' ') {
          char prev = s.charAt(i - 1);
          boolean joins =
              prev == ','
                  || prev == ':'
                  || (i + 2 < n && s.charAt(i + 1) == ':' && s.charAt(i + 2) == ' ');
          if (!joins) {
            break;
          }
        }
        i++;
      }
      if (i > start) {
        out.add(s.substring(start, i));
      }
    }
    return out;
  }

  /** "10.0.0.5:8080, 10.0.0.6:8080 : 10.0.0.7:8080" → each address, "-" kept. */
  static List<String> list(String field) {
    // "a, b : c": after " : " come the tries of an internal redirect (custom-http-errors sends the
    // error to the default backend); they are not the app's, so only the first group counts
    int redirect = field.indexOf(" : ");
    if (redirect >= 0) {
      field = field.substring(0, redirect);
    }
    if (field.indexOf(' ') < 0) {
      return List.of(field);
    }
    List<String> out = new ArrayList<>(3);
    int start = 0;
    int n = field.length();
    for (int i = 0; i <= n; i++) {
      boolean sep =
          i == n
              || (field.charAt(i) == ' '
                  && i > 0
                  && (field.charAt(i - 1) == ','
                      || field.charAt(i - 1) == ':'
                      || (i + 1 < n && field.charAt(i + 1) == ':')));
      if (sep) {
        String p = field.substring(start, i).trim();
        if (p.endsWith(",") || p.endsWith(" :")) {
          p = p.substring(0, p.length() - 1).trim();
        }
        if (!p.isEmpty() && !p.equals(":")) {
          out.add(p);
        }
        start = i + 1;
      }
    }
    return out;
  }

  private static String quoted(String line, String prefix) {
    int i = line.indexOf(prefix);
    if (i < 0) {
      return null;
    }
    int start = i + prefix.length();
    int end = line.indexOf('"', start);
    return end < 0 ? null : line.substring(start, end);
  }

  private static String quotedBare(String line, String prefix) {
    int i = line.indexOf(prefix);
    int start = i + prefix.length();
    int end = line.indexOf(',', start);
    return (end < 0 ? line.substring(start) : line.substring(start, end))
        .trim()
        .toLowerCase(Locale.ROOT);
  }
}
