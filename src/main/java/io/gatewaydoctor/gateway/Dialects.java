package io.gatewaydoctor.gateway;

import io.gatewaydoctor.model.Gateways;
import io.gatewaydoctor.model.Target;

/** The dialect of a target's controller. Pure. */
public final class Dialects {
  private Dialects() {}

  /**
   * ingress-nginx for its own targets and those whose controller is unknown; else {@link
   * IngressNginx#OTHER}.
   */
  public static GatewayDialect of(String controller) {
    return controller == null || Gateways.INGRESS_NGINX.equals(controller)
        ? IngressNginx.INSTANCE
        : IngressNginx.OTHER;
  }

  public static GatewayDialect of(Target target) {
    return of(target.controller());
  }
}
