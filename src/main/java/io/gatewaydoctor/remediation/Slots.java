package io.gatewaydoctor.remediation;

import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.model.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The accounting of automatic actions across all targets, pure (the instant is given): the global
 * rate limit and the checks that span targets (a shared object's cooldown), counted over every
 * diagnosis's Applied records and the actions this process took that no status shows yet (its
 * slots). Thread-safe: a slot is taken atomically with the checks.
 */
public final class Slots {
  private record Slot(String diagnosis, RemediationRecord record, Instant at) {}

  private final Guard.Limits limits;
  private final Map<String, Slot> slots = new HashMap<>();

  public Slots(Guard.Limits limits) {
    this.limits = limits;
  }

  /** Applied actions in the last rate period, over every diagnosis's records and the slots. */
  public synchronized int inPeriod(Map<String, List<RemediationRecord>> everyone, Instant now) {
    return keysInPeriod(everyone, now).size();
  }

  private Set<String> keysInPeriod(Map<String, List<RemediationRecord>> everyone, Instant now) {
    Instant keep =
        now.minus(
            limits.ratePeriod().compareTo(limits.cooldown()) > 0
                ? limits.ratePeriod()
                : limits.cooldown());
    slots.values().removeIf(t -> !t.at().isAfter(keep));
    Instant since = now.minus(limits.ratePeriod());
    Set<String> keys = new HashSet<>();
    slots.forEach(
        (k, v) -> {
          if (v.at().isAfter(since)) {
            keys.add(k);
          }
        });
    everyone
        .values()
        .forEach(
            list ->
                list.stream()
                    .filter(r -> Ledger.APPLIED.equals(r.result))
                    .forEach(
                        r -> {
                          Instant at = Times.parse(r.time);
                          if (at != null && at.isAfter(since)) {
                            keys.add(r.target + "|" + r.time);
                          }
                        }));
    return keys;
  }

  /**
   * Takes the slot for the action of diagnosis {@code me}, atomically with the rate limit and the
   * per-object and per-namespace cooldowns against what every other diagnosis did ({@code
   * everyone}, read under the lock), including the slots of this process. Empty when taken, else
   * why not.
   */
  public synchronized Optional<String> reserve(
      String me,
      Plan plan,
      RemediationRecord r,
      Guard.Situation s,
      java.util.function.Supplier<Map<String, List<RemediationRecord>>> everyoneNow,
      Instant now) {
    var everyone = everyoneNow.get();
    if (keysInPeriod(everyone, now).size() >= limits.rateLimit()) {
      return Optional.of(
          "rate limit: "
              + limits.rateLimit()
              + " actions in the last "
              + limits.ratePeriod()
              + " over all targets");
    }
    String ns = plan.object().namespace;
    long ours =
        keysInPeriod(everyone, now).stream()
            .filter(k -> ns != null && ns.equals(namespace(k)))
            .count();
    if (ours >= limits.rateLimitPerNamespace()) {
      return Optional.of(
          "rate limit of namespace "
              + ns
              + ": "
              + limits.rateLimitPerNamespace()
              + " actions in the last "
              + limits.ratePeriod()
              + " (its share of the "
              + limits.rateLimit()
              + " over all targets)");
    }
    List<RemediationRecord> others = new ArrayList<>();
    everyone.forEach(
        (k, v) -> {
          if (!k.equals(me)) {
            others.addAll(v);
          }
        });
    slots.values().stream()
        .filter(x -> !x.diagnosis().equals(me))
        .forEach(x -> others.add(x.record()));
    Optional<String> shared = Guard.shared(plan, s.withElsewhere(others));
    if (shared.isPresent()) {
      return shared;
    }
    slots.put(r.target + "|" + r.time, new Slot(me, r, now));
    return Optional.empty();
  }

  /** The namespace of a counted key ("Kind namespace/name|time"), or null. */
  static String namespace(String key) {
    int sp = key.indexOf(' ');
    int slash = key.indexOf('/', sp + 1);
    return sp < 0 || slash < 0 ? null : key.substring(sp + 1, slash);
  }

  /** Frees the slot of an action that did not happen (refused, failed, a dry run). */
  public synchronized void release(RemediationRecord r) {
    slots.remove(r.target + "|" + r.time);
  }
}
