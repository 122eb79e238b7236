package io.gatewaydoctor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * #18 item 6: one run's black-holed endpoints take their share of the shared probe pool and no
 * more; another run's probes do not queue behind them (real loopback servers: eight that accept and
 * never answer, two that answer at once).
 */
class ProbeRunnerTest {
  static final Backends BACKENDS = new Backends();

  @AfterAll
  static void stop() throws Exception {
    BACKENDS.close();
  }

  static ProbePlanner.Planned planned(String ip, int port, int timeoutMillis) {
    return new ProbePlanner.Planned(
        new ProbeTarget(
            ip,
            port,
            null,
            false,
            "web.example.com",
            "/",
            timeoutMillis,
            ProbeTarget.DEFAULT_HEADER_LIMIT,
            ProbeTarget.DEFAULT_BYTE_CAP),
        null,
        null,
        true);
  }

  @Test
  void oneRunsBlackHoledEndpointsDoNotStarveAnother() throws Exception {
    List<ProbePlanner.Planned> blackHoled = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int port =
          BACKENDS.start(
              "127.0.0.150",
              s -> {
                Backends.readRequest(s);
                Thread.sleep(3000); // never answers within the probe's deadline
              });
      blackHoled.add(planned("127.0.0.150", port, 1000));
    }
    List<ProbePlanner.Planned> fast =
        List.of(
            planned("127.0.0.151", BACKENDS.start("127.0.0.151", Backends::ok), 1500),
            planned("127.0.0.152", BACKENDS.start("127.0.0.152", Backends::ok), 1500));
    try (ProbeRunner runner = new ProbeRunner(new HttpProber(), 4, 2)) {
      Thread slow =
          new Thread(
              () -> {
                try {
                  runner.run(blackHoled);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      slow.start();
      Thread.sleep(200); // the black-holed run holds its share of the pool now
      AtomicLong took = new AtomicLong();
      long t0 = System.nanoTime();
      ProbeEvidence e = runner.run(fast);
      took.set((System.nanoTime() - t0) / 1_000_000);
      assertThat(e.all()).hasSize(2).allMatch(p -> p.outcome() == Outcome.ok);
      // without the share it would wait for the first wave of 1 s deadlines (or two, queued behind
      // all)
      assertThat(took.get()).as("ms the other run waited").isLessThan(400);
      slow.join(15_000);
    }
  }
}
