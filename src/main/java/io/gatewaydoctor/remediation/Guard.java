package io.gatewaydoctor.remediation;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.api.BackendStatus;
import io.gatewaydoctor.api.Baseline;
import io.gatewaydoctor.api.EndpointStatus;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.gateway.IngressNginx;
import io.gatewaydoctor.model.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The safety rules every plan passes before it may run, each a small pure check that returns why it
 * blocks (or nothing):
 *
 * <ul>
 *   <li>the policy allows the action;
 *   <li>the verdict rests on fresh inputs (synced caches, evidence within the window);
 *   <li>remediation of the target has not stopped after an action that did not help;
 *   <li>one action per target per cooldown, and at most {@code rateLimit} actions per period over
 *       all targets;
 *   <li>restart-pod: another endpoint is ready and answers probes, and the Service keeps at least
 *       the larger of 1 and half of its ready endpoints;
 *   <li>rollback: the ReplicaSet returned to served the target when it was last Healthy (its
 *       baseline);
 *   <li>raise-proxy-buffer-size: the new size is within the cap.
 * </ul>
 */
public final class Guard {
  private Guard() {}

  /**
   * The start of the reason while the inputs are not fresh yet (a start, a new target): a wait, not
   * worth a record.
   */
  public static final String WAITING = "no fresh evidence yet";

  /** The operator's limits. */
  /**
   * The cooldown, the rate limit over all targets, its period, and the share of it one namespace
   * may take (so that one tenant's failing targets cannot use up every other team's actions).
   */
  public record Limits(
      Duration cooldown, int rateLimit, Duration ratePeriod, int rateLimitPerNamespace) {
    public static final Limits DEFAULT =
        new Limits(Duration.ofMinutes(10), 5, Duration.ofMinutes(10), 2);

    /** Without a share per namespace (all of the rate limit). */
    public Limits(Duration cooldown, int rateLimit, Duration ratePeriod) {
      this(cooldown, rateLimit, ratePeriod, rateLimit);
    }
  }

  /**
   * What the guard knows besides the plan: the policy, the time, the window and when the inputs
   * were last fresh (null: never), the verdict's backends, the healthy baseline (may be null), the
   * target's ledger, how many actions ran in the last period over all targets, and the actions
   * other targets applied (several Ingresses may share a Service or a Deployment).
   */
  public record Situation(
      RemediationPolicy policy,
      Instant now,
      Duration window,
      Instant freshAt,
      List<BackendStatus> backends,
      Baseline baseline,
      Ledger.State ledger,
      int appliedInPeriod,
      Limits limits,
      List<RemediationRecord> elsewhere,
      Instant healthySince) {
    public Situation(
        RemediationPolicy policy,
        Instant now,
        Duration window,
        Instant freshAt,
        List<BackendStatus> backends,
        Baseline baseline,
        Ledger.State ledger,
        int appliedInPeriod,
        Limits limits) {
      this(
          policy,
          now,
          window,
          freshAt,
          backends,
          baseline,
          ledger,
          appliedInPeriod,
          limits,
          List.of(),
          null);
    }

    public Situation(
        RemediationPolicy policy,
        Instant now,
        Duration window,
        Instant freshAt,
        List<BackendStatus> backends,
        Baseline baseline,
        Ledger.State ledger,
        int appliedInPeriod,
        Limits limits,
        List<RemediationRecord> elsewhere) {
      this(
          policy,
          now,
          window,
          freshAt,
          backends,
          baseline,
          ledger,
          appliedInPeriod,
          limits,
          elsewhere,
          null);
    }

    /** The same, with the target's ledger as it is now. */
    public Situation with(Ledger.State l) {
      return new Situation(
          policy,
          now,
          window,
          freshAt,
          backends,
          baseline,
          l,
          appliedInPeriod,
          limits,
          elsewhere,
          healthySince);
    }

    /** The same, with other targets' actions as they are now. */
    public Situation withElsewhere(List<RemediationRecord> e) {
      return new Situation(
          policy,
          now,
          window,
          freshAt,
          backends,
          baseline,
          ledger,
          appliedInPeriod,
          limits,
          e,
          healthySince);
    }
  }

  /** The first reason that blocks the plan, or empty when it may run (in the policy's mode). */
  public static Optional<String> check(Plan p, Situation s) {
    if (!s.policy().actions().contains(p.action())) {
      return Optional.of(
          p.action()
              + " is not among the actions this target allows ("
              + RemediationPolicy.ACTIONS
              + ")");
    }
    return target(s).or(() -> shared(p, s)).or(() -> specific(p, s));
  }

  /**
   * The cooldown holds per changed object too, over all targets; and one pod per namespace per
   * cooldown, so two targets on one Service cannot each take a pod before the EndpointSlice shows
   * the first one gone.
   */
  public static Optional<String> shared(Plan p, Situation s) {
    Instant since = s.now().minus(s.limits().cooldown());
    for (RemediationRecord r :
        s.elsewhere() == null ? List.<RemediationRecord>of() : s.elsewhere()) {
      Instant at = Times.parse(r.time);
      if (!Ledger.APPLIED.equals(r.result) || at == null || !at.isAfter(since)) {
        continue;
      }
      if (p.objectKey().equals(r.target)) {
        return Optional.of(
            "cooldown: another target's " + r.action + " changed " + r.target + " at " + r.time);
      }
      if (Action.RESTART_POD.value().equals(p.action())
          && Action.RESTART_POD.value().equals(r.action)
          && r.target != null
          && r.target.startsWith("Pod " + p.object().namespace + "/")) {
        return Optional.of(
            "cooldown: another target's restart-pod deleted "
                + r.target
                + " at "
                + r.time
                + "; one pod per namespace per "
                + s.limits().cooldown());
      }
    }
    return Optional.empty();
  }

