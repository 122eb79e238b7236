package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.api.Baseline;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.api.TimelineEntry;
import io.gatewaydoctor.model.Times;
import io.gatewaydoctor.remediation.Guard;
import io.gatewaydoctor.remediation.Ledger;
import io.gatewaydoctor.remediation.Plan;
import io.gatewaydoctor.remediation.Remediation;
import io.gatewaydoctor.remediation.RemediationCondition;
import io.gatewaydoctor.remediation.RemediationPolicy;
import io.gatewaydoctor.remediation.Slots;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Carries out a target's remediation decision ({@link Remediation#decide}) inside the reconcile,
 * which only the leader runs:
 *
 * <ol>
 *   <li>reads the object from the API server; a plan made on another version of it (another uid for
 *       a pod) waits for the fresh verdict the informer event brings;
 *   <li>sends the change as a server-side dry-run (dry-run mode stops here);
 *   <li>takes a slot of the global rate limit (counted over every diagnosis's records, so a restart
 *       or a failover does not reset it) and writes the {@code Applied} record to the status before
 *       the change, so that a crash or a failed status write can never lead to the change being
 *       made twice;
 *   <li>makes the change: a patch, or for restart-pod an eviction (PodDisruptionBudgets apply) of
 *       that very pod (uid precondition).
 * </ol>
 *
 * Each plan and effect becomes a record, an Event on the target and on the object, a metric and,
 * when applied, a timeline entry. A plan the API server refused is not sent again within a
 * cooldown.
 */
@ApplicationScoped
public class Remediator {
  private static final Logger LOG = Logger.getLogger(Remediator.class);

  @Inject KubernetesClient client;
  @Inject OperatorMetrics metrics;
  @Inject PatchExecutor executor;

  @ConfigProperty(name = "gatewaydoctor.remediation.cooldown", defaultValue = "PT10M")
  Duration cooldown;

  @ConfigProperty(name = "gatewaydoctor.remediation.rate-limit", defaultValue = "5")
  int rateLimit;

  /** One namespace's share of the rate limit. */
  @ConfigProperty(name = "gatewaydoctor.remediation.rate-limit-per-namespace", defaultValue = "2")
  int rateLimitPerNamespace;

  @ConfigProperty(name = "gatewaydoctor.remediation.rate-period", defaultValue = "PT10M")
  Duration ratePeriod;

  /**
   * Where the ledger outlives diagnoses and restarts: a ConfigMap of this name in this namespace
   * (the operator's own; empty: memory only).
   */
  @ConfigProperty(name = "gatewaydoctor.remediation.ledger-namespace")
  Optional<String> ledgerNamespace;

  @ConfigProperty(
      name = "gatewaydoctor.remediation.ledger-name",
      defaultValue = "gateway-doctor-remediation-ledger")
  String ledgerName;

  private volatile LedgerStore ledger;

  /**
   * An automatic change runs only on a verdict whose probes are at most this old; else the target
   * is probed again first.
   */
  @ConfigProperty(name = "gatewaydoctor.remediation.recheck-within", defaultValue = "PT10S")
  Duration recheckWithin;

  private volatile Consumer<GatewayDiagnosis> recheck = gd -> {};
  private volatile java.util.function.BiPredicate<GatewayDiagnosis, Instant> probedSince =
      (gd, t) -> true;

  /** When each target asked for a fresh round before a change (by diagnosis key). */
  private final Map<String, Instant> asked = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Asks for a fresh probe round of a target (the prober), before a change; and tells whether its
   * last round started at or after an instant.
   */
  void onRecheck(
      Consumer<GatewayDiagnosis> c,
      java.util.function.BiPredicate<GatewayDiagnosis, Instant> since) {
    this.recheck = c;
    this.probedSince = since;
  }

  LedgerStore ledger() {
    LedgerStore l = ledger;
    if (l == null) {
      synchronized (this) {
        if (ledger == null) {
          ledger = new LedgerStore(client, ledgerNamespace.orElse(null), ledgerName);
        }
        l = ledger;
      }
    }
    return l;
  }

  /** The ledger key of a diagnosis's target (namespace, kind, name), not of the diagnosis. */
  static String targetKey(GatewayDiagnosis gd) {
    var t = gd.getSpec() == null ? null : gd.getSpec().getTargetRef();
    String kind = t == null || t.getKind() == null ? "Ingress" : t.getKind();
    String name = t == null || t.getName() == null ? gd.getMetadata().getName() : t.getName();
    return LedgerStore.key(gd.getMetadata().getNamespace(), kind, name);
  }

