package io.gatewaydoctor.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.gatewaydoctor.gateway.IngressNginx;
import io.gatewaydoctor.gateway.UpstreamNames;
import io.gatewaydoctor.model.ChainResolver;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.ControllerConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads a live cluster for {@code analyze}, read-only: lists the kinds the analysis needs in one
 * namespace or all, plus the pods of the namespaces trusted to run the ingress controller. A kind
 * it may not list (RBAC) stays unknown to the analysis, with a warning, instead of failing the run.
 * TLS secrets are read by name and only their existence is kept.
 */
final class LiveCluster {
  private final KubernetesClient client;
  private final String namespace; // null: all namespaces
  private final List<String> controllerNamespaces;
  private final PrintWriter err;
  final List<HasMetadata> objects = new ArrayList<>();
  final Set<String> known = new TreeSet<>();

  LiveCluster(
      KubernetesClient client,
      String namespace,
      List<String> controllerNamespaces,
      PrintWriter err) {
    this.client = client;
    this.namespace = namespace;
    this.controllerNamespaces = List.copyOf(controllerNamespaces);
    this.err = err;
  }

  ClusterSnapshot read() {
    list("Ingress", () -> items(client.network().v1().ingresses()));
    list("IngressClass", () -> client.network().v1().ingressClasses().list().getItems());
    list("Service", () -> items(client.services()));
    list("EndpointSlice", () -> items(client.discovery().v1().endpointSlices()));
    list("Pod", () -> items(client.pods()));
    list("NetworkPolicy", () -> items(client.network().v1().networkPolicies()));
    list("Deployment", () -> items(client.apps().deployments()));
    list("ReplicaSet", () -> items(client.apps().replicaSets()));
    list(
        "Namespace",
        () ->
            namespace == null
                ? client.namespaces().list().getItems()
                : java.util.Optional.ofNullable(client.namespaces().withName(namespace).get())
                    .stream()
                    .map(HasMetadata.class::cast)
                    .toList());
    if (namespace != null) {
      // a namespace that could share an upstream name with one of these Ingresses' backends
      // (team-a/web and team/a-web both make team-a-web-80): looked up by name, so its traffic in
      // the gateway's logs is not charged to them
      java.util.Set<String> others = new java.util.TreeSet<>();
      for (HasMetadata o : List.copyOf(objects)) {
        if (o instanceof Ingress ing) {
          for (var ref : ChainResolver.backendRefs(ing, new ArrayList<>()).values()) {
            others.addAll(
                UpstreamNames.otherNamespaces(
                    IngressNginx.INSTANCE.upstreamName(namespace, ref.service(), ref.portLabel()),
                    namespace));
          }
        }
      }
      others.stream()
          .limit(64)
          .forEach(
              n ->
                  optional(
                      () ->
                          java.util.Optional.ofNullable(client.namespaces().withName(n).get())
                              .stream()
                              .toList()));
      // the ingress controller usually runs elsewhere; its pods matter for NetworkPolicy checks and
      // its logs are read
      if (controllerNamespaces.contains(ClusterSnapshot.ANY_NAMESPACE)) {
        optional(
            () ->
                client
                    .pods()
                    .inAnyNamespace()
                    .withLabel("app.kubernetes.io/name", "ingress-nginx")
                    .list()
                    .getItems());
      } else {
        for (String cns : controllerNamespaces) {
          if (!cns.equals(namespace)) {
            optional(() -> client.pods().inNamespace(cns).list().getItems());
          }
        }
      }
    }
    gatewayApi();
    backendTlsPolicies();
    configMaps();
    if (secrets()) {
      known.add("Secret");
    }
    return ClusterSnapshot.of(objects, known, controllerNamespaces);
  }

