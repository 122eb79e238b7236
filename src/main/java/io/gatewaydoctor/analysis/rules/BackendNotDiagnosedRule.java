package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import java.util.List;

/**
 * Entries of the target that could not be followed (resource backends, missing fields), with why.
 */
public final class BackendNotDiagnosedRule implements Rule {
  static final int MAX_REPORTED = 10;

  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<String> reasons = ctx.chain().notDiagnosed();
    if (reasons.isEmpty()) {
      return List.of();
    }
    List<String> evidence = reasons.stream().limit(MAX_REPORTED).toList();
    String more =
        reasons.size() > MAX_REPORTED ? " (" + (reasons.size() - MAX_REPORTED) + " more)" : "";
    return List.of(
        RuleFinding.of(
            Code.BackendNotDiagnosed,
            Severity.Info,
            ctx.chain().target().ref(),
            reasons.size()
                + " backend entr"
                + (reasons.size() == 1 ? "y" : "ies")
                + " of "
                + ctx.chain().target()
                + " not diagnosed: "
                + reasons.get(0)
                + more,
            evidence));
  }
}
