package io.gatewaydoctor.analysis;

import io.gatewaydoctor.api.DriftEntry;
import io.gatewaydoctor.gateway.Dialects;
import io.gatewaydoctor.gateway.GatewayDialect;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.TargetChain;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.UpstreamKeys;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything a rule may look at. {@code now} is the evaluation instant: rules never read a clock.
 * {@code probes} is what the prober saw ({@link ProbeEvidence#NONE} when nothing was probed),
 * {@code gateway} what the gateway's logs say ({@link GatewayEvidence#NONE} without logs), {@code
 * drift} what changed on the chain against a baseline (empty without one).
 */
public record AnalysisContext(
    TargetChain chain,
    ClusterSnapshot cluster,
    Instant now,
    Duration window,
    ProbeEvidence probes,
    GatewayEvidence gateway,
    java.util.List<DriftEntry> drift) {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

  public AnalysisContext {
    probes = probes == null ? ProbeEvidence.NONE : probes;
    gateway = gateway == null ? GatewayEvidence.NONE : gateway;
    drift = drift == null ? java.util.List.of() : java.util.List.copyOf(drift);
  }

  public AnalysisContext(
      TargetChain chain,
      ClusterSnapshot cluster,
      Instant now,
      Duration window,
      ProbeEvidence probes,
      GatewayEvidence gateway) {
    this(chain, cluster, now, window, probes, gateway, null);
  }

  /**
   * The gateway's counters of a backend's upstream ({@code <ns>-<service>-<port>}), or null. When
   * another namespace could produce the same name ({@code team-a}/{@code api} and {@code
   * team}/{@code a-api} both make {@code team-a-api-80}), only the lines whose last try went to one
   * of this backend's endpoints or its ClusterIP count: another namespace's traffic never becomes
   * this target's evidence. The price: errors at pods that have left (a rollout) are not charged to
   * it either, nor lines that reached no pod at all.
   */
  public GatewayEvidence.Counts upstream(ResolvedBackend b) {
    return keys(chain, cluster, b).in(gateway);
  }

  /** What the gateway's lines of one backend of the chain are keyed by (see {@link #upstream}). */
  public static UpstreamKeys keys(TargetChain chain, ClusterSnapshot cluster, ResolvedBackend b) {
    java.util.Map<String, Boolean> names = new java.util.LinkedHashMap<>();
    for (GatewayDialect.Upstream u :
        Dialects.of(chain.target()).upstreams(chain.target(), b, cluster)) {
      names.merge(u.name(), u.whole(), Boolean::logicalAnd);
    }
    // only needed where a name is shared: then the lines that reached this backend count
    return new UpstreamKeys(
        names, names.containsValue(false) ? Endpoint.addressesOf(b) : java.util.Set.of());
  }

  /** The dialect of the gateway that serves the target: its setting names and defaults. */
  public GatewayDialect dialect() {
    return Dialects.of(chain.target());
  }

  public boolean isRecent(Instant t) {
    return t != null && !t.isBefore(now.minus(window));
  }
}
