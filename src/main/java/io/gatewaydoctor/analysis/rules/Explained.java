package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.Times;
import io.gatewaydoctor.signals.ErrorLine.Reason;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * How many of the client-visible errors in the window a finding accounts for, in place (the errors
 * went to the pods or objects it names) and in time (they happened while its condition held). The
 * ranking reads it when the gateway's logs show errors (DESIGN section 4):
 * <ul>
 *   <li>a cause on the config chain (missing Service, wrong port, no pods, a blocking NetworkPolicy,
 *   TLS-versus-plain, drift) accounts for every error the gateway generated for its target: the
 *   symptoms follow from it;</li>
 *   <li>a reason read from the gateway's error log accounts for the gateway's errors at the
 *   endpoints of the named workload where the gateway gave that reason;</li>
 *   <li>a probe result accounts for nothing the gateway contradicts: the gateway's reason wins,
 *   unless the probe is strictly more specific (TLS where plain was sent, a header size measured),
 *   which then accounts for the errors at the same endpoints and wins the tie; a measured
 *   keep-alive race accounts for the premature closes and resets at its endpoints and wins the tie
 *   with them;</li>
 *   <li>a restart or OOM kill accounts for the errors at that pod from {@link #BEFORE} before the
 *   container ended until {@link #AFTER} after the pod was Ready again (to now while it is not):
 *   not for steady errors while it runs Ready;</li>
 *   <li>{@code BackendServerError} accounts for the 5xx the app answered itself;</li>
 *   <li>{@code ConfigDrift} accounts for the errors only when nothing more direct does.</li>
 * </ul>
 * The result is twice the count, plus one for a strictly more specific probe (so that it wins a tie).
 * Pure: no clock, no I/O.
 */
public final class Explained {
  static final Duration BEFORE = Duration.ofMinutes(1);
  static final Duration AFTER = Duration.ofMinutes(1);

  private static final Set<Code> CHAIN = EnumSet.of(Code.BackendServiceMissing, Code.ServicePortMismatch, Code.TargetPortMismatch,
      Code.NoPodsSelected, Code.NetworkPolicyBlocked, Code.RolloutWithoutGracefulShutdown);
  /** Codes the prober can name more precisely than nginx's words for the same failure. */
  private static final Set<Code> MORE_SPECIFIC = EnumSet.of(Code.BackendProtocolMismatch, Code.BackendHeadersTooLarge);

  private Explained() {}

  /** The errors (gateway-generated and app-returned) the gateway's logs show for the target's backends. */
  public static long observed(AnalysisContext ctx) {
    long n = 0;
    for (ResolvedBackend b : ctx.chain().backends()) {
      GatewayEvidence.Counts c = ctx.upstream(b);
      n += c == null ? 0 : c.gatewayErrors() + BackendServerErrorRule.appErrors(c);
    }
    return n;
  }

  /** Twice the errors this finding accounts for (plus one when a probe is strictly more specific). */
  public static long score(AnalysisContext ctx, RuleFinding f) {
    if (!f.code().isCause()) {
      return 0;
    }
    if (f.code() == Code.ConfigDrift) {
      return 1; // a change is the cause when nothing more direct accounts for the errors: above nothing, below anything
    }
    if (CHAIN.contains(f.code()) || (f.code() == Code.NoReadyEndpoints && f.severity() == io.gatewaydoctor.analysis.Severity.Critical)) {
      long n = 0;
      for (ResolvedBackend b : ctx.chain().backends()) {
        GatewayEvidence.Counts c = ctx.upstream(b);
        n += c == null ? 0 : c.gatewayErrors();
      }
      return 2 * n;
    }
    if (f.code() == Code.BackendServerError) {
      long n = 0;
      for (ResolvedBackend b : ctx.chain().backends()) {
        GatewayEvidence.Counts c = ctx.upstream(b);
        n += c == null ? 0 : BackendServerErrorRule.appErrors(c);
      }
      return 2 * n;
    }
    if (f.code() == Code.BackendOOMKilled || f.code() == Code.BackendCrashLooping) {
      return 2 * aroundRestarts(ctx, f);
    }
    Set<Reason> reasons = reasons(f.code());
    long byReason = 0;
    long atSamePods = 0;
    for (ResolvedBackend b : ctx.chain().backends()) {
      for (Endpoint e : Endpoint.of(b)) {
        GatewayEvidence.Counts c = GatewayTrouble.at(ctx, e);
        if (c == null || c.gatewayErrors() == 0 || !f.resource().equals(b.workloadOf(e.pod()))) {
          continue;
        }
        if (reasons.stream().anyMatch(r -> c.reasons.getOrDefault(r, 0L) > 0)) {
          byReason += c.gatewayErrors();
        }
        atSamePods += c.gatewayErrors();
      }
    }
    if (byReason > 0) {
      // a measured idle timeout shorter than the gateway's names the mechanism behind those closes: it wins the tie
      return 2 * byReason + (f.code() == Code.KeepAliveTimeoutRace ? 1 : 0);
    }
    if (MORE_SPECIFIC.contains(f.code()) && atSamePods > 0 && f.evidence().stream().anyMatch(l -> l.startsWith("probe "))) {
      return 2 * atSamePods + 1;
    }
    if (f.code() == Code.BackendProtocolMismatch && f.resource().kind.equals("Ingress")) {
      return 2 * allGatewayErrors(ctx); // the Ingress's protocol is wrong for the backend: every error follows from it
    }
    return 0;
  }

  private static long allGatewayErrors(AnalysisContext ctx) {
    long n = 0;
    for (ResolvedBackend b : ctx.chain().backends()) {
      GatewayEvidence.Counts c = ctx.upstream(b);
      n += c == null ? 0 : c.gatewayErrors();
    }
    return n;
  }

  /** The gateway reasons that are this code's evidence. */
  static Set<Reason> reasons(Code code) {
    Set<Reason> out = EnumSet.noneOf(Reason.class);
    for (Map.Entry<Reason, Code> e : GatewayErrorReasonsRule.CODES.entrySet()) {
      if (e.getValue() == code) {
        out.add(e.getKey());
      }
    }
    if (code == Code.KeepAliveTimeoutRace) {
      out.add(Reason.prematureClose);
      out.add(Reason.reset);
    }
    return out;
  }

  /** The gateway's errors at the workload's pods while a container was down (from just before it ended until it was Ready again). */
  private static long aroundRestarts(AnalysisContext ctx, RuleFinding f) {
    long n = 0;
    for (ResolvedBackend b : ctx.chain().backends()) {
      for (Endpoint e : Endpoint.of(b)) {
        GatewayEvidence.Counts c = GatewayTrouble.at(ctx, e);
        Pod p = e.pod() == null ? null : b.pod(e.pod()).orElse(null);
        if (c == null || p == null || c.errorMinutes.isEmpty() || !f.resource().equals(Pods.workload(p))) {
          continue;
        }
        Instant up = Pods.isReady(p) ? readySince(p) : ctx.now();
        for (ContainerStatus cs : Pods.containerStatuses(p)) {
          ContainerStateTerminated t = cs == null ? null : ContainerTrouble.lastTermination(cs);
          Instant ended = t == null ? null : Times.parse(t.getFinishedAt());
          if (ended == null) {
            continue;
          }
          Instant to = (up == null || up.isBefore(ended) ? ended : up).plus(AFTER);
          n += c.errorMinutes.subMap(minute(ended.minus(BEFORE)), true, minute(to), true).values().stream().mapToLong(Long::longValue)
              .sum();
        }
      }
    }
    return n;
  }

  /** When the pod last became Ready (its Ready condition's transition, else its containers' start), or null. */
  private static Instant readySince(Pod p) {
    if (p.getStatus() != null && p.getStatus().getConditions() != null) {
      for (var c : p.getStatus().getConditions()) {
        if ("Ready".equals(c.getType()) && "True".equals(c.getStatus()) && c.getLastTransitionTime() != null) {
          return Times.parse(c.getLastTransitionTime());
        }
      }
    }
    Instant started = null;
    for (ContainerStatus cs : Pods.containerStatuses(p)) {
      if (cs != null && cs.getState() != null && cs.getState().getRunning() != null) {
        Instant s = Times.parse(cs.getState().getRunning().getStartedAt());
        started = s != null && (started == null || s.isAfter(started)) ? s : started;
      }
    }
    return started;
  }

  private static long minute(Instant t) {
    return Math.floorDiv(t.getEpochSecond(), 60);
  }
}
