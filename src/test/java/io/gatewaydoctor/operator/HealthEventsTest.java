package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** #18 item 11: Event names stay within the API's limit whatever the object's name. */
class HealthEventsTest {
  @Test
  void anEventsNameFitsTheApiWhateverTheObjectsName() {
    String longest = "a".repeat(253); // the longest name a Kubernetes object may have
    String name = HealthEvents.shortName(longest) + "." + Integer.toHexString(Integer.MAX_VALUE);
    assertThat(name.length()).isLessThanOrEqualTo(253);
    assertThat(HealthEvents.shortName("web")).isEqualTo("web");
    assertThat(HealthEvents.shortName(null)).isEqualTo("unnamed");
  }
}
