package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TargetRef {
  public static final String INGRESS_GROUP = "networking.k8s.io";
  public static final String INGRESS = "Ingress";

  @JsonPropertyDescription(
      "API group of the target: networking.k8s.io for an Ingress, gateway.networking.k8s.io for an HTTPRoute.")
  private String apiGroup;

  @Required
  @JsonPropertyDescription(
      "Kind of the target: Ingress, or HTTPRoute where the cluster serves the Gateway API.")
  private String kind;

  @Required
  @JsonPropertyDescription("Name of the target, in the namespace of this GatewayDiagnosis.")
  private String name;

  public TargetRef() {}

  public TargetRef(String apiGroup, String kind, String name) {
    this.apiGroup = apiGroup;
    this.kind = kind;
    this.name = name;
  }

  public static TargetRef ingress(String name) {
    return new TargetRef(INGRESS_GROUP, INGRESS, name);
  }

  public String getApiGroup() {
    return apiGroup;
  }

  public void setApiGroup(String apiGroup) {
    this.apiGroup = apiGroup;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  @Override
  public String toString() {
    return kind + "/" + name;
  }
}
