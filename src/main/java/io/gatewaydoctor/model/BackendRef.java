package io.gatewaydoctor.model;

import java.util.List;

/**
 * One Service backend as the target names it: a Service and a port given by number or by name, with
 * every place (host and path) that routes to it; {@code namespace} is null for the target's own
 * namespace (an Ingress), set for a route's cross-namespace backendRef.
 */
public record BackendRef(
    String service, Integer portNumber, String portName, List<String> usedBy, String namespace) {

  /** A Service in the target's own namespace. */
  public BackendRef(String service, Integer portNumber, String portName, List<String> usedBy) {
    this(service, portNumber, portName, usedBy, null);
  }

  public String portLabel() {
    return portNumber != null ? String.valueOf(portNumber) : portName;
  }

  /** "web:80", or "shop/web:80" for a Service in another namespace than the target's. */
  public String key() {
    return (namespace == null ? "" : namespace + "/") + service + ":" + portLabel();
  }
}
