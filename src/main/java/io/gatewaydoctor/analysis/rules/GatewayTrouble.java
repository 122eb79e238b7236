package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.util.function.ToLongFunction;

/** Shared reading of the gateway evidence: which endpoint (and pod, and workload) an error count points at. */
final class GatewayTrouble {
  private GatewayTrouble() {}

  /** The blamed object, and a few words on the share of the endpoint that weighs most. */
  record Culprit(ResourceRef ref, String detail) {}

  static GatewayEvidence.Counts at(AnalysisContext ctx, Endpoint e) {
    return e.ip() == null || e.port() == null ? null : ctx.gateway().address(e.address());
  }

  static Culprit culpritOf(AnalysisContext ctx, ResolvedBackend b, ToLongFunction<GatewayEvidence.Counts> count) {
    Endpoint worst = null;
    long most = 0;
    long total = 0;
    for (Endpoint e : Endpoint.of(b)) {
      GatewayEvidence.Counts c = at(ctx, e);
      long n = c == null ? 0 : count.applyAsLong(c);
      total += n;
      if (n > most) {
        most = n;
        worst = e;
      }
    }
    if (worst == null) {
      return new Culprit(b.serviceRef(), "");
    }
    return new Culprit(b.workloadOf(worst.pod()), "; " + Math.round(100.0 * most / Math.max(1, total)) + "% from " + worst.address()
        + (worst.pod() == null ? "" : " (pod " + worst.pod() + ")"));
  }

  /** When the errors began and their shape: "; failing since 11:52 UTC, steadily" or "…, in bursts (3 of 9 min)". */
  static String shape(GatewayEvidence.Counts c) {
    if (c == null || c.errorsSince() == null) {
      return "";
    }
    String since = java.time.format.DateTimeFormatter.ofPattern("HH:mm").withZone(java.time.ZoneOffset.UTC).format(c.errorsSince());
    long span = c.errorMinutes.lastKey() - c.errorMinutes.firstKey() + 1;
    return "; failing since " + since + " UTC, " + (c.steady() ? "steadily" : "in bursts (" + c.errorMinutes.size() + " of " + span + " min)");
  }
}
