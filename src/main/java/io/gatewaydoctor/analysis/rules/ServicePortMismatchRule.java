package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.ServicePort;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.model.ResolvedBackend;
import java.util.ArrayList;
import java.util.List;

/**
 * The Ingress backend port (number or name) is not a port of the Service: Critical. Info when it
 * names a port's targetPort instead and the controller is ingress-nginx, which accepts that (other
 * controllers and Gateway API do not).
 */
public final class ServicePortMismatchRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    for (ResolvedBackend b : ctx.chain().backends()) {
      if (b.portByTargetPort()) {
        out.add(lenient(ctx, b));
        continue;
      }
      if (b.service() == null || b.servicePort() != null) {
        continue;
      }
      List<ServicePort> ports =
          b.service().getSpec() == null || b.service().getSpec().getPorts() == null
              ? List.of()
              : b.service().getSpec().getPorts();
      List<String> declared = new ArrayList<>();
      for (ServicePort p : ports) {
        declared.add((p.getName() == null ? "" : p.getName() + ":") + p.getPort());
      }
      String wanted =
          b.ref().portNumber() != null
              ? "port " + b.ref().portNumber()
              : "port name '" + b.ref().portName() + "'";
      String fix =
          ports.size() == 1
              ? "Set the Ingress backend to port "
                  + ports.get(0).getPort()
                  + " (the only port of the Service)"
              : "Set the Ingress backend port to one of "
                  + (declared.isEmpty() ? "the Service's ports (it has none)" : declared);
      out.add(
          RuleFinding.of(
                  Code.ServicePortMismatch,
                  Severity.Critical,
                  ctx.chain().target().ref(),
                  ctx.chain().target()
                      + " routes to "
                      + wanted
                      + " of Service "
                      + b.serviceKey()
                      + ", which has "
                      + (declared.isEmpty() ? "no ports" : "ports " + String.join(", ", declared)),
                  List.of(
                      "backend "
                          + b.ref().key()
                          + " used by "
                          + String.join(", ", b.ref().usedBy()),
                      "Service "
                          + b.serviceKey()
                          + " ports: "
                          + (declared.isEmpty() ? "none" : String.join(", ", declared))))
              .withRemediation(new Remedy(Action.MANUAL, fix, false)));
    }
    return out;
  }

  private static RuleFinding lenient(AnalysisContext ctx, ResolvedBackend b) {
    String ing = ctx.chain().namespace() + "/" + ctx.chain().name();
    return RuleFinding.of(
            Code.ServicePortMismatch,
            Severity.Info,
            ctx.chain().target().ref(),
            ctx.chain().target()
                + " routes to port "
                + b.ref().portLabel()
                + " of Service "
                + b.serviceKey()
                + ", which is the targetPort of its port "
                + b.servicePort().getPort()
                + ", not a port: ingress-nginx accepts this, other controllers and Gateway API do not",
            List.of(
                "backend " + b.ref().key() + " used by " + String.join(", ", b.ref().usedBy()),
                "Service "
                    + b.serviceKey()
                    + " port "
                    + b.servicePort().getPort()
                    + " targetPort "
                    + b.targetPortLabel()))
        .withRemediation(
            new Remedy(
                Action.MANUAL,
                "Set the Ingress backend port to "
                    + b.servicePort().getPort()
                    + (b.servicePort().getName() == null
                        ? ""
                        : " (or name '" + b.servicePort().getName() + "')"),
                false));
  }
}
