package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** #23: work for a changed target runs before routine work queued earlier; the rest in order. */
class ChangeFirstExecutorTest {
  record Work(String key, List<String> ran) implements Runnable {
    @Override
    public void run() {
      ran.add(key);
    }
  }

  final List<String> ran = new CopyOnWriteArrayList<>();
  final CountDownLatch gate = new CountDownLatch(1);
  final ChangeFirstExecutor executor =
      new ChangeFirstExecutor(1, r -> r instanceof Work w ? w.key() : null, Thread::new);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /** The one thread waits on the gate: everything executed meanwhile is queued. */
  void hold() {
    executor.execute(
        () -> {
          try {
            gate.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  List<String> release(int expected) throws InterruptedException {
    gate.countDown();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ran.size() < expected && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    return ran;
  }

  @Test
  void aChangedTargetsQueuedWorkGoesAheadOfRoutineWork() throws Exception {
    hold();
    for (String k : List.of("a", "b", "c", "d")) {
      executor.execute(new Work(k, ran));
    }
    executor.changed("c");
    assertThat(release(4)).containsExactly("c", "a", "b", "d");
    assertThat(executor.movedAhead()).isEqualTo(1);
    assertThat(executor.keyed()).isEqualTo(4);
  }

  @Test
  void aChangeWithNothingQueuedSendsTheTargetsNextWorkAhead() throws Exception {
    hold();
    executor.changed("e"); // e is running, or not asked yet: its next work goes first
    executor.execute(new Work("a", ran));
    executor.execute(new Work("b", ran));
    executor.execute(new Work("e", ran));
    executor.execute(new Work("e", ran)); // the mark is spent by the first
    assertThat(release(4)).containsExactly("e", "a", "b", "e");
  }

  @Test
  void changesAmongThemselvesKeepTheirOrder() throws Exception {
    hold();
    for (String k : List.of("a", "b", "c", "d")) {
      executor.execute(new Work(k, ran));
    }
    executor.changed("d");
    executor.changed("b");
    executor.changed("x"); // unknown: nothing moves
    assertThat(release(4)).containsExactly("b", "d", "a", "c");
  }

  @Test
  void aForgottenTargetKeepsNoMark() throws Exception {
    hold();
    executor.changed("e");
    executor.forget("e");
    executor.execute(new Work("a", ran));
    executor.execute(new Work("e", ran));
    assertThat(release(2)).containsExactly("a", "e");
  }

  @Test
  void submittedWorkWithoutATargetRunsToo() throws Exception {
    assertThat(executor.submit(() -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
    assertThat(executor.keyed()).isZero();
  }

  @Test
  void onlyJosdksReconcileTasksHaveATarget() {
    assertThat(ChangeFirst.targetOf(() -> {})).isNull();
    assertThat(ChangeFirst.targetOf(new Work("a", ran))).isNull();
  }
}
