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
   * What changed between two scrapes, per Ingress and status, in the interval ending at {@code at}.
   */
  private record Interval(Instant at, Map<String, Double> increments) {}

  private final ArrayDeque<Interval> intervals = new ArrayDeque<>();

  /**
   * The last scrape, per series (every label): a reset is told apart per series, before summing.
   */
  private Map<String, Double> last;

  private Instant lastAt;
  private final Duration horizon;
  private final int maxKeys;

  public RequestCounters(Duration horizon, int maxKeys) {
    this.horizon = horizon;
    this.maxKeys = maxKeys;
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
    Map<String, Double> series = new HashMap<>();
    Map<String, String> keyOf = new HashMap<>();
    for (PrometheusText.Sample s : samples) {
      String ns = s.labels().get("namespace");
      String ing = s.labels().get("ingress");
      String st = s.labels().get("status");
      if (ns == null || ing == null || st == null || ns.isEmpty() || ing.isEmpty()) {
        continue;
      }
      String id = new java.util.TreeMap<>(s.labels()).toString();
      if (series.containsKey(id) || series.size() < maxKeys) {
        series.put(id, s.value());
        keyOf.put(id, key(ns, ing, st));
      }
    }
    if (last != null) {
      Map<String, Double> inc = new HashMap<>();
      for (Map.Entry<String, Double> e : series.entrySet()) {
        Double before = last.get(e.getKey());
        // a new series, or one that went down (a restarted controller), counts from zero
        double d = before == null || e.getValue() < before ? e.getValue() : e.getValue() - before;
        if (d > 0) {
          inc.merge(keyOf.get(e.getKey()), d, Double::sum);
        }
      }
      intervals.addLast(new Interval(at, inc));
    }
    last = series;
    lastAt = at;
    while (!intervals.isEmpty() && intervals.peekFirst().at().isBefore(at.minus(horizon))) {
      intervals.removeFirst();
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
