package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Health;
import io.gatewaydoctor.analysis.Windows;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.api.TargetRef;
import io.gatewaydoctor.history.Timeline;
import io.gatewaydoctor.model.OptOut;
import io.gatewaydoctor.model.Times;
import io.gatewaydoctor.probe.HttpProber;
import io.gatewaydoctor.probe.ProbeRunner;
import io.gatewaydoctor.probe.ProbeScope;
import io.gatewaydoctor.remediation.Remediation;
import io.gatewaydoctor.remediation.RemediationPolicy;
import io.gatewaydoctor.report.StatusAggregator;
import io.gatewaydoctor.report.StatusBudget;
import io.gatewaydoctor.sources.GatewayApi;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Evaluates one GatewayDiagnosis: gathers its backend chain from the informer caches, runs the pure
 * analysis core and writes the status when it changed. Every object on the chain is watched, and
 * its events map to the diagnoses through index lookups.
 */
@ControllerConfiguration(name = DiagnosisReconciler.NAME)
@RBACRule(
    apiGroups = "networking.k8s.io",
    resources = {"ingresses", "ingressclasses", "networkpolicies"},
    verbs = {"get", "list", "watch"})
@RBACRule(
    apiGroups = "apps",
    resources = {"deployments", "replicasets"},
    verbs = {"get", "list", "watch"})
@RBACRule(
    apiGroups = "",
    resources = {"services", "pods", "namespaces"},
    verbs = {"get", "list", "watch"})
@RBACRule(
    apiGroups = "discovery.k8s.io",
    resources = "endpointslices",
    verbs = {"get", "list", "watch"})
@RBACRule(
    apiGroups = GatewayApi.GROUP,
    resources = {
      "httproutes",
      "grpcroutes",
      "gateways",
      "gatewayclasses",
      "referencegrants",
      "backendtlspolicies"
    },
    verbs = {"get", "list", "watch"})
@RBACRule(apiGroups = "", resources = "secrets", verbs = "get")
@RBACRule(apiGroups = "", resources = "configmaps", verbs = "get")
@RBACRule(
    apiGroups = "",
    resources = "events",
    verbs = {"create", "patch"})
public class DiagnosisReconciler implements Reconciler<GatewayDiagnosis> {
  public static final String NAME = "gatewaydiagnosis";
  private static final Logger LOG = Logger.getLogger(DiagnosisReconciler.class);

  @Inject KubernetesClient client;
  @Inject Clock clock;

  @Inject GatewayApiServed gatewayApi;

  @ConfigProperty(name = "gatewaydoctor.tls-secret-check", defaultValue = "false")
  boolean tlsSecretCheck;

  /**
   * The data planes of Gateway API implementations not built in:
   * CONTROLLER|LABEL[=VALUE]|CONTAINER, comma-separated ({@link
   * io.gatewaydoctor.model.DataPlanes}).
   */
  @ConfigProperty(name = "gatewaydoctor.gateway-api.data-planes")
  java.util.Optional<String> dataPlanes;

  @ConfigProperty(name = "gatewaydoctor.status-heartbeat", defaultValue = "PT10M")
  Duration heartbeat;

  @Inject ProbeSettings probing;
  @Inject GatewaySettings gatewaySettings;
  @Inject OperatorMetrics metrics;
  @Inject Remediator remediator;
  @Inject ChangeFirst changes;

  /** A change probes its target at once, unless a round of it started this recently. */
  static final Duration EARLY_ROUND_FLOOR = Duration.ofSeconds(5);

  /**
   * Each target's timeline (bounded; seeded from its status after a restart; dropped with the
   * diagnosis).
   */
  private final java.util.Map<ResourceID, Timeline> timelines =
      new java.util.concurrent.ConcurrentHashMap<>();

  @ConfigProperty(name = "gatewaydoctor.timeline.horizon", defaultValue = "PT1H")
  Duration timelineHorizon;

  static final int TIMELINE_IN_STATUS = 20;

