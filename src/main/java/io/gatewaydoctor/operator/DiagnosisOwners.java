package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.gatewaydoctor.api.GatewayDiagnosis;
import java.util.ArrayList;
import java.util.List;

/**
 * A diagnosis owned by its target (an Ingress, a route): garbage-collected with it, never blocking
 * its deletion, and adopted when made by hand. Shared by {@link IngressReconciler} and {@link
 * RouteReconciler}.
 */
final class DiagnosisOwners {
  private DiagnosisOwners() {}

  /** Whether the target (by uid) owns the diagnosis. */
  static boolean ownedBy(GatewayDiagnosis gd, HasMetadata target) {
    return gd.getMetadata().getOwnerReferences() != null
        && target.getMetadata().getUid() != null
        && gd.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> target.getMetadata().getUid().equals(o.getUid()));
  }

  /** The reference from a diagnosis to its target: not the controller, not blocking deletion. */
  static OwnerReference ownerRef(HasMetadata target, String apiVersion, String kind) {
    return new OwnerReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withName(target.getMetadata().getName())
        .withUid(target.getMetadata().getUid())
        .withBlockOwnerDeletion(false)
        .withController(false)
        .build();
  }

  /** Adds the target's reference to a diagnosis that lacks it (one made by hand). */
  static void adopt(Resource<GatewayDiagnosis> gd, OwnerReference owner) {
    gd.edit(
        g -> {
          List<OwnerReference> refs =
              g.getMetadata().getOwnerReferences() == null
                  ? new ArrayList<>()
                  : new ArrayList<>(g.getMetadata().getOwnerReferences());
          refs.add(owner);
          g.getMetadata().setOwnerReferences(refs);
          return g;
        });
  }
}
