package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.signals.EvidenceStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kubelet-timestamp bookkeeping of one log stream: a resumed connection repeats its last
 * second, counted once.
 */
class PodLogStreamTest {
  static String access(String ts, String id) {
    return ts
        + " 10.0.0.1 - - [01/Dec/2026:10:17:54 +0000] \"GET / HTTP/1.1\" 502 2 \"-\" \"curl\" 217 0.003 [shop-web-80] [] "
        + "10.0.0.5:8080 0 0.003 502 "
        + id;
  }

  @Test
  void linesOfTheResumedSecondAreSkippedUpToTheLastOneRead() {
    EvidenceStore store = new EvidenceStore(Duration.ofHours(1), 1000);
    PodLogStream s =
        new PodLogStream(
            null, "ingress-nginx", "c", "controller", store.feed(), Duration.ofMinutes(10));
    List<String> first = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      first.add(access("2026-12-01T10:17:54." + (i < 3 ? "1" : "2") + "Z", "a" + i));
    }
    first.forEach(s::line);
    assertThat(store.lines()).isEqualTo(5);
    // resumed at 10:17:54: everything of that second again, then one new line at the same instant
    // and one later
    s.resuming();
    first.forEach(s::line);
    s.line(access("2026-12-01T10:17:54.2Z", "new-same-instant"));
    s.line(access("2026-12-01T10:17:55Z", "later"));
    assertThat(store.lines()).isEqualTo(7);
    s.line("not a log line at all");
    s.line("2026-12-01T10:17:56Z garbage after a timestamp");
    assertThat(store.lines()).isEqualTo(7);
    assertThat(s.lines).isEqualTo(9);
  }

  /**
   * stdout and stderr are stamped apart: a line stamped a little earlier than the one before it is
   * read, not dropped.
   */
  @Test
  void linesStampedOutOfOrderAreCountedLiveAndOnceAfterAReconnect() {
    EvidenceStore store = new EvidenceStore(Duration.ofHours(1), 1000);
    PodLogStream s =
        new PodLogStream(
            null, "ingress-nginx", "c", "controller", store.feed(), Duration.ofMinutes(10));
    s.line(access("2026-12-01T10:17:54.900Z", "late"));
    s.line(access("2026-12-01T10:17:54.100Z", "stamped-earlier"));
    s.line(access("2026-12-01T10:17:53.990Z", "previous-second"));
    assertThat(store.lines()).isEqualTo(3);
    // the kubelet resends what is stamped since 10:17:54, in the order it has them
    s.resuming();
    s.line(access("2026-12-01T10:17:54.900Z", "late"));
    s.line(access("2026-12-01T10:17:54.100Z", "stamped-earlier"));
    s.line(access("2026-12-01T10:17:55.000Z", "new"));
    assertThat(store.lines()).isEqualTo(4);
  }

  /**
   * A client-chosen user name with a bracketed date cannot move a line in time; the kubelet's stamp
   * places it.
   */
  @Test
  void theKubeletTimestampPlacesTheLine() {
    EvidenceStore store = new EvidenceStore(Duration.ofHours(1), 1000);
    PodLogStream s =
        new PodLogStream(
            null, "ingress-nginx", "c", "controller", store.feed(), Duration.ofMinutes(10));
    s.line(
        access("2026-12-01T10:17:54Z", "a")
            .replace("10.0.0.1 - -", "10.0.0.1 - x[01/Jan/2099:00:00:00 +0000]"));
    s.line(access("2026-12-01T10:18:10Z", "b"));
    var e =
        store.evidence(
            java.time.Instant.parse("2026-12-01T10:20:00Z"),
            Duration.ofMinutes(10),
            java.util.Set.of("shop-web-80"),
            java.util.Set.of("10.0.0.5:8080"));
    assertThat(e.upstream("shop-web-80").requests).isEqualTo(2);
  }
}
