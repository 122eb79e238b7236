package io.gatewaydoctor.report;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.ApiVersionUtil;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisSpec;
import io.gatewaydoctor.api.TargetRef;
import io.gatewaydoctor.model.Target;
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
    String name = ingress.getMetadata().getName();
    return resource(name, ingress.getMetadata().getNamespace(), TargetRef.ingress(name), d, now);
  }

  /**
   * The GatewayDiagnosis of any target. An Ingress's has the Ingress's name; another kind's is the
   * target's name with the kind as a suffix ({@code web.httproute}), so an Ingress and a route of
   * the same name do not share one (tools find a diagnosis by spec.targetRef, not by its name).
   */
  public static GatewayDiagnosis of(Target target, Diagnosis d, Instant now) {
    if (target.ingress().isPresent()) {
      return of(target.ingress().get(), d, now);
    }
    String group =
        target.object() == null
            ? null
            : ApiVersionUtil.trimGroupOrNull(target.object().getApiVersion());
    return resource(
        nameOf(target.kind(), target.name()),
        target.namespace(),
        new TargetRef(group, target.kind(), target.name()),
        d,
        now);
  }

  private static GatewayDiagnosis resource(
      String name, String namespace, TargetRef target, Diagnosis d, Instant now) {
    GatewayDiagnosis gd = new GatewayDiagnosis();
    gd.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(Map.of(MANAGED_BY, "gateway-doctor"))
            .build());
    GatewayDiagnosisSpec spec = new GatewayDiagnosisSpec();
    spec.setTargetRef(target);
    gd.setSpec(spec);
    gd.setStatus(StatusAggregator.build(d, null, null, now));
    return gd;
  }

  /** A diagnosis's name: the Ingress's own, or NAME.KIND for other kinds (web.httproute). */
  public static String nameOf(String kind, String name) {
    return "Ingress".equals(kind) ? name : name + "." + kind.toLowerCase(java.util.Locale.ROOT);
  }

  /** {"apiVersion":"v1","kind":"List","items":[...]} as kubectl prints several objects. */
  public static KubernetesList list(List<GatewayDiagnosis> items) {
    KubernetesList list = new KubernetesList();
    list.setItems(new java.util.ArrayList<>(items));
    return list;
  }
}
