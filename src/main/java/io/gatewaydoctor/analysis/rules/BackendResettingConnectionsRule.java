package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.probe.Outcome;
import java.util.List;

/**
 * The backend resets connections (ingress-nginx: 502, "recv() failed (104: Connection reset by
 * peer)").
 */
public final class BackendResettingConnectionsRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    return ProbeTrouble.hits(ctx, p -> p.outcome() == Outcome.reset).stream()
        .map(
            h -> {
              var culprit = h.culprit();
              boolean after = h.probes().stream().allMatch(p -> p.afterRequest());
              return ProbeTrouble.finding(
                  Code.BackendResettingConnections,
                  h,
                  culprit,
                  culprit
                      + " resets connections "
                      + (after ? "after the request was sent" : "before the request was sent")
                      + " on "
                      + h.share()
                      + " of Service "
                      + h.backend().serviceKey(),
                  ProbeTrouble.restartFirst(
                      h,
                      "Read the logs of "
                          + culprit
                          + " for crashes or connection limits at the time of the resets"));
            })
        .toList();
  }
}
