package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Follows an Ingress down to Services, ports, EndpointSlices and pods. Pure. */
public final class ChainResolver {
  /** Places recorded per backend; a target with hundreds of paths stays small. */
  public static final int MAX_USED_BY = 10;

  private ChainResolver() {}

  public static TargetChain resolve(Ingress ingress, ClusterSnapshot cluster) {
    return resolve(IngressTargets.of(ingress, cluster), cluster);
  }

  /** Follows any target's backends to their Services, ports, EndpointSlices and pods. */
  public static TargetChain resolve(Target target, ClusterSnapshot cluster) {
    boolean nginx = Gateways.INGRESS_NGINX.equals(target.controller());
    List<ResolvedBackend> resolved = new ArrayList<>();
    for (BackendRef ref : target.backends()) {
      String ns = ref.namespace() != null ? ref.namespace() : target.namespace();
      Service svc = cluster.service(ns, ref.service()).orElse(null);
      ServicePort port = svc == null ? null : servicePort(svc, ref);
      ServicePort byTarget = svc == null || port != null || !nginx ? null : byTargetPort(svc, ref);
      resolved.add(
          new ResolvedBackend(
              ns,
              ref,
              svc,
              port != null ? port : byTarget,
              svc == null ? List.of() : cluster.endpointSlices(ns, ref.service()),
              svc == null || svc.getSpec() == null
                  ? List.of()
                  : cluster.pods(ns, svc.getSpec().getSelector()),
              byTarget != null));
    }
    return new TargetChain(
        target, resolved, target.notDiagnosed(), ControllerConfig.of(target, cluster));
  }

  /** The distinct Service backends of an Ingress, in order of first use. */
  public static Map<String, BackendRef> backendRefs(Ingress ingress, List<String> notDiagnosed) {
    Map<String, BackendRef> refs = new LinkedHashMap<>();
    var spec = ingress.getSpec();
    if (spec == null) {
      notDiagnosed.add("Ingress has no spec");
      return refs;
    }
    if (spec.getDefaultBackend() != null) {
      add(refs, spec.getDefaultBackend(), "(default backend)", "spec.defaultBackend", notDiagnosed);
    }
    List<IngressRule> rules = spec.getRules() == null ? List.of() : spec.getRules();
    for (int r = 0; r < rules.size(); r++) {
      IngressRule rule = rules.get(r);
      if (rule == null || rule.getHttp() == null || rule.getHttp().getPaths() == null) {
        continue;
      }
      String host = rule.getHost() == null || rule.getHost().isEmpty() ? "*" : rule.getHost();
      List<HTTPIngressPath> paths = rule.getHttp().getPaths();
      for (int p = 0; p < paths.size(); p++) {
        HTTPIngressPath path = paths.get(p);
        String where = host + (path == null || path.getPath() == null ? "/" : path.getPath());
        String field = "spec.rules[" + r + "].http.paths[" + p + "].backend";
        add(refs, path == null ? null : path.getBackend(), where, field, notDiagnosed);
      }
    }
    if (refs.isEmpty() && notDiagnosed.isEmpty()) {
      notDiagnosed.add("Ingress routes to no backend (no rules with paths and no defaultBackend)");
    }
    return refs;
  }

  private static void add(
      Map<String, BackendRef> refs,
      IngressBackend backend,
      String where,
      String field,
      List<String> notDiagnosed) {
    if (backend == null) {
      notDiagnosed.add(field + " (" + where + ") is missing");
      return;
    }
    if (backend.getResource() != null) {
      notDiagnosed.add(
          field
              + " ("
              + where
              + ") is a resource backend ("
              + backend.getResource().getKind()
              + " "
              + backend.getResource().getName()
              + "), not a Service");
      return;
    }
    var svc = backend.getService();
    if (svc == null || svc.getName() == null || svc.getName().isBlank()) {
      notDiagnosed.add(field + " (" + where + ") names no Service");
      return;
    }
    Integer number = svc.getPort() == null ? null : svc.getPort().getNumber();
    String name = svc.getPort() == null ? null : svc.getPort().getName();
    if ((number == null || number == 0) && (name == null || name.isBlank())) {
      notDiagnosed.add(
          field + " (" + where + ") names Service " + svc.getName() + " without a port");
      return;
    }
    BackendRef fresh =
        new BackendRef(
            svc.getName(),
            number != null && number != 0 ? number : null,
            number != null && number != 0 ? null : name,
            new ArrayList<>());
    BackendRef ref = refs.computeIfAbsent(fresh.key(), k -> fresh);
    if (ref.usedBy().size() < MAX_USED_BY) {
      ref.usedBy().add(where);
    }
  }

  /**
   * ingress-nginx also matches a backend port against each Service port's targetPort (its
   * serviceEndpoints compares number, targetPort and name), so such an Ingress works there.
   */
  static ServicePort byTargetPort(Service svc, BackendRef ref) {
    if (svc.getSpec() == null || svc.getSpec().getPorts() == null) {
      return null;
    }
    String wanted = ref.portLabel();
    for (ServicePort p : svc.getSpec().getPorts()) {
      var tp = p.getTargetPort();
      String target =
          tp == null
              ? null
              : tp.getIntVal() != null ? String.valueOf(tp.getIntVal()) : tp.getStrVal();
      if (wanted.equals(target)) {
        return p;
      }
    }
    return null;
  }

  static ServicePort servicePort(Service svc, BackendRef ref) {
    if (svc.getSpec() == null || svc.getSpec().getPorts() == null) {
      return null;
    }
    for (ServicePort p : svc.getSpec().getPorts()) {
      if (ref.portNumber() != null
          ? ref.portNumber().equals(p.getPort())
          : ref.portName().equals(p.getName())) {
        return p;
      }
    }
    return null;
  }
}
