package io.gatewaydoctor.analysis;

import java.util.List;
import java.util.Optional;

/**
 * What a finding's remedy does. The automatable actions are the names a target's {@code
 * gatewaydoctor.io/remediation-actions} annotation may list; {@link #MANUAL} is for a person.
 */
public enum Action {
  RESTART_POD("restart-pod"),
  ROLLBACK("rollback"),
  FIX_TARGET_PORT("fix-target-port"),
  SET_BACKEND_PROTOCOL("set-backend-protocol"),
  RAISE_PROXY_BUFFER_SIZE("raise-proxy-buffer-size"),
  MANUAL("manual");

  /** The actions that may run by themselves, in the order the documentation lists them. */
  public static final List<Action> AUTOMATABLE =
      List.of(
          RESTART_POD, ROLLBACK, FIX_TARGET_PORT, SET_BACKEND_PROTOCOL, RAISE_PROXY_BUFFER_SIZE);

  private final String value;

  Action(String value) {
    this.value = value;
  }

  /** The name in the status, annotations and Events ("restart-pod"). */
  public String value() {
    return value;
  }

  public static Optional<Action> of(String value) {
    for (Action a : values()) {
      if (a.value.equals(value)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
