package io.gatewaydoctor.bench;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.gatewaydoctor.analysis.Analyzer;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.probe.HttpProber;
import io.gatewaydoctor.probe.Outcome;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.probe.ProbePlanner;
import io.gatewaydoctor.probe.ProbeRunner;
import io.gatewaydoctor.probe.ProbeTarget;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The prober benchmark (docs/benchmarks.md): loopback HTTP servers, a sweep of N endpoints through
 * the operator's runner, probes per second and heap; and, at the same time, "reconciles" (the
 * analysis of one target) on another thread, to see how much a sweep delays them.
 */
public final class ProbeBench {
  private ProbeBench() {}

  public static void run(PrintWriter out, int endpoints, int listeners, int concurrency)
      throws Exception {
    List<HttpServer> servers = new ArrayList<>();
    List<int[]> addrs = new ArrayList<>();
    byte[] body = "ok\n".getBytes();
    java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();
    for (int i = 0; i < listeners; i++) {
      String ip = "127.0.2." + (1 + i % 250);
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(ip), 0), 512);
      s.setExecutor(Executors.newFixedThreadPool(2));
      s.createContext(
          "/",
          x -> {
            served.incrementAndGet();
            x.sendResponseHeaders(200, body.length);
            try (OutputStream o = x.getResponseBody()) {
              o.write(body);
            }
          });
      s.start();
      servers.add(s);
      addrs.add(new int[] {1 + i % 250, s.getAddress().getPort()});
    }
    List<ProbePlanner.Planned> plan = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      int[] a = addrs.get(i % addrs.size());
      plan.add(
          new ProbePlanner.Planned(
              new ProbeTarget(
                  "127.0.2." + a[0],
                  a[1],
                  "pod-" + i,
                  false,
                  "bench.example.com",
                  "/healthz",
                  2000,
                  ProbeTarget.DEFAULT_HEADER_LIMIT,
                  ProbeTarget.DEFAULT_BYTE_CAP),
              null,
              null,
              true));
    }
    // a target to "reconcile" meanwhile: the analysis of one Ingress of a small synthetic cluster
    KubernetesList small = SyntheticCluster.generate(200, 4, 10);
    ClusterSnapshot snap =
        ClusterSnapshot.of(
            small.getItems().stream()
                .map(h -> (io.fabric8.kubernetes.api.model.HasMetadata) h)
                .toList(),
            List.of());
    Ingress ing = snap.ingresses().iterator().next();
    Analyzer analyzer = new Analyzer();
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    for (int i = 0; i < 2000; i++) {
      analyzer.analyze(ing, snap, now, null); // warm up
    }
    long[] idle = reconciles(analyzer, ing, snap, now, 2000);
    try (ProbeRunner runner = new ProbeRunner(new HttpProber(), concurrency)) {
      runner.run(plan.subList(0, Math.min(2000, plan.size()))); // warm up
      for (int round = 1; round <= 3; round++) {
        System.gc();
        AtomicBoolean sweeping = new AtomicBoolean(true);
        List<Long> during = new ArrayList<>();
        Thread reconciler =
            new Thread(
                () -> {
                  while (sweeping.get()) {
                    long t = System.nanoTime();
                    analyzer.analyze(ing, snap, now, null);
                    during.add(System.nanoTime() - t);
                  }
                });
        long servedBefore = served.get();
        long t0 = System.nanoTime();
        reconciler.start();
        ProbeEvidence e = runner.run(plan);
        long took = System.nanoTime() - t0;
        sweeping.set(false);
        reconciler.join();
        long ok =
            served.get()
                - servedBefore; // the evidence keeps one probe per address; the servers count them
        // all
        boolean allOk = e.all().stream().allMatch(p -> p.outcome() == Outcome.ok);
        Runtime rt = Runtime.getRuntime();
        long[] d = during.stream().mapToLong(Long::longValue).sorted().toArray();
        out.printf(
            Locale.ROOT,
            "sweep %d: %d probes in %.2f s = %.0f probes/s (%d answered, all ok: %s), concurrency %d; heap in use %d MiB;"
                + " analysis of one target meanwhile p50 %.2f ms p99 %.2f ms (idle: p50 %.2f ms p99 %.2f ms)%n",
            round,
            plan.size(),
            took / 1e9,
            plan.size() / (took / 1e9),
            ok,
            allOk,
            concurrency,
            (rt.totalMemory() - rt.freeMemory()) / 1048576,
            pct(d, 50),
            pct(d, 99),
            pct(idle, 50),
            pct(idle, 99));
      }
    } finally {
      servers.forEach(s -> s.stop(0));
    }
  }

  private static long[] reconciles(
      Analyzer a, Ingress ing, ClusterSnapshot snap, Instant now, int n) {
    long[] d = new long[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      a.analyze(ing, snap, now, null);
      d[i] = System.nanoTime() - t;
    }
    Arrays.sort(d);
    return d;
  }

  private static double pct(long[] sorted, int p) {
    return sorted.length == 0
        ? 0
        : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
  }
}
