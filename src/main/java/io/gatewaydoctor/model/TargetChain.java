package io.gatewaydoctor.model;

import java.util.List;
import java.util.Map;

/**
 * A target with its backends followed down the chain, the entries that could not be (with why), and
 * the global settings of the controller that serves it.
 */
public record TargetChain(
    Target target,
    List<ResolvedBackend> backends,
    List<String> notDiagnosed,
    ControllerConfig controllerConfig) {

  public TargetChain {
    controllerConfig = controllerConfig == null ? ControllerConfig.NONE : controllerConfig;
  }

  public String namespace() {
    return target.namespace();
  }

  public String name() {
    return target.name();
  }

  /** The settings the target gives the gateway (its annotations). */
  public Map<String, String> annotations() {
    return target.annotations();
  }
}
