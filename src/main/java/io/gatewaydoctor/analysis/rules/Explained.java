package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.Times;
import io.gatewaydoctor.signals.ErrorLine.Reason;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How many of the errors clients got in the window a finding accounts for, in place (the errors
 * went to the Services or pods it names) and in time (they happened while its condition held). The
 * unit is one client-visible error: a request nginx retried on three pods before it gave up is one
 * error, charged to the last pod tried; tries that a retry hid from the client count for nothing.
 * The ranking reads it when the gateway's logs show errors (DESIGN section 4):
 *
 * <ul>
 *   <li>a cause on the config chain (missing Service, wrong port, no pods, a blocking
 *       NetworkPolicy, TLS-versus-plain on the Ingress) accounts for every error of the backends it
 *       concerns, and wins the tie with the symptoms it explains (a wrong targetPort explains the
 *       refusals);
 *   <li>a reason from the gateway's error log accounts for the errors at the endpoints of the named
 *       workload, in proportion to that reason's share of the error lines there;
 *   <li>a probe result accounts for the errors at its endpoints only where the gateway's error log
 *       gave no reason: where it did, the gateway's reason wins, unless the probe is strictly more
 *       specific (TLS where plain was sent, a header size measured, a measured keep-alive race),
 *       which then wins the tie;
 *   <li>a restart or OOM kill accounts for the errors at that pod from one minute before a
 *       container ended until one minute after the pod was Ready again; while the pod is not Ready,
 *       for all of them; not for steady errors while it runs Ready. When it affects every pod, it
 *       also accounts for the errors with no pod behind them (no ready endpoint), which is its
 *       doing;
 *   <li>{@code NoReadyEndpoints} accounts for the errors with no pod behind them;
 *   <li>{@code RolloutWithoutGracefulShutdown} for the failed tries to pods that are gone;
 *   <li>{@code StaleEndpoints} for the errors at addresses that are no endpoint of the Service;
 *   <li>{@code BackendServerError} for the 5xx the app answered itself;
 *   <li>{@code ConfigDrift} accounts for the errors only when nothing more direct does.
 * </ul>
 *
 * The result is twice the count, plus one to win a tie as said above. Pure: no clock, no I/O; a
 * finding it cannot read accounts for nothing rather than failing the verdict.
 */
public final class Explained {
  static final Duration BEFORE = Duration.ofMinutes(1);
  static final Duration AFTER = Duration.ofMinutes(1);

  /** Codes the prober can name more precisely than nginx's words for the same failure. */
  private static final Set<Code> MORE_SPECIFIC =
      EnumSet.of(
          Code.BackendProtocolMismatch, Code.BackendHeadersTooLarge, Code.KeepAliveTimeoutRace);

  private static final Set<String> WORKLOADS =
      Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job");

  private Explained() {}

  /**
   * The errors clients got (gateway-generated and the app's own) on the target's backends, from the
   * gateway's logs.
   */
  public static long observed(AnalysisContext ctx) {
    long n = 0;
    for (ResolvedBackend b : ctx.chain().backends()) {
      GatewayEvidence.Counts c = ctx.upstream(b);
      n += c == null ? 0 : c.gatewayErrors() + c.appErrors();
    }
    return n;
  }

  /**
   * Twice the client errors this finding accounts for (plus one to win a tie); 0 for what it cannot
   * read.
   */
  public static long score(AnalysisContext ctx, RuleFinding f) {
    try {
      return f.code().isCause() ? scoreOf(ctx, f) : 0;
    } catch (RuntimeException e) {
      return 0; // an odd object accounts for nothing; it must not take the verdict down
    }
  }

