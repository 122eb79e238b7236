package io.gatewaydoctor.analysis;

/**
 * What to do about a finding: an action name (restart-pod, rollback, fix-target-port, ... or
 * manual), a description for a person, whether it may be automated, for automated actions the
 * {@link Fix} intent the remediation layer realises as a patch, and whether evidence that nobody
 * but the cluster's owner controls backs it ({@code confirmed}: the spec, the pods' status, a
 * probe; false when the gateway's log alone shows it: an automatic change then stays a dry run).
 * Immutable.
 */
public record Remedy(
    Action action, String description, boolean automatic, Fix fix, boolean confirmed) {
  public Remedy(Action action, String description, boolean automatic) {
    this(action, description, automatic, null, true);
  }

  public Remedy(Action action, String description, boolean automatic, Fix fix) {
    this(action, description, automatic, fix, true);
  }

  /** This remedy, carried out by {@code f}. */
  public Remedy fixing(Fix f) {
    return new Remedy(action, description, automatic, f, confirmed);
  }

  /**
   * This remedy, known from the gateway's log alone: a request anyone can send and log lines the
   * operator cannot check must never change the cluster by themselves.
   */
  public Remedy fromLogsOnly() {
    return new Remedy(action, description, automatic, fix, false);
  }
}
