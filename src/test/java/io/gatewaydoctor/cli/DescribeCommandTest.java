package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.api.GatewayDiagnosis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * #22 item 1: {@code gateway-doctor describe} prints one diagnosis verdict first (health and since
 * when, root cause, culprit, fix), then the chain, the findings, the conditions last; from a file
 * (analyze -o json) and from a cluster (the Fabric8 mock API server, CRUD, on loopback).
 */
class DescribeCommandTest {
  static AnalyzeCommandTest.Result describe(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new DescribeCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new AnalyzeCommandTest.Result(code, out.toString(), err.toString());
  }

  static void verdictFirst(String text) {
    assertThat(text)
        .contains(
            "GatewayDiagnosis shop/web",
            "Health:         Failing",
            "Root cause:     TargetPortMismatch",
            "Culprit:        Service/shop/web",
            "fix (fix-target-port, automatable)",
            "✗ Service shop/web:80 → targetPort 8081");
    int health = text.indexOf("Health:");
    assertThat(health).isLessThan(text.indexOf("Root cause:"));
    assertThat(text.indexOf("Root cause:")).isLessThan(text.indexOf("Chain"));
    assertThat(text.indexOf("Chain")).isLessThan(text.indexOf("Findings"));
    assertThat(text.indexOf("Findings")).isLessThan(text.indexOf("Conditions:"));
  }

  @Test
  void aDiagnosisFromAFileIsPrintedVerdictFirst(@TempDir Path tmp) throws Exception {
    var analyzed =
        AnalyzeCommandTest.run(
            AnalyzeCommandTest.args(
                AnalyzeCommandTest.inputs("target-port-mismatch-number"), "-o", "json"));
    Path f = tmp.resolve("gd.json");
    Files.writeString(f, analyzed.out());
    var r = describe("-f", f.toString(), "gd/web", "-n", "shop");
    assertThat(r.code()).as(r.err()).isZero();
    verdictFirst(r.out());
    var missing = describe("-f", f.toString(), "nope");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("no GatewayDiagnosis nope");
    assertThat(describe("-f", tmp.resolve("absent.json").toString()).code()).isEqualTo(2);
  }

  @Test
  void aDiagnosisFromTheClusterIsPrintedVerdictFirst(@TempDir Path tmp) throws Exception {
    KubernetesMockServer server = MockApi.start();
    try {
      String url = MockApi.url(server);
      var analyzed =
          AnalyzeCommandTest.run(
              AnalyzeCommandTest.args(
                  AnalyzeCommandTest.inputs("target-port-mismatch-number"), "-o", "json"));
      GatewayDiagnosis gd =
          Serialization.jsonMapper()
              .treeToValue(
                  Serialization.jsonMapper().readTree(analyzed.out()).get("items").get(0),
                  GatewayDiagnosis.class);
      try (KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(
                  new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(url).build())
              .build()) {
        client.resources(GatewayDiagnosis.class).inNamespace("shop").resource(gd).create();
      }
      Path kubeconfig = MockApi.kubeconfig(tmp.resolve("kubeconfig"), server);
      var r = describe("web", "--kubeconfig", kubeconfig.toString());
      assertThat(r.code()).as(r.err()).isZero();
      verdictFirst(r.out());
      assertThat(describe("gone", "--kubeconfig", kubeconfig.toString()).code()).isEqualTo(1);
    } finally {
      server.destroy();
    }
  }
}
