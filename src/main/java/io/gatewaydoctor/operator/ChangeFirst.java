package io.gatewaydoctor.operator;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quarkus.arc.Unremovable;
import jakarta.inject.Singleton;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reconciles for a change jump the queue (#23): the operator's reconciles run on a {@link
 * ChangeFirstExecutor}, and an event of a watched object (a Service, an EndpointSlice, a Pod, ...)
 * that maps to a target already evaluated since the start marks that target as changed. The first
 * evaluations after a start, probe rounds, log ticks and periodic resyncs are routine work, and
 * wait behind it. {@code gatewaydoctor.reconcile.changes-first=false} keeps JOSDK's own executor
 * (one queue, first come first served).
 *
 * <p>Put in place of JOSDK's reconcile executor just before QOSDK starts the operator. Not through
 * QOSDK's {@code ConfigurationServiceCustomizer}: its customised configuration builds a Kubernetes
 * client for every resource JOSDK clones, which cost each start 80% more CPU (docs/benchmarks.md).
 */
@Singleton
@Unremovable
public class ChangeFirst {
  @ConfigProperty(name = "gatewaydoctor.reconcile.changes-first", defaultValue = "true")
  boolean enabled;

  /** JOSDK's setting of the same name; 50 when unset, as JOSDK's own default. */
  @ConfigProperty(name = "quarkus.operator-sdk.concurrent-reconciliation-threads")
  Optional<Integer> threads;

  /** Looked up only where the operator runs (a command-line run never builds it). */
  @jakarta.inject.Inject
  jakarta.enterprise.inject.Instance<io.quarkiverse.operatorsdk.runtime.QuarkusConfigurationService>
      configs;

  private volatile ChangeFirstExecutor executor;

  /**
   * Before QOSDK's own start of the operator (its observer's priority is 3123), when JOSDK's
   * controllers have not yet taken their executor: JOSDK's reconcile executor (started, never used
   * yet) is put aside for this one. JOSDK keeps it in a private field; should a version keep it
   * elsewhere, JOSDK's own executor stays and a warning says so.
   */
  void install(
      @jakarta.enterprise.event.Observes @jakarta.annotation.Priority(3000)
          io.quarkus.runtime.StartupEvent start) {
    if (!enabled) {
      return;
    }
    var config = configs.get();
    if (!config.shouldStartOperator()) {
      return;
    }
    ChangeFirstExecutor e = newExecutor(threads.orElse(50));
    try {
      var manager = config.getExecutorServiceManager();
      Field f =
          io.javaoperatorsdk.operator.api.config.ExecutorServiceManager.class.getDeclaredField(
              "executor");
      f.setAccessible(true);
      Object before = f.get(manager);
      if (!(before instanceof java.util.concurrent.ExecutorService old)) {
        throw new IllegalStateException("JOSDK's executor manager is not started");
      }
      f.set(manager, e);
      old.shutdown();
      executor = e;
    } catch (ReflectiveOperationException | RuntimeException x) {
      e.shutdown();
      org.jboss.logging.Logger.getLogger(ChangeFirst.class)
          .warnf("reconciles for a change cannot go first (JOSDK's executor kept): %s", x);
    }
  }

  /** Targets evaluated since the start: a change is a change only for those. */
  private final Set<ResourceID> evaluated = ConcurrentHashMap.newKeySet();

  static ChangeFirstExecutor newExecutor(int threads) {
    AtomicInteger n = new AtomicInteger();
    return new ChangeFirstExecutor(
        Math.max(1, threads),
        ChangeFirst::targetOf,
        r -> {
          Thread t = new Thread(r, "reconcile-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** A target was evaluated: from now on its objects' events are changes. */
  void evaluated(ResourceID id) {
    evaluated.add(id);
  }

  /** Events of watched objects mapped to these targets. */
  void changed(Set<ResourceID> ids) {
    ChangeFirstExecutor e = executor;
    if (e == null) {
      return;
    }
    for (ResourceID id : ids) {
      if (evaluated.contains(id)) {
        changesOf.merge(id, 1L, Long::sum);
        e.changed(id);
        onChange.accept(id);
      }
    }
  }

  private volatile java.util.function.Consumer<ResourceID> onChange = id -> {};

  /** Told each changed target too (the prober: its next round goes first, its results are old). */
  void onChange(java.util.function.Consumer<ResourceID> c) {
    this.onChange = c;
  }

  /** Changes seen per evaluated target (tests; forgotten with the target). */
  private final java.util.Map<ResourceID, Long> changesOf = new ConcurrentHashMap<>();

  long changesOf(ResourceID id) {
    return changesOf.getOrDefault(id, 0L);
  }

  void forget(ResourceID id) {
    evaluated.remove(id);
    changesOf.remove(id);
    ChangeFirstExecutor e = executor;
    if (e != null) {
      e.forget(id);
    }
  }

  /** The executor in use, or null (tests). */
  ChangeFirstExecutor executor() {
    return executor;
  }

  private static final String RECONCILER_EXECUTOR =
      "io.javaoperatorsdk.operator.processing.event.EventProcessor$ReconcilerExecutor";
  private static volatile Field resourceId;
  private static volatile Field scope;
  private static volatile Field scopeResource;
  private static volatile boolean unreadable;

  /**
   * The target of a JOSDK reconcile task of a diagnosis (its private {@code resourceID}); null for
   * anything else (the other controllers' work: an Ingress has the name of its diagnosis, and must
   * not spend its mark), or when a JOSDK version keeps these elsewhere: such work is then routine,
   * first come first served.
   */
  static Object targetOf(Runnable task) {
    if (unreadable || !task.getClass().getName().equals(RECONCILER_EXECUTOR)) {
      return null;
    }
    try {
      if (resourceId == null) {
        Field id = task.getClass().getDeclaredField("resourceID");
        Field sc = task.getClass().getDeclaredField("executionScope");
        id.setAccessible(true);
        sc.setAccessible(true);
        Field r = sc.getType().getDeclaredField("resource");
        r.setAccessible(true);
        scope = sc;
        scopeResource = r;
        resourceId = id;
      }
      Object sc = scope.get(task);
      Object resource = sc == null ? null : scopeResource.get(sc);
      if (!(resource instanceof io.gatewaydoctor.api.GatewayDiagnosis)) {
        return null;
      }
      Object id = resourceId.get(task);
      return id instanceof ResourceID ? id : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      unreadable = true;
      return null;
    }
  }
}
