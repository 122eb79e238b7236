package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** The config chain as it was when the target was last Healthy: what drift is measured against. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Baseline {
  @JsonPropertyDescription("When this picture was taken (the target was Healthy then).")
  public String recordedAt;

  @JsonPropertyDescription(
      "The chain's fields as \"Kind namespace/name|field\" → value (long values as a sha256 prefix); bounded.")
  public Map<String, String> fields;

  @JsonPropertyDescription(
      "The ReplicaSets (namespace/name) whose pods were the ready endpoints then: the revisions proven to work.")
  public java.util.List<String> servedBy;
}
