package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.TargetRef;
import io.gatewaydoctor.model.ChainResolver;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Gateways;
import io.gatewaydoctor.model.NetworkPolicies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pure index functions of the informer caches, so that every secondary-to-primary mapping is an
 * index lookup (never a scan): GatewayDiagnosis by target, Ingress by backend Service and by class,
 * Service by selector pair, Pod by label pair, EndpointSlice by Service.
 */
public final class Indexes {
  public static final String BY_TARGET = "gd-target";
  public static final String BY_SERVICE = "backend-service";
  public static final String BY_CLASS = "ingress-class";
  public static final String BY_SELECTOR_PAIR = "selector-pair";
  public static final String BY_LABEL_PAIR = "label-pair";

  /**
   * Pods of an ingress controller, all under one key: there are few, and the analysis filters by
   * controller.
   */
  public static final String BY_GATEWAY = "gateway-pod";

  public static final String GATEWAY = "gateway";

  /** Index key of Ingresses that name no IngressClass (served by the default class). */
  public static final String NO_CLASS = "";

  private Indexes() {}

  public static String targetKey(String ns, String kind, String name) {
    return ns + "/" + kind + "/" + name;
  }

  public static List<String> diagnosisTarget(GatewayDiagnosis gd) {
    TargetRef t = gd.getSpec() == null ? null : gd.getSpec().getTargetRef();
    if (t == null || t.getName() == null) {
      return List.of();
    }
    return List.of(
        targetKey(
            gd.getMetadata().getNamespace(),
            t.getKind() == null ? TargetRef.INGRESS : t.getKind(),
            t.getName()));
  }

  public static List<String> ingressServices(Ingress i) {
    List<String> keys = new ArrayList<>();
    for (var ref : ChainResolver.backendRefs(i, new ArrayList<>()).values()) {
      String k = ClusterSnapshot.key(i.getMetadata().getNamespace(), ref.service());
      if (!keys.contains(k)) {
        keys.add(k);
      }
    }
    return keys;
  }

  /** Index of HTTPRoutes by the Gateways their parentRefs name ("ns/name"). */
  public static final String BY_PARENT = "route-parent";

  /** Index of HTTPRoutes by the namespaces of their backends (where their ReferenceGrants live). */
  public static final String BY_BACKEND_NAMESPACE = "route-backend-namespace";

  /** The Services a route's rules send to, "ns/name" (cross-namespace refs included). */
  public static List<String> routeServices(io.fabric8.kubernetes.api.model.HasMetadata r) {
    List<String> keys = new ArrayList<>();
    String ns = r.getMetadata().getNamespace();
    for (var rule : io.gatewaydoctor.model.Routes.rules(r)) {
      for (var b : rule.backends()) {
        if (b == null) {
          continue;
        }
        boolean service =
            (b.group() == null || b.group().isEmpty())
                && (b.kind() == null || "Service".equals(b.kind()));
        if (service && b.name() != null) {
          String k = ClusterSnapshot.key(b.namespace() == null ? ns : b.namespace(), b.name());
          if (!keys.contains(k)) {
            keys.add(k);
          }
        }
      }
    }
    return keys;
  }

  public static List<String> routeParents(io.fabric8.kubernetes.api.model.HasMetadata r) {
    List<String> keys = new ArrayList<>();
    for (var p : io.gatewaydoctor.model.Routes.parentRefs(r)) {
      if (p.getName() != null) {
        String k =
            ClusterSnapshot.key(
                p.getNamespace() == null ? r.getMetadata().getNamespace() : p.getNamespace(),
                p.getName());
        if (!keys.contains(k)) {
          keys.add(k);
        }
      }
    }
    return keys;
  }

  public static List<String> routeBackendNamespaces(io.fabric8.kubernetes.api.model.HasMetadata r) {
    List<String> out = new ArrayList<>();
    for (String k : routeServices(r)) {
      String ns = k.substring(0, k.indexOf('/'));
      if (!out.contains(ns)) {
        out.add(ns);
      }
    }
    return out;
  }

  /**
   * Update filter of the Gateway informer: its spec (generation), its labels, and its own and its
   * listeners' conditions count; the listeners' attachedRoutes, which every tenant's route moves,
   * do not.
   */
  public static boolean gatewayUpdateMatters(
      io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway now,
      io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway before) {
    if (before == null
        || !java.util.Objects.equals(
            now.getMetadata().getGeneration(), before.getMetadata().getGeneration())
        || !java.util.Objects.equals(
            now.getMetadata().getLabels(), before.getMetadata().getLabels())) {
      return true;
    }
    return !conditions(now).equals(conditions(before));
  }

  private static List<String> conditions(io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway g) {
    List<String> out = new ArrayList<>();
    var st = g.getStatus();
    if (st == null) {
      return out;
    }
    if (st.getConditions() != null) {
      st.getConditions().forEach(c -> out.add(condition(c)));
    }
    if (st.getListeners() != null) {
      for (var l : st.getListeners()) {
        if (l != null && l.getConditions() != null) {
          l.getConditions().forEach(c -> out.add(l.getName() + ":" + condition(c)));
        }
      }
    }
    return out;
  }

