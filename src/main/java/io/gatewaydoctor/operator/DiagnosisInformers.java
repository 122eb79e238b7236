package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.TargetRef;
import io.gatewaydoctor.model.Labels;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The informers the diagnoses read, with their indexes and the pure secondary-to-primary mappers
 * that turn a change of any object on a chain into the diagnoses whose verdict it may change.
 */
final class DiagnosisInformers {
  final IndexerResourceCache<GatewayDiagnosis> diagnoses;
  final InformerEventSource<Ingress, GatewayDiagnosis> ingresses;
  final InformerEventSource<IngressClass, GatewayDiagnosis> classes;
  final InformerEventSource<Service, GatewayDiagnosis> services;
  final InformerEventSource<EndpointSlice, GatewayDiagnosis> slices;
  final InformerEventSource<Pod, GatewayDiagnosis> pods;
  final InformerEventSource<Namespace, GatewayDiagnosis> namespaces;
  final InformerEventSource<NetworkPolicy, GatewayDiagnosis> policies;
  final InformerEventSource<Deployment, GatewayDiagnosis> deployments;
  final InformerEventSource<ReplicaSet, GatewayDiagnosis> replicaSets;

  /** The Gateway API informers: null when the cluster does not serve the API. */
  final InformerEventSource<HTTPRoute, GatewayDiagnosis> routes;

  /** GRPCRoutes: null when the cluster does not serve them. */
  final InformerEventSource<
          io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute, GatewayDiagnosis>
      grpcRoutes;

  final InformerEventSource<Gateway, GatewayDiagnosis> gateways;
  final InformerEventSource<GatewayClass, GatewayDiagnosis> gatewayClasses;
  final InformerEventSource<ReferenceGrant, GatewayDiagnosis> grants;

  /** BackendTLSPolicies (v1 or v1alpha3, as served), or null. */
  final InformerEventSource<? extends io.fabric8.kubernetes.api.model.HasMetadata, GatewayDiagnosis>
      tlsPolicies;

  /** {@code trustedControllerNamespace}: where a pod may be the ingress controller's. */
  DiagnosisInformers(
      EventSourceContext<GatewayDiagnosis> ctx, Predicate<String> trustedControllerNamespace) {
    this(ctx, trustedControllerNamespace, java.util.List.of(), false, false, false, null);
  }

