package io.gatewaydoctor.demo;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small shop, seeded into whatever API server the client points at (the embedded one in {@code
 * demo}): one healthy Ingress served by real loopback backends, one whose Service has a wrong
 * targetPort, one whose pods crash-loop, one that names a Service that does not exist, and one
 * whose pods a NetworkPolicy shuts off from the ingress controller (whose pod runs in
 * ingress-nginx), and two that only the prober can diagnose: pods that reset every connection, and
 * pods that speak TLS behind an Ingress that proxies in plain HTTP.
 */
public final class DemoScenario {
  public static final String NAMESPACE = "shop";
  public static final List<String> INGRESSES =
      List.of("storefront", "checkout", "cart", "search", "payments", "reviews", "admin");
  public static final String GATEWAY_NAMESPACE = "ingress-nginx";

  /** The ingress controller's pod, its container and its (loopback) address. */
  public static final String CONTROLLER_POD = "ingress-nginx-controller-5c8d66c76d-x7k2p";

  public static final String CONTROLLER_CONTAINER = "controller";
  public static final String CONTROLLER_IP = "127.0.0.2";

  /** The HTTPRoutes, "namespace/name": one healthy, one refused for want of a ReferenceGrant. */
  public static final List<String> ROUTES = List.of("shop/storefront", "marketing/promo");

  /** How many diagnoses the demo settles on: one per Ingress and per route. */
  public static int targets() {
    return INGRESSES.size() + ROUTES.size();
  }

  private DemoScenario() {}

