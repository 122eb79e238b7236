package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * analyze --prometheus against a Prometheus HTTP API served on loopback (the JDK's HTTP server).
 */
class AnalyzePrometheusTest {
  HttpServer server;
  final List<String> queries = new ArrayList<>();
  volatile String answer;
  volatile int code = 200;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/query",
        x -> {
          queries.add(URLDecoder.decode(x.getRequestURI().getRawQuery(), StandardCharsets.UTF_8));
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(code, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  static String vector(String... statusValue) {
    StringBuilder r = new StringBuilder();
    for (int i = 0; i < statusValue.length; i += 2) {
      r.append(r.length() == 0 ? "" : ",")
          .append("{\"metric\":{\"namespace\":\"shop\",\"ingress\":\"web\",\"status\":\"")
          .append(statusValue[i])
          .append("\"},\"value\":[1764590400,\"")
          .append(statusValue[i + 1])
          .append("\"]}");
    }
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + r + "]}}";
  }

  @Test
  void clientErrorsNothingOnTheChainExplainsDegradeTheTargetAndSaySo() throws IOException {
    answer = vector("200", "1180.4", "502", "37.0", "500", "3");
    var r =
        AnalyzeCommandTest.run(
            AnalyzeCommandTest.args(
                AnalyzeCommandTest.inputs("healthy-basic"),
                "--prometheus",
                url(),
                "-o",
                "json",
                "--now",
                "2026-12-01T12:00:00Z",
                "--window",
                "5m"));
    assertThat(r.code()).as(r.err()).isEqualTo(1); // Degraded fails the default --fail-on warning
    var s = r.json().at("/items/0/status");
    assertThat(s.get("health").asText()).isEqualTo("Degraded");
    assertThat(s.get("rootCause").asText()).isEqualTo("None");
    assertThat(s.get("summary").asText())
        .contains("Clients got 37 502/503/504 in the last 5 min", "controller's metrics");
    assertThat(s.at("/gatewayErrors/returned/502").asLong()).isEqualTo(37);
    assertThat(s.at("/gatewayErrors/requests").asLong()).isEqualTo(1220);
    assertThat(s.get("errorRate").asDouble()).isEqualTo(7.4);
    assertThat(queries)
        .singleElement()
        .asString()
        .contains(
            "increase(nginx_ingress_controller_requests{controller_namespace=~\"ingress-nginx\"}[300s])",
            "by (namespace, ingress, status)",
            "time=" + java.time.Instant.parse("2026-12-01T12:00:00Z").getEpochSecond());
  }

  @Test
  void aPrometheusThatFailsIsAClearInputError() throws IOException {
    answer = "{\"status\":\"error\",\"error\":\"parse error at char 5\"}";
    code = 400;
    var r =
        AnalyzeCommandTest.run(
            AnalyzeCommandTest.args(
                AnalyzeCommandTest.inputs("healthy-basic"), "--prometheus", url()));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--prometheus " + url(), "HTTP 400");
    answer = "<html>not json</html>";
    code = 200;
    r =
        AnalyzeCommandTest.run(
            AnalyzeCommandTest.args(
                AnalyzeCommandTest.inputs("healthy-basic"), "--prometheus", url()));
    assertThat(r.err()).contains("Prometheus answered no JSON");
  }
}
