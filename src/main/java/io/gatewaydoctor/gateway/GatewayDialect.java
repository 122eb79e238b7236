package io.gatewaydoctor.gateway;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.gatewaydoctor.model.ControllerConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything specific to one gateway implementation, behind one interface: the settings a target
 * gives it and their defaults (protocol to the backend, timeouts, buffers, TLS names), the names
 * its evidence uses (upstreams), how to find the container of its pods whose log to read, and which
 * keys configure it. ingress-nginx is the first ({@link IngressNginx}); {@link Dialects} picks the
 * dialect of a target's controller. Pure.
 */
public interface GatewayDialect {
  /** The controller name (IngressClass or GatewayClass spec.controller). */
  String controller();

  /**
   * How the gateway talks to one backend port of a target whose settings are {@code settings}, its
   * controller configured by {@code config} (the target's settings win, then the controller's, then
   * the gateway's defaults).
   */
  BackendSettings backend(Map<String, String> settings, ControllerConfig config, ServicePort port);

  /**
   * Where the value of one of the target's settings comes from: the target's own setting, the
   * controller's configuration, or the gateway's default (for evidence lines).
   */
  String origin(String setting, Map<String, String> settings, ControllerConfig config);

  /**
   * How long the gateway keeps idle upstream connections for reuse under {@code config}; zero when
   * it does not keep them at all.
   */
  Duration upstreamKeepAlive(ControllerConfig config);

  /** The access-log format {@code config} sets, when it is not the gateway's default. */
  Optional<String> accessLogFormat(ControllerConfig config);

  /**
   * The setting that chooses the protocol to the backend (named in findings and fixes), or null.
   */
  String protocolSetting();

  /** The setting that sizes the buffer for the backend's response headers, or null. */
  String headerBufferSetting();

  /** The setting of how long the gateway waits for the backend's answer, or null. */
  String readTimeoutSetting();

  /** The setting naming the client certificate the gateway presents to a TLS backend, or null. */
  String clientCertificateSetting();

  /** Whether a target's setting of this key configures the gateway (recorded in baselines). */
  boolean configures(String key);

  /** The name the gateway's logs give a Service port's upstream. */
  String upstreamName(String namespace, String service, String port);

  /**
   * One name under which the gateway's logs count requests to a backend.
   *
   * @param whole every line under the name is this backend's; else only the lines whose last try
   *     reached one of its endpoints count (the name is shared, or could be)
   */
  record Upstream(String name, boolean whole) {}

  /** The names the gateway's logs give one backend of a target, in the cluster view. */
  default java.util.List<Upstream> upstreams(
      io.gatewaydoctor.model.Target target,
      io.gatewaydoctor.model.ResolvedBackend b,
      io.gatewaydoctor.model.ClusterSnapshot cluster) {
    return java.util.List.of(
        new Upstream(upstreamName(b.namespace(), b.ref().service(), b.ref().portLabel()), true));
  }

  /** The container of one of the gateway's pods whose log to read, or null when it is not one. */
  String logContainer(Pod pod);

  /**
   * The settings of one backend as the gateway applies them.
   *
   * @param http false for protocols an HTTP/1.1 probe cannot judge (gRPC, FastCGI, AJP)
   * @param tls whether the gateway speaks TLS to the backend
   * @param headerLimit the response-header buffer in bytes
   * @param readTimeoutSeconds how long the gateway waits for an answer
   * @param sni the server name it sends to a TLS backend, or null
   * @param clientCertificate whether it presents a client certificate
   */
  record BackendSettings(
      boolean http,
      boolean tls,
      int headerLimit,
      int readTimeoutSeconds,
      String sni,
      boolean clientCertificate,
      boolean h2c,
      boolean grpc) {
    /** HTTP/1.1 or TLS as the fields say; neither h2c nor gRPC. */
    BackendSettings(
        boolean http,
        boolean tls,
        int headerLimit,
        int readTimeoutSeconds,
        String sni,
        boolean clientCertificate) {
      this(http, tls, headerLimit, readTimeoutSeconds, sni, clientCertificate, false, false);
    }
  }
}
