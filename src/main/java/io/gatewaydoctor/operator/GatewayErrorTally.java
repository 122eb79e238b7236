package io.gatewaydoctor.operator;

import io.gatewaydoctor.signals.UpstreamKeys;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * One target's running count of the gateway errors its lines show, for a counter that {@code
 * rate()} can read: the evidence is kept in one-minute buckets whose counts only grow, so each
 * update adds what the last few minutes hold beyond what was added for them before. Lines counted
 * before the target was first seen, or before its backends changed, are not added (a counter starts
 * from what comes next); lines that arrive more than {@link #MINUTES} minutes late are not added
 * either.
 */
final class GatewayErrorTally {
  /** Minutes looked at on each update: the current one and the two before it. */
  static final int MINUTES = 3;

  private List<UpstreamKeys> keys;

  /** The digest of the window's evidence at the last update: unchanged, nothing new was counted. */
  long digest;

  /** Whether these keys are not the ones counted so far (the next update is a baseline). */
  boolean differs(List<UpstreamKeys> keys) {
    return !keys.equals(this.keys);
  }

  private final Map<Long, long[]> added = new TreeMap<>();

  /**
   * What was added since the last update (gateway 500/502/503/504, then the app's), null when
   * nothing; {@code countsOf} gives a minute's counts for {@code keys} (epoch minute → 8 counts).
   */
  long[] update(long minute, List<UpstreamKeys> keys, LongFunction<long[]> countsOf) {
    boolean baseline = !keys.equals(this.keys);
    this.keys = keys;
    long[] delta = new long[8];
    boolean any = false;
    for (long m = minute - MINUTES + 1; m <= minute; m++) {
      long[] now = countsOf.apply(m);
      long[] before = added.get(m);
      if (!baseline) {
        for (int i = 0; i < 8; i++) {
          long d = now[i] - (before == null ? 0 : before[i]);
          if (d > 0) {
            delta[i] += d;
            any = true;
          }
        }
      }
      if (before == null) {
        added.put(m, now.clone());
      } else {
        for (int i = 0; i < 8; i++) {
          before[i] = Math.max(before[i], now[i]);
        }
      }
    }
    added.keySet().removeIf(m -> m <= minute - MINUTES);
    return any ? delta : null;
  }
}
