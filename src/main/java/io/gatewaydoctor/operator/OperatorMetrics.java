package io.gatewaydoctor.operator;

import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.api.StatusCounts;
import io.gatewaydoctor.probe.Probe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's Prometheus metrics (/q/metrics), documented with their series in the README:
 * {@code gatewaydoctor_targets{namespace,health}} (targets per namespace and health), per target
 * {@code gatewaydoctor_target_health{namespace,target}} (a number, one series that never changes
 * its labels) and {@code gatewaydoctor_target_info{namespace,target,health,root_cause}} (1, to join
 * the cause on), {@code gatewaydoctor_findings{code,severity}} (findings now, all targets), {@code
 * gatewaydoctor_gateway_errors{namespace,target,status,source}} (gateway errors in each target's
 * window, source gateway|app|returned), {@code
 * gatewaydoctor_gateway_error_responses_total{namespace,target,status,source}} (the same lines as a
 * counter), {@code gatewaydoctor_reconcile_seconds}, {@code gatewaydoctor_probes_total{outcome}}
 * and {@code gatewaydoctor_probe_seconds}. Gauges are re-registered only when a target's verdict
 * changed.
 */
@ApplicationScoped
public class OperatorMetrics {
  private record TargetState(
      String health, String rootCause, List<String> findings, Map<String, Long> errors) {}

  @Inject MeterRegistry registry;

  /**
   * Series per target (namespace, target, root cause) or, when false, per namespace only: a
   * multi-tenant cluster whose metrics reach many readers need not show every team's Ingress names,
   * and the series stay as few as the namespaces.
   */
  @org.eclipse.microprofile.config.inject.ConfigProperty(
      name = "gatewaydoctor.metrics.per-target",
      defaultValue = "true")
  boolean perTarget = true;

  private final Map<String, TargetState> targets = new ConcurrentHashMap<>();

  /**
   * The per-target gauges are rebuilt from every target, at most this often (a change at once when
   * the last rebuild is older): one rebuild per verdict made the operator's start quadratic in its
   * targets (#23: at 5,000 targets, most of its CPU). Zero: at every change.
   */
  @org.eclipse.microprofile.config.inject.ConfigProperty(
      name = "gatewaydoctor.metrics.publish-every",
      defaultValue = "PT1S")
  java.time.Duration publishEvery = java.time.Duration.ZERO;

  private final java.util.concurrent.atomic.AtomicBoolean publishDue =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile long lastPublished = System.nanoTime() - Long.MAX_VALUE / 2;

