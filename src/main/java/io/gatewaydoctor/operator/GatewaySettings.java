package io.gatewaydoctor.operator;

import io.gatewaydoctor.model.ClusterSnapshot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the operator reads the gateway's evidence ({@code gatewaydoctor.gateway-logs.*}, see the
 * README).
 */
@ConfigMapping(prefix = "gatewaydoctor.gateway-logs")
public interface GatewaySettings {
  /** Follow the logs of the ingress-nginx controller pods (needs get on pods/log). */
  @WithDefault("true")
  boolean enabled();

  /**
   * How far back a new stream starts (a controller pod seen for the first time, or the operator's
   * start).
   */
  @WithDefault("PT10M")
  Duration backfill();

  /** How long counted lines are kept (the longest spec.window that can be served). */
  @WithDefault("PT1H")
  Duration horizon();

  /**
   * How often the streams are matched to the controller pods and changed evidence re-evaluates
   * targets.
   */
  @WithDefault("PT5S")
  Duration tick();

  /**
   * At most this often, per target, changed gateway evidence re-evaluates it (the first change at
   * once).
   */
  @WithDefault("PT30S")
  Duration minReevaluation();

  /**
   * The namespaces whose pods may be the ingress controller's: only their logs are read, only they
   * are scraped, only they are named in NetworkPolicy advice. A pod elsewhere that looks like a
   * controller (labels, arguments) is an ordinary pod. "*" trusts every namespace (a lab, never a
   * shared cluster).
   */
  @WithDefault("ingress-nginx")
  java.util.List<String> controllerNamespaces();

  /** Whether a pod in this namespace may be the ingress controller's. */
  default boolean trustsControllerIn(String namespace) {
    return ClusterSnapshot.trusts(controllerNamespaces(), namespace);
  }

  /** Controller pods followed at most (one thread and one connection each). */
  @WithDefault("16")
  int maxStreams();

  /**
   * The controllers' access-log format when it is not the default (their ConfigMap's
   * log-format-upstream).
   */
  java.util.Optional<String> logFormat();

  /** Upstreams and addresses counted per minute at most (memory bound). */
  @WithDefault("50000")
  int maxKeysPerMinute();

  /**
   * The bytes (estimated) all counted minutes may hold together; 0: a quarter of the heap the JVM
   * may use (which the image sizes at 50% of the container's memory limit).
   */
  @WithDefault("0")
  long maxBytes();

  /** {@link #maxBytes()}, with 0 resolved against the heap. */
  default long evidenceBytes() {
    return maxBytes() > 0 ? maxBytes() : Runtime.getRuntime().maxMemory() / 4;
  }

  /** The controllers' request metrics ({@code gatewaydoctor.gateway-logs.metrics.*}). */
  Metrics metrics();

  interface Metrics {
    /** Read nginx_ingress_controller_requests at all. */
    @WithDefault("true")
    boolean enabled();

    /** The controller pods' metrics port (ingress-nginx: 10254). */
    @WithDefault("10254")
    int port();

    /** How often to scrape (or query Prometheus). */
    @WithDefault("PT30S")
    Duration interval();

    /** One scrape or query at most this long. */
    @WithDefault("PT5S")
    Duration timeout();

    /**
     * A Prometheus to query instead of scraping the pods (e.g. http://prometheus.monitoring:9090).
     */
    java.util.Optional<String> prometheusUrl();

    /** The window of the Prometheus query (increase over it). */
    @WithDefault("PT10M")
    Duration prometheusWindow();
  }
}
