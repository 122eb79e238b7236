package io.gatewaydoctor.analysis;

import java.util.List;

/** One concern, one class: a pure function of the context. Must not throw on odd objects. */
public interface Rule {
  List<RuleFinding> check(AnalysisContext ctx);
}
