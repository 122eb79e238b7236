package io.gatewaydoctor.operator;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * At most one write per Event (object, reason, type) per period: a target that flaps or a plan
 * blocked every reconcile costs the API server one write per period, not one per change. Nothing is
 * lost: the occurrences held back are written, with the newest message, once the period ends
 * (counted into the Event's count). Bounded: idle entries go when the map grows past {@link #MAX}.
 * Thread-safe.
 */
final class EventThrottle {
  static final Duration PERIOD = Duration.ofSeconds(10);
  static final int MAX = 10_000;

  /** Writes an Event carrying this many occurrences. */
  interface Write {
    void occurrences(int n);
  }

  private static final class Entry {
    Instant written;
    int held;
    Write latest;
  }

  private final Duration period;
  private final Map<String, Entry> entries = new HashMap<>();
  private final ScheduledExecutorService flush =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gateway-doctor-event-flush");
            t.setDaemon(true);
            return t;
          });

  EventThrottle() {
    this(PERIOD);
  }

  EventThrottle(Duration period) {
    this.period = period;
  }

  /**
   * One occurrence of {@code event} at {@code now}: written at once (with any held back) when the
   * last write is a period old, else held back and written when the period ends.
   */
  void occurred(String event, Instant now, Write write) {
    int n;
    synchronized (this) {
      Entry e = entries.get(event);
      if (e != null && now.isBefore(e.written.plus(period))) {
        boolean first = e.held == 0;
        e.held++;
        e.latest = write;
        if (first) {
          long wait = Duration.between(now, e.written.plus(period)).toMillis();
          flush.schedule(() -> flush(event), Math.max(1, wait), TimeUnit.MILLISECONDS);
        }
        return;
      }
      if (e == null && entries.size() >= MAX) {
        Instant idle = now.minus(period.multipliedBy(10));
        entries.values().removeIf(x -> x.held == 0 && x.written.isBefore(idle));
      }
      if (e == null && entries.size() >= MAX) {
        n = 1; // full of Events written lately: this one is written, not remembered (bounded)
      } else {
        if (e == null) {
          e = new Entry();
          entries.put(event, e);
        }
        n = 1 + e.held;
        e.written = now;
        e.held = 0;
        e.latest = null;
      }
    }
    write.occurrences(n);
  }

  /**
   * Writes everything held back now (the operator is stopping: a period's repeats would be lost),
   * for at most {@code budget}; returns how many Events were written.
   */
  int flushAll(Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    java.util.List<String> held;
    synchronized (this) {
      held =
          entries.entrySet().stream()
              .filter(x -> x.getValue().held > 0 && x.getValue().latest != null)
              .map(Map.Entry::getKey)
              .toList();
    }
    int written = 0;
    for (String event : held) {
      if (System.nanoTime() > deadline) {
        break;
      }
      if (flush(event)) {
        written++;
      }
    }
    return written;
  }

  /** Writes what was held back for {@code event}, if anything. */
  private boolean flush(String event) {
    Write w;
    int n;
    synchronized (this) {
      Entry e = entries.get(event);
      if (e == null || e.held == 0 || e.latest == null) {
        return false;
      }
      w = e.latest;
      n = e.held;
      e.held = 0;
      e.latest = null;
      e.written = e.written.plus(period);
    }
    w.occurrences(n);
    return true;
  }
}
