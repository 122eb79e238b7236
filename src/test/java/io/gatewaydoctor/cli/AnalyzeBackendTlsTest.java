package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatewaydoctor.probe.RealNginx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze --probe} on HTTPRoutes of Envoy Gateway whose backends are governed (or not) by
 * BackendTLSPolicies, the pods served on loopback by a real nginx with a certificate for
 * web.shop.svc signed by a CA of the test's: each route gets the verdict its policy deserves.
 */
class AnalyzeBackendTlsTest {
  static RealNginx nginx;
  static io.gatewaydoctor.probe.GrpcServer grpcServer;
  static JsonNode result;
  static final Map<String, String> IPS = new HashMap<>();

  static String indent(String pem) {
    return "        " + pem.strip().replace("\n", "\n        ");
  }

  /** A route "name" to Service "name" whose one pod answers at ip:port; then the extra objects. */
  static String route(String name, String ip, int port, String extra) {
    return route(name, ip, port, extra, "https", null);
  }

  /** The same, the Service port named {@code portName}, with {@code appProtocol} when not null. */
  static String route(
      String name, String ip, int port, String extra, String portName, String appProtocol) {
    return """
        - apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: %1$s, namespace: shop}
          spec:
            parentRefs: [{name: eg}]
            hostnames: [%1$s.example.com]
            rules:
            - backendRefs: [{name: %1$s, port: 443}]
          status:
            parents:
            - parentRef: {name: eg}
              controllerName: gateway.envoyproxy.io/gatewayclass-controller
              conditions:
              - {type: Accepted, status: "True", reason: Accepted}
              - {type: ResolvedRefs, status: "True", reason: ResolvedRefs}
        - apiVersion: v1
          kind: Service
          metadata: {name: %1$s, namespace: shop}
          spec:
            selector: {app: %1$s}
            ports: [{name: %4$s, port: 443, targetPort: %3$d%5$s}]
        %6$s
        - apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata:
            name: %1$s-x1
            namespace: shop
            labels: {kubernetes.io/service-name: %1$s, endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}
          addressType: IPv4
          ports: [{name: %4$s, port: %3$d, protocol: TCP}]
          endpoints:
          - addresses: [%2$s]
            conditions: {ready: true}
            targetRef: {kind: Pod, name: %1$s-6d4b7c9f8-aaaaa, namespace: shop}
        """
            .formatted(
                name,
                ip,
                port,
                portName,
                appProtocol == null ? "" : ", appProtocol: \"" + appProtocol + "\"",
                pod(name, ip, port, "aaaaa") + pod(name, ip, port, "bbbbb"))
        + extra;
  }

  /** One Ready pod of the route's Service, at ip:port (the list item, indented as an item). */
  static String pod(String app, String ip, int port, String suffix) {
    return """
        - apiVersion: v1
          kind: Pod
          metadata: {name: %1$s-6d4b7c9f8-%4$s, namespace: shop, labels: {app: %1$s}}
          spec:
            containers:
            - name: web
              image: web:1
              ports: [{name: https, containerPort: %3$d}]
              readinessProbe: {tcpSocket: {port: %3$d}}
              lifecycle: {preStop: {exec: {command: [sleep, "5"]}}}
          status:
            phase: Running
            podIP: %2$s
            conditions: [{type: Ready, status: "True"}]
        """
        .formatted(app, ip, port, suffix);
  }

  static String policy(String service, String hostname, String configMap) {
    return """
        - apiVersion: gateway.networking.k8s.io/v1
          kind: BackendTLSPolicy
          metadata: {name: %1$s-tls, namespace: shop, creationTimestamp: "2026-11-30T08:00:00Z"}
          spec:
            targetRefs: [{group: "", kind: Service, name: %1$s, sectionName: https}]
            validation:
              hostname: %2$s
              caCertificateRefs: [{group: "", kind: ConfigMap, name: %3$s}]
        """
        .formatted(service, hostname, configMap);
  }

