package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeResult {
  @JsonPropertyDescription(
      "ok, http5xx, refused, reset, prematureClose, invalidResponse, headersTooLarge, tlsExpected, plainExpected, http1Expected, tlsFailed, connectTimeout, readTimeout, error; skipped: not probed, not provably a pod of the Service (detail says why).")
  public String outcome;

  public Long latencyMillis;
  public String detail;
  public String time;
}
