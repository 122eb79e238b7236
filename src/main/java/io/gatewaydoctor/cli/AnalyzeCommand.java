package io.gatewaydoctor.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Windows;
import io.gatewaydoctor.analysis.rules.KeepAliveSignature;
import io.gatewaydoctor.api.Baseline;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.ProbeSpec;
import io.gatewaydoctor.evaluation.Pipeline;
import io.gatewaydoctor.gateway.Dialects;
import io.gatewaydoctor.history.ChainBaseline;
import io.gatewaydoctor.history.DumpTimeline;
import io.gatewaydoctor.model.ChainResolver;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Gateways;
import io.gatewaydoctor.model.HTTPRouteTargets;
import io.gatewaydoctor.model.Labels;
import io.gatewaydoctor.model.Newest;
import io.gatewaydoctor.model.OptOut;
import io.gatewaydoctor.probe.HttpProber;
import io.gatewaydoctor.probe.Probe;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.probe.ProbePlanner;
import io.gatewaydoctor.probe.ProbeRunner;
import io.gatewaydoctor.probe.ProbeScope;
import io.gatewaydoctor.probe.ProbeTarget;
import io.gatewaydoctor.probe.Prober;
import io.gatewaydoctor.remediation.Remediation;
import io.gatewaydoctor.remediation.RemediationPolicy;
import io.gatewaydoctor.report.AnalyzeTable;
import io.gatewaydoctor.report.DiagnosisResources;
import io.gatewaydoctor.report.Explainer;
import io.gatewaydoctor.report.Printable;
import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.LogFormat;
import io.gatewaydoctor.sources.PrometheusClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Diagnose every Ingress of a `kubectl get -o yaml|json` dump (-f) or of the live cluster of the",
      "current kubeconfig context (read-only), with the same analysis the operator runs.",
      "Exit codes: 0 every target healthy, 1 a target Degraded/Failing (see --fail-on), 2 bad usage or unreadable input."
    },
    footer = {
      "",
      "Examples:",
      "  kubectl get ingress,ingressclass,svc,endpointslices,pods,deploy,rs,networkpolicy,events -A -o yaml > dump.yaml",
      "  gateway-doctor analyze -f dump.yaml",
      "  gateway-doctor analyze -f dump.yaml --target ingress/shop/checkout --explain",
      "  gateway-doctor analyze -n shop -o json        # live cluster, current context"
    })
public class AnalyzeCommand implements Callable<Integer> {
  public enum Output {
    table,
    wide,
    json,
    yaml
  }

  public enum FailOn {
    critical,
    warning,
    never
  }

  /**
   * A bug, not the input's fault: distinct from 1 (a target is unhealthy) and 2 (bad usage or
   * input).
   */
  public static final int INTERNAL_ERROR = 3;