  /** How far back a record still decides something: three cooldowns, or the rate period. */
  Duration keep() {
    Duration three = cooldown.multipliedBy(3);
    return three.compareTo(ratePeriod) >= 0 ? three : ratePeriod;
  }

  /**
   * The records last written per diagnosis ({@link #key}): the cached primary can lag behind the
   * operator's own status write, and a history read from it could miss an action just taken. The
   * status seeds it after a restart.
   */
  private final Map<String, List<RemediationRecord>> written =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** namespace/name → the key of the diagnosis last seen under it, to forget it by name. */
  private final Map<String, String> keys = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * When a plan (action, object, patch without version) was last refused by the API server: not
   * sent again within a cooldown.
   */
  private final Map<String, Instant> refused = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The target's records after this round, the RemediationApplied condition, when to look again,
   * the diagnosis's new version.
   */
  public record Round(
      List<RemediationRecord> records,
      RemediationCondition condition,
      Duration recheck,
      String resourceVersion) {}

  Guard.Limits limits() {
    return new Guard.Limits(
        cooldown, rateLimit, ratePeriod, Math.max(1, Math.min(rateLimitPerNamespace, rateLimit)));
  }

  /**
   * The records of every diagnosis: the status of each, or what this process wrote last when newer.
   */
  static Map<String, List<RemediationRecord>> all(
      List<GatewayDiagnosis> diagnoses, Map<String, List<RemediationRecord>> written) {
    Map<String, List<RemediationRecord>> out = new HashMap<>();
    for (GatewayDiagnosis g : diagnoses) {
      String k = key(g);
      out.put(
          k,
          written.getOrDefault(
              k,
              g.getStatus() == null || g.getStatus().remediations == null
                  ? List.of()
                  : g.getStatus().remediations));
    }
    return out;
  }

  /** A diagnosis by its uid (one deleted and made again is another), else by namespace/name. */
  static String key(GatewayDiagnosis gd) {
    String uid = gd.getMetadata().getUid();
    return uid != null ? uid : gd.getMetadata().getNamespace() + "/" + gd.getMetadata().getName();
  }

  Round run(
      GatewayDiagnosis gd,
      ResourceRef ingress,
      Diagnosis d,
      RemediationPolicy policy,
      Baseline baseline,
      Instant now,
      Duration window,
      Instant freshAt,
      Instant healthySince,
      Function<ResourceRef, Optional<HasMetadata>> cached,
      java.util.function.Supplier<List<GatewayDiagnosis>> diagnoses,
      Consumer<TimelineEntry> timeline) {
    String me = key(gd);
    keys.put(gd.getMetadata().getNamespace() + "/" + gd.getMetadata().getName(), me);
    String target = targetKey(gd);
    List<RemediationRecord> history =
        written.getOrDefault(
            me,
            gd.getStatus() == null || gd.getStatus().remediations == null
                ? List.of()
                : gd.getStatus().remediations);
    if (history.isEmpty()) {
      // a diagnosis made again (its Ingress deleted and created anew) starts from the target's
      // ledger: its cooldowns, stops and counted actions stay
      history = ledger().of(target);
    }
    if (policy.mode() == RemediationPolicy.Mode.off) {
      return new Round(
          history,
          Remediation.condition(policy, history, false),
          null,
          null); // the common case: nothing to look at
    }
    var everyone = everyone(diagnoses, target);
    List<RemediationRecord> elsewhere = new ArrayList<>();
    everyone.forEach(
        (k, v) -> {
          if (!k.equals(me)) {
            elsewhere.addAll(v);
          }
        });
    var situation =
        new Guard.Situation(
            policy,
            now,
            window,
            freshAt,
            d.backends(),
            baseline,
            Ledger.of(history),
            appliedInPeriod(everyone, now),
            limits(),
            elsewhere,
            healthySince);
    var outlook = Remediation.decide(d, history, situation);
    List<RemediationRecord> records = outlook.records();
    for (RemediationRecord r : outlook.added()) {
      metrics.remediation(r.action, r.result);
      boolean bad = Ledger.NO_IMPROVEMENT.equals(r.result);
      HealthEvents.about(
          client,
          ingress,
          bad,
          "Remediation" + r.result,
          r.action + " on " + r.target + ": " + r.reason,
          now);
    }
    String version = null;
    var decision = outlook.decision();
    if (decision != null) {
      var done =
          carryOut(gd, ingress, records, decision, situation, now, cached, diagnoses, timeline);
      records = done.records();
      version = done.resourceVersion();
    }
    written.put(me, List.copyOf(records));
    ledger().put(target, records, now, keep());
    // a cooldown's end changes what may happen (judge the action, allow the next one): reconcile
    // then, event or not
    var state = Ledger.of(records);
    Instant until = state.cooldownUntil(cooldown);
    if (state.stopped() && healthySince != null) {
      until = healthySince.plus(cooldown); // when the stop may end
    }
    Duration recheck =
        policy.mode() != RemediationPolicy.Mode.off && until != null && until.isAfter(now)
            ? Duration.between(now, until).plusMillis(500)
            : null;
    return new Round(
        records, Remediation.condition(policy, records, decision != null), recheck, version);
  }

