package io.gatewaydoctor.evaluation;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Analyzer;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Health;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.gateway.Dialects;
import io.gatewaydoctor.history.ChainBaseline;
import io.gatewaydoctor.history.Drift;
import io.gatewaydoctor.model.ChainResolver;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.Target;
import io.gatewaydoctor.model.TargetChain;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.remediation.Plan;
import io.gatewaydoctor.remediation.RemediationPolicy;
import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.UpstreamKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one evaluation of a target, pure: (target, cluster view, probe evidence, gateway evidence,
 * baseline, policy, instant) → diagnosis with its plans. The operator, {@code analyze}, the demo
 * (through the operator) and the scenario tests all run it; what differs between them is only where
 * the inputs come from. Two steps, because the evidence a caller gathers depends on the chain:
 * {@link #resolve} the target, gather evidence for {@link Resolved#upstreams()} and {@link
 * Resolved#addresses()}, then {@link #evaluate}.
 */
public final class Pipeline {
  private static final Analyzer ANALYZER = new Analyzer();

  private Pipeline() {}

  /** A resolved target: its chain in the cluster view, and what its evidence is keyed by. */
  public record Resolved(TargetChain chain, ClusterSnapshot cluster) {
    public ResourceRef ref() {
      return chain.target().ref();
    }

    /** The gateway's upstream names of the target's backends. */
    public Set<String> upstreams() {
      Set<String> out = new HashSet<>();
      chain
          .backends()
          .forEach(
              b ->
                  Dialects.of(chain.target()).upstreams(chain.target(), b, cluster).stream()
                      .forEach(u -> out.add(u.name())));
      return out;
    }

    /**
     * What the gateway's lines of each backend are keyed by: the attribution the verdict uses, for
     * the operator's error counters.
     */
    public List<UpstreamKeys> backendKeys() {
      return chain.backends().stream().map(b -> AnalysisContext.keys(chain, cluster, b)).toList();
    }

    /** The endpoint addresses (ip:port) of the target's backends. */
    public Set<String> addresses() {
      Set<String> out = new HashSet<>();
      for (var b : chain.backends()) {
        Endpoint.of(b).stream()
            .filter(e -> e.ip() != null && e.port() != null)
            .forEach(e -> out.add(e.address()));
      }
      return out;
    }
  }

  /**
   * What one evaluation read besides the target. {@code baseline} is the chain as recorded when it
   * last worked (the operator: a Healthy verdict replaces it, so a Healthy target has no drift) or
   * as the user gave it ({@code baselineGiven}, analyze --baseline: what changed is shown even on a
   * Healthy target, as information).
   */
  public record Inputs(
      ProbeEvidence probes,
      GatewayEvidence gateway,
      Map<String, String> baseline,
      boolean baselineGiven,
      RemediationPolicy policy,
      Instant now,
      Duration window) {
    public Inputs {
      probes = probes == null ? ProbeEvidence.NONE : probes;
      gateway = gateway == null ? GatewayEvidence.NONE : gateway;
    }
  }

  /**
   * The verdict; {@code fields} is the chain as a baseline would record it (taken once), {@code
   * servedBy} the revisions serving it, {@code plans} the typed remediations the verdict's findings
   * carry.
   */
  public record Result(
      Diagnosis diagnosis, Map<String, String> fields, List<String> servedBy, List<Plan> plans) {}

  public static Resolved resolve(Ingress ingress, ClusterSnapshot cluster) {
    return new Resolved(ChainResolver.resolve(ingress, cluster), cluster);
  }

  /** Any target (an HTTPRoute through {@code model.HTTPRouteTargets}). */
  public static Resolved resolve(Target target, ClusterSnapshot cluster) {
    return new Resolved(ChainResolver.resolve(target, cluster), cluster);
  }

  public static Result evaluate(Resolved t, Inputs in) {
    Map<String, String> fields = ChainBaseline.of(t.chain(), t.cluster());
    Diagnosis d;
    if (in.baselineGiven() && in.baseline() != null) {
      d =
          ANALYZER.analyze(
              t.chain(),
              t.cluster(),
              in.now(),
              in.window(),
              in.probes(),
              in.gateway(),
              Drift.between(in.baseline(), fields, t.chain(), t.cluster()));
      d = withPolicy(d, in.policy(), t.ref());
      return new Result(d, fields, ChainBaseline.servedBy(t.chain()), Plan.of(d));
    }
    d = ANALYZER.analyze(t.chain(), t.cluster(), in.now(), in.window(), in.probes(), in.gateway());
    if (d.health() == Health.Healthy) {
      // Healthy: the chain becomes the baseline, so nothing has drifted from it
      d =
          new Diagnosis(
              d.target(),
              d.health(),
              d.rootCause(),
              d.summary(),
              d.findings(),
              d.backends(),
              d.errorRate(),
              d.gatewayErrors(),
              List.of());
    } else if (in.baseline() != null) {
      // in trouble: what changed since it was last Healthy
      d =
          ANALYZER.analyze(
              t.chain(),
              t.cluster(),
              in.now(),
              in.window(),
              in.probes(),
              in.gateway(),
              Drift.between(in.baseline(), fields, t.chain(), t.cluster()));
    }
    d = withPolicy(d, in.policy(), t.ref());
    return new Result(d, fields, ChainBaseline.servedBy(t.chain()), Plan.of(d));
  }

  /** The diagnosis with the finding of a malformed remediation policy, when it is one. */
  public static Diagnosis withPolicy(Diagnosis d, RemediationPolicy policy, ResourceRef target) {
    return policy == null || policy.error() == null ? d : d.plus(policy.finding(target));
  }
}
