package io.gatewaydoctor.signals;

import java.util.function.Consumer;

/**
 * Reads one gateway's log stream line by line (access and error lines mixed, as the controller pod
 * writes them) and hands on what it understood. Error lines carry no UTC offset: they are shifted
 * by the offset of the same stream's access lines. One per stream, not thread-safe.
 */
public final class LogFeed {
  private final Consumer<AccessLine> access;
  private final Consumer<ErrorLine> error;
  private final LogFormat format;
  private final int[] offset = new int[1];
  private int offsetSeconds;
  private boolean offsetKnown;
  private boolean deferUnknownOffset;
  private boolean deferred;
  private long understood;
  private long skipped;

  public LogFeed(Consumer<AccessLine> access, Consumer<ErrorLine> error) {
    this(access, error, null);
  }

  /** With a custom access format (null: ingress-nginx's default log-format-upstream). */
  public LogFeed(Consumer<AccessLine> access, Consumer<ErrorLine> error, LogFormat format) {
    this.access = access;
    this.error = error;
    this.format = format;
  }

  /**
   * One raw line; false when it was neither an access line nor an upstream error line. The wrappers
   * of kubectl's --prefix and --timestamps, stern, CRI log files and Docker's JSON files are taken
   * off first ({@link LogShapes}).
   */
  public boolean line(String raw) {
    return line(raw, null);
  }

  /**
   * What the Envoy JSON access line in {@code b[from, to)} means, read from its bytes by {@code r}
   * ({@link EnvoyJsonBytes#shape}: its time is {@code r}'s), counted as understood; or null, and
   * the caller hands the line to {@link #line(String)}. The caller counts its request and its
   * upstream's failure as {@link #line(String)} would hand them on.
   */
  EnvoyLogParser.Parsed envoy(EnvoyJsonBytes r, byte[] b, int from, int to) {
    return format != null ? null : understood(r.shape(b, from, to));
  }

  /**
   * What the Envoy JSON access line that starts at {@code b[from]} means, its newline found before
   * {@code limit} by {@code r} ({@link EnvoyJsonBytes#shapeAt}); as {@link #envoy} says of the same
   * line.
   */
  EnvoyLogParser.Parsed envoyAt(EnvoyJsonBytes r, byte[] b, int from, int limit) {
    return format != null ? null : understood(r.shapeAt(b, from, limit));
  }

  /** Counts a line read from its bytes as understood, if it was. */
  private EnvoyLogParser.Parsed understood(EnvoyLogParser.Parsed p) {
    if (p != null) {
      understood++;
    }
    return p;
  }

  /**
   * Whether the line in {@code b[from, to)} is an access line of the default format that {@code r}
   * reads from its bytes ({@link NginxAccessBytes#scan}); then it is counted as understood and its
   * UTC offset taken, and the caller counts what {@code r} found. Else the caller hands the line to
   * {@link #line(String)}.
   */
  boolean scan(NginxAccessBytes r, byte[] b, int from, int to) {
    if (format != null || !r.scan(b, from, to)) {
      return false;
    }
    offsetSeconds = r.offsetSeconds();
    offsetKnown = true;
    understood++;
    return true;
  }

  /**
   * One raw line, counted at {@code at} when given (the kubelet's timestamp of the line: what a
   * client wrote into the line, or a controller's time zone, cannot move it in time).
   */
  public boolean line(String raw, java.time.Instant at) {
    LogShapes.Unwrapped u = LogShapes.unwrap(raw);
    if (u.line() == null) {
      skipped++; // a fragment of a longer line (CRI "P"): not a line of its own
      return false;
    }
    if (parse(u.line(), at != null ? at : u.at())) {
      return true;
    }
    // a custom format may begin with its own $time_iso8601: then the "wrapper" was the line's
    if (!u.line().equals(raw) && raw != null && parse(raw, at)) {
      return true;
    }
    for (int names = 2;
        names <= 3;
        names++) { // stern: POD CONTAINER, or with -A NAMESPACE POD CONTAINER
      LogShapes.Unwrapped stern = LogShapes.stern(u.line(), names);
      if (stern != null
          && parse(stern.line(), at != null ? at : stern.at() != null ? stern.at() : u.at())) {
        return true;
      }
    }
    skipped++;
    return false;
  }

  private boolean parse(String raw, java.time.Instant at) {
    if (format == null && EnvoyLogParser.looksLike(raw)) {
      return envoy(raw, at);
    }
    AccessLine a;
    if (format == null) {
      a = NginxLogParser.access(raw);
      Integer off = a == null ? null : NginxLogParser.offsetSeconds(raw);
      if (off != null) {
        offsetSeconds = off;
        offsetKnown = true;
      }
    } else {
      offset[0] = UNSET;
      a = format.parse(raw, offset);
      if (a != null && offset[0] != UNSET) {
        offsetSeconds = offset[0];
        offsetKnown = true;
      }
    }
    if (a != null) {
      understood++;
      access.accept(at == null ? a : a.at(at));
      return true;
    }
    if (format != null && EnvoyLogParser.looksLike(raw)) {
      return envoy(raw, at);
    }
    ErrorLine e = NginxLogParser.error(raw);
    if (e != null && at == null && deferUnknownOffset && !offsetKnown) {
      deferred = true; // its time needs the offset of access lines this feed has not seen
      return true;
    }
    if (e != null) {
      understood++;
      error.accept(
          new ErrorLine(
              at != null ? at : e.time().minusSeconds(offsetSeconds),
              e.reason(),
              e.upstreamAddr(),
              e.server(),
              e.message()));
      return true;
    }
    return false;
  }

  /**
   * An Envoy access line (Envoy Gateway, Istio, Envoy's default): the request, and the reason its
   * upstream failed as an error line of the same instant.
   */
  private boolean envoy(String raw, java.time.Instant at) {
    EnvoyLogParser.Parsed p = EnvoyLogParser.parse(raw);
    return handOn(p == null || at == null ? p : p.at(at));
  }

  /** Counts an Envoy line and hands on its request and its upstream's failure; false: none. */
  private boolean handOn(EnvoyLogParser.Parsed p) {
    if (p == null) {
      return false;
    }
    understood++;
    access.accept(p.access());
    if (p.error() != null) {
      error.accept(p.error());
    }
    return true;
  }

  private static final int UNSET = Integer.MIN_VALUE;

  /**
   * For a feed that starts in the middle of a stream: an error line that needs the UTC offset of
   * access lines before any was seen is neither counted nor handed on, and {@link #takeDeferred()}
   * says so (the reader counts it once the offset of the lines before is known).
   */
  public LogFeed deferUnknownOffset() {
    this.deferUnknownOffset = true;
    return this;
  }

  /** Starts with the UTC offset that the lines before this feed's first carried. */
  public LogFeed seedOffset(int seconds) {
    this.offsetSeconds = seconds;
    this.offsetKnown = true;
    return this;
  }

  /** Whether the last line was deferred (see {@link #deferUnknownOffset()}); clears the flag. */
  public boolean takeDeferred() {
    boolean d = deferred;
    deferred = false;
    return d;
  }

  /** Whether an access line set the UTC offset (or it was seeded). */
  public boolean offsetKnown() {
    return offsetKnown;
  }

  /** The UTC offset of the last access line that carried one, in seconds (0 before any). */
  public int offsetSeconds() {
    return offsetSeconds;
  }

  public long understood() {
    return understood;
  }

  public long skipped() {
    return skipped;
  }
}
