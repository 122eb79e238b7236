package io.gatewaydoctor.analysis;

import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.TargetChain;
import io.gatewaydoctor.probe.ProbeEvidence;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything a rule may look at. {@code now} is the evaluation instant: rules never read a clock.
 * {@code probes} is what the prober saw ({@link ProbeEvidence#NONE} when nothing was probed).
 */
public record AnalysisContext(TargetChain chain, ClusterSnapshot cluster, Instant now, Duration window, ProbeEvidence probes) {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

  public AnalysisContext {
    probes = probes == null ? ProbeEvidence.NONE : probes;
  }

  public boolean isRecent(Instant t) {
    return t != null && !t.isBefore(now.minus(window));
  }
}