  /** Seeds the shop; healthy pods get real servers on 127.0.0.x from {@code backends}. */
  public static void seed(KubernetesClient client, DemoBackends backends, Instant now)
      throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build());
    objects.add(
        new IngressClassBuilder()
            .withNewMetadata()
            .withName("nginx")
            .addToAnnotations("ingressclass.kubernetes.io/is-default-class", "true")
            .endMetadata()
            .withNewSpec()
            .withController("k8s.io/ingress-nginx")
            .endSpec()
            .build());

    // storefront: healthy, two ready pods answering on loopback
    servedApp(
        objects,
        backends,
        now,
        "storefront",
        "/",
        "6f7c9d8b5",
        "x2k4q",
        "127.0.0.11",
        "m9z7t",
        "127.0.0.12");

    // checkout: the Service sends traffic to 8081, the pods listen on 8080
    int p3 = backends.start("127.0.0.21", 8080, "checkout-5b8d7c6f4-q8w2e");
    Ingress checkout = ingress("checkout", "shop.example.com", "/checkout", "checkout", 80);
    checkout
        .getMetadata()
        .setAnnotations(
            Map.of("gatewaydoctor.io/remediation", "dry-run")); // the fix is planned, not made
    objects.add(checkout);
    objects.add(service("checkout", 80, new IntOrString(8081)));
    objects.add(pod("checkout", "5b8d7c6f4", "q8w2e", "127.0.0.21", p3, true, 0, now));
    objects.add(
        slice(
            "checkout",
            "http",
            8081,
            List.of("127.0.0.21"),
            List.of("checkout-5b8d7c6f4-q8w2e"),
            true));

    // cart: both pods in CrashLoopBackOff
    objects.add(ingress("cart", "shop.example.com", "/cart", "cart", 80));
    objects.add(service("cart", 80, new IntOrString("http")));
    objects.add(pod("cart", "7c9f6d5b8", "h4j6k", "127.0.0.31", 8080, false, 7, now));
    objects.add(pod("cart", "7c9f6d5b8", "p3r5s", "127.0.0.32", 8080, false, 6, now));
    objects.add(
        slice(
            "cart",
            "http",
            8080,
            List.of("127.0.0.31", "127.0.0.32"),
            List.of("cart-7c9f6d5b8-h4j6k", "cart-7c9f6d5b8-p3r5s"),
            false));

    // search: routes to a Service that was never created
    objects.add(ingress("search", "shop.example.com", "/search", "search-api", 8080));

    // payments: healthy pods, but a NetworkPolicy admits only pods of shop, not the ingress
    // controller
    servedApp(
        objects,
        backends,
        now,
        "payments",
        "/pay",
        "8d5f7c6b9",
        "t6y8u",
        "127.0.0.41",
        "w2e4r",
        "127.0.0.42");
    objects.add(
        new NetworkPolicyBuilder()
            .withNewMetadata()
            .withName("payments-from-shop-only")
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withNewSpec()
            .withNewPodSelector()
            .addToMatchLabels("app", "payments")
            .endPodSelector()
            .withPolicyTypes("Ingress")
            .addNewIngress()
            .addNewFrom()
            .withNewPodSelector()
            .endPodSelector()
            .endFrom()
            .endIngress()
            .endSpec()
            .build());
    // reviews: the pods are Ready, but reset every connection (only a probe shows it)
    int p6 = backends.startResetting("127.0.0.51", 8080);
    int p7 = backends.startResetting("127.0.0.52", 8080);
    objects.add(ingress("reviews", "shop.example.com", "/reviews", "reviews", 80));
    objects.add(service("reviews", 80, new IntOrString("http")));
    objects.add(pod("reviews", "5c7d9e8f6", "k3l5m", "127.0.0.51", p6, true, 0, now));
    objects.add(pod("reviews", "5c7d9e8f6", "n7p9q", "127.0.0.52", p7, true, 0, now));
    objects.add(
        slice(
            "reviews",
            "http",
            p6,
            List.of("127.0.0.51", "127.0.0.52"),
            List.of("reviews-5c7d9e8f6-k3l5m", "reviews-5c7d9e8f6-n7p9q"),
            true));

    // admin: the pod serves HTTPS; the Ingress has no backend-protocol annotation, so nginx speaks
    // HTTP to it
    int p8 = backends.startTls("127.0.0.61", 8443, "admin-6b8c7d9e5-r2s4t");
    objects.add(ingress("admin", "admin.shop.example.com", "/", "admin", 443));
    objects.add(
        new ServiceBuilder()
            .withNewMetadata()
            .withName("admin")
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withNewSpec()
            .withSelector(Map.of("app", "admin"))
            .addNewPort()
            .withName("https")
            .withPort(443)
            .withTargetPort(new IntOrString("https"))
            .withProtocol("TCP")
            .endPort()
            .endSpec()
            .build());
    Pod admin = pod("admin", "6b8c7d9e5", "r2s4t", "127.0.0.61", p8, true, 0, now);
    admin.getSpec().getContainers().get(0).getPorts().get(0).setName("https");
    admin
        .getSpec()
        .getContainers()
        .get(0)
        .getReadinessProbe()
        .getHttpGet()
        .setPort(new IntOrString("https"));
    admin.getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().setScheme("HTTPS");
    objects.add(admin);
    objects.add(
        slice("admin", "https", p8, List.of("127.0.0.61"), List.of("admin-6b8c7d9e5-r2s4t"), true));

    objects.add(
        new NamespaceBuilder().withNewMetadata().withName(GATEWAY_NAMESPACE).endMetadata().build());
    objects.add(
        new PodBuilder()
            .withNewMetadata()
            .withName(CONTROLLER_POD)
            .withNamespace(GATEWAY_NAMESPACE)
            .addToLabels("app.kubernetes.io/name", "ingress-nginx")
            .addToLabels("app.kubernetes.io/component", "controller")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName(CONTROLLER_CONTAINER)
            .withImage("registry.k8s.io/ingress-nginx/controller:v1.11.2")
            .withArgs(
                "/nginx-ingress-controller",
                "--controller-class=k8s.io/ingress-nginx",
                "--ingress-class=nginx")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP(CONTROLLER_IP)
            .endStatus()
            .build());

    objects.addAll(routes());
    for (HasMetadata o : objects) {
      create(client, o);
    }
  }

  /**
   * Gateway API: an Envoy Gateway class and a Gateway in shop that admits routes from every
   * namespace; HTTPRoute shop/storefront to the healthy storefront Service; HTTPRoute
   * marketing/promo to the same Service across namespaces, which no ReferenceGrant in shop permits
   * (the gateway answers 500 for it).
   */
  static List<HasMetadata> routes() {
    return io.gatewaydoctor.model.ObjectLoader.parse(
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Namespace
          metadata: {name: marketing}
        - apiVersion: gateway.networking.k8s.io/v1
          kind: GatewayClass
          metadata: {name: eg}
          spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
        - apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata: {name: eg, namespace: shop}
          spec:
            gatewayClassName: eg
            listeners:
            - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}
        - apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: storefront, namespace: shop}
          spec:
            parentRefs: [{name: eg}]
            hostnames: [www.shop.example.com]
            rules:
            - backendRefs: [{name: storefront, port: 80}]
        - apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: promo, namespace: marketing}
          spec:
            parentRefs: [{name: eg, namespace: shop}]
            hostnames: [promo.shop.example.com]
            rules:
            - backendRefs: [{name: storefront, namespace: shop, port: 80}]
        """,
        "demo");
  }

  /** An Ingress, its Service and two ready pods answering for real on loopback. */
  private static void servedApp(
      List<HasMetadata> objects,
      DemoBackends backends,
      Instant now,
      String app,
      String path,
      String hash,
      String suffix1,
      String ip1,
      String suffix2,
      String ip2)
      throws IOException {
    String pod1 = app + "-" + hash + "-" + suffix1;
    String pod2 = app + "-" + hash + "-" + suffix2;
    int port1 = backends.start(ip1, 8080, pod1);
    int port2 = backends.start(ip2, 8080, pod2);
    objects.add(ingress(app, "shop.example.com", path, app, 80));
    objects.add(service(app, 80, new IntOrString("http")));
    objects.add(pod(app, hash, suffix1, ip1, port1, true, 0, now));
    objects.add(pod(app, hash, suffix2, ip2, port2, true, 0, now));
    objects.add(slice(app, "http", port1, List.of(ip1, ip2), List.of(pod1, pod2), true));
  }

  /**
   * Creates an object as a cluster would hold it. An API server drops a Pod's status on create (the
   * kubelet owns it), so a seeded status is written through the status subresource after.
   */
  public static HasMetadata create(KubernetesClient client, HasMetadata o) {
    HasMetadata created = client.resource(o).create();
    if (o instanceof Pod p && p.getStatus() != null) {
      Pod c = (Pod) created;
      c.setStatus(p.getStatus());
      return client.resource(c).updateStatus();
    }
    return created;
  }

  static Ingress ingress(String name, String host, String path, String service, int port) {
    return new IngressBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .endMetadata()
        .withNewSpec()
        .withIngressClassName("nginx")
        .addNewRule()
        .withHost(host)
        .withNewHttp()
        .addNewPath()
        .withPath(path)
        .withPathType("Prefix")
        .withNewBackend()
        .withNewService()
        .withName(service)
        .withNewPort()
        .withNumber(port)
        .endPort()
        .endService()
        .endBackend()
        .endPath()
        .endHttp()
        .endRule()
        .endSpec()
        .build();
  }

  static io.fabric8.kubernetes.api.model.Service service(
      String name, int port, IntOrString targetPort) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .endMetadata()
        .withNewSpec()
        .withSelector(Map.of("app", name))
        .addNewPort()
        .withName("http")
        .withPort(port)
        .withTargetPort(targetPort)
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  static Pod pod(
      String app,
      String hash,
      String suffix,
      String ip,
      int port,
      boolean healthy,
      int restarts,
      Instant now) {
    String name = app + "-" + hash + "-" + suffix;
    var cs =
        new ContainerStatusBuilder()
            .withName(app)
            .withImage("registry.example.com/" + app + ":1.4.2")
            .withRestartCount(restarts)
            .withReady(healthy);
    if (healthy) {
      cs.withNewState()
          .withNewRunning()
          .withStartedAt(now.minus(2, ChronoUnit.HOURS).toString())
          .endRunning()
          .endState();
    } else {
      cs.withNewState()
          .withNewWaiting()
          .withReason("CrashLoopBackOff")
          .withMessage("back-off 5m0s restarting failed container=" + app)
          .endWaiting()
          .endState()
          .withNewLastState()
          .withNewTerminated()
          .withExitCode(1)
          .withReason("Error")
          .withStartedAt(now.minusSeconds(95).toString())
          .withFinishedAt(now.minusSeconds(90).toString())
          .endTerminated()
          .endLastState();
    }
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .withLabels(Map.of("app", app, "pod-template-hash", hash))
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName(app + "-" + hash)
        .withUid("rs-" + app)
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(app)
        .withImage("registry.example.com/" + app + ":1.4.2")
        .addNewPort()
        .withName("http")
        .withContainerPort(port)
        .withProtocol("TCP")
        .endPort()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/healthz")
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .endReadinessProbe()
        .withNewLifecycle()
        .withNewPreStop()
        .withNewExec()
        .withCommand("sleep", "5")
        .endExec()
        .endPreStop()
        .endLifecycle()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .addNewCondition()
        .withType("Ready")
        .withStatus(healthy ? "True" : "False")
        .withReason(healthy ? null : "ContainersNotReady")
        .endCondition()
        .withContainerStatuses(cs.build())
        .endStatus()
        .build();
  }

  static EndpointSlice slice(
      String service,
      String portName,
      int port,
      List<String> ips,
      List<String> pods,
      boolean ready) {
    var b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(service + "-abcde")
            .withNamespace(NAMESPACE)
            .addToLabels("kubernetes.io/service-name", service)
            .addToLabels(
                "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
            .endMetadata()
            .withAddressType("IPv4")
            .addNewPort()
            .withName(portName)
            .withPort(port)
            .withProtocol("TCP")
            .endPort();
    for (int i = 0; i < ips.size(); i++) {
      b.addToEndpoints(
          new EndpointBuilder()
              .withAddresses(ips.get(i))
              .withNewConditions()
              .withReady(ready)
              .withServing(ready)
              .withTerminating(false)
              .endConditions()
              .withNewTargetRef()
              .withKind("Pod")
              .withName(pods.get(i))
              .withNamespace(NAMESPACE)
              .endTargetRef()
              .build());
    }
    return b.build();
  }
}
