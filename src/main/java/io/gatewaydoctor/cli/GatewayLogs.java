package io.gatewaydoctor.cli;

import io.gatewaydoctor.gateway.IngressNginx;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.ControllerConfig;
import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.LineSplitter;
import io.gatewaydoctor.signals.LogFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code --gateway-log FILE} (ingress-nginx controller logs: access and error lines mixed, as
 * {@code kubectl logs} prints them), cut into lines by {@link LineSplitter}; lines that are neither
 * kind are counted, never fatal.
 */
final class GatewayLogs {
  private GatewayLogs() {}

  /** Inputs of at least this many bytes are read on every core ({@link LogParts}). */
  static final long PARALLEL_BYTES = 32L << 20;

  /** The newest time stamped on any line, for the evaluation instant of offline input. */
  static Optional<Instant> newest(List<Path> files, LogFormat format)
      throws InputFiles.InputException {
    // the same reading as the real one (error-log times shifted by the access lines' offset), with
    // no window
    return Optional.ofNullable(
        builder(files, () -> new GatewayEvidence.Builder(Instant.MAX, Duration.ZERO), format)
            .newest());
  }

  static GatewayEvidence read(List<Path> files, Instant now, Duration window, LogFormat format)
      throws InputFiles.InputException {
    return builder(files, () -> new GatewayEvidence.Builder(now, window), format).build();
  }

  /** The evidence of the logs read at an instant, and the newest time on any of their lines. */
  record AtNewest(Instant at, GatewayEvidence evidence) {}

  /**
   * A reading of the logs begun before the objects are read, on a thread of its own, so that the
   * two inputs are read at once: at {@code --now} or at the newest time on the files' last lines,
   * in the format given on the command line (or the default). The objects may say otherwise (a
   * ConfigMap's log-format-upstream, an object newer than every line): then it is cancelled and the
   * logs are read again as they would have been without it. Either way the result is one reading of
   * the files (as any reading, of the files as they are while it reads them).
   */
  static final class Early {
    private final List<Path> files;
    private final Duration window;
    private final LogFormat format;
    private final java.util.concurrent.CompletableFuture<Instant> at =
        new java.util.concurrent.CompletableFuture<>();
    private final java.util.concurrent.FutureTask<GatewayEvidence> reading;

    private Early(List<Path> files, Instant fixed, Duration window, LogFormat format) {
      this.files = List.copyOf(files);
      this.window = window;
      this.format = format;
      this.reading =
          new java.util.concurrent.FutureTask<>(
              () -> {
                try {
                  Instant when = fixed;
                  if (when == null) {
                    when = tailsNewest(files, format);
                    tails = java.util.Optional.ofNullable(when);
                  }
                  at.complete(when);
                  return when == null ? null : read(files, when, window, format);
                } finally {
                  at.complete(null); // whatever stopped it (an Error too): take() never waits
                }
              });
    }

    /** Starts reading {@code files}; null when there is nothing to read early. */
    static Early start(List<Path> files, Instant fixed, Duration window, LogFormat format) {
      if (files.isEmpty()) {
        return null;
      }
      Early e = new Early(files, fixed, window, format);
      Thread t = new Thread(e.reading, "gateway-logs-early");
      t.setDaemon(true);
      t.start();
      return e;
    }

    /**
     * The evidence of {@code files} read at {@code when} in {@code format} over {@code window},
     * when this reading is that one (waiting for it to end); else null, and this reading stops.
     */
    GatewayEvidence take(List<Path> files, Instant when, Duration window, LogFormat format)
        throws InputFiles.InputException {
      try {
        if (!this.files.equals(files)
            || !this.window.equals(window)
            || !java.util.Objects.equals(this.format, format)
            || !when.equals(at.get())) {
          cancel();
          return null;
        }
        return reading.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InputFiles.InputException("--gateway-log: interrupted");
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof InputFiles.InputException ie) {
          throw ie;
        }
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        if (e.getCause() instanceof Error err) {
          throw err; // out of memory stays out of memory (analyze's own advice), not a read error
        }
        throw new InputFiles.InputException("--gateway-log: cannot read: " + e.getCause());
      }
    }

    /** What {@link #tailsNewest} said of these files before the reading (null: not asked). */
    private volatile java.util.Optional<Instant> tails;

    /**
     * {@link #tailsNewest} of {@code files} in {@code format}, as this reading found it before it
     * began (waiting for that); null when it did not look or looked at other files. Reading the
     * tails again on another thread while the reading runs is not only work done twice: its first
     * lines through a fresh reader made the JIT drop the readers' optimised code (their branches
     * for a first line had never been taken), and the reading ran slow until it was compiled again.
     */
    java.util.Optional<Instant> tails(List<Path> files, LogFormat format) {
      if (!this.files.equals(files) || !java.util.Objects.equals(this.format, format)) {
        return null;
      }
      try {
        at.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (java.util.concurrent.ExecutionException e) {
        return null;
      }
      return tails;
    }

    /** Stops the reading if it still runs (its threads end at their next read of the file). */
    void cancel() {
      at.complete(null);
      reading.cancel(true);
    }
  }

  /** {@link #read}, taken from {@code early} when that is the same reading. */
  static GatewayEvidence read(
      List<Path> files, Instant now, Duration window, LogFormat format, Early early)
      throws InputFiles.InputException {
    GatewayEvidence e = early == null ? null : early.take(files, now, window, format);
    return e != null ? e : read(files, now, window, format);
  }

  /**
   * The logs read at the newest instant of {@code objects} and of every log line, in one pass when
   * the newest line is among the last of a file (as it is in a log), else two: the pass is read at
   * a guess from the files' tails, and read again when a line turns out newer.
   */
  static AtNewest atNewest(
      List<Path> files, Optional<Instant> objects, Duration window, LogFormat format)
      throws InputFiles.InputException {
    return atNewest(files, objects, window, format, null);
  }

