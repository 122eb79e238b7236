package io.gatewaydoctor.signals;

import java.time.Instant;
import java.util.List;

/**
 * One ingress-nginx access line, as its default {@code log-format-upstream} writes it: the status
 * the client got, the upstream (the {@code <namespace>-<service>-<port>} name), and the addresses
 * tried with the status each gave ("-" when it gave none: a connect failure, a timeout). After
 * retries nginx lists several, comma-separated, in order.
 */
public record AccessLine(Instant time, int status, String upstream, List<String> upstreamAddrs, List<String> upstreamStatuses,
    List<String> upstreamLengths) {

  /** The status of the last upstream tried, or null when it answered nothing. */
  public Integer lastUpstreamStatus() {
    if (upstreamStatuses.isEmpty()) {
      return null;
    }
    String s = upstreamStatuses.get(upstreamStatuses.size() - 1);
    return s.length() == 3 && Character.isDigit(s.charAt(0)) ? Integer.valueOf(s) : null;
  }

  /**
   * The client's status came from the application, not from the gateway. nginx also writes 502
   * (or 504) into $upstream_status for a try that failed to connect or timed out, so equality is not
   * enough: the application must also have sent a body ($upstream_response_length above 0), which a
   * failed try never has. (An application's 502 with an empty body reads as the gateway's.)
   */
  public boolean fromApp() {
    Integer u = lastUpstreamStatus();
    return u != null && u == status && tryAnswered(upstreamStatuses.size() - 1);
  }

  /** Whether try {@code i} got a response from the backend (an HTTP status and some bytes). */
  public boolean tryAnswered(int i) {
    if (i < 0 || i >= upstreamStatuses.size()) {
      return false;
    }
    String s = upstreamStatuses.get(i);
    if (s.length() != 3 || !Character.isDigit(s.charAt(0))) {
      return false;
    }
    String len = i < upstreamLengths.size() ? upstreamLengths.get(i) : "-";
    return !len.equals("-") && !len.equals("0");
  }

  public String lastUpstreamAddr() {
    return upstreamAddrs.isEmpty() ? null : upstreamAddrs.get(upstreamAddrs.size() - 1);
  }
}
