package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.api.TimelineEntry;
import io.gatewaydoctor.remediation.Guard;
import io.gatewaydoctor.remediation.Ledger;
import io.gatewaydoctor.remediation.Patches;
import io.gatewaydoctor.remediation.Plan;
import io.gatewaydoctor.remediation.Remediation;
import io.gatewaydoctor.remediation.RemediationPolicy;
import io.gatewaydoctor.model.Times;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Carries out a target's remediation decision ({@link Remediation#decide}). Runs inside the reconcile,
 * which only the leader runs. Before any change it reads the object from the API server: when that
 * differs from the cache the verdict was made on, nothing happens this round (the informer event
 * brings a fresh verdict). Every patch or delete is first sent as a server-side dry-run; dry-run mode
 * stops there. Each plan and effect becomes a record, an Event on the target and on the object, a
 * metric and, when applied, a timeline entry.
 */
@ApplicationScoped
public class Remediator {
  private static final Logger LOG = Logger.getLogger(Remediator.class);

  @Inject KubernetesClient client;
  @Inject OperatorMetrics metrics;

  @ConfigProperty(name = "gatewaydoctor.remediation.cooldown", defaultValue = "PT10M")
  Duration cooldown;
  @ConfigProperty(name = "gatewaydoctor.remediation.rate-limit", defaultValue = "5")
  int rateLimit;
  @ConfigProperty(name = "gatewaydoctor.remediation.rate-period", defaultValue = "PT10M")
  Duration ratePeriod;

  /**
   * The records last written per target: the cached primary can lag behind the operator's own status write, and a history read
   * from it could miss an action just taken. The status seeds it after a restart.
   */
  private final Map<String, List<RemediationRecord>> written = new java.util.concurrent.ConcurrentHashMap<>();

  /** When actions ran, over all targets, for the rate limit. */
  private final Deque<Instant> applied = new ArrayDeque<>();

  /** The target's records after this round and the RemediationApplied condition (status, reason, message). */
  public record Round(List<RemediationRecord> records, String[] condition, Duration recheck) {}

  Guard.Limits limits() { return new Guard.Limits(cooldown, rateLimit, ratePeriod); }

  Round run(ResourceRef ingress, List<RemediationRecord> history, Diagnosis d, RemediationPolicy policy, io.gatewaydoctor.api.Baseline baseline,
      Instant now, Duration window, Instant freshAt, Function<ResourceRef, Optional<HasMetadata>> cached,
      Consumer<TimelineEntry> timeline) {
    history = written.getOrDefault(ingress.toString(), history == null ? List.of() : history);
    var situation = new Guard.Situation(policy, now, window, freshAt, d.backends(), baseline, Ledger.of(history), appliedSince(now),
        limits());
    var outlook = Remediation.decide(d, history, situation);
    List<RemediationRecord> records = outlook.records();
    for (RemediationRecord r : outlook.added()) {
      metrics.remediation(r.action, r.result);
      boolean bad = Ledger.NO_IMPROVEMENT.equals(r.result);
      HealthEvents.about(client, ingress, bad, "Remediation" + r.result, r.action + " on " + r.target + ": " + r.reason, now);
    }
    var decision = outlook.decision();
    if (decision != null) {
      records = carryOut(ingress, records, decision, now, cached, timeline);
    }
    written.put(ingress.toString(), List.copyOf(records));
    // a cooldown's end changes what may happen (judge the action, allow the next one): reconcile then, event or not
    Instant until = Ledger.of(records).cooldownUntil(cooldown);
    Duration recheck = policy.mode() != RemediationPolicy.Mode.off && until != null && until.isAfter(now)
        ? Duration.between(now, until).plusMillis(500) : null;
    return new Round(records, Remediation.condition(policy, records, decision != null), recheck);
  }

