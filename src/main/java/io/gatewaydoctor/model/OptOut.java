package io.gatewaydoctor.model;

import java.util.Map;

/**
 * Whether a target is diagnosed: {@code gatewaydoctor.io/diagnose: "false"} on its namespace is
 * final (a namespace owner's word no target in it can lift); on the target itself it opts that
 * target out. The operator and {@code analyze} decide alike. Pure.
 */
public final class OptOut {
  public static final String ANNOTATION = "gatewaydoctor.io/diagnose";

  private OptOut() {}

  /** Whether the target is out, and which annotation decided (null when it is diagnosed). */
  public record Decision(boolean out, String by) {}

  public static Decision of(Map<String, String> target, Map<String, String> namespace) {
    if (isFalse(namespace)) {
      return new Decision(true, "namespace");
    }
    if (isFalse(target)) {
      return new Decision(true, "target");
    }
    return new Decision(false, null);
  }

  private static boolean isFalse(Map<String, String> annotations) {
    String v = annotations == null ? null : annotations.get(ANNOTATION);
    return v != null && "false".equalsIgnoreCase(v.trim());
  }
}
