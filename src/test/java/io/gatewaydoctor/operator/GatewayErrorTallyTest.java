package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.signals.EvidenceStore;
import io.gatewaydoctor.signals.LogFeed;
import io.gatewaydoctor.signals.UpstreamKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * #22 item 5: the gateway's errors as a counter. The tally adds, on each update, what the store's
 * last minutes hold beyond what it added for them before: lines before the first update (or before
 * the backends changed) are not added, late lines within three minutes are, each line once.
 */
class GatewayErrorTallyTest {
  static final long M40 = Instant.parse("2026-12-01T11:40:00Z").getEpochSecond() / 60;

  /** An ingress-nginx access line of 11:MM:SS: a 502 the gateway made (no upstream answer). */
  static String refused(int minute, int second, String addr) {
    return "10.0.0.1 - - [01/Dec/2026:11:%02d:%02d +0000] \"GET / HTTP/1.1\" 502 0 \"-\" \"curl\" 80 0.001 [shop-web-80] [] %s 0 0.001 502 r"
        .formatted(minute, second, addr);
  }

  final EvidenceStore store = new EvidenceStore(Duration.ofHours(1), 1000);
  final LogFeed feed = store.feed();

  LongFunction<long[]> countsOf(List<UpstreamKeys> keys) {
    return m ->
        UpstreamKeys.errors(
            store.evidence(
                Instant.ofEpochSecond(m * 60),
                Duration.ZERO,
                Set.of("shop-web-80"),
                Set.of("10.0.0.5:8080", "10.0.0.6:8080")),
            keys);
  }

  static long sum(long[] added) {
    return added == null ? 0 : java.util.Arrays.stream(added).sum();
  }

  @Test
  void eachLineIsAddedOnceFromTheFirstUpdateOn() {
    List<UpstreamKeys> whole = List.of(new UpstreamKeys(Map.of("shop-web-80", true), Set.of()));
    GatewayErrorTally t = new GatewayErrorTally();
    for (int i = 0; i < 4; i++) {
      feed.line(refused(40, i, "10.0.0.5:8080"));
    }
    assertThat(t.update(M40, whole, countsOf(whole))).as("a baseline adds nothing").isNull();
    for (int i = 0; i < 3; i++) {
      feed.line(refused(40, 10 + i, "10.0.0.5:8080"));
    }
    feed.line(refused(41, 0, "10.0.0.6:8080"));
    feed.line(refused(41, 1, "10.0.0.6:8080"));
    long[] added = t.update(M40 + 1, whole, countsOf(whole));
    assertThat(sum(added)).isEqualTo(5);
    // the lines are one status and one source: all in one slot, the same slot the window counts
    long[] window =
        UpstreamKeys.errors(
            store.evidence(
                Instant.ofEpochSecond((M40 + 1) * 60),
                Duration.ofMinutes(10),
                Set.of("shop-web-80"),
                Set.of()),
            whole);
    int slot =
        java.util.stream.IntStream.range(0, 8).filter(i -> window[i] > 0).findFirst().orElseThrow();
    assertThat(window[slot]).isEqualTo(9);
    assertThat(added[slot]).isEqualTo(5);
    assertThat(t.update(M40 + 1, whole, countsOf(whole))).as("nothing new").isNull();
    // a late line within three minutes is added; an older one is not
    feed.line(refused(39, 30, "10.0.0.5:8080"));
    feed.line(refused(37, 30, "10.0.0.5:8080"));
    assertThat(sum(t.update(M40 + 1, whole, countsOf(whole)))).isEqualTo(1);
    // minutes pass: a new minute's lines are all new
    feed.line(refused(45, 0, "10.0.0.5:8080"));
    assertThat(sum(t.update(M40 + 5, whole, countsOf(whole)))).isEqualTo(1);
  }

  @Test
  void newBackendsStartFromWhatIsCountedAndASharedNameCountsOnlyItsAddresses() {
    List<UpstreamKeys> whole = List.of(new UpstreamKeys(Map.of("shop-web-80", true), Set.of()));
    // the name is shared with another namespace: only lines that reached .5 are this target's
    List<UpstreamKeys> shared =
        List.of(new UpstreamKeys(Map.of("shop-web-80", false), Set.of("10.0.0.5:8080")));
    GatewayErrorTally t = new GatewayErrorTally();
    assertThat(t.update(M40, whole, countsOf(whole))).isNull();
    feed.line(refused(40, 1, "10.0.0.6:8080"));
    assertThat(t.differs(shared)).isTrue();
    assertThat(t.update(M40, shared, countsOf(shared))).as("changed backends: a baseline").isNull();
    feed.line(refused(40, 2, "10.0.0.6:8080"));
    feed.line(refused(40, 3, "10.0.0.5:8080"));
    assertThat(sum(t.update(M40, shared, countsOf(shared)))).isEqualTo(1);
  }
}