  private static long scoreOf(AnalysisContext ctx, RuleFinding f) {
    List<ResolvedBackend> backends = backendsOf(ctx, f);
    return switch (f.code()) {
      case ConfigDrift -> 1; // above nothing, below anything
      case GatewayNotProgrammed,
          RouteNotAccepted,
          BackendRefNotPermitted,
          BackendServiceMissing,
          ServicePortMismatch,
          TargetPortMismatch,
          NoPodsSelected,
          NetworkPolicyBlocked ->
          2 * clientErrors(ctx, backends) + 1;
      case NoReadyEndpoints -> 2 * unattributed(ctx, backends);
      case BackendServerError -> 2 * backends.stream().mapToLong(b -> appErrors(ctx, b)).sum();
      case RolloutWithoutGracefulShutdown -> 2 * departed(ctx, backends);
      case StaleEndpoints -> 2 * StaleAddresses.errors(ctx, distinct(backends));
      case BackendOOMKilled, BackendCrashLooping ->
          2 * aroundRestarts(ctx, f, backends)
              + (f.severity() == Severity.Critical ? 2 * unattributed(ctx, backends) : 0);
      default -> atEndpoints(ctx, f, backends);
    };
  }

  /**
   * The backends a finding concerns: its Service's, its workload's, else (the Ingress, a
   * NetworkPolicy) all.
   */
  static List<ResolvedBackend> backendsOf(AnalysisContext ctx, RuleFinding f) {
    List<ResolvedBackend> all = ctx.chain().backends();
    if (f.resource() == null || f.resource().kind == null) {
      return all;
    }
    List<ResolvedBackend> out = new ArrayList<>();
    for (ResolvedBackend b : all) {
      boolean mine =
          "Service".equals(f.resource().kind)
              ? f.resource().equals(b.serviceRef())
              : WORKLOADS.contains(f.resource().kind)
                  && b.pods().stream().anyMatch(p -> f.resource().equals(Pods.workload(p)));
      if (mine) {
        out.add(b);
      }
    }
    return out.isEmpty()
            && !"Service".equals(f.resource().kind)
            && !WORKLOADS.contains(f.resource().kind)
        ? all
        : out;
  }

  private static long clientErrors(AnalysisContext ctx, List<ResolvedBackend> backends) {
    long n = 0;
    for (ResolvedBackend b : distinct(backends)) {
      GatewayEvidence.Counts c = ctx.upstream(b);
      n += c == null ? 0 : c.gatewayErrors();
    }
    return n;
  }

  private static long appErrors(AnalysisContext ctx, ResolvedBackend b) {
    GatewayEvidence.Counts c = ctx.upstream(b);
    return c == null ? 0 : c.appErrors();
  }

  /**
   * The backend's client errors with no pod behind them (ingress-nginx's 503 without endpoints).
   */
  private static long unattributed(AnalysisContext ctx, List<ResolvedBackend> backends) {
    long n = 0;
    for (ResolvedBackend b : distinct(backends)) {
      GatewayEvidence.Counts c = ctx.upstream(b);
      if (c == null) {
        continue;
      }
      long atPods = 0;
      for (Endpoint e : Endpoint.of(b)) {
        GatewayEvidence.Counts a = GatewayTrouble.at(ctx, e);
        atPods += a == null ? 0 : a.clientErrors;
      }
      n += Math.max(0, c.gatewayErrors() - atPods);
    }
    return n;
  }

  /**
   * Failed tries to addresses that are no endpoint of the backend any more (pods a rollout
   * replaced), at most its client errors.
   */
  private static long departed(AnalysisContext ctx, List<ResolvedBackend> backends) {
    long n = 0;
    for (ResolvedBackend b : distinct(backends)) {
      GatewayEvidence.Counts c = ctx.upstream(b);
      if (c == null) {
        continue;
      }
      Set<String> current = new HashSet<>();
      Endpoint.of(b).forEach(e -> current.add(e.address()));
      long gone =
          c.failedAddresses.entrySet().stream()
              .filter(e -> !current.contains(e.getKey()))
              .mapToLong(Map.Entry::getValue)
              .sum();
      n += Math.min(gone, c.gatewayErrors());
    }
    return n;
  }

