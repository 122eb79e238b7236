package io.gatewaydoctor.analysis;

import io.gatewaydoctor.api.DriftEntry;
import io.gatewaydoctor.api.GatewayErrors;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.history.Drift;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ConfigDrift}: the chain changed against its baseline. A Warning when the target is in
 * trouble (another cause at Warning or above, or gateway errors), so that it is the root cause when
 * nothing more direct explains the trouble and stands beside the direct cause otherwise; Info when
 * the target is fine. Blames the object changed last, and says when errors began after it.
 */
final class DriftFinding {
  private DriftFinding() {}

  static RuleFinding of(AnalysisContext ctx, List<RuleFinding> ranked, GatewayErrors errors) {
    List<DriftEntry> drift = ctx.drift();
    if (drift.isEmpty()) {
      return null;
    }
    boolean trouble =
        ranked.stream().anyMatch(f -> f.code().isCause() && f.severity().atLeast(Severity.Warning))
            || (errors != null
                && (Unexplained.family(errors.gateway) > 0
                    || Unexplained.family(errors.returned) > 0));
    DriftEntry last = drift.get(drift.size() - 1);
    for (DriftEntry e : drift) {
      if (e.changedAt != null) {
        last = e; // the list is oldest first, unknown times last
      }
    }
    Instant changed = Times.parse(last.changedAt);
    Instant errorsSince = null;
    for (ResolvedBackend b : ctx.chain().backends()) {
      var c = ctx.upstream(b);
      Instant s = c == null ? null : c.errorsSince();
      if (s != null && (errorsSince == null || s.isBefore(errorsSince))) {
        errorsSince = s;
      }
    }
    String msg =
        drift.size()
            + " field"
            + (drift.size() == 1 ? "" : "s")
            + " of the chain changed since the baseline; latest: "
            + Drift.describe(last)
            + (errorsSince != null
                ? "; gateway errors since "
                    + errorsSince
                    + (changed != null && !errorsSince.isBefore(changed)
                        ? ", "
                            + java.time.Duration.between(changed, errorsSince).toSeconds()
                            + " s after it"
                        : "")
                : "")
            + (trouble ? "" : "; the target is healthy");
    List<String> evidence = new ArrayList<>();
    drift.stream().limit(5).forEach(e -> evidence.add(Drift.describe(e)));
    String[] kindName = last.resource.split(" ", 2);
    String[] nsName =
        kindName.length < 2
            ? new String[] {"", ""}
            : kindName[1].contains("/")
                ? kindName[1].split("/", 2)
                : new String[] {null, kindName[1]};
    return new RuleFinding(
        Code.ConfigDrift,
        trouble ? Severity.Warning : Severity.Info,
        new ResourceRef(kindName[0], nsName[0], nsName[1]),
        msg,
        evidence,
        changed,
        new Remedy(
            Action.MANUAL,
            "Compare "
                + last.resource
                + " with the baseline (status.drift); revert "
                + last.field
                + " to "
                + last.from
                + " if the change was not meant",
            false));
  }
}
