package io.gatewaydoctor.report;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.EndpointStatus;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.api.StatusCounts;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.Gateways;
import io.gatewaydoctor.model.NetworkPolicies;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.Ports;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.TargetChain;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code analyze --explain}: the chain Ingress → Service:port → targetPort → endpoints → pods, one
 * line per link with its state, then the ranked findings with their evidence and fix. Written for a
 * person under stress: the failing link is marked where it is. Pure.
 */
public final class Explainer {
  private static final Set<Code> INGRESS =
      EnumSet.of(Code.IngressClassMissing, Code.TlsSecretMissing, Code.BackendNotDiagnosed);
  private static final Set<Code> ROUTE =
      EnumSet.of(Code.BackendServiceMissing, Code.ServicePortMismatch);
  private static final Set<Code> TARGET_PORT = EnumSet.of(Code.TargetPortMismatch);
  private static final Set<Code> ENDPOINTS = EnumSet.of(Code.NoReadyEndpoints);
  private static final Set<Code> PODS =
      EnumSet.of(
          Code.NoPodsSelected,
          Code.BackendCrashLooping,
          Code.BackendOOMKilled,
          Code.ReadinessProbeMissing,
          Code.SingleReplica,
          Code.NoPreStopHook);
  private static final Set<Code> POLICY = EnumSet.of(Code.NetworkPolicyBlocked);
  private static final int MAX_LISTED = 5;

  private Explainer() {}

  private static String counts(StatusCounts c) {
    return c == null ? "-" : c.s500 + "/" + c.s502 + "/" + c.s503 + "/" + c.s504;
  }

