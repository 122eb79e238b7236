package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * The newest instant recorded in a set of objects (creation and managedFields times, pod conditions
 * and container states, Event times): the evaluation instant of an offline dump, so that "within
 * the window" means "shortly before the dump was taken". Pure.
 */
public final class Newest {
  private Instant newest;

  private Newest() {}

  public static Optional<Instant> in(Collection<? extends HasMetadata> objects) {
    Newest n = new Newest();
    for (HasMetadata o : objects) {
      if (o == null || o.getMetadata() == null) {
        continue;
      }
      n.see(o.getMetadata().getCreationTimestamp());
      // not deletionTimestamp: it is the deletion request plus the grace period, in the future
      if (o.getMetadata().getManagedFields() != null) {
        for (ManagedFieldsEntry m : o.getMetadata().getManagedFields()) {
          n.see(m == null ? null : m.getTime());
        }
      }
      if (o instanceof Pod p && p.getStatus() != null) {
        if (p.getStatus().getConditions() != null) {
          for (PodCondition c : p.getStatus().getConditions()) {
            n.see(c == null ? null : c.getLastTransitionTime());
          }
        }
        for (ContainerStatus cs : Pods.containerStatuses(p)) {
          if (cs != null) {
            n.state(cs.getState());
            n.state(cs.getLastState());
          }
        }
      } else if (o instanceof Event e) {
        n.see(e.getLastTimestamp());
        n.see(e.getFirstTimestamp());
        n.see(e.getEventTime() == null ? null : e.getEventTime().getTime());
      }
    }
    return Optional.ofNullable(n.newest);
  }

  private void state(ContainerState s) {
    if (s == null) {
      return;
    }
    if (s.getRunning() != null) {
      see(s.getRunning().getStartedAt());
    }
    if (s.getTerminated() != null) {
      see(s.getTerminated().getStartedAt());
      see(s.getTerminated().getFinishedAt());
    }
  }

  private String newestText;

  private void see(String ts) {
    if (ts == null) {
      return;
    }
    // the API server's canonical form (2026-12-01T11:58:30Z) orders as text: parse only what may be
    // newer
    boolean canonical = ts.length() == 20 && ts.charAt(19) == 'Z';
    if (canonical && newestText != null && ts.compareTo(newestText) <= 0) {
      return;
    }
    Instant t = Times.parse(ts);
    if (canonical && t != null && (newest == null || !t.isBefore(newest))) {
      newestText = ts;
    }
    if (t != null && (newest == null || t.isAfter(newest))) {
      newest = t;
    }
  }
}
