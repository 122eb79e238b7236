package io.gatewaydoctor.signals;

import java.time.Instant;

/**
 * One nginx error-log line about an upstream: when, why (a stable {@link Reason}), which upstream
 * address ({@code upstream: "http://10.0.0.5:8080/..."}) and the message as nginx wrote it.
 */
public record ErrorLine(
    Instant time, Reason reason, String upstreamAddr, String server, String message) {

  /**
   * {@code tls}: the TLS handshake or certificate verification to the backend failed (CA, name,
   * client certificate, protocol, cipher); {@code tlsToPlain}: the gateway spoke TLS to a backend
   * that answered in plain HTTP ("wrong version number").
   */
  public enum Reason {
    refused,
    reset,
    prematureClose,
    headersTooLarge,
    invalidResponse,
    connectTimeout,
    timeout,
    tls,
    tlsToPlain,
    noLiveUpstreams
  }
}
