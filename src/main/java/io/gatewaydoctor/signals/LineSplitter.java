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
  }

  /** Reads {@code in} to its end; returns the number of lines delivered. */
  public static long split(InputStream in, Consumer<String> sink) throws IOException {
    return splitBytes(
        in,
        (b, from, to) -> sink.accept(new String(b, from, to - from, StandardCharsets.ISO_8859_1)));
  }

  /** Reads {@code in} to its end, each line as bytes; returns the number of lines delivered. */
  public static long splitBytes(InputStream in, ByteLines sink) throws IOException {
    byte[] buf = new byte[1 << 16];
    byte[] carry = new byte[MAX_LINE];
    int carried = 0;
    boolean overlong = false;
    long lines = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      // the block as one Latin-1 string only to find the newlines: String.indexOf looks at many
      // bytes at a time
      String block = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
      int start = 0;
      int i;
      while ((i = block.indexOf('\n', start)) >= 0) {
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
