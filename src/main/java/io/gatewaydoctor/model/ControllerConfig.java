package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The global settings of the ingress-nginx controller that serves a target: the data of the
 * ConfigMap its pods name with {@code --configmap} ({@code upstream-keepalive-timeout}, {@code
 * proxy-read-timeout}, {@code proxy-buffer-size}, {@code log-format-upstream}, …), which the
 * target's own annotations override. Only a ConfigMap in a namespace trusted to run controllers
 * counts, named by a controller pod there: no tenant's ConfigMap can set what the gateway is
 * believed to do. Pure.
 *
 * @param source "namespace/name" of the ConfigMap, or null when there is none
 * @param data its data (empty when none)
 * @param note why there is none although controller pods were seen, or null
 */
public record ControllerConfig(String source, Map<String, String> data, String note) {
  public static final ControllerConfig NONE = new ControllerConfig(null, Map.of(), null);

  /**
   * The IngressClass name ingress-nginx serves when its pods do not say ({@code --ingress-class}).
   */
  static final String DEFAULT_CLASS = Gateways.DEFAULT_NGINX_CLASS;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  public ControllerConfig {
    data = data == null ? Map.of() : Map.copyOf(data);
  }

  /** One setting, or null. */
  public String get(String key) {
    String v = data.get(key);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /**
   * The controller configuration of a target: the ConfigMap named by the trusted ingress-nginx
   * controller pods that serve it. A pod serves a target when it claims the target's controller
   * ({@code --controller-class}, ingress-nginx's own by default) and the target's IngressClass name
   * ({@code --ingress-class}, "nginx" by default). Several distinct ConfigMaps among them: none,
   * with a note. Targets of other controllers: none.
   */
  public static ControllerConfig of(Target target, ClusterSnapshot cluster) {
    String cls =
        target.ingress().flatMap(i -> Gateways.className(i, cluster)).orElse(DEFAULT_CLASS);
    List<Pod> serving =
        Gateways.servingPods(target, cluster).stream().filter(Gateways::runsIngressNginx).toList();
    if (serving.isEmpty()) {
      return NONE;
    }
    TreeSet<String> refs = refs(serving);
    if (refs.isEmpty()) {
      return NONE; // no --configmap: ingress-nginx runs on its defaults
    }
    if (refs.size() > 1) {
      return new ControllerConfig(
          null,
          Map.of(),
          "the ingress-nginx controllers name "
              + refs.size()
              + " ConfigMaps ("
              + String.join(", ", refs)
              + ") for IngressClass "
              + cls
              + ": ingress-nginx's defaults are assumed");
    }
    String ref = refs.first();
    String ns = ref.substring(0, ref.indexOf('/'));
    String name = ref.substring(ref.indexOf('/') + 1);
    if (!cluster.gatewayNamespace(ns)) {
      return new ControllerConfig(
          null,
          Map.of(),
          "ConfigMap "
              + ref
              + " is not in a namespace trusted to run controllers: ingress-nginx's defaults are"
              + " assumed");
    }
    Optional<ConfigMap> cm = cluster.configMap(ns, name);
    if (cm.isEmpty()) {
      return new ControllerConfig(
          null,
          Map.of(),
          cluster.knows("ConfigMap")
              ? "ConfigMap " + ref + " named by the controller is not found"
              : null);
    }
    return new ControllerConfig(ref, cm.get().getData(), null);
  }

  /**
   * The configuration of every ingress-nginx install in the snapshot: one per distinct ConfigMap
   * its trusted controller pods name and the snapshot holds, in name order.
   */
  public static List<ControllerConfig> all(ClusterSnapshot cluster) {
    List<ControllerConfig> out = new ArrayList<>();
    for (String ref : refs(Gateways.controllerPods(cluster, null))) {
      String ns = ref.substring(0, ref.indexOf('/'));
      if (cluster.gatewayNamespace(ns)) {
        cluster
            .configMap(ns, ref.substring(ref.indexOf('/') + 1))
            .ifPresent(cm -> out.add(new ControllerConfig(ref, cm.getData(), null)));
      }
    }
    return out;
  }

  /**
   * The distinct ConfigMaps ("namespace/name", in order) the ingress-nginx controller pods among
   * {@code pods} name; the caller decides which namespaces it trusts.
   */
  public static TreeSet<String> refs(java.util.Collection<Pod> pods) {
    TreeSet<String> refs = new TreeSet<>();
    for (Pod p : pods) {
      if (Gateways.runsIngressNginx(p)) {
        configMapRef(p).ifPresent(refs::add);
      }
    }
    return refs;
  }

  /**
   * The "namespace/name" of the ConfigMap an ingress-nginx controller pod reads ({@code
   * --configmap}, with {@code $(VAR)} expanded from its container's environment as the kubelet
   * does), if it names one.
   */
  public static Optional<String> configMapRef(Pod p) {
    for (Container c : Pods.containers(p)) {
      Optional<String> v = Gateways.flag(c, "--configmap");
      if (v.isPresent()) {
        String ref = expand(v.get(), c, p);
        if (ref == null) {
          return Optional.empty();
        }
        String ns = ref.contains("/") ? ref.substring(0, ref.indexOf('/')) : null;
        String name = ref.substring(ref.indexOf('/') + 1);
        if (ns == null || ns.isEmpty()) {
          ns = p.getMetadata().getNamespace();
        }
        return ns == null
                || !DNS_LABEL.matcher(ns).matches()
                || !DNS_SUBDOMAIN.matcher(name).matches()
            ? Optional.empty()
            : Optional.of(ns + "/" + name);
      }
    }
    return Optional.empty();
  }

  /**
   * {@code $(VAR)} replaced by the container's env value, or by the pod's namespace or name for a
   * fieldRef to them (and for POD_NAMESPACE and POD_NAME when the env is not at hand: ingress-nginx
   * requires them to be its pod's); null when a variable cannot be known here (a Secret, a
   * ConfigMap key, an unknown name).
   */
  static String expand(String s, Container c, Pod p) {
    Matcher m = VAR.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env(m.group(1), c, p);
      if (value == null) {
        return null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String env(String name, Container c, Pod p) {
    for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
      if (!name.equals(e.getName())) {
        continue;
      }
      if (e.getValue() != null) {
        return e.getValue();
      }
      var from = e.getValueFrom();
      if (from != null && from.getFieldRef() != null) {
        String path = from.getFieldRef().getFieldPath();
        if ("metadata.namespace".equals(path)) {
          return p.getMetadata().getNamespace();
        }
        if ("metadata.name".equals(path)) {
          return p.getMetadata().getName();
        }
      }
      return null;
    }
    // not in the spec as read (dumps are read without containers' env to save memory):
    // ingress-nginx requires POD_NAMESPACE and POD_NAME to be its pod's, from the downward API
    return "POD_NAMESPACE".equals(name)
        ? p.getMetadata().getNamespace()
        : "POD_NAME".equals(name) ? p.getMetadata().getName() : null;
  }
}
