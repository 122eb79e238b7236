package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * #18 item 11: one write per Event per period; the occurrences held back are written once the
 * period ends, so the Event's count stays true and nothing is lost.
 */
class EventThrottleTest {
  @Test
  void repeatsWithinThePeriodAreWrittenOnceWithTheirCount() {
    EventThrottle t = new EventThrottle(Duration.ofMillis(300));
    List<Integer> writes = new CopyOnWriteArrayList<>();
    Instant t0 = Instant.now();
    t.occurred("shop/web.1", t0, writes::add);
    assertThat(writes).containsExactly(1);
    for (int i = 1; i <= 5; i++) {
      t.occurred("shop/web.1", t0.plusMillis(10 * i), writes::add);
    }
    assertThat(writes).as("held back within the period").containsExactly(1);
    t.occurred("shop/other.2", t0.plusMillis(20), writes::add);
    assertThat(writes).as("another Event is not held by this one").containsExactly(1, 1);
    await()
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(writes).containsExactly(1, 1, 5));
    t.occurred("shop/web.1", Instant.now().plusSeconds(1), writes::add);
    assertThat(writes).containsExactly(1, 1, 5, 1);
    assertThat(writes.stream().mapToInt(Integer::intValue).sum())
        .as("every occurrence counted once")
        .isEqualTo(1 + 5 + 1 + 1);
  }

  /**
   * #18 item 11: the operator stopping within a period writes what is held back (EventFlushOnStop
   * on Quarkus's shutdown), once, and the scheduled flush then finds nothing left to write.
   */
  @Test
  void whatIsHeldBackIsWrittenWhenTheOperatorStops() {
    EventThrottle t = new EventThrottle(Duration.ofSeconds(30));
    List<Integer> writes = new CopyOnWriteArrayList<>();
    Instant t0 = Instant.now();
    t.occurred("shop/web.1", t0, writes::add);
    t.occurred("shop/web.1", t0.plusMillis(10), writes::add);
    t.occurred("shop/web.1", t0.plusMillis(20), writes::add);
    t.occurred("shop/api.2", t0, writes::add);
    assertThat(writes).containsExactly(1, 1);
    assertThat(t.flushAll(Duration.ofSeconds(5))).isEqualTo(1);
    assertThat(writes).containsExactly(1, 1, 2);
    assertThat(t.flushAll(Duration.ofSeconds(5))).as("nothing held any more").isZero();
    assertThat(t.flushAll(Duration.ZERO)).isZero();
  }
}
