package io.gatewaydoctor.cli;

import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.LineSplitter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Reads gateway log files on several cores: each file is cut into parts at line ends, the parts are
 * read at once, each into a builder of its own, and the builders are joined in the files' order, so
 * the result is what one reader going through the files line by line counts.
 *
 * <p>One thing a part cannot know alone: ingress-nginx error lines carry no UTC offset and take the
 * one of the access lines before them. A part that meets such a line before any access line with an
 * offset leaves the lines from there to that access line uncounted, and they are read again, in
 * order, once the offset at the end of the part before is known.
 */
final class LogParts {
  private LogParts() {}

  /** A stretch of a file: from the start of a line to the start of another (or the end). */
  record Part(Path file, long start, long end) {}

  /** What one part counted: lines [0, deferFrom) in head, [deferTo, end) in tail. */
  private static final class Read {
    GatewayEvidence.Builder head;
    GatewayEvidence.Builder tail;
    long deferFrom = -1;
    long deferTo = Long.MAX_VALUE;
  }

  /**
   * Reads every line of {@code files} into {@code whole}, on {@code threads} threads, parts of
   * about {@code partBytes}, each part into a builder from {@code builders} (which must count as
   * {@code whole} does, keeping every failed address: {@link
   * GatewayEvidence.Builder#uncappedFailures()}).
   */
  static GatewayEvidence.Builder read(
      List<Path> files,
      GatewayEvidence.Builder whole,
      Supplier<GatewayEvidence.Builder> builders,
      long partBytes,
      int threads)
      throws IOException {
    List<Part> parts = new ArrayList<>();
    for (Path f : files) {
      parts.addAll(cut(f, partBytes));
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "log-part");
              t.setDaemon(true);
              return t;
            });
    try {
      Deque<Future<Read>> running = new ArrayDeque<>();
      int next = 0;
      int carry = 0; // the UTC offset at the end of the parts joined so far
      for (int joined = 0; joined < parts.size(); joined++) {
        while (next < parts.size() && running.size() < threads * 2) {
          Part p = parts.get(next);
          boolean first = next == 0;
          running.add(pool.submit(() -> readPart(p, builders, first)));
          next++;
        }
        Read r = join(running.poll());
        Part p = parts.get(joined);
        whole.absorb(r.head);
        if (r.deferFrom >= 0) {
          GatewayEvidence.Builder between = builders.get().seedOffset(carry);
          long from = r.deferFrom;
          long to = r.deferTo;
          long[] i = {0};
          try {
            lines(
                p,
                (b, f, t) -> {
                  long n = i[0]++;
                  if (n >= to) {
                    throw new Enough(); // the rest of the part was counted already
                  }
                  if (n >= from) {
                    between.line(b, f, t);
                  }
                });
          } catch (Enough e) {
            // read as far as needed
          }
          whole.absorb(between);
          if (r.tail != null) {
            whole.absorb(r.tail);
            carry = r.tail.offsetSeconds();
          }
        } else if (r.head.offsetKnown()) {
          carry = r.head.offsetSeconds();
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return whole;
  }

  /** Ends a reading that has what it needs. */
  private static final class Enough extends RuntimeException {
    Enough() {
      super(null, null, false, false);
    }
  }

  private static Read join(Future<Read> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err; // out of memory in a part is out of memory, not a file that cannot be read
      }
      throw new IOException(e.getCause());
    }
  }

  private static Read readPart(Part p, Supplier<GatewayEvidence.Builder> builders, boolean first)
      throws IOException {
    Read r = new Read();
    r.head = builders.get();
    if (!first) {
      r.head.deferUnknownOffset();
    }
    GatewayEvidence.Builder[] scratch = {null};
    long[] i = {0};
    lines(
        p,
        new LineSplitter.ByteLines() {
          @Override
          public void line(byte[] b, int f, int t) {
            long n = i[0]++;
            if (r.tail != null) {
              r.tail.line(b, f, t);
            } else if (scratch[0] == null) {
              r.head.line(b, f, t);
              if (r.head.takeDeferred()) {
                r.deferFrom = n;
                scratch[0] = builders.get().deferUnknownOffset();
              }
            } else {
              // only to learn where the offset becomes known; these lines are counted later
              scratch[0].line(b, f, t);
              if (scratch[0].offsetKnown()) {
                r.deferTo = n;
                r.tail = builders.get();
                r.tail.line(b, f, t);
              }
            }
          }

          @Override
          public int lineAt(byte[] b, int f, int limit) {
            // an Envoy line read whole (it never waits for an offset: its time is UTC)
            GatewayEvidence.Builder to =
                r.tail != null ? r.tail : scratch[0] == null ? r.head : null;
            int end = to == null ? -1 : to.lineAt(b, f, limit);
            if (end >= 0) {
              i[0]++;
            }
            return end;
          }
        });
    return r;
  }

  /** Cuts a file into parts of about {@code partBytes}, each ending just after a newline. */
  static List<Part> cut(Path f, long partBytes) throws IOException {
    List<Part> out = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(f)) {
      long size = ch.size();
      long start = 0;
      while (start < size) {
        long end = start + partBytes >= size ? size : lineStartAfter(ch, start + partBytes, size);
        out.add(new Part(f, start, end));
        start = end;
      }
    }
    return out;
  }

  /** The position just after the first newline at or after {@code from - 1}, or the end. */
  private static long lineStartAfter(FileChannel ch, long from, long size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    long pos = from - 1;
    while (pos < size) {
      buf.clear();
      int n = ch.read(buf, pos);
      if (n <= 0) {
        return size;
      }
      for (int k = 0; k < n; k++) {
        if (buf.get(k) == '\n') {
          return pos + k + 1;
        }
      }
      pos += n;
    }
    return size;
  }

  /** The lines of a part, cut as {@link LineSplitter} cuts a whole file. */
  static void lines(Part p, LineSplitter.ByteLines sink) throws IOException {
    try (FileChannel ch = FileChannel.open(p.file())) {
      LineSplitter.splitBytes(new Region(ch, p.start(), p.end()), sink);
    }
  }

  /** The bytes [start, end) of a file, read with positional reads. */
  private static final class Region extends InputStream {
    private final FileChannel ch;
    private final long end;
    private long pos;

    Region(FileChannel ch, long start, long end) {
      this.ch = ch;
      this.pos = start;
      this.end = end;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= end) {
        return -1;
      }
      int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
      if (n < 0) {
        return -1;
      }
      pos += n;
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
  }
}
