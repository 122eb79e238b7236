package io.gatewaydoctor.probe;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.gatewaydoctor.model.ResolvedBackend;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which addresses the prober may connect to (docs/security.md, "What the prober reaches"). Tenants
 * write Services and, where RBAC lets them, EndpointSlices; none of that may point the prober at an
 * address that is not a pod of the referenced Service. An address is probed when its EndpointSlice
 * has addressType IPv4 or IPv6 and is managed by the EndpointSlice controller, its endpoint's
 * targetRef is a Pod of the Service's namespace that the Service selects, and the address is one of
 * that pod's IPs ({@code status.podIPs}, written by the kubelet). Anything else is probed only when
 * the operator's setting names its CIDR; link-local and cloud metadata addresses never are.
 * Loopback is not denied as such: a pod's own IP is what makes an address probeable. Pure.
 */
public final class ProbeScope {
  public static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  public static final String CONTROLLER = "endpointslice-controller.k8s.io";

  /**
   * Never probed, whatever the setting: link-local (cloud metadata lives there), the metadata
   * addresses outside it (AWS IPv6, GCP IPv6, Alibaba, Azure WireServer), and "this host"
   * (0.0.0.0/8, ::), which would reach the operator's own pod.
   */
  public static final List<String> NEVER =
      List.of(
          "169.254.0.0/16",
          "fe80::/10",
          "fd00:ec2::254/128",
          "fd20:ce::254/128",
          "100.100.100.200/32",
          "168.63.129.16/32",
          "0.0.0.0/8",
          "::/128");

  /** Only pods of the Service, no CIDR beyond. */
  public static final ProbeScope PODS_ONLY = new ProbeScope(List.of());

  private final List<Cidr> allowed;
  private static final List<Cidr> DENIED = NEVER.stream().map(Cidr::parse).toList();

