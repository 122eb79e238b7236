package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.gateway.IngressNginx;
import io.gatewaydoctor.gateway.UpstreamNames;
import io.gatewaydoctor.model.ChainResolver;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.ControllerConfig;
import io.gatewaydoctor.model.Labels;
import io.gatewaydoctor.model.Pods;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Does the I/O for one target: reads its backend chain from the informer caches (index lookups: the
 * Services, slices, pods and their Deployments, the namespace's NetworkPolicies and, when there are
 * any, the ingress controller's pods), the TLS secrets it names (metadata only, by GET) and the
 * ConfigMap the controller's pods name (by GET, cached: {@link ControllerConfigMaps}), and returns
 * the snapshot the pure core reads.
 */
final class ChainGatherer {
  /** The informer caches the chain is read from. */
  record Caches(
      InformerEventSource<Service, ?> services,
      InformerEventSource<EndpointSlice, ?> slices,
      InformerEventSource<Pod, ?> pods,
      InformerEventSource<IngressClass, ?> classes,
      InformerEventSource<Namespace, ?> namespaces,
      InformerEventSource<NetworkPolicy, ?> policies,
      InformerEventSource<Deployment, ?> deployments,
      InformerEventSource<io.fabric8.kubernetes.api.model.apps.ReplicaSet, ?> replicaSets,
      InformerEventSource<io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway, ?> gateways,
      InformerEventSource<io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass, ?>
          gatewayClasses,
      InformerEventSource<io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant, ?>
          grants,
      InformerEventSource<? extends HasMetadata, ?> tlsPolicies) {}

  static final List<String> KNOWN_KINDS =
      List.of(
          "Ingress",
          "IngressClass",
          "Service",
          "EndpointSlice",
          "Pod",
          "Namespace",
          "NetworkPolicy",
          "Deployment",
          "ReplicaSet");

  private final KubernetesClient client;
  private final Caches c;
  private final boolean tlsSecretCheck;

  private final List<String> controllerNamespaces;
  private final ControllerConfigMaps configMaps;

  /** The controllers' ConfigMaps, cached (shared with the log streams: one GET per minute each). */
  ControllerConfigMaps configMaps() {
    return configMaps;
  }

  ChainGatherer(
      KubernetesClient client,
      Caches caches,
      boolean tlsSecretCheck,
      List<String> controllerNamespaces,
      java.time.Clock clock) {
    this.client = client;
    this.c = caches;
    this.tlsSecretCheck = tlsSecretCheck;
    this.controllerNamespaces = List.copyOf(controllerNamespaces);
    this.configMaps =
        new ControllerConfigMaps(
            client, n -> ClusterSnapshot.trusts(this.controllerNamespaces, n), clock);
    // the CA ConfigMaps of BackendTLSPolicies in the namespaces watched: ca.crt alone is kept
    this.caConfigMaps =
        new ControllerConfigMaps(
            client,
            n -> true,
            clock,
            MAX_CA_CONFIG_MAPS,
            MAX_CA_CONFIG_MAPS_PER_NAMESPACE,
            Set.of(io.gatewaydoctor.model.BackendTlsPolicies.CA_KEY));
  }

  /** CA ConfigMaps of BackendTLSPolicies kept at most (read by GET, for a minute each). */
  static final int MAX_CA_CONFIG_MAPS = 64;

  /** Of one namespace: one tenant's policies cannot crowd out the others' CAs. */
  static final int MAX_CA_CONFIG_MAPS_PER_NAMESPACE = 16;

  private final ControllerConfigMaps caConfigMaps;

  ClusterSnapshot gather(Ingress ingress) {
    String ns = ingress.getMetadata().getNamespace();
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(ingress);
    c.namespaces().get(new ResourceID(ns)).ifPresent(objects::add);
    c.classes().list(x -> true).forEach(objects::add);
    Set<String> seenDeployments = new java.util.HashSet<>();
    for (var ref : ChainResolver.backendRefs(ingress, new ArrayList<>()).values()) {
      addBackend(ns, ref.service(), objects, seenDeployments);
    }
    // the namespaces that could share an upstream name with this target's (their traffic is then
    // not charged to it)
    for (var ref : ChainResolver.backendRefs(ingress, new ArrayList<>()).values()) {
      for (String other :
          UpstreamNames.otherNamespaces(
              IngressNginx.INSTANCE.upstreamName(ns, ref.service(), ref.portLabel()), ns)) {
        c.namespaces().get(new ResourceID(other)).ifPresent(objects::add);
      }
    }
    List<NetworkPolicy> policies = c.policies().list(ns).toList();
    objects.addAll(policies);
    // the gateway's pods (the ConfigMap they name configures the gateway)
    List<Pod> gateways = addGatewayPods(objects, !policies.isEmpty());
    ControllerConfig.refs(gateways).forEach(ref -> configMaps.get(ref).ifPresent(objects::add));
    List<String> known = new ArrayList<>(KNOWN_KINDS);
    if (tlsSecretCheck && gatherSecrets(ingress, objects)) {
      known.add("Secret");
    }
    return ClusterSnapshot.of(objects, known, controllerNamespaces);
  }

  /** A backend Service of the chain, its slices, its pods and their Deployments and rollouts. */
  private void addBackend(
      String ns, String service, List<HasMetadata> objects, Set<String> seenDeployments) {
    Service svc = c.services().get(new ResourceID(service, ns)).orElse(null);
    if (svc == null) {
      return;
    }
    objects.add(svc);
    objects.addAll(c.slices().byIndex(Indexes.BY_SERVICE, ClusterSnapshot.key(ns, service)));
    Map<String, String> selector = svc.getSpec() == null ? null : svc.getSpec().getSelector();
    String pair = Indexes.firstPair(ns, selector);
    if (pair == null) {
      return;
    }
    for (Pod p : c.pods().byIndex(Indexes.BY_LABEL_PAIR, pair)) {
      if (Labels.matches(selector, p.getMetadata().getLabels())) {
        objects.add(p);
        ResourceRef w = Pods.workload(p);
        if ("Deployment".equals(w.kind) && seenDeployments.add(ns + "/" + w.name)) {
          c.deployments().get(new ResourceID(w.name, ns)).ifPresent(objects::add);
          objects.addAll(
              c.replicaSets().byIndex(Indexes.BY_OWNER, ns + "/" + w.name)); // its rollouts
        }
      }
    }
  }

  /**
   * An HTTPRoute's chain: the route, its parent Gateways and every GatewayClass, the
   * ReferenceGrants of the namespaces it sends to, each backend Service with its slices, pods and
   * Deployments, the NetworkPolicies and Namespaces of those namespaces.
   */
  ClusterSnapshot gatherRoute(HasMetadata route) {
    String ns = route.getMetadata().getNamespace();
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(route);
    List<String> known = new ArrayList<>(KNOWN_KINDS);
    known.addAll(List.of("HTTPRoute", "GRPCRoute", "Gateway", "GatewayClass"));
    if (c.gatewayClasses() != null) {
      c.gatewayClasses().list(x -> true).forEach(objects::add);
    }
    if (c.gateways() != null) {
      for (String parent : Indexes.routeParents(route)) {
        int slash = parent.indexOf('/');
        c.gateways()
            .get(new ResourceID(parent.substring(slash + 1), parent.substring(0, slash)))
            .ifPresent(objects::add);
      }
    }
    Set<String> namespaces = new java.util.TreeSet<>(Indexes.routeBackendNamespaces(route));
    namespaces.add(ns);
    Map<String, List<io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant>> grants =
        new java.util.HashMap<>();
    if (c.grants() != null) {
      known.add("ReferenceGrant");
      for (String n : namespaces) {
        var list = c.grants().list(n).toList();
        grants.put(n, list); // one read: consent is judged on what the snapshot holds
        objects.addAll(list);
      }
    }
    Set<String> seenDeployments = new java.util.HashSet<>();
    for (String key : Indexes.routeServices(route)) {
      int slash = key.indexOf('/');
      String bns = key.substring(0, slash);
      String svc = key.substring(slash + 1);
      // another namespace's Service is read only where a ReferenceGrant there lets this route
      // reach it: without its consent, its pods are not this route's to look at (or to probe)
      if (!bns.equals(ns)
          && (c.grants() == null
              || !io.gatewaydoctor.model.ReferenceGrants.permits(
                  grants.getOrDefault(bns, List.of()),
                  io.gatewaydoctor.model.Routes.kind(route),
                  ns,
                  svc))) {
        continue;
      }
      addBackend(bns, svc, objects, seenDeployments);
    }
    boolean policies = false;
    for (String n :
        namespaces.stream()
            .filter(
                n ->
                    n.equals(ns)
                        || objects.stream()
                            .anyMatch(
                                o ->
                                    o instanceof Service
                                        && n.equals(o.getMetadata().getNamespace())))
            .toList()) {
      c.namespaces().get(new ResourceID(n)).ifPresent(objects::add);
      List<NetworkPolicy> nps = c.policies().list(n).toList();
      objects.addAll(nps);
      policies |= !nps.isEmpty();
    }
    addGatewayPods(objects, policies);
    addBackendTlsPolicies(objects, known);
    return ClusterSnapshot.of(objects, known, controllerNamespaces);
  }

  /**
   * The BackendTLSPolicies of the backend Services' namespaces that target one of them, and the CA
   * ConfigMaps they name (by GET, cached): one that is not there is known missing, one that could
   * not be read stays unknown.
   */
  private void addBackendTlsPolicies(List<HasMetadata> objects, List<String> known) {
    if (c.tlsPolicies() == null) {
      return;
    }
    known.add("BackendTLSPolicy");
    Set<String> services = new java.util.HashSet<>();
    objects.stream()
        .filter(o -> o instanceof Service)
        .forEach(
            o -> services.add(o.getMetadata().getNamespace() + "/" + o.getMetadata().getName()));
    Set<String> namespaces = new java.util.TreeSet<>();
    services.forEach(k -> namespaces.add(k.substring(0, k.indexOf('/'))));
    for (String n : namespaces) {
      for (HasMetadata p : c.tlsPolicies().list(n).toList()) {
        if (Indexes.tlsPolicyServices(p).stream().noneMatch(services::contains)) {
          continue;
        }
        objects.add(p);
        for (String name : io.gatewaydoctor.model.BackendTlsPolicies.caConfigMaps(p)) {
          ControllerConfigMaps.Lookup l = caConfigMaps.lookup(n + "/" + name);
          l.value().ifPresent(objects::add);
          known.add(
              l.known()
                  ? ClusterSnapshot.lookedUp("ConfigMap", n, name)
                  : ClusterSnapshot.unreadable("ConfigMap", n, name));
        }
      }
    }
  }

  /**
   * Adds the gateway's pods not in {@code objects} yet and, when a NetworkPolicy is in the chain,
   * their namespaces, to tell whether the policies admit them; returns the gateway's pods.
   */
  private List<Pod> addGatewayPods(List<HasMetadata> objects, boolean policies) {
    Set<String> have = new java.util.HashSet<>();
    objects.stream()
        .filter(o -> o instanceof Pod)
        .forEach(o -> have.add(ResourceID.fromResource(o).toString()));
    List<Pod> gateways = c.pods().byIndex(Indexes.BY_GATEWAY, Indexes.GATEWAY);
    for (Pod g : gateways) {
      if (have.add(ResourceID.fromResource(g).toString())) {
        objects.add(g);
        if (policies) {
          c.namespaces()
              .get(new ResourceID(g.getMetadata().getNamespace()))
              .ifPresent(objects::add);
        }
      }
    }
    return gateways;
  }

  /**
   * Adds the metadata of the TLS secrets that exist; false when their existence could not be read.
   */
  private boolean gatherSecrets(Ingress ingress, List<HasMetadata> objects) {
    if (ingress.getSpec() == null || ingress.getSpec().getTls() == null) {
      return true;
    }
    String ns = ingress.getMetadata().getNamespace();
    Set<String> names = new java.util.TreeSet<>();
    ingress.getSpec().getTls().stream()
        .filter(t -> t != null && t.getSecretName() != null && !t.getSecretName().isBlank())
        .forEach(t -> names.add(t.getSecretName()));
    try {
      for (String name : names) {
        // metadata only (SecretMetadata): not the Secret's data
        if (io.gatewaydoctor.sources.SecretMetadata.exists(client, ns, name)) {
          Secret meta = new Secret();
          meta.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
          objects.add(meta);
        }
      }
      return true;
    } catch (KubernetesClientException e) {
      return false; // e.g. 403: existence unknown, so the rule stays silent
    }
  }
}