  private static String condition(io.fabric8.kubernetes.api.model.Condition c) {
    return c.getType() + "=" + c.getStatus() + "/" + c.getReason() + ":" + c.getMessage();
  }

  public static List<String> ingressClass(Ingress i) {
    String c = i.getSpec() == null ? null : i.getSpec().getIngressClassName();
    return List.of(c == null ? NO_CLASS : c);
  }

  public static List<String> serviceSelectorPairs(Service s) {
    Map<String, String> sel = s.getSpec() == null ? null : s.getSpec().getSelector();
    return pairs(s.getMetadata().getNamespace(), sel);
  }

  /**
   * The index of the ingress controller's pods: a recognised controller pod in a namespace trusted
   * to run one. A look-alike elsewhere is an ordinary pod, and its changes re-evaluate nothing.
   */
  public static List<String> gatewayPod(
      Pod p, java.util.function.Predicate<String> trustedNamespace) {
    return trustedNamespace.test(p.getMetadata().getNamespace())
            && (Gateways.controllerOf(p).isPresent() || Gateways.dataPlaneOf(p).isPresent())
        ? List.of(GATEWAY)
        : List.of();
  }

  /**
   * Update filter of the pod informer: an ingress controller's pod counts only when what the
   * NetworkPolicy check reads of it changed (labels, addresses, host network, phase, deletion), so
   * a controller's status churn does not re-evaluate every target behind a policy. Other pods
   * always pass.
   */
  public static boolean podUpdateMatters(Pod now, Pod before) {
    if (before == null || gatewayPod(now, ns -> true).isEmpty()) {
      return true;
    }
    return !java.util.Objects.equals(
            now.getMetadata().getLabels(), before.getMetadata().getLabels())
        || !java.util.Objects.equals(
            now.getMetadata().getDeletionTimestamp(), before.getMetadata().getDeletionTimestamp())
        || !java.util.Objects.equals(
            now.getSpec() == null ? null : now.getSpec().getHostNetwork(),
            before.getSpec() == null ? null : before.getSpec().getHostNetwork())
        || !java.util.Objects.equals(
            NetworkPolicies.addresses(now), NetworkPolicies.addresses(before))
        || !java.util.Objects.equals(
            now.getStatus() == null ? null : now.getStatus().getPhase(),
            before.getStatus() == null ? null : before.getStatus().getPhase());
  }

  /** The selector pairs of a Deployment's pod template labels, as pods of it will carry them. */
  public static List<String> templateLabelPairs(io.fabric8.kubernetes.api.model.apps.Deployment d) {
    var t = d.getSpec() == null ? null : d.getSpec().getTemplate();
    return pairs(
        d.getMetadata().getNamespace(),
        t == null || t.getMetadata() == null ? null : t.getMetadata().getLabels());
  }

  /** The Deployment owning a ReplicaSet, as "namespace/name" (index BY_OWNER). */
  public static final String BY_OWNER = "owner";

  public static List<String> replicaSetOwner(io.fabric8.kubernetes.api.model.apps.ReplicaSet rs) {
    if (rs.getMetadata().getOwnerReferences() == null) {
      return List.of();
    }
    return rs.getMetadata().getOwnerReferences().stream()
        .filter(o -> "Deployment".equals(o.getKind()))
        .map(o -> rs.getMetadata().getNamespace() + "/" + o.getName())
        .toList();
  }

  public static List<String> templateLabelPairs(
      io.fabric8.kubernetes.api.model.apps.ReplicaSet rs) {
    var t = rs.getSpec() == null ? null : rs.getSpec().getTemplate();
    return pairs(
        rs.getMetadata().getNamespace(),
        t == null || t.getMetadata() == null ? null : t.getMetadata().getLabels());
  }

  public static List<String> podLabelPairs(Pod p) {
    return pairs(p.getMetadata().getNamespace(), p.getMetadata().getLabels());
  }

  /** The first selector pair (in key order): enough to find candidate pods by index. */
  public static String firstPair(String ns, Map<String, String> selector) {
    List<String> pairs = pairs(ns, selector);
    return pairs.isEmpty() ? null : pairs.get(0);
  }

  public static List<String> sliceService(EndpointSlice es) {
    Map<String, String> labels = es.getMetadata().getLabels();
    String svc = labels == null ? null : labels.get(ClusterSnapshot.SERVICE_NAME_LABEL);
    return svc == null
        ? List.of()
        : List.of(ClusterSnapshot.key(es.getMetadata().getNamespace(), svc));
  }

  private static List<String> pairs(String ns, Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    new TreeMap<>(m).forEach((k, v) -> out.add(ns + "/" + k + "=" + v));
    return out;
  }

  /** The Services ("namespace/name") a BackendTLSPolicy targets (core group, kind Service). */
  static List<String> tlsPolicyServices(io.fabric8.kubernetes.api.model.HasMetadata policy) {
    return io.gatewaydoctor.model.BackendTlsPolicies.services(policy).stream()
        .map(s -> policy.getMetadata().getNamespace() + "/" + s)
        .toList();
  }
}
