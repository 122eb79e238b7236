package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.probe.Outcome;
import java.util.List;

/**
 * The backend answers with something that is not HTTP (ingress-nginx: 502, "upstream sent no valid
 * HTTP/1.0 header").
 */
public final class BackendInvalidResponseRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    return ProbeTrouble.hits(ctx, p -> p.outcome() == Outcome.invalidResponse).stream()
        .map(
            h -> {
              var culprit = h.culprit();
              return ProbeTrouble.finding(
                  Code.BackendInvalidResponse,
                  h,
                  culprit,
                  culprit
                      + " answers HTTP requests on port "
                      + h.probes().get(0).target().port()
                      + " with something that is not HTTP ("
                      + h.probes().get(0).detail()
                      + "): Service "
                      + h.backend().serviceKey()
                      + " points at the wrong port or protocol",
                  new Remedy(
                      Action.MANUAL,
                      "Point targetPort of Service "
                          + h.backend().serviceKey()
                          + " at the container's HTTP port (gRPC or TCP backends need the matching backend-protocol)",
                      false));
            })
        .toList();
  }
}
