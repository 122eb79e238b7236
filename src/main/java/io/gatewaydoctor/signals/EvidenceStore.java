package io.gatewaydoctor.signals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The gateway evidence of a long-running reader (the operator's log streams): lines are counted
 * into one-minute buckets over a fixed horizon, and {@link #evidence} sums the buckets of a window
 * for the upstreams and addresses of one target. Bounded: buckets older than the horizon (behind
 * the newest line, or behind the instant given to {@link #prune}) are dropped, and a bucket
 * counts at most {@code maxKeys} upstreams and addresses (lines past that are counted as dropped).
 * Window edges are rounded to whole minutes. Thread-safe; pure (no clock).
 */
public final class EvidenceStore {
  private final long horizonMinutes;
  private final int maxKeys;
  private final TreeMap<Long, GatewayEvidence.Builder> buckets = new TreeMap<>();
  private long newestMinute = Long.MIN_VALUE;
  private long dropped;
  private long lines;

  public EvidenceStore(Duration horizon, int maxKeys) {
    this.horizonMinutes = Math.max(1, horizon.toMinutes());
    this.maxKeys = maxKeys;
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
    GatewayEvidence.Builder b = buckets.computeIfAbsent(m, x -> GatewayEvidence.Builder.unbounded());
    if (b.keys() >= maxKeys) {
      dropped++;
      return null;
    }
    lines++;
    return b;
  }

  private void evictBefore(long minute) {
    buckets.headMap(minute, true).clear();
  }

  /** Drops what lies beyond the horizon before {@code now}, for a stream that fell silent. */
  public synchronized void prune(Instant now) {
    evictBefore(Math.floorDiv(now.getEpochSecond(), 60) - horizonMinutes);
  }

  /** The evidence of [now - window, now] (whole minutes) for the upstreams and addresses asked for. */
  public synchronized GatewayEvidence evidence(Instant now, Duration window, Predicate<String> upstreams,
      Predicate<String> addresses) {
    long last = Math.floorDiv(now.getEpochSecond(), 60);
    long first = Math.floorDiv(now.minus(window).getEpochSecond(), 60);
    GatewayEvidence.Builder out = new GatewayEvidence.Builder(now, window);
    for (Map.Entry<Long, GatewayEvidence.Builder> e : buckets.subMap(first, true, last, true).entrySet()) {
      out.merge(e.getValue(), upstreams, addresses);
    }
    return out.build();
  }

  /** Lines counted, and lines dropped (too old, or past the key limit of their minute). */
  public synchronized long lines() { return lines; }

  public synchronized long dropped() { return dropped; }

  public synchronized int buckets() { return buckets.size(); }
}
