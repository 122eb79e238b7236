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
    assertThat(on.find("gatewaydoctor.targets").tag("target", "checkout").gauge()).isNotNull();
    var off = metrics(false).registry;
    assertThat(off.find("gatewaydoctor.targets").tagKeys("target").gauges()).isEmpty();
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
}
