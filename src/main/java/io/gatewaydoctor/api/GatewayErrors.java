package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewayErrors {
  @JsonPropertyDescription(
      "Errors the gateway generated itself (no upstream answer with that status).")
  public StatusCounts gateway;

  @JsonPropertyDescription("Errors the backend application returned and the gateway passed on.")
  public StatusCounts app;

  @JsonPropertyDescription(
      "Statuses the clients got, gateway-generated and app-returned together, from the controller's request"
          + " metrics (nginx_ingress_controller_requests), which cannot tell the two apart.")
  public StatusCounts returned;

  @JsonPropertyDescription(
      "Requests the clients made in the window, from the controller's request metrics.")
  public Long requests;
}
