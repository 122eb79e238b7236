package io.gatewaydoctor.report;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisSpec;
import io.gatewaydoctor.api.TargetRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Turns a verdict into the GatewayDiagnosis the operator would write for the Ingress (same name and
 * namespace, spec.targetRef, the status built by {@link StatusAggregator}), so scripts read the
 * output of {@code analyze} and {@code kubectl get gd -o json} alike. Pure.
 */
public final class DiagnosisResources {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private DiagnosisResources() {}

  public static GatewayDiagnosis of(Ingress ingress, Diagnosis d, Instant now) {
    GatewayDiagnosis gd = new GatewayDiagnosis();
    gd.setMetadata(
        new ObjectMetaBuilder()
            .withName(ingress.getMetadata().getName())
            .withNamespace(ingress.getMetadata().getNamespace())
            .withLabels(Map.of(MANAGED_BY, "gateway-doctor"))
            .build());
    GatewayDiagnosisSpec spec = new GatewayDiagnosisSpec();
    spec.setTargetRef(TargetRef.ingress(ingress.getMetadata().getName()));
    gd.setSpec(spec);
    gd.setStatus(StatusAggregator.build(d, null, null, now));
    return gd;
  }

  /** {"apiVersion":"v1","kind":"List","items":[...]} as kubectl prints several objects. */
  public static KubernetesList list(List<GatewayDiagnosis> items) {
    KubernetesList list = new KubernetesList();
    list.setItems(new java.util.ArrayList<>(items));
    return list;
  }
}
