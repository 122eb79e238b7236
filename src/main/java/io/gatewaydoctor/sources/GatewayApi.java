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
    try {
      var list = client.getApiResources(groupVersion);
      return list != null
          && list.getResources() != null
          && list.getResources().stream().anyMatch(r -> resource.equals(r.getName()));
    } catch (KubernetesClientException e) {
      return false; // not served, or discovery not allowed: as if there were no Gateway API
    }
  }
}
