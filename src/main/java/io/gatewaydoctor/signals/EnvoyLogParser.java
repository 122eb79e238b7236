package io.gatewaydoctor.signals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses Envoy's access-log lines, as the Envoy-based gateways write them by default:
 *
 * <ul>
 *   <li>Envoy Gateway's JSON on stdout (v1.4 and later typed JSON with numbers and nulls; v1.0–1.3
 *       a JSON-shaped text template where every value is a string and {@code "-"} means none), and
 *       Istio's JSON encoding: the keys {@code start_time}, {@code response_code}, {@code
 *       response_flags}, {@code response_code_details}, {@code upstream_transport_failure_reason},
 *       {@code upstream_host}, {@code upstream_cluster}, {@code route_name}, {@code :authority} or
 *       {@code authority}, {@code bytes_sent};
 *   <li>Istio's default text format: {@code [%START_TIME%] "%REQ(:METHOD)% PATH %PROTOCOL%"
 *       %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
 *       "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% …
 *       "AUTHORITY" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% … %ROUTE_NAME%};
 *   <li>Envoy's built-in default text format, which ends with {@code "%UPSTREAM_HOST%"} and has no
 *       response code details.
 * </ul>
 *
 * One line becomes an {@link AccessLine} (the status the client got; the upstream cluster; the
 * upstream host as the address tried, answered or not) and, when the response flags and details say
 * why an upstream failed, an {@link ErrorLine} with the reason. A line it does not understand
 * yields null; nothing here throws on input.
 */
public final class EnvoyLogParser {
  private static final JsonFactory JSON = new JsonFactory();
  static final int MAX_LINE = 64 * 1024;

  private EnvoyLogParser() {}

  /** What one Envoy access line says: the request, and why its upstream failed (or null). */
  public record Parsed(AccessLine access, ErrorLine error) {
    /** The same line at another instant (nothing else in it depends on the time). */
    public Parsed at(Instant t) {
      return new Parsed(
          access.at(t),
          error == null
              ? null
              : new ErrorLine(
                  t, error.reason(), error.upstreamAddr(), error.server(), error.message()));
    }
  }

  /** Whether the line looks like an Envoy access line at all (cheap: before any parsing). */
  public static boolean looksLike(String line) {
    if (line == null || line.length() < 20) {
      return false;
    }
    char c = line.charAt(0);
    return (c == '{' && line.contains("\"response_code\""))
        || (c == '[' && line.length() > 22 && line.charAt(5) == '-' && line.contains("] \""));
  }

  /** A line in any of the shapes above, or null. */
  public static Parsed parse(String line) {
    if (line == null || line.length() > MAX_LINE || !looksLike(line)) {
      return null;
    }
    try {
      Fields f = line.charAt(0) == '{' ? json(line) : text(line);
      return f == null ? null : f.toParsed(line);
    } catch (java.io.IOException | RuntimeException e) {
      return null; // not one of the shapes: counted as skipped by the caller
    }
  }

  /** The fields a verdict reads, as Envoy wrote them ("-" or null when none). */
  static final class Fields {
    String start;
    String code;
    String flags;
    String details;
    String transportFailure;
    String host;
    String cluster;
    String route;
    String authority;
    String bytesSent;

    Parsed toParsed(String raw) {
      return toParsed(time(start));
    }

