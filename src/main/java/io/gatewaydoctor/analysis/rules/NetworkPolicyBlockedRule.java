package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Gateways;
import io.gatewaydoctor.model.NetworkPolicies;
import io.gatewaydoctor.model.NetworkPolicies.Admission;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.Ports;
import io.gatewaydoctor.model.ResolvedBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The NetworkPolicies selecting the backend pods admit none of the ingress controller's pods on the
 * target port. Critical when every backend pod is cut off, Warning when only some are. When the
 * controller's pods are not in the input, a policy that admits nothing at all still counts; one
 * that admits only the backend's own namespace is Info (the controller may run there).
 */
public final class NetworkPolicyBlockedRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    if (!ctx.cluster().knows("NetworkPolicy")) {
      return List.of();
    }
    Optional<String> controller = Optional.ofNullable(ctx.chain().target().controller());
    List<Pod> gateways = Gateways.servingPods(ctx.chain().target(), ctx.cluster());
    List<RuleFinding> out = new ArrayList<>();
    for (ResolvedBackend b : ctx.chain().backends()) {
      if (b.servicePort() == null || b.pods().isEmpty()) {
        continue;
      }
      int judged = 0;
      Map<String, NetworkPolicy> blamed = new TreeMap<>();
      List<String> blocked = new ArrayList<>();
      Integer blockedPort = null;
      for (Pod p : b.pods()) {
        Optional<Integer> port = Ports.forPod(b, p);
        if (Pods.isTerminating(p) || port.isEmpty()) {
          continue;
        }
        judged++;
        List<NetworkPolicy> isolating = NetworkPolicies.isolating(ctx.cluster(), p);
        Admission a =
            gateways.isEmpty()
                ? NetworkPolicies.admitsOtherNamespaces(isolating, p, port.get())
                : anyGatewayAdmitted(ctx, isolating, p, port.get(), gateways);
        if (a == Admission.DENIED) {
          blocked.add(p.getMetadata().getName());
          isolating.forEach(np -> blamed.putIfAbsent(np.getMetadata().getName(), np));
          blockedPort = port.get();
        }
      }
      if (blocked.isEmpty()) {
        continue;
      }
      boolean all = blocked.size() == judged;
      boolean denyAll =
          blamed.values().stream().allMatch(np -> NetworkPolicies.rules(np).isEmpty());
      Severity severity;
      if (!gateways.isEmpty() || denyAll) {
        severity = all ? Severity.Critical : Severity.Warning;
      } else {
        // the controller's pods are not in the input: it may run in this very namespace
        severity = Severity.Info;
      }
      out.add(
          finding(
              ctx,
              b,
              gateways,
              controller,
              new ArrayList<>(blamed.values()),
              blocked,
              judged,
              blockedPort,
              severity));
    }
    return out;
  }

  private static Admission anyGatewayAdmitted(
      AnalysisContext ctx,
      List<NetworkPolicy> isolating,
      Pod target,
      int port,
      List<Pod> gateways) {
    boolean unknown = false;
    for (Pod g : gateways) {
      Admission a =
          NetworkPolicies.admits(
              isolating,
              target,
              port,
              new NetworkPolicies.Source(
                  g, ctx.cluster().namespaceLabels(g.getMetadata().getNamespace())));
      if (a == Admission.ALLOWED) {
        return a;
      }
      unknown |= a == Admission.UNKNOWN;
    }
    return unknown ? Admission.UNKNOWN : Admission.DENIED;
  }

  private static RuleFinding finding(
      AnalysisContext ctx,
      ResolvedBackend b,
      List<Pod> gateways,
      Optional<String> controller,
      List<NetworkPolicy> policies,
      List<String> blocked,
      int judged,
      int port,
      Severity severity) {
    NetworkPolicy first = policies.get(0);
    String ns = b.namespace();
    String names =
        String.join(
            ", ", policies.stream().map(np -> ns + "/" + np.getMetadata().getName()).toList());
    String who =
        gateways.isEmpty()
            ? "pods of other namespaces (the ingress controller's pods are not in the input;"
                + " if it runs in another namespace, it is blocked)"
            : "the ingress controller's pods ("
                + gateways.get(0).getMetadata().getNamespace()
                + "/"
                + gateways.get(0).getMetadata().getName()
                + (gateways.size() > 1 ? " and " + (gateways.size() - 1) + " more" : "")
                + ")";
    String msg =
        (policies.size() == 1 ? "NetworkPolicy " : "NetworkPolicies ")
            + names
            + " select"
            + (policies.size() == 1 ? "s " : " ")
            + (blocked.size() == judged ? "all " : blocked.size() + " of ")
            + judged
            + " pods of Service "
            + b.serviceKey()
            + " and admit"
            + (policies.size() == 1 ? "s" : "")
            + " no traffic from "
            + who
            + " on port "
            + port;
    List<String> evidence = new ArrayList<>();
    for (NetworkPolicy np : policies.stream().limit(3).toList()) {
      evidence.add(
          "NetworkPolicy "
              + ns
              + "/"
              + np.getMetadata().getName()
              + " "
              + NetworkPolicies.describe(np));
    }
    if (!gateways.isEmpty()) {
      Pod g = gateways.get(0);
      evidence.add(
          "gateway pod "
              + g.getMetadata().getNamespace()
              + "/"
              + g.getMetadata().getName()
              + " labels "
              + new TreeMap<>(
                  g.getMetadata().getLabels() == null ? Map.of() : g.getMetadata().getLabels())
              + controller.map(c -> " (controller " + c + ")").orElse(""));
    }
    evidence.add("blocked pods: " + String.join(", ", blocked.stream().limit(5).toList()));
    return RuleFinding.of(
            Code.NetworkPolicyBlocked,
            severity,
            new ResourceRef("NetworkPolicy", ns, first.getMetadata().getName()),
            msg,
            evidence)
        .withRemediation(new Remedy(Action.MANUAL, fix(ns, first, gateways, port), false));
  }

  private static String fix(String ns, NetworkPolicy np, List<Pod> gateways, int port) {
    if (gateways.isEmpty()) {
      return "Add to NetworkPolicy "
          + ns
          + "/"
          + np.getMetadata().getName()
          + " an ingress rule admitting the ingress controller's namespace and pods on port "
          + port
          + "/TCP";
    }
    Pod g = gateways.get(0);
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> all =
        g.getMetadata().getLabels() == null ? Map.of() : g.getMetadata().getLabels();
    for (String k :
        List.of(
            "app.kubernetes.io/name",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/component")) {
      if (all.containsKey(k)) {
        labels.put(k, all.get(k));
      }
    }
    if (labels.isEmpty()) {
      new TreeMap<>(all)
          .forEach(
              (k, v) -> {
                if (!k.equals("pod-template-hash") && !k.equals("controller-revision-hash")) {
                  labels.put(k, v);
                }
              });
    }
    return "Add to NetworkPolicy "
        + ns
        + "/"
        + np.getMetadata().getName()
        + " spec.ingress: - from: [{namespaceSelector: "
        + "{matchLabels: {kubernetes.io/metadata.name: "
        + g.getMetadata().getNamespace()
        + "}}, podSelector: {matchLabels: "
        + labels.toString().replace("=", ": ")
        + "}}], ports: [{protocol: TCP, port: "
        + port
        + "}]";
  }
}
