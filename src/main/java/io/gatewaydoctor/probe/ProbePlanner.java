package io.gatewaydoctor.probe;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.gatewaydoctor.api.ProbeSpec;
import io.gatewaydoctor.gateway.Dialects;
import io.gatewaydoctor.gateway.GatewayDialect;
import io.gatewaydoctor.model.BackendTlsPolicies;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.Target;
import io.gatewaydoctor.model.TargetChain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides what to probe for a target, as its gateway would talk to it. Pure. The addresses come
 * only from the EndpointSlices of the Services the target references: nothing in an annotation or
 * spec can point the prober elsewhere (annotations only choose TLS, the header limit and the path).
 */
public final class ProbePlanner {

  /** Routed paths probed per backend, at most. */
  public static final int MAX_ROUTED_PATHS = 3;

  /**
   * Upper bound on endpoints probed per target (the status lists at most 50 per backend anyway).
   */
  public static final int MAX_PER_TARGET = 200;

  static final int MAX_HEADER_LIMIT = 1024 * 1024;

  private ProbePlanner() {}

  /**
   * One endpoint to probe, and the backend and pod it belongs to; for one ready endpoint per
   * backend also the literal paths the Ingress routes to it, probed with the gateway's
   * proxy-read-timeout as the deadline (a backend slower there than the gateway waits is a 504 the
   * readiness path hides).
   */
  public record Planned(
      ProbeTarget target,
      ResolvedBackend backend,
      Pod pod,
      boolean ready,
      List<String> routedPaths,
      int routedTimeoutMillis,
      String skipped) {
    public Planned {
      routedPaths = routedPaths == null ? List.of() : List.copyOf(routedPaths);
    }

    public Planned(ProbeTarget target, ResolvedBackend backend, Pod pod, boolean ready) {
      this(target, backend, pod, ready, List.of(), 0, null);
    }

    /**
     * Whether the address may be probed ({@link ProbeScope}); when not, {@link #skipped} says why.
     */
    public boolean probed() {
      return skipped == null;
    }
  }

  /** The endpoints of a plan that are not probed, by address, and why. */
  public static Map<String, String> skipped(List<Planned> plan) {
    Map<String, String> out = new LinkedHashMap<>();
    plan.stream().filter(p -> !p.probed()).forEach(p -> out.put(p.target().address(), p.skipped()));
    return out;
  }

  public static List<Planned> plan(TargetChain chain, ClusterSnapshot cluster, ProbeSpec spec) {
    return plan(chain, cluster, spec, ProbeScope.PODS_ONLY);
  }

