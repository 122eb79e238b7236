package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EndpointStatus {
  public String pod;
  public String ip;
  public Integer port;
  public Boolean ready;
  public ProbeResult lastProbe;
  public EndpointTraffic gateway;
}
