package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a route attaches to each of its parent Gateways, worked out from the objects as the Gateway
 * API specifies it (not only read from the route's status): the parent exists, a listener is named
 * by sectionName and port, allows routes from the route's namespace and of its kind, and shares a
 * hostname with it. Pure.
 */
public final class RouteAttachment {
  private RouteAttachment() {}

  /**
   * One parentRef of a route.
   *
   * @param ref "Gateway shop/eg" (with "/listener" when sectionName is set)
   * @param gateway the Gateway, when the view holds it
   * @param listeners the listeners the route attaches to
   * @param problem why the route attaches to no listener (null when it does, or cannot be told)
   * @param status the route's Accepted condition for this parent, from its status, or null
   */
  public record Parent(
      String ref, Gateway gateway, List<Listener> listeners, String problem, Condition status) {
    /** Attached by the objects, and not refused by the status. */
    public boolean accepted() {
      return problem == null && (status == null || !"False".equals(status.getStatus()));
    }
  }

  public static List<Parent> of(HasMetadata route, ClusterSnapshot cluster) {
    List<Parent> out = new ArrayList<>();
    var refs = Routes.parentRefs(route);
    List<String> hostnames = Routes.hostnames(route);
    String kind = Routes.kind(route);
    String routeNs = route.getMetadata().getNamespace();
    for (ParentReference p : refs) {
      if (p == null
          || p.getName() == null
          || (p.getKind() != null && !"Gateway".equals(p.getKind()))) {
        continue;
      }
      String ns = p.getNamespace() != null ? p.getNamespace() : routeNs;
      String name =
          "Gateway "
              + ns
              + "/"
              + p.getName()
              + (p.getSectionName() != null ? "/" + p.getSectionName() : "")
              + (p.getPort() != null ? ":" + p.getPort() : "");
      Condition status = accepted(route, p, ns);
      Optional<Gateway> gw = cluster.gateway(ns, p.getName());
      if (gw.isEmpty()) {
        out.add(
            new Parent(
                name,
                null,
                List.of(),
                cluster.knows("Gateway")
                    ? "no Gateway " + ns + "/" + p.getName() + " exists"
                    : null,
                status));
        continue;
      }
      List<Listener> listeners =
          gw.get().getSpec() == null || gw.get().getSpec().getListeners() == null
              ? List.of()
              : gw.get().getSpec().getListeners();
      List<Listener> named = new ArrayList<>();
      for (Listener l : listeners) {
        if (l == null) {
          continue;
        }
        if ((p.getSectionName() == null || p.getSectionName().equals(l.getName()))
            && (p.getPort() == null || p.getPort().equals(l.getPort()))) {
          named.add(l);
        }
      }
      if (named.isEmpty()) {
        out.add(
            new Parent(
                name,
                gw.get(),
                List.of(),
                "the Gateway has no listener"
                    + (p.getSectionName() != null ? " named " + p.getSectionName() : "")
                    + (p.getPort() != null ? " on port " + p.getPort() : ""),
                status));
        continue;
      }
      List<Listener> allowing = new ArrayList<>();
      String why = null;
      for (Listener l : named) {
        String no = refuses(l, gw.get(), kind, routeNs, cluster);
        if (no == null) {
          allowing.add(l);
        } else if (why == null) {
          why = "listener " + l.getName() + " " + no;
        }
      }
      List<Listener> matching = new ArrayList<>();
      for (Listener l : allowing) {
        if (sharesHostname(l.getHostname(), hostnames)) {
          matching.add(l);
        }
      }
      if (matching.isEmpty() && !allowing.isEmpty()) {
        why =
            "no hostname of the route ("
                + String.join(", ", hostnames)
                + ") matches listener "
                + String.join(
                    ", ",
                    allowing.stream()
                        .map(l -> l.getName() + " (" + l.getHostname() + ")")
                        .toList());
      }
      out.add(new Parent(name, gw.get(), matching, matching.isEmpty() ? why : null, status));
    }
    return out;
  }

  /**
   * Why a listener does not admit HTTPRoutes from {@code routeNs}, or null when it does: its
   * protocol carries no HTTP, its allowedRoutes.namespaces ({@code Same} by default, {@code All},
   * or a {@code Selector} on the namespace's labels), its allowedRoutes.kinds.
   */
  static String refuses(
      Listener l, Gateway gw, String kind, String routeNs, ClusterSnapshot cluster) {
    String proto = l.getProtocol() == null ? "" : l.getProtocol().toUpperCase(Locale.ROOT);
    var allowed = l.getAllowedRoutes();
    var kinds = allowed == null ? null : allowed.getKinds();
    if (kinds != null && !kinds.isEmpty()) {
      if (kinds.stream().noneMatch(k -> k != null && kind.equals(k.getKind()))) {
        return "allows only "
            + String.join(", ", kinds.stream().map(k -> String.valueOf(k.getKind())).toList());
      }
    } else if (!proto.equals("HTTP") && !proto.equals("HTTPS")) {
      return "speaks " + l.getProtocol() + ", which takes no " + kind;
    }
    var nsRule = allowed == null ? null : allowed.getNamespaces();
    String from = nsRule == null || nsRule.getFrom() == null ? "Same" : nsRule.getFrom();
    String gwNs = gw.getMetadata().getNamespace();
    switch (from) {
      case "All":
        return null;
      case "Same":
        return routeNs.equals(gwNs)
            ? null
            : "allows routes from its own namespace "
                + gwNs
                + " only (allowedRoutes.namespaces.from: Same)";
      case "Selector":
        Map<String, String> labels =
            cluster
                .namespace(routeNs)
                .map(n -> n.getMetadata().getLabels())
                .orElse(Map.of("kubernetes.io/metadata.name", routeNs));
        return nsRule.getSelector() != null
                && Labels.selects(nsRule.getSelector(), labels == null ? Map.of() : labels)
            ? null
            : "allows routes from namespaces selected by "
                + Labels.describe(nsRule.getSelector())
                + ", which namespace "
                + routeNs
                + " is not";
      default:
        return "allows routes from: " + from;
    }
  }

  /** Whether a listener's hostname (none: any) admits one of the route's (none: any). */
  static boolean sharesHostname(String listener, List<String> route) {
    if (listener == null || listener.isEmpty() || route == null || route.isEmpty()) {
      return true;
    }
    for (String h : route) {
      if (hostMatches(listener.toLowerCase(Locale.ROOT), h.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  /** Either may be a "*.example.com" wildcard, matching one or more labels in front. */
  private static boolean hostMatches(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    if (a.startsWith("*.") && b.endsWith(a.substring(1)) && b.length() > a.length() - 1) {
      return true;
    }
    return b.startsWith("*.") && a.endsWith(b.substring(1)) && a.length() > b.length() - 1;
  }

  /** The route's Accepted condition for this parent, from its status, or null. */
  static Condition accepted(HasMetadata route, ParentReference p, String ns) {
    for (var ps : Routes.statusParents(route)) {
      ParentReference r = ps.getParentRef();
      if (r == null || !p.getName().equals(r.getName())) {
        continue;
      }
      String rns = r.getNamespace() != null ? r.getNamespace() : route.getMetadata().getNamespace();
      if (!rns.equals(ns)
          || !java.util.Objects.equals(r.getSectionName(), p.getSectionName())
          || !java.util.Objects.equals(r.getPort(), p.getPort())) {
        continue;
      }
      for (Condition c : ps.getConditions() == null ? List.<Condition>of() : ps.getConditions()) {
        if ("Accepted".equals(c.getType())) {
          return c;
        }
      }
    }
    return null;
  }

  /** A condition of a Gateway's status or of one of its listeners' statuses, or null. */
  public static Condition condition(Gateway gw, String listener, String type) {
    return condition(gw, listener, type, listener == null);
  }

  /** As above; {@code gatewayLevel} false with a null listener: no condition. */
  private static Condition condition(
      Gateway gw, String listener, String type, boolean gatewayLevel) {
    if (listener == null && !gatewayLevel) {
      return null;
    }
    var st = gw.getStatus();
    if (st == null) {
      return null;
    }
    List<Condition> conditions = null;
    if (listener == null) {
      conditions = st.getConditions();
    } else if (st.getListeners() != null) {
      for (var ls : st.getListeners()) {
        if (ls != null && listener.equals(ls.getName())) {
          conditions = ls.getConditions();
        }
      }
    }
    for (Condition c : conditions == null ? List.<Condition>of() : conditions) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }
}
