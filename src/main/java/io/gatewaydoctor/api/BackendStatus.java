package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackendStatus {
  @JsonPropertyDescription("The backend Service as namespace/name.")
  public String service;

  @JsonPropertyDescription("The Service port the target names (number or name).")
  public String port;

  @JsonPropertyDescription(
      "The resolved targetPort (number or name), when the Service port exists.")
  public String targetPort;

  @JsonPropertyDescription("Where the target uses this backend (host and path), capped.")
  public List<String> usedBy = new ArrayList<>();

  @JsonPropertyDescription("Endpoints from the Service's EndpointSlices, capped.")
  public List<EndpointStatus> endpoints = new ArrayList<>();

  @JsonPropertyDescription(
      "Ready endpoints with nothing to report left out to keep the status small, when any.")
  public Integer endpointsOmitted;
}