  private record Done(List<RemediationRecord> records, String resourceVersion) {}

  private Done carryOut(
      GatewayDiagnosis gd,
      ResourceRef ingress,
      List<RemediationRecord> records,
      Remediation.Decision decision,
      Guard.Situation situation,
      Instant now,
      Function<ResourceRef, Optional<HasMetadata>> cached,
      java.util.function.Supplier<List<GatewayDiagnosis>> diagnoses,
      Consumer<TimelineEntry> timeline) {
    Plan plan = decision.plan();
    if (decision.verdict() == Remediation.Verdict.Blocked
        && decision.reason().startsWith(Guard.WAITING)) {
      return new Done(
          records,
          null); // the informers or the prober are about to catch up: the next round decides
    }
    if (decision.verdict() == Remediation.Verdict.Blocked) {
      return new Done(
          note(
              ingress,
              records,
              decision.record(Ledger.BLOCKED, decision.reason(), now),
              plan,
              true,
              false,
              now),
          null);
    }
    boolean apply = decision.verdict() == Remediation.Verdict.Apply;
    RemediationRecord last =
        Ledger.latest(records, plan.action(), plan.objectKey(), r -> r.patch != null);
    if (!apply && last != null && Ledger.DRY_RUN.equals(last.result) && plan.sameChange(last)) {
      return new Done(records, null); // dry-run already
    }
    Instant refusedAt = refused.get(planKey(plan));
    if (refusedAt != null && now.isBefore(refusedAt.plus(cooldown))) {
      return new Done(records, null); // refused lately: not before a cooldown
    }
    HasMetadata live;
    try {
      live = executor.read(plan.object());
    } catch (KubernetesClientException e) {
      LOG.debugf(
          "remediation of %s: cannot read it (%s), next round", plan.objectKey(), e.getMessage());
      return new Done(records, null);
    }
    if (live == null) {
      return new Done(
          note(
              ingress,
              records,
              decision.record(Ledger.BLOCKED, plan.objectKey() + " is gone", now),
              plan,
              true,
              false,
              now),
          null);
    }
    if (stale(plan, live, cached)) {
      LOG.debugf(
          "remediation of %s: the verdict saw another version of it, next round", plan.objectKey());
      return new Done(records, null);
    }
    String uid = live.getMetadata().getUid();
    try {
      executor.send(plan, uid, true);
    } catch (KubernetesClientException e) {
      if (PatchExecutor.notApplied(e) || PatchExecutor.transientError(e)) {
        LOG.debugf("remediation of %s: %s, next round", plan.objectKey(), PatchExecutor.message(e));
        return new Done(records, null);
      }
      refuse(plan, now);
      if (e.getCode() == 403 && !apply && PatchExecutor.rbacDenied(e)) {
        // no write rights here (the chart binds them only where auto may act): the plan stands,
        // unchecked by the API server; nothing failed
        return new Done(
            note(
                ingress,
                records,
                decision.record(
                    Ledger.DRY_RUN,
                    plan.why()
                        + "; not checked by the API server (403: no write rights in namespace "
                        + plan.object().namespace
                        + "; remediation.writeRights binds them where auto may act)",
                    now),
                plan,
                false,
                true,
                now),
            null);
      }
      String why =
          e.getCode() == 403
              ? "the API server refused the dry-run (403: no write permission; the chart grants it with"
                  + " remediation.enabled): "
                  + PatchExecutor.message(e)
              : "the API server refused the dry-run: " + PatchExecutor.message(e);
      return new Done(
          note(ingress, records, decision.record(Ledger.FAILED, why, now), plan, true, true, now),
          null);
    } catch (PatchExecutor.Refused e) {
      return new Done(
          note(
              ingress,
              records,
              decision.record(Ledger.BLOCKED, e.getMessage(), now),
              plan,
              true,
              false,
              now),
          null);
    }
    if (!apply) {
      return new Done(
          note(
              ingress,
              records,
              decision.record(
                  Ledger.DRY_RUN, plan.why() + "; accepted by the API server's dry-run", now),
              plan,
              false,
              true,
              now),
          null);
    }
    Instant askedAt = asked.get(key(gd));
    if (askedAt != null && askedAt.isBefore(now.minus(recheckWithin.multipliedBy(6)))) {
      asked.remove(key(gd)); // asked long ago (the plan went and came back): ask again
      askedAt = null;
    }
    if (askedAt != null && situation.freshAt() != null && !probedSince.test(gd, askedAt)) {
      return new Done(records, null); // the round asked for has not started and ended yet
    }
    if (askedAt == null
        && situation.freshAt() != null
        && situation.freshAt().isBefore(now.minus(recheckWithin))) {
      asked.put(key(gd), now);
      // right before a change the evidence is taken again: a fresh probe round of the whole target
      // (the victim and the endpoints that must stay), and the change waits for the verdict on it
      recheck.accept(gd);
      LOG.debugf(
          "remediation of %s: probing %s again before the change", plan.objectKey(), ingress);
      return new Done(records, null);
    }
    asked.remove(key(gd)); // the evidence is new: this change runs on it
    RemediationRecord intent = decision.record(Ledger.APPLIED, plan.why(), now);
    Optional<String> no = reserve(key(gd), targetKey(gd), plan, intent, situation, diagnoses, now);
    if (no.isPresent()) {
      return new Done(
          note(
              ingress,
              records,
              decision.record(Ledger.BLOCKED, no.get(), now),
              plan,
              true,
              false,
              now),
          null);
    }
    List<RemediationRecord> withIntent = Ledger.append(records, intent);
    String version;
    try {
      version = executor.persist(gd, withIntent);
    } catch (KubernetesClientException | IllegalStateException e) {
      release(intent);
      LOG.debugf(
          "remediation of %s: its record could not be written first (%s); next round",
          plan.objectKey(), e.getMessage());
      return new Done(records, null);
    }
    written.put(key(gd), List.copyOf(withIntent));
    try {
      executor.send(plan, uid, false);
    } catch (KubernetesClientException e) {
      if (PatchExecutor.notApplied(e)) { // nothing changed: as if not tried
        release(intent);
        return new Done(
            note(
                ingress,
                withIntent,
                decision.record(
                    Ledger.NOT_APPLIED, "not applied: " + PatchExecutor.message(e), now),
                plan,
                true,
                false,
                now),
            version);
      }
      refuse(plan, now);
      return new Done(
          note(
              ingress,
              withIntent,
              decision.record(
                  Ledger.FAILED,
                  "the API server refused it (it may or may not have"
                      + " changed; counted as applied): "
                      + PatchExecutor.message(e),
                  now),
              plan,
              true,
              true,
              now),
          version);
    } catch (PatchExecutor.Refused e) {
      release(intent);
      return new Done(
          note(
              ingress,
              withIntent,
              decision.record(Ledger.NOT_APPLIED, e.getMessage(), now),
              plan,
              true,
              false,
              now),
          version);
    }
    LOG.infof("remediation: %s (%s, finding %s)", plan.describe(), plan.action(), plan.finding());
    metrics.remediation(plan.action(), Ledger.APPLIED);
    String msg = "Applied: " + plan.describe() + " (" + plan.finding() + ")";
    HealthEvents.about(client, ingress, false, "RemediationApplied", msg, now);
    if (!plan.object().toString().equals(ingress.toString())) {
      HealthEvents.about(client, plan.object(), false, "RemediationApplied", msg, now);
    }
    TimelineEntry e = new TimelineEntry();
    e.at = Times.format(now);
    e.kind = "remediation";
    e.object = plan.objectKey();
    e.detail = plan.action() + " (" + plan.finding() + ")";
    timeline.accept(e);
    return new Done(withIntent, version);
  }

