package io.gatewaydoctor.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.gatewaydoctor.model.ObjectLoader;
import io.gatewaydoctor.probe.KeepAlive;
import io.gatewaydoctor.probe.Outcome;
import io.gatewaydoctor.probe.Probe;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.probe.ProbeTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The scenario fixtures: a directory per scenario under {@link #ROOT}. A scenario states only what
 * differs from its base cluster in {@code overlay.yaml}: {@code base} (the scenario whose {@code
 * in-cluster.yaml} is the base), {@code patch} (JSON merge patches, RFC 7386, each on the base
 * object of its kind, namespace and name; lists are replaced whole), {@code add} (whole objects)
 * and {@code remove} ("Kind namespace/name"). Beside it: {@code expected.yaml}, and where the
 * scenario has them the gateway's log {@code in-gateway.log}, what the prober saw {@code
 * in-probes.yaml} and the chain when it worked {@code baseline.yaml}. {@code
 * src/test/scenario-gen/overlays.py} rewrites full copies as overlays.
 */
public final class ScenarioFixtures {
  public static final Path ROOT = Path.of("src/test/resources/scenarios");

  /** Every file a scenario directory may hold; anything else is a fixture nothing reads. */
  public static final Set<String> FILES =
      Set.of(
          "expected.yaml",
          "overlay.yaml",
          "in-cluster.yaml",
          "in-gateway.log",
          "in-probes.yaml",
          "baseline.yaml");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ScenarioFixtures() {}

  public static Stream<String> names() throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT)) {
      return dirs
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  /** The scenario's cluster as one {@code kind: List} YAML document, as kubectl would print it. */
  public static String clusterYaml(String scenario) {
    try {
      return YAML.writeValueAsString(cluster(scenario));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The scenario's objects, read as analyze reads a dump. */
  public static List<HasMetadata> objects(String scenario) {
    return ObjectLoader.parse(clusterYaml(scenario), ROOT.resolve(scenario).toString());
  }

  /**
   * What the prober saw, from {@code in-probes.yaml} ({@link ProbeEvidence#NONE} without one), in
   * the status's vocabulary: {@code probes} (address, pod, outcome, status, latencyMillis,
   * headerBytes, afterRequest), {@code keepAlive} (address, pod, closedAfterMillis, waitedMillis)
   * and {@code gatewayKeepAliveSeconds}.
   */
  public static ProbeEvidence probes(String scenario) {
    Path f = ROOT.resolve(scenario).resolve("in-probes.yaml");
    if (!Files.exists(f)) {
      return ProbeEvidence.NONE;
    }
    try {
      JsonNode doc = YAML.readTree(f.toFile());
      java.util.Map<String, Probe> byAddress = new java.util.LinkedHashMap<>();
      for (JsonNode p : doc.path("probes")) {
        ProbeTarget t = target(p);
        byAddress.put(
            t.address(),
            new Probe(
                t,
                Outcome.valueOf(p.path("outcome").asText()),
                p.hasNonNull("status") ? p.get("status").asInt() : null,
                p.path("latencyMillis").asLong(),
                p.hasNonNull("detail") ? p.get("detail").asText() : null,
                p.path("afterRequest").asBoolean(false),
                p.path("headerBytes").asInt(0)));
      }
      java.util.Map<String, KeepAlive> keepAlive = new java.util.LinkedHashMap<>();
      for (JsonNode k : doc.path("keepAlive")) {
        ProbeTarget t = target(k);
        keepAlive.put(
            t.address(),
            new KeepAlive(
                t,
                k.hasNonNull("closedAfterMillis")
                    ? java.time.Duration.ofMillis(k.get("closedAfterMillis").asLong())
                    : null,
                java.time.Duration.ofMillis(k.path("waitedMillis").asLong(65_000)),
                null));
      }
      return new ProbeEvidence(
          byAddress,
          java.util.Map.of(),
          keepAlive,
          java.time.Duration.ofSeconds(doc.path("gatewayKeepAliveSeconds").asLong(60)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ProbeTarget target(JsonNode n) {
    String address = n.path("address").asText();
    int colon = address.lastIndexOf(':');
    return new ProbeTarget(
        address.substring(0, colon),
        Integer.parseInt(address.substring(colon + 1)),
        n.hasNonNull("pod") ? n.get("pod").asText() : null,
        n.path("tls").asBoolean(false),
        null,
        "/",
        ProbeTarget.DEFAULT_TIMEOUT_MILLIS,
        ProbeTarget.DEFAULT_HEADER_LIMIT,
        ProbeTarget.DEFAULT_BYTE_CAP);
  }

  /** The objects the scenario's overlay adds to its base, as one {@code kind: List} document. */
  public static String addedYaml(String scenario) {
    try {
      List<JsonNode> added = new ArrayList<>();
      YAML.readTree(ROOT.resolve(scenario).resolve("overlay.yaml").toFile())
          .path("add")
          .forEach(added::add);
      return YAML.writeValueAsString(list(added));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the scenario's cluster to {@code dir/<scenario>.yaml} (for -f) and returns it. */
  public static Path materialize(String scenario, Path dir) {
    try {
      Path out = dir.resolve(scenario + ".yaml");
      Files.writeString(out, clusterYaml(scenario));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode cluster(String scenario) throws IOException {
    Path dir = ROOT.resolve(scenario);
    Path own = dir.resolve("in-cluster.yaml");
    if (Files.exists(own)) {
      return list(items(YAML.readTree(own.toFile())));
    }
    JsonNode overlay = YAML.readTree(dir.resolve("overlay.yaml").toFile());
    List<JsonNode> objects = new ArrayList<>();
    cluster(overlay.path("base").asText()).withArray("items").forEach(objects::add);
    Set<String> removed = new HashSet<>();
    overlay.path("remove").forEach(r -> removed.add(r.asText()));
    Set<String> patched = new HashSet<>();
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode o : objects) {
      String key = key(o);
      if (removed.contains(key)) {
        continue;
      }
      JsonNode merged = o;
      for (JsonNode p : overlay.path("patch")) {
        if (key(p).equals(key)) {
          merged = merge(merged.deepCopy(), p);
          patched.add(key);
        }
      }
      out.add(merged);
    }
    overlay.path("add").forEach(out::add);
    for (JsonNode p : overlay.path("patch")) {
      if (!patched.contains(key(p))) {
        throw new IllegalArgumentException(
            scenario + ": patch of " + key(p) + ", which the base does not have");
      }
    }
    return list(out);
  }

  private static List<JsonNode> items(JsonNode doc) {
    List<JsonNode> out = new ArrayList<>();
    if ("List".equals(doc.path("kind").asText())) {
      doc.path("items").forEach(out::add);
    } else {
      out.add(doc);
    }
    return out;
  }

  private static ObjectNode list(List<JsonNode> items) {
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    list.put("apiVersion", "v1");
    list.put("kind", "List");
    ArrayNode a = list.putArray("items");
    items.forEach(a::add);
    return list;
  }

  static String key(JsonNode o) {
    JsonNode m = o.path("metadata");
    String ns = m.path("namespace").asText("");
    return o.path("kind").asText() + " " + (ns.isEmpty() ? "" : ns + "/") + m.path("name").asText();
  }

  /** RFC 7386: objects merge key by key, null removes, anything else replaces. */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode out =
        target != null && target.isObject()
            ? (ObjectNode) target
            : JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else {
        out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
      }
    }
    return out;
  }
}
