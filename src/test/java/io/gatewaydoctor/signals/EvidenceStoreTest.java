package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The operator's per-minute store: a window's sum equals what one pass over the same lines counts;
 * bounded by horizon and keys.
 */
class EvidenceStoreTest {
  static final Instant NOON = Instant.parse("2026-12-01T12:00:00Z");

  static String line(
      int minute, int second, String status, String upstream, String addr, String upstreamStatus) {
    return "10.0.0.1 - - [01/Dec/2026:11:%02d:%02d +0000] \"GET / HTTP/1.1\" %s 0 \"-\" \"curl\" 80 0.001 [%s] [] %s 0 0.001 %s r"
        .formatted(minute, second, status, upstream, addr, upstreamStatus);
  }

  @Test
  void aWindowOfTheStoreCountsWhatOnePassOverTheSameLinesCounts() {
    EvidenceStore store = new EvidenceStore(Duration.ofHours(1), 1000);
    LogFeed feed = store.feed();
    GatewayEvidence.Builder once = new GatewayEvidence.Builder(NOON, Duration.ofMinutes(10));
    for (int m = 30; m < 60; m++) {
      for (String l :
          new String[] {
            line(m, 0, "502", "shop-web-80", "10.0.0.5:8080", "502"),
            line(m, 30, "200", "shop-web-80", "10.0.0.6:8080", "200"),
            line(m, 31, "200", "other-api-80", "10.0.9.9:80", "200")
          }) {
        feed.line(l);
        once.line(l);
      }
    }
    GatewayEvidence windowed =
        store.evidence(
            NOON,
            Duration.ofMinutes(10),
            java.util.Set.of("shop-web-80"),
            java.util.Set.of("10.0.0.5:8080", "10.0.0.6:8080"));
    GatewayEvidence direct = once.build();
    assertThat(windowed.upstream("shop-web-80").gateway502())
        .isEqualTo(direct.upstream("shop-web-80").gateway502())
        .isEqualTo(10);
    assertThat(windowed.address("10.0.0.5:8080").gateway502()).isEqualTo(10);
    assertThat(windowed.upstream("other-api-80")).isNull(); // not this target's
    assertThat(windowed.upstream("shop-web-80").errorsSince())
        .isEqualTo(Instant.parse("2026-12-01T11:50:00Z"));
    assertThat(windowed.upstream("shop-web-80").steady()).isTrue();
    assertThat(windowed.digest())
        .isNotEqualTo(
            store
                .evidence(
                    NOON.plusSeconds(60),
                    Duration.ofMinutes(10),
                    java.util.Set.of("shop-web-80"),
                    java.util.Set.of("10.0.0.5:8080", "10.0.0.6:8080"))
                .digest()); // a minute later the oldest errors have left the window
  }

  @Test
  void bucketsBeyondTheHorizonAndKeysBeyondTheLimitAreDropped() {
    EvidenceStore store = new EvidenceStore(Duration.ofMinutes(5), 2);
    LogFeed feed = store.feed();
    for (int m = 0; m < 60; m++) {
      feed.line(line(m, 0, "200", "shop-web-80", "10.0.0.5:8080", "200"));
    }
    assertThat(store.buckets()).isEqualTo(5);
    feed.line(
        line(
            59,
            1,
            "200",
            "shop-b-80",
            "10.0.0.7:8080",
            "200")); // a third and fourth key in minute 59
    assertThat(store.dropped()).isEqualTo(2);
    feed.line(
        line(
            59,
            2,
            "502",
            "shop-web-80",
            "10.0.0.5:8080",
            "502")); // keys counted already keep counting
    assertThat(
            store
                .evidence(
                    NOON,
                    Duration.ofMinutes(10),
                    java.util.Set.of("shop-web-80", "shop-b-80"),
                    java.util.Set.of("10.0.0.5:8080"))
                .upstream("shop-web-80")
                .requests)
        .isEqualTo(5 + 1); // minutes 55 to 59, and the new line
    feed.line(
        line(1, 0, "200", "shop-web-80", "10.0.0.5:8080", "200")); // far older than the horizon
    assertThat(store.dropped()).isEqualTo(3);
    store.prune(NOON.plus(Duration.ofMinutes(30)));
    assertThat(store.buckets()).isZero();
    assertThat(feed.skipped()).isZero();
  }

  /**
   * #18 item 4: a flood of distinct addresses and upstreams (anyone who can send requests or run
   * pods shapes them) stays within the store's byte budget; what was counted before keeps counting,
   * the refusals are counted, absurdly long names are not counted at all, and the room comes back
   * as the flood's minutes leave the horizon.
   */
  @Test
  void aFloodOfKeysStaysWithinTheByteBudget() {
    ByteBudget budget = new ByteBudget(256 * 1024);
    EvidenceStore store = new EvidenceStore(Duration.ofMinutes(10), 1_000_000, budget);
    LogFeed feed = store.feed();
    feed.line(line(40, 0, "502", "shop-web-80", "10.0.0.5:8080", "502"));
    long max = 0;
    for (int i = 0; i < 20_000; i++) {
      if (i > 0 && i % 4000 == 0) {
        // the target counted all along keeps its place in each new minute of the flood
        feed.line(line(40 + i / 4000, 0, "502", "shop-web-80", "10.0.0.5:8080", "502"));
      }
      feed.line(
          line(
              40 + i / 4000,
              i % 60,
              "200",
              "flood-" + i + "-80",
              "10.1." + (i / 250) + "." + (i % 250) + ":80",
              "200"));
      max = Math.max(max, budget.used());
    }
    assertThat(max).isLessThanOrEqualTo(256 * 1024);
    assertThat(budget.refused()).isGreaterThan(10_000);
    feed.line(line(44, 59, "502", "shop-web-80", "10.0.0.5:8080", "502"));
    GatewayEvidence e =
        store.evidence(
            Instant.parse("2026-12-01T11:45:00Z"),
            Duration.ofMinutes(10),
            java.util.Set.of("shop-web-80"),
            java.util.Set.of("10.0.0.5:8080"));
    assertThat(e.address("10.0.0.5:8080").gateway502())
        .as("counted before the flood and in every minute of it: new keys take at most 3/4")
        .isEqualTo(6);
    long before = budget.used();
    feed.line(line(40, 1, "200", "x".repeat(300), "10.0.0.5:8080", "200"));
    assertThat(budget.used()).as("a 300-character upstream name is not counted").isEqualTo(before);
    // an hour later the flood has left the horizon: its bytes are back, new keys count again
    store.prune(Instant.parse("2026-12-01T12:59:00Z"));
    assertThat(budget.used()).isZero();
    feed.line(line(59, 0, "200", "shop-new-80", "10.0.0.9:8080", "200"));
    assertThat(budget.used()).isPositive();
  }
}
