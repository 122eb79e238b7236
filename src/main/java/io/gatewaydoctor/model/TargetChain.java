package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;

/** An Ingress with its resolved backends and the entries that could not be followed, with why. */
public record TargetChain(
    Ingress ingress, List<ResolvedBackend> backends, List<String> notDiagnosed) {

  public String namespace() {
    return ingress.getMetadata().getNamespace();
  }

  public String name() {
    return ingress.getMetadata().getName();
  }
}