  @BeforeAll
  static void seed(@TempDir Path dir) throws Exception {
    RealNginx.caSignedCertificate(dir);
    grpcServer = io.gatewaydoctor.probe.GrpcServer.start("127.0.0.99", "serving");
    String ca = Files.readString(dir.resolve("ca.crt"));
    String tlsIp = "127.0.0.96";
    String plainIp = "127.0.0.97";
    int tls = RealNginx.freePort(tlsIp);
    int plain = RealNginx.freePort(plainIp);
    int h2c = RealNginx.freePort(tlsIp);
    nginx =
        RealNginx.start(
            dir,
            """
          server {
            listen %1$s:%2$d ssl;
            ssl_certificate %5$s/web.crt;
            ssl_certificate_key %5$s/web.key;
            location / { return 200 "tls ok\\n"; }
          }
          server {
            listen %3$s:%4$d;
            location / { return 200 "plain ok\\n"; }
          }
          server {
            listen %1$s:%6$d http2;
            location / { return 200 "h2c ok\\n"; }
          }
        """
                .formatted(tlsIp, tls, plainIp, plain, dir, h2c),
            tlsIp,
            tls,
            h2c);
    String yaml =
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Namespace
          metadata: {name: shop}
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: web-ca, namespace: shop}
          data:
            ca.crt: |
        %1$s
        - apiVersion: gateway.networking.k8s.io/v1
          kind: GatewayClass
          metadata: {name: eg}
          spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
        - apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata: {name: eg, namespace: shop}
          spec:
            gatewayClassName: eg
            listeners: [{name: http, protocol: HTTP, port: 80}]
          status:
            conditions:
            - {type: Accepted, status: "True", reason: Accepted}
            - {type: Programmed, status: "True", reason: Programmed}
        """
                .formatted(indent(ca))
            + route("good", tlsIp, tls, policy("good", "web.shop.svc", "web-ca"))
            + route("wronghost", tlsIp, tls, policy("wronghost", "api.shop.svc", "web-ca"))
            + route("noca", tlsIp, tls, policy("noca", "web.shop.svc", "missing-ca"))
            + route("plain", plainIp, plain, policy("plain", "web.shop.svc", "web-ca"))
            + route("nopolicy", tlsIp, tls, "")
            + route("h2c", tlsIp, h2c, "", "grpc-web", "kubernetes.io/h2c")
            + route("h2cwrong", plainIp, plain, "", "web", "kubernetes.io/h2c")
            + route("grpc", "127.0.0.99", grpcServer.port, "", "grpc", null)
                .replace("kind: HTTPRoute", "kind: GRPCRoute")
            + route("grpcwrong", plainIp, plain, "", "grpc", null)
                .replace("kind: HTTPRoute", "kind: GRPCRoute");
    Path dump = dir.resolve("dump.yaml");
    Files.writeString(dump, yaml);
    var run =
        AnalyzeCommandTest.run(
            "-f",
            dump.toString(),
            "--probe",
            "--probe-timeout",
            "1000",
            "-o",
            "json",
            "--now",
            "2026-12-01T12:00:00Z");
    assertThat(run.code()).as(run.err()).isIn(0, 1);
    result = run.json();
  }

  @AfterAll
  static void stop() {
    nginx.close();
    grpcServer.close();
  }

  static JsonNode status(String route) {
    for (JsonNode d : result.path("items")) {
      if (("HTTPRoute/" + route).equals(d.path("status").path("target").asText())
          || route.equals(d.path("spec").path("targetRef").path("name").asText())) {
        return d.path("status");
      }
    }
    throw new AssertionError("no diagnosis of " + route + " in " + result);
  }

  /** A route is Healthy, its first endpoint's probe ok with these words. */
  static void healthyWithProbe(String route, String detail) {
    JsonNode s = status(route);
    assertThat(s.path("health").asText()).as(s.toString()).isEqualTo("Healthy");
    JsonNode probe = s.path("backends").get(0).path("endpoints").get(0).path("lastProbe");
    assertThat(probe.path("outcome").asText()).isEqualTo("ok");
    if (detail != null) {
      assertThat(probe.path("detail").asText()).isEqualTo(detail);
    }
  }

  /** A route's root cause is this code, and its summary says these words. */
  static JsonNode causedBy(String route, String code, String... words) {
    JsonNode s = status(route);
    assertThat(s.path("rootCause").asText()).as(s.toString()).isEqualTo(code);
    assertThat(s.path("summary").asText()).contains(words);
    return s;
  }

  @Test
  void aCertificateThatMatchesThePolicyIsHealthy() {
    // probed over TLS with the policy's CA and hostname, not skipped
    healthyWithProbe("good", null);
  }

  @Test
  void aHostnameTheCertificateDoesNotNameIsABackendTlsFailure() {
    JsonNode s = status("wronghost");
    assertThat(s.path("rootCause").asText()).as(s.toString()).isEqualTo("BackendTLSFailure");
    assertThat(s.path("summary").asText())
        .contains("(web.shop.svc) does not name api.shop.svc")
        .contains("BackendTLSPolicy shop/wronghost-tls");
  }

  @Test
  void aMissingCaConfigMapBlamesThePolicy() {
    JsonNode s = status("noca");
    assertThat(s.path("rootCause").asText()).as(s.toString()).isEqualTo("BackendTLSFailure");
    assertThat(s.path("summary").asText())
        .contains("ConfigMap shop/missing-ca does not exist")
        .contains("fail with a 5xx");
    assertThat(s.toString()).contains("BackendTLSPolicy");
  }

  @Test
  void aPlainBackendUnderAPolicyIsAProtocolMismatch() {
    JsonNode s = status("plain");
    assertThat(s.path("rootCause").asText()).as(s.toString()).isEqualTo("BackendProtocolMismatch");
    assertThat(s.path("summary").asText())
        .contains("speaks plain HTTP")
        .contains("BackendTLSPolicy shop/plain-tls");
  }

  @Test
  void aTlsBackendWithoutAPolicyIsAProtocolMismatch() {
    causedBy("nopolicy", "BackendProtocolMismatch", "no BackendTLSPolicy governs its port https");
  }

  @Test
  void anH2cPortIsProbedInHttp2WithPriorKnowledge() {
    healthyWithProbe("h2c", "HTTP/2 (h2c) 200");
  }

  @Test
  void anHttp1BackendBehindAnH2cPortIsAProtocolMismatch() {
    JsonNode s =
        causedBy(
            "h2cwrong",
            "BackendProtocolMismatch",
            "speaks HTTP/1.x",
            "appProtocol kubernetes.io/h2c",
            "UPE");
    assertThat(s.toString()).contains("Remove appProtocol: kubernetes.io/h2c from port web");
  }

  @Test
  void aGrpcRoutesBackendsAreProbedWithAGrpcHealthCheck() {
    healthyWithProbe("grpc", "gRPC health check: SERVING");
  }

  @Test
  void anHttp1BackendBehindAGrpcRouteIsAProtocolMismatch() {
    causedBy(
        "grpcwrong", "BackendProtocolMismatch", "speaks HTTP/1.x", "GRPCRoute", "gRPC (HTTP/2)");
  }
}
