package io.gatewaydoctor.gateway;

import io.gatewaydoctor.model.Gateways;
import io.gatewaydoctor.model.Target;

/** The dialect of a target's controller. Pure. */
public final class Dialects {
  private Dialects() {}

  /**
   * ingress-nginx for its own targets and those whose controller is unknown; {@link Envoy} for the
   * Envoy-based Gateway API implementations; else {@link IngressNginx#OTHER}.
   */
  public static GatewayDialect of(String controller) {
    Envoy envoy = Envoy.of(controller);
    if (envoy != null) {
      return envoy;
    }
    return controller == null || Gateways.INGRESS_NGINX.equals(controller)
        ? IngressNginx.INSTANCE
        : IngressNginx.OTHER;
  }

  public static GatewayDialect of(Target target) {
    return of(target.controller());
  }
}
