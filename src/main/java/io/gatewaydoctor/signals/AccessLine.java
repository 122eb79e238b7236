package io.gatewaydoctor.signals;

import java.time.Instant;
import java.util.List;

/**
 * One ingress-nginx access line, as its default {@code log-format-upstream} writes it: the status
 * the client got, the upstream (the {@code <namespace>-<service>-<port>} name), and the addresses
 * tried with the status each gave ("-" when it gave none: a connect failure, a timeout). After
 * retries nginx lists several, comma-separated, in order.
 */
public record AccessLine(
    Instant time,
    int status,
    String upstream,
    List<String> upstreamAddrs,
    List<String> upstreamStatuses,
    List<String> upstreamLengths) {

  /** The same line counted at another instant (the kubelet's timestamp of it). */
  public AccessLine at(Instant t) {
    return new AccessLine(t, status, upstream, upstreamAddrs, upstreamStatuses, upstreamLengths);
  }

  /** The status of the last upstream tried, or null when it answered nothing. */
  public Integer lastUpstreamStatus() {
    if (upstreamStatuses.isEmpty()) {
      return null;
    }
    int code = code(upstreamStatuses.get(upstreamStatuses.size() - 1));
    return code < 0 ? null : code;
  }

  /** A three-digit status ("502" → 502), or -1 ("-", "5xx" or any other text a line carries). */
  private static int code(String s) {
    if (s.length() != 3) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < 3; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** The client's status came from the application: its last try answered, with that status. */
  public boolean fromApp() {
    return !upstreamStatuses.isEmpty()
        && code(upstreamStatuses.get(upstreamStatuses.size() - 1)) == status
        && !tryFailed(upstreamStatuses.size() - 1);
  }

  /**
   * Whether try {@code i} failed at the gateway. nginx writes 502 (or 504) into $upstream_status
   * for a try that could not connect or timed out, with no bytes received, and "-" when nothing was
   * set; a retry moving on means the earlier try failed. A 304, 204 or HEAD answer without a body
   * is an answer, and a client that went away (499) is no failure of the backend.
   */
  public boolean tryFailed(int i) {
    if (i < 0 || i >= upstreamStatuses.size() || status == 499) {
      return false;
    }
    String s = upstreamStatuses.get(i);
    String len = i < upstreamLengths.size() ? upstreamLengths.get(i) : "-";
    boolean empty = len.equals("-") || len.equals("0");
    boolean last = i == upstreamStatuses.size() - 1;
    if (s.equals("-")) {
      return !last || status >= 500;
    }
    return (s.equals("502") || s.equals("504")) && empty;
  }

  public String lastUpstreamAddr() {
    return upstreamAddrs.isEmpty() ? null : upstreamAddrs.get(upstreamAddrs.size() - 1);
  }
}
