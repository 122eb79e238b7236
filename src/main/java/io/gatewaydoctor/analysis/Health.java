package io.gatewaydoctor.analysis;

public enum Health {
  Healthy,
  Degraded,
  Failing,
  Unknown
}
