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

  /** What the cluster serves of the Gateway API, asked once (two discovery requests). */
  public record Served(boolean routes, boolean grpcRoutes, boolean grants, String tlsPolicies) {
    public static final Served NONE = new Served(false, false, false, null);

    public Served(boolean routes, boolean grpcRoutes, boolean grants) {
      this(routes, grpcRoutes, grants, null);
    }
  }

  /**
   * Asks discovery once per group version: v1 (routes, Gateways, classes, BackendTLSPolicies),
   * v1beta1 (grants), and v1alpha3 (BackendTLSPolicies) where v1 has none.
   */
  public static Served ask(KubernetesClient client) {
    java.util.Set<String> v1 = resources(client, GROUP + "/v1");
    boolean routes =
        v1.contains("httproutes") && v1.contains("gateways") && v1.contains("gatewayclasses");
    if (!routes) {
      return Served.NONE;
    }
    // BackendTLSPolicy: v1 since Gateway API 1.4, v1alpha3 before (read where v1 is not served)
    String tls =
        v1.contains("backendtlspolicies")
            ? "v1"
            : resources(client, GROUP + "/v1alpha3").contains("backendtlspolicies")
                ? "v1alpha3"
                : null;
    return new Served(
        true,
        v1.contains("grpcroutes"),
        resources(client, GROUP + "/v1beta1").contains("referencegrants"),
        tls);
  }

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
    return resources(client, groupVersion).contains(resource);
  }

  /** The resources discovery lists in the group version; none when it cannot be asked. */
  static java.util.Set<String> resources(KubernetesClient client, String groupVersion) {
    for (int attempt = 1; ; attempt++) {
      try {
        var list = client.getApiResources(groupVersion);
        java.util.Set<String> out = new java.util.HashSet<>();
        if (list != null && list.getResources() != null) {
          list.getResources().forEach(r -> out.add(r.getName()));
        }
        return out;
      } catch (KubernetesClientException e) {
        // not served (404) or not allowed (403): as if there were no Gateway API; anything else
        // (a timeout, a restarting API server) is asked again, three times in all
        if (e.getCode() == 404 || e.getCode() == 403 || attempt >= 3) {
          return java.util.Set.of();
        }
        try {
          Thread.sleep(500L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return java.util.Set.of();
        }
      }
    }
  }
}
