package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import java.util.List;

/** Whether a ReferenceGrant lets a route reach a Service in the grant's namespace. Pure. */
public final class ReferenceGrants {
  private ReferenceGrants() {}

  /**
   * Whether one of {@code grants} (those of the Service's namespace) lets routes of {@code kind}
   * from {@code fromNamespace} reach Service {@code service}: a {@code from} entry with the Gateway
   * API group, the kind and the namespace, and a {@code to} entry of the core group, kind Service,
   * with no name or the Service's.
   */
  public static boolean permits(
      List<ReferenceGrant> grants, String kind, String fromNamespace, String service) {
    for (ReferenceGrant g : grants) {
      var spec = g == null ? null : g.getSpec();
      if (spec == null || spec.getFrom() == null || spec.getTo() == null) {
        continue;
      }
      boolean from =
          spec.getFrom().stream()
              .anyMatch(
                  f ->
                      f != null
                          && HTTPRouteTargets.GROUP.equals(f.getGroup())
                          && kind.equals(f.getKind())
                          && fromNamespace.equals(f.getNamespace()));
      boolean to =
          spec.getTo().stream()
              .anyMatch(
                  x ->
                      x != null
                          && (x.getGroup() == null || x.getGroup().isEmpty())
                          && "Service".equals(x.getKind())
                          && (x.getName() == null
                              || x.getName().isEmpty()
                              || x.getName().equals(service)));
      if (from && to) {
        return true;
      }
    }
    return false;
  }
}
