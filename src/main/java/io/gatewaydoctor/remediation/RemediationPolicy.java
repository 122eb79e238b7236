package io.gatewaydoctor.remediation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who may fix what, from annotations: {@code gatewaydoctor.io/remediation: off|dry-run|auto}
 * (default off) and {@code gatewaydoctor.io/remediation-actions: <comma list>} (default: every
 * action), on the target or its namespace (the target's own annotation wins, key by key), under the
 * operator's cap ({@code maxMode}, forbidden actions). A malformed value means off and carries the
 * reason, for a finding and a Warning Event. Pure.
 */
public record RemediationPolicy(Mode mode, Set<String> actions, String source, String error) {
  public static final String MODE = "gatewaydoctor.io/remediation";
  public static final String ACTIONS = "gatewaydoctor.io/remediation-actions";
  public static final List<String> ALL_ACTIONS = List.of("restart-pod", "rollback", "fix-target-port", "set-backend-protocol",
      "raise-proxy-buffer-size");

  public enum Mode {
    off, dryRun, auto;

    public static Mode parse(String v) {
      return switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "off", "false", "" -> off;
        case "dry-run", "dryrun" -> dryRun;
        case "auto" -> auto;
        default -> null;
      };
    }

    public String label() { return this == dryRun ? "dry-run" : name(); }
  }

  public static RemediationPolicy of(Map<String, String> target, Map<String, String> namespace, Mode maxMode, Set<String> forbidden) {
    String modeValue = value(target, MODE);
    String modeSource = "target";
    if (modeValue == null) {
      modeValue = value(namespace, MODE);
      modeSource = "namespace";
    }
    String actionsValue = value(target, ACTIONS) != null ? value(target, ACTIONS) : value(namespace, ACTIONS);
    if (modeValue == null) {
      return new RemediationPolicy(Mode.off, Set.of(), "default", null);
    }
    Mode mode = Mode.parse(modeValue);
    if (mode == null) {
      return new RemediationPolicy(Mode.off, Set.of(), modeSource, MODE + ": \"" + shorten(modeValue)
          + "\" is not off, dry-run or auto; remediation stays off");
    }
    Set<String> actions = new LinkedHashSet<>(ALL_ACTIONS);
    if (actionsValue != null) {
      actions.clear();
      List<String> unknown = new ArrayList<>();
      for (String a : actionsValue.split(",")) {
        String x = a.trim().toLowerCase(Locale.ROOT);
        if (x.isEmpty()) {
          continue;
        }
        if (ALL_ACTIONS.contains(x)) {
          actions.add(x);
        } else {
          unknown.add(shorten(a.trim()));
        }
      }
      if (!unknown.isEmpty()) {
        return new RemediationPolicy(Mode.off, Set.of(), modeSource, ACTIONS + ": unknown action" + (unknown.size() == 1 ? " " : "s ")
            + String.join(", ", unknown) + " (known: " + String.join(", ", ALL_ACTIONS) + "); remediation stays off");
      }
    }
    actions.removeAll(forbidden);
    Mode capped = mode.ordinal() > maxMode.ordinal() ? maxMode : mode;
    return new RemediationPolicy(capped, Set.copyOf(actions), modeSource + (capped != mode ? ", capped to " + maxMode.label()
        + " by the operator" : ""), null);
  }

  private static String value(Map<String, String> m, String k) {
    return m == null ? null : m.get(k);
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }

  /** The finding of a malformed policy on the target (null when the policy is fine). */
  public io.gatewaydoctor.analysis.RuleFinding finding(io.gatewaydoctor.api.ResourceRef target) {
    if (error == null) {
      return null;
    }
    return io.gatewaydoctor.analysis.RuleFinding.of(io.gatewaydoctor.analysis.Code.RemediationPolicyInvalid,
        io.gatewaydoctor.analysis.Severity.Warning, target, "The remediation annotations of " + target + " (" + source
            + ") are malformed, so remediation is off: " + error, java.util.List.of(error))
        .withRemediation(new io.gatewaydoctor.api.FindingRemediation("manual", "Set " + MODE + " to off, dry-run or auto and "
            + ACTIONS + " to a comma list of " + String.join(", ", ALL_ACTIONS), false));
  }

  /** The RemediationApplied condition's reason and message for this policy, while no action has run. */
  public String[] condition() {
    if (error != null) {
      return new String[] {"PolicyInvalid", error};
    }
    return switch (mode) {
      case off -> new String[] {"RemediationOff", "Remediation is off (annotation " + MODE + ")"};
      case dryRun -> new String[] {"DryRun", "Remediation in dry-run (" + source + "): plans are shown, nothing is changed; actions "
          + String.join(", ", new java.util.TreeSet<>(actions))};
      case auto -> new String[] {"Armed", "Remediation auto (" + source + "): no action needed so far; actions "
          + String.join(", ", new java.util.TreeSet<>(actions))};
    };
  }
}
