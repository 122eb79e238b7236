package io.gatewaydoctor.operator;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The one registry of per-target state the operator keeps outside the status (probe rounds, log
 * interests, timelines, remediation slots, metrics): every holder registers its {@link
 * Holder#forget}, every reconcile marks its diagnosis {@link #seen}, and one {@link #sweep} forgets
 * a diagnosis that is gone everywhere at once.
 */
final class TargetStates {
  /** State kept per diagnosis. */
  interface Holder {
    void forget(ResourceID id);
  }

  private final List<Holder> holders = new CopyOnWriteArrayList<>();
  private final Set<ResourceID> known = ConcurrentHashMap.newKeySet();

  TargetStates register(Holder h) {
    holders.add(h);
    return this;
  }

  /** A diagnosis the operator holds state for. */
  void seen(ResourceID id) {
    known.add(id);
  }

  /** Forgets a diagnosis that is gone, in every holder. */
  void forget(ResourceID id) {
    known.remove(id);
    holders.forEach(h -> h.forget(id));
  }

  /** Forgets every diagnosis seen that no longer {@code exists}. */
  void sweep(Predicate<ResourceID> exists) {
    for (ResourceID id : List.copyOf(known)) {
      if (!exists.test(id)) {
        forget(id);
      }
    }
  }

  /** Whether the operator holds state for this diagnosis (tests). */
  boolean tracks(ResourceID id) {
    return known.contains(id);
  }
}
