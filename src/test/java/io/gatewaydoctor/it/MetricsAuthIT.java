package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * #18 item 10: with metrics.auth the packaged operator serves /q/metrics only to a scraper the
 * Kubernetes API authorises (TokenReview, then SubjectAccessReview for get on /q/metrics, answered
 * by the loopback API server as the real one does); its health stays open for the kubelet.
 */
class MetricsAuthIT {
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

  @Test
  void theMetricsAnswerOnlyAnAuthorisedScraper() throws Exception {
    api = new PackagedOperator();
    io.gatewaydoctor.testing.MockApiServer.answerReviews(
        api.server, new java.util.concurrent.atomic.AtomicInteger());
    int port;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    operator =
        api.start(
            "metrics-auth",
            Map.of(
                "GATEWAYDOCTOR_METRICS_AUTH", "true",
                "GATEWAYDOCTOR_HTTP_PORT", String.valueOf(port),
                "GATEWAYDOCTOR_GATEWAY_LOGS_ENABLED", "false"));
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> get(http, base + "/q/health/live", null).statusCode() == 200);
    assertThat(get(http, base + "/q/metrics", null).statusCode()).isEqualTo(401);
    for (String other : java.util.List.of("/q/metrics/", "/q/metrics/x", "/q/metrics?name=x")) {
      var r = get(http, base + other, null);
      assertThat(r.statusCode()).as(other).isEqualTo(401);
      assertThat(r.body()).as(other).doesNotContain("gatewaydoctor_");
    }
    assertThat(get(http, base + "/q/metrics", "forged-token").statusCode()).isEqualTo(401);
    var tenant = get(http, base + "/q/metrics", "tenant-token");
    assertThat(tenant.statusCode()).isEqualTo(403);
    assertThat(tenant.body()).contains("may not get /q/metrics").doesNotContain("gatewaydoctor_");
    var prometheus = get(http, base + "/q/metrics", "prometheus-token");
    assertThat(prometheus.statusCode()).isEqualTo(200);
    assertThat(prometheus.body()).contains("gatewaydoctor_build_info");
  }

  static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
