package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Fix;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Service targetPort matches no containerPort of the selected pods. A named targetPort must be
 * declared; a numeric one is only checked against pods that declare ports at all (containerPorts
 * are informational in Kubernetes, so a pod that declares none cannot be judged from its spec).
 */
public final class TargetPortMismatchRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    for (ResolvedBackend b : ctx.chain().backends()) {
      if (b.servicePort() == null || b.pods().isEmpty()) {
        continue;
      }
      IntOrString tp = b.servicePort().getTargetPort();
      String name = tp != null && tp.getIntVal() == null ? tp.getStrVal() : null;
      Integer number =
          name != null
              ? null
              : (tp != null && tp.getIntVal() != null ? tp.getIntVal() : b.servicePort().getPort());
      List<Pod> judged = new ArrayList<>();
      List<Pod> fitting = new ArrayList<>();
      for (Pod p : b.pods()) {
        List<ContainerPort> ports = Pods.ports(p);
        if (name == null && ports.isEmpty()) {
          continue;
        }
        judged.add(p);
        if (ports.stream()
            .anyMatch(
                cp ->
                    name != null
                        ? name.equals(cp.getName())
                        : number.equals(cp.getContainerPort()))) {
          fitting.add(p);
        }
      }
      if (judged.isEmpty() || fitting.size() == judged.size()) {
        continue;
      }
      String label = name != null ? "'" + name + "'" : String.valueOf(number);
      List<Pod> misfits = judged.stream().filter(p -> !fitting.contains(p)).toList();
      Severity severity = fitting.isEmpty() ? Severity.Critical : Severity.Warning;
      String who =
          fitting.isEmpty()
              ? "its " + judged.size() + " pod" + (judged.size() == 1 ? "" : "s")
              : misfits.size() + " of its " + judged.size() + " pods";
      String msg =
          "Service "
              + b.serviceKey()
              + " port "
              + b.servicePort().getPort()
              + " has targetPort "
              + label
              + ", which matches no containerPort of "
              + who
              + " (they declare "
              + Pods.describePorts(misfits)
              + ")";
      List<String> evidence = new ArrayList<>();
      evidence.add(
          "Service "
              + b.serviceKey()
              + " spec.ports[port="
              + b.servicePort().getPort()
              + "].targetPort="
              + label);
      misfits.stream()
          .limit(3)
          .forEach(
              p ->
                  evidence.add(
                      "pod "
                          + p.getMetadata().getName()
                          + " declares "
                          + Pods.describePorts(List.of(p))));
      out.add(
          RuleFinding.of(
                  Code.TargetPortMismatch,
                  severity,
                  new ResourceRef("Service", b.namespace(), b.ref().service()),
                  msg,
                  evidence)
              .withRemediation(fix(b, misfits)));
    }
    return out;
  }

  private static Remedy fix(ResolvedBackend b, List<Pod> misfits) {
    Set<Integer> candidates = new LinkedHashSet<>();
    String sameName = null;
    for (Pod p : misfits) {
      for (ContainerPort cp : Pods.ports(p)) {
        if (cp.getContainerPort() != null
            && (cp.getProtocol() == null || "TCP".equals(cp.getProtocol()))) {
          candidates.add(cp.getContainerPort());
        }
        if (cp.getName() != null && cp.getName().equals(b.servicePort().getName())) {
          sameName = cp.getName();
        }
      }
    }
    if (sameName != null) {
      return new Remedy(
              Action.FIX_TARGET_PORT,
              "Set targetPort of Service "
                  + b.serviceKey()
                  + " port "
                  + b.servicePort().getPort()
                  + " to '"
                  + sameName
                  + "' (the containerPort of the same name)",
              true)
          .fixing(new Fix.TargetPort(b.service(), b.servicePort(), new IntOrString(sameName)));
    }
    if (candidates.size() == 1) {
      int only = candidates.iterator().next();
      return new Remedy(
              Action.FIX_TARGET_PORT,
              "Set targetPort of Service "
                  + b.serviceKey()
                  + " port "
                  + b.servicePort().getPort()
                  + " to "
                  + only
                  + " (the only containerPort of the pods)",
              true)
          .fixing(new Fix.TargetPort(b.service(), b.servicePort(), new IntOrString(only)));
    }
    return new Remedy(
        Action.MANUAL,
        "Set targetPort of Service "
            + b.serviceKey()
            + " port "
            + b.servicePort().getPort()
            + " to the port the application listens on (pods declare "
            + Pods.describePorts(misfits)
            + ")",
        false);
  }
}
