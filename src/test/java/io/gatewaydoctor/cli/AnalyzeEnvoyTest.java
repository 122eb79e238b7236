package io.gatewaydoctor.cli;

import static io.gatewaydoctor.cli.AnalyzeCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.analysis.ScenarioFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #20: {@code analyze -f DUMP --gateway-log ENVOY.LOG -o json} on a dump of an Envoy Gateway
 * install (kubectl get -o json, the proxy pod in envoy-gateway-system) and the proxy's log as
 * {@code kubectl logs --prefix} prints it: the route's verdict names the code, the pod and the
 * gateway's 503s, and an Ingress beside it is untouched.
 */
class AnalyzeEnvoyTest {
  static final String NOW = "2026-12-01T12:00:00Z";

  /** The scenario's objects plus an Envoy proxy pod, as one kubectl get -o json List. */
  static Path dump(String scenario, Path dir) throws IOException {
    JsonNode list =
        Serialization.jsonMapper()
            .valueToTree(
                Serialization.yamlMapper()
                    .readTree(Files.readString(ScenarioFixtures.materialize(scenario, dir))));
    ArrayNode items = (ArrayNode) list.get("items");
    items.add(
        Serialization.jsonMapper()
            .readTree(
                """
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"envoy-gateway-system"}}
                """));
    items.add(
        Serialization.jsonMapper()
            .readTree(
                """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"envoy-shop-eg-5f7b9c6d4-x2k9q",
                 "namespace":"envoy-gateway-system","labels":{"app.kubernetes.io/name":"envoy",
                 "gateway.envoyproxy.io/owning-gateway-name":"eg",
                 "gateway.envoyproxy.io/owning-gateway-namespace":"shop"}},
                 "spec":{"containers":[{"name":"envoy","image":"docker.io/envoyproxy/envoy:distroless-v1.34.1"},
                  {"name":"shutdown-manager","image":"docker.io/envoyproxy/gateway:v1.4.1"}]},
                 "status":{"phase":"Running","podIP":"10.244.0.7"}}
                """));
    Path out = dir.resolve(scenario + ".json");
    Files.writeString(out, Serialization.jsonMapper().writeValueAsString(list));
    return out;
  }

