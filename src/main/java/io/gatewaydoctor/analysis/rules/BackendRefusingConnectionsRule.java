package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Fix;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.probe.Outcome;
import io.gatewaydoctor.probe.Probe;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Endpoints refuse connections on the target port (ingress-nginx: 502, "connect() failed (111:
 * Connection refused)"). When the same pods accept on another declared containerPort, the
 * targetPort is wrong ({@code TargetPortMismatch}, proven by probe); otherwise the app is not
 * listening there, or only on 127.0.0.1 inside the pod.
 */
public final class BackendRefusingConnectionsRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    for (ProbeTrouble.Hits h : ProbeTrouble.hits(ctx, p -> p.outcome() == Outcome.refused)) {
      var b = h.backend();
      int port = h.probes().get(0).target().port();
      Set<Integer> answering = new LinkedHashSet<>();
      boolean allElsewhere = true;
      for (Probe p : h.probes()) {
        // answering means an HTTP response: a port that resets, or speaks something else, is no
        // better
        Integer alt =
            ctx.probes().alternates(p.key()).stream()
                .filter(
                    a -> a != null && (a.outcome() == Outcome.ok || a.outcome() == Outcome.http5xx))
                .map(a -> a.target().port())
                .findFirst()
                .orElse(null);
        if (alt == null) {
          allElsewhere = false;
        } else {
          answering.add(alt);
        }
      }
      if (allElsewhere && answering.size() == 1) {
        int right = answering.iterator().next();
        List<String> ev = new ArrayList<>(h.evidence());
        ev.add("the same pods answer on their containerPort " + right);
        out.add(
            RuleFinding.of(
                    Code.TargetPortMismatch,
                    h.severity(),
                    new ResourceRef("Service", b.namespace(), b.ref().service()),
                    "Service "
                        + b.serviceKey()
                        + " port "
                        + b.servicePort().getPort()
                        + " has targetPort "
                        + b.targetPortLabel()
                        + ": "
                        + h.share()
                        + " refuse connections on "
                        + port
                        + ", while the pods answer on "
                        + right,
                    ev)
                .withRemediation(fixTargetPort(b, right, !declared(b, port))));
        continue;
      }
      var culprit = h.culprit();
      out.add(
          ProbeTrouble.finding(
              Code.BackendRefusingConnections,
              h,
              culprit,
              h.share().substring(0, 1).toUpperCase()
                  + h.share().substring(1)
                  + " of Service "
                  + b.serviceKey()
                  + " refuse connections on port "
                  + port
                  + ": "
                  + culprit
                  + " is not listening there (or listens only on 127.0.0.1)",
              ProbeTrouble.restartFirst(
                  h,
                  "Make the container of "
                      + culprit
                      + " listen on 0.0.0.0:"
                      + port
                      + ", or set targetPort of Service "
                      + b.serviceKey()
                      + " to the port it listens on")));
    }
    return out;
  }

  private static Remedy fixTargetPort(ResolvedBackend b, int right, boolean automatic) {
    var r =
        new Remedy(
            Action.FIX_TARGET_PORT,
            "Set targetPort of Service "
                + b.serviceKey()
                + " port "
                + b.servicePort().getPort()
                + " to "
                + right
                + " (the port the pods answer on)",
            automatic);
    return automatic
        ? r.fixing(
            new Fix.TargetPort(
                b.service(),
                b.servicePort(),
                new io.fabric8.kubernetes.api.model.IntOrString(right)))
        : r;
  }

  /**
   * Whether the pods declare the refusing port: then the app may just listen on 127.0.0.1, and a
   * human decides.
   */
  private static boolean declared(ResolvedBackend b, int port) {
    return b.pods().stream()
        .flatMap(p -> Pods.ports(p).stream())
        .anyMatch(cp -> cp.getContainerPort() != null && cp.getContainerPort() == port);
  }
}
