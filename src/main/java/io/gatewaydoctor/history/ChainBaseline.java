package io.gatewaydoctor.history;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.gateway.Dialects;
import io.gatewaydoctor.gateway.GatewayDialect;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Digests;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.Labels;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.TargetChain;
import java.util.Map;
import java.util.TreeMap;

/**
 * A compact, normalized picture of a target's config chain: the fields that decide how the gateway
 * reaches the pods, each as "Kind namespace/name|field" → value. Two pictures are compared by
 * {@link Drift}. Covers the Ingress backends, class and proxying annotations, the IngressClass
 * controller, each Service's type, selector and ports, the pod template (from the Deployment, else
 * a pod: image, ports, readiness probe, preStop, termination grace) and the NetworkPolicies
 * selecting the pods. Pure.
 */
public final class ChainBaseline {
  /**
   * A picture of this many fields at most (a chain with hundreds of paths stays small: it is kept
   * in the status).
   */
  public static final int MAX_FIELDS = 150;

  /** Values longer than this are kept as a digest (a NetworkPolicy spec, a preStop command). */
  public static final int MAX_VALUE = 120;

  private ChainBaseline() {}

  public static Map<String, String> of(TargetChain chain, ClusterSnapshot cluster) {
    Map<String, String> out = new TreeMap<>();
    Ingress ing = chain.target().ingress().orElse(null);
    String ns = chain.namespace();
    String ingKey = chain.target().kind() + " " + ns + "/" + chain.name();
    if (ing != null && ing.getSpec() != null) {
      put(out, ingKey, "spec.ingressClassName", ing.getSpec().getIngressClassName());
      if (ing.getSpec().getDefaultBackend() != null
          && ing.getSpec().getDefaultBackend().getService() != null) {
        var s = ing.getSpec().getDefaultBackend().getService();
        put(out, ingKey, "spec.defaultBackend", s.getName() + ":" + port(s.getPort()));
      }
      if (ing.getSpec().getRules() != null) {
        for (var r : ing.getSpec().getRules()) {
          if (r == null || r.getHttp() == null || r.getHttp().getPaths() == null) {
            continue;
          }
          for (var p : r.getHttp().getPaths()) {
            if (p != null && p.getBackend() != null && p.getBackend().getService() != null) {
              var s = p.getBackend().getService();
              put(
                  out,
                  ingKey,
                  "spec.rules["
                      + (r.getHost() == null ? "*" : r.getHost())
                      + (p.getPath() == null ? "/" : p.getPath())
                      + "].backend",
                  s.getName() + ":" + port(s.getPort()));
            }
          }
        }
      }
    }
    Map<String, String> ann = chain.annotations();
    GatewayDialect dialect = Dialects.of(chain.target());
    if (ann != null) {
      ann.forEach(
          (k, v) -> {
            if (dialect.configures(k)) {
              put(out, ingKey, "metadata.annotations[" + k + "]", v);
            }
          });
    }
    String cls = ing == null || ing.getSpec() == null ? null : ing.getSpec().getIngressClassName();
    if (cls != null) {
      cluster
          .ingressClass(cls)
          .ifPresent(
              c ->
                  put(
                      out,
                      "IngressClass " + cls,
                      "spec.controller",
                      c.getSpec() == null ? null : c.getSpec().getController()));
    }
    for (ResolvedBackend b : chain.backends()) {
      if (b.service() == null) {
        continue;
      }
      String svcKey = "Service " + b.serviceKey();
      var spec = b.service().getSpec();
      if (spec != null) {
        put(out, svcKey, "spec.type", spec.getType());
        put(
            out,
            svcKey,
            "spec.selector",
            spec.getSelector() == null ? null : new TreeMap<>(spec.getSelector()).toString());
        if (spec.getPorts() != null) {
          for (ServicePort sp : spec.getPorts()) {
            String f = "spec.ports[" + sp.getPort() + "]";
            put(out, svcKey, f + ".name", sp.getName());
            put(
                out,
                svcKey,
                f + ".targetPort",
                sp.getTargetPort() == null ? null : port(sp.getTargetPort()));
            put(out, svcKey, f + ".protocol", sp.getProtocol());
            put(out, svcKey, f + ".appProtocol", sp.getAppProtocol());
          }
        }
      }
      template(out, b, cluster);
      for (NetworkPolicy np : cluster.networkPolicies(b.namespace())) {
        if (np.getSpec() != null
            && !b.pods().isEmpty()
            && Labels.selects(
                np.getSpec().getPodSelector(), b.pods().get(0).getMetadata().getLabels())) {
          put(
              out,
              "NetworkPolicy " + b.namespace() + "/" + np.getMetadata().getName(),
              "spec",
              Serialization.asJson(np.getSpec()));
        }
      }
    }
    return out;
  }

