package io.gatewaydoctor.history;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.gatewaydoctor.api.DriftEntry;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.TargetChain;
import io.gatewaydoctor.model.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The fields of a target's chain that changed against a baseline picture ({@link ChainBaseline}),
 * each with the time it changed where the object says so: the newest write in its managedFields (a
 * whole-object time: which field a manager wrote is not kept), else its creation when the object is
 * new. Ordered by time, oldest first; at most {@link #MAX} entries. Pure.
 */
public final class Drift {
  public static final int MAX = 20;

  private Drift() {}

  public static List<DriftEntry> between(
      Map<String, String> baseline, TargetChain chain, ClusterSnapshot cluster) {
    return between(baseline, ChainBaseline.of(chain, cluster), chain, cluster);
  }

  /** The same, with the chain's current picture taken already. */
  public static List<DriftEntry> between(
      Map<String, String> baseline,
      Map<String, String> now,
      TargetChain chain,
      ClusterSnapshot cluster) {
    Map<String, HasMetadata> objects = ChainBaseline.objects(chain, cluster);
    List<DriftEntry> out = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(baseline.keySet());
    keys.addAll(now.keySet());
    for (String k : keys) {
      String from = baseline.get(k);
      String to = now.get(k);
      if (java.util.Objects.equals(from, to)) {
        continue;
      }
      DriftEntry e = new DriftEntry();
      e.resource = ChainBaseline.resource(k);
      e.field = ChainBaseline.field(k);
      e.from = from == null ? "(none)" : from;
      e.to = to == null ? "(none)" : to;
      Instant at = changedAt(objects.get(e.resource), from == null);
      e.changedAt = at == null ? null : at.toString();
      out.add(e);
    }
    out.sort(
        java.util.Comparator.comparing((DriftEntry e) -> e.changedAt == null ? "~" : e.changedAt)
            .thenComparing(e -> e.resource)
            .thenComparing(e -> e.field));
    return out.size() > MAX ? new ArrayList<>(out.subList(0, MAX)) : out;
  }

  /** The newest write of the object (managedFields), else its creation when the field is new. */
  static Instant changedAt(HasMetadata o, boolean added) {
    if (o == null) {
      return null;
    }
    Instant newest = null;
    List<ManagedFieldsEntry> mf = o.getMetadata().getManagedFields();
    if (mf != null) {
      for (ManagedFieldsEntry m : mf) {
        Instant t = Times.parse(m.getTime());
        if (t != null
            && (m.getSubresource() == null || m.getSubresource().isEmpty())
            && (newest == null || t.isAfter(newest))) {
          newest = t;
        }
      }
    }
    if (newest == null && added) {
      newest = Times.parse(o.getMetadata().getCreationTimestamp());
    }
    return newest;
  }

  /** One line: "Service shop/web spec.ports[80].targetPort http → 8081 (changed 12:03:10)". */
  public static String describe(DriftEntry e) {
    String v =
        e.from.startsWith("sha256:")
                || e.to.startsWith("sha256:")
                || e.from.length() + e.to.length() > 120
            ? "changed"
            : e.from + " → " + e.to;
    return e.resource
        + " "
        + e.field
        + " "
        + v
        + (e.changedAt == null ? "" : " (changed " + e.changedAt + ")");
  }
}