  @ConfigProperty(name = "gatewaydoctor.remediation.max-mode", defaultValue = "auto")
  String remediationMaxMode;

  @ConfigProperty(name = "gatewaydoctor.remediation.forbidden-actions")
  java.util.Optional<java.util.List<String>> forbiddenActions;

  /**
   * The namespaces where auto may run ("*": every one); unset: none, auto is dry-run everywhere.
   */
  @ConfigProperty(name = "gatewaydoctor.remediation.auto-namespaces")
  java.util.Optional<java.util.List<String>> autoNamespaces;

  private IndexerResourceCache<GatewayDiagnosis> diagnoses;
  private InformerEventSource<Ingress, GatewayDiagnosis> ingresses;
  private InformerEventSource<Service, GatewayDiagnosis> services;
  private InformerEventSource<Pod, GatewayDiagnosis> pods;
  private InformerEventSource<Namespace, GatewayDiagnosis> namespaces;
  private InformerEventSource<Deployment, GatewayDiagnosis> deployments;
  private DiagnosisInformers informers;
  private TargetEvaluator evaluator;
  private ChainGatherer gatherer;
  private ProbeScheduler prober;
  private GatewayLogStreams logs;

  /** Whether HTTPRoutes are watched where the cluster serves the Gateway API. */
  @ConfigProperty(name = "gatewaydoctor.gateway-api.enabled", defaultValue = "true")
  boolean gatewayApiEnabled;

