package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RemediationRecord {
  public String action;
  public String target;
  public String time;
  public Boolean dryRun;
  public String result;
}
