package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.Pod;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import java.util.ArrayList;
import java.util.List;

/**
 * The Service has no ready endpoint (ingress-nginx answers 503). Read from EndpointSlices; when the
 * input holds no EndpointSlices at all, from the pods' Ready condition.
 */
public final class NoReadyEndpointsRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    boolean slicesKnown = ctx.cluster().knows("EndpointSlice");
    for (ResolvedBackend b : ctx.chain().backends()) {
      if (b.service() == null || b.servicePort() == null) {
        continue;
      }
      boolean selectorless =
          b.service().getSpec() == null
              || b.service().getSpec().getSelector() == null
              || b.service().getSpec().getSelector().isEmpty();
      if ("ExternalName"
          .equals(b.service().getSpec() == null ? null : b.service().getSpec().getType())) {
        continue;
      }
      if (!selectorless && b.pods().isEmpty()) {
        continue; // NoPodsSelected explains it
      }
      List<String> evidence = new ArrayList<>();
      int total;
      int ready;
      if (slicesKnown) {
        List<Endpoint> eps = Endpoint.of(b);
        total = eps.size();
        ready = (int) eps.stream().filter(e -> e.ready() && !e.terminating()).count();
        evidence.add(
            "EndpointSlices of Service "
                + b.serviceKey()
                + ": "
                + ready
                + " ready of "
                + total
                + " endpoints");
        eps.stream()
            .filter(e -> !e.ready())
            .limit(3)
            .forEach(
                e ->
                    evidence.add(
                        "endpoint "
                            + e.ip()
                            + (e.pod() == null ? "" : " (pod " + e.pod() + ")")
                            + " not ready"));
      } else if (!selectorless) {
        total = b.pods().size();
        ready =
            (int) b.pods().stream().filter(p -> Pods.isReady(p) && !Pods.isTerminating(p)).count();
        evidence.add(
            ready + " of " + total + " selected pods Ready (no EndpointSlices in the input)");
      } else {
        continue;
      }
      if (ready > 0) {
        continue;
      }
      if (selectorless && total == 0) {
        evidence.add("Service has no selector and no endpoints were published for it");
      }
      for (Pod p : b.pods().stream().filter(p -> !Pods.isReady(p)).limit(3).toList()) {
        evidence.add("pod " + p.getMetadata().getName() + " not Ready" + notReadyReason(p));
      }
      out.add(
          RuleFinding.of(
                  Code.NoReadyEndpoints,
                  Severity.Critical,
                  new ResourceRef("Service", b.namespace(), b.ref().service()),
                  "Service "
                      + b.serviceKey()
                      + " has no ready endpoint ("
                      + ready
                      + " of "
                      + total
                      + (total == 1 ? " endpoint" : " endpoints")
                      + " ready"
                      + (b.pods().isEmpty() ? "" : ", " + b.pods().size() + " pods selected")
                      + ")",
                  evidence)
              .withRemediation(
                  new Remedy(
                      Action.MANUAL,
                      "Find out why the pods of Service "
                          + b.serviceKey()
                          + " fail their readiness probe (kubectl describe pod)",
                      false)));
    }
    return out;
  }

  private static String notReadyReason(Pod p) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null) {
      return "";
    }
    return p.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()) && c.getReason() != null)
        .map(
            c -> ": " + c.getReason() + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"))
        .findFirst()
        .orElse("");
  }
}
