package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.gatewaydoctor.demo.DemoScenario;
import io.gatewaydoctor.model.ObjectLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze} against a live API server (the Fabric8 mock in CRUD mode on loopback) through a
 * kubeconfig file: the same objects as the kubectl dump give the same verdicts as {@code -f}.
 */
class AnalyzeLiveTest {
  static final String NOW = "2026-12-01T11:58:30Z";
  static KubernetesMockServer server;
  static Path kubeconfig;

  @BeforeAll
  static void seed(@TempDir Path tmp) throws IOException {
    server = MockApi.start();
    String url = MockApi.url(server);
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.empty())
            .editOrNewConfig()
            .withMasterUrl(url)
            .endConfig()
            .build()) {
      for (HasMetadata o :
          ObjectLoader.parse(
              Files.readString(Path.of(KubectlDumpTest.DUMP)), KubectlDumpTest.DUMP)) {
        ObjectMeta m = o.getMetadata();
        m.setResourceVersion(null);
        m.setManagedFields(null);
        DemoScenario.create(client, o);
      }
    }
    kubeconfig = MockApi.kubeconfig(tmp.resolve("kubeconfig"), server);
  }

  @AfterAll
  static void stop() {
    server.destroy();
  }

  static String verdicts(JsonNode list) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode gd : list.get("items")) {
      sb.append(gd.at("/metadata/namespace").asText())
          .append('/')
          .append(gd.at("/metadata/name").asText())
          .append(' ')
          .append(gd.at("/status/health").asText())
          .append(' ')
          .append(gd.at("/status/rootCause").asText())
          .append(' ')
          .append(gd.at("/status/findings").findValuesAsText("code"))
          .append('\n');
    }
    return sb.toString();
  }

  @Test
  void allNamespacesGiveTheSameVerdictsAsTheDump() {
    var live =
        AnalyzeCommandTest.run(
            "--kubeconfig", kubeconfig.toString(), "-A", "-o", "json", "--now", NOW);
    assertThat(live.code()).as(live.err()).isEqualTo(1);
    var dump = AnalyzeCommandTest.run("-f", KubectlDumpTest.DUMP, "-o", "json", "--now", NOW);
    assertThat(verdicts(live.json()))
        .isEqualTo(verdicts(dump.json()))
        .contains("payments/payments-api Failing NetworkPolicyBlocked");
  }

  @Test
  void theContextsNamespaceIsTheDefaultAndNetworkPoliciesStillSeeTheController() {
    var shop =
        AnalyzeCommandTest.run("--kubeconfig", kubeconfig.toString(), "-o", "json", "--now", NOW);
    assertThat(shop.err())
        .contains("analyze: reading http://127.0.0.1:")
        .contains("(context mock), namespace shop");
    assertThat(verdicts(shop.json()))
        .contains("shop/checkout Failing TargetPortMismatch")
        .doesNotContain("payments/");
    // a namespaced run still finds the ingress-nginx pods (listed by label cluster-wide) for the
    // policy check
    var payments =
        AnalyzeCommandTest.run(
            "--kubeconfig",
            kubeconfig.toString(),
            "--context",
            "other",
            "-o",
            "json",
            "--now",
            NOW);
    assertThat(verdicts(payments.json()))
        .contains("payments/payments-api Failing NetworkPolicyBlocked [NetworkPolicyBlocked]")
        .contains("payments/ledger Healthy None []")
        .doesNotContain("shop/");
  }

  /**
   * Live analyze reads the controller pod's log itself (pods/log, kubelet timestamps, the window's
   * worth): the resets nginx logged for the reports pod pin the verdict on that pod, with no
   * --gateway-log. The lines are shaped as ingress-nginx writes them and as the kubelet serves
   * them.
   */
  @Test
  void theControllersOwnLogIsReadWithoutGatewayLog() {
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      String t = String.format("11:%02d:%02d", 50 + i / 2, (i % 2) * 30 + 5);
      String kubelet = "2026-12-01T" + t + ".000000000Z ";
      log.append(kubelet)
          .append("10.244.0.1 - - [01/Dec/2026:")
          .append(t)
          .append(" +0000] \"GET /reports HTTP/1.1\" 502 150 \"-\"")
          .append(" \"curl/8.5.0\" 80 0.001 [shop-reports-80] [] 10.244.2.12:8080 0 0.001 502 r")
          .append(i)
          .append('\n');
      log.append(kubelet)
          .append("2026/12/01 ")
          .append(t)
          .append(" [error] 31#31: *")
          .append(i)
          .append(" recv() failed (104: Connection")
          .append(
              " reset by peer) while reading response header from upstream, client: 10.244.0.1, server: shop.example.com, request:")
          .append(
              " \"GET /reports HTTP/1.1\", upstream: \"http://10.244.2.12:8080/reports\", host: \"shop.example.com\"\n");
    }
    server
        .expect()
        .get()
        .withPath(
            "/api/v1/namespaces/ingress-nginx/pods/ingress-nginx-controller-5c8d66c76d-x7k2p/log?pretty=false"
                + "&container=controller&sinceSeconds=600&limitBytes=33554432&timestamps=true")
        .andReturn(200, log.toString())
        .times(2);
    var r =
        AnalyzeCommandTest.run(
            "--kubeconfig",
            kubeconfig.toString(),
            "--target",
            "ingress/reports",
            "-o",
            "json",
            "--now",
            NOW);
    assertThat(r.err())
        .contains(
            "gateway logs: read the last 10 min of ingress-nginx/ingress-nginx-controller-5c8d66c76d-x7k2p");
    JsonNode s = r.json().at("/items/0/status");
    assertThat(s.get("rootCause").asText()).as(r.err()).isEqualTo("BackendResettingConnections");
    assertThat(s.get("summary").asText())
        .contains("pod reports-7c9f5d8b6f-vb8nc (10.244.2.12)", "connection reset");
    assertThat(s.at("/gatewayErrors/gateway/502").asLong()).isEqualTo(10);
    var without =
        AnalyzeCommandTest.run(
            "--kubeconfig",
            kubeconfig.toString(),
            "--target",
            "ingress/reports",
            "--no-gateway-logs",
            "-o",
            "json",
            "--now",
            NOW);
    assertThat(without.err()).doesNotContain("gateway logs:");
    assertThat(without.json().at("/items/0/status/rootCause").asText()).isEqualTo("None");
    // "*" trusts every namespace: the same controller is read
    var any =
        AnalyzeCommandTest.run(
            "--kubeconfig",
            kubeconfig.toString(),
            "--target",
            "ingress/reports",
            "--controller-namespace",
            "*",
            "-o",
            "json",
            "--now",
            NOW);
    assertThat(any.err()).contains("gateway logs: read the last 10 min of ingress-nginx/");
    assertThat(any.json().at("/items/0/status/rootCause").asText())
        .isEqualTo("BackendResettingConnections");
  }

  /**
   * A controller log the user may not read (403) is named and skipped; the verdicts come from the
   * rest.
   */
  @Test
  void aLogRbacForbidsIsNamedAndSkipped() {
    server
        .expect()
        .get()
        .withPath(
            "/api/v1/namespaces/ingress-nginx/pods/ingress-nginx-controller-5c8d66c76d-x7k2p/log?pretty=false"
                + "&container=controller&sinceSeconds=600&limitBytes=33554432&timestamps=true")
        .andReturn(
            403,
            new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage("pods \"x\" is forbidden: cannot get resource \"pods/log\"")
                .build())
        .once();
    var r =
        AnalyzeCommandTest.run(
            "--kubeconfig",
            kubeconfig.toString(),
            "--target",
            "ingress/reports",
            "-o",
            "json",
            "--now",
            NOW);
    assertThat(r.err())
        .contains(
            "gateway logs: cannot read the log of ingress-nginx/ingress-nginx-controller-5c8d66c76d-x7k2p"
                + " (forbidden: no get on pods/log)")
        .doesNotContain("gateway logs: read the last");
    assertThat(r.json().at("/items/0/status/rootCause").asText()).isEqualTo("None");
  }

  /**
   * A namespace with no Ingress says which namespace was read and how to widen it, instead of a
   * bare "none".
   */
  @Test
  void anEmptyNamespaceSaysWhichOneAndHowToWiden() {
    var r =
        AnalyzeCommandTest.run(
            "--kubeconfig", kubeconfig.toString(), "-n", "empty-ns", "--now", NOW);
    assertThat(r.err())
        .contains(
            "No Ingresses found in namespace empty-ns; -A reads all namespaces, -n NS another one.");
    assertThat(r.code()).isZero();
  }

  @Test
  void anUnreachableClusterIsAClearErrorNotAStackTrace(@TempDir Path tmp) throws IOException {
    Path dead = tmp.resolve("dead");
    Files.writeString(
        dead, Files.readString(kubeconfig).replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:1"));
    var r = AnalyzeCommandTest.run("--kubeconfig", dead.toString(), "-A");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("analyze: cannot read the cluster at http://127.0.0.1:1/")
        .contains("Connect")
        .doesNotContain("\tat ");
    var typo = AnalyzeCommandTest.run("--kubeconfig", kubeconfig.toString(), "--context", "mokc");
    assertThat(typo.code())
        .as("a mistyped context never falls back to the current one")
        .isEqualTo(2);
    assertThat(typo.err())
        .contains("context mokc is not in the kubeconfig (contexts: mock, other)");
    var missing = AnalyzeCommandTest.run("--kubeconfig", tmp.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("cannot read the kubeconfig");
  }
}
