package io.gatewaydoctor.signals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The scrapes of one controller pod's {@code nginx_ingress_controller_requests} counter, per
 * Ingress and status (summed over the other labels), kept over a horizon; {@link #increase}
 * gives what happened in a window, counter resets (a restarted controller) included: after a
 * reset the new value is the increase, as Prometheus's increase() reads it. Pure; not thread-safe.
 */
public final class RequestCounters {
  public static final String METRIC = "nginx_ingress_controller_requests";

  private record Scrape(Instant at, Map<String, Double> counts) {}

  private final ArrayDeque<Scrape> scrapes = new ArrayDeque<>();
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

  public void add(Instant at, List<PrometheusText.Sample> samples) {
    Map<String, Double> counts = new HashMap<>();
    for (PrometheusText.Sample s : samples) {
      String ns = s.labels().get("namespace");
      String ing = s.labels().get("ingress");
      String st = s.labels().get("status");
      if (ns == null || ing == null || st == null || ns.isEmpty() || ing.isEmpty()) {
        continue;
      }
      String k = key(ns, ing, st);
      if (counts.containsKey(k) || counts.size() < maxKeys) {
        counts.merge(k, s.value(), Double::sum);
      }
    }
    if (!scrapes.isEmpty() && !at.isAfter(scrapes.peekLast().at())) {
      return; // out of order: ignored
    }
    scrapes.addLast(new Scrape(at, counts));
    while (scrapes.size() > 2 && scrapes.peekFirst().at().isBefore(at.minus(horizon))) {
      scrapes.removeFirst();
    }
  }

  /**
   * Requests per status of one Ingress in [now - window, now]: the sum of the increases between
   * consecutive scrapes in it (the scrape just before the window is the starting point). Null
   * when fewer than two scrapes cover it.
   */
  public Map<String, Long> increase(String namespace, String ingress, Instant now, Duration window) {
    String prefix = namespace + "/" + ingress + " ";
    Instant from = now.minus(window);
    Scrape prev = null;
    Map<String, Double> sum = new HashMap<>();
    int used = 0;
    for (Iterator<Scrape> it = scrapes.iterator(); it.hasNext();) {
      Scrape s = it.next();
      if (s.at().isAfter(now)) {
        break;
      }
      if (s.at().isBefore(from)) {
        prev = s;
        continue;
      }
      if (prev != null) {
        used++;
        for (Map.Entry<String, Double> e : s.counts().entrySet()) {
          if (!e.getKey().startsWith(prefix)) {
            continue;
          }
          double before = prev.counts().getOrDefault(e.getKey(), 0.0);
          double inc = e.getValue() >= before ? e.getValue() - before : e.getValue(); // reset: counted from zero
          sum.merge(e.getKey().substring(prefix.length()), inc, Double::sum);
        }
      }
      prev = s;
    }
    if (used == 0) {
      return null;
    }
    Map<String, Long> out = new HashMap<>();
    sum.forEach((k, v) -> out.put(k, Math.round(v)));
    return out;
  }

  public int scrapes() { return scrapes.size(); }
}
