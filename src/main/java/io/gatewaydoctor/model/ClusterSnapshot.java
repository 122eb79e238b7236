package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * An immutable view of the objects the analysis may look at. The operator fills it from informer
 * caches, {@code analyze} and the tests from YAML. Kinds the source did not provide at all are
 * "unknown": a rule must not conclude that an object is missing when its kind was never listed.
 */
public final class ClusterSnapshot {
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final Map<String, Namespace> namespaces = new HashMap<>();
  private final Map<String, IngressClass> ingressClasses = new HashMap<>();
  private final Map<String, Ingress> ingresses = new HashMap<>();
  private final Map<String, HTTPRoute> httpRoutes = new HashMap<>();
  private final Map<String, io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute> grpcRoutes =
      new HashMap<>();
  private final Map<String, Gateway> gateways = new HashMap<>();
  private final Map<String, GatewayClass> gatewayClasses = new HashMap<>();
  private final Map<String, List<ReferenceGrant>> referenceGrants = new HashMap<>();
  private final Map<String, List<HasMetadata>> backendTlsPolicies = new HashMap<>();
  private final Map<String, Service> services = new HashMap<>();
  private final Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
  private final Map<String, List<Pod>> podsByNamespace = new HashMap<>();

  /**
   * namespace → "key=value" → pods carrying that label: selector lookups start from the rarest
   * pair.
   */
  private final Map<String, Map<String, List<Pod>>> podsByLabel = new HashMap<>();

  private final Map<String, List<NetworkPolicy>> policiesByNamespace = new HashMap<>();
  private final Map<String, Deployment> deployments = new HashMap<>();
  private final Map<String, ReplicaSet> replicaSets = new HashMap<>();
  private final Map<String, Object> memo = new ConcurrentHashMap<>();
  private final Map<String, Secret> secrets = new HashMap<>();
  private final Map<String, ConfigMap> configMaps = new HashMap<>();
  private final Set<String> knownKinds = new HashSet<>();

  /**
   * The namespaces whose pods may be taken for the ingress controller's; null: any (tests, labs).
   */
  private Set<String> gatewayNamespaces;

  private ClusterSnapshot() {}

  /**
   * Builds a snapshot; every kind in {@code knownKinds} counts as listed even with no object.
   * Controller pods are trusted anywhere.
   */
  public static ClusterSnapshot of(
      Collection<? extends HasMetadata> objects, Collection<String> knownKinds) {
    return of(objects, knownKinds, null);
  }

  /**
   * Builds a snapshot whose ingress-controller pods are only those in {@code gatewayNamespaces}
   * (null or containing "*": any namespace). A pod elsewhere that looks like a controller is an
   * ordinary pod: its log is not read, and NetworkPolicy advice does not name it.
   */
  public static ClusterSnapshot of(
      Collection<? extends HasMetadata> objects,
      Collection<String> knownKinds,
      Collection<String> gatewayNamespaces) {
    ClusterSnapshot s = new ClusterSnapshot();
    s.gatewayNamespaces =
        gatewayNamespaces == null || gatewayNamespaces.contains(ANY_NAMESPACE)
            ? null
            : Set.copyOf(gatewayNamespaces);
    s.knownKinds.addAll(knownKinds);
    for (HasMetadata o : objects) {
      if (o == null || o.getMetadata() == null || o.getMetadata().getName() == null) {
        continue;
      }
      s.knownKinds.add(o.getKind() == null ? o.getClass().getSimpleName() : o.getKind());
      String key = key(o.getMetadata().getNamespace(), o.getMetadata().getName());
      if (o instanceof Namespace n) {
        s.namespaces.put(n.getMetadata().getName(), n);
      } else if (o instanceof IngressClass c) {
        s.ingressClasses.put(c.getMetadata().getName(), c);
      } else if (o instanceof Ingress i) {
        s.ingresses.put(key, i);
      } else if (o instanceof HTTPRoute r) {
        s.httpRoutes.put(key, r);
      } else if (o instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute r) {
        s.grpcRoutes.put(key, r);
      } else if (o instanceof Gateway g) {
        s.gateways.put(key, g);
      } else if (o instanceof GatewayClass gc) {
        s.gatewayClasses.put(gc.getMetadata().getName(), gc);
      } else if (o instanceof ReferenceGrant rg) {
        s.referenceGrants
            .computeIfAbsent(nz(rg.getMetadata().getNamespace()), k -> new ArrayList<>())
            .add(rg);
      } else if (BackendTlsPolicies.is(o)) {
        s.backendTlsPolicies
            .computeIfAbsent(nz(o.getMetadata().getNamespace()), k -> new ArrayList<>())
            .add(o);
      } else if (o instanceof Service svc) {
        s.services.put(key, svc);
      } else if (o instanceof EndpointSlice es) {
        String svcName =
            es.getMetadata().getLabels() == null
                ? null
                : es.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
        if (svcName != null) {
          s.slicesByService
              .computeIfAbsent(
                  key(es.getMetadata().getNamespace(), svcName), k -> new ArrayList<>())
              .add(es);
        }
      } else if (o instanceof Pod p) {
        String ns = nz(p.getMetadata().getNamespace());
        s.podsByNamespace.computeIfAbsent(ns, k -> new ArrayList<>()).add(p);
        if (p.getMetadata().getLabels() != null) {
          Map<String, List<Pod>> byLabel = s.podsByLabel.computeIfAbsent(ns, k -> new HashMap<>());
          p.getMetadata()
              .getLabels()
              .forEach(
                  (k, v) -> byLabel.computeIfAbsent(k + "=" + v, x -> new ArrayList<>()).add(p));
        }
      } else if (o instanceof NetworkPolicy np) {
        s.policiesByNamespace
            .computeIfAbsent(nz(np.getMetadata().getNamespace()), k -> new ArrayList<>())
            .add(np);
      } else if (o instanceof Deployment d) {
        s.deployments.put(key, d);
      } else if (o instanceof ReplicaSet rs) {
        s.replicaSets.put(key, rs);
      } else if (o instanceof Secret sec) {
        s.secrets.put(key, sec);
      } else if (o instanceof ConfigMap cm) {
        s.configMaps.put(key, cm);
      }
    }
    return s;
  }

