package io.gatewaydoctor.gateway;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.gatewaydoctor.model.ControllerConfig;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * NGINX Gateway Fabric (github.com/nginx/nginx-gateway-fabric): a Gateway API implementation whose
 * data plane is nginx. What it writes and how it answers (from its source, 1.x and 2.x; see
 * docs/root-causes.md, "What the gateway shows"):
 *
 * <ul>
 *   <li>controller {@code gateway.nginx.org/nginx-gateway-controller} (the path may be changed, the
 *       domain may not);
 *   <li>the data plane's {@code nginx} container writes stock nginx error lines on stderr (read by
 *       the ingress-nginx parser: {@code connect() failed (111: Connection refused) while
 *       connecting to upstream, ... upstream: "http://10.244.0.5:8080/"}), so errors are pinned on
 *       the pod by address; its default access format is nginx's {@code combined}, which names no
 *       upstream (NginxProxy {@code spec.logging.accessLog.format} adds {@code $upstream_addr});
 *   <li>upstreams named {@code <namespace>_<service>_<port>}; an invalid backendRef answers 500, a
 *       Service without endpoints 503 (502 before 1.5), from its own unix-socket servers.
 * </ul>
 *
 * Backend settings are nginx's: HTTP/1.1 (gRPC for a GRPCRoute), proxy_read_timeout 60 s (NGF does
 * not apply the routes' timeouts), a 4 KiB header buffer. Pure.
 */
public final class NginxGatewayFabric implements GatewayDialect {
  public static final String CONTROLLER = "gateway.nginx.org/nginx-gateway-controller";

  /** The domain every NGF controller name has (its path may be configured). */
  public static final String DOMAIN = "gateway.nginx.org/";

  /** nginx's default proxy_read_timeout, in seconds. */
  public static final int DEFAULT_READ_TIMEOUT = 60;

  /** nginx's default proxy_buffer_size on x86-64 (one memory page). */
  public static final int DEFAULT_HEADER_LIMIT = 4096;

  private final String controller;
  private final boolean grpc;

  private NginxGatewayFabric(String controller, boolean grpc) {
    this.controller = controller;
    this.grpc = grpc;
  }

  /** The same dialect for a GRPCRoute's backends: nginx speaks gRPC (HTTP/2) to them. */
  public NginxGatewayFabric grpc() {
    return new NginxGatewayFabric(controller, true);
  }

  /** The dialect of an NGF controller, or null when {@code controller} is not one. */
  public static NginxGatewayFabric of(String controller) {
    return controller != null
            && controller.startsWith(DOMAIN)
            && controller.length() > DOMAIN.length()
        ? new NginxGatewayFabric(controller, false)
        : null;
  }

  @Override
  public String controller() {
    return controller;
  }

  /**
   * HTTP/1.1 to an HTTPRoute's backends whatever the port's appProtocol (NGF refuses h2c and HTTP/2
   * ports: the route's ResolvedRefs says UnsupportedProtocol), gRPC to a GRPCRoute's; nginx's read
   * timeout (NGF does not apply the routes' timeouts).
   */
  @Override
  public BackendSettings backend(
      Map<String, String> settings, ControllerConfig config, ServicePort port) {
    return new BackendSettings(
        !grpc, false, DEFAULT_HEADER_LIMIT, DEFAULT_READ_TIMEOUT, null, false, false, grpc);
  }

  /** NGF applies none of a route's settings (its timeouts included): nginx's own always hold. */
  @Override
  public String origin(String setting, Map<String, String> settings, ControllerConfig config) {
    return "nginx's default";
  }

  @Override
  public Duration upstreamKeepAlive(ControllerConfig config) {
    return Duration.ZERO; // not measured here
  }

  @Override
  public Optional<String> accessLogFormat(ControllerConfig config) {
    return Optional.empty();
  }

  @Override
  public String protocolSetting() {
    return Envoy.APP_PROTOCOL;
  }

  @Override
  public String headerBufferSetting() {
    return null;
  }

  @Override
  public String readTimeoutSetting() {
    return null; // NGF does not apply the Gateway API's timeouts
  }

  @Override
  public String clientCertificateSetting() {
    return null;
  }

  @Override
  public boolean configures(String key) {
    return false;
  }

  /** NGF's upstream of a Service port: {@code <namespace>_<service>_<port>}. */
  @Override
  public String upstreamName(String namespace, String service, String port) {
    return namespace + "_" + service + "_" + port;
  }

  @Override
  public List<Upstream> upstreams(
      Target target, ResolvedBackend b, io.gatewaydoctor.model.ClusterSnapshot cluster) {
    String port = b.portLabel();
    return List.of(new Upstream(upstreamName(b.namespace(), b.ref().service(), port), true));
  }

  /** The data plane's {@code nginx} container. */
  @Override
  public String logContainer(Pod pod) {
    for (Container c : Pods.containers(pod)) {
      if ("nginx".equals(c.getName())) {
        return c.getName();
      }
    }
    return null;
  }
}
