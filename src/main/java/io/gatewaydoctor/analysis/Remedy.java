package io.gatewaydoctor.analysis;

/**
 * What to do about a finding: an action name (restart-pod, rollback, fix-target-port, ... or
 * manual), a description for a person, whether it may be automated, and for automated actions the
 * {@link Fix} intent the remediation layer realises as a patch. Immutable.
 */
public record Remedy(Action action, String description, boolean automatic, Fix fix) {
  public Remedy(Action action, String description, boolean automatic) {
    this(action, description, automatic, null);
  }

  /** This remedy, carried out by {@code f}. */
  public Remedy fixing(Fix f) {
    return new Remedy(action, description, automatic, f);
  }
}
