package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FindingRemediation {
  @JsonPropertyDescription(
      "The remediation action that applies (restart-pod, rollback, fix-target-port, ...), or manual.")
  public String action;

  @JsonPropertyDescription("What to change, for a person.")
  public String description;

  @JsonPropertyDescription("Whether gateway-doctor may apply it by itself when the target opts in.")
  public Boolean automatic;

  @JsonPropertyDescription("The object the action changes (automatic actions only).")
  public ResourceRef target;

  @JsonPropertyDescription("How: merge (a JSON merge patch), json (a JSON patch) or delete.")
  public String patchType;

  @JsonPropertyDescription("The exact patch (for merge and json), as sent to the API server.")
  public String patch;

  @JsonPropertyDescription("What the patch restores (rollback: the previous ReplicaSet).")
  public ResourceRef source;

  @JsonPropertyDescription(
      "The uid and resourceVersion of the target the plan was made on: it runs only on that object, unchanged.")
  public String targetUid;

  public String targetResourceVersion;

  public FindingRemediation() {}

  public FindingRemediation(String action, String description, boolean automatic) {
    this.action = action;
    this.description = description;
    this.automatic = automatic;
  }

  /** This remediation, made a typed change of {@code target}. */
  public FindingRemediation on(ResourceRef target, String patchType, String patch) {
    FindingRemediation r =
        new FindingRemediation(action, description, Boolean.TRUE.equals(automatic));
    r.target = target;
    r.patchType = patchType;
    r.patch = patch;
    return r;
  }
}