  /** The scenario's log as kubectl logs --prefix prints one proxy pod's. */
  static Path log(String scenario, Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String l :
        Files.readAllLines(ScenarioFixtures.ROOT.resolve(scenario).resolve("in-gateway.log"))) {
      lines.add("[pod/envoy-shop-eg-5f7b9c6d4-x2k9q/envoy] " + l);
    }
    Path out = dir.resolve(scenario + ".log");
    Files.write(out, lines);
    return out;
  }

  /** analyze on a scenario's dump and its proxy's log, with more arguments. */
  static AnalyzeCommandTest.Result analyze(String scenario, Path dir, String... more)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "-f", dump(scenario, dir).toString(), "--gateway-log", log(scenario, dir).toString()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void anEnvoyGatewayDumpAndItsProxyLogNameTheRefusingPod(@TempDir Path dir) throws IOException {
    String s = "httproute-envoy-one-pod-refusing";
    var r = analyze(s, dir, "-o", "json", "--now", NOW);
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    JsonNode route = null;
    JsonNode ingress = null;
    for (JsonNode i : r.json().get("items")) {
      if ("HTTPRoute".equals(i.at("/spec/targetRef/kind").asText())) {
        route = i;
      } else {
        ingress = i;
      }
    }
    assertThat(route).as(r.out()).isNotNull();
    JsonNode st = route.get("status");
    assertThat(st.get("rootCause").asText())
        .as(st.toString())
        .isEqualTo("BackendRefusingConnections");
    assertThat(st.get("health").asText()).isEqualTo("Degraded");
    assertThat(st.get("summary").asText())
        .contains(
            "web-6d4b7c9f8-bbbbb", "127.0.0.12", "connection refused", "8 gateway errors in 24");
    // Envoy answers 503 for a refused connection: counted as the gateway's, apart from the app's
    assertThat(st.at("/gatewayErrors/gateway/503").asLong()).as(st.toString()).isEqualTo(8);
    assertThat(st.at("/gatewayErrors/gateway/502").asLong()).isZero();
    assertThat(st.at("/findings/0/evidence/0").asText())
        .contains("envoy 503 UF", "Connection_refused", "127.0.0.12:8080");
    // the Ingress beside it sends to the same pods: the refusing pod is named there too, but
    // none of the route's requests are counted as the Ingress's clients'
    assertThat(ingress.at("/status/rootCause").asText()).isEqualTo("BackendRefusingConnections");
    assertThat(ingress.at("/status/summary").asText())
        .as(ingress.toString())
        .contains("web-6d4b7c9f8-bbbbb")
        .doesNotContain("clients got");
  }

  @Test
  void staleEndpointsBlameTheGateway(@TempDir Path dir) throws IOException {
    String s = "httproute-envoy-stale-endpoints";
    var r = analyze(s, dir, "--target", "httproute/shop/web", "-o", "json", "--now", NOW);
    JsonNode st = r.json().at("/items/0/status");
    assertThat(st.get("rootCause").asText()).as(r.err() + st).isEqualTo("StaleEndpoints");
    assertThat(st.get("culprit").asText()).isEqualTo("Gateway/shop/eg");
    assertThat(st.get("summary").asText()).contains("127.0.0.13:8080");
  }

  /**
   * analyze --probe probes a route's endpoints as an Ingress's (real sockets on loopback): a pod
   * that resets every connection is named on the route, without any gateway log.
   */
  @Test
  void aRoutesEndpointsAreProbed(@TempDir Path dir) throws Exception {
    String dump =
        Files.readString(dump("httproute-envoy-one-pod-refusing", dir))
            .replace("127.0.0.11", "127.0.0.93")
            .replace("127.0.0.12", "127.0.0.94");
    Path file = dir.resolve("probed.json");
    Files.writeString(file, dump);
    try (var backends = new io.gatewaydoctor.probe.Backends()) {
      backends.start("127.0.0.93", 8080, io.gatewaydoctor.probe.Backends::ok);
      backends.start(
          "127.0.0.94",
          8080,
          sock -> {
            io.gatewaydoctor.probe.Backends.readRequest(sock);
            sock.setSoLinger(true, 0); // reset
          });
      var r =
          run(
              "-f",
              file.toString(),
              "--probe",
              "--target",
              "httproute/shop/web",
              "-o",
              "json",
              "--now",
              NOW);
      JsonNode st = r.json().at("/items/0/status");
      assertThat(st.get("rootCause").asText())
          .as(r.err() + st)
          .isEqualTo("BackendResettingConnections");
      assertThat(st.get("summary").asText()).contains("web-6d4b7c9f8-bbbbb", "127.0.0.94");
      assertThat(r.err()).contains("probed 2 endpoints");
    }
  }

  /** A GRPCRoute: gRPC failures Envoy logs with status 200 pin the refusals on the pod. */
  @Test
  void aGrpcRouteIsDiagnosedFromEnvoysGrpcFailures(@TempDir Path dir) throws IOException {
    String s = "grpcroute-envoy-one-pod-refusing";
    var r = analyze(s, dir, "--target", "grpcroute/shop/api", "-o", "json", "--now", NOW);
    JsonNode gd = r.json().at("/items/0");
    assertThat(r.json().get("items")).as(r.err()).hasSize(1);
    assertThat(gd.at("/metadata/name").asText()).isEqualTo("api.grpcroute");
    assertThat(gd.at("/spec/targetRef/kind").asText()).isEqualTo("GRPCRoute");
    assertThat(gd.at("/status/rootCause").asText()).isEqualTo("BackendRefusingConnections");
    assertThat(gd.at("/status/gatewayErrors/gateway/503").asLong()).isEqualTo(8);
  }

  /**
   * A route's TLS failure at Istio's proxy: the fix is the route's (a BackendTLSPolicy), not
   * nginx's.
   */
  @Test
  void aRoutesTlsFixIsABackendTlsPolicy(@TempDir Path dir) throws IOException {
    String s = "httproute-istio-backend-tls-verify-failed";
    var r = analyze(s, dir, "--target", "httproute/shop/web", "-o", "json", "--now", NOW);
    JsonNode st = r.json().at("/items/0/status");
    assertThat(st.get("rootCause").asText()).as(r.err() + st).isEqualTo("BackendTLSFailure");
    assertThat(st.get("fix").asText())
        .contains("BackendTLSPolicy", "Service shop/web")
        .doesNotContain("nginx.ingress.kubernetes.io");
    assertThat(st.get("summary").asText()).contains("did not verify");
  }
}