  private ProbeScope(List<Cidr> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /**
   * With the operator's allowed CIDRs (probe.allowed-cidrs); a malformed one is refused with the
   * reason.
   */
  public static ProbeScope of(List<String> allowedCidrs) {
    List<Cidr> out = new ArrayList<>();
    for (String c : allowedCidrs == null ? List.<String>of() : allowedCidrs) {
      if (c != null && !c.isBlank()) {
        out.add(Cidr.parse(c.trim()));
      }
    }
    return new ProbeScope(out);
  }

  /**
   * Null when the endpoint's address may be probed; else why not, in fixed words. {@code ip} is the
   * endpoint's first address in {@code slice}; {@code targetKind}, {@code targetNamespace} and
   * {@code targetName} its targetRef (null when it has none).
   */
  public String refusal(
      ResolvedBackend b,
      EndpointSlice slice,
      String ip,
      String targetKind,
      String targetNamespace,
      String targetName) {
    byte[] addr = literal(ip);
    if (addr == null) {
      return "not an IP address";
    }
    byte[] inner = embeddedIpv4(addr);
    for (Cidr d : DENIED) {
      if (d.contains(addr) || (inner != null && d.contains(inner))) {
        return "a link-local or cloud metadata address: never probed";
      }
    }
    String why = podOfService(b, slice, ip, targetKind, targetNamespace, targetName);
    if (why == null) {
      return null;
    }
    for (Cidr a : allowed) {
      if (a.contains(addr)) {
        return null;
      }
    }
    return why + "; not probed (probe.allowed-cidrs names no CIDR of it)";
  }

  /**
   * Whether the endpoint is provably a pod of the Service (its targetRef pod owns the address), not
   * only admitted by an allowed CIDR: only then does that pod's readiness path and ports apply.
   */
  public boolean provenByPod(
      ResolvedBackend b,
      EndpointSlice slice,
      String ip,
      String targetKind,
      String targetNamespace,
      String targetName) {
    return literal(ip) != null
        && podOfService(b, slice, ip, targetKind, targetNamespace, targetName) == null;
  }

  private static String podOfService(
      ResolvedBackend b,
      EndpointSlice slice,
      String ip,
      String targetKind,
      String targetNamespace,
      String targetName) {
    String type = slice.getAddressType();
    if (!"IPv4".equals(type) && !"IPv6".equals(type)) {
      return "an EndpointSlice of addressType "
          + (type == null ? "none" : type.length() > 16 ? "other" : type);
    }
    Map<String, String> labels =
        slice.getMetadata() == null ? null : slice.getMetadata().getLabels();
    if (labels == null || !CONTROLLER.equals(labels.get(MANAGED_BY))) {
      return "an EndpointSlice the EndpointSlice controller does not manage";
    }
    if (!"Pod".equals(targetKind) || targetName == null) {
      return "an endpoint without a Pod targetRef";
    }
    if (targetNamespace != null && !targetNamespace.equals(b.namespace())) {
      return "an endpoint whose Pod is in another namespace";
    }
    Pod pod = b.pod(targetName).orElse(null);
    if (pod == null) {
      return "an endpoint whose Pod the Service does not select";
    }
    // a finished pod's IP may already be another's; a host-network pod's IP is the node's
    if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())) {
      return "an endpoint whose Pod is not running";
    }
    if ((pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork()))
        || (pod.getStatus().getHostIP() != null
            && java.util.Arrays.equals(literal(ip), literal(pod.getStatus().getHostIP())))) {
      return "an endpoint whose Pod uses the node's network (its IP is the node's)";
    }
    byte[] want = literal(ip);
    if (pod.getStatus() != null) {
      if (pod.getStatus().getPodIP() != null
          && java.util.Arrays.equals(want, literal(pod.getStatus().getPodIP()))) {
        return null;
      }
      if (pod.getStatus().getPodIPs() != null) {
        for (var p : pod.getStatus().getPodIPs()) {
          if (p != null && p.getIp() != null && java.util.Arrays.equals(want, literal(p.getIp()))) {
            return null;
          }
        }
      }
    }
    return "an address that is not an IP of its Pod";
  }

  /** The bytes of a literal IPv4 or IPv6 address, or null; no name is ever resolved. */
  static byte[] literal(String ip) {
    if (ip == null || !HttpProber.isLiteral(ip)) {
      return null;
    }
    try {
      return InetAddress.getByName(ip).getAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * The IPv4 address an IPv6 one carries, where it carries one that routes to it: IPv4-mapped
   * (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4
   * (2002:aabb:ccdd::); else null. The deny list is checked on both.
   */
  static byte[] embeddedIpv4(byte[] a) {
    if (a == null || a.length != 16) {
      return null;
    }
    boolean zero10 = true;
    for (int i = 0; i < 10; i++) {
      zero10 &= a[i] == 0;
    }
    boolean mapped = zero10 && a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    boolean compatible =
        zero10 && a[10] == 0 && a[11] == 0 && (a[12] != 0 || a[13] != 0 || a[14] != 0 || a[15] > 1);
    boolean nat64 = a[0] == 0 && a[1] == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b;
    if (mapped || compatible || nat64) {
      return new byte[] {a[12], a[13], a[14], a[15]};
    }
    if (a[0] == 0x20 && a[1] == 0x02) {
      return new byte[] {a[2], a[3], a[4], a[5]}; // 6to4
    }
    return null;
  }

  /** An address block. */
  record Cidr(byte[] net, int bits) {
    static Cidr parse(String s) {
      int slash = s.indexOf('/');
      byte[] net = literal(slash < 0 ? s : s.substring(0, slash));
      if (net == null) {
        throw new IllegalArgumentException(
            "not a CIDR: " + (s.length() > 64 ? s.substring(0, 64) + "…" : s));
      }
      int bits;
      try {
        bits = slash < 0 ? net.length * 8 : Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "not a CIDR: " + (s.length() > 64 ? s.substring(0, 64) + "…" : s));
      }
      if (bits < 0 || bits > net.length * 8) {
        throw new IllegalArgumentException(
            "not a CIDR (prefix length): " + (s.length() > 64 ? s.substring(0, 64) + "…" : s));
      }
      return new Cidr(net, bits);
    }

    boolean contains(byte[] a) {
      if (a.length != net.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((a[i / 8] & mask) != (net[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
