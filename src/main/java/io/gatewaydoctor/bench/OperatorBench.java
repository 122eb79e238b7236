package io.gatewaydoctor.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.gatewaydoctor.api.GatewayDiagnosis;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator at scale (docs/benchmarks.md, "The operator at scale"): a synthetic cluster ({@link
 * SyntheticCluster}, pods renumbered onto loopback addresses and answering HTTP there) loaded into
 * the Fabric8 mock API server in this process, the packaged operator started against it as a child
 * process, and measured from outside: time until every target has a verdict, what it asks the API
 * server once settled (lists, watches, writes per second), the RSS and the live heap after a full
 * GC, change → verdict latencies while pods churn, and the CPU time of the operator and of this
 * process (the mock API server, the backends and the watch) apart.
 */
public final class OperatorBench {
  static final String CRD =
      "/META-INF/gateway-doctor/crds/gatewaydiagnoses.gatewaydoctor.io-v1.yml";
  static final String TOKEN = "operator-under-bench";

  /** What to run. */
  public record Options(
      int ingresses,
      int podsPerIngress,
      int namespaces,
      boolean fat,
      Path jar,
      List<String> operatorJvm,
      Duration timeout,
      Duration idle,
      int changes,
      int startChanges,
      boolean probes) {}

  private OperatorBench() {}

