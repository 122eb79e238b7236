package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads Kubernetes objects as {@code kubectl get -o yaml|json} prints them: a {@code kind: List},
 * multi-document YAML or single objects. A document that is not a Kubernetes object is reported
 * with its position, never silently dropped.
 */
public final class ObjectLoader {
  private static final Pattern DOC_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*$");

  private ObjectLoader() {}

  public static final class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message, Throwable cause) { super(message, cause); }
  }

  public static List<HasMetadata> parse(String text, String source) {
    List<HasMetadata> out = new ArrayList<>();
    String[] docs = DOC_SEPARATOR.split(text);
    for (int i = 0; i < docs.length; i++) {
      String doc = docs[i];
      if (doc.isBlank() || doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      Object o;
      try {
        o = Serialization.unmarshal(doc);
      } catch (RuntimeException e) {
        throw new InvalidInputException(source + ": document " + (i + 1) + " is not a Kubernetes object: "
            + firstLine(e.getMessage()), e);
      }
      if (o instanceof KubernetesList list) {
        list.getItems().stream().filter(java.util.Objects::nonNull).forEach(out::add);
      } else if (o instanceof HasMetadata h) {
        out.add(h);
      } else if (o != null) {
        throw new InvalidInputException(source + ": document " + (i + 1) + " is not a Kubernetes object", null);
      }
    }
    return out;
  }

  private static String firstLine(String s) {
    return s == null ? "unreadable" : s.lines().findFirst().orElse(s);
  }
}
