package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a Service targetPort to the number a pod is reached on, as kube-proxy and the gateway
 * do: a number as written, a name through the pod's containerPorts, else through the port the
 * EndpointSlices publish for the pod's address. Pure.
 */
public final class Ports {
  private Ports() {}

  /** The targetPort name, or null when it is a number (or unset). */
  public static String targetPortName(ResolvedBackend b) {
    IntOrString tp = b.servicePort() == null ? null : b.servicePort().getTargetPort();
    return tp != null
            && tp.getIntVal() == null
            && tp.getStrVal() != null
            && !tp.getStrVal().matches("\\d+")
        ? tp.getStrVal()
        : null;
  }

  /** The targetPort number when written as one (the port itself when unset), else null. */
  public static Integer targetPortNumber(ResolvedBackend b) {
    if (b.servicePort() == null || targetPortName(b) != null) {
      return null;
    }
    IntOrString tp = b.servicePort().getTargetPort();
    if (tp == null || (tp.getIntVal() == null && tp.getStrVal() == null)) {
      return b.servicePort().getPort();
    }
    return tp.getIntVal() != null ? tp.getIntVal() : Integer.valueOf(tp.getStrVal());
  }

  /** The number the pod is reached on for this backend, if it can be told. */
  public static Optional<Integer> forPod(ResolvedBackend b, Pod p) {
    Integer n = targetPortNumber(b);
    if (n != null) {
      return Optional.of(n);
    }
    String name = targetPortName(b);
    if (name == null) {
      return Optional.empty();
    }
    for (ContainerPort cp : Pods.ports(p)) {
      if (name.equals(cp.getName()) && cp.getContainerPort() != null) {
        return Optional.of(cp.getContainerPort());
      }
    }
    String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
    return Endpoint.of(b).stream()
        .filter(e -> e.port() != null && Objects.equals(e.ip(), ip))
        .map(Endpoint::port)
        .findFirst();
  }

  /** The names of the pod's TCP containerPorts with this number (a UDP port may share it). */
  public static java.util.List<String> tcpNamesOf(Pod p, int number) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (ContainerPort cp : Pods.ports(p)) {
      if (cp.getContainerPort() != null
          && cp.getContainerPort() == number
          && cp.getName() != null
          && (cp.getProtocol() == null || "TCP".equals(cp.getProtocol()))) {
        out.add(cp.getName());
      }
    }
    return out;
  }

  /** The port numbers the backend's EndpointSlices publish for its Service port. */
  public static Set<Integer> published(ResolvedBackend b) {
    Set<Integer> out = new LinkedHashSet<>();
    String portName = b.servicePort() == null ? null : emptyToNull(b.servicePort().getName());
    for (EndpointSlice s : b.slices()) {
      if (s.getPorts() == null) {
        continue;
      }
      for (EndpointPort p : s.getPorts()) {
        if (p != null
            && p.getPort() != null
            && Objects.equals(emptyToNull(p.getName()), portName)) {
          out.add(p.getPort());
        }
      }
    }
    return out;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
