package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Gateway API routes gateway-doctor diagnoses (HTTPRoute, GRPCRoute) read alike: their parent
 * refs, hostnames, rules (what each matches, where it sends) and parent statuses. Pure; never
 * throws on partial objects (null lists and entries are skipped).
 */
public final class Routes {
  public static final String HTTP = "HTTPRoute";
  public static final String GRPC = "GRPCRoute";

  private Routes() {}

  /** One backendRef of a rule, as written. */
  public record Backend(String group, String kind, String name, String namespace, Integer port) {}

  /** What one match of a rule matches: a literal path (gRPC: /service/method) and how. */
  public record PathMatch(String path, Target.Match match) {}

  /** One rule: its matches (one catch-all when it has none) and its backendRefs (nulls kept). */
  public record Rule(List<PathMatch> matches, List<Backend> backends) {}

  public static boolean isRoute(HasMetadata o) {
    return o instanceof HTTPRoute || o instanceof GRPCRoute;
  }

  public static boolean isRouteKind(String kind) {
    return HTTP.equals(kind) || GRPC.equals(kind);
  }

  /** "HTTPRoute" or "GRPCRoute" (from the type: the object's own kind field may be unset). */
  public static String kind(HasMetadata o) {
    return o instanceof GRPCRoute ? GRPC : HTTP;
  }

  /** The data plane's lower-case kind ("httproute", "grpcroute"), as Envoy Gateway names them. */
  public static String lowerKind(HasMetadata o) {
    return kind(o).toLowerCase(Locale.ROOT);
  }

  public static List<ParentReference> parentRefs(HasMetadata o) {
    List<ParentReference> refs = null;
    if (o instanceof HTTPRoute r && r.getSpec() != null) {
      refs = r.getSpec().getParentRefs();
    } else if (o instanceof GRPCRoute r && r.getSpec() != null) {
      refs = r.getSpec().getParentRefs();
    }
    return refs == null ? List.of() : refs.stream().filter(p -> p != null).toList();
  }

  /** The route's hostnames; empty: any. */
  public static List<String> hostnames(HasMetadata o) {
    List<String> h = null;
    if (o instanceof HTTPRoute r && r.getSpec() != null) {
      h = r.getSpec().getHostnames();
    } else if (o instanceof GRPCRoute r && r.getSpec() != null) {
      h = r.getSpec().getHostnames();
    }
    return h == null ? List.of() : h.stream().filter(x -> x != null).toList();
  }

  public static List<RouteParentStatus> statusParents(HasMetadata o) {
    List<RouteParentStatus> p = null;
    if (o instanceof HTTPRoute r && r.getStatus() != null) {
      p = r.getStatus().getParents();
    } else if (o instanceof GRPCRoute r && r.getStatus() != null) {
      p = r.getStatus().getParents();
    }
    return p == null ? List.of() : p.stream().filter(x -> x != null).toList();
  }

  /** The rules in order (a null rule is a rule that matches and sends nothing). */
  public static List<Rule> rules(HasMetadata o) {
    List<Rule> out = new ArrayList<>();
    if (o instanceof HTTPRoute r && r.getSpec() != null && r.getSpec().getRules() != null) {
      for (var rule : r.getSpec().getRules()) {
        List<PathMatch> matches = new ArrayList<>();
        List<Backend> backends = new ArrayList<>();
        if (rule != null && rule.getMatches() != null) {
          for (var m : rule.getMatches()) {
            String type =
                m == null || m.getPath() == null || m.getPath().getType() == null
                    ? "PathPrefix"
                    : m.getPath().getType();
            String value =
                m == null || m.getPath() == null || m.getPath().getValue() == null
                    ? "/"
                    : m.getPath().getValue();
            matches.add(
                new PathMatch(
                    value,
                    "Exact".equals(type)
                        ? Target.Match.EXACT
                        : "PathPrefix".equals(type) ? Target.Match.PREFIX : Target.Match.OTHER));
          }
        }
        if (rule != null && rule.getBackendRefs() != null) {
          for (var b : rule.getBackendRefs()) {
            backends.add(
                b == null
                    ? null
                    : new Backend(
                        b.getGroup(), b.getKind(), b.getName(), b.getNamespace(), b.getPort()));
          }
        }
        out.add(rule(matches, backends));
      }
    } else if (o instanceof GRPCRoute r && r.getSpec() != null && r.getSpec().getRules() != null) {
      for (var rule : r.getSpec().getRules()) {
        List<PathMatch> matches = new ArrayList<>();
        List<Backend> backends = new ArrayList<>();
        if (rule != null && rule.getMatches() != null) {
          for (var m : rule.getMatches()) {
            var method = m == null ? null : m.getMethod();
            String svc = method == null ? null : method.getService();
            String name = method == null ? null : method.getMethod();
            boolean regex = method != null && "RegularExpression".equals(method.getType());
            matches.add(
                regex
                    ? new PathMatch("/", Target.Match.OTHER)
                    : svc != null && name != null
                        ? new PathMatch("/" + svc + "/" + name, Target.Match.EXACT)
                        : svc != null
                            ? new PathMatch("/" + svc + "/", Target.Match.PREFIX)
                            : new PathMatch("/", Target.Match.PREFIX));
          }
        }
        if (rule != null && rule.getBackendRefs() != null) {
          for (var b : rule.getBackendRefs()) {
            backends.add(
                b == null
                    ? null
                    : new Backend(
                        b.getGroup(), b.getKind(), b.getName(), b.getNamespace(), b.getPort()));
          }
        }
        out.add(rule(matches, backends));
      }
    }
    return out;
  }

  private static Rule rule(List<PathMatch> matches, List<Backend> backends) {
    return new Rule(
        matches.isEmpty() ? List.of(new PathMatch("/", Target.Match.PREFIX)) : matches, backends);
  }
}
