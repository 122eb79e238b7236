package io.gatewaydoctor.signals;

import java.time.Instant;

/**
 * One nginx error-log line about an upstream: when, why (a stable {@link Reason}), which upstream
 * address ({@code upstream: "http://10.0.0.5:8080/..."}) and the message as nginx wrote it.
 */
public record ErrorLine(Instant time, Reason reason, String upstreamAddr, String server, String message) {

  public enum Reason {
    refused, reset, prematureClose, headersTooLarge, invalidResponse, connectTimeout, timeout, tls, noLiveUpstreams
  }
}
