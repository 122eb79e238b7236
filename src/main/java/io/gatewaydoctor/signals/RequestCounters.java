package io.gatewaydoctor.signals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scrapes of one controller pod's {@code nginx_ingress_controller_requests} counter, per
 * Ingress and status (summed over the other labels), kept over a horizon; {@link #increase} gives
 * what happened in a window, counter resets (a restarted controller) included: after a reset the
 * new value is the increase, as Prometheus's increase() reads it. Pure; not thread-safe.
 */
public final class RequestCounters {
  public static final String METRIC = "nginx_ingress_controller_requests";

  /**
   * What changed between two scrapes, per Ingress and status, in the interval ending at {@code at},
   * and the bytes it holds of the budget.
   */
  private record Interval(Instant at, Map<String, Double> increments, long bytes) {}

  /** The estimated size of one kept entry: the map entry, the boxed value, the key. */
  static long entryBytes(String key) {
    return 96 + 2L * key.length();
  }

  /**
   * Hashes of series dropped for want of room (bounded): one admitted later starts from a baseline,
   * not its whole cumulative count as one interval's increase.
   */
  private final java.util.Set<Integer> dropped = new java.util.HashSet<>();

  static final int MAX_DROPPED = 20_000;

  private final ByteBudget budget;
  private final java.util.function.Predicate<String> known;
  private long lastBytes;

  private final ArrayDeque<Interval> intervals = new ArrayDeque<>();

  /**
   * The last scrape, per series (every label): a reset is told apart per series, before summing.
   */
  private Map<String, Double> last;

  private Instant lastAt;
  private final Duration horizon;
  private final int maxKeys;

  public RequestCounters(Duration horizon, int maxKeys) {
    this(horizon, maxKeys, ByteBudget.unlimited(), null);
  }

  /**
   * Within a byte budget (shared with the log evidence: one bound for all the gateway's evidence),
   * keeping only the series of Ingresses {@code known} says exist ("namespace/name"; null: all).
   * Past the budget, series are dropped (the budget counts them as refused).
   */
  public RequestCounters(
      Duration horizon,
      int maxKeys,
      ByteBudget budget,
      java.util.function.Predicate<String> known) {
    this.horizon = horizon;
    this.maxKeys = maxKeys;
    this.budget = budget;
    this.known = known;
  }

  /** Gives back every byte it holds (its controller pod is gone). */
  public synchronized void close() {
    budget.release(lastBytes);
    lastBytes = 0;
    last = null;
    intervals.forEach(i -> budget.release(i.bytes()));
    intervals.clear();
  }

  /** Key of an Ingress and status: "namespace/name status". */
  static String key(String namespace, String ingress, String status) {
    return namespace + "/" + ingress + " " + status;
  }

  /** Adds one scrape (the text a /metrics endpoint served at {@code at}). */
  public void add(Instant at, String text) {
    add(at, PrometheusText.samples(text, METRIC, null));
  }

  public synchronized void add(Instant at, List<PrometheusText.Sample> samples) {
    if (lastAt != null && !at.isAfter(lastAt)) {
      return; // out of order: ignored
    }
    // the series kept replace the last scrape's: its bytes are given back first
    budget.release(lastBytes);
    lastBytes = 0;
    Map<String, Double> series = new java.util.LinkedHashMap<>();
    Map<String, String> keyOf = new HashMap<>();
    // the series of the last scrape first: a burst of new series cannot take the room of those
    // counted all along (new ones get at most three quarters of the budget)
    // (each series' id, its labels in order, is made once: a scrape may hold 100,000 of them)
    List<Map.Entry<String, PrometheusText.Sample>> ordered =
        new java.util.ArrayList<>(samples.size());
    List<Map.Entry<String, PrometheusText.Sample>> fresh = new java.util.ArrayList<>();
    for (PrometheusText.Sample s : samples) {
      String id = new java.util.TreeMap<>(s.labels()).toString();
      (last != null && last.containsKey(id) ? ordered : fresh).add(Map.entry(id, s));
    }
    ordered.addAll(fresh);
    for (Map.Entry<String, PrometheusText.Sample> e : ordered) {
      String id = e.getKey();
      PrometheusText.Sample s = e.getValue();
      String ns = s.labels().get("namespace");
      String ing = s.labels().get("ingress");
      String st = s.labels().get("status");
      if (ns == null || ing == null || st == null || ns.isEmpty() || ing.isEmpty()) {
        continue;
      }
      if (ns.length() + ing.length() + st.length() > GatewayEvidence.MAX_KEY_CHARS) {
        continue;
      }
      if (known != null && !known.test(ns + "/" + ing)) {
        // no Ingress of that name exists (yet): no evidence of anybody's; once it exists, the
        // series starts from a baseline
        if (dropped.size() < MAX_DROPPED) {
          dropped.add(id.hashCode());
        }
        continue;
      }
      boolean established = last != null && last.containsKey(id);
      if (series.containsKey(id)) {
        series.put(id, s.value());
      } else if (series.size() < maxKeys
          && (established ? budget.take(entryBytes(id)) : budget.takeNew(entryBytes(id)))) {
        lastBytes += entryBytes(id);
        series.put(id, s.value());
        keyOf.put(id, key(ns, ing, st));
      } else if (dropped.size() < MAX_DROPPED) {
        dropped.add(id.hashCode());
      }
    }
    if (last != null) {
      Map<String, Double> inc = new HashMap<>();
      long bytes = 0;
      for (Map.Entry<String, Double> e : series.entrySet()) {
        Double before = last.get(e.getKey());
        if (before == null && dropped.remove(e.getKey().hashCode())) {
          continue; // dropped before for want of room: its count so far is no increase
        }
        // a new series, or one that went down (a restarted controller), counts from zero
        double d = before == null || e.getValue() < before ? e.getValue() : e.getValue() - before;
        if (d > 0) {
          String k = keyOf.get(e.getKey());
          if (inc.containsKey(k)) {
            inc.merge(k, d, Double::sum);
          } else if (before != null ? budget.take(entryBytes(k)) : budget.takeNew(entryBytes(k))) {
            bytes += entryBytes(k);
            inc.put(k, d);
          }
        }
      }
      intervals.addLast(new Interval(at, inc, bytes));
    }
    last = series;
    lastAt = at;
    while (!intervals.isEmpty() && intervals.peekFirst().at().isBefore(at.minus(horizon))) {
      budget.release(intervals.removeFirst().bytes());
    }
  }

  /**
   * Requests per status of one Ingress in [now - window, now]: the sum of the increases of the
   * intervals that end in it. Null before two scrapes.
   */
  public synchronized Map<String, Long> increase(
      String namespace, String ingress, Instant now, Duration window) {
    String prefix = namespace + "/" + ingress + " ";
    Instant from = now.minus(window);
    Map<String, Double> sum = new HashMap<>();
    int used = 0;
    for (Interval i : intervals) {
      if (i.at().isBefore(from) || i.at().isAfter(now)) {
        continue;
      }
      used++;
      i.increments()
          .forEach(
              (k, v) -> {
                if (k.startsWith(prefix)) {
                  sum.merge(k.substring(prefix.length()), v, Double::sum);
                }
              });
    }
    if (used == 0) {
      return null;
    }
    Map<String, Long> out = new HashMap<>();
    sum.forEach((k, v) -> out.put(k, Math.round(v)));
    return out;
  }

  public synchronized int scrapes() {
    return intervals.size() + (last == null ? 0 : 1);
  }
}
