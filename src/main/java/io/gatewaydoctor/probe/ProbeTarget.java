package io.gatewaydoctor.probe;

import io.gatewaydoctor.model.Endpoint;

/**
 * One endpoint to probe, as the gateway reaches it: the pod's address and port (from an
 * EndpointSlice, never from an annotation), plain HTTP or TLS, the Host header and path of the
 * Ingress rule, a timeout for the whole exchange, the gateway's proxy buffer (the largest response
 * header it accepts) and a cap on the bytes read.
 */
public record ProbeTarget(
    String ip,
    int port,
    String pod,
    boolean tls,
    String host,
    String path,
    int timeoutMillis,
    int headerLimit,
    int byteCap,
    String sni,
    TlsVerification verify,
    boolean h2c,
    boolean grpc) {

  /** With SNI, verifying nothing (ingress-nginx's default: proxy_ssl_verify off). */
  public ProbeTarget(
      String ip,
      int port,
      String pod,
      boolean tls,
      String host,
      String path,
      int timeoutMillis,
      int headerLimit,
      int byteCap,
      String sni) {
    this(
        ip,
        port,
        pod,
        tls,
        host,
        path,
        timeoutMillis,
        headerLimit,
        byteCap,
        sni,
        null,
        false,
        false);
  }

  /** Without SNI (ingress-nginx sends none unless proxy-ssl-server-name is on). */
  public ProbeTarget(
      String ip,
      int port,
      String pod,
      boolean tls,
      String host,
      String path,
      int timeoutMillis,
      int headerLimit,
      int byteCap) {
    this(ip, port, pod, tls, host, path, timeoutMillis, headerLimit, byteCap, null);
  }

  public static final int DEFAULT_TIMEOUT_MILLIS = 2000;

  /** ingress-nginx's default proxy-buffer-size. */
  public static final int DEFAULT_HEADER_LIMIT = 4096;

  public static final int DEFAULT_BYTE_CAP = 64 * 1024;

  public String address() {
    return Endpoint.address(ip, port);
  }

  public ProbeTarget withTls(boolean t) {
    return new ProbeTarget(
        ip, port, pod, t, host, path, timeoutMillis, headerLimit, byteCap, sni, verify, h2c, grpc);
  }

  public ProbeTarget withPath(String p) {
    return new ProbeTarget(
        ip, port, pod, tls, host, p, timeoutMillis, headerLimit, byteCap, sni, verify, h2c, grpc);
  }

  public ProbeTarget withTimeout(int millis) {
    return new ProbeTarget(
        ip, port, pod, tls, host, path, millis, headerLimit, byteCap, sni, verify, h2c, grpc);
  }

  /** Verifying the backend's certificate as a BackendTLSPolicy asks (null: verifying nothing). */
  public ProbeTarget withVerify(TlsVerification v) {
    return new ProbeTarget(
        ip, port, pod, tls, host, path, timeoutMillis, headerLimit, byteCap, sni, v, h2c, grpc);
  }

  /** HTTP/2 over plain TCP with prior knowledge, as the data plane speaks to an h2c port. */
  public ProbeTarget withH2c(boolean h) {
    return new ProbeTarget(
        ip, port, pod, tls, host, path, timeoutMillis, headerLimit, byteCap, sni, verify, h, grpc);
  }

  /**
   * A gRPC health check over h2c (grpc.health.v1.Health/Check), as a GRPCRoute's data plane speaks
   * to its backends.
   */
  public ProbeTarget withGrpc(boolean g) {
    return new ProbeTarget(
        ip,
        port,
        pod,
        tls,
        host,
        path,
        timeoutMillis,
        headerLimit,
        byteCap,
        sni,
        verify,
        g || h2c,
        g);
  }

  public ProbeTarget withPort(int p) {
    return new ProbeTarget(
        ip, p, pod, tls, host, path, timeoutMillis, headerLimit, byteCap, sni, verify, h2c, grpc);
  }
}
