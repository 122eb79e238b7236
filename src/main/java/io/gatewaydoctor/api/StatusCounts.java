package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonProperty;

public class StatusCounts {
  @JsonProperty("500")
  public long s500;

  @JsonProperty("502")
  public long s502;

  @JsonProperty("503")
  public long s503;

  @JsonProperty("504")
  public long s504;
}
