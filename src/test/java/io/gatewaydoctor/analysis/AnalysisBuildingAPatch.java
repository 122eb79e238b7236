package io.gatewaydoctor.analysis;

import io.gatewaydoctor.remediation.Patches;

/**
 * A fixture for ArchitectureTest: an analysis class that reaches into remediation, as rules once
 * did. Never used.
 */
public final class AnalysisBuildingAPatch {
  private AnalysisBuildingAPatch() {}

  static Object patch(Remedy r) {
    return Patches.realise(r);
  }
}
