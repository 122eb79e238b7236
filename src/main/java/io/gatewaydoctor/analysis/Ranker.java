package io.gatewaydoctor.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Orders findings and picks the root cause: causes before risks before information; within those,
 * Critical before Warning, then the catalogue order of {@link Code} (a config-chain cause before
 * the symptoms it explains, e.g. TargetPortMismatch before NoReadyEndpoints).
 */
public final class Ranker {
  private Ranker() {}

  public static final Comparator<RuleFinding> ORDER = Comparator
      .comparing((RuleFinding f) -> f.code().kind())
      .thenComparing(RuleFinding::severity)
      .thenComparing(RuleFinding::code);

  public static List<RuleFinding> rank(List<RuleFinding> findings) {
    List<RuleFinding> sorted = new ArrayList<>(findings);
    sorted.sort(ORDER);
    return sorted;
  }

  /** The root cause among ranked findings: the first cause that is at least a Warning. */
  public static Optional<RuleFinding> root(List<RuleFinding> ranked) {
    return ranked.stream().filter(f -> f.code().isCause() && f.severity().atLeast(Severity.Warning)).findFirst();
  }

  public static Health health(List<RuleFinding> ranked, boolean anythingDiagnosed) {
    Optional<RuleFinding> root = root(ranked);
    if (root.isPresent()) {
      return root.get().severity() == Severity.Critical ? Health.Failing : Health.Degraded;
    }
    return anythingDiagnosed ? Health.Healthy : Health.Unknown;
  }
}