  private List<RemediationRecord> carryOut(ResourceRef ingress, List<RemediationRecord> records, Remediation.Decision decision,
      Instant now, Function<ResourceRef, Optional<HasMetadata>> cached, Consumer<TimelineEntry> timeline) {
    Plan plan = decision.plan();
    if (decision.verdict() == Remediation.Verdict.Blocked) {
      return note(ingress, records, decision.record(Ledger.BLOCKED, decision.reason(), now), plan, true, false, now);
    }
    boolean apply = decision.verdict() == Remediation.Verdict.Apply;
    if (!apply && Ledger.repeats(records, decision.record(Ledger.DRY_RUN, dryRunReason(plan), now))) {
      return records; // this plan was dry-run already
    }
    HasMetadata live;
    try {
      live = resource(plan.object()).get();
    } catch (KubernetesClientException e) {
      LOG.debugf("remediation of %s: cannot read it (%s), next round", plan.objectKey(), e.getMessage());
      return records;
    }
    if (live == null) {
      return note(ingress, records, decision.record(Ledger.BLOCKED, plan.objectKey() + " is gone", now), plan, true, false, now);
    }
    String seen = cached.apply(plan.object()).map(o -> o.getMetadata().getResourceVersion()).orElse(null);
    if (!Objects.equals(seen, live.getMetadata().getResourceVersion())) {
      LOG.debugf("remediation of %s: the cache (%s) is behind the API server (%s), next round", plan.objectKey(), seen,
          live.getMetadata().getResourceVersion());
      return records;
    }
    try {
      send(plan, true);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        LOG.debugf("remediation of %s: changed meanwhile, next round", plan.objectKey());
        return records;
      }
      return note(ingress, records, decision.record(Ledger.FAILED, "the API server refused the dry-run: " + message(e), now), plan,
          true, true, now);
    }
    if (!apply) {
      return note(ingress, records, decision.record(Ledger.DRY_RUN, dryRunReason(plan), now), plan, false, true, now);
    }
    try {
      send(plan, false);
    } catch (KubernetesClientException e) {
      return note(ingress, records, decision.record(Ledger.FAILED, "the API server refused it: " + message(e), now), plan, true, true, now);
    }
    synchronized (applied) {
      applied.addLast(now);
    }
    LOG.infof("remediation: %s (%s, finding %s)", plan.describe(), plan.action(), plan.finding());
    TimelineEntry e = new TimelineEntry();
    e.at = Times.format(now);
    e.kind = "remediation";
    e.object = plan.objectKey();
    e.detail = plan.action() + " (" + plan.finding() + ")";
    timeline.accept(e);
    return note(ingress, records, decision.record(Ledger.APPLIED, plan.why(), now), plan, false, true, now);
  }

  private static String dryRunReason(Plan plan) {
    return plan.why() + "; accepted by the API server's dry-run";
  }

  /** Appends the record unless it repeats the last one of its plan; a new one is told by Events and counted. */
  private List<RemediationRecord> note(ResourceRef ingress, List<RemediationRecord> records, RemediationRecord r, Plan plan,
      boolean warning, boolean onObject, Instant now) {
    if (Ledger.repeats(records, r)) {
      return records;
    }
    metrics.remediation(r.action, r.result);
    String msg = switch (r.result) {
      case Ledger.DRY_RUN -> "Dry-run: would " + plan.describe() + " (" + plan.finding() + ")";
      case Ledger.APPLIED -> "Applied: " + plan.describe() + " (" + plan.finding() + ")";
      default -> r.result + ": " + plan.action() + " on " + plan.objectKey() + ": " + r.reason;
    };
    HealthEvents.about(client, ingress, warning, "Remediation" + r.result, msg, now);
    if (onObject && !plan.object().toString().equals(ingress.toString())) {
      HealthEvents.about(client, plan.object(), warning, "Remediation" + r.result, msg, now);
    }
    return Ledger.append(records, r);
  }

  private void send(Plan plan, boolean dryRun) {
    Resource<? extends HasMetadata> res = resource(plan.object());
    if (Patches.DELETE.equals(plan.patchType())) {
      (dryRun ? res.dryRun() : res).delete();
      return;
    }
    PatchContext ctx = new PatchContext.Builder()
        .withPatchType(Patches.JSON.equals(plan.patchType()) ? PatchType.JSON : PatchType.JSON_MERGE).build();
    (dryRun ? res.dryRun() : res).patch(ctx, plan.patch());
  }

  private Resource<? extends HasMetadata> resource(ResourceRef o) {
    return switch (o.kind) {
      case "Pod" -> client.pods().inNamespace(o.namespace).withName(o.name);
      case "Service" -> client.services().inNamespace(o.namespace).withName(o.name);
      case "Deployment" -> client.apps().deployments().inNamespace(o.namespace).withName(o.name);
      case "Ingress" -> client.network().v1().ingresses().inNamespace(o.namespace).withName(o.name);
      default -> throw new KubernetesClientException("no remediation acts on a " + o.kind);
    };
  }

  private static String message(KubernetesClientException e) {
    String m = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    return m == null ? "HTTP " + e.getCode() : m.length() > 300 ? m.substring(0, 300) + "…" : m;
  }

  /** Forgets a target whose diagnosis is gone. */
  void forget(String namespace, String ingress) {
    written.remove(new ResourceRef("Ingress", namespace, ingress).toString());
  }

  /** Actions in the last rate period, over all targets. */
  int appliedSince(Instant now) {
    synchronized (applied) {
      while (!applied.isEmpty() && applied.peekFirst().isBefore(now.minus(ratePeriod))) {
        applied.removeFirst();
      }
      return applied.size();
    }
  }
}
