package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data-plane pods of Gateway API implementations the code does not know by itself (Envoy
 * Gateway, Istio and NGINX Gateway Fabric are built in: {@link Gateways#dataPlaneOf}), as the
 * operator's configuration names them: {@code gatewaydoctor.gateway-api.data-planes}, the chart's
 * {@code gatewayApi.dataPlanes}. One rule per implementation: its GatewayClass controllerName, a
 * label its data-plane pods carry (and its value, when given), and the container whose log is the
 * proxy's. Written {@code CONTROLLER|LABEL[=VALUE]|CONTAINER}, rules separated by commas. As for
 * the built-in ones, only pods in the namespaces trusted to run gateways count (callers check).
 */
public final class DataPlanes {
  private DataPlanes() {}

  /** One implementation's data plane. */
  public record Rule(String controller, String label, String value, String container) {
    boolean matches(Pod p) {
      Map<String, String> labels =
          p.getMetadata() == null || p.getMetadata().getLabels() == null
              ? Map.of()
              : p.getMetadata().getLabels();
      return labels.containsKey(label)
          && (value == null || value.equals(labels.get(label)))
          && Pods.containers(p).stream().map(Container::getName).anyMatch(container::equals);
    }
  }

  private static volatile List<Rule> configured = List.of();

  /**
   * Reads rules from their written form; a clear message on anything else (the operator stops at
   * start rather than watch the wrong pods).
   */
  public static List<Rule> parse(String spec) {
    List<Rule> out = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return out;
    }
    for (String part : spec.split(",")) {
      String r = part.strip();
      if (r.isEmpty()) {
        continue;
      }
      String[] f = r.split("\\|", -1);
      if (f.length != 3) {
        throw new IllegalArgumentException(
            "gatewaydoctor.gateway-api.data-planes: \""
                + r
                + "\" is not CONTROLLER|LABEL[=VALUE]|CONTAINER");
      }
      String controller = f[0].strip();
      String label = f[1].strip();
      String value = null;
      int eq = label.indexOf('=');
      if (eq >= 0) {
        value = label.substring(eq + 1);
        label = label.substring(0, eq);
      }
      String container = f[2].strip();
      if (!controller.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9/_.~-]+")
          || !label.matches(
              "([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
          || (value != null && !value.matches("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"))
          || !container.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw new IllegalArgumentException(
            "gatewaydoctor.gateway-api.data-planes: \""
                + r
                + "\" needs a controllerName (DOMAIN/PATH), a label key (and value) and a"
                + " container name as Kubernetes writes them");
      }
      out.add(new Rule(controller, label, value, container));
    }
    return out;
  }

  /** Sets the configured rules (at the operator's start). */
  public static void configure(List<Rule> rules) {
    configured = List.copyOf(rules);
  }

  /** The configured rules. */
  public static List<Rule> configured() {
    return configured;
  }

  /** The configured rule a pod matches, the first one, if any. */
  public static Optional<Rule> of(Pod p) {
    for (Rule r : configured) {
      if (r.matches(p)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
