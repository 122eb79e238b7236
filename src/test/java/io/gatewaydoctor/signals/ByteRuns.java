package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A run of lines fed to one builder as bytes and to another as strings, checked to count the same
 * evidence (the byte readers' property tests).
 */
final class ByteRuns {
  private ByteRuns() {}

  /**
   * Checks that {@code lines} count alike as bytes and as strings, in a window of {@code
   * windowSeconds} before {@code now}, with {@code maxKeys} keys, every failed address kept or not;
   * whether the strings counted anything.
   */
  static boolean countAlike(
      List<String> lines, Instant now, int windowSeconds, int maxKeys, boolean uncapped) {
    GatewayEvidence.Builder strings = bounded(now, windowSeconds, maxKeys, uncapped);
    GatewayEvidence.Builder bytes = bounded(now, windowSeconds, maxKeys, uncapped);
    for (String l : lines) {
      byte[] b = ("x" + l).getBytes(StandardCharsets.ISO_8859_1);
      assertThat(bytes.line(b, 1, b.length)).isEqualTo(strings.line(l));
    }
    assertThat(bytes.build().toString()).isEqualTo(strings.build().toString());
    assertThat(bytes.droppedKeys()).isEqualTo(strings.droppedKeys());
    assertThat(bytes.newest()).isEqualTo(strings.newest());
    return strings.build().hasLogs();
  }

  private static GatewayEvidence.Builder bounded(
      Instant now, int windowSeconds, int maxKeys, boolean uncapped) {
    GatewayEvidence.Builder b =
        new GatewayEvidence.Builder(now, Duration.ofSeconds(windowSeconds)).maxKeys(maxKeys);
    return uncapped ? b.uncappedFailures() : b;
  }
}
