package io.gatewaydoctor.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads Kubernetes objects as {@code kubectl get -o yaml|json} prints them: a {@code kind: List},
 * multi-document YAML, JSON, or single objects, of any size (SnakeYAML's 3 MiB default limit does
 * not apply). Bulk that no check reads (container env, volumes, managedFields' fieldsV1) is left
 * out while reading, see {@link SlimTree}. Anything that is not a readable Kubernetes object is
 * reported with the document, the line, and for list items the item's index, kind and name: never
 * silently dropped.
 */
public final class ObjectLoader {
  /** YAML 1.1 implicit types as Kubernetes reads them, except timestamps: they stay strings. */
  private static final class KubernetesResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
      addImplicitResolver(Tag.INT, INT, "-+0123456789");
      addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<");
      addImplicitResolver(Tag.NULL, NULL, "~nN\0");
      addImplicitResolver(Tag.NULL, EMPTY, null);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper FAST_YAML;

  static {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE);
    FAST_YAML =
        new com.fasterxml.jackson.databind.ObjectMapper(
            com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
                .loaderOptions(options)
                .build());
    ITEM_YAML =
        com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
            .loaderOptions(options)
            .streamReadConstraints(itemConstraints(FAST_YAML.getFactory()))
            .build();
    ITEM_JSON =
        Serialization.jsonMapper()
            .getFactory()
            .copy()
            .setStreamReadConstraints(itemConstraints(Serialization.jsonMapper().getFactory()));
  }

  /**
   * The parsers of one item of a List read on its own: an item sits two levels deep in its List
   * (the List, its items), so it may nest two levels less than the whole text may (review: an item
   * 999 deep read alone where the List is refused).
   */
  private static final com.fasterxml.jackson.core.JsonFactory ITEM_YAML;

  private static final com.fasterxml.jackson.core.JsonFactory ITEM_JSON;

  private static com.fasterxml.jackson.core.StreamReadConstraints itemConstraints(
      com.fasterxml.jackson.core.JsonFactory whole) {
    var c = whole.streamReadConstraints();
    return c.rebuild().maxNestingDepth(c.getMaxNestingDepth() - 2).build();
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE); // dumps of large clusters run to hundreds of MiB
    options.setMaxAliasesForCollections(50); // no billion laughs
    DumperOptions dump = new DumperOptions();
    return new Yaml(
        new SafeConstructor(options),
        new Representer(dump),
        dump,
        options,
        new KubernetesResolver());
  }

  private ObjectLoader() {}

  private static final class AliasInDocument extends RuntimeException {
    AliasInDocument() {
      super(null, null, false, false);
    }
  }

  public static final class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Reads every object of the text. JSON (kubectl -o json) and plain YAML (kubectl -o yaml) go
   * through Jackson's streaming parsers, which are several times faster than composing YAML nodes;
   * YAML that turns out to use aliases is read again by SnakeYAML, which resolves them.
   */
  public static List<HasMetadata> parse(String text, String source) {
    String head = text.stripLeading();
    if (head.startsWith("{") || head.startsWith("[")) {
      List<HasMetadata> fast = worthEveryCore(text) ? onEveryCore(text, source) : null;
      return fast != null ? fast : parseJsonOnOneCore(text, source);
    }
    // item by item, even on one core: most items are then read by KubectlYaml, not SnakeYAML
    List<HasMetadata> fast = text.length() >= PARALLEL_CHARS ? yamlOnEveryCore(text, source) : null;
    return fast != null ? fast : parseYamlOnOneCore(text, source);
  }

  /** As {@link #parse} for YAML, on one core (the reference for the parallel reading). */
  static List<HasMetadata> parseYamlOnOneCore(String text, String source) {
    List<HasMetadata> out = new ArrayList<>();
    try {
      readAll(FAST_YAML, text, source, out);
    } catch (AliasInDocument e) {
      out.clear();
      readAllWithAliases(text, source, out);
    }
    return out;
  }

  /** As {@link #parse} for JSON, on one core (the reference for the parallel reading). */
  static List<HasMetadata> parseJsonOnOneCore(String text, String source) {
    List<HasMetadata> out = new ArrayList<>();
    readAll(Serialization.jsonMapper(), text, source, out);
    return out;
  }

  /** Text at least this long is read on every core when it is one List (kubectl -o json|yaml). */
  static final int PARALLEL_CHARS = 4 << 20;

  private static boolean worthEveryCore(String text) {
    return text.length() >= PARALLEL_CHARS && Runtime.getRuntime().availableProcessors() > 1;
  }

  /**
   * A kubectl JSON List read on every core: its items found by {@link JsonItems}, read in
   * contiguous runs, one run per task, in their order. Null (then it is read the usual way, which
   * words any error) when the text is not such a List or any item does not read.
   */
  static List<HasMetadata> onEveryCore(String text, String source) {
    List<int[]> items = JsonItems.of(text);
    if (items == null || items.isEmpty()) {
      return null;
    }
    return inRuns(
        items.size(),
        (k, part) -> {
          int[] at = items.get(k);
          try (com.fasterxml.jackson.core.JsonParser p =
              ITEM_JSON.createParser(text.substring(at[0], at[1]))) {
            p.nextToken();
            read(SlimTree.read(p), source + ": document 1 item " + k, part);
            if (p.nextToken() != null) {
              // JsonItems cut where only its quick scan said: the range must be one object alone
              throw new IllegalStateException("more than one value in an item's range");
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /**
   * Items 0..n-1 read on every core in contiguous runs, one run per task, and joined in their
   * order; null when reading any item throws (the caller then reads the text the usual way, which
   * says what and where).
   */
  private static List<HasMetadata> inRuns(
      int n, java.util.function.BiConsumer<Integer, List<HasMetadata>> readItem) {
    int runs = Math.min(n, Runtime.getRuntime().availableProcessors() * 4);
    try {
      List<List<HasMetadata>> parts =
          java.util.stream.IntStream.range(0, runs)
              .parallel()
              .mapToObj(
                  r -> {
                    List<HasMetadata> part = new ArrayList<>();
                    int from = (int) ((long) n * r / runs);
                    int to = (int) ((long) n * (r + 1) / runs);
                    for (int k = from; k < to; k++) {
                      readItem.accept(k, part);
                    }
                    return part;
                  })
              .toList();
      List<HasMetadata> out = new ArrayList<>(n);
      parts.forEach(out::addAll);
      return out;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * A kubectl YAML List read on every core: its items found by {@link YamlItems}, each read as a
   * document of its own in contiguous runs, one run per task, joined in their order. Null (then it
   * is read the usual way, which words any error and resolves aliases) when the text is not such a
   * List or any item does not read.
   */
  static List<HasMetadata> yamlOnEveryCore(String text, String source) {
    List<int[]> items = YamlItems.of(text);
    if (items == null) {
      return null;
    }
    // what the document says beside its items must read as the List it claims to be, with the
    // same top-level keys: else the whole text is read the usual way
    try (com.fasterxml.jackson.core.JsonParser p =
        FAST_YAML.getFactory().createParser(YamlItems.skeleton(text, items))) {
      if (p.nextToken() == null) {
        return null;
      }
      JsonNode skeleton = SlimTree.read(p);
      if (p.nextToken() != null
          || !skeleton.isObject()
          || !skeleton.path("items").isArray()
          || !skeleton.path("items").isEmpty()
          || !skeleton.path("kind").isTextual()
          || !skeleton.path("kind").asText().endsWith("List")) {
        return null;
      }
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
    // null from a run: read again the usual way, which says what and where (or resolves aliases)
    return inRuns(
        items.size(),
        (k, part) -> {
          String item = YamlItems.item(text, items.get(k));
          if (item == null) {
            throw new IllegalStateException("not kubectl's shape");
          }
          JsonNode quick = KubectlYaml.read(item); // null: not sure, the YAML parser reads it
          if (quick != null) {
            read(quick, source + ": document 1 item " + k, part);
            return;
          }
          try (com.fasterxml.jackson.core.JsonParser p = ITEM_YAML.createParser(item)) {
            if (p.nextToken() == null) {
              throw new IllegalStateException("an empty item");
            }
            read(SlimTree.read(p), source + ": document 1 item " + k, part);
            if (p.nextToken() != null) {
              throw new IllegalStateException("more than one document in an item");
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private static void readAll(
      com.fasterxml.jackson.databind.ObjectMapper mapper,
      String text,
      String source,
      List<HasMetadata> out) {
    int doc = 0;
    try (com.fasterxml.jackson.core.JsonParser p = mapper.getFactory().createParser(text)) {
      while (true) {
        JsonNode node;
        try {
          if (p.nextToken() == null) {
            break;
          }
          doc++;
          node = SlimTree.read(p);
        } catch (SlimTree.AliasFound e) {
          throw new AliasInDocument();
        } catch (java.io.IOException | RuntimeException e) {
          throw new InvalidInputException(
              source
                  + ": document "
                  + Math.max(doc, 1)
                  + " is not valid "
                  + (mapper == FAST_YAML ? "YAML" : "JSON")
                  + where(e)
                  + ": "
                  + reason(e),
              e);
        }
        accept(node, source + ": document " + doc, out);
      }
    } catch (java.io.IOException e) {
      throw new InvalidInputException(source + ": cannot read: " + reason(e), e);
    }
  }

  private static void readAllWithAliases(String text, String source, List<HasMetadata> out) {
    int doc = 0;
    java.util.Iterator<Object> docs = yaml().loadAll(text).iterator();
    while (true) {
      JsonNode node;
      try {
        if (!docs.hasNext()) {
          break;
        }
        doc++;
        node = Serialization.jsonMapper().valueToTree(docs.next());
      } catch (RuntimeException e) {
        throw new InvalidInputException(
            source
                + ": document "
                + Math.max(doc, 1)
                + " is not valid YAML"
                + where(e)
                + ": "
                + reason(e),
            e);
      }
      accept(node, source + ": document " + doc, out);
    }
  }

  private static void accept(JsonNode node, String where, List<HasMetadata> out) {
    if (node == null
        || node.isNull()
        || node.isMissingNode()
        || (node.isObject() && node.isEmpty())) {
      return;
    }
    read(node, where, out);
  }

  private static void read(JsonNode node, String where, List<HasMetadata> out) {
    if (!node.isObject() || !node.path("kind").isTextual()) {
      throw new InvalidInputException(where + " is not a Kubernetes object (no kind)", null);
    }
    JsonNode items = node.get("items");
    if (node.get("kind").asText().endsWith("List")
        && items != null
        && (items.isArray() || items.isNull())) {
      for (int i = 0; items.isArray() && i < items.size(); i++) {
        JsonNode item = items.get(i);
        if (item == null || item.isNull()) {
          continue;
        }
        String label =
            "item "
                + i
                + (item.path("kind").isTextual()
                    ? " ("
                        + item.get("kind").asText()
                        + " "
                        + (item.at("/metadata/namespace").isTextual()
                            ? item.at("/metadata/namespace").asText() + "/"
                            : "")
                        + item.at("/metadata/name").asText("?")
                        + ")"
                    : "");
        read(item, where + " " + label, out);
      }
      return;
    }
    Object o;
    try {
      Class<? extends KubernetesResource> type =
          KNOWN.getOrDefault(
              node.path("apiVersion").asText() + "/" + node.get("kind").asText(),
              KubernetesResource.class);
      o = OBJECTS.treeToValue(node, type);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new InvalidInputException(where + " cannot be read: " + reason(e), e);
    }
    if (!(o instanceof HasMetadata h)) {
      throw new InvalidInputException(where + " is not a Kubernetes object", null);
    }
    out.add(h);
  }

  /**
   * Fabric8's mapper, but blind to what {@link SlimTree} takes off a pod spec while it reads (its
   * volumes, its containers' env, envFrom and volumeMounts): Jackson then never builds its readers
   * of those classes (a volume alone has some thirty kinds of source), which was a large part of a
   * small analyze's start. The same objects come out: the trees have none of them (but a YAML
   * document with aliases, which is read without SlimTree: now slimmed alike).
   */
  private static final com.fasterxml.jackson.databind.ObjectMapper OBJECTS =
      Serialization.jsonMapper()
          .copy()
          .addMixIn(io.fabric8.kubernetes.api.model.PodSpec.class, NoVolumes.class)
          .addMixIn(io.fabric8.kubernetes.api.model.Container.class, NoContainerBulk.class)
          .addMixIn(
              io.fabric8.kubernetes.api.model.EphemeralContainer.class, NoContainerBulk.class);

  @com.fasterxml.jackson.annotation.JsonIgnoreProperties({"volumes"})
  private abstract static class NoVolumes {}

  @com.fasterxml.jackson.annotation.JsonIgnoreProperties({"env", "envFrom", "volumeMounts"})
  private abstract static class NoContainerBulk {}

  /**
   * The classes of the kinds a dump holds most, by "apiVersion/kind": read straight into them, as
   * fabric8's KubernetesDeserializer reads them (ObjectLoaderTest checks that it picks these). That
   * deserializer is made only for another kind: building its map of every kind was a tenth of a
   * small analyze's start.
   */
  static final java.util.Map<String, Class<? extends KubernetesResource>> KNOWN =
      java.util.Map.ofEntries(
          java.util.Map.entry("v1/Pod", io.fabric8.kubernetes.api.model.Pod.class),
          java.util.Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
          java.util.Map.entry("v1/Endpoints", io.fabric8.kubernetes.api.model.Endpoints.class),
          java.util.Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
          java.util.Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
          java.util.Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
          java.util.Map.entry("v1/Node", io.fabric8.kubernetes.api.model.Node.class),
          java.util.Map.entry("v1/Event", io.fabric8.kubernetes.api.model.Event.class),
          java.util.Map.entry(
              "apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
          java.util.Map.entry(
              "apps/v1/ReplicaSet", io.fabric8.kubernetes.api.model.apps.ReplicaSet.class),
          java.util.Map.entry(
              "apps/v1/StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
          java.util.Map.entry(
              "apps/v1/DaemonSet", io.fabric8.kubernetes.api.model.apps.DaemonSet.class),
          java.util.Map.entry(
              "discovery.k8s.io/v1/EndpointSlice",
              io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class),
          java.util.Map.entry(
              "networking.k8s.io/v1/Ingress",
              io.fabric8.kubernetes.api.model.networking.v1.Ingress.class),
          java.util.Map.entry(
              "networking.k8s.io/v1/IngressClass",
              io.fabric8.kubernetes.api.model.networking.v1.IngressClass.class),
          java.util.Map.entry(
              "networking.k8s.io/v1/NetworkPolicy",
              io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
          java.util.Map.entry(
              "gateway.networking.k8s.io/v1/Gateway",
              io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway.class),
          java.util.Map.entry(
              "gateway.networking.k8s.io/v1/GatewayClass",
              io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass.class),
          java.util.Map.entry(
              "gateway.networking.k8s.io/v1/HTTPRoute",
              io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class),
          java.util.Map.entry(
              "gateway.networking.k8s.io/v1/GRPCRoute",
              io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute.class));

  private static String where(Exception e) {
    if (e instanceof JsonProcessingException j
        && j.getLocation() != null
        && j.getLocation().getLineNr() > 0) {
      return " (line "
          + j.getLocation().getLineNr()
          + ", column "
          + j.getLocation().getColumnNr()
          + ")";
    }
    Throwable c = e instanceof MarkedYAMLException ? e : e.getCause();
    if (c instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      return " (line "
          + (m.getProblemMark().getLine() + 1)
          + ", column "
          + (m.getProblemMark().getColumn() + 1)
          + ")";
    }
    return "";
  }

  private static String reason(Exception e) {
    Throwable c = e.getCause() instanceof MarkedYAMLException ? e.getCause() : e;
    String m =
        c instanceof MarkedYAMLException y
            ? y.getProblem()
            : e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
