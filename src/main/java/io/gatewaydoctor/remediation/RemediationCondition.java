package io.gatewaydoctor.remediation;

/**
 * The RemediationApplied condition of a diagnosis: status ("True", "False"), reason (CamelCase) and
 * message.
 */
public record RemediationCondition(String status, String reason, String message) {
  /** Not applied, for this reason. */
  public static RemediationCondition no(String reason, String message) {
    return new RemediationCondition("False", reason, message);
  }

  /** Applied (or improved), for this reason. */
  public static RemediationCondition yes(String reason, String message) {
    return new RemediationCondition("True", reason, message);
  }
}
