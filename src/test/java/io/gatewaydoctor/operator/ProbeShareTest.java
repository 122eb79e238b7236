package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * #18 item 6: one namespace runs at most its share of the probe rounds at once; the others start
 * meanwhile.
 */
class ProbeShareTest {
  @Test
  void aNamespaceTakesAtMostItsShareOfTheRounds() {
    Set<ResourceID> running = Set.of(new ResourceID("a", "noisy"), new ResourceID("b", "noisy"));
    assertThat(ProbeScheduler.mayStart(running, new ResourceID("c", "noisy"), 2)).isFalse();
    assertThat(ProbeScheduler.mayStart(running, new ResourceID("web", "shop"), 2)).isTrue();
    assertThat(ProbeScheduler.mayStart(Set.of(), new ResourceID("c", "noisy"), 1)).isTrue();
  }
}
