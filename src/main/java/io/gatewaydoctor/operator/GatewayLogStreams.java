package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.gateway.IngressNginx;
import io.gatewaydoctor.model.ControllerConfig;
import io.gatewaydoctor.signals.EvidenceStore;
import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.LogFormat;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The operator's gateway evidence: one {@link PodLogStream} per running ingress-nginx controller
 * pod (matched to the pods every tick: new pods are followed, gone ones dropped), all feeding one
 * bounded {@link EvidenceStore}. A reconcile asks for its target's evidence and so registers what
 * it reads (the target's upstreams and endpoint addresses, its window); each tick re-reads that for
 * every target and triggers a reconcile where it changed (new errors, or old ones leaving the
 * window).
 */
final class GatewayLogStreams implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GatewayLogStreams.class);

  /**
   * What one target reads (its Ingress's metrics, its upstreams' and endpoints' log lines), and a
   * digest of what it read last.
   */
  private record Interest(
      String namespace,
      String ingress,
      Duration window,
      Set<String> upstreams,
      Set<String> addresses,
      List<io.gatewaydoctor.signals.UpstreamKeys> backends,
      long digest) {}

  private final KubernetesClient client;
  private final boolean ownClient;
  private final Supplier<Collection<Pod>> gatewayPods;
  private final IndexerResourceCache<GatewayDiagnosis> diagnoses;
  private final SimpleInboundEventSource<GatewayDiagnosis> trigger;
  private final GatewaySettings settings;
  private final Clock clock;
  private final EvidenceStore store;
  private final Map<String, PodLogStream> streams = new HashMap<>();

  /** The uid of each followed pod (its stream's key). */
  private final Map<String, String> uids = new HashMap<>();

  /**
   * Where the streams of pods no longer followed stopped (the newest 256): a pod followed again
   * resumes there, so its backfill is not counted twice (the evidence and the error counters).
   */
  private final Map<String, PodLogStream.Resume> resumes =
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PodLogStream.Resume> e) {
          return size() > 256;
        }
      };

  private final Map<ResourceID, Interest> interests = new ConcurrentHashMap<>();
  private final Map<ResourceID, java.time.Instant> triggered = new ConcurrentHashMap<>();
  private final Map<ResourceID, GatewayErrorTally> tallies = new ConcurrentHashMap<>();
  private java.util.function.BiConsumer<ResourceID, long[]> onErrors = (id, d) -> {};
  private boolean closed;
  private final ScheduledExecutorService tick =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "gateway-doctor-logs-tick"));

  GatewayLogStreams(
      KubernetesClient client,
      Supplier<Collection<Pod>> gatewayPods,
      IndexerResourceCache<GatewayDiagnosis> diagnoses,
      SimpleInboundEventSource<GatewayDiagnosis> trigger,
      GatewaySettings settings,
      ControllerConfigMaps configMaps,
      Clock clock) {
    // the log streams get a client (and connection pool) of their own: a long-lived stream that
    // ends or is cut must never take down a connection the reconciler's requests share
    this.client =
        settings.enabled()
            ? new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .build()
            : client;
    this.ownClient = settings.enabled();
    this.gatewayPods = gatewayPods;
    this.diagnoses = diagnoses;
    this.trigger = trigger;
    this.settings = settings;
    this.clock = clock;
    this.store =
        new EvidenceStore(
            settings.horizon(),
            settings.maxKeysPerMinute(),
            new io.gatewaydoctor.signals.ByteBudget(settings.evidenceBytes()));
    LogFormat f = null;
    if (settings.logFormat().isPresent() && !settings.logFormat().get().isBlank()) {
      try {
        f = LogFormat.of(settings.logFormat().get());
      } catch (IllegalArgumentException e) {
        LOG.errorf(
            "gatewaydoctor.gateway-logs.log-format is not usable, reading the default format instead: %s",
            e.getMessage());
      }
    }
    this.format = f;
    this.configMaps = configMaps;
    this.metrics =
        new GatewayMetrics(
            gatewayPods,
            this::trusted,
            settings.metrics(),
            settings.controllerNamespaces(),
            settings.horizon(),
            clock);
  }

  /**
   * Only the request-counter series of Ingresses that exist are kept, within the evidence's byte
   * budget.
   */
  GatewayLogStreams knownIngresses(java.util.function.Predicate<String> known) {
    metrics.within(store.budget(), known);
    return this;
  }

  private final GatewayMetrics metrics;

  private final LogFormat format;
  private long warnedRefused;
  private final ControllerConfigMaps configMaps;

  void start() {
    long ms = Math.max(100, settings.tick().toMillis());
    tick.scheduleWithFixedDelay(this::tick, 0, ms, TimeUnit.MILLISECONDS);
  }

  private Runnable gone = () -> {};

  private java.util.function.BiConsumer<PodLogStream, Boolean> onStream = (s, on) -> {};

  /** Told of every stream that starts (true) or stops (false): the per-controller metrics. */
  GatewayLogStreams onStream(java.util.function.BiConsumer<PodLogStream, Boolean> c) {
    this.onStream = c;
    return this;
  }

  /**
   * Told of the gateway errors newly counted for a target (gateway 500/502/503/504, then the
   * app's): the counters that rate() reads.
   */
  GatewayLogStreams onErrors(java.util.function.BiConsumer<ResourceID, long[]> c) {
    this.onErrors = c;
    return this;
  }

  /** Run on every tick, before the interests are read: the sweep of diagnoses that are gone. */
  GatewayLogStreams onTick(Runnable sweep) {
    this.gone = sweep;
    return this;
  }

  /** Forgets what one diagnosis read (it is gone). */
  void forget(ResourceID id) {
    interests.remove(id);
    triggered.remove(id);
    tallies.remove(id);
  }

  /**
   * The evidence of one target's upstreams and endpoints in its window; registers them for the
   * tick.
   */
  GatewayEvidence evidence(
      ResourceID id,
      String namespace,
      String ingress,
      Duration window,
      Set<String> upstreams,
      Set<String> addresses,
      List<io.gatewaydoctor.signals.UpstreamKeys> backends) {
    GatewayEvidence e = read(namespace, ingress, window, upstreams, addresses);
    Interest i =
        new Interest(
            namespace,
            ingress,
            window,
            Set.copyOf(upstreams),
            Set.copyOf(addresses),
            List.copyOf(backends),
            e.digest());
    interests.put(id, i);
    GatewayErrorTally t = tallies.computeIfAbsent(id, k -> new GatewayErrorTally());
    synchronized (t) {
      if (settings.enabled() && t.differs(i.backends())) {
        tally(id, i, t, e.digest()); // a baseline: what is counted already is not added
      }
    }
    return e;
  }

  /** Adds a target's newly counted errors to its counters. Holds the tally's lock. */
  private void tally(ResourceID id, Interest i, GatewayErrorTally t, long digest) {
    t.digest = digest;
    long minute = Math.floorDiv(clock.instant().getEpochSecond(), 60);
    long[] added =
        t.update(
            minute,
            i.backends(),
            m ->
                io.gatewaydoctor.signals.UpstreamKeys.errors(
                    store.evidence(
                        java.time.Instant.ofEpochSecond(m * 60),
                        Duration.ZERO,
                        i.upstreams(),
                        i.addresses()),
                    i.backends()));
    if (added != null) {
      onErrors.accept(id, added);
    }
  }

  private GatewayEvidence read(
      String namespace,
      String ingress,
      Duration window,
      Set<String> upstreams,
      Set<String> addresses) {
    java.time.Instant now = clock.instant();
    GatewayEvidence e =
        settings.enabled()
            ? store.evidence(now, window, upstreams, addresses)
            : GatewayEvidence.NONE;
    // ingress-nginx's request metrics are per Ingress: a route (ingress null) has none
    return ingress == null
        ? e
        : e.withReturned(namespace, ingress, metrics.returned(namespace, ingress, now, window));
  }

  /** The pods {@link #notUnderstood()} named at the last tick. */
  private java.util.List<String> lastNotUnderstood = java.util.List.of();

  /** When the byte budget last refused a key (null: never), and whether that was said. */
  private volatile java.time.Instant lastRefused;

  private boolean lastDegraded;

  /**
   * Why the gateway evidence is incomplete, or null: the byte budget refused keys within the
   * horizon (those minutes' errors of new upstreams and addresses were not counted).
   */
  String evidenceDegraded() {
    return degraded(store.budget(), lastRefused, clock.instant(), settings.horizon());
  }

  static String degraded(
      io.gatewaydoctor.signals.ByteBudget b,
      java.time.Instant lastRefused,
      java.time.Instant now,
      Duration horizon) {
    if (lastRefused == null || !now.isBefore(lastRefused.plus(horizon))) {
      return null;
    }
    return "The gateway evidence's byte budget ("
        + b.limit()
        + " bytes, gatewaydoctor.gateway-logs.max-bytes) was full at "
        + lastRefused.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        + ": "
        + b.refused()
        + " new upstreams, addresses or samples were not counted since the start, so this verdict"
        + " may miss gateway errors until those minutes leave the horizon ("
        + horizon
        + "); raise the budget or the memory limit";
  }

  private void tick() {
    try {
      // the budget is the request counters' too (scraped with logs off as well)
      long refused = store.budget().refused();
      if (settings.enabled()) {
        syncStreams();
        store.prune(clock.instant());
      }
      if (refused > warnedRefused) {
        if (warnedRefused == 0) {
          LOG.warnf(
              "gateway evidence: the byte budget (%d bytes, gatewaydoctor.gateway-logs.max-bytes)"
                  + " is full; new upstreams, addresses or series are not counted until old"
                  + " minutes leave the horizon (gatewaydoctor_gateway_evidence_refused_total)",
              store.budget().limit());
        }
        warnedRefused = refused;
        lastRefused = clock.instant();
      }
      metrics.round();
      gone.run(); // the registry forgets diagnoses that are gone, here too
      // a gateway pod whose lines stopped (or started) being understood changes a condition of
      // every diagnosis that reads the gateway's evidence, though no evidence changed
      java.util.List<String> unread = notUnderstood();
      boolean degraded = evidenceDegraded() != null;
      // the pods not understood, or the evidence's completeness, changed: a condition of every
      // diagnosis that reads the gateway's evidence changes
      boolean formatChanged = !unread.equals(lastNotUnderstood) || degraded != lastDegraded;
      lastNotUnderstood = unread;
      lastDegraded = degraded;
      for (Map.Entry<ResourceID, Interest> e : interests.entrySet()) {
        ResourceID id = e.getKey();
        if (diagnoses.get(id).isEmpty()) {
          continue;
        }
        Interest i = e.getValue();
        GatewayEvidence now =
            read(i.namespace(), i.ingress(), i.window(), i.upstreams(), i.addresses());
        GatewayErrorTally t = tallies.get(id);
        if (t != null && settings.enabled()) {
          synchronized (t) {
            Interest latest = interests.get(id); // a reconcile may have changed the keys since
            if (latest != null && t.digest != now.digest()) { // new lines, or old ones leaving
              tally(id, latest, t, now.digest());
            }
          }
        }
        java.time.Instant at = clock.instant();
        // what the verdict reads changed: re-evaluate, at most once per min-reevaluation per target
        if (formatChanged) {
          triggered.put(id, at);
          trigger.propagateEvent(id);
        } else if (now.digest() != i.digest()
            && !at.isBefore(
                triggered
                    .getOrDefault(id, java.time.Instant.EPOCH)
                    .plus(settings.minReevaluation()))) {
          triggered.put(id, at);
          trigger.propagateEvent(id);
        }
      }
    } catch (RuntimeException e) {
      LOG.warnf(e, "gateway log tick failed");
    }
  }

  /** One stream per running controller pod, as the pod informer sees them now. */
  private synchronized void syncStreams() {
    if (closed) {
      return;
    }
    // ingress-nginx controllers sort before Envoy proxies ("0/" before "1/"), so proxies of
    // Gateways that tenants create cannot crowd the controllers out of max-streams
    Map<String, Pod> candidates = new java.util.TreeMap<>();
    for (Pod p : gatewayPods.get()) {
      String container = container(p);
      boolean running =
          p.getStatus() != null
              && "Running".equals(p.getStatus().getPhase())
              && p.getMetadata().getDeletionTimestamp() == null;
      if (container != null && running && trusted(p)) {
        candidates.put(
            (nginxContainer(p) != null ? "0/" : "1/")
                + p.getMetadata().getNamespace()
                + "/"
                + p.getMetadata().getName()
                + "/"
                + container,
            p);
      }
    }
    // the streams followed already stay (their resume point with them) and new pods fill what is
    // left, controllers first: a new controller pod takes a slot before any Envoy proxy keeps one
    Map<String, Pod> want = new HashMap<>();
    for (String priority : List.of("0/", "1/")) {
      candidates.forEach(
          (k, p) -> {
            if (k.startsWith(priority)
                && streams.containsKey(k)
                && want.size() < settings.maxStreams()) {
              want.put(k, p);
            }
          });
      candidates.forEach(
          (k, p) -> {
            if (k.startsWith(priority) && want.size() < settings.maxStreams()) {
              want.putIfAbsent(k, p);
            }
          });
    }
    streams
        .entrySet()
        .removeIf(
            s -> {
              if (!want.containsKey(s.getKey())) {
                s.getValue().close();
                PodLogStream.Resume r = s.getValue().resume();
                if (r != null) {
                  resumes.put(s.getKey() + "/" + uids.get(s.getKey()), r);
                }
                uids.remove(s.getKey());
                onStream.accept(s.getValue(), false);
                LOG.infof("stopped following the log of %s", s.getKey().substring(2));
                return true;
              }
              return false;
            });
    for (Map.Entry<String, Pod> w : want.entrySet()) {
      if (!streams.containsKey(w.getKey())) {
        Pod p = w.getValue();
        PodLogStream s =
            new PodLogStream(
                client,
                p.getMetadata().getNamespace(),
                p.getMetadata().getName(),
                container(p),
                store.feed(format(p)),
                settings.backfill());
        // the same pod (by uid: a pod recreated under its name is another log)
        String uid = p.getMetadata().getUid();
        uids.put(w.getKey(), uid);
        s.resumeFrom(resumes.remove(w.getKey() + "/" + uid));
        streams.put(w.getKey(), s);
        onStream.accept(s, true);
        daemon(s, "gateway-doctor-log-" + p.getMetadata().getName()).start();
        LOG.infof("following the log of %s", w.getKey().substring(2));
      }
    }
  }

  /**
   * The access-log format of one controller pod: gatewaydoctor.gateway-logs.log-format when set,
   * else log-format-upstream of the ConfigMap the pod names (--configmap, in a trusted namespace),
   * else ingress-nginx's default. Read when its stream starts.
   */
  private LogFormat format(Pod p) {
    if (format != null && nginxContainer(p) != null) {
      return format;
    }
    if (nginxContainer(p) == null) {
      return null; // an Envoy proxy: its lines are recognised by their shape
    }
    String ref = ControllerConfig.configMapRef(p).orElse(null);
    String text =
        ref == null
            ? null
            : configMaps
                .get(ref)
                .map(cm -> new ControllerConfig(ref, cm.getData(), null))
                .flatMap(IngressNginx.INSTANCE::accessLogFormat)
                .orElse(null);
    if (text == null) {
      return null;
    }
    try {
      LOG.infof(
          "reading the log of %s with log-format-upstream of ConfigMap %s",
          p.getMetadata().getName(), ref);
      return LogFormat.of(text);
    } catch (IllegalArgumentException e) {
      LOG.warnf(
          "log-format-upstream of ConfigMap %s is not usable, reading the default format: %s",
          ref, e.getMessage());
      return null;
    }
  }

  /**
   * A controller pod in a namespace trusted to run controllers
   * (gatewaydoctor.gateway-logs.controller-namespaces).
   */
  boolean trusted(Pod p) {
    return settings.trustsControllerIn(p.getMetadata().getNamespace());
  }

  /**
   * The container of an ingress-nginx controller pod whose log to read, or null for other
   * controllers.
   */
  static String nginxContainer(Pod p) {
    return IngressNginx.INSTANCE.logContainer(p);
  }

  /**
   * The container whose log to read: an ingress-nginx controller's, or an Envoy-based gateway's
   * proxy ({@code envoy}, Istio's {@code istio-proxy}); null for other pods.
   */
  static String container(Pod p) {
    String nginx = nginxContainer(p);
    if (nginx != null) {
      return nginx;
    }
    var configured = io.gatewaydoctor.model.DataPlanes.of(p);
    if (configured.isPresent()) {
      return configured.get().container();
    }
    return io.gatewaydoctor.model.Gateways.dataPlaneOf(p)
        .map(c -> io.gatewaydoctor.gateway.Dialects.of(c).logContainer(p))
        .orElse(null);
  }

  /** The streams followed now (for tests and logs). */
  synchronized Collection<PodLogStream> streams() {
    return java.util.List.copyOf(streams.values());
  }

  /** Lines read before a stream's understanding is judged: a controller's start-up chatter. */
  static final long JUDGED_AFTER = 200;

  /**
   * The followed gateway pods whose lines are hardly understood (at least {@link #JUDGED_AFTER}
   * read, fewer than one in ten an access or upstream-error line): their access-log format is not
   * the one configured, and their traffic counts for no verdict. "ns/pod: 1200 lines read, 3
   * understood", sorted.
   */
  java.util.List<String> notUnderstood() {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (PodLogStream s : streams()) {
      long read = s.lines;
      long counted = s.counted;
      if (read >= JUDGED_AFTER && counted * 10 < read) {
        out.add(
            s.namespace + "/" + s.pod + ": " + read + " lines read, " + counted + " understood");
      }
    }
    java.util.Collections.sort(out);
    return out;
  }

  EvidenceStore store() {
    return store;
  }

  @Override
  public synchronized void close() {
    closed = true;
    tick.shutdownNow();
    metrics.close();
    streams
        .values()
        .forEach(
            st -> {
              st.close();
              onStream.accept(st, false);
            });
    streams.clear();
    if (ownClient) {
      client.close();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
