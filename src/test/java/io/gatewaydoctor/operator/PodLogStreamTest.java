package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.signals.EvidenceStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kubelet-timestamp bookkeeping of one log stream: a resumed connection repeats its last second, counted once. */
class PodLogStreamTest {
  static String access(String ts, String id) {
    return ts + " 10.0.0.1 - - [01/Dec/2026:10:17:54 +0000] \"GET / HTTP/1.1\" 502 2 \"-\" \"curl\" 217 0.003 [shop-web-80] [] "
        + "10.0.0.5:8080 0 0.003 502 " + id;
  }

  @Test
  void linesOfTheResumedSecondAreSkippedUpToTheLastOneRead() {
    EvidenceStore store = new EvidenceStore(Duration.ofHours(1), 1000);
    PodLogStream s = new PodLogStream(null, "ingress-nginx", "c", "controller", store.feed(), Duration.ofMinutes(10));
    List<String> first = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      first.add(access("2026-12-01T10:17:54." + (i < 3 ? "1" : "2") + "Z", "a" + i));
    }
    first.forEach(s::line);
    assertThat(store.lines()).isEqualTo(5);
    // resumed at 10:17:54: everything of that second again, then one new line at the same instant and one later
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
}
