package io.gatewaydoctor.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Builds the tree of one document from a streaming parser, leaving out the bulky parts of objects
 * that no check reads: containers' env, envFrom and volumeMounts, pod specs' volumes, and the
 * fieldsV1 blobs of managedFields (their manager, operation and time are kept). Everything else is
 * kept as written. Labels, annotations and data maps are never touched: a field is skipped only at
 * its place in a pod spec, never by name alone.
 */
final class SlimTree {
  private static final Set<String> CONTAINER_LISTS =
      Set.of("containers", "initContainers", "ephemeralContainers");
  private static final Set<String> CONTAINER_BULK = Set.of("env", "envFrom", "volumeMounts");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SlimTree() {}

  /** The document uses a YAML alias: only SnakeYAML's composer resolves those. */
  static final class AliasFound extends IOException {
    AliasFound() {
      super("YAML alias", null);
    }
  }

  /** Reads the value at the parser's current token (which must be set). */
  static JsonNode read(JsonParser p) throws IOException {
    // the names of the fields enclosing the current container, outermost first ("[]" for array
    // items)
    Deque<String> path = new ArrayDeque<>();
    path.add(
        "[]"); // a document is read like a list item, so that a lone Pod is slimmed like one in a
    // List
    return value(p, path);
  }

  private static JsonNode value(JsonParser p, Deque<String> path) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          if (skip(path, name)) {
            p.skipChildren();
            continue;
          }
          path.addLast(name);
          o.set(name, value(p, path));
          path.removeLast();
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        path.addLast("[]");
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(value(p, path));
        }
        path.removeLast();
        return a;
      }
      case VALUE_STRING -> {
        if (p instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser y && y.isCurrentAlias()) {
          throw new AliasFound(); // Jackson would hand back the anchor's name as a string
        }
        return NODES.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (p.getNumberType()) {
          case INT -> NODES.numberNode(p.getIntValue());
          case LONG -> NODES.numberNode(p.getLongValue());
          default -> NODES.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDecimalValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      case VALUE_EMBEDDED_OBJECT -> {
        Object v = p.getEmbeddedObject();
        return v == null ? NODES.nullNode() : NODES.textNode(String.valueOf(v));
      }
      default -> throw new IOException("unexpected " + t);
    }
  }

  /** path ends inside an object; name is the field about to be read. */
  static boolean skip(Deque<String> path, String name) {
    if (path.size() < 2) {
      return false;
    }
    var it = path.descendingIterator();
    String parent = it.next(); // "[]" for a container object
    String grand = it.next();
    if (CONTAINER_BULK.contains(name)) {
      return "[]".equals(parent) && CONTAINER_LISTS.contains(grand);
    }
    if ("fieldsV1".equals(name)) {
      return "[]".equals(parent) && "managedFields".equals(grand);
    }
    if ("volumes".equals(name)) {
      // a pod spec: spec of a Pod (["[]" or root..., "spec"]) or spec.template.spec
      return "spec".equals(parent) && ("[]".equals(grand) || "template".equals(grand));
    }
    return false;
  }
}
