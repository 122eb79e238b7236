package io.gatewaydoctor.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a plan with bounded concurrency: every planned endpoint once and, where one refuses, the
 * pod's other declared ports (to tell a wrong targetPort from an app that is not listening). Each
 * probe is bounded by its own timeout, so a round is bounded by (probes / threads + 1) timeouts.
 */
public final class ProbeRunner implements AutoCloseable {
  private final Prober prober;
  private final ExecutorService pool;
  private final int concurrency;

  /**
   * A pod that declares hundreds of ports gets no more than this many probed where its target port
   * refuses.
   */
  static final int MAX_ALTERNATES_PER_ENDPOINT = 8;

  static final int MAX_ALTERNATES_PER_ROUND = 32;

  /** Probes of one run in the pool at once, at most: no run (one target's round) hogs it. */
  private final int perRun;

  public ProbeRunner(Prober prober, int concurrency) {
    this(prober, concurrency, concurrency);
  }

  /**
   * @param perRun how many probes of one {@link #run} may be in the pool at once: with several runs
   *     sharing the pool (the operator's targets), one target's hundreds of black-holed endpoints
   *     take their share and no more, and the others' probes do not queue behind them
   */
  public ProbeRunner(Prober prober, int concurrency, int perRun) {
    this.prober = prober;
    this.concurrency = Math.max(1, concurrency);
    this.perRun = Math.max(1, Math.min(perRun, this.concurrency));
    this.pool =
        Executors.newFixedThreadPool(
            Math.max(1, concurrency),
            r -> {
              Thread t = new Thread(r, "gateway-doctor-probe");
              t.setDaemon(true);
              return t;
            });
  }

  public ProbeEvidence run(List<ProbePlanner.Planned> all) throws InterruptedException {
    Map<String, String> skipped = ProbePlanner.skipped(all);
    List<ProbePlanner.Planned> plan =
        all.stream().filter(ProbePlanner.Planned::probed).toList(); // the rest is never reached
    Map<String, Probe> results = probeAll(plan.stream().map(ProbePlanner.Planned::target).toList());
    Map<String, List<ProbeTarget>> alternateTargets = new LinkedHashMap<>();
    int alternatesPlanned = 0;
    for (ProbePlanner.Planned p : plan) {
      Probe r = results.get(p.target().address());
      // the alternate ports share what is left of the endpoint's probe deadline (a refusal is
      // quick: most of it), not one each
      int left =
          r == null
              ? 0
              : p.target().timeoutMillis() - (int) Math.min(Integer.MAX_VALUE, r.latencyMillis());
      if (r != null && r.outcome() == Outcome.refused && left > 0) {
        List<ProbeTarget> alts = new ArrayList<>();
        for (int port : ProbePlanner.alternatePorts(p.pod(), p.target().port())) {
          if (alts.size() < MAX_ALTERNATES_PER_ENDPOINT
              && alternatesPlanned < MAX_ALTERNATES_PER_ROUND) {
            alts.add(p.target().withPort(port).withTimeout(left));
            alternatesPlanned++;
          }
        }
        alternateTargets.put(p.target().address(), alts);
      }
    }
    Map<String, Probe> altResults =
        probeAll(alternateTargets.values().stream().flatMap(List::stream).toList());
    Map<String, List<Probe>> alternates = new LinkedHashMap<>();
    alternateTargets.forEach(
        (addr, alts) ->
            alternates.put(addr, alts.stream().map(t -> altResults.get(t.address())).toList()));
    return new ProbeEvidence(results, alternates)
        .withRouted(routed(plan, results))
        .withSkipped(skipped);
  }

