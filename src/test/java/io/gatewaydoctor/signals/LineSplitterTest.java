package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The newline search of {@link LineSplitter#splitBytes} (eight bytes at a time) against the plain
 * byte loop: every place and alignment, next to the bytes that differ from a newline in one bit or
 * in the high bit only, and the lines a whole stream splits into.
 */
class LineSplitterTest {
  static int plain(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  @Test
  void findsTheFirstNewlineWhereverItIs() {
    byte[] near = {0x0b, 0x08, 0x0e, 0x02, 0x1a, 0x4a, (byte) 0x8a, (byte) 0xff, 0x00, 0x09};
    int checked = 0;
    for (int len = 0; len <= 40; len++) {
      for (int from = 0; from <= Math.min(len, 9); from++) {
        for (int nl = -1; nl < len; nl++) {
          byte[] b = new byte[len];
          for (int i = 0; i < len; i++) {
            b[i] = near[(i * 7 + len) % near.length];
          }
          if (nl >= 0) {
            b[nl] = '\n';
            if (nl + 3 < len) {
              b[nl + 3] = '\n'; // a second one: the first is wanted
            }
          }
          assertThat(LineSplitter.newline(b, from, len))
              .as("len %d from %d newline at %d", len, from, nl)
              .isEqualTo(plain(b, from, len));
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(3_000);
  }

  @Test
  void splitsARandomStreamAsTheByteLoopDoes() throws IOException {
    Random r = new Random(7);
    byte[] b = new byte[300_000];
    for (int i = 0; i < b.length; i++) {
      int k = r.nextInt(40);
      b[i] = (byte) (k == 0 ? '\n' : k == 1 ? 0x8a : k == 2 ? 0x0b : 'a' + k % 26);
    }
    List<String> expected = new ArrayList<>();
    int start = 0;
    for (int i; (i = plain(b, start, b.length)) >= 0; start = i + 1) {
      expected.add(new String(b, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    expected.add(
        new String(b, start, b.length - start, java.nio.charset.StandardCharsets.ISO_8859_1));
    List<String> lines = new ArrayList<>();
    long n =
        LineSplitter.splitBytes(
            new ByteArrayInputStream(b),
            (buf, f, t) ->
                lines.add(new String(buf, f, t - f, java.nio.charset.StandardCharsets.ISO_8859_1)));
    assertThat(n).isEqualTo(expected.size());
    assertThat(lines).isEqualTo(expected);
  }
}