  /**
   * The Gateway API objects, when the cluster serves the API (asked by discovery, so a cluster
   * without it gets no warning): HTTPRoutes of the namespace read, every GatewayClass, the Gateways
   * (of every namespace when allowed: a route's parent usually lives elsewhere, else of the
   * namespace) and the ReferenceGrants of the namespaces the routes send to.
   */
  private void gatewayApi() {
    if (!io.gatewaydoctor.sources.GatewayApi.routesServed(client)) {
      return;
    }
    list(
        "HTTPRoute",
        () ->
            items(client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class)));
    if (io.gatewaydoctor.sources.GatewayApi.served(
        client, io.gatewaydoctor.sources.GatewayApi.GROUP + "/v1", "grpcroutes")) {
      list(
          "GRPCRoute",
          () ->
              items(
                  client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute.class)));
    }
    list(
        "GatewayClass",
        () ->
            client
                .resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass.class)
                .list()
                .getItems());
    var gateways = client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway.class);
    try {
      objects.addAll(gateways.inAnyNamespace().list().getItems());
      known.add("Gateway");
    } catch (KubernetesClientException e) {
      if (namespace == null) {
        list("Gateway", () -> gateways.inAnyNamespace().list().getItems());
      } else {
        // none: the kinds a snapshot holds count as listed, and a parent elsewhere would read as
        // missing; Gateway stays unknown and the attachment checks stay silent
        err.println(
            "warning: cannot list Gateways in every namespace ("
                + e.getCode()
                + "); the checks of routes' parent Gateways are skipped");
      }
    }
    if (!io.gatewaydoctor.sources.GatewayApi.grantsServed(client)) {
      return;
    }
    var grants =
        client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class);
    if (namespace == null) {
      list("ReferenceGrant", () -> grants.inAnyNamespace().list().getItems());
      return;
    }
    java.util.Set<String> backendNamespaces = new java.util.TreeSet<>();
    backendNamespaces.add(namespace);
    for (HasMetadata o : List.copyOf(objects)) {
      if (io.gatewaydoctor.model.Routes.isRoute(o)) {
        io.gatewaydoctor.model.Routes.rules(o).stream()
            .flatMap(rule -> rule.backends().stream())
            .filter(b -> b != null && b.namespace() != null)
            .forEach(b -> backendNamespaces.add(b.namespace()));
      }
    }
    if (backendNamespaces.size() > 64) {
      return; // a partial list would read as missing grants: ReferenceGrant stays unknown
    }
    list(
        "ReferenceGrant",
        () ->
            backendNamespaces.stream()
                .flatMap(n -> grants.inNamespace(n).list().getItems().stream())
                .map(HasMetadata.class::cast)
                .toList());
    permittedBackends();
  }

  /**
   * With -n, the Services of other namespaces that a ReferenceGrant there lets a route of this
   * namespace reach were not listed: each is read by name, with its EndpointSlices and the pods it
   * selects, so a permitted backend is diagnosed rather than taken for missing. Nothing of a
   * namespace that gave no consent is read.
   */
  private void permittedBackends() {
    java.util.Map<String, List<io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant>>
        grantsOf = new java.util.HashMap<>();
    for (HasMetadata o : objects) {
      if (o instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant g) {
        grantsOf.computeIfAbsent(g.getMetadata().getNamespace(), k -> new ArrayList<>()).add(g);
      }
    }
    java.util.Set<String> read = new java.util.TreeSet<>();
    for (HasMetadata o : List.copyOf(objects)) {
      if (!io.gatewaydoctor.model.Routes.isRoute(o)) {
        continue;
      }
      for (var rule : io.gatewaydoctor.model.Routes.rules(o)) {
        for (var b : rule.backends()) {
          if (b == null
              || b.name() == null
              || b.namespace() == null
              || b.namespace().equals(namespace)
              || read.size() >= 32
              || !read.add(b.namespace() + "/" + b.name())
              || !io.gatewaydoctor.model.ReferenceGrants.permits(
                  grantsOf.getOrDefault(b.namespace(), List.of()),
                  io.gatewaydoctor.model.Routes.kind(o),
                  namespace,
                  b.name())) {
            continue;
          }
          var svc = client.services().inNamespace(b.namespace()).withName(b.name());
          optional(() -> java.util.Optional.ofNullable(svc.get()).stream().toList());
          optional(
              () ->
                  client
                      .discovery()
                      .v1()
                      .endpointSlices()
                      .inNamespace(b.namespace())
                      .withLabel("kubernetes.io/service-name", b.name())
                      .list()
                      .getItems());
          optional(
              () -> {
                var s = svc.get();
                var selector = s == null || s.getSpec() == null ? null : s.getSpec().getSelector();
                return selector == null || selector.isEmpty()
                    ? List.of()
                    : client
                        .pods()
                        .inNamespace(b.namespace())
                        .withLabels(selector)
                        .list()
                        .getItems();
              });
        }
      }
    }
  }

  /**
   * The ConfigMaps the ingress-nginx controller pods name with --configmap, by GET, in the
   * namespaces trusted to run controllers only (their upstream-keepalive-timeout,
   * proxy-read-timeout, proxy-buffer-size and log-format-upstream configure the gateway).
   */
  /**
   * The BackendTLSPolicies (v1, else v1alpha3, as served) of the namespaces read, and the CA
   * ConfigMaps they name, each read by name (at most 32): a ConfigMap that is not there is known to
   * be missing, one that could not be read stays unknown.
   */
  private void backendTlsPolicies() {
    String gv = io.gatewaydoctor.sources.GatewayApi.GROUP;
    boolean v1 =
        io.gatewaydoctor.sources.GatewayApi.served(client, gv + "/v1", "backendtlspolicies");
    if (!v1
        && !io.gatewaydoctor.sources.GatewayApi.served(
            client, gv + "/v1alpha3", "backendtlspolicies")) {
      return;
    }
    List<HasMetadata> policies = new ArrayList<>();
    list(
        "BackendTLSPolicy",
        () -> {
          List<? extends HasMetadata> l =
              v1
                  ? items(
                      client.resources(
                          io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy.class))
                  : items(
                      client.resources(
                          io.fabric8.kubernetes.api.model.gatewayapi.v1alpha3.BackendTLSPolicy
                              .class));
          policies.addAll(l);
          return l;
        });
    java.util.Set<String> refs = new java.util.TreeSet<>();
    for (HasMetadata p : policies) {
      String pns = p.getMetadata().getNamespace();
      var applied = io.gatewaydoctor.model.BackendTlsPolicies.caConfigMaps(p);
      applied.forEach(name -> refs.add(pns + "/" + name));
    }
    int asked = 0;
    for (String r : refs) {
      String ns = r.substring(0, r.indexOf('/'));
      String name = r.substring(r.indexOf('/') + 1);
      if (asked++ >= 32) {
        // past the reads allowed: unread, so its absence says nothing
        known.add(ClusterSnapshot.unreadable("ConfigMap", ns, name));
        continue;
      }
      try {
        var cm = client.configMaps().inNamespace(ns).withName(name).get();
        if (cm != null) {
          objects.add(cm);
        }
        known.add(ClusterSnapshot.lookedUp("ConfigMap", ns, name));
      } catch (KubernetesClientException e) {
        // not allowed to read it: the policy's CA stays unknown, no finding on it
        known.add(ClusterSnapshot.unreadable("ConfigMap", ns, name));
      }
    }
  }

  private void configMaps() {
    List<io.fabric8.kubernetes.api.model.Pod> trusted = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (o instanceof io.fabric8.kubernetes.api.model.Pod p
          && ClusterSnapshot.trusts(controllerNamespaces, p.getMetadata().getNamespace())) {
        trusted.add(p);
      }
    }
    java.util.Set<String> refs = ControllerConfig.refs(trusted);
    refs.removeIf(
        r -> !ClusterSnapshot.trusts(controllerNamespaces, r.substring(0, r.indexOf('/'))));
    refs.stream()
        .limit(16)
        .forEach(
            r ->
                optional(
                    () ->
                        java.util.Optional.ofNullable(
                                client
                                    .configMaps()
                                    .inNamespace(r.substring(0, r.indexOf('/')))
                                    .withName(r.substring(r.indexOf('/') + 1))
                                    .get())
                            .stream()
                            .toList()));
  }

  private <T extends HasMetadata> List<T> items(
      MixedOperation<T, ? extends io.fabric8.kubernetes.api.model.KubernetesResourceList<T>, ?>
          op) {
    return namespace == null
        ? op.inAnyNamespace().list().getItems()
        : op.inNamespace(namespace).list().getItems();
  }

  private void list(String kind, Supplier<List<? extends HasMetadata>> lister) {
    try {
      objects.addAll(lister.get());
      known.add(kind);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403 || e.getCode() == 404) {
        err.println(
            "warning: cannot list "
                + kind
                + " ("
                + (e.getCode() == 403 ? "forbidden" : "not served")
                + "); checks that need it are skipped");
      } else {
        throw e;
      }
    }
  }

  private void optional(Supplier<List<? extends HasMetadata>> lister) {
    try {
      objects.addAll(lister.get());
    } catch (KubernetesClientException e) {
      // not allowed to look outside the namespace: the checks fall back to what they can tell
    }
  }

  private boolean secrets() {
    try {
      for (HasMetadata o : List.copyOf(objects)) {
        if (!(o instanceof Ingress ing)
            || ing.getSpec() == null
            || ing.getSpec().getTls() == null) {
          continue;
        }
        String ns = ing.getMetadata().getNamespace();
        for (var tls : ing.getSpec().getTls()) {
          if (tls == null || tls.getSecretName() == null || tls.getSecretName().isBlank()) {
            continue;
          }
          // metadata only (SecretMetadata): not the Secret's data
          if (io.gatewaydoctor.sources.SecretMetadata.exists(client, ns, tls.getSecretName())) {
            Secret meta = new Secret();
            meta.setMetadata(
                new ObjectMetaBuilder().withName(tls.getSecretName()).withNamespace(ns).build());
            objects.add(meta);
          }
        }
      }
      return true;
    } catch (KubernetesClientException e) {
      err.println(
          "warning: cannot read Secrets (" + e.getCode() + "); the TLS secret check is skipped");
      return false;
    }
  }
}
