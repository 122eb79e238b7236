package io.gatewaydoctor.signals;

import java.time.Duration;
import java.time.Instant;
import java.util.TreeMap;

/**
 * The gateway evidence of a long-running reader (the operator's log streams): lines are counted
 * into one-minute buckets over a fixed horizon, and {@link #evidence} sums the buckets of a window
 * for the upstreams and addresses of one target. Bounded: buckets older than the horizon (behind
 * the newest line, or behind the instant given to {@link #prune}) are dropped, and a bucket counts
 * at most {@code maxKeys} upstreams and addresses (lines about further ones are counted as dropped;
 * keys counted already keep counting). Window edges are rounded to whole minutes. Thread-safe; pure
 * (no clock).
 */
public final class EvidenceStore {
  private final long horizonMinutes;
  private final int maxKeys;
  private final TreeMap<Long, GatewayEvidence.Builder> buckets = new TreeMap<>();
  private long newestMinute = Long.MIN_VALUE;
  private long dropped;
  private long lines;

  private final ByteBudget budget;

  public EvidenceStore(Duration horizon, int maxKeys) {
    this(horizon, maxKeys, ByteBudget.unlimited());
  }

  /** With a bound in bytes over every minute kept ({@link ByteBudget}). */
  public EvidenceStore(Duration horizon, int maxKeys, ByteBudget budget) {
    this.horizonMinutes = Math.max(1, horizon.toMinutes());
    this.maxKeys = maxKeys;
    this.budget = budget;
  }

  /** The bytes the minutes kept hold (estimated), and the bound. */
  public ByteBudget budget() {
    return budget;
  }

  /** A line reader feeding this store; one per stream. */
  public LogFeed feed() {
    return feed(null);
  }

  /** A line reader with a custom access format (null: the default log-format-upstream). */
  public LogFeed feed(LogFormat format) {
    return new LogFeed(this::add, this::add, format);
  }

  public synchronized void add(AccessLine a) {
    GatewayEvidence.Builder b = bucket(a.time());
    if (b != null) {
      b.add(a);
    }
  }

  public synchronized void add(ErrorLine e) {
    GatewayEvidence.Builder b = bucket(e.time());
    if (b != null) {
      b.add(e);
    }
  }

  private GatewayEvidence.Builder bucket(Instant t) {
    long m = Math.floorDiv(t.getEpochSecond(), 60);
    if (m > newestMinute) {
      newestMinute = m;
      evictBefore(m - horizonMinutes);
    }
    if (m <= newestMinute - horizonMinutes) {
      dropped++; // older than anything kept
      return null;
    }
    lines++;
    return buckets.computeIfAbsent(
        m,
        x -> {
          GatewayEvidence.Builder before = buckets.get(x - 1);
          return GatewayEvidence.Builder.unbounded()
              .maxKeys(maxKeys)
              .budget(budget)
              .known(before == null ? k -> false : before::has);
        });
  }

  private void evictBefore(long minute) {
    var gone = buckets.headMap(minute, true);
    gone.values().forEach(b -> budget.release(b.bytes())); // a minute leaving gives its bytes back
    gone.clear();
  }

  /** Drops what lies beyond the horizon before {@code now}, for a stream that fell silent. */
  public synchronized void prune(Instant now) {
    evictBefore(Math.floorDiv(now.getEpochSecond(), 60) - horizonMinutes);
  }

  /**
   * The evidence of [now - window, now] (whole minutes) for these upstreams and addresses (one
   * lookup each per minute).
   */
  public synchronized GatewayEvidence evidence(
      Instant now,
      Duration window,
      java.util.Set<String> upstreams,
      java.util.Set<String> addresses) {
    long last = Math.floorDiv(now.getEpochSecond(), 60);
    long first = Math.floorDiv(now.minus(window).getEpochSecond(), 60);
    GatewayEvidence.Builder out = new GatewayEvidence.Builder(now, window);
    for (GatewayEvidence.Builder b : buckets.subMap(first, true, last, true).values()) {
      out.merge(b, upstreams, addresses);
    }
    return out.build();
  }

  /** Lines counted, and lines dropped (too old, or past the key limit of their minute). */
  public synchronized long lines() {
    return lines;
  }

  public synchronized long dropped() {
    return dropped
        + buckets.values().stream().mapToLong(GatewayEvidence.Builder::droppedKeys).sum();
  }

  public synchronized int buckets() {
    return buckets.size();
  }
}
