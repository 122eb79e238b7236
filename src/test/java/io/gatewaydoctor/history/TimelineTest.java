package io.gatewaydoctor.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What a timeline records between two states of a chain, and that it stays bounded. */
class TimelineTest {
  static final Instant T = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void eachKindOfChangeBecomesOneEntryWithTheObjectsOwnTimeWhereThereIsOne() {
    Map<String, String> before =
        new TreeMap<>(
            Map.of(
                "config\u0000Service shop/web|spec.ports[80].targetPort", "http",
                "readiness\u0000Pod shop/web-a", "Ready",
                "restart\u0000Pod shop/web-a", "0",
                "endpoint\u0000Service shop/web 10.0.0.5:8080", "ready",
                "rollout\u0000ReplicaSet shop/web-1", "2"));
    Map<String, String> after =
        new TreeMap<>(
            Map.of(
                "config\u0000Service shop/web|spec.ports[80].targetPort", "8081",
                "readiness\u0000Pod shop/web-a", "NotReady",
                "restart\u0000Pod shop/web-a", "1 OOMKilled@2026-12-01T11:59:30Z",
                "endpoint\u0000Service shop/web 10.0.0.6:8080", "ready",
                "rollout\u0000ReplicaSet shop/web-1", "0",
                "rollout\u0000ReplicaSet shop/web-2", "2"));
    Timeline tl = new Timeline(Duration.ofHours(1));
    tl.observe(before, T.minusSeconds(60));
    assertThat(tl.size()).as("the first state is the starting point").isZero();
    tl.observe(after, T);
    assertThat(tl.newest(20))
        .extracting(e -> e.kind + " " + e.object + ": " + e.detail + " @" + e.at)
        .containsExactly(
            "restart Pod shop/web-a: restarted (1 restarts, last OOMKilled at 2026-12-01T11:59:30Z) @2026-12-01T11:59:30Z",
            "config Service shop/web: spec.ports[80].targetPort http → 8081 @2026-12-01T12:00:00Z",
            "endpoint Service shop/web 10.0.0.5:8080: removed @2026-12-01T12:00:00Z",
            "endpoint Service shop/web 10.0.0.6:8080: added @2026-12-01T12:00:00Z",
            "readiness Pod shop/web-a: Ready → NotReady @2026-12-01T12:00:00Z",
            "rollout ReplicaSet shop/web-1: scaled 2 → 0 @2026-12-01T12:00:00Z",
            "rollout ReplicaSet shop/web-2: new ReplicaSet, 2 replicas @2026-12-01T12:00:00Z");
  }

  @Test
  void itKeepsAtMostItsCapAndNothingOlderThanItsHorizon() {
    Timeline tl = new Timeline(Duration.ofMinutes(10));
    for (int i = 0; i < 500; i++) {
      tl.observe(
          Map.of("readiness\u0000Pod shop/web-a", i % 2 == 0 ? "Ready" : "NotReady"),
          T.plusSeconds(i));
    }
    assertThat(tl.size()).isEqualTo(Timeline.MAX_ENTRIES);
    tl.observe(Map.of("readiness\u0000Pod shop/web-a", "Ready"), T.plusSeconds(500 + 3600));
    assertThat(tl.newest(100)).hasSize(1); // the rest left the horizon
  }
}
