package io.gatewaydoctor.model;

import java.util.List;

/**
 * One Service backend as the target names it: a Service and a port given by number or by name, with
 * every place (host and path) that routes to it.
 */
public record BackendRef(String service, Integer portNumber, String portName, List<String> usedBy) {

  public String portLabel() {
    return portNumber != null ? String.valueOf(portNumber) : portName;
  }

  public String key() {
    return service + ":" + portLabel();
  }
}
