package io.gatewaydoctor.analysis;

public enum Severity {
  Critical,
  Warning,
  Info;

  public boolean atLeast(Severity other) {
    return ordinal() <= other.ordinal();
  }
}
