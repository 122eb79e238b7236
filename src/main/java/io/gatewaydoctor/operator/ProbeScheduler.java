package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.ProbeSpec;
import io.gatewaydoctor.api.TargetRef;
import io.gatewaydoctor.gateway.Dialects;
import io.gatewaydoctor.model.ChainResolver;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.OptOut;
import io.gatewaydoctor.probe.HttpProber;
import io.gatewaydoctor.probe.KeepAlive;
import io.gatewaydoctor.probe.Probe;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.probe.ProbePlanner;
import io.gatewaydoctor.probe.ProbeRunner;
import io.gatewaydoctor.probe.ProbeScope;
import io.gatewaydoctor.probe.ProbeTarget;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Probes every diagnosed target on its own schedule (spec.probe.intervalSeconds, default 30 s,
 * jittered by up to a tenth), never in a reconcile thread: a one-second tick picks the targets that
 * are due, one round per target at a time, on a bounded pool (the global concurrency limit; a round
 * probes at most {@link ProbePlanner#MAX_PER_TARGET} endpoints). The evidence is kept per
 * diagnosis, and a round whose outcomes differ from the last one triggers a reconcile through an
 * inbound event.
 */
final class ProbeScheduler implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ProbeScheduler.class);
  static final int DEFAULT_INTERVAL_SECONDS = 30;

  /** One round's evidence, when it ended ({@code at}) and when it started. */
  record Round(
      ProbeEvidence evidence,
      Instant at,
      Map<String, String> outcomes,
      java.util.Set<ProbeTarget> planned,
      Instant started) {}

  private final IndexerResourceCache<GatewayDiagnosis> diagnoses;
  private final InformerEventSource<Ingress, GatewayDiagnosis> ingresses;

  /** The routes by kind and id, where the cluster serves the Gateway API; empty otherwise. */
  private volatile java.util.function.BiFunction<
          String, ResourceID, java.util.Optional<io.fabric8.kubernetes.api.model.HasMetadata>>
      routes = (k, id) -> java.util.Optional.empty();

  /** Probes the backends of route targets too, read from these caches. */
  ProbeScheduler routes(
      java.util.function.BiFunction<
              String, ResourceID, java.util.Optional<io.fabric8.kubernetes.api.model.HasMetadata>>
          r) {
    this.routes = r;
    return this;
  }

  private final ChainGatherer gatherer;
  private final SimpleInboundEventSource<GatewayDiagnosis> trigger;
  private final Clock clock;
  private final boolean enabled;
  private final Map<ResourceID, Round> rounds = new ConcurrentHashMap<>();
  private final Map<ResourceID, Instant> due = new ConcurrentHashMap<>();
  private final Map<ResourceID, Boolean> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService tick =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "gateway-doctor-probe-tick"));
  private final ExecutorService rounds_;

  /** Rounds of one namespace at once, at most (a quarter of the round threads, at least one). */
  private final int namespaceShare;

  private final ProbeRunner runner;

  /**
   * Keep-alive measurements hold a connection for up to the gateway's timeout: their own few
   * threads.
   */
  private final ExecutorService keepAlivePool =
      Executors.newFixedThreadPool(2, r -> daemon(r, "gateway-doctor-keepalive"));

  private final ProbeRunner keepAliveRunner = new ProbeRunner(new HttpProber(), 4);
  private final Map<ResourceID, Map<String, KeepAlive>> keepAlive = new ConcurrentHashMap<>();
  private final Map<ResourceID, Instant> keepAliveDue = new ConcurrentHashMap<>();
  private final Map<ResourceID, Boolean> keepAliveRunning = new ConcurrentHashMap<>();

  /** The override of every controller's keep-alive timeout (null: each target's controller's). */
  private Duration gatewayKeepAlive;

  /** Each target's gateway keep-alive timeout, as of its last round. */
  private final Map<ResourceID, Duration> gatewayKeepAliveOf = new ConcurrentHashMap<>();

  /** Targets whose next round re-evaluates them whatever its outcomes (a change waits on it). */
  private final Map<ResourceID, Instant> wanted = new ConcurrentHashMap<>();

  /**
   * Probes a target at the next tick and re-evaluates it after that round, even when nothing
   * changed: the remediator takes the evidence again right before a change.
   */
  void probeNow(ResourceID id) {
    wanted.putIfAbsent(id, clock.instant());
    due.put(id, Instant.EPOCH);
  }

  private Duration keepAliveEvery = Duration.ofMinutes(5);
  private java.util.function.Consumer<Probe> onProbe = p -> {};

  /** Sees every probe result (the metrics). */
  ProbeScheduler onProbe(java.util.function.Consumer<Probe> c) {
    this.onProbe = c;
    return this;
  }

  ProbeScheduler(
      IndexerResourceCache<GatewayDiagnosis> diagnoses,
      InformerEventSource<Ingress, GatewayDiagnosis> ingresses,
      ChainGatherer gatherer,
      SimpleInboundEventSource<GatewayDiagnosis> trigger,
      ProbeRunner runner,
      int targetsAtOnce,
      Clock clock,
      boolean enabled) {
    this.diagnoses = diagnoses;
    this.ingresses = ingresses;
    this.gatherer = gatherer;
    this.trigger = trigger;
    this.runner = runner;
    this.clock = clock;
    this.enabled = enabled;
    this.rounds_ =
        Executors.newFixedThreadPool(
            Math.max(1, targetsAtOnce), r -> daemon(r, "gateway-doctor-probe-round"));
    this.namespaceShare = Math.max(1, targetsAtOnce / 4);
  }

  private ProbeScope scope = ProbeScope.PODS_ONLY;

  /** Which addresses may be probed beyond the pods of each Service (probe.allowed-cidrs). */
  ProbeScheduler scope(ProbeScope s) {
    this.scope = s;
    return this;
  }

  ProbeScope scope() {
    return scope;
  }

  /**
   * How long the gateway keeps idle upstream connections (null: as each target's controller is
   * configured), and how often to measure the backends' side of it.
   */
  ProbeScheduler keepAlive(Duration gateway, Duration every) {
    this.gatewayKeepAlive = gateway;
    this.keepAliveEvery = every;
    return this;
  }

  void start() {
    if (enabled) {
      // a tick starts at most a namespace's share of rounds; four a second keep thousands of
      // targets on their interval (#23: one a second capped 5,000 targets at 400 probes/s)
      tick.scheduleWithFixedDelay(this::tick, 250, 250, TimeUnit.MILLISECONDS);
    }
  }

  /** The latest evidence for a diagnosis, if it is not older than the window. */
  ProbeEvidence evidence(ResourceID id, Duration window) {
    Round r = rounds.get(id);
    if (r == null || r.at().isBefore(clock.instant().minus(window))) {
      return ProbeEvidence.NONE;
    }
    if (!r.evidence().reachedAny()) {
      // nothing reached at all: the operator's pod cannot reach these pods (a NetworkPolicy that
      // admits only
      // the gateway, say), which says nothing about what the gateway meets; what was not probed,
      // and why, stays
      return r.evidence().skippedOnly();
    }
    return r.evidence()
        .withKeepAlive(keepAlive.getOrDefault(id, Map.of()), gatewayKeepAlive(id))
        .takenAt(r.at());
  }

  private Duration gatewayKeepAlive(ResourceID id) {
    return gatewayKeepAliveOf.getOrDefault(id, ProbeEvidence.DEFAULT_GATEWAY_KEEPALIVE);
  }

  /** When the target's last probe round ended, or null before its first. */
  /** Whether the target's last round started at or after {@code t} (its evidence is newer). */
  boolean roundStartedSince(ResourceID id, Instant t) {
    Round r = rounds.get(id);
    return r != null && !r.started().isBefore(t);
  }

  Instant lastRound(ResourceID id) {
    Round r = rounds.get(id);
    return r == null ? null : r.at();
  }

  /**
   * The endpoints of a target changed since its last round: probe it at the next tick, not at the
   * next interval.
   */
  void endpointsAre(ResourceID id, java.util.Set<ProbeTarget> planned) {
    Round r = rounds.get(id);
    if (r != null && !r.planned().equals(planned)) {
      due.put(id, Instant.EPOCH); // new addresses, or a new protocol, Host, path or buffer size
    }
  }

  static boolean probingOn(GatewayDiagnosis gd) {
    ProbeSpec p = gd.getSpec() == null ? null : gd.getSpec().getProbe();
    return p == null || p.getEnabled() == null || p.getEnabled();
  }

  private java.util.function.Consumer<ResourceID> onRound = id -> {};

  /** Told of every diagnosis a round starts for (TargetStates tracks it from then on). */
  ProbeScheduler onRound(java.util.function.Consumer<ResourceID> c) {
    this.onRound = c;
    return this;
  }

  /** Forgets a diagnosis that is gone (TargetStates). */
  void forget(ResourceID id) {
    rounds.remove(id);
    due.remove(id);
    keepAlive.remove(id);
    keepAliveDue.remove(id);
    gatewayKeepAliveOf.remove(id);
    wanted.remove(id);
  }

  private void tick() {
    try {
      Instant now = clock.instant();
      // the most overdue first: when rounds fall behind their interval (thousands of targets),
      // every target still gets its turn rather than the first ones in the cache's order
      List<Map.Entry<GatewayDiagnosis, Instant>> dueNow = new java.util.ArrayList<>();
      diagnoses
          .list()
          .forEach(
              gd -> {
                ResourceID id = ResourceID.fromResource(gd);
                if (!probingOn(gd)) {
                  if (rounds.remove(id) != null) {
                    trigger.propagateEvent(
                        id); // switched off: the verdict drops the probe evidence
                  }
                  return;
                }
                Instant dueAt = due.getOrDefault(id, Instant.EPOCH);
                if (!running.containsKey(id) && !now.isBefore(dueAt)) {
                  dueNow.add(Map.entry(gd, dueAt)); // sorted on this copy: due changes meanwhile
                }
              });
      dueNow.sort(Map.Entry.comparingByValue());
      Map<String, Integer> inFlight = inFlight(running.keySet());
      dueNow.forEach(
          e -> {
            GatewayDiagnosis gd = e.getKey();
            ResourceID id = ResourceID.fromResource(gd);
            // one namespace runs at most its share of the rounds at once: one tenant's many
            // slow targets cannot hold every round thread (it stays due for the next tick)
            if (!mayStart(inFlight, id, namespaceShare)) {
              return;
            }
            inFlight.merge(id.getNamespace().orElse(""), 1, Integer::sum);
            running.put(id, true);
            onRound.accept(id);
            rounds_.submit(() -> round(gd, id));
          });
    } catch (RuntimeException e) {
      LOG.warnf("probe tick failed: %s", e.toString());
    }
  }

  /** Whether a round of {@code id} may start while {@code running} run: its namespace's share. */
  static boolean mayStart(java.util.Set<ResourceID> running, ResourceID id, int share) {
    return mayStart(inFlight(running), id, share);
  }

  /** As above, from the rounds in flight per namespace. */
  static boolean mayStart(Map<String, Integer> inFlight, ResourceID id, int share) {
    return inFlight.getOrDefault(id.getNamespace().orElse(""), 0) < share;
  }

  /** The rounds in flight per namespace ("" for none). */
  static Map<String, Integer> inFlight(java.util.Set<ResourceID> running) {
    Map<String, Integer> out = new java.util.HashMap<>();
    running.forEach(r -> out.merge(r.getNamespace().orElse(""), 1, Integer::sum));
    return out;
  }

  private void round(GatewayDiagnosis gd, ResourceID id) {
    Instant started = clock.instant();
    try {
      ProbeSpec spec = gd.getSpec() == null ? null : gd.getSpec().getProbe();
      int interval =
          spec == null || spec.getIntervalSeconds() == null
              ? DEFAULT_INTERVAL_SECONDS
              : spec.getIntervalSeconds();
      long jitterMillis = ThreadLocalRandom.current().nextLong(interval * 100L + 1);
      due.put(id, clock.instant().plusSeconds(interval).plusMillis(jitterMillis));
      TargetRef t = gd.getSpec() == null ? null : gd.getSpec().getTargetRef();
      boolean route = t != null && io.gatewaydoctor.model.Routes.isRouteKind(t.getKind());
      ResourceID target =
          t == null || t.getName() == null
              ? null
              : new ResourceID(t.getName(), gd.getMetadata().getNamespace());
      io.fabric8.kubernetes.api.model.HasMetadata object =
          target == null
              ? null
              : route
                  ? routes.apply(t.getKind(), target).orElse(null)
                  : t.getKind() == null || TargetRef.INGRESS.equals(t.getKind())
                      ? ingresses.get(target).orElse(null)
                      : null;
      if (object == null) {
        return;
      }
      ClusterSnapshot snapshot =
          object instanceof Ingress ing ? gatherer.gather(ing) : gatherer.gatherRoute(object);
      var namespace = snapshot.namespace(object.getMetadata().getNamespace()).orElse(null);
      if (namespace == null
          || OptOut.of(
                  object.getMetadata().getAnnotations(), namespace.getMetadata().getAnnotations())
              .out()) {
        return; // opted out (or its namespace not seen yet): its backends are not reached
      }
      var chain =
          object instanceof Ingress ing
              ? ChainResolver.resolve(ing, snapshot)
              : ChainResolver.resolve(
                  io.gatewaydoctor.model.HTTPRouteTargets.of(object, snapshot), snapshot);
      Duration gateway =
          gatewayKeepAlive != null
              ? gatewayKeepAlive
              : Dialects.of(chain.target()).upstreamKeepAlive(chain.controllerConfig());
      gatewayKeepAliveOf.put(id, gateway);
      List<ProbePlanner.Planned> plan = ProbePlanner.plan(chain, snapshot, spec, scope);
      ProbeEvidence evidence = plan.isEmpty() ? ProbeEvidence.NONE : runner.run(plan);
      Map<String, String> outcomes = new java.util.TreeMap<>();
      for (Probe p : evidence.all()) {
        outcomes.put(p.key(), p.outcome().name());
        onProbe.accept(p);
      }
      Round previous =
          rounds.put(
              id,
              new Round(
                  evidence,
                  clock.instant(),
                  outcomes,
                  plan.stream()
                      .map(ProbePlanner.Planned::target)
                      .collect(java.util.stream.Collectors.toSet()),
                  started));
      // a round asked for before a change counts only when it started after the asking
      Instant asked = wanted.get(id);
      boolean answers = asked != null && !started.isBefore(asked) && wanted.remove(id, asked);
      if (answers || previous == null || !Objects.equals(previous.outcomes(), outcomes)) {
        trigger.propagateEvent(id);
      }
      if (!keepAliveRunning.containsKey(id)
          && !clock.instant().isBefore(keepAliveDue.getOrDefault(id, Instant.EPOCH))
          && !plan.isEmpty()
          && !gateway.isZero()) {
        keepAliveRunning.put(id, true);
        keepAliveDue.put(id, clock.instant().plus(keepAliveEvery));
        keepAlivePool.submit(() -> measureKeepAlive(id, plan, evidence));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warnf("probe round of %s failed: %s", id, e.toString());
    } finally {
      running.remove(id);
    }
  }

  private void measureKeepAlive(
      ResourceID id, List<ProbePlanner.Planned> plan, ProbeEvidence evidence) {
    try {
      Duration gateway = gatewayKeepAlive(id);
      var measured = keepAliveRunner.keepAlive(plan, evidence, gateway.plusSeconds(1));
      var before = keepAlive.put(id, measured);
      if (!Objects.equals(racing(before, gateway), racing(measured, gateway))) {
        trigger.propagateEvent(id);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warnf("keep-alive measurement of %s failed: %s", id, e.toString());
    } finally {
      keepAliveRunning.remove(id);
    }
  }

  /** The endpoints that close idle connections before the gateway does. */
  private static java.util.Set<String> racing(Map<String, KeepAlive> m, Duration gateway) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    if (m != null) {
      m.forEach(
          (addr, k) -> {
            if (k.measured() && k.closedAfter() != null && k.closedAfter().compareTo(gateway) < 0) {
              out.add(addr);
            }
          });
    }
    return out;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    tick.shutdownNow();
    rounds_.shutdownNow();
    keepAlivePool.shutdownNow();
    runner.close();
    keepAliveRunner.close();
  }
}
