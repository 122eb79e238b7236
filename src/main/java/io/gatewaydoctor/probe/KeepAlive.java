package io.gatewaydoctor.probe;

import java.time.Duration;

/**
 * How long a backend keeps an idle keep-alive connection open, measured on one endpoint of a
 * Service: {@code closedAfter} when it closed (or reset) the idle connection before the wait ended,
 * null when it was still open after {@code waited}. {@code detail} says why nothing could be
 * measured (the response asked to close, or the exchange failed).
 */
public record KeepAlive(ProbeTarget target, Duration closedAfter, Duration waited, String detail) {

  public boolean measured() {
    return detail == null;
  }
}
