package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.RequestCounters;
import io.gatewaydoctor.sources.PrometheusClient;
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

  /** Prometheus answers per window asked (targets may have different spec.window). */
  private final Map<Duration, Map<String, Map<String, Long>>> fromPrometheus =
      new ConcurrentHashMap<>();

  private final java.util.Set<Duration> windows = ConcurrentHashMap.newKeySet();
  private volatile Instant lastRound = Instant.EPOCH;
  private final java.util.concurrent.atomic.AtomicBoolean running =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.ExecutorService pool =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "gateway-doctor-metrics");
            t.setDaemon(true);
            return t;
          });
  static final int MAX_WINDOWS = 4;

  private final java.util.function.Predicate<Pod> trusted;

  /** The gateway evidence's one byte budget, shared with the log evidence. */
  private volatile io.gatewaydoctor.signals.ByteBudget budget =
      io.gatewaydoctor.signals.ByteBudget.unlimited();

  /** Whether an Ingress "namespace/name" exists (its series are kept); null: all. */
  private volatile java.util.function.Predicate<String> knownIngress;

  /** Counts within this budget, and only the series of Ingresses that exist. */
  GatewayMetrics within(
      io.gatewaydoctor.signals.ByteBudget budget, java.util.function.Predicate<String> known) {
    this.budget = budget;
    this.knownIngress = known;
    return this;
  }

  private final java.util.List<String> controllerNamespaces;

  GatewayMetrics(
      Supplier<Collection<Pod>> gatewayPods,
      java.util.function.Predicate<Pod> trusted,
      GatewaySettings.Metrics settings,
      java.util.List<String> controllerNamespaces,
      Duration horizon,
      Clock clock) {
    this.controllerNamespaces = java.util.List.copyOf(controllerNamespaces);
    this.gatewayPods = gatewayPods;
    this.trusted = trusted;
    this.settings = settings;
    this.horizon = horizon;
    this.clock = clock;
    this.client = new PrometheusClient(settings.timeout());
  }

  /** Starts a round, off the caller's thread, when the interval has passed and none is running. */
  void round() {
    Instant now = clock.instant();
    if (!settings.enabled()
        || now.isBefore(lastRound.plus(settings.interval()))
        || !running.compareAndSet(false, true)) {
      return;
    }
    lastRound = now;
    try {
      pool.submit(
          () -> {
            try {
              read(now);
            } catch (RuntimeException e) {
              LOG.warnf(e, "metrics round failed");
            } finally {
              running.set(false);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      running.set(false);
    }
  }

  void close() {
    pool.shutdownNow();
  }

  private void read(Instant now) {
    if (settings.prometheusUrl().isPresent()) {
      java.util.Set<Duration> asked = new java.util.HashSet<>(windows);
      asked.add(settings.prometheusWindow());
      fromPrometheus.keySet().retainAll(asked);
      for (Duration w : asked) {
        try {
          fromPrometheus.put(
              w,
              client.requestsByIngress(
                  URI.create(settings.prometheusUrl().get()), w, now, controllerNamespaces));
        } catch (java.io.IOException | IllegalArgumentException e) {
          LOG.warnf("Prometheus %s: %s", settings.prometheusUrl().get(), e.getMessage());
        }
      }
      return;
    }
    Map<String, Pod> pods = new HashMap<>();
    for (Pod p : gatewayPods.get()) {
      String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
      if (ip != null
          && GatewayLogStreams.nginxContainer(p) != null
          && "Running".equals(p.getStatus().getPhase())
          && trusted.test(p)) {
        pods.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p);
      }
    }
    perPod
        .entrySet()
        .removeIf(
            x -> {
              if (pods.containsKey(x.getKey())) {
                return false;
              }
              x.getValue().close(); // its bytes go back to the budget
              return true;
            });
    for (Map.Entry<String, Pod> e : pods.entrySet()) {
      String ip = e.getValue().getStatus().getPodIP();
      URI uri =
          URI.create(
              "http://"
                  + (ip.contains(":") ? "[" + ip + "]" : ip)
                  + ":"
                  + settings.port()
                  + "/metrics");
      try {
        String text = client.scrape(uri);
        perPod
            .computeIfAbsent(
                e.getKey(), k -> new RequestCounters(horizon, 100_000, budget, knownIngress))
            .add(clock.instant(), text);
      } catch (java.io.IOException | RuntimeException ex) {
        LOG.debugf("metrics of %s (%s): %s", e.getKey(), uri, ex.getMessage());
      }
    }
  }

  /** What the clients of one Ingress got in the window, or null when no source covers it. */
  GatewayEvidence.Returned returned(
      String namespace, String ingress, Instant now, Duration window) {
    if (!settings.enabled()) {
      return null;
    }
    if (settings.prometheusUrl().isPresent()) {
      if (windows.size() < MAX_WINDOWS) {
        windows.add(window); // asked for from the next round on
      }
      Map<String, Map<String, Long>> answer = fromPrometheus.get(window);
      Map<String, Long> m = answer == null ? null : answer.get(namespace + "/" + ingress);
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
