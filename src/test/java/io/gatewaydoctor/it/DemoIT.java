package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, end to end: the packaged application runs {@code demo --once} with no
 * cluster (embedded API server, real loopback backends, the real operator) and prints the settled
 * table within 60 s.
 */
class DemoIT {
  @Test
  void demoPrintsTheSettledTable() throws IOException, InterruptedException {
    String jar = System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar");
    Path log = Files.createTempFile(Path.of("target"), "demo", ".err");
    Process p =
        new ProcessBuilder("java", "-jar", jar, "demo", "--once")
            .redirectError(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    p.getOutputStream().close();
    boolean done = p.waitFor(90, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    String context = "stdout:\n" + out + "\nstderr:\n" + Files.readString(log);
    assertThat(done).as(context).isTrue();
    assertThat(p.exitValue()).as(context).isZero();
    assertThat(out)
        .as(context)
        .containsPattern("shop\\s+storefront\\s+Ingress/storefront\\s+Healthy\\s+None")
        .containsPattern("shop\\s+checkout\\s+Ingress/checkout\\s+Failing\\s+TargetPortMismatch")
        .containsPattern("shop\\s+cart\\s+Ingress/cart\\s+Failing\\s+BackendCrashLooping")
        .containsPattern("shop\\s+search\\s+Ingress/search\\s+Failing\\s+BackendServiceMissing")
        .containsPattern("shop\\s+payments\\s+Ingress/payments\\s+Failing\\s+NetworkPolicyBlocked")
        .contains("payments: NetworkPolicy shop/payments-from-shop-only")
        .containsPattern(
            "shop\\s+reviews\\s+Ingress/reviews\\s+Failing\\s+BackendResettingConnections")
        .containsPattern("shop\\s+admin\\s+Ingress/admin\\s+Failing\\s+BackendProtocolMismatch")
        // #20: HTTPRoutes beside the Ingresses, diagnosed by the same operator
        .containsPattern(
            "shop\\s+storefront\\.httproute\\s+HTTPRoute/storefront\\s+Healthy\\s+None")
        .containsPattern(
            "marketing\\s+promo\\.httproute\\s+HTTPRoute/promo\\s+Failing\\s+BackendRefNotPermitted")
        .contains("admin: Deployment shop/admin speaks TLS on port")
        .contains("checkout: Service shop/checkout port 80 has targetPort 8081")
        // checkout opts into dry-run: the plan is shown, checked by the (embedded) API server, and
        // nothing changes
        .containsPattern(
            "checkout: remediation DryRun: Would patch Service shop/checkout: \\[.*\"path\":\"/spec/ports/0/targetPort\","
                + "\"value\":\"http\"}\\] \\(fix-target-port, TargetPortMismatch\\)");
    assertThat(Files.readString(log))
        .as("the operator ran clean: " + context)
        .doesNotContainPattern("(WARN|ERROR) +\\[io\\.gatewaydoctor");
  }
}
