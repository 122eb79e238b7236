package io.gatewaydoctor.analysis;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.gatewaydoctor.analysis.rules.Explained;
import io.gatewaydoctor.api.BackendStatus;
import io.gatewaydoctor.api.DriftEntry;
import io.gatewaydoctor.api.EndpointStatus;
import io.gatewaydoctor.api.EndpointTraffic;
import io.gatewaydoctor.api.GatewayErrors;
import io.gatewaydoctor.api.ProbeResult;
import io.gatewaydoctor.api.StatusCounts;
import io.gatewaydoctor.model.ChainResolver;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.TargetChain;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The pure analysis core: (cluster view, probe evidence, instant) in, diagnosis out. Shared by the
 * operator, {@code analyze} and {@code demo}. No client, no clock, no I/O.
 */
public final class Analyzer {
  public static final int MAX_BACKENDS = 20;
  public static final int MAX_ENDPOINTS = 50;

  private final List<Rule> rules;

  public Analyzer() {
    this(Rules.all());
  }

  public Analyzer(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public Diagnosis analyze(Ingress ingress, ClusterSnapshot cluster, Instant now, Duration window) {
    return analyze(ingress, cluster, now, window, ProbeEvidence.NONE);
  }

  public Diagnosis analyze(
      Ingress ingress,
      ClusterSnapshot cluster,
      Instant now,
      Duration window,
      ProbeEvidence probes) {
    return analyze(ingress, cluster, now, window, probes, GatewayEvidence.NONE);
  }

  public Diagnosis analyze(
      Ingress ingress,
      ClusterSnapshot cluster,
      Instant now,
      Duration window,
      ProbeEvidence probes,
      GatewayEvidence gateway) {
    return analyze(ChainResolver.resolve(ingress, cluster), cluster, now, window, probes, gateway);
  }

  /**
   * The same, on a chain the caller resolved already (to plan probes or explain it from the same
   * one).
   */
  public Diagnosis analyze(
      TargetChain chain,
      ClusterSnapshot cluster,
      Instant now,
      Duration window,
      ProbeEvidence probes,
      GatewayEvidence gateway) {
    return analyze(chain, cluster, now, window, probes, gateway, null);
  }

  /** The same, with what changed on the chain against a baseline (null: no baseline). */
  public Diagnosis analyze(
      TargetChain chain,
      ClusterSnapshot cluster,
      Instant now,
      Duration window,
      ProbeEvidence probes,
      GatewayEvidence gateway,
      List<DriftEntry> drift) {
    AnalysisContext ctx =
        new AnalysisContext(
            chain,
            cluster,
            now,
            window == null ? AnalysisContext.DEFAULT_WINDOW : window,
            probes,
            gateway,
            drift);
    List<RuleFinding> found = new ArrayList<>();
    for (Rule rule : rules) {
      try {
        found.addAll(rule.check(ctx));
      } catch (RuntimeException e) {
        // an odd object must not take the whole verdict down: say which rule could not run
        found.add(
            RuleFinding.of(
                Code.BackendNotDiagnosed,
                Severity.Info,
                chain.target().ref(),
                "check " + rule.getClass().getSimpleName() + " could not run: " + e,
                List.of()));
      }
    }
    long observed = Explained.observed(ctx);
    java.util.function.ToLongFunction<RuleFinding> score = f -> Explained.score(ctx, f);
    List<RuleFinding> deduped = dedupe(found);
    GatewayErrors errors = gatewayErrors(ctx);
    RuleFinding drifted =
        DriftFinding.of(ctx, deduped, errors); // reads whether there is trouble, not the order
    if (drifted != null) {
      deduped.add(drifted);
    }
    List<RuleFinding> ranked =
        Ranker.rank(deduped, observed, score); // once: a finding drops at most one step
    Health health = Ranker.health(ranked, !chain.backends().isEmpty());
    Optional<RuleFinding> root = Ranker.root(ranked);
    // endpoints per backend, in chain order: read once for the summary and the status
    List<List<Endpoint>> endpoints = chain.backends().stream().map(Endpoint::of).toList();
    // 502s per minute: the gateway's own from its logs; from its metrics (gateway and app together)
    // without logs
    long n502 =
        errors == null
            ? 0
            : errors.gateway != null
                ? errors.gateway.s502
                : errors.returned != null ? errors.returned.s502 : 0;
    Double rate =
        errors == null
            ? null
            : Math.round(n502 * 10.0 / Math.max(1.0, ctx.window().toSeconds() / 60.0)) / 10.0;
    Unexplained unexplained = Unexplained.of(ctx, errors, ranked);
    if (unexplained != null && health == Health.Healthy) {
      health = Health.Degraded;
    }
    List<BackendStatus> backendStatus = backends(chain, endpoints, ctx.probes(), now);
    fillTraffic(backendStatus, gateway);
    return new Diagnosis(
        chain.target().kind() + "/" + chain.name(),
        health,
        root.map(f -> f.code().name()).orElse(Code.NONE),
        unexplained != null && root.isEmpty()
            ? unexplained.summary()
            : summary(chain, endpoints, ranked, root, health),
        ranked,
        backendStatus,
        rate,
        errors,
        drift);
  }

  /**
   * The target's 500/502/503/504 from the gateway's logs, summed over its backends; null without
   * logs.
   */
  private static GatewayErrors gatewayErrors(AnalysisContext ctx) {
    if (ctx.gateway().isEmpty()) {
      return null;
    }
    GatewayErrors g = new GatewayErrors();
    GatewayEvidence.Returned r =
        ctx.gateway().returned(ctx.chain().namespace(), ctx.chain().name());
    if (r != null) {
      g.returned = new StatusCounts();
      g.returned.s500 = r.statuses()[0];
      g.returned.s502 = r.statuses()[1];
      g.returned.s503 = r.statuses()[2];
      g.returned.s504 = r.statuses()[3];
      g.requests = r.requests();
    }
    if (!ctx.gateway().hasLogs()) {
      return r == null ? null : g;
    }
    g.gateway = new StatusCounts();
    g.app = new StatusCounts();
    for (ResolvedBackend b : ctx.chain().backends()) {
      GatewayEvidence.Counts c = ctx.upstream(b);
      if (c != null) {
        g.gateway.s500 += c.gateway[0];
        g.gateway.s502 += c.gateway[1];
        g.gateway.s503 += c.gateway[2];
        g.gateway.s504 += c.gateway[3];
        g.app.s500 += c.app[0];
        g.app.s502 += c.app[1];
        g.app.s503 += c.app[2];
        g.app.s504 += c.app[3];
      }
    }
    return g;
  }

  private static void fillTraffic(List<BackendStatus> backends, GatewayEvidence gateway) {
    if (gateway.isEmpty()) {
      return;
    }
    for (BackendStatus b : backends) {
      for (EndpointStatus e : b.endpoints) {
        GatewayEvidence.Counts c =
            e.ip == null || e.port == null ? null : gateway.address(Endpoint.address(e.ip, e.port));
        if (c != null) {
          EndpointTraffic t = new EndpointTraffic();
          t.requests = c.requests;
          t.errors5xx = c.gatewayErrors() + c.appErrors();
          t.errors502 = c.gateway502() + c.app502();
          e.gateway = t;
        }
      }
    }
  }

  /**
   * One finding per code and object: when a static check and a probe both raise it (a wrong
   * targetPort seen in the spec and proven by a refused connection), the first one keeps the
   * other's evidence and the higher severity.
   */
  static List<RuleFinding> dedupe(List<RuleFinding> found) {
    java.util.Map<String, RuleFinding> out = new java.util.LinkedHashMap<>();
    for (RuleFinding f : found) {
      String k = f.code() + " " + f.resource();
      RuleFinding prev = out.get(k);
      if (prev == null) {
        out.put(k, f);
        continue;
      }
      List<String> evidence = new ArrayList<>(prev.evidence());
      f.evidence().stream().filter(e -> !evidence.contains(e)).forEach(evidence::add);
      Severity sev = f.severity().compareTo(prev.severity()) < 0 ? f.severity() : prev.severity();
      out.put(
          k,
          new RuleFinding(
              prev.code(),
              sev,
              prev.resource(),
              prev.message(),
              evidence,
              prev.since(),
              prev.remediation() != null ? prev.remediation() : f.remediation()));
    }
    return new ArrayList<>(out.values());
  }

  private static String summary(
      TargetChain chain,
      List<List<Endpoint>> endpoints,
      List<RuleFinding> ranked,
      Optional<RuleFinding> root,
      Health health) {
    if (root.isPresent()) {
      long others =
          ranked.stream()
              .filter(f -> f != root.get() && f.severity().atLeast(Severity.Warning))
              .count();
      return root.get().message()
          + (others == 0 ? "" : "; " + others + " more finding" + (others == 1 ? "" : "s"));
    }
    if (health == Health.Unknown) {
      return "Nothing to diagnose: "
          + (chain.notDiagnosed().isEmpty() ? "no Service backend" : chain.notDiagnosed().get(0));
    }
    int ready = 0;
    int total = 0;
    for (List<Endpoint> eps : endpoints) {
      for (Endpoint e : eps) {
        total++;
        ready += e.ready() && !e.terminating() ? 1 : 0;
      }
    }
    int n = chain.backends().size();
    String s =
        (n == 1
                ? "Service "
                    + chain.backends().get(0).serviceKey()
                    + ":"
                    + chain.backends().get(0).ref().portLabel()
                : "All " + n + " backend Services")
            + " healthy ("
            + ready
            + " of "
            + total
            + " endpoints ready)";
    List<RuleFinding> risks =
        ranked.stream().filter(f -> f.code().kind() == Code.Kind.RISK).toList();
    if (!risks.isEmpty()) {
      s +=
          "; risks: "
              + risks.stream()
                  .map(f -> f.code() + " on " + f.resource())
                  .distinct()
                  .limit(3)
                  .collect(Collectors.joining(", "));
    }
    return s;
  }

  private static List<BackendStatus> backends(
      TargetChain chain, List<List<Endpoint>> endpoints, ProbeEvidence probes, Instant now) {
    List<BackendStatus> out = new ArrayList<>();
    for (int i = 0; i < Math.min(MAX_BACKENDS, chain.backends().size()); i++) {
      ResolvedBackend b = chain.backends().get(i);
      BackendStatus bs = new BackendStatus();
      bs.service = b.serviceKey();
      bs.port = b.ref().portLabel();
      bs.targetPort = b.targetPortLabel();
      bs.usedBy.addAll(b.ref().usedBy());
      for (Endpoint e : endpoints.get(i).stream().limit(MAX_ENDPOINTS).toList()) {
        EndpointStatus es = new EndpointStatus();
        es.pod = e.pod();
        es.ip = e.ip();
        es.port = e.port();
        es.ready = e.ready() && !e.terminating();
        String skipped = e.ip() == null || e.port() == null ? null : probes.skipped(e.address());
        if (skipped != null) {
          ProbeResult r = new ProbeResult();
          r.outcome = "skipped";
          r.detail = skipped;
          es.lastProbe = r;
        }
        probes
            .at(e.ip(), e.port())
            .ifPresent(
                p -> {
                  ProbeResult r = new ProbeResult();
                  r.outcome = p.outcome().name();
                  r.latencyMillis = p.latencyMillis();
                  r.detail = p.detail();
                  r.time =
                      (probes.takenAt() != null ? probes.takenAt() : now)
                          .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                          .toString();
                  es.lastProbe = r;
                });
        bs.endpoints.add(es);
      }
      out.add(bs);
    }
    return out;
  }
}
