package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One thing that happened on a target's chain. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TimelineEntry {
  @JsonPropertyDescription(
      "When (RFC 3339): the object's own time where it has one, else when the operator saw it.")
  public String at;

  @JsonPropertyDescription("restart, readiness, endpoint, rollout, config, remediation.")
  public String kind;

  @JsonPropertyDescription("The object, as Kind namespace/name.")
  public String object;

  @JsonPropertyDescription("What changed, in a few words.")
  public String detail;
}