  public static String key(String namespace, String name) {
    return nz(namespace) + "/" + name;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  public boolean knows(String kind) {
    return knownKinds.contains(kind);
  }

  /**
   * The known-kind word for one object read by name ("ConfigMap shop/web-ca"): in a snapshot's
   * known kinds, its absence from the snapshot means it does not exist.
   */
  public static String lookedUp(String kind, String namespace, String name) {
    return kind + " " + nz(namespace) + "/" + name;
  }

  /**
   * The known-kind word for one object that could not be read (forbidden): its absence from the
   * snapshot says nothing, even where other objects of its kind were read.
   */
  public static String unreadable(String kind, String namespace, String name) {
    return "unreadable " + lookedUp(kind, namespace, name);
  }

  public Optional<Ingress> ingress(String ns, String name) {
    return Optional.ofNullable(ingresses.get(key(ns, name)));
  }

  public Collection<Ingress> ingresses() {
    return ingresses.values();
  }

  public Optional<HTTPRoute> httpRoute(String ns, String name) {
    return Optional.ofNullable(httpRoutes.get(key(ns, name)));
  }

  public Collection<HTTPRoute> httpRoutes() {
    return httpRoutes.values();
  }

  public Collection<io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute> grpcRoutes() {
    return grpcRoutes.values();
  }

  /** Every route (HTTPRoute, GRPCRoute) of the view. */
  public java.util.List<HasMetadata> routes() {
    java.util.List<HasMetadata> out = new java.util.ArrayList<>(httpRoutes.values());
    out.addAll(grpcRoutes.values());
    return out;
  }

  public Optional<Gateway> gateway(String ns, String name) {
    return Optional.ofNullable(gateways.get(key(ns, name)));
  }

  public Optional<GatewayClass> gatewayClass(String name) {
    return Optional.ofNullable(gatewayClasses.get(name));
  }

  /** The ReferenceGrants of a namespace (they live beside what they grant access to). */
  public List<ReferenceGrant> referenceGrants(String ns) {
    return referenceGrants.getOrDefault(nz(ns), List.of());
  }

  /** The BackendTLSPolicies of a namespace (v1 or v1alpha3; they live beside their Services). */
  public List<HasMetadata> backendTlsPolicies(String ns) {
    return backendTlsPolicies.getOrDefault(nz(ns), List.of());
  }

  public Optional<Service> service(String ns, String name) {
    return Optional.ofNullable(services.get(key(ns, name)));
  }

  public List<EndpointSlice> endpointSlices(String ns, String service) {
    return slicesByService.getOrDefault(key(ns, service), List.of());
  }

  /** The word that trusts controller pods in every namespace. */
  public static final String ANY_NAMESPACE = "*";

  /** Whether {@code namespace} is one of {@code trusted} ("*": any). */
  public static boolean trusts(Collection<String> trusted, String namespace) {
    return trusted.contains(ANY_NAMESPACE) || trusted.contains(namespace);
  }

  /** Whether a pod in this namespace may be taken for the ingress controller's. */
  public boolean gatewayNamespace(String namespace) {
    return gatewayNamespaces == null || gatewayNamespaces.contains(namespace);
  }

  /** Whether the snapshot holds any ConfigMap of the namespace (a dump that listed them). */
  public boolean hasConfigMapsIn(String ns) {
    String prefix = nz(ns) + "/";
    return configMaps.keySet().stream().anyMatch(k -> k.startsWith(prefix));
  }

  /**
   * A ConfigMap (the operator's snapshots hold only those of the controllers, {@link
   * ControllerConfig}, and the CA ConfigMaps of BackendTLSPolicies).
   */
  public Optional<ConfigMap> configMap(String ns, String name) {
    return Optional.ofNullable(configMaps.get(key(ns, name)));
  }

  public Optional<Namespace> namespace(String name) {
    return Optional.ofNullable(namespaces.get(name));
  }

  public Optional<IngressClass> ingressClass(String name) {
    return Optional.ofNullable(ingressClasses.get(name));
  }

  public Collection<IngressClass> ingressClasses() {
    return ingressClasses.values();
  }

  /**
   * Pods of the namespace whose labels carry every pair of the selector; none for an empty
   * selector.
   */
  public List<Pod> pods(String ns, Map<String, String> selector) {
    if (selector == null || selector.isEmpty()) {
      return List.of();
    }
    Map<String, List<Pod>> byLabel = podsByLabel.getOrDefault(nz(ns), Map.of());
    List<Pod> candidates = null;
    for (Map.Entry<String, String> e : selector.entrySet()) {
      List<Pod> withPair = byLabel.getOrDefault(e.getKey() + "=" + e.getValue(), List.of());
      if (candidates == null || withPair.size() < candidates.size()) {
        candidates = withPair;
      }
    }
    List<Pod> out = new ArrayList<>();
    for (Pod p : candidates) {
      if (Labels.matches(selector, p.getMetadata().getLabels())) {
        out.add(p);
      }
    }
    return out;
  }

  /** Every pod of the input, in no particular order. */
  public List<Pod> allPods() {
    List<Pod> out = new ArrayList<>();
    podsByNamespace.values().forEach(out::addAll);
    return out;
  }

  public List<NetworkPolicy> networkPolicies(String ns) {
    return policiesByNamespace.getOrDefault(nz(ns), List.of());
  }

  public Optional<Deployment> deployment(String ns, String name) {
    return Optional.ofNullable(deployments.get(key(ns, name)));
  }

  public Optional<ReplicaSet> replicaSet(String ns, String name) {
    return Optional.ofNullable(replicaSets.get(key(ns, name)));
  }

  /**
   * The ReplicaSets a Deployment owns, as the input has them: by the Deployment's uid when the
   * input has the Deployment (a ReplicaSet left from a deleted Deployment of the same name, or one
   * written by hand with its name, is not its), else by name.
   */
  public List<ReplicaSet> replicaSetsOf(String ns, String deployment) {
    Deployment d = deployments.get(key(ns, deployment));
    HasMetadata owner =
        d != null
            ? d
            : new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewMetadata()
                .withName(deployment)
                .withNamespace(ns)
                .endMetadata()
                .build();
    List<ReplicaSet> out = new ArrayList<>();
    for (ReplicaSet rs : replicaSets.values()) {
      if (ns.equals(rs.getMetadata().getNamespace()) && Pods.ownedBy(rs, owner)) {
        out.add(rs);
      }
    }
    return out;
  }

  /**
   * The labels of a namespace as a namespaceSelector sees them. {@code complete} is false when the
   * Namespace object is not in the input: then only the automatic kubernetes.io/metadata.name is
   * known.
   */
  public record NamespaceLabels(Map<String, String> labels, boolean complete) {}

  public NamespaceLabels namespaceLabels(String name) {
    Map<String, String> labels = new TreeMap<>();
    Namespace n = namespaces.get(name);
    if (n != null && n.getMetadata().getLabels() != null) {
      labels.putAll(n.getMetadata().getLabels());
    }
    labels.put("kubernetes.io/metadata.name", name);
    return new NamespaceLabels(labels, n != null);
  }

  /** A value derived from the snapshot, computed once (the snapshot never changes). */
  @SuppressWarnings("unchecked")
  public <T> T memo(String key, Supplier<T> compute) {
    Object v = memo.get(key);
    if (v == null) {
      v = compute.get();
      memo.put(key, v);
    }
    return (T) v;
  }

  public enum Presence {
    PRESENT,
    ABSENT,
    UNKNOWN
  }

  public Presence secret(String ns, String name) {
    if (secrets.containsKey(key(ns, name))) {
      return Presence.PRESENT;
    }
    return knows("Secret") ? Presence.ABSENT : Presence.UNKNOWN;
  }
}