  /** The checks that hold for any plan of the target. */
  static Optional<String> target(Situation s) {
    if (s.freshAt() == null) {
      return Optional.of(
          WAITING
              + " (an informer is not watching, or the target was not probed yet): no action on a"
              + " verdict it may not back");
    }
    if (s.freshAt().isBefore(s.now().minus(s.window()))) {
      return Optional.of(
          "the newest evidence ("
              + s.freshAt()
              + ") is older than the window ("
              + s.window()
              + ")");
    }
    var l = s.ledger();
    if (l.stopped()) {
      return Optional.of(
          "remediation stopped: "
              + (l.lastApplied() == null
                  ? "an earlier action"
                  : l.lastApplied().action + " at " + l.lastApplied().time)
              + " did not improve the verdict; it resumes when the target is Healthy again");
    }
    Instant until = l.cooldownUntil(s.limits().cooldown());
    if (until != null && s.now().isBefore(until)) {
      return Optional.of(
          "cooldown: one action per target per "
              + s.limits().cooldown()
              + "; "
              + l.lastApplied().action
              + " ran at "
              + l.lastApplied().time
              + ", the next may run from "
              + until);
    }
    if (s.policy().mode() == RemediationPolicy.Mode.auto
        && s.appliedInPeriod() >= s.limits().rateLimit()) {
      return Optional.of(
          "rate limit: "
              + s.appliedInPeriod()
              + " actions in the last "
              + s.limits().ratePeriod()
              + " over all targets (at most "
              + s.limits().rateLimit()
              + ")");
    }
    return Optional.empty();
  }

  static Optional<String> specific(Plan p, Situation s) {
    return switch (p.action()) {
      case "restart-pod" -> floor(p.object().name, s.backends());
      case "rollback" -> provenHealthy(p, s.baseline());
      case "raise-proxy-buffer-size" -> bufferCap(p);
      default -> Optional.empty();
    };
  }

  /**
   * restart-pod: the pod's Services keep an answering endpoint and at least max(1, half) of their
   * ready ones.
   */
  static Optional<String> floor(String pod, List<BackendStatus> backends) {
    boolean found = false;
    for (BackendStatus b : backends == null ? List.<BackendStatus>of() : backends) {
      List<EndpointStatus> eps = b.endpoints == null ? List.of() : b.endpoints;
      if (eps.stream().noneMatch(e -> pod.equals(e.pod))) {
        continue;
      }
      found = true;
      long ready = eps.stream().filter(e -> Boolean.TRUE.equals(e.ready)).count();
      // every endpoint of the pod goes with it (a dual-stack pod has one per address family)
      long after =
          eps.stream().filter(e -> Boolean.TRUE.equals(e.ready) && !pod.equals(e.pod)).count();
      long answering =
          eps.stream()
              .filter(
                  e ->
                      Boolean.TRUE.equals(e.ready)
                          && !pod.equals(e.pod)
                          && e.lastProbe != null
                          && "ok".equals(e.lastProbe.outcome))
              .count();
      long floor = Math.max(1, (ready + 1) / 2);
      if (answering < 1) {
        return Optional.of(
            "floor: no other endpoint of Service "
                + b.service
                + " is ready and answering probes; deleting pod "
                + pod
                + " would leave "
                + after
                + " of "
                + ready
                + " ready endpoints");
      }
      if (after < floor) {
        return Optional.of(
            "floor: deleting pod "
                + pod
                + " would leave "
                + after
                + " of "
                + ready
                + " ready endpoints of Service "
                + b.service
                + ", below "
                + floor
                + " (the larger of 1 and half of them)");
      }
    }
    return found
        ? Optional.empty()
        : Optional.of("pod " + pod + " is no endpoint of the target's Services");
  }

  /**
   * rollback: the ReplicaSet rolled back to served the target's ready endpoints when it was last
   * Healthy (its baseline).
   */
  static Optional<String> provenHealthy(Plan p, Baseline baseline) {
    if (p.source() == null) {
      return Optional.of("the rollback names no ReplicaSet to return to");
    }
    String rs = p.source().namespace + "/" + p.source().name;
    if (baseline == null || baseline.servedBy == null || baseline.servedBy.isEmpty()) {
      return Optional.of(
          "no healthy baseline of the chain: nothing proves that ReplicaSet " + rs + " worked");
    }
    if (!baseline.servedBy.contains(rs)) {
      return Optional.of(
          "ReplicaSet "
              + rs
              + " did not serve the target when it was last Healthy ("
              + baseline.recordedAt
              + ": "
              + String.join(", ", baseline.servedBy)
              + "): nothing proves it worked");
    }
    return Optional.empty();
  }

  static Optional<String> bufferCap(Plan p) {
    String v;
    try {
      v =
          Serialization.jsonMapper()
              .readTree(p.patch())
              .path("metadata")
              .path("annotations")
              .path(IngressNginx.PROXY_BUFFER_SIZE)
              .asText();
    } catch (Exception e) {
      return Optional.of("the proxy-buffer-size patch cannot be read: " + e.getMessage());
    }
    boolean within =
        v.matches("\\d{1,2}[kK]")
            && Integer.parseInt(v.substring(0, v.length() - 1)) >= 1
            && Integer.parseInt(v.substring(0, v.length() - 1)) <= 64;
    return within
        ? Optional.empty()
        : Optional.of("proxy-buffer-size \"" + v + "\" is not within 1k..64k (the cap)");
  }
}