  /**
   * {@code gatewayApi}: the cluster serves HTTPRoutes, Gateways and GatewayClasses
   * (gateway.networking.k8s.io/v1); {@code grantsServed}: and ReferenceGrants (v1beta1).
   */
  DiagnosisInformers(
      EventSourceContext<GatewayDiagnosis> ctx,
      Predicate<String> trustedControllerNamespace,
      java.util.Collection<String> controllerNamespaces,
      boolean gatewayApi,
      boolean grantsServed,
      boolean grpcServed,
      String tlsPoliciesServed) {
    diagnoses = ctx.getPrimaryCache();
    diagnoses.addIndexer(Indexes.BY_TARGET, Indexes::diagnosisTarget);
    ingresses = informer(ctx, Ingress.class, i -> forIngresses(Stream.of(i)), true);
    ingresses.addIndexers(
        Map.of(
            Indexes.BY_SERVICE, Indexes::ingressServices, Indexes.BY_CLASS, Indexes::ingressClass));
    classes =
        informer(
            ctx,
            IngressClass.class,
            c ->
                forIngresses(
                    Stream.concat(
                        indexed(ingresses, Indexes.BY_CLASS, c.getMetadata().getName()).stream(),
                        indexed(ingresses, Indexes.BY_CLASS, Indexes.NO_CLASS).stream())),
            false);
    services =
        informer(
            ctx,
            Service.class,
            s ->
                forServiceKeys(
                    Stream.of(key(s.getMetadata().getNamespace(), s.getMetadata().getName()))),
            true);
    services.addIndexer(Indexes.BY_SELECTOR_PAIR, Indexes::serviceSelectorPairs);
    slices =
        informer(
            ctx,
            EndpointSlice.class,
            es -> forServiceKeys(Indexes.sliceService(es).stream()),
            true);
    slices.addIndexer(Indexes.BY_SERVICE, Indexes::sliceService);
    pods =
        informer(
            ctx,
            Pod.class,
            p -> {
              Set<ResourceID> out =
                  new java.util.HashSet<>(
                      forServiceKeys(
                          servicesSelecting(
                              Indexes.podLabelPairs(p), p.getMetadata().getLabels())));
              if (!Indexes.gatewayPod(p, trustedControllerNamespace)
                  .isEmpty()) { // a gateway pod moved: every target behind a NetworkPolicy may
                // change
                out.addAll(behindNetworkPolicies());
              }
              return out;
            },
            podNamespaces(ctx, controllerNamespaces),
            Indexes::podUpdateMatters,
            // one informer over every namespace: its store may slim the pods it holds
            ctx.getControllerConfiguration().getInformerConfig().watchAllNamespaces()
                    || controllerNamespaces.contains("*")
                ? new SlimPods(trustedControllerNamespace)
                : null);
    pods.addIndexers(
        Map.of(
            Indexes.BY_LABEL_PAIR,
            Indexes::podLabelPairs,
            Indexes.BY_GATEWAY,
            p -> Indexes.gatewayPod(p, trustedControllerNamespace)));
    policies =
        informer(
            ctx,
            NetworkPolicy.class,
            np ->
                diagnoses
                    .list(np.getMetadata().getNamespace())
                    .map(ResourceID::fromResource)
                    .collect(Collectors.toSet()),
            true);
    deployments =
        informer(
            ctx,
            Deployment.class,
            d ->
                forServiceKeys(
                    servicesSelecting(
                        Indexes.templateLabelPairs(d),
                        d.getSpec() == null
                                || d.getSpec().getTemplate() == null
                                || d.getSpec().getTemplate().getMetadata() == null
                            ? null
                            : d.getSpec().getTemplate().getMetadata().getLabels())),
            true);
    replicaSets =
        informer(
            ctx,
            ReplicaSet.class,
            rs ->
                forServiceKeys(
                    servicesSelecting(
                        Indexes.templateLabelPairs(rs),
                        rs.getSpec() == null
                                || rs.getSpec().getTemplate() == null
                                || rs.getSpec().getTemplate().getMetadata() == null
                            ? null
                            : rs.getSpec().getTemplate().getMetadata().getLabels())),
            true);
    replicaSets.addIndexer(Indexes.BY_OWNER, Indexes::replicaSetOwner);
    if (gatewayApi) {
      routes = informer(ctx, HTTPRoute.class, r -> forRoutes(Stream.of(r)), true);
      routes.addIndexers(routeIndexers());
      grpcRoutes =
          grpcServed
              ? informer(
                  ctx,
                  io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute.class,
                  r -> forRoutes(Stream.of(r)),
                  true)
              : null;
      if (grpcRoutes != null) {
        grpcRoutes.addIndexers(routeIndexers());
      }
      // a route's parent Gateway usually lives in another namespace (the platform team's)
      gateways =
          informer(
              ctx,
              Gateway.class,
              g ->
                  forRoutes(
                      routesByIndex(
                          Indexes.BY_PARENT,
                          key(g.getMetadata().getNamespace(), g.getMetadata().getName()))),
              (Set<String>) null,
              Indexes::gatewayUpdateMatters,
              null);
      gatewayClasses =
          informer(
              ctx,
              GatewayClass.class,
              c ->
                  forRoutes(
                      Stream.concat(
                          routes.list(), grpcRoutes == null ? Stream.empty() : grpcRoutes.list())),
              false);
      grants =
          grantsServed
              ? informer(
                  ctx,
                  ReferenceGrant.class,
                  g ->
                      forRoutes(
                          routesByIndex(
                              Indexes.BY_BACKEND_NAMESPACE, g.getMetadata().getNamespace())),
                  false)
              : null;
      tlsPolicies =
          "v1".equals(tlsPoliciesServed)
              ? informer(
                  ctx,
                  io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy.class,
                  p -> forServiceKeys(Indexes.tlsPolicyServices(p).stream()),
                  true)
              : "v1alpha3".equals(tlsPoliciesServed)
                  ? informer(
                      ctx,
                      io.fabric8.kubernetes.api.model.gatewayapi.v1alpha3.BackendTLSPolicy.class,
                      p -> forServiceKeys(Indexes.tlsPolicyServices(p).stream()),
                      true)
                  : null;
    } else {
      routes = null;
      grpcRoutes = null;
      gateways = null;
      gatewayClasses = null;
      grants = null;
      tlsPolicies = null;
    }
    namespaces =
        informer(
            ctx,
            Namespace.class,
            n -> {
              Set<ResourceID> out =
                  diagnoses
                      .list(n.getMetadata().getName())
                      .map(ResourceID::fromResource)
                      .collect(Collectors.toCollection(java.util.HashSet::new));
              if (indexed(pods, Indexes.BY_GATEWAY, Indexes.GATEWAY).stream()
                  .anyMatch(
                      g -> n.getMetadata().getName().equals(g.getMetadata().getNamespace()))) {
                out.addAll(
                    behindNetworkPolicies()); // namespaceSelectors may now admit the gateway, or
                // stop to
              }
              return out;
            },
            false);
  }