  /** {@link #atNewest}, its first reading taken from {@code early} when that is the same. */
  static AtNewest atNewest(
      List<Path> files, Optional<Instant> objects, Duration window, LogFormat format, Early early)
      throws InputFiles.InputException {
    Optional<Instant> tails = early == null ? null : early.tails(files, format);
    if (tails == null) {
      tails = Optional.ofNullable(tailsNewest(files, format));
    }
    Optional<Instant> guess = max(objects, tails);
    Optional<Instant> real;
    if (guess.isPresent()) {
      GatewayEvidence e = read(files, guess.get(), window, format, early);
      // every line's time counts for the newest, in the window or not: this reading has it
      real = max(objects, Optional.ofNullable(e.newest()));
      if (real.equals(guess)) {
        return new AtNewest(guess.get(), e);
      }
    } else {
      real = max(objects, newest(files, format));
    }
    return real.isEmpty()
        ? null
        : new AtNewest(real.get(), read(files, real.get(), window, format));
  }

  private static Optional<Instant> max(Optional<Instant> a, Optional<Instant> b) {
    return a.isEmpty() ? b : b.isEmpty() || a.get().isAfter(b.get()) ? a : b;
  }

  /** The newest time on the last lines (64 KiB) of each file; null when none reads. */
  private static Instant tailsNewest(List<Path> files, LogFormat format) {
    GatewayEvidence.Builder b =
        new GatewayEvidence.Builder(Instant.MAX, Duration.ZERO).format(format);
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        continue; // a pipe or a device would block its opening: the reading says what it is
      }
      try {
        long size = Files.size(f);
        long from = Math.max(0, size - (64 << 10));
        LogParts.lines(
            new LogParts.Part(f, from, size),
            new LineSplitter.ByteLines() {
              boolean whole = from == 0;

              @Override
              public void line(byte[] buf, int start, int end) {
                if (whole) {
                  b.line(buf, start, end);
                }
                whole = true; // the first line of a tail is the end of a longer one
              }
            });
      } catch (IOException | RuntimeException e) {
        // only a guess; the full reading says what is wrong with the file
      }
    }
    return b.newest();
  }

  private static GatewayEvidence.Builder builder(
      List<Path> files,
      java.util.function.Supplier<GatewayEvidence.Builder> builders,
      LogFormat format)
      throws InputFiles.InputException {
    long bytes = 0;
    for (Path f : files) {
      requireRegularFile(f);
      try {
        bytes += Files.size(f);
      } catch (IOException e) {
        throw new InputFiles.InputException(f + ": cannot read: " + e.getMessage());
      }
    }
    int cores = Runtime.getRuntime().availableProcessors();
    if (cores > 1 && bytes >= PARALLEL_BYTES) {
      try {
        return LogParts.read(
            files,
            builders.get().format(format),
            () -> builders.get().format(format).uncappedFailures(),
            Math.max(4L << 20, Math.min(64L << 20, bytes / (cores * 8L))),
            cores);
      } catch (IOException e) {
        throw new InputFiles.InputException("--gateway-log: cannot read: " + e.getMessage());
      }
    }
    GatewayEvidence.Builder b = builders.get().format(format);
    each(files, b.byteLines());
    return b;
  }

  /**
   * The access-log format to read: {@code flagged} (--log-format) when given, else the
   * log-format-upstream of the ingress-nginx controllers' ConfigMap in the input when they all
   * agree, else ingress-nginx's default (null). Says on {@code err} which it took and why.
   */
  static LogFormat format(ClusterSnapshot snapshot, LogFormat flagged, PrintWriter err) {
    if (flagged != null) {
      return flagged;
    }
    java.util.Map<String, String> formats = new java.util.TreeMap<>();
    for (ControllerConfig c : ControllerConfig.all(snapshot)) {
      IngressNginx.INSTANCE.accessLogFormat(c).ifPresent(f -> formats.put(c.source(), f));
    }
    if (formats.isEmpty()) {
      return null;
    }
    if (new java.util.HashSet<>(formats.values()).size() > 1) {
      err.println(
          "warning: the ingress-nginx ConfigMaps "
              + String.join(", ", formats.keySet())
              + " set different log-format-upstream values; reading the default format"
              + " (--log-format FORMAT says which)");
      return null;
    }
    String source = formats.keySet().iterator().next();
    try {
      LogFormat f = LogFormat.of(formats.get(source));
      err.println(
          "gateway logs: access-log format from ConfigMap " + source + " (log-format-upstream)");
      return f;
    } catch (IllegalArgumentException e) {
      err.println(
          "warning: log-format-upstream of ConfigMap "
              + source
              + " cannot be read ("
              + e.getMessage()
              + "); reading the default format");
      return null;
    }
  }

  /**
   * Refuses a log that is not a regular file: a pipe would block its opening, a device never end.
   */
  private static void requireRegularFile(Path f) throws InputFiles.InputException {
    if (!Files.isRegularFile(f)) {
      throw new InputFiles.InputException(
          f + (Files.exists(f) ? ": not a regular file" : ": no such file") + " (--gateway-log)");
    }
  }

  private static void each(List<Path> files, LineSplitter.ByteLines sink)
      throws InputFiles.InputException {
    for (Path f : files) {
      requireRegularFile(f);
      try (var in = Files.newInputStream(f)) {
        LineSplitter.splitBytes(in, sink);
      } catch (IOException e) {
        throw new InputFiles.InputException(f + ": cannot read: " + e.getMessage());
      }
    }
  }
}