  /** The default of --window. */
  static final String WINDOW = "10m";

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE|DIR",
      description =
          "Objects as kubectl prints them (List, multi-document YAML, JSON); a directory is read recursively; - reads standard input. Repeatable.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig for the live cluster (default: $KUBECONFIG or ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--context",
      description = "Kubeconfig context for the live cluster (default: the current one).")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      description = "Only this namespace (live default: the context's namespace).")
  String namespace;

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "All namespaces (the default for -f).")
  boolean allNamespaces;

  @Option(
      names = "--target",
      paramLabel = "KIND/[NS/]NAME",
      description =
          "Only this target: ingress/[NS/]NAME, httproute/[NS/]NAME or grpcroute/[NS/]NAME."
              + " Repeatable.")
  List<String> targets = new ArrayList<>();

  @Option(
      names = {"-l", "--selector"},
      description = "Only Ingresses with these labels (kubectl syntax: k=v,k!=v,k in (a,b),!k).")
  String selector;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table (default), wide, json or yaml.")
  Output output;

  @Option(
      names = "--explain",
      description =
          "Per target: the chain Ingress → Service:port → targetPort → endpoints → pods, each link's state, the evidence and the fix.")
  boolean explain;

  @Option(
      names = "--fail-on",
      defaultValue = "warning",
      description =
          "Exit 1 when a target is: Failing (critical), Degraded or Failing (warning, the default), never (never).")
  FailOn failOn;

  @Option(
      names = "--now",
      paramLabel = "RFC3339",
      description =
          "Evaluation instant (default: the newest timestamp in a dump; the wall clock live).")
  String now;

  @Option(
      names = "--window",
      defaultValue = WINDOW,
      description = "How far back evidence counts (default ${DEFAULT-VALUE}).")
  String window;

  @Option(
      names = "--gateway-log",
      paramLabel = "FILE",
      description = {
        "An ingress-nginx controller pod's log (kubectl logs),",
        "access and error lines: the gateway's own 500/502/503/504, per pod, with nginx's reasons. Repeatable."
      })
  List<Path> gatewayLogs = new ArrayList<>();

  @Option(
      names = "--prometheus",
      paramLabel = "URL",
      description = {
        "A Prometheus HTTP API (e.g. http://localhost:9090 through a",
        "port-forward) to read nginx_ingress_controller_requests from: what the clients of each Ingress got in the window."
      })
  String prometheus;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description = {
        "The access-log format of the gateway logs when it is not",
        "ingress-nginx's default: the log-format-upstream value of its ConfigMap (nginx log_format syntax, JSON templates too)."
      })
  String logFormat;

  @Option(
      names = "--baseline",
      paramLabel = "FILE|DIR",
      description = {
        "An earlier dump (kubectl get -o yaml, from when it worked):",
        "what changed on each target's chain since then goes into status.drift and a ConfigDrift finding."
      })
  List<Path> baseline = new ArrayList<>();

  @Option(
      names = "--probe",
      description = {
        "Probe every backend endpoint (pod IP:port from the EndpointSlices) the way the gateway",
        "would; run it where the pod network is reachable (in the cluster, or through a VPN)."
      })
  boolean probe;

  @Option(
      names = "--probe-allowed-cidr",
      paramLabel = "CIDR",
      description = {
        "With --probe: also probe addresses in this block that",
        "are not provably pods of their Service (selectorless Services, hand-made EndpointSlices). Repeatable. Link-local",
        "and cloud metadata addresses are never probed."
      })
  List<String> probeAllowedCidrs = new ArrayList<>();

  @Option(
      names = "--probe-timeout",
      paramLabel = "MS",
      defaultValue = "2000",
      description = "Timeout of one probe (default ${DEFAULT-VALUE} ms).")
  int probeTimeout;

  @Option(
      names = "--probe-concurrency",
      paramLabel = "N",
      defaultValue = "32",
      description = "Probes at once (default ${DEFAULT-VALUE}).")
  int probeConcurrency;

  @Option(
      names = "--probe-keepalive",
      negatable = true,
      description = {
        "With --probe: also hold an idle keep-alive connection to one",
        "endpoint per Service and see whether the backend closes it before the gateway would (waits up to",
        "--upstream-keepalive-timeout). Without it, only the Services whose gateway logs show the keep-alive race's",
        "signature (sporadic premature closes or resets) are measured; --no-probe-keepalive measures none."
      })
  Boolean probeKeepAlive;

  @Option(
      names = "--upstream-keepalive-timeout",
      paramLabel = "SECONDS",
      description = {
        "The gateway's idle upstream keep-alive timeout. Default: upstream-keepalive-timeout of the ingress-nginx",
        "controller's ConfigMap (the one its pods name with --configmap), else ingress-nginx's 60."
      })
  Integer upstreamKeepAlive;

  @Option(
      names = "--timings",
      hidden = true,
      description = "Print how long each phase took, on stderr.")
  boolean timings;

  @Spec CommandSpec spec;

  private String server;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // the same reading, begun before picocli read the command line (stopped below if not taken)
    early = EarlyStart.take();
    try {
      long t0 = System.nanoTime();
      AnalyzeRun run = AnalyzeRun.of(this);
      liveFormat = run.format();
      // the logs are read while the objects are (used only if the objects change nothing of it);
      // a live read without --now is evaluated at the clock's instant, which no tail can guess
      if (!gatewayLogs.isEmpty() && (!files.isEmpty() || run.fixedNow() != null)) {
        if (early == null) {
          early =
              GatewayLogs.Early.start(
                  gatewayLogs, run.fixedNow(), Windows.parse(window), run.format());
        }
      } else if (early != null) {
        early.cancel();
        early = null;
      }
      Input in = load(err);
      if (!gatewayLogs.isEmpty()) {
        // --log-format, else the controllers' ConfigMap (read with the live cluster already)
        run =
            run.withFormat(
                in.live() ? liveFormat : GatewayLogs.format(in.snapshot(), run.format(), err));
      }
      long t1 = System.nanoTime();
      List<Ingress> selected = new ArrayList<>(run.select(in.snapshot().ingresses(), err));
      // gatewaydoctor.io/diagnose: "false" is honoured as the operator honours it (the namespace's
      // is final)
      int listed = selected.size();
      selected.removeIf(
          i ->
              OptOut.of(
                      i.getMetadata().getAnnotations(),
                      in.snapshot()
                          .namespace(i.getMetadata().getNamespace())
                          .map(n -> n.getMetadata().getAnnotations())
                          .orElse(null))
                  .out());
      long unseen =
          selected.stream()
              .map(i -> i.getMetadata().getNamespace())
              .distinct()
              .filter(n -> in.snapshot().namespace(n).isEmpty())
              .count();
      if (unseen > 0) {
        err.println(
            "warning: "
                + unseen
                + " namespace"
                + (unseen == 1 ? "" : "s")
                + " of the Ingresses not in the input: their"
                + " gatewaydoctor.io/diagnose and remediation annotations are not seen (dump namespaces too)");
      }
      List<String> lookalikes =
          Gateways.untrustedControllerPods(in.snapshot()).stream()
              .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName())
              .toList();
      if (!lookalikes.isEmpty()) {
        err.println(
            "note: "
                + lookalikes.size()
                + " pod"
                + (lookalikes.size() == 1 ? " looks" : "s look")
                + " like an ingress controller"
                + " outside --controller-namespace "
                + String.join(",", controllerNamespaces)
                + " and "
                + (lookalikes.size() == 1 ? "was" : "were")
                + " not taken for it ("
                + String.join(", ", lookalikes.subList(0, Math.min(3, lookalikes.size())))
                + (lookalikes.size() > 3 ? ", ..." : "")
                + "); if the controller runs there, add --controller-namespace NS");
      }
      if (selected.size() < listed) {
        err.println(
            "skipped "
                + (listed - selected.size())
                + " Ingress"
                + (listed - selected.size() == 1 ? "" : "es")
                + " opted out (gatewaydoctor.io/diagnose: \"false\" on it or its namespace)");
      }
      Instant at = run.instant(in);
      Duration w = Windows.parse(window);
      List<GatewayDiagnosis> items = new ArrayList<>();
      StringBuilder explained = new StringBuilder();
      GatewayEvidence gateway =
          !gatewayLogs.isEmpty()
              ? logsAtNewest != null && logsAtNewest.at().equals(at)
                  ? logsAtNewest.evidence()
                  : GatewayLogs.read(gatewayLogs, at, w, run.format(), early)
              : liveGateway != null ? liveGateway : GatewayEvidence.NONE;
      List<HasMetadata> routes = new ArrayList<>();
      for (var route : run.selectRoutes(in.snapshot().routes())) {
        var ns = in.snapshot().namespace(route.getMetadata().getNamespace()).orElse(null);
        if (!OptOut.of(
                route.getMetadata().getAnnotations(),
                ns == null ? null : ns.getMetadata().getAnnotations())
            .out()) {
          routes.add(route);
        }
      }
      List<HasMetadata> targets = new ArrayList<>(selected);
      targets.addAll(routes);
      java.util.Map<HasMetadata, ProbeEvidence> probes =
          probe ? probe(targets, in.snapshot(), gateway, err) : java.util.Map.of();
      if (gateway.skipped() > 0) {
        err.println(
            "gateway logs: "
                + gateway.skipped()
                + " line"
                + (gateway.skipped() == 1 ? "" : "s")
                + " neither an access line nor an upstream error (skipped)");
      }
      java.util.Map<String, java.util.Map<String, Long>> metrics = java.util.Map.of();
      if (prometheus != null) {
        try {
          metrics =
              new PrometheusClient(Duration.ofSeconds(10))
                  .requestsByIngress(java.net.URI.create(prometheus), w, at, controllerNamespaces);
        } catch (java.io.IOException | IllegalArgumentException e) {
          throw new InputFiles.InputException("--prometheus " + prometheus + ": " + e.getMessage());
        }
      }
      ClusterSnapshot before = baseline.isEmpty() ? null : baselineSnapshot();
      // the pipeline is pure and the snapshot read-only: many targets on every core, in order
      // (--explain appends to one text, so it stays on one)
      boolean everyCore =
          !explain
              && selected.size() >= parallelTargets
              && Runtime.getRuntime().availableProcessors() > 1;
      final var metricsOf = metrics;
      items.addAll(
          (everyCore ? selected.parallelStream() : selected.stream())
              .map(ing -> diagnose(ing, in, gateway, probes, metricsOf, before, at, w, explained))
              .toList());
      for (var route : routes) {
        items.add(
            diagnoseRoute(
                route,
                in,
                gateway,
                probes.getOrDefault(route, ProbeEvidence.NONE),
                at,
                w,
                explained));
      }
      long t2 = System.nanoTime();
      switch (output) {
        case json -> out.println(Serialization.asJson(DiagnosisResources.list(items)));
        case yaml -> out.print(Serialization.asYaml(DiagnosisResources.list(items)));
        default -> {
          if (explain) {
            out.print(Printable.safe(explained.toString()));
          } else if (items.isEmpty()) {
            err.println(
                "No Ingresses found"
                    + (in.live()
                        ? (allNamespaces
                            ? " in any namespace"
                            : " in namespace "
                                + readNamespace
                                + "; -A reads all namespaces, -n NS another one")
                        : " in the input")
                    + ".");
          } else {
            out.print(Printable.safe(AnalyzeTable.render(items, output == Output.wide)));
          }
        }
      }
      if (explain && (output == Output.json || output == Output.yaml)) {
        err.print(Printable.safe(explained.toString()));
      }
      out.flush();
      if (timings) {
        err.printf(
            java.util.Locale.ROOT,
            "timings: read %.2f s, analyse %d targets %.2f s, write %.2f s%n",
            (t1 - t0) / 1e9,
            items.size(),
            (t2 - t1) / 1e9,
            (System.nanoTime() - t2) / 1e9);
      }
      return run.exitCode(items);
    } catch (UsageException e) {
      err.println("analyze: " + e.getMessage());
      return 2;
    } catch (InputFiles.InputException e) {
      err.println("analyze: " + e.getMessage());
      return 2;
    } catch (KubernetesClientException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      err.println(
          "analyze: cannot read the cluster"
              + (server == null ? "" : " at " + server)
              + ": "
              + firstLine(e.getMessage())
              + (root == e
                  ? ""
                  : " ("
                      + root.getClass().getSimpleName()
                      + ": "
                      + firstLine(root.getMessage())
                      + ")"));
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("analyze: interrupted");
      return INTERNAL_ERROR;
    } catch (OutOfMemoryError e) {
      err.println(
          "analyze: out of memory reading the input; give the JVM more (JAVA_OPTS=-Xmx4g) or analyze fewer namespaces (-n)");
      return INTERNAL_ERROR;
    } catch (RuntimeException | StackOverflowError e) {
      err.println("analyze: internal error, please report it with the input that caused it: " + e);
      return INTERNAL_ERROR;
    } finally {
      if (early != null) {
        early.cancel(); // a reading nobody took (the input was refused, or read otherwise)
      }
    }
  }

  record Input(ClusterSnapshot snapshot, List<HasMetadata> objects, boolean live) {}

  /** The namespace a live read was limited to (null: all). */
  private String readNamespace;

  /** What the controllers' logs said, in a live read (null: not read). */
  private GatewayEvidence liveGateway;

  private LogFormat liveFormat;

  /** At least this many Ingresses are analysed on every core (without --explain). */
  static int parallelTargets = 500;

  /**
   * One target through the pipeline the operator runs, with what analyze adds: the Prometheus
   * request counts, the baseline given, the remediation preview and the dump's own timeline.
   */
  private GatewayDiagnosis diagnose(
      Ingress ing,
      Input in,
      GatewayEvidence gateway,
      java.util.Map<HasMetadata, ProbeEvidence> probes,
      java.util.Map<String, java.util.Map<String, Long>> metrics,
      ClusterSnapshot before,
      Instant at,
      Duration w,
      StringBuilder explained) {
    var target = Pipeline.resolve(ing, in.snapshot());
    var chain = target.chain();
    var old =
        before == null
            ? null
            : before
                .ingress(ing.getMetadata().getNamespace(), ing.getMetadata().getName())
                .orElse(null);
    // a target the baseline does not have has no drift to tell (it is new)
    var oldChain = old == null ? null : ChainResolver.resolve(old, before);
    String key = ing.getMetadata().getNamespace() + "/" + ing.getMetadata().getName();
    var evidence =
        !metrics.containsKey(key)
            ? gateway
            : gateway.withReturned(
                ing.getMetadata().getNamespace(),
                ing.getMetadata().getName(),
                GatewayEvidence.Returned.of(metrics.get(key), "prometheus"));
    var policy = policyOf(ing, in.snapshot());
    Diagnosis d =
        Pipeline.evaluate(
                target,
                new Pipeline.Inputs(
                    probes.getOrDefault(ing, ProbeEvidence.NONE),
                    evidence,
                    oldChain == null ? null : ChainBaseline.of(oldChain, before),
                    true,
                    policy,
                    at,
                    w))
            .diagnosis();
    Baseline healthy = null;
    if (before != null) { // the revisions that served when it worked
      healthy = new Baseline();
      healthy.servedBy = oldChain == null ? null : ChainBaseline.servedBy(oldChain);
    }
    var plans = Remediation.preview(d, policy, at, w, healthy);
    GatewayDiagnosis gd = DiagnosisResources.of(ing, d, at);
    gd.getStatus().remediations = new ArrayList<>(plans);
    // what the dump itself tells of the last hour: rollouts, pod starts, restarts
    var timeline = DumpTimeline.of(chain, in.snapshot(), at, Duration.ofHours(1), 20);
    gd.getStatus().timeline = timeline.isEmpty() ? null : timeline;
    if (explain) {
      explained
          .append(Explainer.explain(chain, in.snapshot(), d))
          .append(Explainer.plans(plans))
          .append('\n');
    }
    return gd;
  }

  /**
   * One HTTPRoute through the same pipeline (its backends, the rules that apply to them, its probes
   * with --probe); no metrics or baseline for routes yet.
   */
  private GatewayDiagnosis diagnoseRoute(
      HasMetadata route,
      Input in,
      GatewayEvidence gateway,
      ProbeEvidence probes,
      Instant at,
      Duration w,
      StringBuilder explained) {
    var target = Pipeline.resolve(HTTPRouteTargets.of(route, in.snapshot()), in.snapshot());
    var policy = policyOf(route, in.snapshot());
    Diagnosis d =
        Pipeline.evaluate(target, new Pipeline.Inputs(probes, gateway, null, true, policy, at, w))
            .diagnosis();
    GatewayDiagnosis gd = DiagnosisResources.of(target.chain().target(), d, at);
    var timeline = DumpTimeline.of(target.chain(), in.snapshot(), at, Duration.ofHours(1), 20);
    gd.getStatus().timeline = timeline.isEmpty() ? null : timeline;
    if (explain) {
      explained.append(Explainer.explain(target.chain(), in.snapshot(), d)).append('\n');
    }
    return gd;
  }

  /**
   * A target's remediation policy as the operator reads it (its annotations under its namespace's),
   * without the operator's cap: analyze previews what the target asks for.
   */
  private static RemediationPolicy policyOf(HasMetadata target, ClusterSnapshot snapshot) {
    var ns = snapshot.namespace(target.getMetadata().getNamespace()).orElse(null);
    return RemediationPolicy.of(
        target.getMetadata().getAnnotations(),
        ns == null ? null : ns.getMetadata().getAnnotations(),
        RemediationPolicy.Mode.auto,
        java.util.Set.of());
  }

  private Instant fixedNowOrNow() {
    return now != null ? Instant.parse(now) : Instant.now();
  }

  @Option(
      names = "--no-gateway-logs",
      description = {
        "Live: do not read the ingress controller pods' logs (by default the window's",
        "worth of every running controller replica is read through pods/log)."
      })
  boolean noGatewayLogs;

  @Option(
      names = "--controller-namespace",
      paramLabel = "NS",
      split = ",",
      defaultValue = "ingress-nginx",
      description = {
        "The namespaces whose pods may be the ingress controller's (default: ${DEFAULT-VALUE}; repeatable, or a comma list;",
        "\"*\": any). Only their logs are read and only they count for NetworkPolicy checks: a pod elsewhere that",
        "looks like a controller is an ordinary pod."
      })
  List<String> controllerNamespaces = new ArrayList<>();

  /**
   * Probes the endpoints of each selected target as its own Ingress says (protocol, Host, path,
   * buffer): one evidence per Ingress; a target shared by several is probed once. Evidence is
   * dropped when nothing at all was reachable from here.
   */
  private java.util.Map<HasMetadata, ProbeEvidence> probe(
      List<HasMetadata> selected,
      ClusterSnapshot snapshot,
      GatewayEvidence gateway,
      PrintWriter err)
      throws InterruptedException {
    java.util.Set<String> suspected =
        new java.util.LinkedHashSet<>(); // Services whose logs show the keep-alive race's signature
    ProbeScope scope = ProbeScope.of(probeAllowedCidrs); // checked at parse time
    ProbeSpec spec = new ProbeSpec();
    spec.setTimeoutMillis(probeTimeout);
    java.util.Map<HasMetadata, List<ProbePlanner.Planned>> plans = new java.util.LinkedHashMap<>();
    java.util.Set<ProbeTarget> distinct = new java.util.HashSet<>();
    java.util.Map<HasMetadata, Duration> keepAliveOf = new java.util.HashMap<>();
    for (HasMetadata ing : selected) {
      var chain =
          ing instanceof Ingress i
              ? ChainResolver.resolve(i, snapshot)
              : ChainResolver.resolve(HTTPRouteTargets.of(ing, snapshot), snapshot);
      keepAliveOf.put(
          ing,
          upstreamKeepAlive != null
              ? Duration.ofSeconds(upstreamKeepAlive)
              : Dialects.of(chain.target()).upstreamKeepAlive(chain.controllerConfig()));
      List<ProbePlanner.Planned> plan = ProbePlanner.plan(chain, snapshot, spec, scope);
      suspected.addAll(KeepAliveSignature.suspected(chain, gateway));
      plans.put(ing, plan);
      plan.stream().filter(ProbePlanner.Planned::probed).forEach(p -> distinct.add(p.target()));
    }
    java.util.Map<HasMetadata, ProbeEvidence> out = new java.util.LinkedHashMap<>();
    if (distinct.isEmpty()) {
      // nothing may be probed: only what was not, and why
      plans.forEach(
          (ing, plan) -> out.put(ing, ProbeEvidence.NONE.withSkipped(ProbePlanner.skipped(plan))));
      reportSkipped(out, err);
      return out;
    }
    java.util.concurrent.ConcurrentHashMap<ProbeTarget, Probe> seen =
        new java.util.concurrent.ConcurrentHashMap<>();
    Prober once = new HttpProber();
    Prober cached = t -> seen.computeIfAbsent(t, once::probe);
    boolean reached = false;
    try (ProbeRunner runner = new ProbeRunner(cached, probeConcurrency)) {
      List<ProbePlanner.Planned> all = new ArrayList<>();
      for (var e : plans.entrySet()) {
        ProbeEvidence evidence =
            e.getValue().isEmpty() ? ProbeEvidence.NONE : runner.run(e.getValue());
        reached |= evidence.reachedAny();
        out.put(e.getKey(), evidence);
        if (!keepAliveOf.get(e.getKey()).isZero()) {
          all.addAll(e.getValue()); // a gateway that keeps no idle connection cannot race
        }
      }
      if (!Boolean.TRUE.equals(probeKeepAlive)) {
        // by default only where the logs point at a keep-alive race; --no-probe-keepalive: nowhere
        all.removeIf(
            p ->
                probeKeepAlive != null
                    || !suspected.contains(
                        p.backend().serviceKey() + ":" + p.backend().ref().portLabel()));
      }
      if (!all.isEmpty() && reached) {
        // one idle connection per Service for all targets at once: each waits up to the gateway's
        // timeout
        Duration keepAlive =
            keepAliveOf.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
        if (!Boolean.TRUE.equals(probeKeepAlive)) {
          err.println(
              "measuring the idle keep-alive timeout of "
                  + String.join(", ", suspected)
                  + " (up to "
                  + (keepAlive.toSeconds() + 1)
                  + " s): the gateway's logs show sporadic premature closes or resets there (--no-probe-keepalive skips it)");
        }
        var measured =
            runner.keepAlive(all, ProbeEvidence.of(seen.values()), keepAlive.plusSeconds(1));
        out.replaceAll((ing, ev) -> ev.withKeepAlive(measured, keepAliveOf.get(ing)));
      }
    }
    reportSkipped(out, err);
    if (!reached) {
      err.println(
          "warning: none of the "
              + distinct.size()
              + " endpoints was reachable from here (pod network not routable?);"
              + " probe results are left out of the verdict");
      out.replaceAll((ing, ev) -> ev.skippedOnly());
      return out;
    }
    err.println("probed " + distinct.size() + " endpoint" + (distinct.size() == 1 ? "" : "s"));
    return out;
  }

  /** Says how many endpoints were not probed (not provably pods of their Service), if any. */
  private static void reportSkipped(
      java.util.Map<HasMetadata, ProbeEvidence> evidence, PrintWriter err) {
    long n = evidence.values().stream().mapToLong(e -> e.skipped().size()).sum();
    if (n > 0) {
      err.println(
          "not probed: "
              + n
              + " endpoint"
              + (n == 1 ? "" : "s")
              + " not provably a pod of its Service"
              + " (status.backends[].endpoints[].lastProbe says why; --probe-allowed-cidr allows a block)");
    }
  }

  /**
   * The objects that have a name, namespaced ones without a namespace placed as kubectl apply would
   * place them.
   */
  private List<HasMetadata> named(List<HasMetadata> loaded) {
    List<HasMetadata> objects = new ArrayList<>();
    for (HasMetadata o : loaded) {
      if (o.getMetadata() == null || o.getMetadata().getName() == null) {
        continue;
      }
      if (o.getMetadata().getNamespace() == null && namespaced(o)) {
        o.getMetadata().setNamespace(namespace != null ? namespace : "default");
      }
      objects.add(o);
    }
    return objects;
  }

  /** The baseline dump, read as -f input is. */
  private ClusterSnapshot baselineSnapshot() throws InputFiles.InputException {
    List<HasMetadata> objects = named(InputFiles.read(baseline).objects());
    if (objects.isEmpty()) {
      throw new InputFiles.InputException(
          String.join(", ", baseline.stream().map(Path::toString).toList())
              + ": no Kubernetes objects found (--baseline)");
    }
    return ClusterSnapshot.of(objects, List.of());
  }

  private Input load(PrintWriter err) throws InputFiles.InputException, UsageException {
    if (!files.isEmpty()) {
      InputFiles.Loaded loaded = InputFiles.read(files);
      List<HasMetadata> objects = named(loaded.objects());
      int skipped = loaded.objects().size() - objects.size();
      if (skipped > 0) {
        err.println(
            "warning: skipped "
                + skipped
                + " object"
                + (skipped == 1 ? "" : "s")
                + " without metadata.name");
      }
      if (objects.isEmpty()) {
        throw new UsageException(
            String.join(", ", files.stream().map(Path::toString).toList())
                + ": no Kubernetes objects found");
      }
      return new Input(
          ClusterSnapshot.of(objects, List.of(), controllerNamespaces), objects, false);
    }
    Config config;
    try {
      if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
        throw new UsageException(
            "cannot read the kubeconfig " + kubeconfig + ": no such file or not readable");
      }
      // an explicit kubeconfig is taken as it is: no system property or environment overrides it
      config =
          kubeconfig != null
              ? Config.fromKubeconfig(context, kubeconfig.toFile())
              : Config.autoConfigure(context);
    } catch (RuntimeException e) {
      throw new UsageException(
          "cannot read the kubeconfig"
              + (kubeconfig == null ? "" : " " + kubeconfig)
              + ": "
              + firstLine(e.getMessage()));
    }
    if (context != null
        && (config.getCurrentContext() == null
            || !context.equals(config.getCurrentContext().getName()))) {
      // Fabric8 falls back to the current context for an unknown name: never analyse the wrong
      // cluster
      throw new UsageException(
          "context "
              + context
              + " is not in the kubeconfig (contexts: "
              + (config.getContexts() == null
                  ? "none"
                  : String.join(
                      ", ", config.getContexts().stream().map(c -> c.getName()).sorted().toList()))
              + ")");
    }
    if (config.getMasterUrl() == null
        || (kubeconfig == null
            && context == null
            && config.getCurrentContext() == null
            && System.getenv("KUBERNETES_SERVICE_HOST") == null)) {
      throw new UsageException(
          "no cluster configured (no kubeconfig context found); give -f FILE|DIR to analyze a dump");
    }
    // an incident is no time for ten silent retries: fail fast and say so
    config.setRequestRetryBackoffLimit(1);
    config.setRequestRetryBackoffInterval(250);
    server = config.getMasterUrl();
    String ns =
        allNamespaces
            ? null
            : namespace != null
                ? namespace
                : config.getNamespace() != null ? config.getNamespace() : "default";
    readNamespace = ns;
    err.println(
        "analyze: reading "
            + server
            + (config.getCurrentContext() == null
                ? ""
                : " (context " + config.getCurrentContext().getName() + ")")
            + ", "
            + (ns == null ? "all namespaces" : "namespace " + ns));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      LiveCluster live = new LiveCluster(client, ns, controllerNamespaces, err);
      ClusterSnapshot snapshot = live.read();
      if (!gatewayLogs.isEmpty() || !noGatewayLogs) {
        liveFormat = GatewayLogs.format(snapshot, liveFormat, err);
      }
      if (gatewayLogs.isEmpty() && !noGatewayLogs) {
        // the controllers' own logs, read here as the operator reads them: per-pod attribution
        // without kubectl logs
        liveGateway =
            LiveGatewayLogs.read(
                client,
                snapshot,
                fixedNowOrNow(),
                Windows.parse(window),
                liveFormat,
                controllerNamespaces,
                err);
      }
      return new Input(snapshot, live.objects, true);
    }
  }

  private static boolean namespaced(HasMetadata o) {
    String k = o.getKind();
    return k != null
        && !List.of(
                "Namespace",
                "IngressClass",
                "Node",
                "ClusterRole",
                "ClusterRoleBinding",
                "CustomResourceDefinition",
                "PersistentVolume",
                "StorageClass",
                "PriorityClass")
            .contains(k);
  }

  static String firstLine(String s) {
    return s == null ? "unknown error" : s.lines().findFirst().orElse(s);
  }

  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** The validated options and the pure decisions (selection, instant, exit code). */
  /** The gateway logs, when reading them was part of finding the evaluation instant. */
  private GatewayLogs.AtNewest logsAtNewest;

  /** The reading of --gateway-log begun before the objects were read, or null. */
  private GatewayLogs.Early early;

  record AnalyzeRun(AnalyzeCommand c, LabelSelector labels, Instant fixedNow, LogFormat format) {
    AnalyzeRun withFormat(LogFormat f) {
      return new AnalyzeRun(c, labels, fixedNow, f);
    }

    static AnalyzeRun of(AnalyzeCommand c) throws UsageException {
      LogFormat format = null;
      if (c.logFormat != null) {
        if (c.gatewayLogs.isEmpty()) {
          throw new UsageException("--log-format goes with --gateway-log");
        }
        try {
          format = LogFormat.of(c.logFormat);
        } catch (IllegalArgumentException e) {
          throw new UsageException("--log-format: " + e.getMessage());
        }
      }
      try {
        ProbeScope.of(c.probeAllowedCidrs);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--probe-allowed-cidr: " + e.getMessage());
      }
      if (c.probeTimeout < 50 || c.probeTimeout > 60000) {
        throw new UsageException("--probe-timeout " + c.probeTimeout + ": between 50 and 60000 ms");
      }
      if (c.upstreamKeepAlive != null && (c.upstreamKeepAlive < 1 || c.upstreamKeepAlive > 3600)) {
        throw new UsageException(
            "--upstream-keepalive-timeout " + c.upstreamKeepAlive + ": between 1 and 3600 seconds");
      }
      if (Boolean.TRUE.equals(c.probeKeepAlive) && !c.probe) {
        throw new UsageException("--probe-keepalive goes with --probe");
      }
      if (c.probeConcurrency < 1 || c.probeConcurrency > 512) {
        throw new UsageException(
            "--probe-concurrency " + c.probeConcurrency + ": between 1 and 512");
      }
      if (c.allNamespaces && c.namespace != null) {
        throw new UsageException("give either -n/--namespace or -A/--all-namespaces, not both");
      }
      if (!c.files.isEmpty() && (c.context != null || c.kubeconfig != null)) {
        throw new UsageException(
            "--context/--kubeconfig read a live cluster; they do not go with -f");
      }
      if (!Windows.valid(c.window)) {
        throw new UsageException(
            "--window " + c.window + ": expected a duration like 10m, 90s or 1h30m (at most 24h)");
      }
      for (String t : c.targets) {
        String[] parts = t.split("/");
        if (parts.length < 2
            || parts.length > 3
            || kindOf(parts[0]) == null
            || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
          throw new UsageException(
              "--target "
                  + t
                  + ": expected KIND/NAME or KIND/NAMESPACE/NAME, KIND one of ingress,"
                  + " httproute, grpcroute");
        }
      }
      LabelSelector labels = null;
      if (c.selector != null) {
        try {
          labels = Labels.parseSelector(c.selector);
        } catch (IllegalArgumentException e) {
          throw new UsageException("-l " + c.selector + ": " + e.getMessage());
        }
      }
      Instant fixed = null;
      if (c.now != null) {
        try {
          fixed = OffsetDateTime.parse(c.now).toInstant();
        } catch (DateTimeParseException e) {
          throw new UsageException(
              "--now " + c.now + ": not an RFC 3339 time (e.g. 2026-12-01T12:00:00Z)");
        }
      }
      return new AnalyzeRun(c, labels, fixed, format);
    }

    List<Ingress> select(java.util.Collection<Ingress> all, PrintWriter err) throws UsageException {
      return select(all, "ingress", "Ingress");
    }

    /**
     * The targets of one kind to diagnose, by namespace, selector and --target (a --target of this
     * kind that matches none is an error), sorted by namespace and name.
     */
    private <T extends HasMetadata> List<T> select(
        java.util.Collection<T> all, String kind, String kindName) throws UsageException {
      List<T> out = new ArrayList<>();
      for (T i : all) {
        String ns = i.getMetadata().getNamespace();
        if (c.namespace != null && !c.namespace.equals(ns)) {
          continue;
        }
        if (labels != null && !Labels.selects(labels, i.getMetadata().getLabels())) {
          continue;
        }
        if (!c.targets.isEmpty() && c.targets.stream().noneMatch(t -> matches(t, i))) {
          continue;
        }
        out.add(i);
      }
      for (String t : c.targets) {
        if (kind.equals(kindOf(t.split("/")[0])) && out.stream().noneMatch(i -> matches(t, i))) {
          throw new UsageException(
              "--target "
                  + t
                  + ": no such "
                  + kindName
                  + (c.namespace == null ? "" : " in namespace " + c.namespace));
        }
      }
      out.sort(
          Comparator.comparing((T i) -> i.getMetadata().getNamespace())
              .thenComparing(i -> i.getMetadata().getName()));
      return out;
    }

    /** "ingress" or "httproute" for the names kubectl accepts for them, else null. */
    static String kindOf(String word) {
      return switch (word.toLowerCase(java.util.Locale.ROOT)) {
        case "ingress", "ingresses", "ing" -> "ingress";
        case "httproute", "httproutes", "httproute.gateway.networking.k8s.io" -> "httproute";
        case "grpcroute", "grpcroutes", "grpcroute.gateway.networking.k8s.io" -> "grpcroute";
        default -> null;
      };
    }

    private static boolean matches(String target, HasMetadata i) {
      String[] p = target.split("/");
      String kind = i instanceof Ingress ? "ingress" : io.gatewaydoctor.model.Routes.lowerKind(i);
      if (!kind.equals(kindOf(p[0]))) {
        return false;
      }
      return p.length == 2
          ? p[1].equals(i.getMetadata().getName())
          : p[1].equals(i.getMetadata().getNamespace()) && p[2].equals(i.getMetadata().getName());
    }

    /** The routes (HTTPRoute, GRPCRoute) of the input to diagnose, chosen as the Ingresses are. */
    List<HasMetadata> selectRoutes(java.util.Collection<HasMetadata> all) throws UsageException {
      List<HasMetadata> http =
          select(
              all.stream()
                  .filter(r -> r instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute)
                  .toList(),
              "httproute",
              "HTTPRoute");
      List<HasMetadata> grpc =
          select(
              all.stream()
                  .filter(r -> r instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute)
                  .toList(),
              "grpcroute",
              "GRPCRoute");
      List<HasMetadata> out = new ArrayList<>(http);
      out.addAll(grpc);
      return out;
    }

    Instant instant(Input in) throws InputFiles.InputException {
      if (fixedNow != null) {
        return fixedNow;
      }
      if (in.live()) {
        return Instant.now();
      }
      java.util.Optional<Instant> objects = Newest.in(in.objects());
      if (!c.gatewayLogs.isEmpty()) {
        // the logs are read here, at the newest instant of the objects and of their own lines
        c.logsAtNewest =
            GatewayLogs.atNewest(
                c.gatewayLogs, objects, Windows.parse(c.window), format(), c.early);
        if (c.logsAtNewest != null) {
          return c.logsAtNewest.at();
        }
      }
      return objects.orElseGet(Instant::now);
    }

    int exitCode(List<GatewayDiagnosis> items) {
      for (GatewayDiagnosis g : items) {
        String h = g.getStatus() == null ? null : g.getStatus().health;
        if (c.failOn == FailOn.critical && "Failing".equals(h)
            || c.failOn == FailOn.warning && ("Failing".equals(h) || "Degraded".equals(h))) {
          return 1;
        }
      }
      return 0;
    }
  }
}
