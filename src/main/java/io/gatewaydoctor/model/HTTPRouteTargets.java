package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Gateway API route (HTTPRoute, GRPCRoute: read alike through {@link Routes}) as a {@link
 * Target}: its rules' matches as routes (a gRPC method as its path, /service/method), its Service
 * backendRefs (in its namespace or, where a ReferenceGrant there permits it, another), and the
 * controller of the GatewayClass of its first parent Gateway. Pure.
 */
public final class HTTPRouteTargets {
  public static final String KIND = Routes.HTTP;
  public static final String GROUP = "gateway.networking.k8s.io";

  private HTTPRouteTargets() {}

  public static Target of(HasMetadata route, ClusterSnapshot cluster) {
    String kind = Routes.kind(route);
    String ns = route.getMetadata().getNamespace();
    List<String> notDiagnosed = new ArrayList<>();
    Map<String, BackendRef> refs = new LinkedHashMap<>();
    Map<String, BackendRef> notPermitted = new LinkedHashMap<>();
    List<Target.Route> routes = new ArrayList<>();
    List<String> hosts = Routes.hostnames(route).isEmpty() ? List.of("*") : Routes.hostnames(route);
    List<Routes.Rule> rules = Routes.rules(route);
    for (int r = 0; r < rules.size(); r++) {
      Routes.Rule rule = rules.get(r);
      List<Routes.Backend> backends = rule.backends();
      for (int b = 0; b < backends.size(); b++) {
        Routes.Backend br = backends.get(b);
        String field = "spec.rules[" + r + "].backendRefs[" + b + "]";
        if (br == null) {
          notDiagnosed.add(field + " is empty");
          continue;
        }
        boolean service =
            (br.group() == null || br.group().isEmpty())
                && (br.kind() == null || "Service".equals(br.kind()));
        if (!service) {
          notDiagnosed.add(field + " is a " + br.kind() + ", not a Service");
          continue;
        }
        if (br.name() == null || br.name().isBlank() || br.port() == null) {
          notDiagnosed.add(field + " names no Service and port");
          continue;
        }
        String other = br.namespace() == null || br.namespace().equals(ns) ? null : br.namespace();
        BackendRef fresh = new BackendRef(br.name(), br.port(), null, new ArrayList<>(), other);
        if (other != null && !cluster.knows("ReferenceGrant")) {
          // whether the other namespace consents cannot be told: its Service is not followed
          notDiagnosed.add(
              field
                  + " names Service "
                  + other
                  + "/"
                  + br.name()
                  + " in another namespace; the ReferenceGrants that would permit it were not"
                  + " read, so it is not followed");
          continue;
        }
        if (other != null
            && !ReferenceGrants.permits(cluster.referenceGrants(other), kind, ns, br.name())) {
          BackendRef denied = notPermitted.computeIfAbsent(fresh.key(), k -> fresh);
          for (String where : places(hosts, rule)) {
            if (denied.usedBy().size() < ChainResolver.MAX_USED_BY) {
              denied.usedBy().add(where);
            }
          }
          continue; // the other namespace did not consent: its pods are not this route's
        }
        BackendRef ref = refs.computeIfAbsent(fresh.key(), k -> fresh);
        for (String where : places(hosts, rule)) {
          if (ref.usedBy().size() < ChainResolver.MAX_USED_BY) {
            ref.usedBy().add(where);
          }
        }
        for (String h : hosts) {
          for (Routes.PathMatch m : rule.matches()) {
            routes.add(new Target.Route(h, m.path(), m.match(), ref.key()));
          }
        }
      }
    }
    if (refs.isEmpty() && notDiagnosed.isEmpty() && notPermitted.isEmpty()) {
      notDiagnosed.add(kind + " sends to no backend (no rule with backendRefs)");
    }
    // the route's own timeout (the smallest of its rules', backendRequest before request): the
    // gateway's read deadline for its backends, as proxy-read-timeout is an Ingress's
    Map<String, String> settings =
        new java.util.HashMap<>(
            route.getMetadata().getAnnotations() == null
                ? Map.of()
                : route.getMetadata().getAnnotations());
    routeTimeout(route).ifPresent(t -> settings.put(ROUTE_TIMEOUT, t));
    return new Target(
        kind,
        ns,
        route.getMetadata().getName(),
        route,
        settings,
        routes,
        List.copyOf(refs.values()),
        controller(route, cluster),
        notDiagnosed,
        List.copyOf(notPermitted.values()));
  }

