package io.gatewaydoctor.operator;

import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurationServiceCustomizer;
import io.quarkus.arc.Unremovable;
import jakarta.inject.Singleton;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reconciles for a change jump the queue (#23): the diagnoses' controller runs its reconciles on a
 * {@link ChangeFirstExecutor} (QOSDK hands this customised configuration to configurable
 * reconcilers: DiagnosisReconciler is one; the other controllers keep JOSDK's executor), and an
 * event of a watched object (a Service, an EndpointSlice, a Pod, ...) that maps to a target already
 * evaluated since the start marks that target as changed. The first evaluations after a start,
 * probe rounds, log ticks and periodic resyncs are routine work, and wait behind it. {@code
 * gatewaydoctor.reconcile.changes-first=false} keeps JOSDK's own executor (one queue, first come
 * first served).
 */
@Singleton
@Unremovable
public class ChangeFirst implements ConfigurationServiceCustomizer {
  @ConfigProperty(name = "gatewaydoctor.reconcile.changes-first", defaultValue = "true")
  boolean enabled;

  /** JOSDK's setting of the same name; 50 when unset, as JOSDK's own default. */
  @ConfigProperty(name = "quarkus.operator-sdk.concurrent-reconciliation-threads")
  Optional<Integer> threads;

  private volatile ChangeFirstExecutor executor;

  /** Targets evaluated since the start: a change is a change only for those. */
  private final Set<ResourceID> evaluated = ConcurrentHashMap.newKeySet();

  @Override
  public Consumer<ConfigurationServiceOverrider> overrider() {
    return o -> {
      if (enabled) {
        executor = newExecutor(threads.orElse(50));
        o.withExecutorService(executor);
      }
    };
  }

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
      }
    }
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
  private static volatile boolean unreadable;

  /**
   * The target of a JOSDK reconcile task (its private {@code resourceID}); null for anything else,
   * or when a JOSDK version keeps it elsewhere: such work is then routine, first come first served.
   */
  static Object targetOf(Runnable task) {
    if (unreadable || !task.getClass().getName().equals(RECONCILER_EXECUTOR)) {
      return null;
    }
    try {
      Field f = resourceId;
      if (f == null) {
        f = task.getClass().getDeclaredField("resourceID");
        f.setAccessible(true);
        resourceId = f;
      }
      Object id = f.get(task);
      return id instanceof ResourceID ? id : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      unreadable = true;
      return null;
    }
  }
}
