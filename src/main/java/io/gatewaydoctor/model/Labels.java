package io.gatewaydoctor.model;

import java.util.Map;

public final class Labels {
  private Labels() {}

  /** Equality-based selector match, as a Service selector works. */
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
}