  /**
   * Notes a refused plan; refusals older than the cooldown say nothing any more and are dropped
   * (the map stays as small as the refusals of the last cooldown).
   */
  private void refuse(Plan plan, Instant now) {
    refused.values().removeIf(at -> !now.isBefore(at.plus(cooldown)));
    refused.put(planKey(plan), now);
  }

  private static String planKey(Plan p) {
    return p.action()
        + " "
        + p.objectKey()
        + " "
        + RemediationRecord.unversioned(p.recordedPatch());
  }

  /**
   * Whether the verdict saw another version of the object: another uid for a pod (its status moves
   * all the time), else another resourceVersion.
   */
  private static boolean stale(
      Plan plan, HasMetadata live, Function<ResourceRef, Optional<HasMetadata>> cached) {
    if ("Pod".equals(plan.object().kind)) {
      String uid =
          plan.objectUid() != null
              ? plan.objectUid()
              : cached.apply(plan.object()).map(o -> o.getMetadata().getUid()).orElse(null);
      return !Objects.equals(uid, live.getMetadata().getUid());
    }
    String seen =
        plan.objectVersion() != null
            ? plan.objectVersion()
            : cached
                .apply(plan.object())
                .map(o -> o.getMetadata().getResourceVersion())
                .orElse(null);
    return !Objects.equals(seen, live.getMetadata().getResourceVersion());
  }

