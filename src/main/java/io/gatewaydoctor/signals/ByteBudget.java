package io.gatewaydoctor.signals;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound, in bytes, on what the gateway's evidence may hold: every upstream and address counted
 * takes an estimate of its size ({@link #KEY_BYTES} plus its name), every kept error sample its
 * length, and gives them back when its minute leaves the horizon. Past the bound new keys are
 * dropped (counted as such) and the evidence says it is degraded; the process never grows with the
 * variety of what the logs name. Thread-safe.
 */
public final class ByteBudget {
  /**
   * The estimated size of one counted key without its name: the map entries, the counters, a few
   * minutes of per-minute counts (measured with JOL-like reasoning on a 64-bit JVM with compressed
   * pointers; generous on purpose).
   */
  public static final int KEY_BYTES = 1024;

  private final long limit;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  public ByteBudget(long limit) {
    this.limit = Math.max(0, limit);
  }

  /** No bound (tests, one-shot reads of a file). */
  public static ByteBudget unlimited() {
    return new ByteBudget(Long.MAX_VALUE);
  }

  /** The estimate of a key of this name. */
  public static long keyBytes(String name) {
    return KEY_BYTES + 2L * name.length();
  }

  /** Takes {@code n} bytes; false (and nothing taken) when that would pass the bound. */
  public boolean take(long n) {
    return take(n, limit);
  }

  /**
   * Takes {@code n} bytes for a key not seen in the minute before, only while three quarters of the
   * bound are free to take: a burst of new keys cannot take the room the keys counted all along
   * need in the next minutes.
   */
  public boolean takeNew(long n) {
    return take(n, limit - limit / 4);
  }

  private boolean take(long n, long bound) {
    while (true) {
      long u = used.get();
      if (u + n > bound) {
        refused.incrementAndGet();
        return false;
      }
      if (used.compareAndSet(u, u + n)) {
        return true;
      }
    }
  }

  public void release(long n) {
    used.addAndGet(-n);
  }

  public long used() {
    return used.get();
  }

  public long limit() {
    return limit;
  }

  /** How often something was refused: the evidence is degraded when it is not zero. */
  public long refused() {
    return refused.get();
  }
}
