package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.gatewaydoctor.api.GatewayDiagnosis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * #22 acceptance: lastEvaluated shows when a verdict goes stale. While the packaged operator runs
 * it rewrites every status at least every status-heartbeat (1 s here), so lastEvaluated moves; once
 * it is stopped lastEvaluated stays, and {@code gateway-doctor describe} says the verdict is stale.
 */
class StaleVerdictIT {
  PackagedOperator api;
  Process operator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.destroyForcibly();
    }
    if (api != null) {
      api.close();
    }
  }

  String describe(String staleAfter) {
    StringWriter out = new StringWriter();
    var cl = new picocli.CommandLine(new io.gatewaydoctor.cli.DescribeCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    int code =
        cl.execute(
            "gd/web",
            "-n",
            "shop",
            "--kubeconfig",
            api.kubeconfig.toString(),
            "--stale-after",
            staleAfter);
    assertThat(code).as(out.toString()).isZero();
    return out.toString();
  }

  @Test
  void aStoppedOperatorsVerdictsGoStaleAndDescribeSaysSo() throws Exception {
    api = new PackagedOperator();
    for (HasMetadata o :
        api.client
            .load(
                Files.newInputStream(
                    Path.of("src/test/resources/scenarios/healthy-basic/in-cluster.yaml")))
            .items()) {
      o.getMetadata().setResourceVersion(null);
      o.getMetadata().setUid(null);
      api.client.resource(o).create();
    }
    var gd = api.client.resources(GatewayDiagnosis.class).inNamespace("shop").withName("web");
    operator =
        api.start(
            "stale",
            Map.of(
                "GATEWAYDOCTOR_GATEWAY_LOGS_ENABLED", "false",
                "GATEWAYDOCTOR_GATEWAY_LOGS_METRICS_ENABLED", "false",
                "GATEWAYDOCTOR_STATUS_HEARTBEAT", "1s",
                "GATEWAYDOCTOR_RESYNC_INTERVAL", "1s"));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                gd.get() != null
                    && gd.get().getStatus() != null
                    && "Healthy".equals(gd.get().getStatus().health));
    String first = gd.get().getStatus().lastEvaluated;
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> Instant.parse(gd.get().getStatus().lastEvaluated).isAfter(Instant.parse(first)));
    assertThat(describe("5s")).doesNotContain("STALE");

    operator.destroyForcibly();
    operator.waitFor();
    String last = gd.get().getStatus().lastEvaluated;
    Thread.sleep(7000);
    assertThat(gd.get().getStatus().lastEvaluated).as("nobody evaluates").isEqualTo(last);
    String text = describe("5s");
    assertThat(text.lines().skip(1).findFirst().orElseThrow())
        .as(text)
        .startsWith("STALE:")
        .contains("more than 5s", "may be out of date", "the operator is stopped");
    assertThat(describe("30m")).doesNotContain("STALE");
  }
}
