package io.gatewaydoctor.remediation;

import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Health;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.model.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a target's remediation history (status.remediations) says now: the last applied action,
 * whether it is still awaiting its effect, and whether remediation stopped because an action did
 * not help. An action is judged when its cooldown ends, not before (a deleted pod's trouble
 * vanishes with it at once, and may come back with its replacement): its finding gone then is
 * {@code Improved}, still there is {@code NoImprovement}. The same finding back within {@link
 * #RECURRENCE} cooldowns of the action is {@code NoImprovement} too (the fix did not hold). After
 * {@code NoImprovement} the target gets no further action until it has been Healthy for a cooldown
 * ({@code Resumed}). Pure.
 */
public final class Ledger {
  public static final String DRY_RUN = "DryRun";
  public static final String APPLIED = "Applied";
  public static final String BLOCKED = "Blocked";
  public static final String FAILED = "Failed";
  public static final String IMPROVED = "Improved";
  public static final String NO_IMPROVEMENT = "NoImprovement";
  public static final String RESUMED = "Resumed";

  /**
   * The change was refused in a way that proves nothing changed (a conflict, a failed test, a
   * PodDisruptionBudget): as if not tried.
   */
  public static final String NOT_APPLIED = "NotApplied";

  /** Records kept in the status, newest last. */
  public static final int MAX_RECORDS = 30;

  /** How many cooldowns after an action its finding coming back means the fix did not hold. */
  public static final int RECURRENCE = 3;

  private Ledger() {}

  public record State(
      RemediationRecord lastApplied, boolean pending, boolean stopped, boolean improved) {
    public Instant lastAppliedAt() {
      return lastApplied == null ? null : Times.parse(lastApplied.time);
    }

    /** Until when no other action may run on the target, or null. */
    public Instant cooldownUntil(Duration cooldown) {
      Instant at = lastAppliedAt();
      return at == null ? null : at.plus(cooldown);
    }
  }

  public static State of(List<RemediationRecord> records) {
    RemediationRecord last = null;
    boolean pending = false;
    boolean stopped = false;
    boolean improved = false;
    State before = new State(null, false, false, false);
    for (RemediationRecord r : records == null ? List.<RemediationRecord>of() : records) {
      switch (Objects.toString(r.result, "")) {
        case NOT_APPLIED -> {
          if (pending
              && last != null
              && Objects.equals(last.action, r.action)
              && Objects.equals(last.target, r.target)) {
            last = before.lastApplied();
            pending = before.pending();
            stopped = before.stopped();
            improved = before.improved();
          }
        }
        case APPLIED -> {
          before = new State(last, pending, stopped, improved);
          last = r;
          pending = true;
          stopped = false;
          improved = false;
        }
        case IMPROVED -> {
          pending = false;
          improved = true;
        }
        case NO_IMPROVEMENT -> {
          pending = false;
          stopped = true;
          improved = false;
        }
        case RESUMED -> stopped = false;
        default -> {}
      }
    }
    return new State(last, pending, stopped, improved);
  }

  /**
   * The records that the verdict at {@code now} adds to the history: Improved, NoImprovement or
   * Resumed. {@code healthySince}: since when the target has been Healthy (null when it is not); a
   * stop ends only after a whole cooldown of it.
   */
  public static List<RemediationRecord> bookkeeping(
      State s, Diagnosis d, Instant now, Duration cooldown, Instant healthySince) {
    List<RemediationRecord> out = new ArrayList<>();
    String ts = Times.format(now);
    var a = s.lastApplied();
    // the action's finding on the object it was about (another backend's trouble of the same code
    // is another matter)
    boolean present =
        a != null
            && d.health() != Health.Healthy
            && d.findings().stream()
                .anyMatch(
                    f ->
                        f.code().name().equals(a.finding)
                            && (a.findingOn == null
                                || a.findingOn.equals(String.valueOf(f.resource()))));
    Instant until = s.cooldownUntil(cooldown);
    if (s.pending()) {
      if (until != null && now.isBefore(until)) {
        return out; // judged when the cooldown ends
      }
      if (!present) {
        out.add(
            new RemediationRecord(
                a.action,
                a.target,
                ts,
                false,
                IMPROVED,
                a.finding,
                null,
                a.finding
                    + " is gone "
                    + cooldown
                    + " after "
                    + a.action
                    + " at "
                    + a.time
                    + "; the target is "
                    + d.health()));
      } else {
        out.add(
            new RemediationRecord(
                a.action,
                a.target,
                ts,
                false,
                NO_IMPROVEMENT,
                a.finding,
                null,
                a.finding
                    + " is still there "
                    + cooldown
                    + " after "
                    + a.action
                    + " at "
                    + a.time
                    + " ("
                    + d.rootCause()
                    + "); no further action on this target until it is Healthy again: fix it by hand"));
      }
    } else if (s.improved()
        && present
        && until != null
        && now.isBefore(
            a.time == null ? until : Times.parse(a.time).plus(cooldown.multipliedBy(RECURRENCE)))) {
      out.add(
          new RemediationRecord(
              a.action,
              a.target,
              ts,
              false,
              NO_IMPROVEMENT,
              a.finding,
              null,
              a.finding
                  + " came back within "
                  + cooldown.multipliedBy(RECURRENCE)
                  + " of "
                  + a.action
                  + " at "
                  + a.time
                  + ": the fix did not hold; no further action on this target until it is Healthy again: fix it by hand"));
    } else if (s.stopped()
        && d.health() == Health.Healthy
        && healthySince != null
        && !healthySince.isAfter(now.minus(cooldown))) {
      out.add(
          new RemediationRecord(
              a == null ? null : a.action,
              a == null ? null : a.target,
              ts,
              false,
              RESUMED,
              null,
              null,
              "the target has been Healthy for " + cooldown + ": remediation resumes"));
    }
    return out;
  }

  /**
   * The history with {@code r} appended, unless the newest record of the same action and object
   * says the same (a plan seen again, a block that still holds); capped to the newest {@link
   * #MAX_RECORDS}.
   */
  public static List<RemediationRecord> append(
      List<RemediationRecord> history, RemediationRecord r) {
    List<RemediationRecord> out = new ArrayList<>(history == null ? List.of() : history);
    if (repeats(out, r)) {
      return out;
    }
    out.add(r);
    while (out.size() > MAX_RECORDS) {
      out.remove(droppable(out));
    }
    return out;
  }

  /**
   * The oldest record whose loss changes no state: the newest Applied, Improved, NoImprovement and
   * Resumed stay.
   */
  private static int droppable(List<RemediationRecord> records) {
    java.util.Set<String> kept = new java.util.HashSet<>();
    java.util.Set<Integer> keep = new java.util.HashSet<>();
    for (int i = records.size() - 1; i >= 0; i--) {
      String result = Objects.toString(records.get(i).result, "");
      if (List.of(APPLIED, IMPROVED, NO_IMPROVEMENT, RESUMED).contains(result)
          && kept.add(result)) {
        keep.add(i);
      }
    }
    for (int i = 0; i < records.size(); i++) {
      if (!keep.contains(i)) {
        return i;
      }
    }
    return 0;
  }

  /** Whether the newest record of r's action and object says what r says. */
  public static boolean repeats(List<RemediationRecord> history, RemediationRecord r) {
    var h = latest(history, r.action, r.target, x -> true);
    return h != null && h.sameAs(r);
  }

  /** The newest record of that action on that object that also matches {@code which}, or null. */
  public static RemediationRecord latest(
      List<RemediationRecord> history,
      String action,
      String target,
      java.util.function.Predicate<RemediationRecord> which) {
    for (int i = history == null ? -1 : history.size() - 1; i >= 0; i--) {
      var h = history.get(i);
      if (Objects.equals(h.action, action) && Objects.equals(h.target, target) && which.test(h)) {
        return h;
      }
    }
    return null;
  }
}