    /** What the line says, its start time already read (null: none). */
    Parsed toParsed(Instant time) {
      Integer status = number(code);
      if (time == null || status == null || status < 0 || status > 599) {
        return null;
      }
      List<String> flagList = flags(flags);
      String detail = none(details) ? "" : details;
      String tfr = none(transportFailure) ? "" : transportFailure;
      String addr = address(host);
      boolean failed = flagList.stream().anyMatch(FAILURE_FLAGS::contains);
      // gRPC failures are written with HTTP status 200 and the flags set: the client got
      // UNAVAILABLE, the gRPC form of a 503 (a reset after a 200 began is that 200, cut short)
      // (without details, as in Envoy's default format, a 200 stays a 200)
      int st =
          status == 200 && failed && !detail.isEmpty() && !detail.contains("after_response_started")
              ? 503
              : status;
      boolean fromApp =
          detail.equals("via_upstream") || (detail.isEmpty() && !failed && addr != null);
      String upstream =
          !none(cluster) ? cluster : !none(route) ? ruleOf(route) : GatewayEvidence.NO_ADDRESS;
      List<String> addrs = addr == null ? List.of() : List.of(addr);
      List<String> statuses = addr == null ? List.of() : List.of(fromApp ? "" + st : "-");
      List<String> lengths =
          addr == null ? List.of() : List.of(fromApp ? answered(bytesSent) : "-");
      AccessLine access = new AccessLine(time, st, upstream, addrs, statuses, lengths);
      ErrorLine.Reason reason = fromApp ? null : reason(flagList, detail, tfr);
      ErrorLine error =
          reason == null
              ? null
              : new ErrorLine(
                  time,
                  reason,
                  addr,
                  none(authority) ? null : authority,
                  sample(st, flagList, detail, tfr, addr, upstream));
      return new Parsed(access, error);
    }
  }

  /** The response flags that mean the upstream or the route failed the request. */
  static final java.util.Set<String> FAILURE_FLAGS =
      java.util.Set.of("UF", "UH", "UO", "NR", "URX", "NC", "UC", "UR", "UT", "LR", "UPE", "UMSDR");

  /**
   * Why the upstream failed, from the response flags and details (Envoy's docs: "Access logging,
   * Format rules, %RESPONSE_FLAGS%" and "Response code details"), or null when they say nothing an
   * endpoint did (no route, a direct response, the client went away).
   */
  static ErrorLine.Reason reason(List<String> flags, String detail, String tfr) {
    String d = detail.toLowerCase(Locale.ROOT);
    String t = tfr.toLowerCase(Locale.ROOT);
    if (t.contains("wrong_version_number") || d.contains("wrong_version_number")) {
      return ErrorLine.Reason.tlsToPlain; // TLS spoken to a plain-HTTP port
    }
    if (t.contains("tls_error")
        || t.contains("tls error")
        || d.contains("tls_error")
        || t.contains("certificate_verify")) {
      return ErrorLine.Reason.tls;
    }
    if (flags.contains("UT") || d.contains("upstream_response_timeout")) {
      return ErrorLine.Reason.timeout;
    }
    if (flags.contains("UPE") || d.contains("protocol_error")) {
      return ErrorLine.Reason.invalidResponse;
    }
    if (flags.contains("UF")
        || d.contains("connection_failure")
        || d.contains("connection_timeout")) {
      if (d.contains("timeout") || d.contains("_110") || d.contains("timed_out")) {
        return ErrorLine.Reason.connectTimeout;
      }
      // "delayed_connect_error:_111" (older releases) or "_Connection_refused" (current); without
      // details (Envoy's default format) a connect failure is most often a refusal
      return ErrorLine.Reason.refused;
    }
    if (flags.contains("UC") || d.contains("connection_termination")) {
      // the backend closed the connection: on a reused one, the keep-alive race
      return ErrorLine.Reason.prematureClose;
    }
    if (flags.contains("UR") || d.contains("remote_reset")) {
      return ErrorLine.Reason.reset;
    }
    if (flags.contains("UH") || d.contains("no_healthy_upstream")) {
      return ErrorLine.Reason.noLiveUpstreams;
    }
    return null;
  }

  /** "envoy 503 UF upstream_reset_before_response_started{…} at 10.0.0.5:8080 (cluster)". */
  private static String sample(
      int status, List<String> flags, String detail, String tfr, String addr, String upstream) {
    StringBuilder sb = new StringBuilder("envoy ").append(status);
    sb.append(' ').append(flags.isEmpty() ? "-" : String.join(",", flags));
    if (!detail.isEmpty()) {
      sb.append(' ').append(cap(detail, 160));
    }
    if (!tfr.isEmpty()) {
      sb.append(" transport failure ").append(cap(tfr, 200));
    }
    if (addr != null) {
      sb.append(" upstream ").append(addr);
    }
    if (!GatewayEvidence.NO_ADDRESS.equals(upstream)) {
      sb.append(" cluster ").append(cap(upstream, 120));
    }
    return sb.toString();
  }

