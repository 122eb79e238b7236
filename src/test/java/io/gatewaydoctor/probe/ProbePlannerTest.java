package io.gatewaydoctor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What a tenant's annotation or path can make the prober do: bounded, literal, never a regex or a
 * control character.
 */
class ProbePlannerTest {
  @Test
  void onlyLiteralPathsAreProbed() {
    assertThat(ProbePlanner.literal("/report")).isTrue();
    assertThat(ProbePlanner.literal("/api/v1/orders")).isTrue();
    assertThat(ProbePlanner.literal("/api/(v1|v2)")).isFalse();
    assertThat(ProbePlanner.literal("/x.*")).isFalse();
    assertThat(ProbePlanner.literal("/a b")).as("a space would split the request line").isFalse();
    assertThat(ProbePlanner.literal("/a\r\nHost: evil")).as("no header injection").isFalse();
    assertThat(ProbePlanner.literal("report")).isFalse();
    assertThat(ProbePlanner.literal("/" + "a".repeat(300))).isFalse();
  }
}
