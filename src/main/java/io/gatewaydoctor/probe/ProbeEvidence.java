package io.gatewaydoctor.probe;

import io.gatewaydoctor.model.Endpoint;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the prober saw, as the analysis reads it: one probe per endpoint address ("ip:port"), and
 * for a refused endpoint the probes of the pod's other declared ports. Immutable.
 */
public final class ProbeEvidence {
  public static final ProbeEvidence NONE = new ProbeEvidence(Map.of(), Map.of());

  /** ingress-nginx's default upstream-keepalive-timeout. */
  public static final java.time.Duration DEFAULT_GATEWAY_KEEPALIVE =
      java.time.Duration.ofSeconds(60);

  private final Map<String, Probe> byAddress;
  private final Map<String, List<Probe>> alternates;
  private final Map<String, KeepAlive> keepAlive;
  private final java.time.Duration gatewayKeepAlive;
  private final java.time.Instant takenAt;
  private final List<Probe> routed;
  private final Map<String, String> skipped;

  public ProbeEvidence(Map<String, Probe> byAddress, Map<String, List<Probe>> alternates) {
    this(byAddress, alternates, Map.of(), DEFAULT_GATEWAY_KEEPALIVE);
  }

  /**
   * @param keepAlive idle keep-alive measurements by endpoint address
   * @param gatewayKeepAlive how long the gateway keeps idle upstream connections for reuse
   */
  public ProbeEvidence(
      Map<String, Probe> byAddress,
      Map<String, List<Probe>> alternates,
      Map<String, KeepAlive> keepAlive,
      java.time.Duration gatewayKeepAlive) {
    this(byAddress, alternates, keepAlive, gatewayKeepAlive, null, List.of(), Map.of());
  }

  private ProbeEvidence(
      Map<String, Probe> byAddress,
      Map<String, List<Probe>> alternates,
      Map<String, KeepAlive> keepAlive,
      java.time.Duration gatewayKeepAlive,
      java.time.Instant takenAt,
      List<Probe> routed,
      Map<String, String> skipped) {
    this.routed = List.copyOf(routed);
    this.skipped = Map.copyOf(skipped);
    this.byAddress = Map.copyOf(byAddress);
    this.alternates = Map.copyOf(alternates);
    this.keepAlive = Map.copyOf(keepAlive);
    this.gatewayKeepAlive = gatewayKeepAlive;
    this.takenAt = takenAt;
  }

  /** The same probes with these keep-alive measurements. */
  public ProbeEvidence withKeepAlive(Map<String, KeepAlive> measured, java.time.Duration gateway) {
    return new ProbeEvidence(byAddress, alternates, measured, gateway, takenAt, routed, skipped);
  }

  /** The same evidence, stamped with when its round ran. */
  public ProbeEvidence takenAt(java.time.Instant at) {
    return new ProbeEvidence(
        byAddress, alternates, keepAlive, gatewayKeepAlive, at, routed, skipped);
  }

  /**
   * The same evidence with the probes of routed paths (one ready endpoint per backend, the
   * gateway's read timeout).
   */
  public ProbeEvidence withRouted(List<Probe> probes) {
    return new ProbeEvidence(
        byAddress, alternates, keepAlive, gatewayKeepAlive, takenAt, probes, skipped);
  }

  /**
   * The same evidence with the endpoints that were not probed, and why (not provably pods of their
   * Service).
   */
  public ProbeEvidence withSkipped(Map<String, String> why) {
    return new ProbeEvidence(
        byAddress, alternates, keepAlive, gatewayKeepAlive, takenAt, routed, why);
  }

  /** Every endpoint that was not probed, and why. */
  public Map<String, String> skipped() {
    return skipped;
  }

  /**
   * Nothing probed, only what was not probed and why (when nothing at all was reached, the probes
   * say nothing).
   */
  public ProbeEvidence skippedOnly() {
    return NONE.withSkipped(skipped);
  }

  /** Why an endpoint ("ip:port") was not probed, or null. */
  public String skipped(String address) {
    return skipped.get(address);
  }

  /** Probes of the literal paths the Ingress routes, beside the readiness path of {@link #at}. */
  public List<Probe> routed() {
    return routed;
  }

  /** When the probes ran; null when not known (then the evaluation instant stands in). */
  public java.time.Instant takenAt() {
    return takenAt;
  }

  public Optional<KeepAlive> keepAlive(String ip, Integer port) {
    return ip == null || port == null
        ? Optional.empty()
        : Optional.ofNullable(keepAlive.get(Endpoint.address(ip, port)));
  }

  public Map<String, KeepAlive> keepAlives() {
    return keepAlive;
  }

  public java.time.Duration gatewayKeepAlive() {
    return gatewayKeepAlive;
  }

  public static ProbeEvidence of(Collection<Probe> probes) {
    Map<String, Probe> m = new LinkedHashMap<>();
    probes.forEach(p -> m.put(p.key(), p));
    return new ProbeEvidence(m, Map.of());
  }

  public boolean isEmpty() {
    return byAddress.isEmpty();
  }

  /**
   * Whether any endpoint answered at all (even with a refusal). When none did, the pod network is
   * most likely not routable from where the prober runs, and the results say nothing about the
   * pods.
   */
  public boolean reachedAny() {
    return byAddress.values().stream()
        .anyMatch(p -> p.outcome() != Outcome.connectTimeout && p.outcome() != Outcome.error);
  }

  public Optional<Probe> at(String ip, Integer port) {
    return ip == null || port == null
        ? Optional.empty()
        : Optional.ofNullable(byAddress.get(Endpoint.address(ip, port)));
  }

  /** Probes of the same pod on its other containerPorts, when the endpoint refused. */
  public List<Probe> alternates(String address) {
    return alternates.getOrDefault(address, List.of());
  }

  public Collection<Probe> all() {
    return byAddress.values();
  }
}
