package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTPRoute as a {@link Target}: its rules' path matches as routes, its Service backendRefs (in
 * its namespace or, through a ReferenceGrant, another), and the controller of the GatewayClass of
 * its first parent Gateway. Pure.
 */
public final class HTTPRouteTargets {
  public static final String KIND = "HTTPRoute";
  public static final String GROUP = "gateway.networking.k8s.io";

  private HTTPRouteTargets() {}

  public static Target of(HTTPRoute route, ClusterSnapshot cluster) {
    String ns = route.getMetadata().getNamespace();
    List<String> notDiagnosed = new ArrayList<>();
    Map<String, BackendRef> refs = new LinkedHashMap<>();
    Map<String, BackendRef> notPermitted = new LinkedHashMap<>();
    List<Target.Route> routes = new ArrayList<>();
    var spec = route.getSpec();
    List<String> hosts =
        spec == null || spec.getHostnames() == null || spec.getHostnames().isEmpty()
            ? List.of("*")
            : spec.getHostnames();
    List<HTTPRouteRule> rules =
        spec == null || spec.getRules() == null ? List.of() : spec.getRules();
    for (int r = 0; r < rules.size(); r++) {
      HTTPRouteRule rule = rules.get(r);
      List<HTTPBackendRef> backends =
          rule == null || rule.getBackendRefs() == null ? List.of() : rule.getBackendRefs();
      for (int b = 0; b < backends.size(); b++) {
        HTTPBackendRef br = backends.get(b);
        String field = "spec.rules[" + r + "].backendRefs[" + b + "]";
        if (br == null) {
          notDiagnosed.add(field + " is empty");
          continue;
        }
        boolean service =
            (br.getGroup() == null || br.getGroup().isEmpty())
                && (br.getKind() == null || "Service".equals(br.getKind()));
        if (!service) {
          notDiagnosed.add(field + " is a " + br.getKind() + ", not a Service");
          continue;
        }
        if (br.getName() == null || br.getName().isBlank() || br.getPort() == null) {
          notDiagnosed.add(field + " names no Service and port");
          continue;
        }
        String other =
            br.getNamespace() == null || br.getNamespace().equals(ns) ? null : br.getNamespace();
        BackendRef fresh =
            new BackendRef(br.getName(), br.getPort(), null, new ArrayList<>(), other);
        if (other != null && !cluster.knows("ReferenceGrant")) {
          // whether the other namespace consents cannot be told: its Service is not followed
          notDiagnosed.add(
              field
                  + " names Service "
                  + other
                  + "/"
                  + br.getName()
                  + " in another namespace; the ReferenceGrants that would permit it were not"
                  + " read, so it is not followed");
          continue;
        }
        if (other != null
            && !ReferenceGrants.permits(cluster.referenceGrants(other), KIND, ns, br.getName())) {
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
        routes.addAll(routes(hosts, rule, ref.key()));
      }
    }
    if (refs.isEmpty() && notDiagnosed.isEmpty() && notPermitted.isEmpty()) {
      notDiagnosed.add("HTTPRoute sends to no backend (no rule with backendRefs)");
    }
    return new Target(
        KIND,
        ns,
        route.getMetadata().getName(),
        route,
        route.getMetadata().getAnnotations(),
        routes,
        List.copyOf(refs.values()),
        controller(route, cluster),
        notDiagnosed,
        List.copyOf(notPermitted.values()));
  }

  /** The controllerName of the GatewayClass of the first parent Gateway the view holds, or null. */
  static String controller(HTTPRoute route, ClusterSnapshot cluster) {
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
      HTTPRoute route, ClusterSnapshot cluster) {
    List<io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway> out = new ArrayList<>();
    var parents = route.getSpec() == null ? null : route.getSpec().getParentRefs();
    for (ParentReference p : parents == null ? List.<ParentReference>of() : parents) {
      if (p == null
          || p.getName() == null
          || (p.getKind() != null && !"Gateway".equals(p.getKind()))) {
        continue;
      }
      String ns = p.getNamespace() != null ? p.getNamespace() : route.getMetadata().getNamespace();
      cluster.gateway(ns, p.getName()).filter(g -> !out.contains(g)).ifPresent(out::add);
    }
    return out;
  }

  private static List<String> places(List<String> hosts, HTTPRouteRule rule) {
    List<String> out = new ArrayList<>();
    for (String h : hosts) {
      for (String p : paths(rule)) {
        out.add(h + p);
      }
    }
    return out;
  }

  private static List<String> paths(HTTPRouteRule rule) {
    List<String> out = new ArrayList<>();
    if (rule.getMatches() == null || rule.getMatches().isEmpty()) {
      out.add("/");
      return out;
    }
    for (var m : rule.getMatches()) {
      out.add(m.getPath() == null || m.getPath().getValue() == null ? "/" : m.getPath().getValue());
    }
    return out;
  }

  private static List<Target.Route> routes(List<String> hosts, HTTPRouteRule rule, String backend) {
    List<Target.Route> out = new ArrayList<>();
    List<io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch> matches =
        rule.getMatches() == null || rule.getMatches().isEmpty()
            ? List.of(new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch())
            : rule.getMatches();
    for (String h : hosts) {
      for (var m : matches) {
        String type =
            m.getPath() == null || m.getPath().getType() == null
                ? "PathPrefix"
                : m.getPath().getType();
        String value =
            m.getPath() == null || m.getPath().getValue() == null ? "/" : m.getPath().getValue();
        Target.Match match =
            "Exact".equals(type)
                ? Target.Match.EXACT
                : "PathPrefix".equals(type) ? Target.Match.PREFIX : Target.Match.OTHER;
        out.add(new Target.Route(h, value, match, backend));
      }
    }
    return out;
  }
}
