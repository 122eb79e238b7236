package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The controller's request counters: the text format read strictly enough, and increases across
 * resets.
 */
class RequestCountersTest {
  static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

  static String scrape(long ok, long bad) {
    return """
        # HELP nginx_ingress_controller_requests The total number of client requests
        # TYPE nginx_ingress_controller_requests counter
        nginx_ingress_controller_requests{canary="",controller_class="k8s.io/ingress-nginx",ingress="web",method="GET",namespace="shop",path="/",service="web",status="200"} %d
        nginx_ingress_controller_requests{canary="",controller_class="k8s.io/ingress-nginx",ingress="web",method="POST",namespace="shop",path="/",service="web",status="200"} 1
        nginx_ingress_controller_requests{ingress="web",namespace="shop",status="502",service="web",path="/a \\"quoted\\" \\\\ path"} %d
        nginx_ingress_controller_requests_total{ingress="web",namespace="shop",status="502"} 999
        nginx_ingress_controller_requests{ingress="web",namespace="shop",status="502" 12
        nginx_ingress_controller_requests{ingress="web",namespace="shop",status="503"} NaN
        garbage line
        """
        .formatted(ok, bad);
  }

  @Test
  void theTextFormatKeepsOneFamilyAndSkipsWhatItCannotRead() {
    long[] skipped = new long[1];
    var samples = PrometheusText.samples(scrape(10, 2), RequestCounters.METRIC, skipped);
    assertThat(samples).hasSize(3);
    assertThat(samples.get(2).labels())
        .containsEntry("path", "/a \"quoted\" \\ path")
        .containsEntry("status", "502");
    assertThat(skipped[0]).as("the unclosed brace, the NaN and the _total family").isEqualTo(3);
  }

  @Test
  void increasesAddUpAcrossAControllerRestart() {
    RequestCounters c = new RequestCounters(Duration.ofHours(1), 1000);
    c.add(T0, scrape(100, 10));
    assertThat(c.increase("shop", "web", T0, Duration.ofMinutes(10)))
        .as("one scrape is no rate")
        .isNull();
    c.add(T0.plusSeconds(30), scrape(160, 15));
    c.add(T0.plusSeconds(60), scrape(20, 3)); // the controller restarted: counted from zero
    c.add(T0.plusSeconds(90), scrape(50, 4));
    Map<String, Long> inc = c.increase("shop", "web", T0.plusSeconds(90), Duration.ofMinutes(10));
    assertThat(inc)
        .containsEntry("502", 5L + 3 + 1)
        .containsEntry("200", 60L + 20 + 30); // the POST series stayed at 1
    assertThat(GatewayEvidence.Returned.of(inc, "metrics").statuses()[1]).isEqualTo(9);
    assertThat(c.increase("shop", "other", T0.plusSeconds(90), Duration.ofMinutes(10))).isEmpty();
    // the last 40 s: the scrape before them (at +30 s) is the starting point, so the reset at +60 s
    // counts whole
    assertThat(c.increase("shop", "web", T0.plusSeconds(90), Duration.ofSeconds(40)))
        .containsEntry("502", 3L + 1);
    assertThat(c.increase("shop", "web", T0.plusSeconds(90), Duration.ofSeconds(20)))
        .containsEntry("502", 1L);
    c.add(T0.plusSeconds(80), scrape(1, 1)); // out of order: ignored
    assertThat(c.scrapes()).isEqualTo(4);
  }

  /** Resets are told per series: one series going away is no reset of the others. */
  @Test
  void aSeriesThatGoesAwayIsNoReset() {
    RequestCounters c = new RequestCounters(Duration.ofHours(1), 1000);
    String get =
        "nginx_ingress_controller_requests{ingress=\"web\",namespace=\"shop\",method=\"GET\",status=\"200\"} ";
    String post =
        "nginx_ingress_controller_requests{ingress=\"web\",namespace=\"shop\",method=\"POST\",status=\"200\"} ";
    c.add(T0, get + "1000\n" + post + "500\n");
    c.add(T0.plusSeconds(30), get + "1010\n");
    assertThat(c.increase("shop", "web", T0.plusSeconds(30), Duration.ofMinutes(5)))
        .containsEntry("200", 10L);
  }

  /**
   * #18 item 4: the request counters are within the gateway evidence's byte budget (shared with the
   * log evidence): a flood of series from a controller stays within it and is counted as refused,
   * the established Ingress keeps counting, series of Ingresses that do not exist and over-long
   * names are dropped, and a controller pod that goes gives every byte back.
   */
  @Test
  void aFloodOfSeriesStaysWithinTheByteBudget() {
    ByteBudget budget = new ByteBudget(256 * 1024);
    RequestCounters c =
        new RequestCounters(
            Duration.ofHours(1), 100_000, budget, k -> k.startsWith("shop/") || k.startsWith("t/"));
    String web =
        "nginx_ingress_controller_requests{ingress=\"web\",namespace=\"shop\",status=\"502\"} ";
    long max = 0;
    for (int round = 0; round < 6; round++) {
      StringBuilder text = new StringBuilder(web + (10 * round) + "\n");
      for (int i = 0; i < 3000; i++) {
        text.append("nginx_ingress_controller_requests{ingress=\"flood-")
            .append(i)
            .append("\",namespace=\"t\",path=\"/")
            .append(round)
            .append("\",status=\"200\"} ")
            .append(round + 1)
            .append('\n');
      }
      text.append(
          "nginx_ingress_controller_requests{ingress=\"ghost\",namespace=\"nowhere\",status=\"502\"} 5\n");
      text.append("nginx_ingress_controller_requests{ingress=\"")
          .append("x".repeat(300))
          .append("\",namespace=\"shop\",status=\"502\"} 5\n");
      c.add(T0.plusSeconds(30L * round), text.toString());
      max = Math.max(max, budget.used());
    }
    assertThat(max).isLessThanOrEqualTo(256 * 1024);
    assertThat(budget.refused()).isPositive();
    assertThat(c.increase("shop", "web", T0.plusSeconds(150), Duration.ofMinutes(10)))
        .as("the Ingress that was there first keeps counting")
        .containsEntry("502", 50L);
    assertThat(c.increase("nowhere", "ghost", T0.plusSeconds(150), Duration.ofMinutes(10)))
        .isEmpty();
    assertThat(c.increase("shop", "x".repeat(300), T0.plusSeconds(150), Duration.ofMinutes(10)))
        .isEmpty();
    c.close();
    assertThat(budget.used()).isZero();
  }

  /**
   * A series first dropped (its Ingress not known yet, or no room) and admitted later starts from a
   * baseline: its cumulative count is no increase of one interval.
   */
  @Test
  void aSeriesAdmittedLateStartsFromABaseline() {
    java.util.Set<String> known = new java.util.HashSet<>();
    RequestCounters c =
        new RequestCounters(Duration.ofHours(1), 1000, ByteBudget.unlimited(), known::contains);
    String line =
        "nginx_ingress_controller_requests{ingress=\"web\",namespace=\"shop\",status=\"502\"} ";
    c.add(T0, line + "5000\n");
    c.add(T0.plusSeconds(30), line + "5010\n");
    known.add("shop/web"); // the Ingress appears
    c.add(T0.plusSeconds(60), line + "5020\n");
    c.add(T0.plusSeconds(90), line + "5027\n");
    assertThat(c.increase("shop", "web", T0.plusSeconds(90), Duration.ofMinutes(10)))
        .as("only what came after it was admitted")
        .containsEntry("502", 7L);
  }
}
