package io.gatewaydoctor.remediation;

import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.api.Baseline;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.model.Times;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One round of remediation for one target, without effects: the history's bookkeeping, the plans of
 * the verdict, the first plan that passes the {@link Guard} (or, when none does, the first plan and
 * why it is blocked), and the RemediationApplied condition. The operator carries the decision out;
 * {@code analyze} prints it. Pure.
 */
public final class Remediation {
  private Remediation() {}

  public enum Verdict {
    Apply,
    DryRun,
    Blocked
  }

  public record Decision(Plan plan, Verdict verdict, String reason) {
    /** The record of this decision's outcome. */
    public RemediationRecord record(String result, String why, java.time.Instant now) {
      var r =
          new RemediationRecord(
              plan.action(),
              plan.objectKey(),
              Times.format(now),
              !Ledger.APPLIED.equals(result),
              result,
              plan.finding(),
              plan.recordedPatch(),
              why);
      r.findingOn = plan.findingOn();
      return r;
    }
  }

  /**
   * The history with this round's bookkeeping, what it added, and the decision (null: nothing to
   * do).
   */
  public record Outlook(
      List<RemediationRecord> records, List<RemediationRecord> added, Decision decision) {}

  public static Outlook decide(Diagnosis d, List<RemediationRecord> history, Guard.Situation s) {
    List<RemediationRecord> records = new ArrayList<>(history == null ? List.of() : history);
    if (s.policy().mode() == RemediationPolicy.Mode.off) {
      return new Outlook(records, List.of(), null);
    }
    List<RemediationRecord> added =
        Ledger.bookkeeping(s.ledger(), d, s.now(), s.limits().cooldown(), s.healthySince());
    for (RemediationRecord r : added) {
      records = Ledger.append(records, r);
    }
    Guard.Situation now = s.with(Ledger.of(records));
    var state = now.ledger();
    // the action awaiting its judgement is not planned again meanwhile (nor recorded as blocked by
    // its own cooldown)
    List<Plan> plans =
        Plan.of(d).stream()
            .filter(
                p ->
                    !(state.pending()
                        && p.action().equals(state.lastApplied().action)
                        && p.objectKey().equals(state.lastApplied().target)))
            .toList();
    Decision blocked = null;
    for (Plan p : plans) {
      Optional<String> why = Guard.check(p, now);
      if (why.isEmpty()) {
        return new Outlook(
            records,
            added,
            new Decision(
                p,
                s.policy().mode() == RemediationPolicy.Mode.auto && p.dryRunOnly() == null
                    ? Verdict.Apply
                    : Verdict.DryRun,
                s.policy().mode() == RemediationPolicy.Mode.auto && p.dryRunOnly() != null
                    ? p.why() + " (" + p.dryRunOnly() + ")"
                    : p.why()));
      }
      if (blocked == null) {
        blocked = new Decision(p, Verdict.Blocked, why.get());
      }
    }
    return new Outlook(records, added, blocked);
  }

  /** A plan that would run, in {@link #preview}. */
  public static final String PLANNED = "Planned";

  /**
   * Every plan of the verdict with what the guard says of it, for {@code analyze}: Planned (it
   * would run) or Blocked (why). Without history or rate limit (a dump has neither); a target whose
   * policy is off is judged as in dry-run, and says so.
   */
  public static List<RemediationRecord> preview(
      Diagnosis d,
      RemediationPolicy policy,
      java.time.Instant now,
      java.time.Duration window,
      Baseline baseline) {
    RemediationPolicy judged =
        policy.mode() == RemediationPolicy.Mode.off && policy.error() == null
            ? new RemediationPolicy(
                RemediationPolicy.Mode.dryRun,
                java.util.Set.copyOf(RemediationPolicy.ALL_ACTIONS),
                "preview",
                null)
            : policy;
    String off =
        policy.error() != null
            ? "the remediation annotations are malformed (" + policy.error() + "); "
            : policy.mode() == RemediationPolicy.Mode.off
                ? "remediation is off for this target (" + RemediationPolicy.MODE + "); "
                : "";
    var s =
        new Guard.Situation(
            judged,
            now,
            window,
            now,
            d.backends(),
            baseline,
            Ledger.of(List.of()),
            0,
            Guard.Limits.DEFAULT);
    List<RemediationRecord> out = new ArrayList<>();
    for (Plan p : Plan.of(d)) {
      Optional<String> why =
          policy.error() != null ? Optional.of("remediation is off") : Guard.check(p, s);
      Decision decision =
          new Decision(p, why.isEmpty() ? Verdict.DryRun : Verdict.Blocked, why.orElse(p.why()));
      out.add(
          decision.record(
              why.isEmpty() ? PLANNED : Ledger.BLOCKED,
              off
                  + (why.isEmpty()
                      ? "would "
                          + (policy.mode() == RemediationPolicy.Mode.auto
                              ? "run"
                              : "run with " + RemediationPolicy.MODE + ": auto")
                          + ": "
                          + p.why()
                      : "blocked: " + why.get()),
              now));
    }
    return out;
  }

  /** The RemediationApplied condition: status, reason, message. */
  public static RemediationCondition condition(
      RemediationPolicy policy, List<RemediationRecord> records, boolean planned) {
    RemediationCondition idle = policy.condition();
    if (policy.error() != null
        || policy.mode() == RemediationPolicy.Mode.off
        || records == null
        || records.isEmpty()) {
      return idle;
    }
    var state = Ledger.of(records);
    if (state.stopped()) {
      RemediationRecord stop =
          records.stream()
              .filter(r -> Ledger.NO_IMPROVEMENT.equals(r.result))
              .reduce((a, b) -> b)
              .orElseThrow();
      return RemediationCondition.no(
          "Stopped", stop.action + " on " + stop.target + " at " + stop.time + ": " + stop.reason);
    }
    if (state.pending()) {
      var a = state.lastApplied();
      return RemediationCondition.yes(
          "Applied",
          a.action
              + " on "
              + a.target
              + " at "
              + a.time
              + " ("
              + a.finding
              + "): "
              + a.patch
              + "; judged when its cooldown ends");
    }
    RemediationRecord last = records.get(records.size() - 1);
    String what = last.action + " on " + last.target + " at " + last.time;
    return switch (String.valueOf(last.result)) {
      case Ledger.IMPROVED -> RemediationCondition.yes("Improved", what + ": " + last.reason);
      case Ledger.DRY_RUN ->
          planned
              ? RemediationCondition.no(
                  "DryRun",
                  "Would "
                      + ("delete".equals(last.patch)
                          ? "delete " + last.target
                          : "patch " + last.target + ": " + last.patch)
                      + " ("
                      + last.action
                      + ", "
                      + last.finding
                      + ")")
              : idle;
      case Ledger.BLOCKED ->
          planned
              ? RemediationCondition.no(
                  "Blocked", last.action + " on " + last.target + " blocked: " + last.reason)
              : idle;
      case Ledger.FAILED ->
          planned ? RemediationCondition.no("Failed", what + ": " + last.reason) : idle;
      default -> idle;
    };
  }
}