  /**
   * The routed paths of endpoints whose readiness path answered, each with the gateway's read
   * timeout as its deadline.
   */
  private List<Probe> routed(List<ProbePlanner.Planned> plan, Map<String, Probe> results)
      throws InterruptedException {
    List<ProbeTarget> targets = new ArrayList<>();
    for (ProbePlanner.Planned p : plan) {
      Probe main = results.get(p.target().address());
      if (main != null && main.outcome() == Outcome.ok && p.routedTimeoutMillis() > 0) {
        p.routedPaths()
            .forEach(
                path ->
                    targets.add(p.target().withPath(path).withTimeout(p.routedTimeoutMillis())));
      }
    }
    // within the run's share of the pool too: routed paths wait up to the gateway's read timeout
    List<Probe> out = new ArrayList<>();
    for (Probe p : bounded(targets)) {
      if (p.outcome() != Outcome.error || !DID_NOT_FINISH.equals(p.detail())) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Measures the idle keep-alive timeout of one endpoint per backend Service (the first ready one
   * that probed ok), all at once, each waiting at most {@code wait}.
   */
  public Map<String, KeepAlive> keepAlive(
      List<ProbePlanner.Planned> plan, ProbeEvidence evidence, java.time.Duration wait)
      throws InterruptedException {
    Map<String, ProbeTarget> one = new LinkedHashMap<>();
    for (ProbePlanner.Planned p : plan) {
      if (!p.probed()) {
        continue;
      }
      String service = p.backend().serviceKey() + ":" + p.backend().ref().portLabel();
      boolean ok =
          evidence
              .at(p.target().ip(), p.target().port())
              .map(r -> r.outcome() == Outcome.ok)
              .orElse(false);
      if (p.ready() && ok) {
        one.putIfAbsent(service, p.target());
      }
    }
    List<ProbeTarget> targets = new ArrayList<>(one.values());
    List<Future<KeepAlive>> futures = new ArrayList<>();
    for (ProbeTarget t : targets) {
      futures.add(pool.submit(() -> KeepAliveMeter.measure(t, wait)));
    }
    Map<String, KeepAlive> out = new LinkedHashMap<>();
    for (int i = 0; i < futures.size(); i++) {
      try {
        out.put(
            targets.get(i).address(),
            futures
                .get(i)
                .get(
                    wait.toMillis() + targets.get(i).timeoutMillis() * 3L + 1000,
                    TimeUnit.MILLISECONDS));
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        futures.get(i).cancel(true);
      }
    }
    return out;
  }

  static final String DID_NOT_FINISH = "probe did not finish";

  private Map<String, Probe> probeAll(List<ProbeTarget> targets) throws InterruptedException {
    List<Probe> probes = bounded(targets);
    Map<String, Probe> out = new LinkedHashMap<>();
    for (int i = 0; i < targets.size(); i++) {
      out.put(targets.get(i).address(), probes.get(i));
    }
    return out;
  }

  /**
   * Probes each target, in order, with at most {@link #perRun} of them in the pool at once (the
   * caller's thread hands in the next as one finishes). Every probe bounds itself (one deadline,
   * twice for the TLS retry); the batch's own deadline only guards against a bug: what is not
   * handed in or not done by then is "did not finish", and the caller's thread never waits longer.
   */
  private List<Probe> bounded(List<ProbeTarget> targets) throws InterruptedException {
    int longest = targets.stream().mapToInt(ProbeTarget::timeoutMillis).max().orElse(0);
    long waves = (targets.size() + perRun - 1) / perRun + 1;
    long deadline =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waves * (2L * longest + 1000));
    java.util.concurrent.Semaphore share = new java.util.concurrent.Semaphore(perRun);
    List<Future<Probe>> futures = new ArrayList<>();
    for (ProbeTarget t : targets) {
      if (!share.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        futures.add(null); // the pool is stuck past every deadline: not handed in
        continue;
      }
      futures.add(
          pool.submit(
              () -> {
                try {
                  return prober.probe(t);
                } finally {
                  share.release();
                }
              }));
    }
    List<Probe> out = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      ProbeTarget t = targets.get(i);
      Future<Probe> f = futures.get(i);
      Probe p = null;
      if (f != null) {
        try {
          p = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException e) {
          f.cancel(true);
        }
      }
      out.add(
          p != null
              ? p
              : new Probe(t, Outcome.error, null, t.timeoutMillis(), DID_NOT_FINISH, false, 0));
    }
    return out;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
