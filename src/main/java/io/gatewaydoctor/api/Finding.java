package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Finding {
  @JsonPropertyDescription("A stable code of docs/root-causes.md.")
  public String code;

  @JsonPropertyDescription("Critical, Warning or Info.")
  public String severity;

  @JsonPropertyDescription("The object to blame.")
  public ResourceRef resource;

  public String message;

  @JsonPropertyDescription(
      "Short strings backing the finding: a field, a container state, a log line.")
  public List<String> evidence = new ArrayList<>();

  @JsonPropertyDescription(
      "Since when this holds (RFC 3339): from the evidence, else when it was first seen.")
  public String since;

  public FindingRemediation remediation;
}
