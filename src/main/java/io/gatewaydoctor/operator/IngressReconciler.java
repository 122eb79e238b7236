package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisSpec;
import io.gatewaydoctor.api.TargetRef;
import io.gatewaydoctor.model.OptOut;
import io.gatewaydoctor.report.DiagnosisResources;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps one GatewayDiagnosis per Ingress: creates it (same name, owned by the Ingress), adopts a
 * hand-made one of the same name, and deletes the one it created when the Ingress or its namespace
 * opts out with {@code gatewaydoctor.io/diagnose: "false"} (the namespace's is final).
 */
// annotations (the opt-out) do not bump metadata.generation, so every Ingress update must be seen
@ControllerConfiguration(name = IngressReconciler.NAME, generationAwareEventProcessing = false)
@RBACRule(
    apiGroups = GatewayDiagnosis.GROUP,
    resources = "gatewaydiagnoses",
    verbs = {"get", "list", "watch", "create", "update", "patch", "delete"})
public class IngressReconciler implements Reconciler<Ingress> {
  public static final String NAME = "ingress";
  public static final String MANAGED_BY = DiagnosisResources.MANAGED_BY;
  private static final Logger LOG = Logger.getLogger(IngressReconciler.class);

  @Inject KubernetesClient client;

  private InformerEventSource<Namespace, Ingress> namespaces;
  private InformerEventSource<GatewayDiagnosis, Ingress> diagnoses;

  @Override
  public List<EventSource<?, Ingress>> prepareEventSources(EventSourceContext<Ingress> ctx) {
    var primary = ctx.getPrimaryCache();
    namespaces =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Namespace.class, Ingress.class)
                .withName("ingress-namespaces")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(
                    n ->
                        primary
                            .list(n.getMetadata().getName())
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            ctx);
    diagnoses =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(GatewayDiagnosis.class, Ingress.class)
                .withName("ingress-diagnoses")
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(IngressReconciler::targetOf)
                .build(),
            ctx);
    diagnoses.addIndexer(Indexes.BY_TARGET, Indexes::diagnosisTarget);
    return List.of(namespaces, diagnoses);
  }

  static Set<ResourceID> targetOf(GatewayDiagnosis gd) {
    TargetRef t = gd.getSpec() == null ? null : gd.getSpec().getTargetRef();
    if (t == null
        || t.getName() == null
        || (t.getKind() != null && !TargetRef.INGRESS.equals(t.getKind()))) {
      return Set.of();
    }
    return Set.of(new ResourceID(t.getName(), gd.getMetadata().getNamespace()));
  }

  /**
   * The opt-out decision: the namespace's "false" is final, else the Ingress's own (see {@link
   * OptOut}).
   */
  static boolean optedOut(Ingress ingress, Namespace ns) {
    return OptOut.of(
            ingress.getMetadata().getAnnotations(),
            ns == null ? null : ns.getMetadata().getAnnotations())
        .out();
  }

  @Override
  public UpdateControl<Ingress> reconcile(Ingress ingress, Context<Ingress> context) {
    String ns = ingress.getMetadata().getNamespace();
    String name = ingress.getMetadata().getName();
    Namespace namespace = namespaces.get(new ResourceID(ns)).orElse(null);
    List<GatewayDiagnosis> existing =
        diagnoses.byIndex(Indexes.BY_TARGET, Indexes.targetKey(ns, TargetRef.INGRESS, name));
    var gds = client.resources(GatewayDiagnosis.class).inNamespace(ns);
    if (namespace == null) {
      return UpdateControl
          .noUpdate(); // its namespace's word is not known yet; the Namespace event brings this
      // back
    }
    if (optedOut(ingress, namespace)) {
      existing.stream().filter(gd -> ownedBy(gd, ingress)).forEach(gd -> gds.resource(gd).delete());
      return UpdateControl.noUpdate();
    }
    if (existing.isEmpty()) {
      GatewayDiagnosis gd = new GatewayDiagnosis();
      gd.setMetadata(
          new ObjectMetaBuilder()
              .withName(name)
              .withNamespace(ns)
              .withLabels(Map.of(MANAGED_BY, "gateway-doctor"))
              .withOwnerReferences(ownerRef(ingress))
              .build());
      GatewayDiagnosisSpec spec = new GatewayDiagnosisSpec();
      spec.setTargetRef(TargetRef.ingress(name));
      gd.setSpec(spec);
      try {
        gds.resource(gd).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // created a moment ago and not in the cache yet, or a hand-made one that targets something
        // else
        GatewayDiagnosis other = gds.withName(name).get();
        if (other != null && !targetOf(other).contains(new ResourceID(name, ns))) {
          LOG.warnf(
              "GatewayDiagnosis %s/%s exists but targets another object; not creating one for Ingress %s",
              ns, name, name);
        }
      }
      return UpdateControl.noUpdate();
    }
    for (GatewayDiagnosis gd : existing) {
      if (name.equals(gd.getMetadata().getName()) && !ownedBy(gd, ingress)) {
        DiagnosisOwners.adopt(gds.resource(gd), ownerRef(ingress));
        LOG.infof("adopted GatewayDiagnosis %s/%s", ns, name);
      }
    }
    return UpdateControl.noUpdate();
  }

  static boolean ownedBy(GatewayDiagnosis gd, Ingress ingress) {
    return DiagnosisOwners.ownedBy(gd, ingress);
  }

  static OwnerReference ownerRef(Ingress ingress) {
    return DiagnosisOwners.ownerRef(ingress, "networking.k8s.io/v1", "Ingress");
  }
}
