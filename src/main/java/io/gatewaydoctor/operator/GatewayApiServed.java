package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatewaydoctor.sources.GatewayApi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * What the cluster serves of the Gateway API, asked once at start and shared by the diagnosis and
 * route reconcilers (they asked discovery each on their own before: up to nine requests).
 */
@ApplicationScoped
public class GatewayApiServed {
  @Inject KubernetesClient client;

  private volatile GatewayApi.Served served;

  GatewayApi.Served get() {
    GatewayApi.Served s = served;
    if (s == null) {
      synchronized (this) {
        if (served == null) {
          served = GatewayApi.ask(client);
        }
        s = served;
      }
    }
    return s;
  }
}
