package io.gatewaydoctor.operator;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A fixed pool of reconcile threads whose queue serves changed targets first (#23): work for a
 * target whose objects changed runs before routine work queued earlier (the first evaluations after
 * a start, probe rounds, log ticks, periodic resyncs), and within each kind in the order it came.
 * Without this, a change made while 5,000 first evaluations are queued waited for all of them.
 *
 * <p>Work is keyed by its target ({@code keyOf}; null: no target known, routine). {@link #changed}
 * moves a target's queued work ahead, or, when none is queued (it is running, or nothing is asked
 * yet), makes the target's next work go ahead.
 */
final class ChangeFirstExecutor extends ThreadPoolExecutor {
  private final AtomicLong order = new AtomicLong();
  private final Set<Object> changedNotQueued = ConcurrentHashMap.newKeySet();
  private final Function<Runnable, Object> keyOf;
  private final AtomicLong keyed = new AtomicLong();
  private final AtomicLong movedAhead = new AtomicLong();

  ChangeFirstExecutor(int threads, Function<Runnable, Object> keyOf, ThreadFactory threadFactory) {
    super(
        threads, threads, 0L, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(), threadFactory);
    this.keyOf = keyOf;
  }

  /** One piece of work in the queue: changed first, then by the order it came. */
  private static final class Ranked implements Runnable, Comparable<Ranked> {
    final Runnable task;
    final Object key;
    final boolean changed;
    final long order;

    Ranked(Runnable task, Object key, boolean changed, long order) {
      this.task = task;
      this.key = key;
      this.changed = changed;
      this.order = order;
    }

    @Override
    public void run() {
      task.run();
    }

    @Override
    public int compareTo(Ranked o) {
      if (changed != o.changed) {
        return changed ? -1 : 1;
      }
      return Long.compare(order, o.order);
    }
  }

  @Override
  public void execute(Runnable task) {
    Object key = keyOf.apply(task);
    if (key != null) {
      keyed.incrementAndGet();
    }
    boolean changed = key != null && changedNotQueued.remove(key);
    super.execute(new Ranked(task, key, changed, order.incrementAndGet()));
  }

  /** The target's objects changed: its work goes ahead of routine work. */
  void changed(Object key) {
    if (key == null || isShutdown()) {
      return;
    }
    boolean moved = false;
    for (Runnable queued : getQueue()) { // a snapshot: PriorityBlockingQueue's iterator
      if (queued instanceof Ranked r && !r.changed && key.equals(r.key) && getQueue().remove(r)) {
        getQueue().add(new Ranked(r.task, r.key, true, r.order));
        movedAhead.incrementAndGet();
        moved = true;
      }
    }
    if (!moved) {
      changedNotQueued.add(key);
    }
  }

  /** A target gone: no mark of it is kept. */
  void forget(Object key) {
    changedNotQueued.remove(key);
  }

  /** Work seen with a target (the key could be read from JOSDK's task). */
  long keyed() {
    return keyed.get();
  }

  /** Queued work moved ahead by a change. */
  long movedAhead() {
    return movedAhead.get();
  }
}
