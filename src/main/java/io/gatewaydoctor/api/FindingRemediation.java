package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FindingRemediation {
  @JsonPropertyDescription("The remediation action that applies (restart-pod, rollback, fix-target-port, ...), or manual.")
  public String action;
  @JsonPropertyDescription("What to change, for a person.")
  public String description;
  @JsonPropertyDescription("Whether gateway-doctor may apply it by itself when the target opts in.")
  public Boolean automatic;

  public FindingRemediation() {}

  public FindingRemediation(String action, String description, boolean automatic) {
    this.action = action;
    this.description = description;
    this.automatic = automatic;
  }
}