  private static String cap(String s, int n) {
    return s.length() > n ? s.substring(0, n) + "…" : s;
  }

  /** Envoy Gateway's route name "httproute/ns/name/rule/0/match/0/host" → its rule's cluster. */
  static String ruleOf(String route) {
    String[] p = route.split("/", -1);
    if (p.length >= 5 && p[3].equals("rule")) {
      return String.join("/", p[0], p[1], p[2], p[3], p[4]);
    }
    return route;
  }

  private static String answered(String bytes) {
    Integer n = number(bytes);
    return n == null || n <= 0 ? "1" : String.valueOf(n); // an answer, even an empty one
  }

  /** "10.0.0.5:8080" or "[fd00::5]:8080", or null for none or a pipe. */
  static String address(String host) {
    if (none(host) || host.length() > GatewayEvidence.MAX_KEY_CHARS) {
      return null;
    }
    if (host.startsWith("tcp://")) {
      host = host.substring(6); // Envoy's older spelling of a socket address
    }
    int colon = host.lastIndexOf(':');
    if (colon <= 0 || colon == host.length() - 1) {
      return null;
    }
    for (int i = colon + 1; i < host.length(); i++) {
      if (!Character.isDigit(host.charAt(i))) {
        return null;
      }
    }
    return host;
  }

  static List<String> flags(String f) {
    if (none(f)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String s : f.split(",", 16)) {
      String t = s.trim();
      if (!t.isEmpty() && t.length() <= 8) {
        out.add(t);
      }
    }
    return out;
  }

  static boolean none(String s) {
    return s == null || s.isEmpty() || s.equals("-") || s.equals("null");
  }

  static Integer number(String s) {
    if (none(s) || s.length() > 9) {
      return null;
    }
    try {
      return Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Instant time(String s) {
    if (none(s) || s.length() > 40) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** The JSON shapes: values read as text whether numbers, strings or null. */
  static Fields json(String line) throws java.io.IOException {
    Map<String, String> v = new HashMap<>();
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          p.skipChildren();
        } else if (value != JsonToken.VALUE_NULL && WANTED.contains(key)) {
          v.put(key, p.getText());
        }
      }
      if (t != JsonToken.END_OBJECT) {
        return null;
      }
    }
    Fields f = new Fields();
    f.start = v.get("start_time");
    f.code = v.get("response_code");
    f.flags = v.get("response_flags");
    f.details = v.get("response_code_details");
    f.transportFailure = v.get("upstream_transport_failure_reason");
    f.host = v.get("upstream_host");
    f.cluster = v.get("upstream_cluster");
    f.route = v.get("route_name");
    f.authority = v.getOrDefault(":authority", v.get("authority"));
    f.bytesSent = v.get("bytes_sent");
    return f.start == null || f.code == null ? null : f;
  }

  /** The keys read from a JSON line, in this order ({@link EnvoyJsonBytes} reads them by index). */
  static final List<String> KEYS =
      List.of(
          "start_time",
          "response_code",
          "response_flags",
          "response_code_details",
          "upstream_transport_failure_reason",
          "upstream_host",
          "upstream_cluster",
          "route_name",
          ":authority",
          "authority",
          "bytes_sent");

  private static final java.util.Set<String> WANTED = java.util.Set.copyOf(KEYS);