  /** The mock server logs every request at INFO: held here so the level stays. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  public static void run(PrintWriter out, Options o) throws Exception {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    long tGen = System.nanoTime();
    KubernetesList list =
        SyntheticCluster.generate(o.ingresses(), o.podsPerIngress(), o.namespaces(), o.fat());
    List<HasMetadata> items = new ArrayList<>(list.getItems());
    List<String> podIps = onLoopback(items);
    Set<String> namespaces = new TreeSet<>();
    items.stream()
        .map(i -> i.getMetadata().getNamespace())
        .filter(java.util.Objects::nonNull)
        .forEach(namespaces::add);
    for (String ns : namespaces) {
      items.add(
          new NamespaceBuilder()
              .withNewMetadata()
              .withName(ns)
              .addToLabels("kubernetes.io/metadata.name", ns)
              .endMetadata()
              .build());
    }
    out.printf(
        Locale.ROOT,
        "cluster: %d objects (%d Ingresses, %d Pods on loopback), generated in %.1f s%n",
        items.size(),
        o.ingresses(),
        podIps.size(),
        (System.nanoTime() - tGen) / 1e9);

    boolean isolated = LoopbackBackends.onlyLoopback();
    if (o.probes() && !isolated && podIps.size() > 12_000) {
      throw new IllegalStateException(
          podIps.size()
              + " pods need a listener each outside a network namespace of their own, more"
              + " sockets than a process may open here: run bin/bench-operator (unshare -n), or"
              + " --no-probes");
    }
    IndexedCrudDispatcher crud = new IndexedCrudDispatcher();
    KubernetesMockServer server = crud.serveOnLoopback();
    Process operator = null;
    try (KubernetesClient client = server.createClient();
        LoopbackBackends backends =
            !o.probes()
                ? null
                : isolated
                    ? LoopbackBackends.wildcard(8080)
                    : LoopbackBackends.perAddress(podIps, 8080)) {
      try (InputStream in = OperatorBench.class.getResourceAsStream(CRD)) {
        client.load(in).create();
      }
      long tLoad = System.nanoTime();
      load(crud, items);
      out.printf(
          Locale.ROOT,
          "api: the Fabric8 mock server (CRUD, indexed by name) on 127.0.0.1:%d, loaded directly in %.1f s; backends: %s%n",
          server.getPort(),
          (System.nanoTime() - tLoad) / 1e9,
          !o.probes()
              ? "none (probes off)"
              : isolated
                  ? "one wildcard listener (a network namespace with loopback only)"
                  : podIps.size() + " loopback listeners");

      Verdicts verdicts = new Verdicts();
      var watch =
          client.resources(GatewayDiagnosis.class).inAnyNamespace().watch(verdicts.watcher());
      Requests requests = new Requests(server);
      Cpu self = Cpu.self();

      Path kubeconfig =
          writeKubeconfig(
              Files.createTempFile("gateway-doctor-bench-", ".kubeconfig"),
              server.getPort(),
              TOKEN);
      int httpPort;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        httpPort = s.getLocalPort();
      }
      List<String> cmd = new ArrayList<>(List.of("java"));
      cmd.addAll(o.operatorJvm());
      cmd.addAll(List.of("-jar", o.jar().toString(), "operator"));
      Path log = Files.createTempFile("gateway-doctor-bench-operator-", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      // only what is set here: an inherited KUBERNETES_MASTER, proxy or GATEWAYDOCTOR_* setting
      // could send the operator's requests or probes somewhere other than loopback
      Map<String, String> env = pb.environment();
      Map<String, String> keep = new HashMap<>();
      for (String k : List.of("PATH", "JAVA_HOME", "HOME", "LANG", "TZ")) {
        if (env.containsKey(k)) {
          keep.put(k, env.get(k));
        }
      }
      env.clear();
      env.putAll(keep);
      pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().put("GATEWAYDOCTOR_HTTP_PORT", String.valueOf(httpPort));
      pb.environment().put("GATEWAYDOCTOR_PROBE_ENABLED", String.valueOf(o.probes()));
      pb.environment().put("GATEWAYDOCTOR_GATEWAY_LOGS_ENABLED", "false");
      pb.environment().put("GATEWAYDOCTOR_GATEWAY_API_ENABLED", "false");
      pb.environment().put("GATEWAYDOCTOR_TLS_SECRET_CHECK", "false");
      pb.environment().put("POD_NAMESPACE", "gateway-doctor");
      out.printf(Locale.ROOT, "operator: %s (log %s)%n", String.join(" ", cmd), log);
      out.flush();
      long t0 = System.nanoTime();
      operator = pb.start();
      long pid = operator.pid();

      // 1. every target has a verdict
      long deadline = t0 + o.timeout().toNanos();
      long first = -1;
      StartChanges during = null;
      while (verdicts.withHealth() < o.ingresses() && System.nanoTime() < deadline) {
        if (!operator.isAlive()) {
          throw new IllegalStateException("the operator exited; see " + log);
        }
        if (first < 0 && verdicts.withHealth() > 0) {
          first = System.nanoTime();
        }
        // 1b. while most first evaluations are still queued: change -> verdict of targets that
        // have theirs already
        if (during == null
            && o.startChanges() > 0
            && verdicts.withHealth() >= Math.max(1, o.ingresses() / 20)) {
          during = new StartChanges(o, client, items, verdicts);
          during.start();
        }
        TimeUnit.MILLISECONDS.sleep(200);
        requests.drain();
      }
      long all = System.nanoTime();
      if (during != null) {
        during.allVerdictsAt = all;
      }
      out.printf(
          Locale.ROOT,
          "verdicts: first after %.1f s, %d of %d after %.1f s%s; health %s%n",
          first < 0 ? -1 : (first - t0) / 1e9,
          verdicts.withHealth(),
          o.ingresses(),
          (all - t0) / 1e9,
          verdicts.withHealth() < o.ingresses() ? " (TIMED OUT)" : "",
          verdicts.healthCounts());
      out.printf(
          Locale.ROOT,
          "  cpu until then: operator %.1f s, mock api + backends + watch %.1f s%n",
          Cpu.of(pid) / 1e9,
          self.since() / 1e9);
      requests.drain();
      out.printf(Locale.ROOT, "  requests until then: %s%n", requests.byKind());
      if (during != null) {
        during.join(TimeUnit.MINUTES.toMillis(5));
        during.report(out);
      }

      // 2. settled (every endpoint has its first probe result): what it asks and writes with
      // nothing changing
      if (o.probes()) {
        while (verdicts.probed.size() < o.ingresses()
            && System.nanoTime() < deadline
            && operator.isAlive()) {
          TimeUnit.MILLISECONDS.sleep(200);
          requests.drain();
        }
        out.printf(
            Locale.ROOT,
            "probed: every endpoint of %d of %d targets has a probe result after %.1f s%n",
            verdicts.probed.size(),
            o.ingresses(),
            (System.nanoTime() - t0) / 1e9);
      }
      TimeUnit.SECONDS.sleep(5);
      requests.drain();
      requests.reset();
      long writesBefore = verdicts.modified.get();
      verdicts.countChanges = true;
      long cpuOp = Cpu.of(pid);
      Cpu idleSelf = Cpu.self();
      long probesBefore = probes(httpPort);
      long answeredBefore = backends == null ? 0 : backends.answered.get();
      TimeUnit.NANOSECONDS.sleep(o.idle().toNanos());
      requests.drain();
      double secs = o.idle().toNanos() / 1e9;
      out.printf(
          Locale.ROOT,
          "idle %.0f s: %s; diagnosis updates seen %d (%.2f/s)%n",
          secs,
          requests.summary(secs),
          verdicts.modified.get() - writesBefore,
          (verdicts.modified.get() - writesBefore) / secs);
      out.printf(
          Locale.ROOT,
          "  probes: %d (%.0f/s, %d answered by the backends); cpu: operator %.2f cores, this process %.2f cores%n",
          probes(httpPort) - probesBefore,
          (probes(httpPort) - probesBefore) / secs,
          backends == null ? 0 : backends.answered.get() - answeredBefore,
          (Cpu.of(pid) - cpuOp) / 1e9 / secs,
          idleSelf.since() / 1e9 / secs);
      verdicts.countChanges = false;
      out.printf(Locale.ROOT, "  by request: %s%n", requests.byKind());
      out.printf(
          Locale.ROOT,
          "  status fields changed by those updates: %s, e.g. in %s%n",
          verdicts.changedFields,
          verdicts.example);

      // 3. memory
      long rss = rssKiB(pid);
      String heap = liveHeap(pid);
      out.printf(Locale.ROOT, "memory: RSS %d MiB; after a full GC: %s%n", rss / 1024, heap);

      // 4. change -> verdict while pods churn
      if (o.changes() > 0) {
        changes(out, o, client, items, verdicts, podIps.size());
      }
      out.flush();
      watch.close();
    } finally {
      if (operator != null) {
        operator.destroy();
        if (!operator.waitFor(20, TimeUnit.SECONDS)) {
          operator.destroyForcibly();
        }
      }
      server.destroy();
    }
  }

  /**
   * Writes a kubeconfig for a mock API server on 127.0.0.1:port (plain HTTP), whose requests carry
   * this bearer token (which tells their sender apart), namespace gateway-doctor; returns the file.
   */
  public static Path writeKubeconfig(Path file, int port, String token) throws IOException {
    return Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "http://127.0.0.1:%d"}}]
        users: [{name: mock, user: {token: %s}}]
        contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: gateway-doctor}}]
        current-context: mock
        """
            .formatted(port, token));
  }

  /**
   * Puts every pod on its own loopback address (127.1.0.1 on) and the slices' endpoints with them;
   * returns the pods' addresses.
   */
  static List<String> onLoopback(List<HasMetadata> items) {
    Map<String, String> ipOf = new HashMap<>();
    List<String> ips = new ArrayList<>();
    for (HasMetadata i : items) {
      if (i instanceof Pod p) {
        String ip;
        if ("ingress-nginx".equals(p.getMetadata().getNamespace())) {
          ip = "127.0.0.2";
        } else {
          int k = ips.size();
          ip = "127." + (1 + k / 62_500) + "." + (k / 250 % 250) + "." + (1 + k % 250);
          ips.add(ip);
        }
        p.getStatus().setPodIP(ip);
        p.getStatus().setPodIPs(List.of(new PodIP(ip)));
        ipOf.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), ip);
      }
    }
    for (HasMetadata i : items) {
      if (i instanceof EndpointSlice s) {
        for (Endpoint e : s.getEndpoints()) {
          String ip = ipOf.get(s.getMetadata().getNamespace() + "/" + e.getTargetRef().getName());
          e.setAddresses(List.of(ip));
        }
      }
    }
    return ips;
  }

  /**
   * Straight into the mock's store, as if created (uid, resourceVersion, creationTimestamp):
   * creating 40,000 objects through its API takes minutes.
   */
  static void load(IndexedCrudDispatcher crud, List<HasMetadata> items) {
    items.forEach(crud::putCreated);
  }

  /** Breaks and fixes Services one at a time while pods flip readiness; times each verdict. */
  static void changes(
      PrintWriter out,
      Options o,
      KubernetesClient client,
      List<HasMetadata> items,
      Verdicts verdicts,
      int pods)
      throws Exception {
    List<Service> healthy = new ArrayList<>();
    List<Pod> podList = new ArrayList<>();
    for (HasMetadata i : items) {
      if (i instanceof Service s
          && "Healthy"
              .equals(verdicts.health(s.getMetadata().getNamespace(), s.getMetadata().getName()))) {
        healthy.add(s);
      } else if (i instanceof Pod p && !"ingress-nginx".equals(p.getMetadata().getNamespace())) {
        podList.add(p);
      }
    }
    Random random = new Random(23);
    // 1% of the pods per minute flip readiness (pod status and slice), on their own thread
    long churnEveryMs = Math.max(50, 60_000L / Math.max(1, pods / 100));
    AtomicLong churned = new AtomicLong();
    var churn = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    churn.scheduleWithFixedDelay(
        () -> {
          try {
            Pod p = podList.get(random.nextInt(podList.size()));
            var live =
                client
                    .pods()
                    .inNamespace(p.getMetadata().getNamespace())
                    .withName(p.getMetadata().getName());
            Pod cur = live.get();
            var ready =
                cur.getStatus().getConditions().stream()
                    .filter(c -> "Ready".equals(c.getType()))
                    .findFirst()
                    .orElseThrow();
            ready.setStatus("True".equals(ready.getStatus()) ? "False" : "True");
            client.pods().inNamespace(p.getMetadata().getNamespace()).resource(cur).updateStatus();
            churned.incrementAndGet();
          } catch (RuntimeException e) {
            // a churn step that fails is skipped: the benchmark counts the ones done
          }
        },
        churnEveryMs,
        churnEveryMs,
        TimeUnit.MILLISECONDS);
    List<Double> breakMs = new ArrayList<>();
    List<Double> fixMs = new ArrayList<>();
    try {
      for (int c = 0; c < o.changes() && c < healthy.size(); c++) {
        Service s = healthy.get(random.nextInt(healthy.size()));
        String ns = s.getMetadata().getNamespace();
        String name = s.getMetadata().getName();
        for (boolean broken : new boolean[] {true, false}) {
          (broken ? breakMs : fixMs)
              .add(breakOrFix(client, verdicts, ns, name, broken, Duration.ofSeconds(30), 2));
        }
        TimeUnit.MILLISECONDS.sleep(500);
      }
    } finally {
      churn.shutdownNow();
    }
    out.printf(
        Locale.ROOT,
        "change -> verdict (%d changes, %d pod readiness flips meanwhile): break → not Healthy p50 %.0f ms, p99 %.0f ms, max %.0f ms; fix → Healthy p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        breakMs.size(),
        churned.get(),
        pct(breakMs, 50),
        pct(breakMs, 99),
        pct(breakMs, 100),
        pct(fixMs, 50),
        pct(fixMs, 99),
        pct(fixMs, 100));
  }

  /**
   * Services of targets that have their first verdict, broken and fixed one after the other while
   * the others' first evaluations are still queued: each timed until the diagnosis leaves or
   * returns to Healthy (60 s at most), and told apart by whether every verdict was in by then.
   */
  static final class StartChanges extends Thread {
    final Options o;
    final KubernetesClient client;
    final List<Service> healthy = new ArrayList<>();
    final Verdicts verdicts;
    final List<double[]> breakMs = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<double[]> fixMs = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile long allVerdictsAt = Long.MAX_VALUE;

    StartChanges(Options o, KubernetesClient client, List<HasMetadata> items, Verdicts verdicts) {
      super("start-changes");
      setDaemon(true);
      this.o = o;
      this.client = client;
      this.verdicts = verdicts;
      for (HasMetadata i : items) {
        if (i instanceof Service s
            && "Healthy"
                .equals(
                    verdicts.health(s.getMetadata().getNamespace(), s.getMetadata().getName()))) {
          healthy.add(s);
        }
      }
    }

    @Override
    public void run() {
      Random random = new Random(42);
      for (int c = 0; c < o.startChanges() && !healthy.isEmpty(); c++) {
        Service s = healthy.remove(random.nextInt(healthy.size()));
        String ns = s.getMetadata().getNamespace();
        String name = s.getMetadata().getName();
        for (boolean broken : new boolean[] {true, false}) {
          double ms;
          try {
            ms = breakOrFix(client, verdicts, ns, name, broken, Duration.ofSeconds(60), 5);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          } catch (RuntimeException e) {
            continue; // a step that fails is not counted
          }
          (broken ? breakMs : fixMs)
              .add(new double[] {ms, System.nanoTime() < allVerdictsAt ? 1 : 0});
        }
      }
    }

    void report(PrintWriter out) {
      long before = breakMs.stream().filter(x -> x[1] == 1).count();
      out.printf(
          Locale.ROOT,
          "change -> verdict during start-up (%d changes, %d of them seen before every verdict was in): break → not Healthy p50 %.0f ms, p99 %.0f ms, max %.0f ms; fix → Healthy p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
          breakMs.size(),
          before,
          pct(ms(breakMs), 50),
          pct(ms(breakMs), 99),
          pct(ms(breakMs), 100),
          pct(ms(fixMs), 50),
          pct(ms(fixMs), 99),
          pct(ms(fixMs), 100));
    }

    static List<Double> ms(List<double[]> v) {
      synchronized (v) {
        return v.stream().map(x -> x[0]).toList();
      }
    }
  }

  /**
   * Breaks (targetPort 8081) or fixes (targetPort "http") a Service, then waits until its diagnosis
   * leaves or returns to Healthy: the milliseconds it took, or the cap's.
   */
  static double breakOrFix(
      KubernetesClient client,
      Verdicts verdicts,
      String ns,
      String name,
      boolean broken,
      Duration cap,
      long pollMs)
      throws InterruptedException {
    long t = System.nanoTime();
    client
        .services()
        .inNamespace(ns)
        .withName(name)
        .edit(
            x -> {
              x.getSpec()
                  .getPorts()
                  .get(0)
                  .setTargetPort(broken ? new IntOrString(8081) : new IntOrString("http"));
              return x;
            });
    long until = t + cap.toNanos();
    while (broken == "Healthy".equals(verdicts.health(ns, name)) && System.nanoTime() < until) {
      TimeUnit.MILLISECONDS.sleep(pollMs);
    }
    return broken != "Healthy".equals(verdicts.health(ns, name))
        ? (System.nanoTime() - t) / 1e6
        : cap.toMillis();
  }

  static double pct(List<Double> v, int p) {
    if (v.isEmpty()) {
      return Double.NaN;
    }
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int rank = (int) Math.ceil(p / 100.0 * a.length);
    return a[Math.max(0, Math.min(a.length - 1, rank - 1))];
  }

  /** gatewaydoctor_probes_total, summed, from the operator's metrics; -1 when unreadable. */
  static long probes(int port) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      double sum = 0;
      for (String line : r.body().split("\n")) {
        if (line.startsWith("gatewaydoctor_probes_total")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return (long) sum;
    } catch (IOException | InterruptedException | RuntimeException e) {
      return -1;
    }
  }

  static long rssKiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** jcmd GC.run, then the heap in use (what the full GC left: the live heap). */
  static String liveHeap(long pid) {
    try {
      exec("jcmd", String.valueOf(pid), "GC.run");
      String info = exec("jcmd", String.valueOf(pid), "GC.heap_info");
      for (String line : info.split("\n")) {
        if (line.contains("total") && line.contains("used")) {
          return line.trim();
        }
      }
      return info.trim();
    } catch (IOException | InterruptedException e) {
      return "jcmd: " + e.getMessage();
    }
  }

  static String exec(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String s = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return s;
  }

  /** The diagnoses' health as the watch last showed it. */
  static final class Verdicts {
    final Map<String, String> health = new ConcurrentHashMap<>();
    final AtomicLong modified = new AtomicLong();
    final Map<String, com.fasterxml.jackson.databind.JsonNode> last = new ConcurrentHashMap<>();

    /** The status fields that changed between consecutive versions, counted while on. */
    final Map<String, Long> changedFields = new ConcurrentHashMap<>();

    volatile boolean countChanges;

    /** One diagnosis each changed field was seen changing in. */
    final Map<String, String> example = new ConcurrentHashMap<>();

    void compare(String key, GatewayDiagnosis gd) {
      var now = Serialization.jsonMapper().valueToTree(gd.getStatus());
      var before = last.put(key, now);
      if (countChanges && before != null) {
        Set<String> paths = new TreeSet<>();
        diff("status", before, now, paths);
        paths.forEach(p -> changedFields.merge(p, 1L, Long::sum));
        paths.forEach(p -> example.putIfAbsent(p, key));
      }
    }

    static void diff(
        String path,
        com.fasterxml.jackson.databind.JsonNode a,
        com.fasterxml.jackson.databind.JsonNode b,
        Set<String> out) {
      if (a.equals(b)) {
        return;
      }
      if (a.isObject() && b.isObject()) {
        Set<String> names = new TreeSet<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
          diff(path + "." + n, a.path(n), b.path(n), out);
        }
      } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
        for (int i = 0; i < a.size(); i++) {
          diff(path + "[]", a.get(i), b.get(i), out);
        }
      } else {
        out.add(
            path
                + (a.isMissingNode() || a.isNull()
                    ? " (added)"
                    : b.isMissingNode() || b.isNull() ? " (removed)" : ""));
      }
    }

    Watcher<GatewayDiagnosis> watcher() {
      return new Watcher<>() {
        @Override
        public void eventReceived(Action action, GatewayDiagnosis gd) {
          String key = gd.getMetadata().getNamespace() + "/" + gd.getMetadata().getName();
          if (action == Action.DELETED) {
            health.remove(key);
            return;
          }
          if (action == Action.MODIFIED) {
            modified.incrementAndGet();
          }
          if (gd.getStatus() != null && gd.getStatus().health != null) {
            health.put(key, gd.getStatus().health);
            compare(key, gd);
            if (probed(gd)) {
              probed.add(key);
            }
          }
        }

        @Override
        public void onClose(WatcherException cause) {}
      };
    }

    /** The diagnoses that show a probe result (or a reason for none) on every endpoint. */
    final Set<String> probed = ConcurrentHashMap.newKeySet();

    static boolean probed(GatewayDiagnosis gd) {
      return gd.getStatus().backends.stream()
          .flatMap(b -> b.endpoints.stream())
          .allMatch(e -> e.lastProbe != null);
    }

    int withHealth() {
      return health.size();
    }

    String health(String ns, String name) {
      return health.get(ns + "/" + name);
    }

    Map<String, Long> healthCounts() {
      Map<String, Long> out = new TreeMap<>();
      health.values().forEach(h -> out.merge(h, 1L, Long::sum));
      return out;
    }
  }

  /** The operator's requests to the API server (told by its token), by verb and resource. */
  static final class Requests {
    final KubernetesMockServer server;
    final Map<String, Long> counts = new TreeMap<>();

    Requests(KubernetesMockServer server) {
      this.server = server;
    }

    void drain() throws InterruptedException {
      for (RecordedRequest r; (r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null; ) {
        if (!("Bearer " + TOKEN).equals(r.getHeader("Authorization"))) {
          continue;
        }
        counts.merge(kind(r.getMethod(), r.getPath()), 1L, Long::sum);
      }
    }

    void reset() {
      counts.clear();
    }

    /** "LIST pods", "WATCH services", "GET …", "PATCH gatewaydiagnoses/status", … */
    static String kind(String method, String path) {
      String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      String query = path.contains("?") ? path.substring(path.indexOf('?') + 1) : "";
      List<String> parts = new ArrayList<>(Arrays.asList(p.split("/")));
      parts.removeIf(String::isEmpty);
      // /api/v1[/namespaces/ns]/kind[/name[/sub]] or /apis/group/version/...
      int at = "api".equals(parts.isEmpty() ? "" : parts.get(0)) ? 2 : 3;
      if (parts.size() > at + 1 && "namespaces".equals(parts.get(at)) && parts.size() > at + 2) {
        at += 2;
      }
      String resource = parts.size() > at ? parts.get(at) : p;
      boolean named = parts.size() > at + 1;
      String sub = parts.size() > at + 2 ? "/" + parts.get(at + 2) : "";
      String verb =
          !"GET".equals(method)
              ? method
              : query.contains("watch=true") ? "WATCH" : named ? "GET" : "LIST";
      return verb + " " + resource + sub;
    }

    String summary(double secs) {
      long lists = 0;
      long watches = 0;
      long gets = 0;
      long writes = 0;
      for (var e : counts.entrySet()) {
        String verb = e.getKey().substring(0, e.getKey().indexOf(' '));
        switch (verb) {
          case "LIST" -> lists += e.getValue();
          case "WATCH" -> watches += e.getValue();
          case "GET" -> gets += e.getValue();
          default -> writes += e.getValue();
        }
      }
      return String.format(
          Locale.ROOT,
          "%d lists, %d watches, %d gets, %d writes (%.2f writes/s)",
          lists,
          watches,
          gets,
          writes,
          writes / secs);
    }

    Map<String, Long> byKind() {
      return new TreeMap<>(counts);
    }
  }

  /** CPU time (user + system) of a process, from /proc. */
  record Cpu(long start) {
    static Cpu self() {
      return new Cpu(of(ProcessHandle.current().pid()));
    }

    long since() {
      return of(ProcessHandle.current().pid()) - start;
    }

    static long of(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 10_000_000L; // USER_HZ 100
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }
  }
}
