package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.util.function.ToLongFunction;

/**
 * Shared reading of the gateway evidence: which endpoint (and pod, and workload) an error count
 * points at.
 */
final class GatewayTrouble {
  private GatewayTrouble() {}

  /** The blamed object, and a few words on the share of the endpoint that weighs most. */
  record Culprit(ResourceRef ref, String detail) {}

  static GatewayEvidence.Counts at(AnalysisContext ctx, Endpoint e) {
    return e.ip() == null || e.port() == null ? null : ctx.gateway().address(e.address());
  }

  static Culprit culpritOf(
      AnalysisContext ctx, ResolvedBackend b, ToLongFunction<GatewayEvidence.Counts> count) {
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
    return new Culprit(
        b.workloadOf(worst.pod()),
        "; "
            + Math.round(100.0 * most / Math.max(1, total))
            + "% from "
            + worst.address()
            + (worst.pod() == null ? "" : " (pod " + worst.pod() + ")"));
  }

  /**
   * When the errors began and their shape: "; failing since 11:52 UTC, steadily" or "…, in bursts
   * (3 of 9 min)".
   */
  static String shape(GatewayEvidence.Counts c) {
    if (c == null || c.errorsSince() == null) {
      return "";
    }
    String since =
        java.time.format.DateTimeFormatter.ofPattern("HH:mm")
            .withZone(java.time.ZoneOffset.UTC)
            .format(c.errorsSince());
    long span = c.errorMinutes.lastKey() - c.errorMinutes.firstKey() + 1;
    return "; failing since "
        + since
        + " UTC, "
        + (c.steady()
            ? "steadily"
            : "in bursts (" + c.errorMinutes.size() + " of " + span + " min)");
  }

  /**
   * "pod a (10.0.0.1), pod b (10.0.0.2) and 3 more": the endpoints named by pod and IP, at most
   * three.
   */
  static String pods(java.util.List<Endpoint> endpoints) {
    return list(
        endpoints.stream()
            .map(e -> e.pod() != null ? "pod " + e.pod() + " (" + e.ip() + ")" : e.address())
            .toList());
  }

  /** "a", "a and b", "a, b and c", "a, b, c and 4 more": at most three names. */
  static String list(java.util.List<String> names) {
    java.util.List<String> shown = names.subList(0, Math.min(3, names.size()));
    if (names.size() > 3) {
      return String.join(", ", shown) + " and " + (names.size() - 3) + " more";
    }
    return shown.size() <= 1
        ? String.join("", shown)
        : String.join(", ", shown.subList(0, shown.size() - 1))
            + " and "
            + shown.get(shown.size() - 1);
  }

  /**
   * Severity from impact (DESIGN section 4): Critical when most of the requests the gateway sent to
   * the backend failed for the client, Warning for a share. Without request counts (error lines
   * only), Critical when every endpoint with traffic failed, as before.
   */
  static Severity impact(
      AnalysisContext ctx, ResolvedBackend b, boolean everyEndpoint, long lines) {
    GatewayEvidence.Counts u = ctx.upstream(b);
    if (u == null || u.requests == 0) {
      return everyEndpoint && lines >= MIN_CRITICAL ? Severity.Critical : Severity.Warning;
    }
    return critical(u.gatewayErrors(), u.requests) ? Severity.Critical : Severity.Warning;
  }

  /**
   * Fewer errors than this in the window are never Critical, whatever their share: a handful is not
   * an outage.
   */
  static final int MIN_CRITICAL = 5;

  /** Critical: most requests failed, and more than a handful. */
  static boolean critical(long errors, long requests) {
    return errors >= MIN_CRITICAL && errors * 2 > requests;
  }

  /**
   * "; clients got 7 errors in 120 requests (6%)" or "; retries hid every failure from clients"; ""
   * without request counts.
   */
  static String impactText(AnalysisContext ctx, ResolvedBackend b) {
    GatewayEvidence.Counts u = ctx.upstream(b);
    if (u == null || u.requests == 0) {
      return "";
    }
    long n = u.gatewayErrors();
    if (n == 0) {
      return "; retries to other endpoints hid every failure from clients ("
          + u.requests
          + " requests)";
    }
    return "; clients got "
        + n
        + " gateway error"
        + (n == 1 ? "" : "s")
        + " in "
        + u.requests
        + " requests ("
        + percent(n, u.requests)
        + ")";
  }

  static String percent(long n, long of) {
    double p = 100.0 * n / Math.max(1, of);
    return (p < 1 && n > 0 ? "<1" : p > 99 && n < of ? ">99" : String.valueOf(Math.round(p))) + "%";
  }
}