  /**
   * The plan, each endpoint judged by {@code scope}: one that is not provably a pod of its Service
   * is planned as skipped, with the reason, and never probed.
   */
  public static List<Planned> plan(
      TargetChain chain, ClusterSnapshot cluster, ProbeSpec spec, ProbeScope scope) {
    Map<String, Planned> out = new LinkedHashMap<>();
    Map<String, String> annotations = chain.annotations();
    GatewayDialect dialect = Dialects.of(chain.target());
    GatewayDialect.BackendSettings settings =
        dialect.backend(annotations, chain.controllerConfig(), null);
    // the header limit is bounded (1 MiB) so that an odd annotation cannot make each probe buffer
    // much
    int headerLimit = Math.min(MAX_HEADER_LIMIT, settings.headerLimit());
    int byteCap =
        ProbeTarget.DEFAULT_BYTE_CAP; // what the prober holds, whatever the annotation says
    if (!settings.http() && !settings.h2c() && !settings.grpc()) {
      return List.of(); // FastCGI, AJP, ingress-nginx's GRPC: an HTTP/1.1 probe would misjudge them
    }
    int timeout =
        spec == null || spec.getTimeoutMillis() == null
            ? ProbeTarget.DEFAULT_TIMEOUT_MILLIS
            : spec.getTimeoutMillis();
    int readTimeout = settings.readTimeoutSeconds() * 1000;
    String sni = settings.sni();
    for (ResolvedBackend b : chain.backends()) {
      if (b.servicePort() == null) {
        continue;
      }
      GatewayDialect.BackendSettings port =
          dialect.backend(annotations, chain.controllerConfig(), b.servicePort());
      boolean tls = port.tls();
      if (!port.http() && !port.h2c() && !port.grpc()) {
        continue; // a protocol no probe here speaks
      }
      String backendSni = tls ? sni : null;
      TlsVerification verify = null;
      if (!"Ingress".equals(chain.target().ref().kind)) {
        // a Gateway API data plane speaks TLS to a backend only as a BackendTLSPolicy says
        var policy =
            BackendTlsPolicies.of(cluster, b.namespace(), b.ref().service(), b.servicePort());
        if (policy.isPresent() && policy.get().hostname() != null) {
          var trust = BackendTlsPolicies.trust(cluster, policy.get());
          tls = true;
          backendSni = policy.get().hostname();
          // verified only against the whole of what the policy names: with a CA missing, unread
          // or unparsable the data plane fails anyway (a finding of its own), and a partial
          // trust would misjudge the backend
          if (trust.problems().isEmpty()
              && (trust.pem() != null || "System".equals(policy.get().wellKnown()))) {
            verify =
                new TlsVerification(
                    trust.pem(),
                    policy.get().hostname(),
                    policy.get().subjectAltNames(),
                    "BackendTLSPolicy " + policy.get().policy());
          }
        }
      }
      String host = host(b);
      List<String> routed = routedPaths(chain.target(), b);
      Scope judged = judge(b, scope);
      for (Endpoint e : Endpoint.of(b)) {
        if (e.port() == null || out.size() >= MAX_PER_TARGET) {
          continue;
        }
        String prover = judged.provenBy().get(e.address());
        String refused =
            prover != null
                ? null
                : judged
                    .refused()
                    .getOrDefault(e.address(), "not an IP address of a pod of the Service");
        if (refused != null) {
          // never probed; the status says why
          ProbeTarget t =
              new ProbeTarget(
                  e.ip(), e.port(), e.pod(), false, null, "/", timeout, headerLimit, byteCap);
          out.putIfAbsent(
              t.address(),
              new Planned(t, b, null, e.ready() && !e.terminating(), List.of(), 0, refused));
          continue;
        }
        Pod pod =
            b.pod(prover)
                .orElse(
                    null); // the pod the address provably belongs to: its path and ports, nobody
        // else's
        String path = path(pod, e.port(), spec);
        ProbeTarget t =
            new ProbeTarget(
                    e.ip(),
                    e.port(),
                    e.pod(),
                    tls,
                    host,
                    path,
                    timeout,
                    headerLimit,
                    byteCap,
                    backendSni)
                .withVerify(verify)
                .withH2c(port.h2c() && !tls); // h2 over TLS (ALPN) is probed as HTTPS
        if (port.grpc()) {
          if (tls) {
            continue; // gRPC over TLS: not probed (ALPN h2 is not spoken here)
          }
          t = t.withGrpc(true);
        }
        boolean ready = e.ready() && !e.terminating();
        // one health check per gRPC endpoint: a method path is no page to fetch
        List<String> paths =
            ready && !t.grpc()
                ? routed.stream().filter(r -> !r.equals(path)).toList()
                : List.<String>of();
        Planned planned = new Planned(t, b, pod, ready, paths, readTimeout, null);
        if (out.putIfAbsent(t.address(), planned) == null && !paths.isEmpty()) {
          routed = List.of(); // one endpoint per backend carries the routed paths
        }
      }
    }
    return new ArrayList<>(out.values());
  }

  /**
   * The literal paths (Prefix or Exact, no regular-expression characters) of the Ingress's rules
   * that route to this backend, at most {@link #MAX_ROUTED_PATHS}, in rule order.
   */
  static List<String> routedPaths(Target target, ResolvedBackend b) {
    List<String> out = new ArrayList<>();
    for (Target.Route r : target.routes()) {
      if (r.backend().equals(b.ref().key())
          && r.match() != Target.Match.OTHER
          && literal(r.path())
          && !out.contains(r.path())
          && out.size() < MAX_ROUTED_PATHS) {
        out.add(r.path());
      }
    }
    return out;
  }