  List<EventSource<?, GatewayDiagnosis>> all() {
    List<EventSource<?, GatewayDiagnosis>> out =
        new java.util.ArrayList<>(
            List.of(
                ingresses,
                classes,
                services,
                slices,
                pods,
                namespaces,
                policies,
                deployments,
                replicaSets));
    Stream.of(routes, grpcRoutes, gateways, gatewayClasses, grants, tlsPolicies)
        .filter(java.util.Objects::nonNull)
        .forEach(out::add);
    return out;
  }

  /** Whether every informer a verdict reads is watching and synced. */
  boolean watching() {
    return Stream.of(ingresses, services, slices, pods, deployments, replicaSets, namespaces)
        .allMatch(i -> i.getStatus() == io.javaoperatorsdk.operator.health.Status.HEALTHY);
  }

  ChainGatherer.Caches caches() {
    return new ChainGatherer.Caches(
        services,
        slices,
        pods,
        classes,
        namespaces,
        policies,
        deployments,
        replicaSets,
        gateways,
        gatewayClasses,
        grants,
        tlsPolicies);
  }

  private <R extends io.fabric8.kubernetes.api.model.HasMetadata>
      InformerEventSource<R, GatewayDiagnosis> informer(
          EventSourceContext<GatewayDiagnosis> ctx,
          Class<R> type,
          io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper<R> mapper,
          boolean namespaced) {
    return informer(ctx, type, mapper, namespaced ? INHERITED : null, null, null);
  }

  /**
   * The indexes of HTTPRoutes and GRPCRoutes alike: by Service, parent Gateway, backends'
   * namespace.
   */
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata>
      Map<String, java.util.function.Function<R, List<String>>> routeIndexers() {
    return Map.of(
        Indexes.BY_SERVICE,
        Indexes::routeServices,
        Indexes.BY_PARENT,
        Indexes::routeParents,
        Indexes.BY_BACKEND_NAMESPACE,
        Indexes::routeBackendNamespaces);
  }

  /** Marks an informer that watches the controller's namespaces; null: every namespace. */
  private static final Set<String> INHERITED =
      java.util.Collections.unmodifiableSet(new java.util.HashSet<>());

  /**
   * Where pods are watched: the controller's namespaces (a shard's, or every one) and, when those
   * are a list, the namespaces trusted to run the gateway too (its pods are where the evidence
   * comes from; no diagnosis is made there unless that namespace is watched as well).
   */
  static Set<String> podNamespaces(
      EventSourceContext<GatewayDiagnosis> ctx, java.util.Collection<String> controllerNamespaces) {
    var config = ctx.getControllerConfiguration().getInformerConfig();
    if (config.watchAllNamespaces()
        || config.watchCurrentNamespace()
        || controllerNamespaces.isEmpty()
        || config.getNamespaces().stream().anyMatch(n -> n.startsWith("JOSDK_"))) {
      return INHERITED; // JOSDK takes its markers (JOSDK_WATCH_CURRENT) only alone
    }
    if (controllerNamespaces.contains("*")) {
      return null;
    }
    Set<String> out = new java.util.TreeSet<>(config.getNamespaces());
    out.addAll(controllerNamespaces);
    return out;
  }

  private <R extends io.fabric8.kubernetes.api.model.HasMetadata>
      InformerEventSource<R, GatewayDiagnosis> informer(
          EventSourceContext<GatewayDiagnosis> ctx,
          Class<R> type,
          io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper<R> mapper,
          Set<String> namespaces,
          io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter<R> onUpdate,
          io.fabric8.kubernetes.client.informers.cache.ItemStore<R> store) {
    var b =
        InformerEventSourceConfiguration.from(type, GatewayDiagnosis.class)
            .withName(type.getSimpleName())
            .withSecondaryToPrimaryMapper(
                r -> {
                  Set<ResourceID> ids = mapper.toPrimaryResourceIDs(r);
                  onChange.accept(ids);
                  return ids;
                });
    if (onUpdate != null) {
      b.withOnUpdateFilter(onUpdate);
    }
    if (store != null) {
      b.withItemStore(store);
    }
    if (namespaces == INHERITED) {
      b.withNamespacesInheritedFromController();
    } else if (namespaces == null) {
      b.withWatchAllNamespaces();
    } else {
      b.withNamespaces(namespaces);
    }
    return new InformerEventSource<>(b.build(), ctx);
  }

