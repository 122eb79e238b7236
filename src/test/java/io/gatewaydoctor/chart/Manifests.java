package io.gatewaydoctor.chart;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Manifests read strictly: each YAML document must be a typed Fabric8 object (a kind the model does
 * not know is an error), and no field anywhere in it may land in the model's {@code
 * additionalProperties} (a typo such as {@code readOnlyRootFileSystem} fails).
 */
final class Manifests {
  private Manifests() {}

  static List<HasMetadata> parse(String yaml, String source) {
    List<HasMetadata> out = new ArrayList<>();
    int n = 0;
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      n++;
      if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        continue;
      }
      Object o = Serialization.unmarshal(doc);
      if (!(o instanceof HasMetadata h) || o instanceof GenericKubernetesResource) {
        throw new AssertionError(
            source
                + " document "
                + n
                + ": not a typed Kubernetes object: "
                + (o == null ? "null" : o.getClass().getSimpleName())
                + "\n"
                + doc);
      }
      List<String> unknown = new ArrayList<>();
      walk(o, h.getKind() + "/" + h.getMetadata().getName(), unknown, new IdentityHashMap<>());
      if (!unknown.isEmpty()) {
        throw new AssertionError(
            source + " document " + n + ": fields the Kubernetes model does not know: " + unknown);
      }
      out.add(h);
    }
    return out;
  }

  private static void walk(
      Object o, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) {
    if (o == null || seen.put(o, true) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        walk(e, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
      return;
    }
    if (!(o instanceof KubernetesResource) && !o.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method g : o.getClass().getMethods()) {
      if (g.getParameterCount() != 0
          || !g.getName().startsWith("get")
          || g.getDeclaringClass() == Object.class) {
        continue;
      }
      try {
        Object v = g.invoke(o);
        if (g.getName().equals("getAdditionalProperties")) {
          if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            m.keySet().forEach(k -> unknown.add(path + "." + k));
          }
        } else if (!(v instanceof String) && !(v instanceof Number) && !(v instanceof Boolean)) {
          walk(
              v,
              path + "." + Character.toLowerCase(g.getName().charAt(3)) + g.getName().substring(4),
              unknown,
              seen);
        }
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(path + ": " + e, e);
      }
    }
  }

  /**
   * Objects as sorted JSON, keyed by kind/namespace/name: equal when the manifests mean the same.
   */
  static Map<String, JsonNode> canonical(List<HasMetadata> objects) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (HasMetadata o : objects) {
      out.put(
          o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(),
          Serialization.jsonMapper().valueToTree(o));
    }
    return out;
  }
}
