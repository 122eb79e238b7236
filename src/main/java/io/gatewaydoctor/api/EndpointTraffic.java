package io.gatewaydoctor.api;

/** Gateway counts for one endpoint in the window. */
public class EndpointTraffic {
  public long requests;
  public long errors5xx;
  public long errors502;
}
