package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.demo.DemoScenario;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * #20: the real operator on a mock API server that serves the Gateway API (its CRDs registered
 * before the operator starts): each HTTPRoute gets a diagnosis of its own, named NAME.httproute and
 * owned by the route, whose verdict follows its backend, its ReferenceGrant and its Gateway.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = RouteOperatorTest.GatewayApiCrds.class)
class RouteOperatorTest extends OperatorTestBase {

  /** The Gateway API CRDs, registered before the operator starts. */
  public static class GatewayApiCrds implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
      io.gatewaydoctor.demo.GatewayApiCrds.create(server.getClient());
    }
  }

  private void apply(String items) {
    String list =
        "apiVersion: v1\nkind: List\nitems:\n"
            + items.lines().map(l -> "  " + l).collect(java.util.stream.Collectors.joining("\n"));
    for (HasMetadata o : io.gatewaydoctor.model.ObjectLoader.parse(list, "test")) {
      if (o.getMetadata().getNamespace() == null && client.resource(o).get() != null) {
        continue; // the GatewayClass, made by a test before
      }
      DemoScenario.create(client, o);
    }
  }

  /**
   * An Envoy Gateway proxy pod in {@code gwNs} (made with the namespace), whose envoy container's
   * log the mock API serves through pods/log as {@code log}.
   */
  private void followEnvoyProxy(
      String gwNs, String pod, String ip, java.util.Map<String, String> labels, String log) {
    server
        .expect()
        .get()
        .withPath(
            "/api/v1/namespaces/"
                + gwNs
                + "/pods/"
                + pod
                + "/log?pretty=false&container=envoy&sinceSeconds=600&timestamps=true&follow=true")
        .andReturn(200, log)
        .always();
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(gwNs)
                .endMetadata()
                .build())
        .create();
    DemoScenario.create(
        client,
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName(pod)
            .withNamespace(gwNs)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("envoy")
            .withImage("docker.io/envoyproxy/envoy:distroless-v1.34.1")
            .endContainer()
            .addNewContainer()
            .withName("shutdown-manager")
            .withImage("docker.io/envoyproxy/gateway:v1.4.1")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP(ip)
            .endStatus()
            .build());
  }

  private static String gatewayClassAndGateway(String ns) {
    return """
        - apiVersion: gateway.networking.k8s.io/v1
          kind: GatewayClass
          metadata: {name: eg}
          spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
        - apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata: {name: eg, namespace: %s}
          spec:
            gatewayClassName: eg
            listeners:
            - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}
        """
        .formatted(ns);
  }

  private static String route(String ns, String name, String backendNs) {
    return """
        - apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: %s, namespace: %s}
          spec:
            parentRefs: [{name: eg, namespace: %s}]
            hostnames: [shop.example.com]
            rules:
            - backendRefs: [{name: web, namespace: %s, port: 80}]
        """
        .formatted(name, ns, backendNs, backendNs);
  }

  @Test
  void aRoutesDiagnosisFollowsItsBackendItsGatewayAndItsGrant() throws IOException {
    String ns = "routes";
    seed(ns);
    probesOff(ns);
    apply(gatewayClassAndGateway(ns) + route(ns, "web", ns));

    GatewayDiagnosisStatus healthy =
        awaitStatus(ns, "web.httproute", SETTLE, verdict("Healthy", "None"));
    assertThat(healthy.target).isEqualTo("HTTPRoute/web");
    GatewayDiagnosis gd =
        client.resources(GatewayDiagnosis.class).inNamespace(ns).withName("web.httproute").get();
    HTTPRoute route = client.resources(HTTPRoute.class).inNamespace(ns).withName("web").get();
    assertThat(gd.getSpec().getTargetRef().getKind()).isEqualTo("HTTPRoute");
    assertThat(gd.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(route.getMetadata().getUid()));

    // the backend Service goes: the route's diagnosis says so, event-driven
    Service svc = client.services().inNamespace(ns).withName("web").get();
    client.resource(svc).delete();
    awaitStatus(ns, "web.httproute", EVENT_DRIVEN, verdict("Failing", "BackendServiceMissing"));
    // #22 item 2: the Event is on the route itself, with its uid (kubectl describe httproute)
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(ns).list().getItems())
                    .anyMatch(
                        e ->
                            "HTTPRoute".equals(e.getInvolvedObject().getKind())
                                && "gateway.networking.k8s.io/v1"
                                    .equals(e.getInvolvedObject().getApiVersion())
                                && "web".equals(e.getInvolvedObject().getName())
                                && route
                                    .getMetadata()
                                    .getUid()
                                    .equals(e.getInvolvedObject().getUid())
                                && "BackendServiceMissing".equals(e.getReason())
                                && "Warning".equals(e.getType())));
    svc.getMetadata().setResourceVersion(null);
    svc.getMetadata().setUid(null);
    DemoScenario.create(client, svc);
    awaitStatus(ns, "web.httproute", EVENT_DRIVEN, verdict("Healthy", "None"));

    // the Gateway loses its address: GatewayNotProgrammed, on the Gateway
    client
        .resources(Gateway.class)
        .inNamespace(ns)
        .withName("eg")
        .editStatus(
            g -> {
              g.setStatus(
                  Serialization.unmarshal(
                      """
                      {"conditions":[{"type":"Programmed","status":"False","reason":"AddressNotAssigned",
                        "message":"No addresses have been assigned to the Gateway",
                        "lastTransitionTime":"2026-12-01T11:00:00Z"}]}
                      """,
                      io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus.class));
              return g;
            });
    GatewayDiagnosisStatus unprogrammed =
        awaitStatus(ns, "web.httproute", EVENT_DRIVEN, verdict("Failing", "GatewayNotProgrammed"));
    assertThat(unprogrammed.summary).contains("Gateway " + ns + "/eg", "AddressNotAssigned");
    client
        .resources(Gateway.class)
        .inNamespace(ns)
        .withName("eg")
        .editStatus(
            g -> {
              g.getStatus().getConditions().get(0).setStatus("True");
              g.getStatus().getConditions().get(0).setReason("Programmed");
              return g;
            });
    awaitStatus(ns, "web.httproute", EVENT_DRIVEN, verdict("Healthy", "None"));

    // a route in another namespace sends to web: only a ReferenceGrant in "routes" lets it
    String front = "routes-front";
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(front)
                .endMetadata()
                .build())
        .create();
    apply(route(front, "shop", ns));
    GatewayDiagnosisStatus refused =
        awaitStatus(
            front, "shop.httproute", SETTLE, s -> "BackendRefNotPermitted".equals(s.rootCause));
    // without the other namespace's consent nothing of it is read, shown or probed
    assertThat(refused.backends == null || refused.backends.isEmpty())
        .as("backends of a route refused by " + ns + ": " + refused.backends)
        .isTrue();
    ReferenceGrant grant =
        Serialization.unmarshal(
            """
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: allow-front, namespace: %s}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: %s}]
              to: [{group: "", kind: Service, name: web}]
            """
                .formatted(ns, front),
            ReferenceGrant.class);
    DemoScenario.create(client, grant);
    GatewayDiagnosisStatus granted =
        awaitStatus(
            front,
            "shop.httproute",
            EVENT_DRIVEN,
            s -> !"BackendRefNotPermitted".equals(s.rootCause));
    assertThat(granted.backends).hasSize(1);
    client.resource(grant).delete();
    awaitStatus(
        front, "shop.httproute", EVENT_DRIVEN, s -> "BackendRefNotPermitted".equals(s.rootCause));
  }

  @Test
  void aBackendTlsPolicyWithoutItsCaConfigMapFailsTheRoute() throws IOException {
    String ns = "routes-tls";
    seed(ns);
    probesOff(ns);
    apply(gatewayClassAndGateway(ns) + route(ns, "web", ns));
    awaitStatus(ns, "web.httproute", SETTLE, verdict("Healthy", "None"));

    // a BackendTLSPolicy on the backend Service names a CA ConfigMap that is not there
    apply(
        """
        - apiVersion: gateway.networking.k8s.io/v1
          kind: BackendTLSPolicy
          metadata: {name: web-tls, namespace: %s}
          spec:
            targetRefs: [{group: "", kind: Service, name: web}]
            validation:
              hostname: web.%s.svc
              caCertificateRefs: [{group: "", kind: ConfigMap, name: web-ca}]
        """
            .formatted(ns, ns));
    GatewayDiagnosisStatus failing =
        awaitStatus(ns, "web.httproute", EVENT_DRIVEN, verdict("Failing", "BackendTLSFailure"));
    assertThat(failing.summary)
        .contains(
            "BackendTLSPolicy " + ns + "/web-tls", "ConfigMap " + ns + "/web-ca does not exist");

    // the policy goes: the route is healthy again, event-driven
    client
        .resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy.class)
        .inNamespace(ns)
        .withName("web-tls")
        .delete();
    awaitStatus(ns, "web.httproute", EVENT_DRIVEN, verdict("Healthy", "None"));
  }

  @Test
  void aRouteThatOptsOutLosesItsDiagnosis() throws IOException {
    String ns = "routes-out";
    seed(ns);
    probesOff(ns);
    apply(
        gatewayClassAndGateway(ns)
                .replaceFirst(
                    "(?s)- apiVersion: gateway.networking.k8s.io/v1\n  kind: GatewayClass.*?\n- ",
                    "- ")
            + route(ns, "web", ns));
    awaitStatus(ns, "web.httproute", SETTLE, s -> s.health != null);
    client
        .resources(HTTPRoute.class)
        .inNamespace(ns)
        .withName("web")
        .edit(
            r -> {
              r.getMetadata()
                  .setAnnotations(java.util.Map.of("gatewaydoctor.io/diagnose", "false"));
              return r;
            });
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                client
                        .resources(GatewayDiagnosis.class)
                        .inNamespace(ns)
                        .withName("web.httproute")
                        .get()
                    == null);
  }

  /**
   * The Envoy proxy of an Envoy Gateway install, in a namespace trusted to run gateways, is read
   * through pods/log: its 503 UF lines pin the refusals on the pod behind the route.
   */
  @Test
  void theEnvoyProxysLogPinsTheRoutesErrorsOnThePod() throws IOException {
    String ns = "routes-envoy";
    seed(ns);
    probesOff(ns);
    // addresses of their own (probes are off): the evidence of an address is every target's
    moveEndpoints(ns, "127.0.0.1", "127.0.0.4");
    apply(gatewayClassAndGateway(ns) + route(ns, "web", ns));
    // nothing listens on the moved addresses: the route's own diagnosis must not probe them
    // either (a round may come before this; switching probes off drops its evidence)
    probesOff(ns, "web.httproute");
    awaitStatus(ns, "web.httproute", SETTLE, verdict("Healthy", "None"));
    String gwNs = "gateway-envoy";
    java.time.Instant now = java.time.Instant.now();
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      java.time.Instant t = now.minusSeconds(120 - 10L * i);
      boolean fail = i % 2 == 1;
      log.append(t)
          .append(' ')
          .append(
              io.gatewaydoctor.signals.EnvoyLogParserTest.eg(
                      fail ? 503 : 200,
                      fail ? "UF" : null,
                      fail
                          ? "upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}"
                          : "via_upstream",
                      fail ? "127.0.0.42:8080" : "127.0.0.41:8080",
                      null)
                  .replace("2026-12-01T11:52:05.123Z", t.toString())
                  .replace("httproute/shop/web/", "httproute/" + ns + "/web/"))
          .append('\n');
    }
    followEnvoyProxy(
        gwNs,
        "envoy-eg-0",
        "127.0.0.52",
        java.util.Map.of(
            "gateway.envoyproxy.io/owning-gateway-name",
            "eg",
            "gateway.envoyproxy.io/owning-gateway-namespace",
            ns),
        log.toString());
    GatewayDiagnosisStatus s =
        awaitStatus(
            ns,
            "web.httproute",
            SETTLE,
            // the probes may name the cause before the proxy's log is read: wait for both
            x ->
                "BackendRefusingConnections".equals(x.rootCause)
                    && x.gatewayErrors != null
                    && x.gatewayErrors.gateway != null);
    assertThat(s.summary).contains("web-6d4b7c9f8-bbbbb", "127.0.0.42");
    assertThat(s.gatewayErrors.gateway.s503).isEqualTo(6L);
    // #22 item 5: the same lines as a counter that rate() reads (they all came after the route
    // was first evaluated, so it holds what the window holds), read once across reconnects
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(get(metricsUrl))
                    .contains(
                        "gatewaydoctor_gateway_error_responses_total{namespace=\""
                            + ns
                            + "\",source=\"gateway\",status=\"503\",target=\"web.httproute\"} 6.0"));
  }

  /** A route's backends are probed as an Ingress's are: pods that reset show on the route. */
  @Test
  void theRoutesBackendsAreProbed() throws IOException {
    String ns = "routes-probed";
    seed(ns);
    apply(gatewayClassAndGateway(ns) + route(ns, "web", ns));
    // healthy, with every endpoint's probe result in the status
    awaitStatus(
        ns,
        "web.httproute",
        SETTLE,
        x ->
            verdict("Healthy", "None").test(x)
                && x.backends != null
                && x.backends.size() == 1
                && x.backends.get(0).endpoints.size() == 2
                && x.backends.get(0).endpoints.stream()
                    .allMatch(e -> e.lastProbe != null && "ok".equals(e.lastProbe.outcome)));
    moveEndpoints(ns, "127.0.0.1", "127.0.0.8"); // servers that reset every connection
    GatewayDiagnosisStatus reset =
        awaitStatus(
            ns,
            "web.httproute",
            Duration.ofSeconds(8),
            verdict("Failing", "BackendResettingConnections"));
    assertThat(reset.findings.get(0).evidence)
        .anyMatch(e -> e.contains("127.0.0.81:8080") && e.contains("reset"));
  }

  /** #22: the running build is one series, whatever else is exposed. */
  @Test
  void theBuildIsExposed() throws Exception {
    assertThat(get(metricsUrl))
        .containsPattern("(?m)^gatewaydoctor_build_info\\{version=\"[^\"]+\"} 1\\.0$");
  }

  /** A GRPCRoute gets a diagnosis of its own too (NAME.grpcroute), owned by it. */
  @Test
  void aGrpcRouteGetsItsDiagnosis() throws IOException {
    String ns = "routes-grpc";
    seed(ns);
    probesOff(ns);
    apply(
        gatewayClassAndGateway(ns)
            + """
            - apiVersion: gateway.networking.k8s.io/v1
              kind: GRPCRoute
              metadata: {name: api, namespace: %s}
              spec:
                parentRefs: [{name: eg}]
                rules:
                - matches: [{method: {service: shop.v1.Cart}}]
                  backendRefs: [{name: web, port: 80}]
            """
                .formatted(ns));
    GatewayDiagnosisStatus s = awaitStatus(ns, "api.grpcroute", SETTLE, verdict("Healthy", "None"));
    assertThat(s.target).isEqualTo("GRPCRoute/api");
    GatewayDiagnosis gd =
        client.resources(GatewayDiagnosis.class).inNamespace(ns).withName("api.grpcroute").get();
    assertThat(gd.getSpec().getTargetRef().getKind()).isEqualTo("GRPCRoute");
    assertThat(gd.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("GRPCRoute"));
    // its backend goes: the verdict follows, through the Service index of GRPCRoutes
    client.services().inNamespace(ns).withName("web").delete();
    awaitStatus(ns, "api.grpcroute", EVENT_DRIVEN, verdict("Failing", "BackendServiceMissing"));
  }

  /**
   * #22: a followed gateway pod whose lines are hardly understood (another log format than the one
   * configured) is said on the diagnoses, naming the pod, instead of silently counting nothing.
   */
  @Test
  void aGatewayLogInAnotherFormatIsSaid() throws IOException {
    String ns = "routes-garbled";
    seed(ns);
    probesOff(ns);
    apply(gatewayClassAndGateway(ns) + route(ns, "web", ns));
    awaitStatus(ns, "web.httproute", SETTLE, verdict("Healthy", "None"));
    String gwNs = "gateway-garbled";
    java.time.Instant now = java.time.Instant.now();
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      // a custom format nobody configured: neither an access nor an upstream error line
      log.append(now.minusSeconds(300 - i))
          .append(" shop.example.com 10.244.0.1 GET /cart 200 0.004 upstream=127.0.0.11:8080\n");
    }
    followEnvoyProxy(
        gwNs,
        "envoy-garbled-0",
        "127.0.0.53",
        java.util.Map.of("gateway.envoyproxy.io/owning-gateway-name", "eg"),
        log.toString());
    GatewayDiagnosisStatus s =
        awaitStatus(
            ns,
            "web.httproute",
            SETTLE,
            x ->
                x.conditions.stream()
                    .anyMatch(
                        c ->
                            "GatewayLogsUnderstood".equals(c.getType())
                                && "False".equals(c.getStatus())));
    assertThat(s.conditions)
        .filteredOn(c -> "GatewayLogsUnderstood".equals(c.getType()))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.getMessage())
                    .contains("gateway-garbled/envoy-garbled-0", "300 lines read, 0 understood"));
  }
}
