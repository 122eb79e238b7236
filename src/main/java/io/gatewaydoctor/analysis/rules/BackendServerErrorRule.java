package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.FindingRemediation;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.util.ArrayList;
import java.util.List;

/**
 * The 502s come from the application itself ($upstream_status 502 equal to $status): it is
 * probably a proxy in front of something that fails, and the gateway only passes the answer on.
 * Critical when it is half the requests or more, else Warning.
 */
public final class BackendServerErrorRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    for (ResolvedBackend b : ctx.chain().backends()) {
      GatewayEvidence.Counts c = ctx.upstream(b);
      if (c == null || c.app502() == 0 || c.app502() < c.gateway502()) {
        continue;
      }
      var culprit = GatewayTrouble.culpritOf(ctx, b, a -> a.app502());
      Severity sev = c.app502() * 2 >= c.requests ? Severity.Critical : Severity.Warning;
      out.add(RuleFinding.of(Code.BackendServerError, sev, culprit.ref(),
          culprit.ref() + " itself answered " + c.app502() + " of " + c.requests + " requests with 502 in the last "
              + ctx.window().toMinutes() + " min (Service " + b.serviceKey() + "): the gateway passes it on and is not at fault",
          List.of("gateway upstream " + GatewayEvidence.upstreamName(b.namespace(), b.ref().service(), b.ref().portLabel())
              + ": " + c.app502() + " app-returned 502, " + c.gateway502() + " gateway-generated, " + c.requests + " requests"
              + culprit.detail()))
          .withRemediation(new FindingRemediation("manual", "Look at what " + culprit.ref()
              + " proxies to, and at its own logs: it returns 502 itself", false)));
    }
    return out;
  }
}