  static boolean literal(String path) {
    if (!path.startsWith("/") || path.length() > 256) {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c <= ' ' || c >= 127 || "*()[]{}^$|?+\\".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Each endpoint ("ip:port") of the backend's slices judged on its own slice and targetRef: the
   * pod that proves it may be probed, or why it may not. An address two slices publish is probed
   * only for the port of a slice that proves it, with the path of the pod that slice names.
   */
  record Scope(Map<String, String> provenBy, Map<String, String> refused) {}

  static Scope judge(ResolvedBackend b, ProbeScope scope) {
    Map<String, String> proven = new java.util.HashMap<>();
    Map<String, String> refused = new java.util.HashMap<>();
    String portName = b.servicePort() == null ? null : emptyToNull(b.servicePort().getName());
    for (var s : b.slices()) {
      if (s.getEndpoints() == null) {
        continue;
      }
      Integer port = null;
      if (s.getPorts() != null) {
        for (var p : s.getPorts()) {
          if (java.util.Objects.equals(emptyToNull(p.getName()), portName)) {
            port = p.getPort();
          }
        }
      }
      for (var e : s.getEndpoints()) {
        if (e == null || e.getAddresses() == null || e.getAddresses().isEmpty() || port == null) {
          continue;
        }
        String ip = e.getAddresses().get(0);
        String address = Endpoint.address(ip, port);
        var ref = e.getTargetRef();
        String why =
            scope.refusal(
                b,
                s,
                ip,
                ref == null ? null : ref.getKind(),
                ref == null ? null : ref.getNamespace(),
                ref == null ? null : ref.getName());
        if (why == null) {
          // the pod whose readiness path and ports apply: only one that owns the address; an
          // address admitted by an allowed CIDR alone takes the spec's path and no alternate port
          boolean byPod =
              ref != null
                  && ref.getName() != null
                  && scope.provenByPod(b, s, ip, ref.getKind(), ref.getNamespace(), ref.getName());
          proven.putIfAbsent(address, byPod ? ref.getName() : "");
        } else {
          refused.putIfAbsent(address, why);
        }
      }
    }
    proven.keySet().forEach(refused::remove);
    return new Scope(proven, refused);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The pod's other TCP containerPorts: where to look when the target port refuses. */
  public static List<Integer> alternatePorts(Pod pod, int port) {
    List<Integer> out = new ArrayList<>();
    if (pod != null) {
      for (ContainerPort cp : Pods.ports(pod)) {
        Integer n = cp.getContainerPort();
        if (n != null
            && n != port
            && (cp.getProtocol() == null || "TCP".equals(cp.getProtocol()))
            && !out.contains(n)) {
          out.add(n);
        }
      }
    }
    return out;
  }

  private static String host(ResolvedBackend b) {
    for (String where : b.ref().usedBy()) {
      int slash = where.indexOf('/');
      String h = slash < 0 ? where : where.substring(0, slash);
      if (!h.equals("*") && !h.startsWith("(") && !h.startsWith("*.")) {
        return h;
      }
    }
    return null;
  }

  /**
   * The readinessProbe httpGet path of the container serving the port, else spec.probe.path, else
   * /.
   */
  static String path(Pod pod, int port, ProbeSpec spec) {
    if (pod != null) {
      for (Container c : Pods.containers(pod)) {
        var rp = c.getReadinessProbe();
        if (rp == null || rp.getHttpGet() == null || rp.getHttpGet().getPath() == null) {
          continue;
        }
        var p = rp.getHttpGet().getPort();
        boolean samePort =
            p == null
                || (p.getIntVal() != null
                    ? p.getIntVal() == port
                    : Pods.ports(c).stream()
                        .anyMatch(
                            cp ->
                                p.getStrVal().equals(cp.getName())
                                    && Integer.valueOf(port).equals(cp.getContainerPort())));
        if (samePort) {
          return rp.getHttpGet().getPath();
        }
      }
    }
    return spec != null && spec.getPath() != null && spec.getPath().startsWith("/")
        ? spec.getPath()
        : "/";
  }
}
