package io.gatewaydoctor.analysis;

import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.TargetChain;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything a rule may look at. {@code now} is the evaluation instant: rules never read a clock.
 * {@code probes} is what the prober saw ({@link ProbeEvidence#NONE} when nothing was probed),
 * {@code gateway} what the gateway's logs say ({@link GatewayEvidence#NONE} without logs).
 */
public record AnalysisContext(TargetChain chain, ClusterSnapshot cluster, Instant now, Duration window, ProbeEvidence probes,
    GatewayEvidence gateway) {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

  public AnalysisContext {
    probes = probes == null ? ProbeEvidence.NONE : probes;
    gateway = gateway == null ? GatewayEvidence.NONE : gateway;
  }

  /** The gateway's counters of a backend's upstream ({@code <ns>-<service>-<port>}), or null. */
  public GatewayEvidence.Counts upstream(io.gatewaydoctor.model.ResolvedBackend b) {
    return gateway.upstream(GatewayEvidence.upstreamName(b.namespace(), b.ref().service(), b.ref().portLabel()));
  }

  public boolean isRecent(Instant t) {
    return t != null && !t.isBefore(now.minus(window));
  }
}