  /** Runs the delayed rebuilds (its thread starts with the first one). */
  private final java.util.concurrent.ScheduledExecutorService publisher =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gateway-doctor-metrics");
            t.setDaemon(true);
            return t;
          });

  private MultiGauge targetGauge;
  private MultiGauge healthGauge;
  private MultiGauge infoGauge;
  private MultiGauge findingGauge;
  private MultiGauge errorGauge;

  @org.eclipse.microprofile.config.inject.ConfigProperty(
      name = "quarkus.application.version",
      defaultValue = "unknown")
  String version = "unknown";

  /** gatewaydoctor_build_info{version} 1: which build runs (joins with any other series). */
  void onStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent e) {
    io.micrometer.core.instrument.Gauge.builder("gatewaydoctor.build.info", () -> 1)
        .description("The running build (1), labelled with its version")
        .tag("version", version)
        .register(registry);
  }

  private synchronized void init() {
    if (targetGauge == null) {
      targetGauge =
          MultiGauge.builder("gatewaydoctor.targets")
              .description("Diagnosed targets per namespace and health")
              .register(registry);
      healthGauge =
          MultiGauge.builder("gatewaydoctor.target.health")
              .description(
                  "A target's health: 0 Healthy, 1 Degraded, 2 Failing, -1 Unknown (not diagnosed)")
              .register(registry);
      infoGauge =
          MultiGauge.builder("gatewaydoctor.target.info")
              .description(
                  "A target's health and root cause as labels (1; join on namespace, target)")
              .register(registry);
      findingGauge =
          MultiGauge.builder("gatewaydoctor.findings")
              .description("Findings now, all targets, by code and severity")
              .register(registry);
      errorGauge =
          MultiGauge.builder("gatewaydoctor.gateway.errors")
              .description(
                  "Gateway 500/502/503/504 in each target's window: generated by the gateway, returned by the app, or as clients got them (metrics)")
              .register(registry);
    }
  }

  private final Map<PodLogStream, List<io.micrometer.core.instrument.Meter>> streamMeters =
      new ConcurrentHashMap<>();

  /**
   * A controller's log stream started or stopped: gatewaydoctor_gateway_log_lines_total{pod,
   * result="read"|"counted"} (one pair per followed controller pod). Lines read but hardly any
   * counted means the access-log format is not the one configured.
   */
  public void logStream(PodLogStream s, boolean started) {
    if (!started) {
      List<io.micrometer.core.instrument.Meter> meters = streamMeters.remove(s);
      if (meters != null) {
        meters.forEach(registry::remove);
      }
      return;
    }
    String pod = s.namespace + "/" + s.pod;
    streamMeters.put(
        s,
        List.of(
            io.micrometer.core.instrument.FunctionCounter.builder(
                    "gatewaydoctor.gateway.log.lines", s, x -> x.lines)
                .tags("pod", pod, "result", "read")
                .description(
                    "Lines read from a controller pod's log, and those counted as evidence")
                .register(registry),
            io.micrometer.core.instrument.FunctionCounter.builder(
                    "gatewaydoctor.gateway.log.lines", s, x -> x.counted)
                .tags("pod", pod, "result", "counted")
                .description(
                    "Lines read from a controller pod's log, and those counted as evidence")
                .register(registry)));
  }

  private volatile io.gatewaydoctor.signals.ByteBudget evidenceBudget;
  private boolean evidenceMeters;

  /**
   * The gateway evidence's bytes against its bound, and how often a key was refused for want of
   * room (the evidence is then degraded): gatewaydoctor_gateway_evidence_bytes,
   * gatewaydoctor_gateway_evidence_budget_bytes, gatewaydoctor_gateway_evidence_refused_total.
   */
  public synchronized void evidence(io.gatewaydoctor.signals.ByteBudget b) {
    this.evidenceBudget = b;
    if (evidenceMeters) {
      return;
    }
    evidenceMeters = true;
    io.micrometer.core.instrument.Gauge.builder(
            "gatewaydoctor.gateway.evidence", this, m -> m.used(b2 -> b2.used()))
        .baseUnit("bytes")
        .description("Bytes (estimated) the counted gateway log lines hold, all minutes kept")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "gatewaydoctor.gateway.evidence.budget", this, m -> m.used(b2 -> b2.limit()))
        .baseUnit("bytes")
        .description("The bound on them (gatewaydoctor.gateway-logs.max-bytes)")
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "gatewaydoctor.gateway.evidence.refused", this, m -> m.used(b2 -> b2.refused()))
        .description(
            "Upstreams, addresses or samples not counted for want of room: the evidence is degraded")
        .register(registry);
  }

  private double used(java.util.function.ToLongFunction<io.gatewaydoctor.signals.ByteBudget> f) {
    var b = evidenceBudget;
    return b == null ? 0 : f.applyAsLong(b);
  }

  /** Records a target's verdict; the gauges change only when it did. */
  public void verdict(String namespace, String name, Diagnosis d) {
    init();
    List<String> findings = new ArrayList<>();
    for (RuleFinding f : d.findings()) {
      findings.add(f.code().name() + "|" + f.severity().name());
    }
    Map<String, Long> errors = new TreeMap<>();
    var g = d.gatewayErrors();
    if (g != null) {
      put(errors, "gateway", g.gateway);
      put(errors, "app", g.app);
      put(errors, "returned", g.returned);
    }
    TargetState next = new TargetState(d.health().name(), d.rootCause(), findings, errors);
    TargetState prev = targets.put(namespace + "/" + name, next);
    if (!next.equals(prev)) {
      publishSoon();
    }
  }

  /** A target is gone (its diagnosis was deleted). */
  public void forget(String namespace, String name) {
    if (targets.remove(namespace + "/" + name) != null) {
      publishSoon();
    }
    List<Counter> counters = errorCounters.remove(namespace + "/" + name);
    if (counters != null && perTarget) {
      counters.forEach(registry::remove);
    }
  }

  private static final String[] STATUSES = {"500", "502", "503", "504"};
  private final Map<String, List<Counter>> errorCounters = new ConcurrentHashMap<>();

  /**
   * Gateway errors newly counted in a target's lines (gateway 500/502/503/504, then the app's):
   * gatewaydoctor_gateway_error_responses_total{namespace,target,status,source=gateway|app}, per
   * namespace only without per-target series. A series appears with its first error.
   */
  public void gatewayErrorsCounted(String namespace, String name, long[] added) {
    for (int i = 0; i < 8; i++) {
      if (added[i] <= 0) {
        continue;
      }
      Tags tags =
          Tags.of(
              "namespace",
              namespace,
              "status",
              STATUSES[i % 4],
              "source",
              i < 4 ? "gateway" : "app");
      if (perTarget) {
        tags = tags.and("target", name);
      }
      Counter c =
          Counter.builder("gatewaydoctor.gateway.error.responses")
              .description(
                  "Gateway 500/502/503/504 in the gateway's log lines of a target: generated by the gateway, or returned by the app")
              .tags(tags)
              .register(registry);
      c.increment(added[i]);
      errorCounters.compute(
          namespace + "/" + name,
          (k, l) -> {
            List<Counter> out = l == null ? new ArrayList<>() : new ArrayList<>(l);
            if (!out.contains(c)) {
              out.add(c);
            }
            return List.copyOf(out);
          });
    }
  }

  /** The number a health is published as in gatewaydoctor_target_health. */
  static int healthValue(String health) {
    return switch (health) {
      case "Healthy" -> 0;
      case "Degraded" -> 1;
      case "Failing" -> 2;
      default -> -1;
    };
  }

  /** Rebuilds the gauges now, or once when the interval since the last rebuild is over. */
  private void publishSoon() {
    if (publishEvery.isZero() || publishEvery.isNegative()) {
      publish();
      return;
    }
    if (publishDue.compareAndSet(false, true)) {
      long wait = lastPublished + publishEvery.toNanos() - System.nanoTime();
      publisher.schedule(
          () -> {
            publishDue.set(false);
            try {
              publish();
            } catch (RuntimeException e) {
              org.jboss.logging.Logger.getLogger(OperatorMetrics.class)
                  .warnf("metrics: the target gauges were not rebuilt: %s", e.toString());
            }
          },
          Math.max(0, wait),
          java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  @jakarta.annotation.PreDestroy
  void stopPublisher() {
    publisher.shutdownNow();
  }

  /** The non-zero counts only: a target without errors has no series (12 per target were idle). */
  private static void put(Map<String, Long> m, String source, StatusCounts c) {
    if (c != null) {
      putNonZero(m, source + "|500", c.s500);
      putNonZero(m, source + "|502", c.s502);
      putNonZero(m, source + "|503", c.s503);
      putNonZero(m, source + "|504", c.s504);
    }
  }

  private static void putNonZero(Map<String, Long> m, String key, Long n) {
    if (n != null && n != 0) {
      m.put(key, n);
    }
  }

  private synchronized void publish() {
    List<MultiGauge.Row<?>> infoRows = new ArrayList<>();
    List<MultiGauge.Row<?>> healthRows = new ArrayList<>();
    Map<String, Long> findings = new TreeMap<>();
    List<MultiGauge.Row<?>> errorRows = new ArrayList<>();
    Map<String, Long> byNamespace = new TreeMap<>();
    targets.forEach(
        (key, t) -> {
          String[] nn = key.split("/", 2);
          byNamespace.merge(nn[0] + "|" + t.health(), 1L, Long::sum);
          infoRows.add(
              MultiGauge.Row.of(
                  Tags.of(
                      "namespace",
                      nn[0],
                      "target",
                      nn[1],
                      "health",
                      t.health(),
                      "root_cause",
                      t.rootCause()),
                  1));
          healthRows.add(
              MultiGauge.Row.of(
                  Tags.of("namespace", nn[0], "target", nn[1]), healthValue(t.health())));
          t.findings().forEach(f -> findings.merge(f, 1L, Long::sum));
          t.errors()
              .forEach(
                  (k, v) -> {
                    String[] sk = k.split("\\|");
                    errorRows.add(
                        MultiGauge.Row.of(
                            Tags.of(
                                "namespace",
                                nn[0],
                                "target",
                                nn[1],
                                "source",
                                sk[0],
                                "status",
                                sk[1]),
                            v));
                  });
        });
    List<MultiGauge.Row<?>> findingRows = new ArrayList<>();
    findings.forEach(
        (k, v) -> {
          String[] cs = k.split("\\|");
          findingRows.add(MultiGauge.Row.of(Tags.of("code", cs[0], "severity", cs[1]), v));
        });
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    byNamespace.forEach(
        (k, v) -> {
          String[] p = k.split("\\|");
          rows.add(MultiGauge.Row.of(Tags.of("namespace", p[0], "health", p[1]), v));
        });
    if (!perTarget) {
      infoRows.clear();
      healthRows.clear();
      errorRows.clear();
      Map<String, Long> errorsByNamespace = new TreeMap<>();
      targets.forEach(
          (key, t) -> {
            String ns = key.split("/", 2)[0];
            t.errors().forEach((k, v) -> errorsByNamespace.merge(ns + "|" + k, v, Long::sum));
          });
      errorsByNamespace.forEach(
          (k, v) -> {
            String[] p = k.split("\\|");
            errorRows.add(
                MultiGauge.Row.of(Tags.of("namespace", p[0], "source", p[1], "status", p[2]), v));
          });
    }
    targetGauge.register(rows, true);
    healthGauge.register(healthRows, true);
    infoGauge.register(infoRows, true);
    findingGauge.register(findingRows, true);
    errorGauge.register(errorRows, true);
    lastPublished = System.nanoTime();
  }

  /**
   * The buckets of the reconcile and probe histograms: a fixed dozen (Micrometer's percentile
   * histogram would publish some 70 per series).
   */
  static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  public void reconciled(Duration took) {
    Timer.builder("gatewaydoctor.reconcile")
        .description("Time to evaluate one diagnosis")
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(took);
  }

  /**
   * One remediation plan or effect (DryRun, Applied, Blocked, Failed, Improved, NoImprovement,
   * Resumed).
   */
  public void remediation(String action, String result) {
    Counter.builder("gatewaydoctor.remediations")
        .description("Remediation plans and effects by action and result")
        .tag("action", action == null ? "none" : action)
        .tag("result", result)
        .register(registry)
        .increment();
  }

  public void probed(Probe p) {
    Counter.builder("gatewaydoctor.probes")
        .description("Probes of backend endpoints by outcome")
        .tag("outcome", p.outcome().name())
        .register(registry)
        .increment();
    Timer.builder("gatewaydoctor.probe")
        .description("Probe latency")
        .tag("outcome", p.outcome().name())
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(Duration.ofMillis(p.latencyMillis()));
  }
}
