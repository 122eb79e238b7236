package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisSpec;
import io.gatewaydoctor.api.TargetRef;
import io.gatewaydoctor.model.OptOut;
import io.gatewaydoctor.model.Routes;
import io.gatewaydoctor.report.DiagnosisResources;
import io.gatewaydoctor.sources.GatewayApi;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps one GatewayDiagnosis per HTTPRoute, as {@link IngressReconciler} does per Ingress, where
 * the cluster serves the Gateway API (asked by discovery at start; without it this controller
 * watches nothing but Namespaces and does nothing). Its primary is the Namespace, so that it runs
 * only on the leader like every controller and needs no informer of a kind the cluster may lack: a
 * route's change, a diagnosis's and the namespace's own (the opt-out) each bring its namespace
 * back, which then holds one diagnosis per route, named {@code NAME.httproute} ({@link
 * DiagnosisResources#nameOf}), owned by the route, deleted when it opts out.
 */
@ControllerConfiguration(name = RouteReconciler.NAME, generationAwareEventProcessing = false)
public class RouteReconciler implements Reconciler<Namespace> {
  public static final String NAME = "httproute";
  private static final Logger LOG = Logger.getLogger(RouteReconciler.class);

  @Inject KubernetesClient client;
  @Inject GatewayApiServed gatewayApi;

  @ConfigProperty(name = "gatewaydoctor.gateway-api.enabled", defaultValue = "true")
  boolean enabled;

  /** The namespaces every controller watches (the chart sets it from watchNamespaces). */
  @ConfigProperty(name = "quarkus.operator-sdk.namespaces", defaultValue = "JOSDK_ALL_NAMESPACES")
  String watchNamespaces;

  private InformerEventSource<HTTPRoute, Namespace> routes;
  private InformerEventSource<io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute, Namespace>
      grpcRoutes;
  private InformerEventSource<GatewayDiagnosis, Namespace> diagnoses;

  @Override
  public List<EventSource<?, Namespace>> prepareEventSources(EventSourceContext<Namespace> ctx) {
    GatewayApi.Served served = enabled ? gatewayApi.get() : GatewayApi.Served.NONE;
    if (!served.routes()) {
      routes = null;
      grpcRoutes = null;
      diagnoses = null;
      return List.of();
    }
    boolean grpc = served.grpcRoutes();
    var g =
        InformerEventSourceConfiguration.from(
                io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute.class, Namespace.class)
            .withName("route-grpcroutes")
            .withSecondaryToPrimaryMapper(
                x -> Set.of(new ResourceID(x.getMetadata().getNamespace())));
    Set<String> watched = watched();
    var r =
        InformerEventSourceConfiguration.from(HTTPRoute.class, Namespace.class)
            .withName("route-routes")
            .withSecondaryToPrimaryMapper(
                x -> Set.of(new ResourceID(x.getMetadata().getNamespace())));
    var d =
        InformerEventSourceConfiguration.from(GatewayDiagnosis.class, Namespace.class)
            .withName("route-diagnoses")
            .withSecondaryToPrimaryMapper(
                x -> Set.of(new ResourceID(x.getMetadata().getNamespace())))
            // a diagnosis's status changes on every verdict: only what this controller keeps
            // (its spec, whose changes bump the generation, and its owners) brings the namespace
            // back
            .withOnUpdateFilter(
                (now, before) ->
                    !java.util.Objects.equals(
                            now.getMetadata().getGeneration(), before.getMetadata().getGeneration())
                        || !java.util.Objects.equals(
                            now.getMetadata().getOwnerReferences(),
                            before.getMetadata().getOwnerReferences()));
    if (watched == null) {
      r.withWatchAllNamespaces();
      d.withWatchAllNamespaces();
      g.withWatchAllNamespaces();
    } else {
      r.withNamespaces(watched);
      d.withNamespaces(watched);
      g.withNamespaces(watched);
    }
    routes = new InformerEventSource<>(r.build(), ctx);
    diagnoses = new InformerEventSource<>(d.build(), ctx);
    diagnoses.addIndexer(Indexes.BY_TARGET, Indexes::diagnosisTarget);
    if (!grpc) {
      grpcRoutes = null;
      return List.of(routes, diagnoses);
    }
    grpcRoutes = new InformerEventSource<>(g.build(), ctx);
    return List.of(routes, grpcRoutes, diagnoses);
  }

  /** The watched namespaces, or null for all. */
  private Set<String> watched() {
    if (watchNamespaces == null
        || watchNamespaces.isBlank()
        || watchNamespaces.trim().equals("JOSDK_ALL_NAMESPACES")) {
      return null;
    }
    Set<String> out = new java.util.TreeSet<>();
    for (String n : watchNamespaces.split(",")) {
      if (n.trim().equals("JOSDK_WATCH_CURRENT")) {
        out.add(client.getNamespace()); // JOSDK's marker: the operator's own namespace
      } else if (!n.isBlank()) {
        out.add(n.trim());
      }
    }
    return out.isEmpty() ? null : out;
  }

  @Override
  public UpdateControl<Namespace> reconcile(Namespace namespace, Context<Namespace> context) {
    if (routes == null) {
      return UpdateControl.noUpdate();
    }
    String ns = namespace.getMetadata().getName();
    Set<String> watched = watched();
    if (watched != null && !watched.contains(ns)) {
      return UpdateControl.noUpdate();
    }
    var gds = client.resources(GatewayDiagnosis.class).inNamespace(ns);
    int failed = 0;
    List<io.fabric8.kubernetes.api.model.HasMetadata> all =
        new ArrayList<>(routes.list(ns).toList());
    if (grpcRoutes != null) {
      all.addAll(grpcRoutes.list(ns).toList());
    }
    for (var route : all) {
      try {
        keep(route, namespace, gds);
      } catch (KubernetesClientException e) {
        // one route's trouble (a quota, a webhook, a namespace going away) keeps the others
        failed++;
        LOG.warnf(
            "%s %s/%s: cannot keep its GatewayDiagnosis: %s",
            Routes.kind(route), ns, route.getMetadata().getName(), e.getMessage());
      }
    }
    return failed == 0
        ? UpdateControl.noUpdate()
        : UpdateControl.<Namespace>noUpdate().rescheduleAfter(java.time.Duration.ofSeconds(30));
  }

  /** One route's diagnosis: created, adopted, or deleted when the route opts out. */
  private void keep(
      io.fabric8.kubernetes.api.model.HasMetadata route,
      Namespace namespace,
      io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
              GatewayDiagnosis,
              io.fabric8.kubernetes.api.model.KubernetesResourceList<GatewayDiagnosis>,
              io.fabric8.kubernetes.client.dsl.Resource<GatewayDiagnosis>>
          gds) {
    String ns = namespace.getMetadata().getName();
    String name = route.getMetadata().getName();
    String kind = Routes.kind(route);
    String gdName = DiagnosisResources.nameOf(kind, name);
    List<GatewayDiagnosis> existing =
        diagnoses.byIndex(Indexes.BY_TARGET, Indexes.targetKey(ns, kind, name));
    if (OptOut.of(route.getMetadata().getAnnotations(), namespace.getMetadata().getAnnotations())
        .out()) {
      existing.stream().filter(gd -> ownedBy(gd, route)).forEach(gd -> gds.resource(gd).delete());
      return;
    }
    if (existing.isEmpty()) {
      if (gdName.length() > 253) {
        LOG.warnf("%s %s/%s: its name is too long for a diagnosis of its own", kind, ns, name);
        return;
      }
      create(gds, route, gdName);
      return;
    }
    for (GatewayDiagnosis gd : existing) {
      if (gdName.equals(gd.getMetadata().getName()) && !ownedBy(gd, route)) {
        DiagnosisOwners.adopt(gds.resource(gd), ownerRef(route));
        LOG.infof("adopted GatewayDiagnosis %s/%s", ns, gdName);
      }
    }
  }

  private static void create(
      io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
              GatewayDiagnosis,
              io.fabric8.kubernetes.api.model.KubernetesResourceList<GatewayDiagnosis>,
              io.fabric8.kubernetes.client.dsl.Resource<GatewayDiagnosis>>
          gds,
      io.fabric8.kubernetes.api.model.HasMetadata route,
      String gdName) {
    GatewayDiagnosis gd = new GatewayDiagnosis();
    gd.setMetadata(
        new ObjectMetaBuilder()
            .withName(gdName)
            .withNamespace(route.getMetadata().getNamespace())
            .withLabels(Map.of(DiagnosisResources.MANAGED_BY, "gateway-doctor"))
            .withOwnerReferences(ownerRef(route))
            .build());
    GatewayDiagnosisSpec spec = new GatewayDiagnosisSpec();
    spec.setTargetRef(
        new TargetRef(GatewayApi.GROUP, Routes.kind(route), route.getMetadata().getName()));
    gd.setSpec(spec);
    try {
      gds.resource(gd).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // created a moment ago and not in the cache yet, or one that targets something else (an
      // Ingress named NAME.httproute, a hand-made one): left as it is, and said
      GatewayDiagnosis other = gds.withName(gdName).get();
      var t = other == null || other.getSpec() == null ? null : other.getSpec().getTargetRef();
      if (t != null
          && !(Routes.kind(route).equals(t.getKind())
              && route.getMetadata().getName().equals(t.getName()))) {
        LOG.warnf(
            "GatewayDiagnosis %s/%s exists but targets %s; not creating one for %s %s",
            route.getMetadata().getNamespace(),
            gdName,
            t,
            Routes.kind(route),
            route.getMetadata().getName());
      }
    }
  }

  static boolean ownedBy(GatewayDiagnosis gd, io.fabric8.kubernetes.api.model.HasMetadata route) {
    return DiagnosisOwners.ownedBy(gd, route);
  }

  static OwnerReference ownerRef(io.fabric8.kubernetes.api.model.HasMetadata route) {
    return DiagnosisOwners.ownerRef(route, GatewayApi.GROUP + "/v1", Routes.kind(route));
  }
}
