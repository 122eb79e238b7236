package io.gatewaydoctor.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The operator's probe settings ({@code gatewaydoctor.probe.*}, see application.properties and the
 * README).
 */
@ConfigMapping(prefix = "gatewaydoctor.probe")
public interface ProbeSettings {
  /** Probes at all, for every target (per target: spec.probe.enabled). */
  @WithDefault("true")
  boolean enabled();

  /** Probes in flight at once, all targets together. */
  @WithDefault("64")
  int concurrency();

  /** Targets probed at once. */
  @WithDefault("8")
  int targetsAtOnce();

  /**
   * The gateway's idle upstream keep-alive timeout, overriding what the controller's ConfigMap says
   * (ingress-nginx upstream-keepalive-timeout; 60 s when neither says).
   */
  java.util.Optional<Duration> upstreamKeepaliveTimeout();

  /**
   * Addresses the prober may reach although they are not provably pods of the referenced Service
   * (selectorless Services, hand-made or mirrored EndpointSlices). Empty by default; link-local and
   * cloud metadata addresses are never probed whatever this says.
   */
  java.util.Optional<java.util.List<String>> allowedCidrs();

  /** How often, per target, to measure the backends' idle keep-alive timeout. */
  @WithDefault("PT5M")
  Duration keepaliveEvery();
}
