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
  record Run(String out, String err, String context) {}

  static Run demo(String... jvm) throws IOException, InterruptedException {
    String jar = System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar");
    Path log = Files.createTempFile(Path.of("target"), "demo", ".err");
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("java"));
    cmd.addAll(java.util.List.of(jvm));
    cmd.addAll(java.util.List.of("-jar", jar, "demo", "--once"));
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    p.getOutputStream().close();
    boolean done = p.waitFor(90, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    String err = Files.readString(log);
    String context = "stdout:\n" + out + "\nstderr:\n" + err;
    assertThat(done).as(context).isTrue();
    assertThat(p.exitValue()).as(context).isZero();
    return new Run(out, err, context);
  }

  /** The 502/MIN column of one row of the table. */
  static double rate(String out, String name) {
    var m =
        java.util.regex.Pattern.compile(
                "(?m)^shop\\s+"
                    + name
                    + "\\s+Ingress/"
                    + name
                    + "\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\S+)")
            .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return "<none>".equals(m.group(1)) ? -1 : Double.parseDouble(m.group(1));
  }

  /**
   * #21 item 3: with nginx installed (bin/test installs it) the demo runs a real nginx as the
   * ingress controller; the operator reads its log through the embedded API's pods/log, so the
   * targets whose pods refuse, reset or speak TLS show their 502s per minute, and the pod nginx
   * blamed with nginx's own reason.
   */
  @Test
  void demoShowsTheGatewaysOwn502s() throws IOException, InterruptedException {
    assertThat(io.gatewaydoctor.demo.DemoGateway.nginxBinary())
        .as("nginx is not installed: run bin/test, which installs it")
        .isPresent();
    Run r = demo();
    for (String name : java.util.List.of("reviews", "checkout", "admin")) {
      assertThat(rate(r.out(), name)).as(name + ": " + r.context()).isPositive();
    }
    assertThat(rate(r.out(), "storefront")).as(r.context()).isZero();
    assertThat(rate(r.out(), "payments")).as("no traffic: " + r.context()).isNegative();
    assertThat(r.out())
        .as(r.context())
        .containsPattern(
            "reviews: gateway error log, \\d+× for 127\\.0\\.0\\.5[12]:\\d+ \\(pod reviews-5c7d9e8f6-\\w+\\): .*Connection reset by peer")
        .containsPattern(
            "checkout: gateway error log, \\d+× for 127\\.0\\.0\\.21:8081 \\(pod checkout-5b8d7c6f4-q8w2e\\): .*Connection refused")
        .containsPattern(
            "admin: gateway error log, \\d+× for 127\\.0\\.0\\.61:\\d+ \\(pod admin-6b8c7d9e5-r2s4t\\): ");
    assertThat(r.err()).doesNotContain("nginx is not installed");
  }

  /** Without nginx the demo runs as before and says, in one line, how to see the gateway's side. */
  @Test
  void withoutNginxTheDemoSaysHowToSeeTheGateway() throws IOException, InterruptedException {
    Run r = demo("-Dgatewaydoctor.demo.nginx=none");
    assertThat(r.err())
        .as(r.context())
        .containsOnlyOnce("demo: nginx is not installed")
        .contains("install nginx");
    assertThat(rate(r.out(), "reviews")).as(r.context()).isNegative();
    assertThat(r.out()).as(r.context()).doesNotContain("gateway error log");
  }

  @Test
  void demoPrintsTheSettledTable() throws IOException, InterruptedException {
    Run r = demo();
    String out = r.out();
    String context = r.context();
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
    assertThat(r.err())
        .as("the operator ran clean: " + context)
        .doesNotContainPattern("(WARN|ERROR) +\\[io\\.gatewaydoctor");
  }
}
