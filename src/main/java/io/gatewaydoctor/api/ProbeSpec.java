package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeSpec {
  @JsonPropertyDescription("Probe the backend endpoints actively (default true).")
  private Boolean enabled;

  @JsonPropertyDescription(
      "HTTP path to probe; defaults to the container's readinessProbe httpGet path, else /.")
  private String path;

  @Min(5)
  @Max(3600)
  @JsonPropertyDescription("Seconds between probe rounds (default 30).")
  private Integer intervalSeconds;

  @Min(50)
  @Max(60000)
  @JsonPropertyDescription("Timeout of one probe in milliseconds (default 2000).")
  private Integer timeoutMillis;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public Integer getIntervalSeconds() {
    return intervalSeconds;
  }

  public void setIntervalSeconds(Integer intervalSeconds) {
    this.intervalSeconds = intervalSeconds;
  }

  public Integer getTimeoutMillis() {
    return timeoutMillis;
  }

  public void setTimeoutMillis(Integer timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }
}