  @Override
  public List<EventSource<?, GatewayDiagnosis>> prepareEventSources(
      EventSourceContext<GatewayDiagnosis> ctx) {
    // the remediation cap is read once, and a mistake in it stops the start (it would silently
    // forbid nothing)
    forbidden = forbidden();
    maxMode = RemediationPolicy.Mode.parse(remediationMaxMode);
    if (maxMode == null) {
      throw new IllegalArgumentException(
          "gatewaydoctor.remediation.max-mode: \""
              + remediationMaxMode
              + "\" is not off, dry-run or auto");
    }
    // a mistake in it stops the start: the wrong pods would be taken for a gateway's, or none
    io.gatewaydoctor.model.DataPlanes.configure(
        io.gatewaydoctor.model.DataPlanes.parse(dataPlanes.orElse("")));
    GatewayApi.Served served = gatewayApiEnabled ? gatewayApi.get() : GatewayApi.Served.NONE;
    boolean routes = served.routes();
    informers =
        new DiagnosisInformers(
            ctx,
            gatewaySettings::trustsControllerIn,
            gatewaySettings.controllerNamespaces(),
            routes,
            served.grants(),
            served.grpcRoutes(),
            served.tlsPolicies());
    LOG.infof(
        routes
            ? "the Gateway API is served: HTTPRoutes are diagnosed"
            : "the Gateway API is not served (or gatewaydoctor.gateway-api.enabled is false):"
                + " Ingresses only");
    informers.onChange(changes::changed);
    changes.onChange(
        id -> {
          ProbeScheduler p = prober;
          // what it found before the change may not hold: probed first, but not within 5 s of
          // its last round (pods that flap all the time cannot have their target probed every
          // tick, nor keep others' rounds waiting)
          if (p != null && !p.roundStartedSince(id, clock.instant().minus(EARLY_ROUND_FLOOR))) {
            p.probeNow(id);
          }
        });
    diagnoses = informers.diagnoses;
    ingresses = informers.ingresses;
    namespaces = informers.namespaces;
    pods = informers.pods;
    services = informers.services;
    deployments = informers.deployments;
    gatherer =
        new ChainGatherer(
            client,
            informers.caches(),
            tlsSecretCheck,
            gatewaySettings.controllerNamespaces(),
            clock);
    SimpleInboundEventSource<GatewayDiagnosis> probed = new SimpleInboundEventSource<>("probes");
    if (prober != null) {
      prober.close(); // event sources prepared again: the old scheduler's threads go
    }
    prober =
        new ProbeScheduler(
                diagnoses,
                ingresses,
                gatherer,
                probed,
                // each target's round takes its share of the pool (concurrency / targets-at-once)
                new ProbeRunner(
                    new HttpProber(),
                    probing.concurrency(),
                    Math.max(1, probing.concurrency() / Math.max(1, probing.targetsAtOnce()))),
                probing.targetsAtOnce(),
                clock,
                probing.enabled())
            .keepAlive(probing.upstreamKeepaliveTimeout().orElse(null), probing.keepaliveEvery())
            .onProbe(metrics::probed)
            .scope(ProbeScope.of(probing.allowedCidrs().orElse(List.of())))
            .routes(informers::route);
    remediator.onRecheck(
        g -> prober.probeNow(ResourceID.fromResource(g)),
        (g, t) -> prober.roundStartedSince(ResourceID.fromResource(g), t));
    SimpleInboundEventSource<GatewayDiagnosis> logged =
        new SimpleInboundEventSource<>("gateway-logs");
    if (logs != null) {
      logs.close();
    }
    logs =
        new GatewayLogStreams(
                client,
                () ->
                    pods.isRunning()
                        ? pods.byIndex(Indexes.BY_GATEWAY, Indexes.GATEWAY)
                        : List.of(),
                diagnoses,
                logged,
                gatewaySettings,
                gatherer.configMaps(),
                clock)
            .onTick(() -> states.sweep(id -> diagnoses.get(id).isPresent()))
            .onStream(metrics::logStream)
            .knownIngresses(
                k -> {
                  int slash = k.indexOf('/');
                  return informers
                      .ingresses
                      .get(new ResourceID(k.substring(slash + 1), k.substring(0, slash)))
                      .isPresent();
                })
            .onErrors(
                (id, added) ->
                    metrics.gatewayErrorsCounted(
                        id.getNamespace().orElse(""), id.getName(), added));
    metrics.evidence(logs.store().budget());
    // every holder of per-target state, forgotten at once when a diagnosis is gone
    states = new TargetStates();
    ProbeScheduler probes = prober;
    GatewayLogStreams streams = logs;
    states
        .register(probes::forget)
        .register(streams::forget)
        .register(id -> metrics.forget(id.getNamespace().orElse(""), id.getName()))
        .register(id -> remediator.forget(id.getNamespace().orElse(""), id.getName()))
        .register(timelines::remove)
        .register(changes::forget);
    probes.onRound(states::seen);
    evaluator = new TargetEvaluator(informers, gatherer, probes, streams, this::timelineOf);
    working.set(false); // started by the first reconcile, which only the leader runs
    List<EventSource<?, GatewayDiagnosis>> sources = new java.util.ArrayList<>(informers.all());
    sources.add(probed);
    sources.add(logged);
    return sources;
  }

  @jakarta.annotation.PreDestroy
  void stopProbing() {
    if (prober != null) {
      prober.close();
    }
    if (logs != null) {
      logs.close();
    }
  }

  /** The per-target state of the operator and its one forget. */
  private volatile TargetStates states = new TargetStates();

  /** The per-target state registry (tests look at it). */
  TargetStates states() {
    return states;
  }

  /** Whether a timeline is kept for this diagnosis (tests). */
  boolean hasTimeline(ResourceID id) {
    return timelines.containsKey(id);
  }

  /** The gateway log streams (tests look at them). */
  /** The prober (tests: which rounds ran). */
  ProbeScheduler prober() {
    return prober;
  }

  GatewayLogStreams logs() {
    return logs;
  }

  /** Whether the prober, the log streams and the scrapes run: from the first reconcile on. */
  private final java.util.concurrent.atomic.AtomicBoolean working =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Starts the prober, the log streams and the metric scrapes. Only the leader reconciles, so a
   * standby opens no connection to any backend or controller (LeaderElectionIT counts them); a
   * replica that loses the lease stops (JOSDK ends the process), and so do they.
   */
  private void startWorking() {
    if (working.compareAndSet(false, true)) {
      prober.start();
      logs.start();
    }
  }