  /**
   * The text shapes: {@code [START] "REQUEST" CODE FLAGS} then Istio's details, or Envoy's default
   * byte counts, then quoted fields up to {@code "UPSTREAM_HOST"}.
   */
  static Fields text(String line) {
    int rb = line.indexOf("] \"");
    if (rb < 2 || rb > 40) {
      return null;
    }
    Fields f = new Fields();
    f.start = line.substring(1, rb);
    int q = line.indexOf('"', rb + 3); // the end of "METHOD PATH PROTOCOL"
    if (q < 0) {
      return null;
    }
    // Envoy does not escape '"' in header values: a client's User-Agent with quotes would shift
    // the fields after it. Every such quote adds tokens, so a line counts only with exactly the
    // number of fields its format has; the flags must look like flags
    List<String> t = tokens(line, q + 1, 64);
    if (t.size() != ISTIO_TOKENS && t.size() != 11 && t.size() != 12) {
      return null;
    }
    f.code = t.get(0);
    f.flags = t.get(1);
    if (!f.flags.matches("-|[A-Z]{2,5}(,[A-Z]{2,5}){0,7}")) {
      return null;
    }
    boolean istio = t.size() == ISTIO_TOKENS;
    boolean withDetails = t.size() == 12;
    // each shape's Envoy-written fields must look like themselves: the counts are numbers, Istio's
    // details are no number (Envoy's default has BYTES_RECEIVED there), the addresses addresses;
    // so a default-format line a client padded to 20 fields is not read as Istio's
    int counts = istio ? 5 : withDetails ? 3 : 2;
    for (int k = counts; k < counts + 3; k++) {
      if (!t.get(k).equals("-") && number(t.get(k)) == null) {
        return null;
      }
    }
    if ((istio || withDetails) && (number(t.get(2)) != null || t.get(2).equals("-"))) {
      return null;
    }
    if (istio) {
      for (int k = 15; k <= 17; k++) {
        if (!t.get(k).equals("-") && address(t.get(k)) == null) {
          return null;
        }
      }
    }
    if (istio) {
      // Istio: DETAILS CONNECTION_TERMINATION_DETAILS "TRANSPORT_FAILURE_REASON" BYTES_RECEIVED
      // BYTES_SENT DURATION UPSTREAM_SERVICE_TIME "XFF" "UA" "REQUEST_ID" "AUTHORITY"
      // "UPSTREAM_HOST" UPSTREAM_CLUSTER UPSTREAM_LOCAL DOWNSTREAM_LOCAL DOWNSTREAM_REMOTE SNI
      // ROUTE_NAME
      f.details = t.get(2);
      f.transportFailure = t.get(4);
      f.bytesSent = t.get(6);
      f.authority = t.get(12);
      f.host = t.get(13);
      f.cluster = t.get(14);
      f.route = t.size() > 19 ? t.get(19) : null;
      return f;
    }
    // Envoy's default: BYTES_RECEIVED BYTES_SENT DURATION UPSTREAM_SERVICE_TIME "XFF" "UA"
    // "REQUEST_ID" "AUTHORITY" "UPSTREAM_HOST" (a common variant adds DETAILS after the flags)
    f.details = withDetails ? t.get(2) : null;
    f.bytesSent = t.get(withDetails ? 4 : 3);
    f.authority = t.get(t.size() - 2);
    f.host = t.get(t.size() - 1);
    return f;
  }

  /** Istio's format has 20 fields after the request, Envoy's default 11 (12 with details). */
  private static final int ISTIO_TOKENS = 20;

  /** Space-separated tokens from {@code from}; a quoted one ("…") is one token, quotes off. */
  static List<String> tokens(String s, int from, int max) {
    List<String> out = new ArrayList<>();
    int i = from;
    int n = s.length();
    while (i < n && out.size() < max) {
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      if (i >= n) {
        break;
      }
      if (s.charAt(i) == '"') {
        int e = s.indexOf('"', i + 1);
        if (e < 0) {
          return List.of(); // an unclosed quote: no line of a known shape
        }
        out.add(s.substring(i + 1, e));
        i = e + 1;
      } else {
        int e = s.indexOf(' ', i);
        e = e < 0 ? n : e;
        out.add(s.substring(i, e));
        i = e;
      }
    }
    return out;
  }
}
