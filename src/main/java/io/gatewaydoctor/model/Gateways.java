package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the ingress controller that serves an Ingress and its pods: the IngressClass's {@code
 * spec.controller}, matched against the controllers' pods by their {@code --controller-class}
 * argument or, failing that, by the labels their official charts set. Pure.
 */
public final class Gateways {
  public static final String INGRESS_NGINX = "k8s.io/ingress-nginx";
  public static final String DEFAULT_CLASS_ANNOTATION =
      "ingressclass.kubernetes.io/is-default-class";
  public static final String LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

  /** Known controllers: name, the binary of their container, and the chart labels of their pods. */
  private record Known(String controller, String binary, Map<String, String> labels) {
    /** The binary as a command word: itself, or a path ending in it. */
    boolean runs(String word) {
      String base = binary.startsWith("/") ? binary.substring(1) : binary;
      return word.equals(binary) || word.equals(base) || word.endsWith("/" + base);
    }
  }

  private static final List<Known> KNOWN =
      List.of(
          new Known(
              INGRESS_NGINX,
              "/nginx-ingress-controller",
              Map.of(
                  "app.kubernetes.io/name",
                  "ingress-nginx",
                  "app.kubernetes.io/component",
                  "controller")),
          new Known(
              "traefik.io/ingress-controller",
              "traefik",
              Map.of("app.kubernetes.io/name", "traefik")),
          new Known(
              "haproxy.org/ingress-controller/haproxy",
              "haproxy-ingress-controller",
              Map.of("app.kubernetes.io/name", "kubernetes-ingress")));

  private Gateways() {}

  /**
   * The IngressClass name an Ingress uses: spec, else the legacy annotation, else the default
   * class.
   */
  public static Optional<String> className(Ingress ing, ClusterSnapshot cluster) {
    String c = ing.getSpec() == null ? null : ing.getSpec().getIngressClassName();
    if (c != null && !c.isBlank()) {
      return Optional.of(c);
    }
    Map<String, String> a = ing.getMetadata().getAnnotations();
    if (a != null
        && a.get(LEGACY_CLASS_ANNOTATION) != null
        && !a.get(LEGACY_CLASS_ANNOTATION).isBlank()) {
      return Optional.of(a.get(LEGACY_CLASS_ANNOTATION));
    }
    return cluster.ingressClasses().stream()
        .filter(Gateways::isDefault)
        .map(k -> k.getMetadata().getName())
        .sorted()
        .findFirst();
  }

  public static boolean isDefault(IngressClass c) {
    return c.getMetadata().getAnnotations() != null
        && "true".equalsIgnoreCase(c.getMetadata().getAnnotations().get(DEFAULT_CLASS_ANNOTATION));
  }

  /**
   * The controller name (IngressClass spec.controller); "nginx" without a class object means
   * ingress-nginx.
   */
  public static Optional<String> controller(Ingress ing, ClusterSnapshot cluster) {
    Optional<String> cls = className(ing, cluster);
    if (cls.isEmpty()) {
      return Optional.empty();
    }
    Optional<IngressClass> obj = cluster.ingressClass(cls.get());
    if (obj.isPresent()) {
      return Optional.ofNullable(
          obj.get().getSpec() == null ? null : obj.get().getSpec().getController());
    }
    return "nginx".equals(cls.get()) ? Optional.of(INGRESS_NGINX) : Optional.empty();
  }

  /**
   * The pods of a controller; with no controller name, the pods of every controller recognised.
   * Only pods in the namespaces trusted to run controllers count ({@link
   * ClusterSnapshot#gatewayNamespace}): labels or arguments alone make no pod the gateway. Pods
   * that finished (Succeeded/Failed) are left out. Computed once per snapshot.
   */
  public static List<Pod> controllerPods(ClusterSnapshot cluster, String controller) {
    return cluster.memo(
        "gateway-pods:" + controller,
        () -> {
          List<Pod> out = new ArrayList<>();
          for (Pod p : cluster.allPods()) {
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            if ("Succeeded".equals(phase)
                || "Failed".equals(phase)
                || !cluster.gatewayNamespace(p.getMetadata().getNamespace())) {
              continue;
            }
            Optional<String> c = controllerOf(p);
            if (c.isPresent() && (controller == null || controller.equals(c.get()))) {
              out.add(p);
            }
          }
          out.sort(
              java.util.Comparator.comparing(
                  (Pod p) -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()));
          return List.copyOf(out);
        });
  }

  /**
   * Pods that look like a controller (running, recognised) in namespaces not trusted to run one:
   * named, never used.
   */
  public static List<Pod> untrustedControllerPods(ClusterSnapshot cluster) {
    List<Pod> out = new ArrayList<>();
    for (Pod p : cluster.allPods()) {
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if (!"Succeeded".equals(phase)
          && !"Failed".equals(phase)
          && !cluster.gatewayNamespace(p.getMetadata().getNamespace())
          && controllerOf(p).isPresent()) {
        out.add(p);
      }
    }
    out.sort(
        java.util.Comparator.comparing(
            (Pod p) -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()));
    return out;
  }

  /**
   * The IngressClass name ingress-nginx serves when its pods do not say ({@code --ingress-class}).
   */
  public static final String DEFAULT_NGINX_CLASS = "nginx";