  @Override
  public UpdateControl<GatewayDiagnosis> reconcile(
      GatewayDiagnosis gd, Context<GatewayDiagnosis> context) {
    startWorking();
    states.seen(ResourceID.fromResource(gd));
    changes.evaluated(ResourceID.fromResource(gd));
    Instant now = clock.instant();
    long t0 = System.nanoTime();
    var policy = policy(gd);
    TargetEvaluator.Evaluation ev = evaluator.diagnose(gd, now, policy);
    Diagnosis d = ev.diagnosis();
    String ns = gd.getMetadata().getNamespace();
    TargetRef t = gd.getSpec() == null ? null : gd.getSpec().getTargetRef();
    var ingressRef =
        new ResourceRef(
            t == null || t.getKind() == null ? TargetRef.INGRESS : t.getKind(),
            ns,
            t == null ? null : t.getName());
    var prev = gd.getStatus();
    var round =
        ev.picture() == null
            ? null
            : remediator.run(
                gd,
                ingressRef,
                d,
                policy,
                prev == null ? null : prev.baseline,
                now,
                Windows.parse(gd.getSpec().getWindow()),
                freshAt(gd, now),
                healthySince(prev, d, now),
                this::cached,
                () -> diagnoses.list().toList(),
                e -> timelineOf(gd).add(e));
    GatewayDiagnosisStatus next =
        StatusAggregator.build(
            d,
            prev,
            gd.getMetadata().getGeneration(),
            now,
            round == null
                ? Remediation.condition(
                    policy,
                    prev == null || prev.remediations == null ? List.of() : prev.remediations,
                    false)
                : round
                    .condition()); // no chain: what the history says (pending, stopped) still holds
    if (round != null) {
      next.remediations = round.records();
    }
    StatusAggregator.gatewayLogs(
        next, prev, logs.notUnderstood(), gd.getMetadata().getGeneration(), now);
    StatusAggregator.gatewayEvidence(
        next, prev, logs.evidenceDegraded(), gd.getMetadata().getGeneration(), now);
    next.baseline =
        Baselines.next(
            gd.getStatus() == null ? null : gd.getStatus().baseline,
            d,
            ev.picture(),
            ev.servedBy(),
            now);
    var timeline = timelines.get(ResourceID.fromResource(gd));
    next.timeline = timeline == null ? null : timeline.newest(TIMELINE_IN_STATUS);
    metrics.verdict(gd.getMetadata().getNamespace(), gd.getMetadata().getName(), d);
    metrics.reconciled(Duration.ofNanos(System.nanoTime() - t0));
    next = StatusBudget.fit(next); // under 256 KiB whatever the cluster holds
    if (StatusWriter.due(gd.getStatus(), next, now, heartbeat)) {
      StatusWriter.write(client, gd, next, round == null ? null : round.resourceVersion());
      StatusWriter.labels(client, gd, next);
      HealthEvents.changed(client, gd, gd.getStatus(), next, now);
      HealthEvents.policyChanged(client, gd, gd.getStatus(), next, policy, now);
      LOG.debugf(
          "%s/%s: %s %s",
          gd.getMetadata().getNamespace(), gd.getMetadata().getName(), next.health, next.rootCause);
    }
    return round != null && round.recheck() != null
        ? UpdateControl.<GatewayDiagnosis>noUpdate().rescheduleAfter(round.recheck())
        : UpdateControl.noUpdate();
  }

  /**
   * When the verdict's inputs were last fresh, for the remediation guard: null while an informer is
   * not watching and synced; else the newest probe of the target when it was probed (a stalled
   * prober shows), else now.
   */
  private Instant freshAt(GatewayDiagnosis gd, Instant now) {
    boolean watching = informers.watching();
    if (!watching) {
      return null;
    }
    return ProbeScheduler.probingOn(gd) && probing.enabled()
        ? prober.lastRound(ResourceID.fromResource(gd))
        : now;
  }