  /**
   * Appends the record unless it repeats the last one of its plan; a new one is told by Events and
   * counted.
   */
  private List<RemediationRecord> note(
      ResourceRef ingress,
      List<RemediationRecord> records,
      RemediationRecord r,
      Plan plan,
      boolean warning,
      boolean onObject,
      Instant now) {
    if (Ledger.repeats(records, r)) {
      return records;
    }
    metrics.remediation(r.action, r.result);
    String msg =
        Ledger.DRY_RUN.equals(r.result)
            ? "Dry-run: would " + plan.describe() + " (" + plan.finding() + ")"
            : r.result + ": " + plan.action() + " on " + plan.objectKey() + ": " + r.reason;
    HealthEvents.about(client, ingress, warning, "Remediation" + r.result, msg, now);
    if (onObject && !plan.object().toString().equals(ingress.toString())) {
      HealthEvents.about(client, plan.object(), warning, "Remediation" + r.result, msg, now);
    }
    return Ledger.append(records, r);
  }

  /**
   * Applied actions in the last rate period over all targets (the accounting is pure: {@link
   * Slots}).
   */
  int appliedInPeriod(Map<String, List<RemediationRecord>> everyone, Instant now) {
    return slots().inPeriod(everyone, now);
  }

  /**
   * Every diagnosis's records, and the ledger's of other targets: the actions of targets whose
   * diagnosis is gone still count (the rate limit, shared objects).
   */
  private Map<String, List<RemediationRecord>> everyone(
      java.util.function.Supplier<List<GatewayDiagnosis>> diagnoses, String target) {
    Map<String, List<RemediationRecord>> out = new HashMap<>(all(diagnoses.get(), written));
    ledger()
        .all()
        .forEach(
            (k, v) -> {
              if (!k.equals(target)) {
                out.put("ledger:" + k, v);
              }
            });
    return out;
  }

  private Optional<String> reserve(
      String me,
      String target,
      Plan plan,
      RemediationRecord r,
      Guard.Situation s,
      java.util.function.Supplier<List<GatewayDiagnosis>> diagnoses,
      Instant now) {
    return slots().reserve(me, plan, r, s, () -> everyone(diagnoses, target), now);
  }

  private void release(RemediationRecord r) {
    slots().release(r);
  }

  private Slots slots;

  private synchronized Slots slots() {
    if (slots == null) {
      slots = new Slots(limits()); // the limits are injected configuration: read once they are set
    }
    return slots;
  }

  /** Forgets a diagnosis that is gone. */
  void forget(String namespace, String name) {
    String k = keys.remove(namespace + "/" + name);
    if (k != null) {
      written.remove(k);
      asked.remove(k);
    }
  }
}
