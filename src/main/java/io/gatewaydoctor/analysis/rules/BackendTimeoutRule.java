package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.api.FindingRemediation;
import io.gatewaydoctor.probe.Outcome;
import java.util.List;

/**
 * The backend does not answer in time: no connection (packets dropped: ingress-nginx 504 after
 * proxy-connect-timeout) or no response header (504 after proxy-read-timeout).
 */
public final class BackendTimeoutRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    return ProbeTrouble.hits(ctx, p -> p.outcome() == Outcome.connectTimeout || p.outcome() == Outcome.readTimeout).stream().map(h -> {
      var culprit = h.culprit();
      boolean connect = h.probes().stream().allMatch(p -> p.outcome() == Outcome.connectTimeout);
      return ProbeTrouble.finding(Code.BackendTimeout, h, culprit,
          (connect ? "No connection to " : "No response from ") + culprit + " within " + h.probes().get(0).target().timeoutMillis()
              + " ms on " + h.share() + " of Service " + h.backend().serviceKey()
              + (connect ? " (packets dropped: a NetworkPolicy, a firewall or a dead node)" : ""),
          new FindingRemediation("manual", connect ? "Check NetworkPolicies and the node of the pods of " + culprit
              : "Find what " + culprit + " waits on (a database, a lock), or raise proxy-read-timeout if slow answers are expected", false));
    }).toList();
  }
}
