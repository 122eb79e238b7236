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
 * {@code gateway} what the gateway's logs say ({@link GatewayEvidence#NONE} without logs),
 * {@code drift} what changed on the chain against a baseline (empty without one).
 */
public record AnalysisContext(TargetChain chain, ClusterSnapshot cluster, Instant now, Duration window, ProbeEvidence probes,
    GatewayEvidence gateway, java.util.List<io.gatewaydoctor.api.DriftEntry> drift) {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

  public AnalysisContext {
    probes = probes == null ? ProbeEvidence.NONE : probes;
    gateway = gateway == null ? GatewayEvidence.NONE : gateway;
    drift = drift == null ? java.util.List.of() : java.util.List.copyOf(drift);
  }

  public AnalysisContext(TargetChain chain, ClusterSnapshot cluster, Instant now, Duration window, ProbeEvidence probes,
      GatewayEvidence gateway) {
    this(chain, cluster, now, window, probes, gateway, null);
  }

  /** The gateway's counters of a backend's upstream ({@code <ns>-<service>-<port>}), or null. */
  public GatewayEvidence.Counts upstream(io.gatewaydoctor.model.ResolvedBackend b) {
    return gateway.upstream(GatewayEvidence.upstreamName(b.namespace(), b.ref().service(), b.ref().portLabel()));
  }

  public boolean isRecent(Instant t) {
    return t != null && !t.isBefore(now.minus(window));
  }
}