  private static void template(
      Map<String, String> out, ResolvedBackend b, ClusterSnapshot cluster) {
    if (b.pods().isEmpty()) {
      return;
    }
    var pod = b.pods().get(0);
    var w = Pods.workload(pod);
    PodSpec spec = pod.getSpec();
    String key = "Pod " + b.namespace() + "/" + pod.getMetadata().getName();
    String prefix = "spec";
    if ("Deployment".equals(w.kind)) {
      var d = cluster.deployment(b.namespace(), w.name);
      if (d.isPresent() && d.get().getSpec() != null && d.get().getSpec().getTemplate() != null) {
        spec = d.get().getSpec().getTemplate().getSpec();
        key = "Deployment " + b.namespace() + "/" + w.name;
        prefix = "spec.template.spec";
      } else {
        key = "Deployment " + b.namespace() + "/" + w.name; // its pods stand for the template
      }
    }
    if (spec == null) {
      return;
    }
    put(
        out,
        key,
        prefix + ".terminationGracePeriodSeconds",
        spec.getTerminationGracePeriodSeconds() == null
            ? null
            : String.valueOf(spec.getTerminationGracePeriodSeconds()));
    if (spec.getContainers() == null) {
      return;
    }
    for (Container c : spec.getContainers()) {
      String f = prefix + ".containers[" + c.getName() + "]";
      put(out, key, f + ".image", c.getImage());
      if (c.getPorts() != null) {
        for (ContainerPort p : c.getPorts()) {
          put(
              out,
              key,
              f
                  + ".ports["
                  + (p.getName() == null ? String.valueOf(p.getContainerPort()) : p.getName())
                  + "]",
              p.getContainerPort() + "/" + (p.getProtocol() == null ? "TCP" : p.getProtocol()));
        }
      }
      put(out, key, f + ".readinessProbe", probe(c.getReadinessProbe()));
      put(
          out,
          key,
          f + ".lifecycle.preStop",
          c.getLifecycle() == null || c.getLifecycle().getPreStop() == null
              ? null
              : Serialization.asJson(c.getLifecycle().getPreStop()));
    }
  }

  private static String probe(Probe p) {
    if (p == null) {
      return null;
    }
    if (p.getHttpGet() != null) {
      return "httpGet " + p.getHttpGet().getPath() + " port " + port(p.getHttpGet().getPort());
    }
    if (p.getTcpSocket() != null) {
      return "tcpSocket port " + port(p.getTcpSocket().getPort());
    }
    return p.getExec() != null
        ? "exec " + p.getExec().getCommand()
        : p.getGrpc() != null ? "grpc " + p.getGrpc().getPort() : "other";
  }

  private static String port(io.fabric8.kubernetes.api.model.IntOrString p) {
    return p == null ? null : p.getIntVal() != null ? String.valueOf(p.getIntVal()) : p.getStrVal();
  }

  private static String port(io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort p) {
    return p == null ? "?" : p.getNumber() != null ? String.valueOf(p.getNumber()) : p.getName();
  }

  private static void put(Map<String, String> out, String resource, String field, String value) {
    if (value != null && out.size() < MAX_FIELDS) {
      out.put(resource + "|" + field, value.length() > MAX_VALUE ? digest(value) : value);
    }
  }

  static String digest(String v) {
    return "sha256:" + Digests.sha256Prefix(v);
  }

  /** The object a key names ("Service shop/web"). */
  static String resource(String key) {
    return key.substring(0, key.indexOf('|'));
  }

  static String field(String key) {
    return key.substring(key.indexOf('|') + 1);
  }

  /** The objects of the chain in this snapshot, by the name the keys use ("Kind ns/name"). */
  static Map<String, HasMetadata> objects(TargetChain chain, ClusterSnapshot cluster) {
    Map<String, HasMetadata> out = new TreeMap<>();
    add(out, chain.target().object());
    var ing = chain.target().ingress().orElse(null);
    String cls = ing == null || ing.getSpec() == null ? null : ing.getSpec().getIngressClassName();
    if (cls != null) {
      cluster.ingressClass(cls).ifPresent(c -> add(out, c));
    }
    for (ResolvedBackend b : chain.backends()) {
      if (b.service() != null) {
        add(out, b.service());
      }
      b.pods().stream()
          .limit(1)
          .forEach(
              p -> {
                add(out, p);
                var w = Pods.workload(p);
                if ("Deployment".equals(w.kind)) {
                  cluster.deployment(b.namespace(), w.name).ifPresent(d -> add(out, d));
                }
              });
      cluster.networkPolicies(b.namespace()).forEach(np -> add(out, np));
    }
    return out;
  }

  private static void add(Map<String, HasMetadata> out, HasMetadata o) {
    String ns = o.getMetadata().getNamespace();
    out.put(o.getKind() + " " + (ns == null ? "" : ns + "/") + o.getMetadata().getName(), o);
  }

  /**
   * The ReplicaSets owning the pods behind the chain's ready endpoints, sorted (namespace/name).
   */
  public static java.util.List<String> servedBy(TargetChain chain) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (var b : chain.backends()) {
      for (var e : Endpoint.of(b)) {
        if (!e.ready()) {
          continue;
        }
        b
            .pod(e.pod())
            .map(p -> p.getMetadata().getOwnerReferences())
            .orElse(java.util.List.of())
            .stream()
            .filter(o -> "ReplicaSet".equals(o.getKind()))
            .forEach(o -> out.add(b.namespace() + "/" + o.getName()));
      }
    }
    return out.isEmpty() ? null : java.util.List.copyOf(out);
  }
}
