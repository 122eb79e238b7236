package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * NetworkPolicy ingress semantics, as the API defines them: a pod is isolated for ingress when a
 * policy of its namespace selects it and applies to Ingress; it then accepts traffic that any rule
 * of any selecting policy admits (policies are additive). A question this code cannot settle from
 * the input (namespace labels not listed, host-network sources) is {@link Admission#UNKNOWN}. Pure.
 */
public final class NetworkPolicies {
  private NetworkPolicies() {}

  public enum Admission {
    ALLOWED,
    DENIED,
    UNKNOWN
  }

  /** The source of the traffic: a pod (the gateway's) with its namespace labels. */
  public record Source(Pod pod, ClusterSnapshot.NamespaceLabels namespaceLabels) {}

  /** The policies of the pod's namespace that isolate it for ingress, by name. */
  public static List<NetworkPolicy> isolating(ClusterSnapshot cluster, Pod target) {
    List<NetworkPolicy> out = new ArrayList<>();
    for (NetworkPolicy np : cluster.networkPolicies(target.getMetadata().getNamespace())) {
      if (np.getSpec() != null
          && appliesToIngress(np)
          && Labels.selects(np.getSpec().getPodSelector(), target.getMetadata().getLabels())) {
        out.add(np);
      }
    }
    out.sort(Comparator.comparing(np -> np.getMetadata().getName()));
    return out;
  }

  static boolean appliesToIngress(NetworkPolicy np) {
    List<String> types = np.getSpec().getPolicyTypes();
    return types == null || types.isEmpty() || types.contains("Ingress");
  }

  /**
   * Whether traffic from {@code source} reaches {@code target} on TCP {@code port} under these
   * policies.
   */
  public static Admission admits(
      List<NetworkPolicy> isolating, Pod target, int port, Source source) {
    if (isolating.isEmpty()) {
      return Admission.ALLOWED;
    }
    boolean unknown = false;
    for (NetworkPolicy np : isolating) {
      for (NetworkPolicyIngressRule rule : rules(np)) {
        if (!portAdmitted(rule.getPorts(), target, port)) {
          continue;
        }
        Admission a = fromAdmitted(rule.getFrom(), np.getMetadata().getNamespace(), source);
        if (a == Admission.ALLOWED) {
          return Admission.ALLOWED;
        }
        unknown |= a == Admission.UNKNOWN;
      }
    }
    return unknown ? Admission.UNKNOWN : Admission.DENIED;
  }

  /**
   * Without a known source: whether the policies admit anything from outside the target's namespace
   * on the port. DENIED means they admit nothing at all or only pods of the same namespace.
   */
  public static Admission admitsOtherNamespaces(
      List<NetworkPolicy> isolating, Pod target, int port) {
    if (isolating.isEmpty()) {
      return Admission.ALLOWED;
    }
    for (NetworkPolicy np : isolating) {
      for (NetworkPolicyIngressRule rule : rules(np)) {
        if (!portAdmitted(rule.getPorts(), target, port)) {
          continue;
        }
        if (rule.getFrom() == null
            || rule.getFrom().isEmpty()
            || rule.getFrom().stream()
                .anyMatch(
                    p ->
                        p != null
                            && (p.getNamespaceSelector() != null || p.getIpBlock() != null))) {
          return Admission.UNKNOWN;
        }
      }
    }
    return Admission.DENIED;
  }

  public static List<NetworkPolicyIngressRule> rules(NetworkPolicy np) {
    return np.getSpec() == null || np.getSpec().getIngress() == null
        ? List.of()
        : np.getSpec().getIngress().stream().filter(java.util.Objects::nonNull).toList();
  }

  static boolean portAdmitted(List<NetworkPolicyPort> ports, Pod target, int port) {
    if (ports == null || ports.isEmpty()) {
      return true;
    }
    for (NetworkPolicyPort p : ports) {
      if (p == null || (p.getProtocol() != null && !"TCP".equals(p.getProtocol()))) {
        continue;
      }
      IntOrString v = p.getPort();
      if (v == null || (v.getIntVal() == null && v.getStrVal() == null)) {
        return true;
      }
      if (v.getIntVal() != null) {
        int end = p.getEndPort() != null ? p.getEndPort() : v.getIntVal();
        if (port >= v.getIntVal() && port <= end) {
          return true;
        }
      } else if (Ports.tcpNamesOf(target, port).contains(v.getStrVal())) {
        return true;
      }
    }
    return false;
  }

  static Admission fromAdmitted(
      List<NetworkPolicyPeer> from, String policyNamespace, Source source) {
    if (from == null || from.isEmpty()) {
      return Admission.ALLOWED;
    }
    boolean unknown = false;
    Pod src = source.pod();
    boolean hostNetwork =
        src.getSpec() != null && Boolean.TRUE.equals(src.getSpec().getHostNetwork());
    List<String> srcIps = addresses(src);
    for (NetworkPolicyPeer peer : from) {
      if (peer == null) {
        continue;
      }
      Admission a;
      if (hostNetwork) {
        // host-network traffic comes from a node address: always admitted from the pod's own node,
        // and from others as the CNI rewrites it; nothing here can tell
        a = Admission.UNKNOWN;
      } else if (peer.getIpBlock() != null) {
        a = inBlock(peer.getIpBlock(), srcIps);
      } else {
        a = selectorsAdmit(peer, policyNamespace, source);
      }
      if (a == Admission.ALLOWED) {
        return a;
      }
      unknown |= a == Admission.UNKNOWN;
    }
    return unknown ? Admission.UNKNOWN : Admission.DENIED;
  }

  private static Admission selectorsAdmit(
      NetworkPolicyPeer peer, String policyNamespace, Source source) {
    Pod src = source.pod();
    if (!Labels.selects(peer.getPodSelector(), src.getMetadata().getLabels())) {
      return Admission.DENIED;
    }
    if (peer.getNamespaceSelector() == null) {
      return policyNamespace.equals(src.getMetadata().getNamespace())
          ? Admission.ALLOWED
          : Admission.DENIED;
    }
    if (Labels.selects(peer.getNamespaceSelector(), source.namespaceLabels().labels())) {
      return Admission.ALLOWED;
    }
    return source.namespaceLabels().complete() ? Admission.DENIED : Admission.UNKNOWN;
  }

  /** Every address of the pod (dual-stack pods have one per family). */
  public static List<String> addresses(Pod p) {
    List<String> out = new ArrayList<>();
    if (p.getStatus() != null && p.getStatus().getPodIPs() != null) {
      p.getStatus().getPodIPs().stream()
          .filter(java.util.Objects::nonNull)
          .map(io.fabric8.kubernetes.api.model.PodIP::getIp)
          .filter(java.util.Objects::nonNull)
          .forEach(out::add);
    }
    if (p.getStatus() != null
        && p.getStatus().getPodIP() != null
        && !out.contains(p.getStatus().getPodIP())) {
      out.add(p.getStatus().getPodIP());
    }
    return out;
  }

  /**
   * ALLOWED when an address of the block's family is in it; UNKNOWN when the pod has none of that
   * family.
   */
  static Admission inBlock(IPBlock block, List<String> ips) {
    boolean sameFamily = false;
    for (String ip : ips) {
      Admission a = inBlock(block, ip);
      if (a == Admission.ALLOWED) {
        return a;
      }
      sameFamily |= a == Admission.DENIED;
    }
    return sameFamily ? Admission.DENIED : Admission.UNKNOWN;
  }

  /**
   * DENIED also covers "not this block's family" only through the list form above: here it is
   * UNKNOWN.
   */
  static Admission inBlock(IPBlock block, String ip) {
    try {
      if (block.getCidr() == null || isV6(block.getCidr()) != isV6(ip)) {
        return Admission.UNKNOWN;
      }
      if (!inCidr(block.getCidr(), ip)) {
        return Admission.DENIED;
      }
      if (block.getExcept() != null) {
        for (String ex : block.getExcept()) {
          if (ex != null && isV6(ex) == isV6(ip) && inCidr(ex, ip)) {
            return Admission.DENIED;
          }
        }
      }
      return Admission.ALLOWED;
    } catch (IllegalArgumentException | java.net.UnknownHostException e) {
      return Admission.UNKNOWN;
    }
  }

  private static boolean isV6(String addressOrCidr) {
    return addressOrCidr.contains(":");
  }

  /** Literal address arithmetic only: never resolves a name. */
  static boolean inCidr(String cidr, String ip) throws java.net.UnknownHostException {
    if (cidr == null
        || !cidr.contains("/")
        || !looksLikeAddress(ip)
        || !looksLikeAddress(cidr.substring(0, cidr.indexOf('/')))) {
      throw new IllegalArgumentException("not a CIDR: " + cidr);
    }
    byte[] net = InetAddress.getByName(cidr.substring(0, cidr.indexOf('/'))).getAddress();
    byte[] addr = InetAddress.getByName(ip).getAddress();
    int bits = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    if (net.length != addr.length || bits < 0 || bits > net.length * 8) {
      return false;
    }
    int shift = net.length * 8 - bits;
    return new BigInteger(1, net)
        .shiftRight(shift)
        .equals(new BigInteger(1, addr).shiftRight(shift));
  }

  private static boolean looksLikeAddress(String s) {
    return s != null && !s.isEmpty() && s.matches("[0-9a-fA-F:.]+");
  }

  /** What a policy admits, in words, for messages. */
  public static String describe(NetworkPolicy np) {
    List<NetworkPolicyIngressRule> rules = rules(np);
    if (rules.isEmpty()) {
      return "admits no ingress at all";
    }
    List<String> parts = new ArrayList<>();
    for (NetworkPolicyIngressRule r : rules) {
      String from;
      if (r.getFrom() == null || r.getFrom().isEmpty()) {
        from = "everyone";
      } else {
        List<String> peers = new ArrayList<>();
        for (NetworkPolicyPeer p : r.getFrom()) {
          if (p == null) {
            continue;
          }
          if (p.getIpBlock() != null) {
            peers.add("ipBlock " + p.getIpBlock().getCidr());
          } else if (p.getNamespaceSelector() == null) {
            peers.add(
                "pods "
                    + Labels.describe(p.getPodSelector())
                    + " of namespace "
                    + np.getMetadata().getNamespace());
          } else {
            peers.add(
                "pods "
                    + Labels.describe(p.getPodSelector())
                    + " of namespaces "
                    + Labels.describe(p.getNamespaceSelector()));
          }
        }
        from = String.join(" or ", peers);
      }
      String ports =
          r.getPorts() == null || r.getPorts().isEmpty()
              ? ""
              : " on ports "
                  + String.join(
                      ",",
                      r.getPorts().stream()
                          .filter(java.util.Objects::nonNull)
                          .map(
                              p ->
                                  (p.getPort() == null
                                          ? "all"
                                          : p.getPort().getIntVal() != null
                                              ? String.valueOf(p.getPort().getIntVal())
                                              : p.getPort().getStrVal())
                                      + (p.getEndPort() == null ? "" : "-" + p.getEndPort())
                                      + "/"
                                      + (p.getProtocol() == null ? "TCP" : p.getProtocol()))
                          .toList());
      parts.add(from + ports);
    }
    return "admits " + String.join("; ", parts);
  }
}
