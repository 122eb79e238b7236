package io.gatewaydoctor.gateway;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.ControllerConfig;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.Routes;
import io.gatewaydoctor.model.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Envoy-based Gateway API implementations (Envoy Gateway, Istio, kgateway, Contour, Cilium):
 * Envoy's defaults (a 15 s route timeout, 60 KiB of response headers, idle upstream connections
 * kept for an hour), the Service port's {@code appProtocol} for the protocol to the backend, and
 * the names Envoy's access log gives a backend: Istio's cluster {@code
 * outbound|<port>||<service>.<namespace>.svc.cluster.local} (one per Service port) and Envoy
 * Gateway's {@code httproute/<namespace>/<name>/rule/<i>} (one per route rule, shared by the rule's
 * backends). Pure.
 */
public final class Envoy implements GatewayDialect {
  public static final String ENVOY_GATEWAY = "gateway.envoyproxy.io/gatewayclass-controller";
  public static final String ISTIO = "istio.io/gateway-controller";
  public static final String KGATEWAY = "kgateway.dev/kgateway";
  public static final String CONTOUR = "projectcontour.io/gateway-controller";
  public static final String CILIUM = "io.cilium/gateway-controller";

  /** The controllers whose data plane is Envoy and whose access lines this dialect reads. */
  public static final Set<String> CONTROLLERS =
      Set.of(ENVOY_GATEWAY, ISTIO, KGATEWAY, CONTOUR, CILIUM);

  /** Envoy's default route timeout, in seconds (route.RouteAction.timeout). */
  public static final int DEFAULT_ROUTE_TIMEOUT = 15;

  /** Envoy's default limit on response headers (max_response_headers_kb: 60 KiB). */
  public static final int DEFAULT_HEADER_LIMIT = 60 * 1024;

  /** Envoy's default idle timeout of upstream connections (common_http_protocol_options). */
  public static final Duration DEFAULT_UPSTREAM_IDLE = Duration.ofHours(1);

  /** The Service port field that chooses the protocol Envoy speaks to the backend. */
  public static final String APP_PROTOCOL = "appProtocol";

  private final String controller;

  /** A GRPCRoute's: the data plane speaks HTTP/2 (gRPC) to its backends. */
  private final boolean grpc;

  private Envoy(String controller) {
    this(controller, false);
  }

  private Envoy(String controller, boolean grpc) {
    this.controller = controller;
    this.grpc = grpc;
  }

  /** The same dialect for a GRPCRoute's backends: no HTTP/1.1 probe judges a gRPC server. */
  public Envoy grpc() {
    return new Envoy(controller, true);
  }

  /**
   * The dialect of a route whose controller has no dialect of its own (unknown, or NGINX Gateway
   * Fabric): the Gateway API's names and Envoy's defaults rather than ingress-nginx's.
   */
  public static Envoy forRoute(String controller) {
    return new Envoy(controller);
  }

  /** The dialect of one Envoy-based controller, or null when {@code controller} is not one. */
  public static Envoy of(String controller) {
    return controller != null && CONTROLLERS.contains(controller) ? new Envoy(controller) : null;
  }

  @Override
  public String controller() {
    return controller;
  }

  /**
   * From the Service port's appProtocol: {@code kubernetes.io/h2c} and gRPC are not HTTP/1.1 (not
   * judged by an HTTP/1.1 probe; h2c is probed in HTTP/2 with prior knowledge); TLS only where a
   * BackendTLSPolicy governs the port (the probe planner reads it).
   */
  @Override
  public BackendSettings backend(
      Map<String, String> settings, ControllerConfig config, ServicePort port) {
    String app = port == null || port.getAppProtocol() == null ? "" : port.getAppProtocol();
    String a = app.toLowerCase(Locale.ROOT);
    boolean http =
        !(grpc || a.equals("kubernetes.io/h2c") || a.contains("grpc") || a.equals("http2"));
    // the route's own timeout where it sets one (0: none), else the implementation's default;
    // Istio disables the route timeout by default: a probe then waits at most the longest wait
    int timeout =
        ISTIO.equals(controller) ? IngressNginx.MAX_PROXY_READ_TIMEOUT : DEFAULT_ROUTE_TIMEOUT;
    String own = settings == null ? null : settings.get(ROUTE_TIMEOUT);
    if (own != null && own.matches("[0-9]{1,9}")) {
      long s = Long.parseLong(own);
      timeout =
          (int)
              (s == 0
                  ? IngressNginx.MAX_PROXY_READ_TIMEOUT
                  : Math.min(s, IngressNginx.MAX_PROXY_READ_TIMEOUT));
    }
    // kubernetes.io/h2c: HTTP/2 with prior knowledge over plain TCP, which the prober speaks too
    return new BackendSettings(
        http,
        false,
        DEFAULT_HEADER_LIMIT,
        timeout,
        null,
        false,
        // Istio reads "http2" as HTTP/2 without TLS too
        !grpc && (a.equals("kubernetes.io/h2c") || (ISTIO.equals(controller) && a.equals("http2"))),
        // a GRPCRoute's backends, or a port that says gRPC: probed with a gRPC health check
        grpc || a.equals("grpc") || a.equals("kubernetes.io/grpc"));
  }

