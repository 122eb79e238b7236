package io.gatewaydoctor.signals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A custom access-log format, given as the nginx {@code log_format} string (ingress-nginx's {@code
 * log-format-upstream}, JSON templates included): compiled once into literals and variables, then
 * each line is cut at the literals. The upstream lists ({@code $upstream_addr} and its siblings:
 * "a, b : c") are read whole. It needs {@code $status}, a time ({@code $time_local}, {@code
 * $time_iso8601} or {@code $msec}) and {@code $upstream_addr}; {@code $proxy_upstream_name} ties
 * the line to a Service, {@code $upstream_status} and {@code $upstream_response_length} tell
 * gateway failures from the app's answers.
 */
public final class LogFormat {
  private static final Set<String> LISTS =
      Set.of(
          "upstream_addr",
          "upstream_status",
          "upstream_response_length",
          "upstream_response_time",
          "upstream_connect_time",
          "upstream_header_time",
          "upstream_bytes_received");
  private static final Set<String> TIMES = Set.of("time_local", "time_iso8601", "msec");

  /** Literal text before each variable; {@code tail} after the last. */
  private final List<String> literals = new ArrayList<>();

  private final List<String> variables = new ArrayList<>();
  private final String tail;
  private final String format;

  private LogFormat(String format) {
    this.format = format;
    StringBuilder lit = new StringBuilder();
    int i = 0;
    while (i < format.length()) {
      char c = format.charAt(i);
      if (c == '$'
          && i + 1 < format.length()
          && (format.charAt(i + 1) == '{' || isVarChar(format.charAt(i + 1)))) {
        boolean braced = format.charAt(i + 1) == '{';
        int j = braced ? i + 2 : i + 1;
        int start = j;
        while (j < format.length() && isVarChar(format.charAt(j))) {
          j++;
        }
        String name = format.substring(start, j);
        if (braced) {
          if (j >= format.length() || format.charAt(j) != '}') {
            throw new IllegalArgumentException("log format: unclosed ${ at " + i);
          }
          j++;
        }
        if (!variables.isEmpty() && lit.length() == 0) {
          throw new IllegalArgumentException(
              "log format: $"
                  + variables.get(variables.size() - 1)
                  + " and $"
                  + name
                  + " are not separated by any text, so a line cannot be cut between them");
        }
        literals.add(lit.toString());
        lit.setLength(0);
        variables.add(name);
        i = j;
      } else {
        lit.append(c);
        i++;
      }
    }
    tail = lit.toString();
    if (!variables.contains("status")
        || variables.stream().noneMatch(TIMES::contains)
        || !variables.contains("upstream_addr")) {
      throw new IllegalArgumentException(
          "log format must contain $status, $upstream_addr and one of $time_local, $time_iso8601,"
              + " $msec: "
              + format);
    }
  }

  private static boolean isVarChar(char c) {
    return c == '_' || Character.isLetterOrDigit(c);
  }

  /**
   * Compiles a log_format string (surrounding quotes and nginx's line-joining quotes are taken
   * off).
   */
  public static LogFormat of(String format) {
    String f = format.strip();
    if (f.length() >= 2
        && (f.charAt(0) == '\'' || f.charAt(0) == '"')
        && f.charAt(f.length() - 1) == f.charAt(0)) {
      f =
          f.substring(1, f.length() - 1)
              .replace(f.charAt(0) + "\n" + f.charAt(0), "")
              .replace("' '", "");
    }
    return new LogFormat(f);
  }

  /** The variables' values of one line, or null when the line does not have this format's shape. */
  Map<String, String> values(String line) {
    if (line == null
        || line.length() > LineSplitter.MAX_LINE
        || !line.startsWith(literals.get(0))) {
      return null;
    }
    Map<String, String> out = new java.util.HashMap<>();
    int pos = literals.get(0).length();
    for (int v = 0; v < variables.size(); v++) {
      String next = v + 1 < variables.size() ? literals.get(v + 1) : tail;
      int end;
      if (next.isEmpty()) {
        end = line.length();
      } else {
        end = line.indexOf(next, pos);
        if (LISTS.contains(variables.get(v))) {
          // "a, b : c": a separator after the value continues the list
          while (end > 0
              && (line.charAt(end - 1) == ','
                  || line.startsWith(" : ", end)
                  || line.startsWith(": ", end + 1))) {
            int from = line.startsWith(" : ", end) ? end + 3 : end + 1;
            int more = line.indexOf(next, from);
            if (more < 0) {
              break;
            }
            end = more;
          }
        }
      }
      if (end < 0) {
        return null;
      }
      out.put(variables.get(v), line.substring(pos, end));
      pos = end + next.length();
    }
    return out;
  }

  /**
   * The access line, or null; {@code offset[0]} gets the UTC offset in seconds of its time when the
   * time carries one.
   */
  public AccessLine parse(String line, int[] offset) {
    try {
      Map<String, String> v = values(line);
      if (v == null) {
        return null;
      }
      int status = Integer.parseInt(v.get("status").trim());
      Instant time = time(v, offset);
      if (time == null || ((status < 100 && status != 9) || status > 599)) {
        return null;
      }
      String alt = v.getOrDefault("proxy_alternative_upstream_name", "");
      String upstream =
          alt.isEmpty() || alt.equals("-") ? v.getOrDefault("proxy_upstream_name", "-") : alt;
      return new AccessLine(
          time,
          status,
          upstream,
          NginxLogParser.list(v.get("upstream_addr").trim()),
          NginxLogParser.list(v.getOrDefault("upstream_status", "-").trim()),
          NginxLogParser.list(v.getOrDefault("upstream_response_length", "-").trim()));
    } catch (RuntimeException e) {
      return null; // a line that only looks like this format
    }
  }

  private static Instant time(Map<String, String> v, int[] offset) {
    String local = v.get("time_local");
    if (local != null) {
      Instant t = NginxLogParser.localTime(local, 0, local.length());
      Integer off = NginxLogParser.offsetSeconds("[" + local + "] \"");
      if (off != null && offset != null) {
        offset[0] = off;
      }
      return t;
    }
    String iso = v.get("time_iso8601");
    if (iso != null) {
      OffsetDateTime t = OffsetDateTime.parse(iso);
      if (offset != null) {
        offset[0] = t.getOffset().getTotalSeconds();
      }
      return t.toInstant();
    }
    String msec = v.get("msec");
    int dot = msec.indexOf('.');
    long sec = Long.parseLong(dot < 0 ? msec : msec.substring(0, dot));
    return Instant.ofEpochSecond(sec);
  }

  @Override
  public String toString() {
    return format;
  }
}
