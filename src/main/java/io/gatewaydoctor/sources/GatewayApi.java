package io.gatewaydoctor.sources;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Whether the cluster serves the Gateway API, asked by discovery ({@code GET
 * /apis/gateway.networking.k8s.io/VERSION}, which every authenticated client may read): the
 * operator watches routes and analyze lists them only then, so a cluster without the CRDs is read
 * as before, without errors or warnings.
 */
public final class GatewayApi {
  public static final String GROUP = "gateway.networking.k8s.io";

  private GatewayApi() {}

  /** HTTPRoutes, Gateways and GatewayClasses (v1). */
  public static boolean routesServed(KubernetesClient client) {
    return served(client, GROUP + "/v1", "httproutes")
        && served(client, GROUP + "/v1", "gateways")
        && served(client, GROUP + "/v1", "gatewayclasses");
  }

  /** ReferenceGrants (v1beta1, the version the Fabric8 model reads). */
  public static boolean grantsServed(KubernetesClient client) {
    return served(client, GROUP + "/v1beta1", "referencegrants");
  }

  /** Whether discovery lists the resource in the group version; false when it cannot be asked. */
  public static boolean served(KubernetesClient client, String groupVersion, String resource) {
    for (int attempt = 1; ; attempt++) {
      try {
        var list = client.getApiResources(groupVersion);
        return list != null
            && list.getResources() != null
            && list.getResources().stream().anyMatch(r -> resource.equals(r.getName()));
      } catch (KubernetesClientException e) {
        // not served (404) or not allowed (403): as if there were no Gateway API; anything else
        // (a timeout, a restarting API server) is asked again, three times in all
        if (e.getCode() == 404 || e.getCode() == 403 || attempt >= 3) {
          return false;
        }
        try {
          Thread.sleep(500L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }
}
