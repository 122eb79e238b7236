package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;

/**
 * An Ingress as a {@link Target}: its annotations, its rules as routes, its Service backends, its
 * controller. Pure.
 */
public final class IngressTargets {
  public static final String KIND = "Ingress";

  private IngressTargets() {}

  public static Target of(Ingress ingress, ClusterSnapshot cluster) {
    List<String> notDiagnosed = new ArrayList<>();
    var refs = ChainResolver.backendRefs(ingress, notDiagnosed);
    return new Target(
        KIND,
        ingress.getMetadata().getNamespace(),
        ingress.getMetadata().getName(),
        ingress,
        ingress.getMetadata().getAnnotations(),
        routes(ingress),
        List.copyOf(refs.values()),
        Gateways.controller(ingress, cluster).orElse(null),
        notDiagnosed);
  }

  /** The rules' paths that send to a Service, in rule order. */
  static List<Target.Route> routes(Ingress ingress) {
    List<Target.Route> out = new ArrayList<>();
    if (ingress.getSpec() == null || ingress.getSpec().getRules() == null) {
      return out;
    }
    for (var rule : ingress.getSpec().getRules()) {
      if (rule == null || rule.getHttp() == null || rule.getHttp().getPaths() == null) {
        continue;
      }
      String host = rule.getHost() == null || rule.getHost().isEmpty() ? "*" : rule.getHost();
      for (var p : rule.getHttp().getPaths()) {
        var svc = p == null || p.getBackend() == null ? null : p.getBackend().getService();
        if (svc == null || svc.getName() == null || svc.getPort() == null) {
          continue;
        }
        Integer number = svc.getPort().getNumber();
        String port =
            number != null && number != 0 ? String.valueOf(number) : svc.getPort().getName();
        if (port == null) {
          continue;
        }
        String path = p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
        Target.Match match =
            "Exact".equals(p.getPathType())
                ? Target.Match.EXACT
                : "Prefix".equals(p.getPathType()) ? Target.Match.PREFIX : Target.Match.OTHER;
        out.add(new Target.Route(host, path, match, svc.getName() + ":" + port));
      }
    }
    return out;
  }
}
