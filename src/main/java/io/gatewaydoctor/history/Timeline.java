package io.gatewaydoctor.history;

import io.gatewaydoctor.api.TimelineEntry;
import io.gatewaydoctor.model.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A target's timeline: what changed on its chain, in a ring buffer with a fixed horizon and a fixed
 * number of entries (bounded memory whatever churns). Fed by comparing the chain's state at each
 * evaluation with the one before ({@link ChainState}). Thread-safe; pure (instants are given).
 */
public final class Timeline {
  public static final int MAX_ENTRIES = 64;

  private final ArrayDeque<TimelineEntry> entries = new ArrayDeque<>();
  private final Duration horizon;
  private Map<String, String> last;

  public Timeline(Duration horizon) {
    this.horizon = horizon;
  }

  /** Records what differs between the state seen last and this one (nothing the first time). */
  public synchronized void observe(Map<String, String> state, Instant now) {
    if (last != null) {
      for (TimelineEntry e : ChainState.changes(last, state, now)) {
        add(e);
      }
    }
    last = state;
    prune(now);
  }

  public synchronized void add(TimelineEntry e) {
    entries.addLast(e);
    while (entries.size() > MAX_ENTRIES) {
      entries.removeFirst();
    }
  }

  synchronized void prune(Instant now) {
    Instant from = now.minus(horizon);
    entries.removeIf(
        e -> {
          Instant at = Times.parse(e.at);
          return at != null && at.isBefore(from);
        });
  }

  /** The newest {@code n} entries, oldest first. */
  public synchronized List<TimelineEntry> newest(int n) {
    List<TimelineEntry> all = new ArrayList<>(entries);
    all.sort(java.util.Comparator.comparing((TimelineEntry e) -> e.at == null ? "" : e.at));
    return all.size() <= n ? all : new ArrayList<>(all.subList(all.size() - n, all.size()));
  }

  public synchronized int size() {
    return entries.size();
  }
}