  @Override
  public String origin(String setting, Map<String, String> settings, ControllerConfig config) {
    return settings != null && settings.containsKey(setting)
        ? "the route's " + setting
        : "Envoy's default";
  }

  /** Where a route's own timeout comes in (model.HTTPRouteTargets puts it there). */
  static final String ROUTE_TIMEOUT = io.gatewaydoctor.model.HTTPRouteTargets.ROUTE_TIMEOUT;

  /**
   * Not measured: Envoy keeps idle upstream connections for an hour, longer than a probe may wait;
   * a backend that closes sooner races it, and the access log's {@code UC} on reused connections
   * shows it ({@code BackendPrematureClose} with the keep-alive signature).
   */
  @Override
  public Duration upstreamKeepAlive(ControllerConfig config) {
    return Duration.ZERO;
  }

  @Override
  public Optional<String> accessLogFormat(ControllerConfig config) {
    return Optional.empty(); // Envoy's lines are recognised by their shape
  }

  @Override
  public String protocolSetting() {
    return APP_PROTOCOL;
  }

  @Override
  public String headerBufferSetting() {
    return null;
  }

  @Override
  public String readTimeoutSetting() {
    return "spec.rules[].timeouts.request";
  }

  @Override
  public String clientCertificateSetting() {
    return null;
  }

  @Override
  public boolean configures(String key) {
    return false; // routes configure Envoy through their spec, which baselines record
  }

  /** Istio's cluster name of a Service port. */
  @Override
  public String upstreamName(String namespace, String service, String port) {
    return "outbound|" + port + "||" + service + "." + namespace + ".svc.cluster.local";
  }

  /**
   * Istio's cluster of the Service port (every line under it is this backend's), and Envoy
   * Gateway's cluster of each route rule that sends to the backend (whole only when the rule sends
   * nowhere else).
   */
  @Override
  public List<Upstream> upstreams(Target target, ResolvedBackend b, ClusterSnapshot cluster) {
    List<Upstream> out = new ArrayList<>();
    String port = b.portLabel();
    out.add(new Upstream(upstreamName(b.namespace(), b.ref().service(), port), true));
    if (target.object() != null && Routes.isRoute(target.object())) {
      var rules = Routes.rules(target.object());
      for (int i = 0; i < rules.size(); i++) {
        boolean mine = false;
        boolean others = false;
        for (var r : rules.get(i).backends()) {
          if (r == null || r.name() == null) {
            continue;
          }
          String ns = r.namespace() == null ? target.namespace() : r.namespace();
          boolean same =
              b.ref().service().equals(r.name())
                  && b.namespace().equals(ns)
                  && r.port() != null
                  && b.ref().portLabel().equals(String.valueOf(r.port()));
          mine |= same;
          others |= !same;
        }
        if (mine) {
          out.add(
              new Upstream(
                  Routes.lowerKind(target.object())
                      + "/"
                      + target.namespace()
                      + "/"
                      + target.name()
                      + "/rule/"
                      + i,
                  !others));
        }
      }
    }
    return out;
  }

  /** The Envoy container of a data-plane pod ({@code envoy}, Istio's {@code istio-proxy}). */
  @Override
  public String logContainer(Pod pod) {
    for (Container c : Pods.containers(pod)) {
      if ("envoy".equals(c.getName()) || "istio-proxy".equals(c.getName())) {
        return c.getName();
      }
    }
    return null;
  }
}
