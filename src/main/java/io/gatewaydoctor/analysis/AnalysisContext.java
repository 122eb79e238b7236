package io.gatewaydoctor.analysis;

import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.TargetChain;
import java.time.Duration;
import java.time.Instant;

/** Everything a rule may look at. {@code now} is the evaluation instant: rules never read a clock. */
public record AnalysisContext(TargetChain chain, ClusterSnapshot cluster, Instant now, Duration window) {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

  public boolean isRecent(Instant t) {
    return t != null && !t.isBefore(now.minus(window));
  }
}
