package io.gatewaydoctor.signals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines for the log readers: bytes are read as ISO-8859-1, so no encoding
 * (or garbage) stops the stream; a line longer than {@link #MAX_LINE} is cut there (the rest of it
 * is skipped), so memory stays flat whatever arrives. A final line without a newline is delivered.
 */
public final class LineSplitter {
  public static final int MAX_LINE = 64 * 1024;

  private LineSplitter() {}

  /** A line as bytes: {@code buf[from, to)}, without its newline; buf is reused after the call. */
  @FunctionalInterface
  public interface ByteLines {
    void line(byte[] buf, int from, int to);

    /**
     * Optionally reads the line that starts at {@code buf[from]} whole, if its newline comes before
     * {@code limit}, as {@link #line} would have read it; returns the index of its newline, or -1
     * when it was not read (then the splitter finds its end and calls {@link #line}).
     */
    default int lineAt(byte[] buf, int from, int limit) {
      return -1;
    }
  }

  /** Reads {@code in} to its end; returns the number of lines delivered. */
  public static long split(InputStream in, Consumer<String> sink) throws IOException {
    return splitBytes(
        in,
        (b, from, to) -> sink.accept(new String(b, from, to - from, StandardCharsets.ISO_8859_1)));
  }

  /**
   * The first newline in {@code b[from, to)}, or -1; eight bytes at a time (the block copied into a
   * Latin-1 string for String.indexOf was a fifth of reading an Envoy log).
   */
  static int newline(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i) ^ 0x0a0a0a0a0a0a0a0aL;
      // the lowest high bit set marks the first newline exactly (little-endian: first byte lowest)
      long hit = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
      if (hit != 0) {
        return i + (Long.numberOfTrailingZeros(hit) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** Reads {@code in} to its end, each line as bytes; returns the number of lines delivered. */
  public static long splitBytes(InputStream in, ByteLines sink) throws IOException {
    byte[] buf = new byte[1 << 16];
    byte[] carry = new byte[MAX_LINE];
    int carried = 0;
    boolean overlong = false;
    long lines = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      int start = 0;
      int i;
      while (true) {
        if (carried == 0 && !overlong && start < n) {
          i = sink.lineAt(buf, start, n);
          if (i >= 0) {
            lines++;
            start = i + 1;
            continue;
          }
        }
        i = newline(buf, start, n);
        if (i < 0) {
          break;
        }
        if (carried == 0 && !overlong) {
          sink.line(buf, start, i);
        } else {
          int take = Math.min(i - start, MAX_LINE - carried);
          if (!overlong && take > 0) {
            System.arraycopy(buf, start, carry, carried, take);
            carried += take;
          }
          sink.line(carry, 0, carried);
          carried = 0;
          overlong = false;
        }
        lines++;
        start = i + 1;
      }
      int rest = n - start;
      if (rest > 0 && !overlong) {
        int take = Math.min(rest, MAX_LINE - carried);
        System.arraycopy(buf, start, carry, carried, take);
        carried += take;
        overlong = take < rest || carried == MAX_LINE;
      }
    }
    if (carried > 0) {
      sink.line(carry, 0, carried);
      lines++;
    }
    return lines;
  }
}