  public static String explain(TargetChain chain, ClusterSnapshot cluster, Diagnosis d) {
    StringBuilder sb = new StringBuilder();
    sb.append("Ingress ")
        .append(chain.namespace())
        .append('/')
        .append(chain.name())
        .append(": ")
        .append(d.health())
        .append(Code.NONE.equals(d.rootCause()) ? "" : " — " + d.rootCause())
        .append('\n');
    sb.append("  ").append(d.summary()).append('\n');
    if (d.gatewayErrors() != null) {
      var g = d.gatewayErrors();
      sb.append("  gateway, last window: ").append(d.errorRate()).append(" 502/min");
      if (g.gateway != null) {
        sb.append("; generated 500/502/503/504: ")
            .append(counts(g.gateway))
            .append("; returned by the app: ")
            .append(counts(g.app));
      }
      if (g.returned != null) {
        sb.append("; clients got (controller metrics) ")
            .append(counts(g.returned))
            .append(" of ")
            .append(g.requests)
            .append(" requests");
      }
      sb.append('\n');
    }
    sb.append("\n  chain\n");
    String cls =
        chain.target().ingress().flatMap(i -> Gateways.className(i, cluster)).orElse("none");
    String controller =
        chain.target().controller() == null ? "unknown" : chain.target().controller();
    link(
        sb,
        2,
        d,
        INGRESS,
        null,
        "Ingress "
            + chain.namespace()
            + "/"
            + chain.name()
            + " (class "
            + cls
            + ", controller "
            + controller
            + ")");
    for (String nd : chain.notDiagnosed().stream().limit(MAX_LISTED).toList()) {
      sb.append("      not diagnosed: ").append(nd).append('\n');
    }
    for (ResolvedBackend b : chain.backends()) {
      backend(sb, b, cluster, d);
    }
    sb.append("\n  findings (most explanatory first)\n");
    if (d.findings().isEmpty()) {
      sb.append("    none\n");
    }
    int i = 1;
    for (RuleFinding f : d.findings()) {
      sb.append("    ")
          .append(i++)
          .append(". ")
          .append(f.severity())
          .append("  ")
          .append(f.code())
          .append("  ")
          .append(f.resource())
          .append('\n');
      sb.append("       ").append(f.message()).append('\n');
      for (String e : f.evidence().stream().limit(MAX_LISTED).toList()) {
        sb.append("       - ").append(e).append('\n');
      }
      if (f.remediation() != null) {
        sb.append("       fix: ")
            .append(f.remediation().description())
            .append(
                f.remediation().automatic()
                    ? " [" + f.remediation().action() + ", can be automated]"
                    : "")
            .append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * The remediation plans of a target, with the exact change and whether the guard would let it
   * run.
   */
  public static String plans(List<RemediationRecord> plans) {
    if (plans.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("\n  remediation plans\n");
    for (var p : plans) {
      sb.append("    ")
          .append(p.result)
          .append("  ")
          .append(p.action)
          .append("  ")
          .append(p.target)
          .append(" (")
          .append(p.finding)
          .append(")\n");
      sb.append("       ")
          .append("delete".equals(p.patch) ? "delete " + p.target : "patch: " + p.patch)
          .append('\n');
      sb.append("       ").append(p.reason).append('\n');
    }
    return sb.toString();
  }

  private static void backend(
      StringBuilder sb, ResolvedBackend b, ClusterSnapshot cluster, Diagnosis d) {
    String svc = "Service " + b.serviceKey();
    link(
        sb,
        2,
        d,
        ROUTE,
        b,
        String.join(", ", b.ref().usedBy())
            + " → "
            + svc
            + " port "
            + b.ref().portLabel()
            + (b.service() == null
                ? (cluster.knows("Service") ? " (does not exist)" : " (Services not in the input)")
                : b.servicePort() == null ? " (no such port)" : ""));
    if (b.servicePort() == null) {
      return;
    }
    Set<Integer> published = Ports.published(b);
    link(
        sb,
        3,
        d,
        TARGET_PORT,
        b,
        svc
            + " port "
            + b.servicePort().getPort()
            + (b.servicePort().getName() == null ? "" : " (" + b.servicePort().getName() + ")")
            + " → targetPort "
            + b.targetPortLabel()
            + "  [pods declare "
            + Pods.describePorts(b.pods())
            + (published.isEmpty()
                ? ""
                : "; EndpointSlices publish "
                    + published.stream()
                        .map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(", ")))
            + "]");
    List<Endpoint> eps = Endpoint.of(b);
    long ready = eps.stream().filter(e -> e.ready() && !e.terminating()).count();
    link(
        sb,
        3,
        d,
        ENDPOINTS,
        b,
        cluster.knows("EndpointSlice")
            ? "endpoints: " + ready + " of " + eps.size() + " ready"
            : "endpoints: EndpointSlices not in the input");
    for (Endpoint e : eps.stream().limit(MAX_LISTED).toList()) {
      sb.append("             ")
          .append(e.ip())
          .append(':')
          .append(e.port() == null ? "?" : e.port())
          .append(e.terminating() ? "  terminating" : e.ready() ? "  ready      " : "  not ready  ")
          .append(e.pod() == null ? "" : "  pod " + e.pod());
      EndpointStatus st = status(d, b, e);
      if (st != null && st.lastProbe != null) {
        sb.append("  probe: ")
            .append(st.lastProbe.outcome)
            .append(" (")
            .append(st.lastProbe.detail)
            .append(", ")
            .append(st.lastProbe.latencyMillis)
            .append(" ms)");
      }
      if (st != null && st.gateway != null) {
        sb.append("  gateway: ")
            .append(st.gateway.requests)
            .append(" tries, ")
            .append(st.gateway.errors502)
            .append(" 502");
      }
      sb.append('\n');
    }
    if (eps.size() > MAX_LISTED) {
      sb.append("             … ").append(eps.size() - MAX_LISTED).append(" more\n");
    }
    long podsReady = b.pods().stream().filter(Pods::isReady).count();
    int restarts =
        b.pods().stream()
            .flatMap(p -> Pods.containerStatuses(p).stream())
            .mapToInt(cs -> cs == null || cs.getRestartCount() == null ? 0 : cs.getRestartCount())
            .sum();
    link(
        sb,
        3,
        d,
        PODS,
        b,
        cluster.knows("Pod")
            ? "pods: "
                + b.pods().size()
                + " selected by "
                + selector(b)
                + ", "
                + podsReady
                + " Ready, "
                + restarts
                + " restarts"
            : "pods: not in the input");
    Set<String> policies = new LinkedHashSet<>();
    for (Pod p : b.pods()) {
      NetworkPolicies.isolating(cluster, p).stream()
          .map(NetworkPolicy::getMetadata)
          .forEach(m -> policies.add(m.getName()));
    }
    if (cluster.knows("NetworkPolicy")) {
      link(
          sb,
          3,
          d,
          POLICY,
          b,
          policies.isEmpty()
              ? "network policies: none isolate the pods"
              : "network policies isolating the pods: " + String.join(", ", policies));
    }
  }

  /**
   * The status line of an endpoint (probe and gateway results), matched by backend, address and
   * port.
   */
  private static EndpointStatus status(Diagnosis d, ResolvedBackend b, Endpoint e) {
    for (var bs : d.backends()) {
      if (b.serviceKey().equals(bs.service) && b.ref().portLabel().equals(bs.port)) {
        for (var es : bs.endpoints) {
          if (java.util.Objects.equals(es.ip, e.ip())
              && java.util.Objects.equals(es.port, e.port())) {
            return es;
          }
        }
      }
    }
    return null;
  }

  private static String selector(ResolvedBackend b) {
    var sel =
        b.service() == null || b.service().getSpec() == null
            ? null
            : b.service().getSpec().getSelector();
    return sel == null || sel.isEmpty() ? "no selector" : new java.util.TreeMap<>(sel).toString();
  }

  /** One link: its mark from the worst finding of the given codes that concerns this backend. */
  private static void link(
      StringBuilder sb, int indent, Diagnosis d, Set<Code> codes, ResolvedBackend b, String text) {
    Severity worst = null;
    for (RuleFinding f : d.findings()) {
      if (codes.contains(f.code())
          && concerns(f, b)
          && (worst == null || f.severity().compareTo(worst) < 0)) {
        worst = f.severity();
      }
    }
    String mark =
        worst == null
            ? "ok  "
            : switch (worst) {
              case Critical -> "FAIL";
              case Warning -> "WARN";
              case Info -> "info";
            };
    sb.append("  ".repeat(indent)).append(mark).append("  ").append(text).append('\n');
  }

  private static boolean concerns(RuleFinding f, ResolvedBackend b) {
    if (b == null) {
      return true;
    }
    var r = f.resource();
    if ("Service".equals(r.kind) || "Ingress".equals(r.kind)) {
      return "Ingress".equals(r.kind)
          ? f.message().contains(b.ref().service())
          : b.ref().service().equals(r.name);
    }
    if ("NetworkPolicy".equals(r.kind)) {
      return f.message().contains(b.serviceKey());
    }
    List<String> workloads = new ArrayList<>();
    b.pods().forEach(p -> workloads.add(Pods.workload(p).toString()));
    return workloads.contains(r.toString());
  }
}
