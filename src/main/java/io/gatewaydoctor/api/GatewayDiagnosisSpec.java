package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewayDiagnosisSpec {
  @Required
  @JsonPropertyDescription(
      "The gateway target this diagnosis is about (an Ingress in the same namespace).")
  private TargetRef targetRef;

  @JsonPropertyDescription("Active probing of the backend endpoints.")
  private ProbeSpec probe;

  @Pattern("^([0-9]+(s|m|h))+$")
  @JsonPropertyDescription(
      "How far back gateway evidence counts, as a duration such as 10m or 1h30m (default 10m).")
  private String window;

  public TargetRef getTargetRef() {
    return targetRef;
  }

  public void setTargetRef(TargetRef targetRef) {
    this.targetRef = targetRef;
  }

  public ProbeSpec getProbe() {
    return probe;
  }

  public void setProbe(ProbeSpec probe) {
    this.probe = probe;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }
}
