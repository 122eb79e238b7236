package io.gatewaydoctor.analysis;

import io.gatewaydoctor.api.ResourceRef;
import java.time.Instant;
import java.util.List;

/**
 * What one rule concluded about one object. {@code since} is null when the evidence has no time.
 */
public record RuleFinding(
    Code code,
    Severity severity,
    ResourceRef resource,
    String message,
    List<String> evidence,
    Instant since,
    Remedy remediation) {

  public RuleFinding {
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
  }

  public static RuleFinding of(
      Code code, Severity severity, ResourceRef resource, String message, List<String> evidence) {
    return new RuleFinding(code, severity, resource, message, evidence, null, null);
  }

  public RuleFinding withRemediation(Remedy r) {
    return new RuleFinding(code, severity, resource, message, evidence, since, r);
  }

  public RuleFinding withSince(Instant s) {
    return new RuleFinding(code, severity, resource, message, evidence, s, remediation);
  }
}
