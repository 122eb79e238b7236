package io.gatewaydoctor.gateway;

import io.gatewaydoctor.model.ClusterSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * ingress-nginx's upstream names ({@code <namespace>-<service>-<port>}) and when one is ambiguous:
 * {@code team-a}/{@code api} and {@code team}/{@code a-api} both make {@code team-a-api-80}. Pure.
 */
public final class UpstreamNames {
  private UpstreamNames() {}

  /**
   * The names of the other namespaces that could have produced this upstream name (whether they
   * exist or not).
   */
  public static List<String> otherNamespaces(String upstream, String namespace) {
    List<String> out = new ArrayList<>();
    // a namespace is followed by "-", then by "<service>-<port>", so at least one more "-" follows
    for (int i = upstream.indexOf('-'); i > 0; i = upstream.indexOf('-', i + 1)) {
      int next = upstream.indexOf('-', i + 1);
      if (next <= i + 1) {
        break;
      }
      String ns = upstream.substring(0, i);
      if (!ns.equals(namespace)) {
        out.add(ns);
      }
    }
    return out;
  }

  /**
   * Whether a namespace other than {@code namespace} that the cluster view holds could have
   * produced the same upstream name. Namespaces the view does not hold are not seen (a dump without
   * Namespace objects cannot tell; analyze warns about that).
   */
  public static boolean ambiguous(String upstream, String namespace, ClusterSnapshot cluster) {
    return otherNamespaces(upstream, namespace).stream()
        .anyMatch(ns -> cluster.namespace(ns).isPresent());
  }
}
