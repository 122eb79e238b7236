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

  /**
   * #18 item 6: the alternate ports tried when an endpoint refuses are capped, per endpoint (8) and
   * per round (32), whatever number of ports a tenant's pods declare.
   */
  @Test
  void alternatePortsAreCappedPerEndpointAndPerRound() throws Exception {
    List<ProbePlanner.Planned> plan = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String ip = "127.0.0." + (160 + i);
      var pod =
          new io.fabric8.kubernetes.api.model.PodBuilder()
              .withNewMetadata()
              .withName("p" + i)
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName("c")
              .endContainer()
              .endSpec()
              .build();
      for (int port = 20001; port <= 20020; port++) {
        pod.getSpec()
            .getContainers()
            .get(0)
            .getPorts()
            .add(
                new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                    .withContainerPort(port)
                    .build());
      }
      // nothing listens on the probed port: refused, so the declared ports are tried
      plan.add(new ProbePlanner.Planned(planned(ip, 20000, 1000).target(), null, pod, true));
    }
    try (ProbeRunner runner = new ProbeRunner(new HttpProber(), 4, 4)) {
      ProbeEvidence e = runner.run(plan);
      List<List<Probe>> alternates = new ArrayList<>();
      for (var p : plan) {
        alternates.add(e.alternates(p.target().address()));
      }
      assertThat(alternates)
          .allSatisfy(
              l -> assertThat(l).hasSizeLessThanOrEqualTo(ProbeRunner.MAX_ALTERNATES_PER_ENDPOINT));
      assertThat(alternates.stream().mapToInt(List::size).sum())
          .isEqualTo(ProbeRunner.MAX_ALTERNATES_PER_ROUND);
    }
  }

  /** Bytes the probe pool's threads have allocated so far (the JVM's per-thread counter). */
  static long probeThreadsAllocated() {
    var mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("gateway-doctor-probe")) {
        sum += Math.max(0, mx.getThreadAllocatedBytes(t.getId()));
      }
    }
    return sum;
  }

  /**
   * #18 acceptance: 48 endpoints each sending 4 MiB of headers take no more heap under a gateway
   * buffer of 1 MiB (proxy-buffer-size: 1m) than under the default: the prober counts header bytes
   * past its own 64 KiB and never holds the gateway's limit. Measured as the bytes the probe
   * threads allocate (the JVM's per-thread counter: no GC timing in it): within a few MiB, where
   * holding the limit would be 48 MiB or more.
   */
  @Test
  void hugeHeadersUnderALargeGatewayBufferTakeNoMoreHeap() throws Exception {
    int mib = 1024 * 1024;
    byte[] chunk = "a".repeat(8192).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      ports.add(
          BACKENDS.start(
              "127.0.0.170",
              s -> {
                Backends.readRequest(s);
                var out = s.getOutputStream();
                out.write(
                    "HTTP/1.1 200 OK\r\nX-Big: "
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                for (int sent = 0; sent < 4 * mib; sent += chunk.length) {
                  out.write(chunk);
                }
                out.write(
                    "\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                out.flush();
              }));
    }
    long[] allocated = new long[2];
    int[] limits = {ProbeTarget.DEFAULT_HEADER_LIMIT, mib};
    for (int run = 0; run < 2; run++) {
      List<ProbePlanner.Planned> plan = new ArrayList<>();
      for (int port : ports) {
        plan.add(
            new ProbePlanner.Planned(
                new ProbeTarget(
                    "127.0.0.170",
                    port,
                    null,
                    false,
                    "web.example.com",
                    "/",
                    10_000,
                    limits[run],
                    ProbeTarget.DEFAULT_BYTE_CAP),
                null,
                null,
                true));
      }
      try (ProbeRunner runner = new ProbeRunner(new HttpProber(), 48, 48)) {
        long before = probeThreadsAllocated();
        ProbeEvidence e = runner.run(plan);
        allocated[run] = probeThreadsAllocated() - before;
        assertThat(e.all())
            .hasSize(48)
            .allMatch(p -> p.outcome() == Outcome.headersTooLarge, "headers too large");
      }
    }
    assertThat(allocated[1] - allocated[0])
        .as(
            "bytes allocated under 1 MiB (%d) minus under the default (%d)",
            allocated[1], allocated[0])
        .isLessThan(8L * mib);
  }
}
