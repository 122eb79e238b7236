package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.PrometheusClient;
import io.gatewaydoctor.signals.RequestCounters;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The controllers' request metrics: either each ingress-nginx controller pod's /metrics scraped
 * (counters kept per pod over the horizon, increases across resets), or one query of a configured
 * Prometheus per round. Called by the gateway tick, at most once per interval.
 */
final class GatewayMetrics {
  private static final Logger LOG = Logger.getLogger(GatewayMetrics.class);

  private final Supplier<Collection<Pod>> gatewayPods;
  private final GatewaySettings.Metrics settings;
  private final Duration horizon;
  private final Clock clock;
  private final PrometheusClient client;
  private final Map<String, RequestCounters> perPod = new ConcurrentHashMap<>();
  private volatile Map<String, Map<String, Long>> fromPrometheus = Map.of();
  private volatile Instant queriedAt;
  private Instant lastRound = Instant.EPOCH;

  GatewayMetrics(Supplier<Collection<Pod>> gatewayPods, GatewaySettings.Metrics settings, Duration horizon, Clock clock) {
    this.gatewayPods = gatewayPods;
    this.settings = settings;
    this.horizon = horizon;
    this.clock = clock;
    this.client = new PrometheusClient(settings.timeout());
  }

  /** One round when the interval has passed; false when nothing was read. */
  boolean round() {
    Instant now = clock.instant();
    if (!settings.enabled() || now.isBefore(lastRound.plus(settings.interval()))) {
      return false;
    }
    lastRound = now;
    if (settings.prometheusUrl().isPresent()) {
      try {
        fromPrometheus = client.requestsByIngress(URI.create(settings.prometheusUrl().get()), settings.prometheusWindow(), now);
        queriedAt = now;
      } catch (java.io.IOException | IllegalArgumentException e) {
        LOG.warnf("Prometheus %s: %s", settings.prometheusUrl().get(), e.getMessage());
      }
      return true;
    }
    Map<String, Pod> pods = new HashMap<>();
    for (Pod p : gatewayPods.get()) {
      String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
      if (ip != null && GatewayLogStreams.nginxContainer(p) != null && "Running".equals(p.getStatus().getPhase())) {
        pods.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p);
      }
    }
    perPod.keySet().retainAll(pods.keySet());
    for (Map.Entry<String, Pod> e : pods.entrySet()) {
      String ip = e.getValue().getStatus().getPodIP();
      URI uri = URI.create("http://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + settings.port() + "/metrics");
      try {
        String text = client.scrape(uri);
        perPod.computeIfAbsent(e.getKey(), k -> new RequestCounters(horizon, 100_000)).add(clock.instant(), text);
      } catch (java.io.IOException | RuntimeException ex) {
        LOG.debugf("metrics of %s (%s): %s", e.getKey(), uri, ex.getMessage());
      }
    }
    return true;
  }

  /** What the clients of one Ingress got in the window, or null when no source covers it. */
  GatewayEvidence.Returned returned(String namespace, String ingress, Instant now, Duration window) {
    if (!settings.enabled()) {
      return null;
    }
    if (settings.prometheusUrl().isPresent()) {
      Map<String, Long> m = queriedAt == null ? null : fromPrometheus.get(namespace + "/" + ingress);
      return m == null ? null : GatewayEvidence.Returned.of(m, "prometheus");
    }
    Map<String, Long> sum = null;
    for (RequestCounters c : perPod.values()) {
      Map<String, Long> inc = c.increase(namespace, ingress, now, window);
      if (inc != null) {
        Map<String, Long> into = sum == null ? new HashMap<>() : sum;
        inc.forEach((k, v) -> into.merge(k, v, Long::sum));
        sum = into;
      }
    }
    return sum == null ? null : GatewayEvidence.Returned.of(sum, "metrics");
  }
}
