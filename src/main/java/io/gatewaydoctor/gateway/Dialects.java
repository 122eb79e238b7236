package io.gatewaydoctor.gateway;

import io.gatewaydoctor.model.Gateways;
import io.gatewaydoctor.model.Target;

/** The dialect of a target's controller. Pure. */
public final class Dialects {
  private Dialects() {}

  /**
   * ingress-nginx for its own targets and those whose controller is unknown; {@link Envoy} for the
   * Envoy-based Gateway API implementations; {@link NginxGatewayFabric} for NGINX Gateway Fabric;
   * else {@link IngressNginx#OTHER}.
   */
  public static GatewayDialect of(String controller) {
    Envoy envoy = Envoy.of(controller);
    if (envoy != null) {
      return envoy;
    }
    NginxGatewayFabric ngf = NginxGatewayFabric.of(controller);
    if (ngf != null) {
      return ngf;
    }
    return controller == null || Gateways.INGRESS_NGINX.equals(controller)
        ? IngressNginx.INSTANCE
        : IngressNginx.OTHER;
  }

  /**
   * A route's dialect is its controller's, else the Gateway API's ({@link Envoy#forRoute}): never
   * ingress-nginx's names for a route.
   */
  public static GatewayDialect of(Target target) {
    GatewayDialect d = of(target.controller());
    if (target.ingress().isEmpty() && !(d instanceof Envoy) && !(d instanceof NginxGatewayFabric)) {
      d = Envoy.forRoute(target.controller());
    }
    boolean grpcRoute = io.gatewaydoctor.model.Routes.GRPC.equals(target.kind());
    if (grpcRoute && d instanceof Envoy e) {
      return e.grpc();
    }
    return grpcRoute && d instanceof NginxGatewayFabric n ? n.grpc() : d;
  }
}
