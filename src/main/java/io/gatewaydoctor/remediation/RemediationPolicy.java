package io.gatewaydoctor.remediation;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who may fix what, from annotations: {@code gatewaydoctor.io/remediation: off|dry-run|auto}
 * (default off) and {@code gatewaydoctor.io/remediation-actions: <comma list>} (default: every
 * action), on the target or its namespace. The namespace's are a ceiling no target can lift (the
 * lower mode, the common actions); the operator caps both ({@code maxMode}, forbidden actions, the
 * namespaces where auto may run). A malformed value means off and carries the reason, for a finding
 * and a Warning Event. Pure.
 */
public record RemediationPolicy(Mode mode, Set<String> actions, String source, String error) {
  public static final String MODE = "gatewaydoctor.io/remediation";
  public static final String ACTIONS = "gatewaydoctor.io/remediation-actions";
  public static final List<String> ALL_ACTIONS =
      Action.AUTOMATABLE.stream().map(Action::value).toList();

  public enum Mode {
    off,
    dryRun,
    auto;

    public static Mode parse(String v) {
      return switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "off", "false", "" -> off;
        case "dry-run", "dryrun" -> dryRun;
        case "auto" -> auto;
        default -> null;
      };
    }

    public String label() {
      return this == dryRun ? "dry-run" : name();
    }
  }

  public static RemediationPolicy of(
      Map<String, String> target,
      Map<String, String> namespace,
      Mode maxMode,
      Set<String> forbidden) {
    return of(target, namespace, maxMode, forbidden, null, null);
  }

  /**
   * The policy of a target in namespace {@code namespaceName}. The namespace's annotations are a
   * ceiling: the mode is the lowest of the namespace's, the target's and the operator's, and the
   * actions those both allow, minus the forbidden ones. {@code auto} runs only in a namespace of
   * {@code autoNamespaces} ("*" for every one; null: no such limit); elsewhere it is dry-run.
   */
  public static RemediationPolicy of(
      Map<String, String> target,
      Map<String, String> namespace,
      Mode maxMode,
      Set<String> forbidden,
      String namespaceName,
      Set<String> autoNamespaces) {
    String targetMode = value(target, MODE);
    String nsMode = value(namespace, MODE);
    if (targetMode == null && nsMode == null) {
      return new RemediationPolicy(Mode.off, Set.of(), "default", null);
    }
    Mode t = targetMode == null ? null : Mode.parse(targetMode);
    Mode n = nsMode == null ? null : Mode.parse(nsMode);
    if (targetMode != null && t == null) {
      return new RemediationPolicy(
          Mode.off,
          Set.of(),
          "target",
          MODE
              + ": \""
              + shorten(targetMode)
              + "\" is not off, dry-run or auto; remediation stays off");
    }
    if (nsMode != null && n == null) {
      return new RemediationPolicy(
          Mode.off,
          Set.of(),
          "namespace",
          MODE
              + " on the namespace: \""
              + shorten(nsMode)
              + "\" is not off, dry-run or auto; remediation stays off");
    }
    Set<String> actions = new LinkedHashSet<>(ALL_ACTIONS);
    for (String[] side :
        new String[][] {
          {"target", value(target, ACTIONS)}, {"namespace", value(namespace, ACTIONS)}
        }) {
      if (side[1] == null) {
        continue;
      }
      Set<String> listed = new LinkedHashSet<>();
      List<String> unknown = new ArrayList<>();
      for (String a : side[1].split(",", 64)) {
        String x = a.trim().toLowerCase(Locale.ROOT);
        if (x.isEmpty()) {
          continue;
        }
        if (ALL_ACTIONS.contains(x)) {
          listed.add(x);
        } else {
          unknown.add(shorten(a.trim()));
        }
      }
      if (!unknown.isEmpty()) {
        return new RemediationPolicy(
            Mode.off,
            Set.of(),
            side[0],
            ACTIONS
                + (side[0].equals("namespace") ? " on the namespace" : "")
                + ": unknown action"
                + (unknown.size() == 1 ? " " : "s ")
                + String.join(", ", unknown.stream().limit(5).toList())
                + " (known: "
                + String.join(", ", ALL_ACTIONS)
                + "); remediation stays off");
      }
      actions.retainAll(listed); // the namespace's list is a ceiling too
    }
    actions.removeAll(forbidden);
    // the lowest of what the target asks (else the namespace), the namespace's ceiling and the
    // operator's cap
    Mode mode = t != null ? t : n;
    String source = t != null ? "target" : "namespace";
    if (t != null && n != null && n.ordinal() < t.ordinal()) {
      mode = n;
      source = "namespace (a ceiling on the target's " + t.label() + ")";
    }
    if (mode.ordinal() > maxMode.ordinal()) {
      mode = maxMode;
      source += ", capped to " + maxMode.label() + " by the operator";
    }
    if (mode == Mode.auto
        && autoNamespaces != null
        && !autoNamespaces.contains("*")
        && !autoNamespaces.contains(namespaceName)) {
      mode = Mode.dryRun;
      source +=
          ", dry-run: the operator allows auto only in the namespaces of remediation.auto-namespaces";
    }
    return new RemediationPolicy(mode, Set.copyOf(actions), source, null);
  }

  private static String value(Map<String, String> m, String k) {
    return m == null ? null : m.get(k);
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }

  /** The finding of a malformed policy on the target (null when the policy is fine). */
  public RuleFinding finding(ResourceRef target) {
    if (error == null) {
      return null;
    }
    return RuleFinding.of(
            Code.RemediationPolicyInvalid,
            Severity.Warning,
            target,
            "The remediation annotations of "
                + target
                + " ("
                + source
                + ") are malformed, so remediation is off: "
                + error,
            java.util.List.of(error))
        .withRemediation(
            new Remedy(
                Action.MANUAL,
                "Set "
                    + MODE
                    + " to off, dry-run or auto and "
                    + ACTIONS
                    + " to a comma list of "
                    + String.join(", ", ALL_ACTIONS),
                false));
  }

  /**
   * The RemediationApplied condition's reason and message for this policy, while no action has run.
   */
  public RemediationCondition condition() {
    if (error != null) {
      return RemediationCondition.no("PolicyInvalid", error);
    }
    return switch (mode) {
      case off ->
          RemediationCondition.no("RemediationOff", "Remediation is off (annotation " + MODE + ")");
      case dryRun ->
          RemediationCondition.no(
              "DryRun",
              "Remediation in dry-run ("
                  + source
                  + "): plans are shown, nothing is changed; actions "
                  + String.join(", ", new java.util.TreeSet<>(actions)));
      case auto ->
          RemediationCondition.no(
              "Armed",
              "Remediation auto ("
                  + source
                  + "): no action needed so far; actions "
                  + String.join(", ", new java.util.TreeSet<>(actions)));
    };
  }
}
