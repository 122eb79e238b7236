package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
  private final Map<String, Service> services = new HashMap<>();
  private final Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
  private final Map<String, List<Pod>> podsByNamespace = new HashMap<>();
  private final Map<String, Secret> secrets = new HashMap<>();
  private final Set<String> knownKinds = new HashSet<>();

  private ClusterSnapshot() {}

  /** Builds a snapshot; every kind in {@code knownKinds} counts as listed even with no object. */
  public static ClusterSnapshot of(Collection<? extends HasMetadata> objects, Collection<String> knownKinds) {
    ClusterSnapshot s = new ClusterSnapshot();
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
      } else if (o instanceof Service svc) {
        s.services.put(key, svc);
      } else if (o instanceof EndpointSlice es) {
        String svcName = es.getMetadata().getLabels() == null ? null
            : es.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
        if (svcName != null) {
          s.slicesByService.computeIfAbsent(key(es.getMetadata().getNamespace(), svcName),
              k -> new ArrayList<>()).add(es);
        }
      } else if (o instanceof Pod p) {
        s.podsByNamespace.computeIfAbsent(nz(p.getMetadata().getNamespace()), k -> new ArrayList<>()).add(p);
      } else if (o instanceof Secret sec) {
        s.secrets.put(key, sec);
      }
    }
    return s;
  }

  public static String key(String namespace, String name) { return nz(namespace) + "/" + name; }

  private static String nz(String s) { return s == null ? "" : s; }

  public boolean knows(String kind) { return knownKinds.contains(kind); }

  public Optional<Ingress> ingress(String ns, String name) { return Optional.ofNullable(ingresses.get(key(ns, name))); }

  public Collection<Ingress> ingresses() { return ingresses.values(); }

  public Optional<Service> service(String ns, String name) { return Optional.ofNullable(services.get(key(ns, name))); }

  public List<EndpointSlice> endpointSlices(String ns, String service) {
    return slicesByService.getOrDefault(key(ns, service), List.of());
  }

  public Optional<Namespace> namespace(String name) { return Optional.ofNullable(namespaces.get(name)); }

  public Optional<IngressClass> ingressClass(String name) { return Optional.ofNullable(ingressClasses.get(name)); }

  public Collection<IngressClass> ingressClasses() { return ingressClasses.values(); }

  /** Pods of the namespace whose labels carry every pair of the selector; none for an empty selector. */
  public List<Pod> pods(String ns, Map<String, String> selector) {
    if (selector == null || selector.isEmpty()) {
      return List.of();
    }
    List<Pod> out = new ArrayList<>();
    for (Pod p : podsByNamespace.getOrDefault(nz(ns), List.of())) {
      if (Labels.matches(selector, p.getMetadata().getLabels())) {
        out.add(p);
      }
    }
    return out;
  }

  public enum Presence { PRESENT, ABSENT, UNKNOWN }

  public Presence secret(String ns, String name) {
    if (secrets.containsKey(key(ns, name))) {
      return Presence.PRESENT;
    }
    return knows("Secret") ? Presence.ABSENT : Presence.UNKNOWN;
  }
}
