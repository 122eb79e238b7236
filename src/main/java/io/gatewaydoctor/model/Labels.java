package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

public final class Labels {
  private Labels() {}

  /**
   * Equality-based selector match, as a Service selector works: an empty selector selects nothing.
   */
  public static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    if (selector == null || selector.isEmpty() || labels == null) {
      return false;
    }
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A set-based {@link LabelSelector} as NetworkPolicies use it: an empty selector selects
   * everything; matchLabels and every matchExpressions requirement must hold. An operator this code
   * does not know selects nothing (the API server rejects those anyway).
   */
  public static boolean selects(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector == null) {
      return true;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (e.getValue() == null || !e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (r == null || !holds(r, l)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean holds(LabelSelectorRequirement r, Map<String, String> labels) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    String v = labels.get(r.getKey());
    return switch (r.getOperator() == null ? "" : r.getOperator()) {
      case "In" -> v != null && values.contains(v);
      case "NotIn" -> v == null || !values.contains(v);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> false;
    };
  }

  /** kubectl's rendering of a selector, for messages. */
  public static String describe(LabelSelector selector) {
    if (selector == null
        || ((selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
            && (selector.getMatchExpressions() == null
                || selector.getMatchExpressions().isEmpty()))) {
      return "{} (everything)";
    }
    StringBuilder sb = new StringBuilder();
    if (selector.getMatchLabels() != null) {
      new java.util.TreeMap<>(selector.getMatchLabels())
          .forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v));
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (r != null) {
          sb.append(sb.isEmpty() ? "" : ",")
              .append(r.getKey())
              .append(' ')
              .append(r.getOperator())
              .append(r.getValues() == null ? "" : " (" + String.join(",", r.getValues()) + ")");
        }
      }
    }
    return sb.toString();
  }

  private static final java.util.regex.Pattern SET_TERM =
      java.util.regex.Pattern.compile("([^\\s!=(),]+)\\s+(in|notin)\\s+\\(([^)]*)\\)");
  private static final java.util.regex.Pattern KEY =
      java.util.regex.Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_./]*");

  /**
   * Parses a kubectl {@code -l} selector: {@code k=v}, {@code k==v}, {@code k!=v}, {@code k},
   * {@code !k}, {@code k in (a,b)}, {@code k notin (a,b)}, comma-separated.
   *
   * @throws IllegalArgumentException naming the term that is not understood
   */
  public static LabelSelector parseSelector(String text) {
    LabelSelector sel = new LabelSelector();
    sel.setMatchLabels(new java.util.LinkedHashMap<>());
    sel.setMatchExpressions(new java.util.ArrayList<>());
    List<String> terms = new java.util.ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : text.toCharArray()) {
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (c == ',' && depth == 0) {
        terms.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    terms.add(cur.toString().trim());
    for (String t : terms) {
      java.util.regex.Matcher m = SET_TERM.matcher(t);
      if (m.matches()) {
        List<String> values =
            java.util.Arrays.stream(m.group(3).split(","))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .toList();
        sel.getMatchExpressions()
            .add(
                new LabelSelectorRequirement(
                    m.group(1), m.group(2).equals("in") ? "In" : "NotIn", values));
      } else if (t.contains("!=")) {
        String[] kv = t.split("!=", 2);
        sel.getMatchExpressions()
            .add(new LabelSelectorRequirement(key(kv[0], t), "NotIn", List.of(kv[1].trim())));
      } else if (t.contains("=")) {
        String[] kv = t.split("==?", 2);
        sel.getMatchLabels().put(key(kv[0], t), kv[1].trim());
      } else if (t.startsWith("!")) {
        sel.getMatchExpressions()
            .add(new LabelSelectorRequirement(key(t.substring(1), t), "DoesNotExist", List.of()));
      } else {
        sel.getMatchExpressions().add(new LabelSelectorRequirement(key(t, t), "Exists", List.of()));
      }
    }
    return sel;
  }

  private static String key(String k, String term) {
    String s = k.trim();
    if (!KEY.matcher(s).matches()) {
      throw new IllegalArgumentException("cannot read the selector term '" + term + "'");
    }
    return s;
  }
}
