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
 * The backend closes without a complete response (ingress-nginx: 502, "upstream prematurely closed
 * connection").
 */
public final class BackendPrematureCloseRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    return ProbeTrouble.hits(ctx, p -> p.outcome() == Outcome.prematureClose).stream()
        .map(
            h -> {
              var culprit = h.culprit();
              return ProbeTrouble.finding(
                  Code.BackendPrematureClose,
                  h,
                  culprit,
                  culprit
                      + " closes connections without a complete response on "
                      + h.share()
                      + " of Service "
                      + h.backend().serviceKey()
                      + " ("
                      + h.probes().get(0).detail()
                      + ")",
                  new Remedy(
                      Action.MANUAL,
                      "Find why "
                          + culprit
                          + " closes the connection mid-response (a crash, a worker"
                          + " timeout, a body larger than it can write)",
                      false));
            })
        .toList();
  }
}