  /**
   * The pods of a target's controller that serve it: those of its controller ({@link
   * #controllerPods}), less the ingress-nginx pods whose {@code --ingress-class} (default "nginx")
   * is another class than the target's. Several ingress-nginx installs of one controller class
   * split the IngressClasses between them that way.
   */
  public static List<Pod> servingPods(Target target, ClusterSnapshot cluster) {
    String cls = target.ingress().flatMap(i -> className(i, cluster)).orElse(DEFAULT_NGINX_CLASS);
    return cluster.memo(
        "serving-pods:" + target.controller() + ":" + cls,
        () ->
            controllerPods(cluster, target.controller()).stream()
                .filter(
                    p ->
                        !runsIngressNginx(p)
                            || cls.equals(flag(p, "--ingress-class").orElse(DEFAULT_NGINX_CLASS)))
                .toList());
  }

  /**
   * A flag's value in {@code --flag=value} or {@code --flag value} form, from the first container
   * of the pod that has it, as written (unexpanded).
   */
  public static Optional<String> flag(Pod p, String flag) {
    for (Container c : Pods.containers(p)) {
      Optional<String> v = flag(c, flag);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /** A container's command and then its arguments, as one list of words (nulls kept). */
  public static List<String> words(Container c) {
    List<String> words = new ArrayList<>();
    if (c.getCommand() != null) {
      words.addAll(c.getCommand());
    }
    if (c.getArgs() != null) {
      words.addAll(c.getArgs());
    }
    return words;
  }

  /** A flag's value in {@code --flag=value} or {@code --flag value} form. */
  public static Optional<String> flag(Container c, String flag) {
    List<String> words = words(c);
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (w == null) {
        continue;
      }
      if (w.startsWith(flag + "=")) {
        return Optional.of(w.substring(flag.length() + 1));
      }
      if (w.equals(flag) && i + 1 < words.size() && words.get(i + 1) != null) {
        return Optional.of(words.get(i + 1));
      }
    }
    return Optional.empty();
  }

  /** Whether a container runs the ingress-nginx controller binary (its flags are then its own). */
  public static boolean runsIngressNginx(Container c) {
    Known nginx = KNOWN.get(0);
    return words(c).stream().anyMatch(w -> w != null && nginx.runs(w));
  }

  /** Whether one of a pod's containers runs the ingress-nginx controller binary. */
  public static boolean runsIngressNginx(Pod p) {
    return Pods.containers(p).stream().anyMatch(Gateways::runsIngressNginx);
  }

  /**
   * The Gateway API controller whose data plane (an Envoy proxy serving Gateways) this pod is, from
   * the labels its controller puts on the pods it creates: Envoy Gateway's {@code
   * gateway.envoyproxy.io/owning-gateway-name} on a pod with an {@code envoy} container, Istio's
   * {@code gateway.networking.k8s.io/gateway-name} on a pod with an {@code istio-proxy} container,
   * NGINX Gateway Fabric's on a pod with an {@code nginx} container (2.x: also {@code
   * app.kubernetes.io/managed-by}; 1.x: beside its {@code nginx-gateway} container). Anyone may set
   * labels: only pods in the namespaces trusted to run gateways count (callers check).
   */
  public static Optional<String> dataPlaneOf(Pod p) {
    Map<String, String> labels =
        p.getMetadata() == null || p.getMetadata().getLabels() == null
            ? Map.of()
            : p.getMetadata().getLabels();
    List<String> names = Pods.containers(p).stream().map(Container::getName).toList();
    if (labels.containsKey("gateway.envoyproxy.io/owning-gateway-name")
        && names.contains("envoy")) {
      return Optional.of("gateway.envoyproxy.io/gatewayclass-controller");
    }
    if (labels.containsKey("gateway.networking.k8s.io/gateway-name")
        && names.contains("istio-proxy")) {
      return Optional.of("istio.io/gateway-controller");
    }
    // NGINX Gateway Fabric 2.x: an nginx Deployment per Gateway, labelled with its Gateway and
    // managed by the control plane; 1.x: the control plane and nginx in one pod
    if (names.contains("nginx")
        && ((labels.containsKey("gateway.networking.k8s.io/gateway-name")
                && labels.containsKey("app.kubernetes.io/managed-by"))
            || names.contains("nginx-gateway"))) {
      return Optional.of("gateway.nginx.org/nginx-gateway-controller");
    }
    return DataPlanes.of(p).map(DataPlanes.Rule::controller); // configured ones
  }

  /** Which controller a pod runs, if it runs one this code recognises. */
  public static Optional<String> controllerOf(Pod p) {
    for (Container c : Pods.containers(p)) {
      List<String> words = words(c);
      for (String w : words) {
        if (w != null && w.startsWith("--controller-class=")) {
          return Optional.of(w.substring("--controller-class=".length()));
        }
      }
      for (Known k : KNOWN) {
        if (words.stream().anyMatch(w -> w != null && k.runs(w))) {
          return Optional.of(k.controller());
        }
      }
    }
    Map<String, String> labels = p.getMetadata().getLabels();
    for (Known k : KNOWN) {
      if (Labels.matches(k.labels(), labels)) {
        return Optional.of(k.controller());
      }
    }
    return Optional.empty();
  }
}
