package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One address of a backend as its EndpointSlices publish it, for the Service port in question. */
public record Endpoint(String ip, Integer port, boolean ready, boolean terminating, String pod) {

  /** The endpoints of a resolved backend, deduplicated by address (slices may overlap briefly). */
  public static List<Endpoint> of(ResolvedBackend b) {
    Map<String, Endpoint> out = new LinkedHashMap<>();
    String portName = b.servicePort() == null ? null : emptyToNull(b.servicePort().getName());
    for (EndpointSlice s : b.slices()) {
      Integer port = null;
      if (s.getPorts() != null) {
        for (EndpointPort p : s.getPorts()) {
          if (Objects.equals(emptyToNull(p.getName()), portName)) {
            port = p.getPort();
          }
        }
      }
      if (s.getEndpoints() == null) {
        continue;
      }
      for (var e : s.getEndpoints()) {
        if (e == null || e.getAddresses() == null || e.getAddresses().isEmpty()) {
          continue;
        }
        EndpointConditions c = e.getConditions();
        // the API says a nil ready condition is to be read as ready
        boolean ready = c == null || c.getReady() == null || c.getReady();
        boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
        String pod =
            e.getTargetRef() != null && "Pod".equals(e.getTargetRef().getKind())
                ? e.getTargetRef().getName()
                : null;
        String ip = e.getAddresses().get(0);
        out.putIfAbsent(ip + ":" + port, new Endpoint(ip, port, ready, terminating, pod));
      }
    }
    return new ArrayList<>(out.values());
  }

  /**
   * The addresses a gateway's traffic to this backend may go to: its endpoints' (ip:port) and its
   * Service's ClusterIP on the Service port (ingress-nginx's service-upstream sends there).
   */
  public static java.util.Set<String> addressesOf(ResolvedBackend b) {
    java.util.Set<String> out = new java.util.HashSet<>();
    of(b).stream()
        .filter(e -> e.ip() != null && e.port() != null)
        .forEach(e -> out.add(e.address()));
    if (b.service() != null && b.service().getSpec() != null && b.servicePort() != null) {
      String ip = b.service().getSpec().getClusterIP();
      if (ip != null && !ip.isBlank() && !"None".equals(ip)) {
        out.add(address(ip, b.servicePort().getPort()));
      }
    }
    return out;
  }

  /** "ip:port", IPv6 in brackets: the key probes and gateway logs use for an endpoint. */
  public static String address(String ip, Integer port) {
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
  }

  public String address() {
    return address(ip, port);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
