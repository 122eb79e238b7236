package io.gatewaydoctor.probe;

/**
 * The result of one probe. {@code status} is set when an HTTP status line was read; {@code
 * afterRequest} tells a reset or close after the request was sent from one before it; {@code
 * headerBytes} is the size of the response header seen (at least, when it was cut off).
 */
public record Probe(
    ProbeTarget target,
    Outcome outcome,
    Integer status,
    long latencyMillis,
    String detail,
    boolean afterRequest,
    int headerBytes) {

  public String key() {
    return target.address();
  }
}
