package io.gatewaydoctor.analysis;

import io.gatewaydoctor.api.GatewayErrors;
import io.gatewaydoctor.api.StatusCounts;
import java.util.List;

/**
 * Clients got 502/503/504 and nothing found on the chain explains them: the target is not Healthy,
 * and the summary says what was seen and where to look next. Errors the app returned itself are
 * {@code BackendServerError}'s, so they never count here.
 */
record Unexplained(long errors, String source, long minutes) {
  static Unexplained of(AnalysisContext ctx, GatewayErrors errors, List<RuleFinding> ranked) {
    // only a cause explains errors: a risk (one replica, no preStop hook) is no reason they happen
    // now
    if (errors == null
        || ranked.stream()
            .anyMatch(f -> f.code().isCause() && f.severity().atLeast(Severity.Warning))) {
      return null;
    }
    long n;
    String source;
    if (errors.gateway != null) {
      n = family(errors.gateway);
      source = "the gateway's logs";
    } else {
      n = family(errors.returned);
      source = "the controller's metrics, gateway and app together";
    }
    return n == 0 ? null : new Unexplained(n, source, Math.max(1, ctx.window().toMinutes()));
  }

  /** The 502, 503 and 504 of these counts (the gateway-error family a verdict weighs). */
  static long family(StatusCounts c) {
    return c == null ? 0 : c.s502 + c.s503 + c.s504;
  }

  String summary() {
    return "Clients got "
        + errors
        + " 502/503/504 in the last "
        + minutes
        + " min ("
        + source
        + "), and nothing on the chain"
        + " explains them yet: probes and the gateway's error log name the pod and the reason";
  }
}
