package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

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
    // the same lines cut by the splitter, in reads of any size: Envoy lines found and read in one
    // pass where they can be ({@link GatewayEvidence.Builder#byteLines}) count the same
    byte[] all = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    GatewayEvidence.Builder split = bounded(now, windowSeconds, maxKeys, uncapped);
    long cut;
    try {
      cut =
          LineSplitter.splitBytes(new Chunks(all, new Random(lines.hashCode())), split.byteLines());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(cut).isEqualTo(lines.size());
    assertThat(split.build().toString()).isEqualTo(strings.build().toString());
    assertThat(split.droppedKeys()).isEqualTo(strings.droppedKeys());
    assertThat(split.newest()).isEqualTo(strings.newest());
    return strings.build().hasLogs();
  }

  /** Bytes handed out in reads of 1 to 3,000 bytes, so lines straddle the splitter's reads. */
  private static final class Chunks extends InputStream {
    private final byte[] b;
    private final Random r;
    private int pos;

    Chunks(byte[] b, Random r) {
      this.b = b;
      this.r = r;
    }

    @Override
    public int read() {
      return pos < b.length ? b[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] to, int off, int len) {
      if (pos >= b.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, b.length - pos), 1 + r.nextInt(3000));
      System.arraycopy(b, pos, to, off, n);
      pos += n;
      return n;
    }
  }

  private static GatewayEvidence.Builder bounded(
      Instant now, int windowSeconds, int maxKeys, boolean uncapped) {
    GatewayEvidence.Builder b =
        new GatewayEvidence.Builder(now, Duration.ofSeconds(windowSeconds)).maxKeys(maxKeys);
    return uncapped ? b.uncappedFailures() : b;
  }
}