  /**
   * The client errors at the finding's workload's endpoints, split by the share of this finding's
   * reasons among the error lines there; where there are no error lines, a probe finding takes
   * them.
   */
  private static long atEndpoints(
      AnalysisContext ctx, RuleFinding f, List<ResolvedBackend> backends) {
    Set<Reason> reasons = reasons(f.code());
    boolean probed =
        f.evidence().stream()
            .anyMatch(l -> l.startsWith("probe ") || l.startsWith("idle keep-alive"));
    double byReason = 0;
    long unexplained = 0;
    long atSamePods = 0;
    boolean ingressWide =
        f.code() == Code.BackendProtocolMismatch && f.resource().equals(ctx.chain().target().ref());
    for (ResolvedBackend b : distinct(backends)) {
      for (Endpoint e : Endpoint.of(b)) {
        GatewayEvidence.Counts c = GatewayTrouble.at(ctx, e);
        if (c == null
            || c.clientErrors == 0
            || (!ingressWide && !f.resource().equals(b.workloadOf(e.pod())))) {
          continue;
        }
        long lines = c.reasons.values().stream().mapToLong(Long::longValue).sum();
        long mine = reasons.stream().mapToLong(r -> c.reasons.getOrDefault(r, 0L)).sum();
        if (lines == 0) {
          unexplained += c.clientErrors;
        } else {
          byReason += c.clientErrors * (double) mine / lines;
        }
        atSamePods += c.clientErrors;
      }
    }
    long own = Math.round(2 * byReason);
    if (own > 0) {
      return own + (MORE_SPECIFIC.contains(f.code()) && probed ? 1 : 0);
    }
    if (MORE_SPECIFIC.contains(f.code()) && probed && atSamePods > 0) {
      return 2 * atSamePods
          + 1; // strictly more specific than what the gateway said at the same pods
    }
    if (ingressWide) {
      return 2
          * clientErrors(
              ctx,
              backends); // the Ingress's protocol is wrong for the backend: every error follows
      // from it
    }
    return probed ? 2 * unexplained : 0;
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

  /**
   * The client errors at the workload's pods while a container was down: from a minute before it
   * ended until a minute after the pod was Ready again (each minute once, whatever the number of
   * containers); every error at a pod that is not Ready now.
   */
  private static long aroundRestarts(
      AnalysisContext ctx, RuleFinding f, List<ResolvedBackend> backends) {
    long n = 0;
    Set<String> seen = new HashSet<>();
    for (ResolvedBackend b : distinct(backends)) {
      for (Endpoint e : Endpoint.of(b)) {
        GatewayEvidence.Counts c = GatewayTrouble.at(ctx, e);
        Pod p = e.pod() == null ? null : b.pod(e.pod()).orElse(null);
        if (c == null
            || p == null
            || c.clientErrorMinutes.isEmpty()
            || !f.resource().equals(Pods.workload(p))
            || !seen.add(e.address())) {
          continue;
        }
        if (!Pods.isReady(p)) {
          n += c.clientErrors;
          continue;
        }
        Instant up = readySince(p);
        Set<Long> minutes = new TreeSet<>();
        for (ContainerStatus cs : Pods.containerStatuses(p)) {
          ContainerStateTerminated t = cs == null ? null : ContainerTrouble.lastTermination(cs);
          Instant ended = t == null ? null : Times.parse(t.getFinishedAt());
          if (ended == null) {
            continue;
          }
          Instant to = (up == null || up.isBefore(ended) ? ended : up).plus(AFTER);
          minutes.addAll(
              c.clientErrorMinutes
                  .subMap(minute(ended.minus(BEFORE)), true, minute(to), true)
                  .keySet());
        }
        for (long m : minutes) {
          n += c.clientErrorMinutes.get(m);
        }
      }
    }
    return n;
  }

  /**
   * When the pod last became Ready (its Ready condition's transition, else its containers' start),
   * or null.
   */
  private static Instant readySince(Pod p) {
    if (p.getStatus() != null && p.getStatus().getConditions() != null) {
      for (var c : p.getStatus().getConditions()) {
        if (c != null
            && "Ready".equals(c.getType())
            && "True".equals(c.getStatus())
            && c.getLastTransitionTime() != null) {
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

  private static List<ResolvedBackend> distinct(List<ResolvedBackend> backends) {
    Set<String> seen = new HashSet<>();
    return backends.stream()
        .filter(b -> seen.add(b.serviceKey() + ":" + b.ref().portLabel()))
        .toList();
  }

  private static long minute(Instant t) {
    return Math.floorDiv(t.getEpochSecond(), 60);
  }
}
