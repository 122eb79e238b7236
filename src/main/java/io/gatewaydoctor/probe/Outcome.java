package io.gatewaydoctor.probe;

/**
 * How one probe of one endpoint ended, in the words of the CRD's {@code lastProbe.outcome}. Each
 * failure is what the gateway would meet on the same connection.
 */
public enum Outcome {
  /** A complete HTTP response below 500. */
  ok,
  /** A complete HTTP response of 500 or more: the app answered, with an error. */
  http5xx,
  /**
   * The connection was refused: nothing listens on that port (or only on 127.0.0.1 inside the pod).
   */
  refused,
  /** The backend reset the connection (see {@link Probe#afterRequest()}). */
  reset,
  /** The backend closed the connection cleanly before a complete response. */
  prematureClose,
  /** The backend answered with something that is not HTTP. */
  invalidResponse,
  /** The response header is larger than the gateway's proxy buffer. */
  headersTooLarge,
  /** The backend speaks TLS where plain HTTP was sent. */
  tlsExpected,
  /** The backend speaks plain HTTP where TLS was sent. */
  plainExpected,
  /** The backend speaks HTTP/1.x where HTTP/2 with prior knowledge (h2c) was sent. */
  http1Expected,
  /**
   * The TLS handshake the gateway would make fails: a client certificate required, no protocol or
   * cipher in common, the SNI name.
   */
  tlsFailed,
  /** No connection within the timeout (packets dropped: a NetworkPolicy, a dead node). */
  connectTimeout,
  /** Connected, but no complete response header within the timeout. */
  readTimeout,
  /** Anything else (an unreachable network, a TLS failure of no known kind). */
  error;

  public boolean failed() {
    return this != ok && this != http5xx;
  }
}