  /** The setting a route's timeout is carried under (its place in the route's spec). */
  public static final String ROUTE_TIMEOUT = "spec.rules[].timeouts.request";

  /**
   * An HTTPRoute's timeout in seconds (as text), the smallest over its rules of {@code
   * timeouts.backendRequest}, else {@code timeouts.request}; "0" when one says 0s (no timeout);
   * empty when no rule sets one or one is not a Gateway API duration.
   */
  static java.util.Optional<String> routeTimeout(HasMetadata route) {
    if (!(route instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute r)
        || r.getSpec() == null
        || r.getSpec().getRules() == null) {
      return java.util.Optional.empty();
    }
    Long smallest = null;
    for (var rule : r.getSpec().getRules()) {
      var t = rule == null ? null : rule.getTimeouts();
      if (t == null) {
        continue;
      }
      String d = t.getBackendRequest() != null ? t.getBackendRequest() : t.getRequest();
      Long millis = gatewayApiDuration(d);
      if (millis != null && (smallest == null || millis < smallest)) {
        smallest = millis;
      }
    }
    return smallest == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(String.valueOf((smallest + 999) / 1000));
  }

  private static final java.util.regex.Pattern DURATION =
      java.util.regex.Pattern.compile("^([0-9]{1,5}(h|m|s|ms)){1,4}$");

  /** A Gateway API duration ("10s", "1m30s", "500ms") in milliseconds, or null. */
  static Long gatewayApiDuration(String d) {
    if (d == null || !DURATION.matcher(d).matches()) {
      return null;
    }
    long total = 0;
    var m = java.util.regex.Pattern.compile("([0-9]+)(ms|h|m|s)").matcher(d);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total +=
          switch (m.group(2)) {
            case "h" -> n * 3_600_000;
            case "m" -> n * 60_000;
            case "s" -> n * 1000;
            default -> n;
          };
    }
    return total;
  }

  /** The controllerName of the GatewayClass of the first parent Gateway the view holds, or null. */
  static String controller(HasMetadata route, ClusterSnapshot cluster) {
    for (var gw : parents(route, cluster)) {
      if (gw.getSpec() != null) {
        var cls = cluster.gatewayClass(gw.getSpec().getGatewayClassName());
        if (cls.isPresent() && cls.get().getSpec() != null) {
          return cls.get().getSpec().getControllerName();
        }
      }
    }
    return null;
  }

  /** The parent Gateways of a route that the view holds, in the order of its parentRefs. */
  public static List<io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway> parents(
      HasMetadata route, ClusterSnapshot cluster) {
    List<io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway> out = new ArrayList<>();
    for (ParentReference p : Routes.parentRefs(route)) {
      if (p.getName() == null || (p.getKind() != null && !"Gateway".equals(p.getKind()))) {
        continue;
      }
      String ns = p.getNamespace() != null ? p.getNamespace() : route.getMetadata().getNamespace();
      cluster.gateway(ns, p.getName()).filter(g -> !out.contains(g)).ifPresent(out::add);
    }
    return out;
  }

  private static List<String> places(List<String> hosts, Routes.Rule rule) {
    List<String> out = new ArrayList<>();
    for (String h : hosts) {
      for (Routes.PathMatch m : rule.matches()) {
        out.add(h + m.path());
      }
    }
    return out;
  }
}
