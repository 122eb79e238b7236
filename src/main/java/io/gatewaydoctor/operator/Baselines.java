package io.gatewaydoctor.operator;

import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Health;
import io.gatewaydoctor.api.Baseline;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which baseline a status carries next: while the target is Healthy, the chain as it is now (with
 * the time it was first seen so, kept while it stays the same); otherwise the one of when it was
 * last Healthy, unchanged. It lives in the status, so an operator restart keeps it.
 */
final class Baselines {
  private Baselines() {}

  static Baseline next(
      Baseline previous,
      Diagnosis d,
      Map<String, String> picture,
      java.util.List<String> servedBy,
      Instant now) {
    if (picture == null || d.health() != Health.Healthy) {
      return previous;
    }
    boolean sameFields = previous != null && Objects.equals(previous.fields, picture);
    if (sameFields && Objects.equals(previous.servedBy, servedBy)) {
      return previous;
    }
    Baseline b = new Baseline();
    b.recordedAt = sameFields ? previous.recordedAt : now.toString();
    b.fields = new TreeMap<>(picture);
    b.servedBy = servedBy;
    return b;
  }
}