  /** Told the targets that an event of a watched object maps to (ChangeFirst). */
  private volatile java.util.function.Consumer<Set<ResourceID>> onChange = ids -> {};

  /** Whom to tell the targets of each event of a watched object. */
  void onChange(java.util.function.Consumer<Set<ResourceID>> onChange) {
    this.onChange = onChange;
  }

  private static String key(String ns, String name) {
    return ns + "/" + name;
  }

  /** The diagnoses of every namespace that has a NetworkPolicy. */
  Set<ResourceID> behindNetworkPolicies() {
    return policies
        .list(np -> true)
        .map(np -> np.getMetadata().getNamespace())
        .distinct()
        .flatMap(ns -> diagnoses.list(ns))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private Stream<String> servicesSelecting(List<String> labelPairs, Map<String, String> labels) {
    return labelPairs.stream()
        .flatMap(pair -> indexed(services, Indexes.BY_SELECTOR_PAIR, pair).stream())
        .filter(s -> Labels.matches(s.getSpec().getSelector(), labels))
        .map(s -> key(s.getMetadata().getNamespace(), s.getMetadata().getName()))
        .distinct();
  }

  private Set<ResourceID> forServiceKeys(Stream<String> serviceKeys) {
    List<String> keys = serviceKeys.toList();
    Set<ResourceID> out =
        new java.util.HashSet<>(
            forIngresses(
                keys.stream().flatMap(k -> indexed(ingresses, Indexes.BY_SERVICE, k).stream())));
    if (routes != null) {
      out.addAll(forRoutes(keys.stream().flatMap(k -> routesByIndex(Indexes.BY_SERVICE, k))));
    }
    return out;
  }

  /** The routes of both kinds under an index key. */
  private Stream<io.fabric8.kubernetes.api.model.HasMetadata> routesByIndex(
      String index, String key) {
    Stream<io.fabric8.kubernetes.api.model.HasMetadata> http =
        routes == null ? Stream.empty() : indexed(routes, index, key).stream().map(r -> r);
    Stream<io.fabric8.kubernetes.api.model.HasMetadata> grpc =
        grpcRoutes == null ? Stream.empty() : indexed(grpcRoutes, index, key).stream().map(r -> r);
    return Stream.concat(http, grpc);
  }

  /** A route target by kind, from its cache; empty when that kind is not watched. */
  java.util.Optional<io.fabric8.kubernetes.api.model.HasMetadata> route(
      String kind, ResourceID id) {
    if (io.gatewaydoctor.model.Routes.HTTP.equals(kind) && routes != null) {
      return routes.get(id).map(r -> r);
    }
    if (io.gatewaydoctor.model.Routes.GRPC.equals(kind) && grpcRoutes != null) {
      return grpcRoutes.get(id).map(r -> r);
    }
    return java.util.Optional.empty();
  }

  private Set<ResourceID> forRoutes(
      Stream<? extends io.fabric8.kubernetes.api.model.HasMetadata> found) {
    return found
        .flatMap(
            r ->
                diagnoses
                    .byIndex(
                        Indexes.BY_TARGET,
                        Indexes.targetKey(
                            r.getMetadata().getNamespace(),
                            io.gatewaydoctor.model.Routes.kind(r),
                            r.getMetadata().getName()))
                    .stream())
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private Set<ResourceID> forIngresses(Stream<Ingress> found) {
    return found
        .flatMap(
            i ->
                diagnoses
                    .byIndex(
                        Indexes.BY_TARGET,
                        Indexes.targetKey(
                            i.getMetadata().getNamespace(),
                            TargetRef.INGRESS,
                            i.getMetadata().getName()))
                    .stream())
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /**
   * An informer's index, empty before the informer has started: a mapper of one informer may run
   * while the others are still starting (JOSDK starts them at once), and every primary is
   * reconciled once they all have, so nothing is lost. Without this, an early event failed the
   * operator's start (a NullPointerException in JOSDK's byIndex, seen in DemoIT).
   */
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> List<R> indexed(
      InformerEventSource<R, ?> source, String index, String key) {
    return source == null || !source.isRunning() ? List.of() : source.byIndex(index, key);
  }
}
