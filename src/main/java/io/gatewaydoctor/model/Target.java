package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.gatewaydoctor.api.ResourceRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What gateway-doctor diagnoses, whatever its kind: its identity, the settings it gives the gateway
 * (annotations), the routes it serves and the backends each route sends to, and the controller that
 * serves it. Resolved from an Ingress today ({@link IngressTargets}); an HTTPRoute or a GRPCRoute
 * is one more resolver. Rules read targets, routes and backends, not Ingresses.
 *
 * @param controller the controller that serves it (IngressClass spec.controller), null when unknown
 * @param notDiagnosed the parts of the target that name no backend that can be followed, with why
 * @param notPermitted a route's backends in other namespaces that no ReferenceGrant there permits:
 *     never followed (their Services, pods and traffic are the other namespace's), only reported
 */
public record Target(
    String kind,
    String namespace,
    String name,
    HasMetadata object,
    Map<String, String> annotations,
    List<Route> routes,
    List<BackendRef> backends,
    String controller,
    List<String> notDiagnosed,
    List<BackendRef> notPermitted) {

  /** How a route matches a request path. */
  public enum Match {
    EXACT,
    PREFIX,
    /** regular expressions, implementation-specific matching: not a literal path */
    OTHER
  }

  /**
   * One route: the host ("*" for any), the path, how it matches, and the backend ({@link
   * BackendRef#key()}) it sends to.
   */
  public record Route(String host, String path, Match match, String backend) {}

  public Target {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    routes = List.copyOf(routes);
    backends = List.copyOf(backends);
    notDiagnosed = List.copyOf(notDiagnosed);
    notPermitted = notPermitted == null ? List.of() : List.copyOf(notPermitted);
  }

  public Target(
      String kind,
      String namespace,
      String name,
      HasMetadata object,
      Map<String, String> annotations,
      List<Route> routes,
      List<BackendRef> backends,
      String controller,
      List<String> notDiagnosed) {
    this(
        kind,
        namespace,
        name,
        object,
        annotations,
        routes,
        backends,
        controller,
        notDiagnosed,
        List.of());
  }

  public ResourceRef ref() {
    return new ResourceRef(kind, namespace, name);
  }

  /** The Ingress, when the target is one (the Ingress-only checks: its class, its TLS secrets). */
  public Optional<Ingress> ingress() {
    return object instanceof Ingress i ? Optional.of(i) : Optional.empty();
  }

  /** "Ingress shop/web". */
  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name;
  }
}
