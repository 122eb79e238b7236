package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftEntry {
  public String resource;
  public String field;
  public String from;
  public String to;
  public String changedAt;
}