  /**
   * Since when the target has been Healthy (the Healthy condition's transition), or null when it is
   * not.
   */
  static Instant healthySince(GatewayDiagnosisStatus prev, Diagnosis d, Instant now) {
    if (d.health() != Health.Healthy) {
      return null;
    }
    if (prev == null || !"Healthy".equals(prev.health) || prev.conditions == null) {
      return now;
    }
    return prev.conditions.stream()
        .filter(c -> StatusAggregator.HEALTHY.equals(c.getType()) && "True".equals(c.getStatus()))
        .map(c -> Times.parse(c.getLastTransitionTime()))
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .orElse(now);
  }

  /** The cached copy of an object a remediation acts on. */
  private java.util.Optional<io.fabric8.kubernetes.api.model.HasMetadata> cached(ResourceRef o) {
    ResourceID id = new ResourceID(o.name, o.namespace);
    return switch (o.kind) {
      case "Pod" -> pods.get(id).map(x -> x);
      case "Service" -> services.get(id).map(x -> x);
      case "Deployment" -> deployments.get(id).map(x -> x);
      case "Ingress" -> ingresses.get(id).map(x -> x);
      default -> java.util.Optional.empty();
    };
  }

  private Timeline timelineOf(GatewayDiagnosis gd) {
    return timelines.computeIfAbsent(
        ResourceID.fromResource(gd),
        id -> {
          var tl = new Timeline(timelineHorizon);
          if (gd.getStatus() != null && gd.getStatus().timeline != null) {
            gd.getStatus().timeline.forEach(tl::add); // what the last run saw
          }
          return tl;
        });
  }

  private Set<String> forbidden = Set.of();
  private RemediationPolicy.Mode maxMode = RemediationPolicy.Mode.off;

  /**
   * The operator's forbidden actions, lower case; an unknown name is a configuration error (it
   * would forbid nothing).
   */
  Set<String> forbidden() {
    Set<String> out =
        forbiddenActions.orElse(List.of()).stream()
            .map(a -> a.trim().toLowerCase(java.util.Locale.ROOT))
            .filter(a -> !a.isEmpty())
            .collect(Collectors.toSet());
    var unknown =
        out.stream().filter(a -> !RemediationPolicy.ALL_ACTIONS.contains(a)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "gatewaydoctor.remediation.forbidden-actions: unknown action "
              + String.join(", ", unknown)
              + " (known: "
              + String.join(", ", RemediationPolicy.ALL_ACTIONS)
              + ")");
    }
    return out;
  }

  /**
   * The remediation policy of the target: its Ingress's annotations over its namespace's, under the
   * operator's cap.
   */
  RemediationPolicy policy(GatewayDiagnosis gd) {
    String ns = gd.getMetadata().getNamespace();
    TargetRef t = gd.getSpec() == null ? null : gd.getSpec().getTargetRef();
    if (t != null && t.getKind() != null && !TargetRef.INGRESS.equals(t.getKind())) {
      // routes: findings carry their fixes, and nothing is changed for them yet
      return new RemediationPolicy(
          RemediationPolicy.Mode.off, Set.of(), "not for " + t.getKind() + " targets yet", null);
    }
    var ing =
        t == null || t.getName() == null
            ? null
            : ingresses.get(new ResourceID(t.getName(), ns)).orElse(null);
    var namespace = namespaces.get(new ResourceID(ns)).orElse(null);
    if (namespace == null
        || ing == null
        || OptOut.of(ing.getMetadata().getAnnotations(), namespace.getMetadata().getAnnotations())
            .out()) {
      // the namespace's ceiling unknown (not in the cache yet), or the target opted out: nothing
      // may change
      return new RemediationPolicy(
          RemediationPolicy.Mode.off,
          Set.of(),
          namespace == null ? "namespace not known yet" : "opted out",
          null);
    }
    return RemediationPolicy.of(
        ing == null ? null : ing.getMetadata().getAnnotations(),
        namespace == null ? null : namespace.getMetadata().getAnnotations(),
        maxMode,
        forbidden,
        ns,
        autoNamespaces
            .map(l -> l.stream().map(String::trim).collect(Collectors.toSet()))
            .orElse(Set.of()));
  }
}
