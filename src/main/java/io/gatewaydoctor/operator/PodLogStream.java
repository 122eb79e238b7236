package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.gatewaydoctor.signals.LineSplitter;
import io.gatewaydoctor.signals.LogFeed;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.jboss.logging.Logger;

/**
 * Follows the log of one container of one controller pod through the pods/log API, with the
 * kubelet's timestamps: the first connection starts {@code backfill} back, every later one (the
 * stream ended: a restart of the container, an API server that cut the watch, a network error)
 * resumes at the last timestamp seen, skipping the lines already read. A connection silent for
 * {@link #IDLE} is closed and resumed the same way (a half-open stream never holds the thread).
 * Reconnects back off from one second to thirty while nothing arrives. Runs on its own thread until
 * {@link #close()}.
 */
final class PodLogStream implements Runnable, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(PodLogStream.class);
  static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /**
   * A connection that brings nothing for this long is closed and resumed: a half-open stream (a
   * peer gone without a FIN, a proxy that stopped forwarding) would otherwise block its thread
   * forever while the controller logs on. A quiet controller costs one request per period.
   */
  static final Duration IDLE = Duration.ofMinutes(5);

  /** One daemon thread checks every stream's idleness. */
  private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gateway-doctor-log-watchdog");
            t.setDaemon(true);
            return t;
          });

  final String namespace;
  final String pod;
  final String container;
  private final KubernetesClient client;
  private final LogFeed feed;
  private final Duration backfill;
  private final Duration idle;
  private volatile long lastActivityNanos;
  private volatile boolean closed;
  private volatile LogWatch current;

  /**
   * The newest kubelet timestamp read, and how many lines read so far carry a timestamp in or after
   * its second: a reconnect asks for lines since that second, and the kubelet sends them again in
   * the same order, so that many lines are skipped (by position: stdout and stderr lines may be
   * stamped out of order, and none is dropped while reading live).
   */
  private Instant lastTs;

  private final java.util.TreeMap<Long, Integer> perSecond = new java.util.TreeMap<>();
  private long skip;
  volatile long lines;

  /**
   * Lines read as access or upstream-error lines (the rest is the controller's own chatter, or a
   * format not understood: counted near zero while lines flow means the format is wrong).
   */
  volatile long counted;

  volatile long connections;

  PodLogStream(
      KubernetesClient client,
      String namespace,
      String pod,
      String container,
      LogFeed feed,
      Duration backfill) {
    this(client, namespace, pod, container, feed, backfill, IDLE);
  }

  PodLogStream(
      KubernetesClient client,
      String namespace,
      String pod,
      String container,
      LogFeed feed,
      Duration backfill,
      Duration idle) {
    this.idle = idle;
    this.client = client;
    this.namespace = namespace;
    this.pod = pod;
    this.container = container;
    this.feed = feed;
    this.backfill = backfill;
  }

  @Override
  public void run() {
    Duration backoff = MIN_BACKOFF;
    while (!closed) {
      long before = lines;
      try {
        connect();
      } catch (RuntimeException | java.io.IOException e) {
        LOG.debugf("log of %s/%s: %s", namespace, pod, e.getMessage());
      }
      if (closed) {
        return;
      }
      backoff = lines > before ? MIN_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void connect() throws java.io.IOException {
    var log =
        client.pods().inNamespace(namespace).withName(pod).inContainer(container).usingTimestamps();
    connections++;
    resuming();
    LogWatch w =
        lastTs == null
            ? log.sinceSeconds((int) Math.max(1, backfill.toSeconds())).watchLog()
            : log.sinceTime(lastTs.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
                .watchLog();
    current = w;
    lastActivityNanos = System.nanoTime();
    java.util.concurrent.atomic.AtomicBoolean cut = new java.util.concurrent.atomic.AtomicBoolean();
    boolean ended = false;
    try (InputStream in = w.getOutput()) {
      long check = Math.max(50, idle.toMillis() / 4);
      var watchdog =
          WATCHDOG.scheduleWithFixedDelay(
              () -> {
                try {
                  if (System.nanoTime() - lastActivityNanos > idle.toNanos()) {
                    cut.set(true);
                    LOG.debugf("log of %s/%s: nothing for %s, reconnecting", namespace, pod, idle);
                    w.close();
                    in.close(); // the reader may wait on the stream, not on the connection
                  }
                } catch (java.io.IOException | RuntimeException e) {
                  // closed already: the reader ends either way (an exception here must not end
                  // the watchdog)
                }
              },
              check,
              check,
              java.util.concurrent.TimeUnit.MILLISECONDS);
      try {
        if (!closed) {
          LineSplitter.split(in, this::line);
          ended = !cut.get();
        }
      } finally {
        watchdog.cancel(false);
      }
    } finally {
      current = null;
      if (!ended) {
        w.close(); // cut short (closed, or a read error): release the connection
      }
      // a watch whose response ended is not closed again: its connection may already serve another
      // request
    }
  }

  /**
   * A new connection repeats the lines read since the second of the newest timestamp: they are
   * skipped once more.
   */
  synchronized void resuming() {
    skip =
        lastTs == null
            ? 0
            : perSecond.tailMap(lastTs.getEpochSecond(), true).values().stream()
                .mapToLong(Integer::longValue)
                .sum();
  }

  /**
   * Where a stream stopped: its newest timestamp and the lines per second since, for a stream of
   * the same pod started again later (a pod that left the followed set and came back) to resume
   * there instead of reading its backfill a second time into the evidence.
   */
  record Resume(Instant lastTs, java.util.SortedMap<Long, Integer> perSecond) {}

  /** Where this stream is now (null when it read no timestamped line). */
  synchronized Resume resume() {
    return lastTs == null ? null : new Resume(lastTs, new java.util.TreeMap<>(perSecond));
  }

  /**
   * Starts (before {@link #run}) where an earlier stream of the same pod stopped, unless that is
   * further back than the backfill (then the backfill, as a new stream).
   */
  synchronized void resumeFrom(Resume r) {
    if (r != null && r.lastTs() != null && r.lastTs().isAfter(Instant.now().minus(backfill))) {
      lastTs = r.lastTs();
      perSecond.clear();
      perSecond.putAll(r.perSecond());
    }
  }

  /** One line as the kubelet sends it: an RFC 3339 timestamp, a space, the container's line. */
  synchronized void line(String raw) {
    if (closed) {
      return; // a stream that was stopped counts nothing more (its successor resumes after it)
    }
    lastActivityNanos = System.nanoTime();
    int sp = raw.indexOf(' ');
    Instant ts = null;
    if (sp > 19 && sp < 40) {
      try {
        ts = Instant.parse(raw.substring(0, sp));
      } catch (DateTimeParseException e) {
        ts = null;
      }
    }
    if (ts != null) {
      raw = raw.substring(sp + 1);
      if (skip > 0) {
        skip--;
        return; // read before the reconnect
      }
      if (lastTs == null || ts.isAfter(lastTs)) {
        lastTs = ts;
        perSecond.headMap(ts.getEpochSecond()).clear();
      }
      if (ts.getEpochSecond() >= lastTs.getEpochSecond()) {
        perSecond.merge(ts.getEpochSecond(), 1, Integer::sum);
      }
    }
    lines++;
    try {
      if (feed.line(raw, ts)) {
        counted++;
      }
    } catch (RuntimeException e) { // a line must never end the stream
      LOG.debugf(e, "log of %s/%s: line not counted", namespace, pod);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    closed = true;
    LogWatch w = current;
    if (w != null) {
      w.close();
    }
  }

  @Override
  public String toString() {
    return namespace + "/" + pod + "/" + container;
  }
}
