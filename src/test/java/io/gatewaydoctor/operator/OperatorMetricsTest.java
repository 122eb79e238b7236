package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Health;
import io.gatewaydoctor.api.GatewayErrors;
import io.gatewaydoctor.api.StatusCounts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #18 item 10: per-target series can be switched off (gatewaydoctor.metrics.per-target=false): then
 * health and errors are counted per namespace, and no Ingress name reaches the metrics.
 */
class OperatorMetricsTest {
  static Diagnosis diagnosis(Health h, String cause, long gateway502) {
    GatewayErrors e = new GatewayErrors();
    e.gateway = new StatusCounts();
    e.gateway.s502 = gateway502;
    return new Diagnosis("Ingress/x", h, cause, "s", List.of(), List.of(), 0.0, e);
  }

  static OperatorMetrics metrics(boolean perTarget) {
    OperatorMetrics m = new OperatorMetrics();
    m.registry = new SimpleMeterRegistry();
    m.perTarget = perTarget;
    m.verdict("shop", "checkout", diagnosis(Health.Failing, "TargetPortMismatch", 7));
    m.verdict("shop", "storefront", diagnosis(Health.Failing, "NoReadyEndpoints", 3));
    m.verdict("pay", "api", diagnosis(Health.Healthy, "None", 0));
    return m;
  }

  @Test
  void perTargetSeriesCanBeSwitchedOff() {
    var on = metrics(true).registry;
    assertThat(on.find("gatewaydoctor.target.info").tag("target", "checkout").gauge()).isNotNull();
    var m = metrics(false);
    m.gatewayErrorsCounted("shop", "checkout", new long[] {0, 4, 0, 0, 0, 0, 0, 0});
    m.gatewayErrorsCounted("shop", "storefront", new long[] {0, 2, 0, 0, 0, 0, 0, 0});
    var off = m.registry;
    assertThat(off.find("gatewaydoctor.targets").tagKeys("target").gauges()).isEmpty();
    assertThat(
            off.find("gatewaydoctor.gateway.error.responses")
                .tags("namespace", "shop", "source", "gateway", "status", "502")
                .counter()
                .count())
        .isEqualTo(6);
    assertThat(
            off.find("gatewaydoctor.targets")
                .tags("namespace", "shop", "health", "Failing")
                .gauge()
                .value())
        .isEqualTo(2);
    assertThat(
            off.find("gatewaydoctor.gateway.errors")
                .tags("namespace", "shop", "source", "gateway", "status", "502")
                .gauge()
                .value())
        .isEqualTo(10);
    assertThat(off.getMeters())
        .allSatisfy(
            meter ->
                assertThat(meter.getId().getTags())
                    .noneMatch(
                        t -> t.getValue().equals("checkout") || t.getValue().equals("storefront")));
  }

  /**
   * #22 item 5: health as one series per target whose labels never change (a number), the cause as
   * an info series to join on, targets per namespace and health; the error counters appear with
   * their first error, grow, and go with their target.
   */
  @Test
  void healthIsANumberTheCauseAnInfoAndErrorsACounter() {
    OperatorMetrics m = metrics(true);
    var r = m.registry;
    assertThat(
            r.find("gatewaydoctor.target.health")
                .tags("namespace", "shop", "target", "checkout")
                .gauge()
                .value())
        .isEqualTo(2);
    assertThat(
            r.find("gatewaydoctor.target.health")
                .tags("namespace", "pay", "target", "api")
                .gauge()
                .value())
        .isEqualTo(0);
    assertThat(
            r.find("gatewaydoctor.target.info")
                .tags("target", "checkout", "health", "Failing", "root_cause", "TargetPortMismatch")
                .gauge()
                .value())
        .isEqualTo(1);
    assertThat(
            r.find("gatewaydoctor.targets")
                .tags("namespace", "shop", "health", "Failing")
                .gauge()
                .value())
        .isEqualTo(2);
    m.verdict("shop", "checkout", diagnosis(Health.Degraded, "SingleReplica", 0));
    assertThat(
            r.find("gatewaydoctor.target.health")
                .tags("namespace", "shop", "target", "checkout")
                .gauges())
        .singleElement()
        .satisfies(g -> assertThat(g.value()).isEqualTo(1));
    assertThat(r.find("gatewaydoctor.target.info").tags("target", "checkout").gauges())
        .as("the old cause's info series is gone")
        .singleElement()
        .satisfies(g -> assertThat(g.getId().getTag("root_cause")).isEqualTo("SingleReplica"));

    assertThat(r.find("gatewaydoctor.gateway.error.responses").counters())
        .as("none before the first error")
        .isEmpty();
    m.gatewayErrorsCounted("shop", "checkout", new long[] {0, 3, 0, 0, 0, 0, 1, 0});
    m.gatewayErrorsCounted("shop", "checkout", new long[] {0, 2, 0, 0, 0, 0, 0, 0});
    assertThat(
            r.find("gatewaydoctor.gateway.error.responses")
                .tags(
                    "namespace", "shop", "target", "checkout", "source", "gateway", "status", "502")
                .counter()
                .count())
        .isEqualTo(5);
    assertThat(
            r.find("gatewaydoctor.gateway.error.responses")
                .tags("target", "checkout", "source", "app", "status", "503")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(r.find("gatewaydoctor.gateway.error.responses").counters()).hasSize(2);
    m.forget("shop", "checkout");
    assertThat(r.find("gatewaydoctor.gateway.error.responses").counters()).isEmpty();
  }
}
