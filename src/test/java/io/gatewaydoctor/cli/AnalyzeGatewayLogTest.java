package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.probe.Backends;
import io.gatewaydoctor.probe.RealNginx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real nginx configured like ingress-nginx (an upstream per {@code <ns>-<svc>-<port>}, the
 * default log-format-upstream, keepalive to upstreams, proxy_next_upstream error timeout) in front
 * of real loopback backends; bounded traffic through it; its real access and error logs fed to
 * {@code analyze --gateway-log} with a dump of the same objects.
 */
class AnalyzeGatewayLogTest {
  static final String GW = "127.0.0.100";
  static final int REQUESTS = 20;
  static Backends backends = new Backends();
  static RealNginx nginx;
  static JsonNode result;
  static AnalyzeCommandTest.Result run;
  static List<String> args;

  @BeforeAll
  static void traffic(@TempDir Path dir) throws Exception {
    int healthy = backends.start("127.0.0.101", Backends::ok);
    int refused =
        healthy; // the bad pod: the same port (pods of a Service share it), nothing listens on its
    // address
    int app502 =
        backends.start(
            "127.0.0.103",
            s -> {
              Backends.readRequest(s);
              Backends.write(
                  s,
                  "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbad");
            });
    int reset =
        backends.start(
            "127.0.0.104",
            sock -> {
              Backends.readRequest(sock);
              sock.setSoLinger(true, 0); // RST
            });
    int cut =
        backends.start(
            "127.0.0.105",
            sock -> {
              Backends.readRequest(sock);
              Backends.write(sock, "HTTP/1.1 200 OK\r\nContent-Ty"); // then closes mid-header
            });
    int big =
        backends.start(
            "127.0.0.106",
            sock -> {
              Backends.readRequest(sock);
              Backends.write(
                  sock,
                  "HTTP/1.1 200 OK\r\nSet-Cookie: s="
                      + "x".repeat(6000)
                      + "\r\nContent-Length: 0\r\n\r\n");
            });
    Path keystore = Backends.keystore(dir);
    int tls = backends.startTls("127.0.0.107", keystore, Backends::ok);
    int unavailable =
        backends.start(
            "127.0.0.108",
            s -> {
              Backends.readRequest(s);
              Backends.write(
                  s,
                  "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy");
            });
    // a TLS backend that wants a client certificate, and one whose certificate the gateway's CA did
    // not sign
    int mtls = backends.startTls("127.0.0.109", 0, keystore, true, Backends::ok);
    int verify = backends.startTls("127.0.0.110", keystore, Backends::ok);
    Path otherCa = RealNginx.certificate(dir, "other-ca", "another-ca")[0];
    int port = RealNginx.freePort(GW);
    nginx =
        RealNginx.start(
            dir,
            """
          log_format upstreaminfo '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $request_id';
          access_log %1$s/access.log upstreaminfo;
          upstream shop-web-80 { server 127.0.0.101:%2$d max_fails=0; server 127.0.0.102:%3$d max_fails=0; keepalive 8; }
          upstream shop-down-80 { server 127.0.0.102:%3$d max_fails=0; keepalive 8; }
          upstream shop-api-80 { server 127.0.0.103:%4$d max_fails=0; keepalive 8; }
          upstream shop-reset-80 { server 127.0.0.104:%7$d max_fails=0; keepalive 8; }
          upstream shop-cut-80 { server 127.0.0.105:%8$d max_fails=0; keepalive 8; }
          upstream shop-big-80 { server 127.0.0.106:%9$d max_fails=0; keepalive 8; }
          upstream shop-tls-80 { server 127.0.0.107:%10$d max_fails=0; keepalive 8; }
          upstream shop-unavailable-80 { server 127.0.0.108:%11$d max_fails=0; keepalive 8; }
          upstream shop-mtls-80 { server 127.0.0.109:%12$d max_fails=0; keepalive 8; }
          upstream shop-verify-80 { server 127.0.0.110:%13$d max_fails=0; keepalive 8; }
          server {
            listen %5$s:%6$d;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            location /web { set $proxy_upstream_name "shop-web-80"; set $proxy_alternative_upstream_name ""; proxy_pass http://shop-web-80; }
            location /down { set $proxy_upstream_name "shop-down-80"; set $proxy_alternative_upstream_name ""; proxy_pass http://shop-down-80; }
            location /api { set $proxy_upstream_name "shop-api-80"; set $proxy_alternative_upstream_name ""; proxy_pass http://shop-api-80; }
            location /reset { set $proxy_upstream_name "shop-reset-80"; set $proxy_alternative_upstream_name ""; proxy_pass http://shop-reset-80; }
            location /cut { set $proxy_upstream_name "shop-cut-80"; set $proxy_alternative_upstream_name ""; proxy_pass http://shop-cut-80; }
            location /big { set $proxy_upstream_name "shop-big-80"; set $proxy_alternative_upstream_name ""; proxy_pass http://shop-big-80; }
            location /tls { set $proxy_upstream_name "shop-tls-80"; set $proxy_alternative_upstream_name ""; proxy_pass http://shop-tls-80; }
            location /unavailable { set $proxy_upstream_name "shop-unavailable-80"; set $proxy_alternative_upstream_name ""; proxy_pass http://shop-unavailable-80; }
            # backend-protocol: HTTPS, as ingress-nginx renders it; the second with proxy-ssl-verify on and a CA that did not sign it
            location /mtls { set $proxy_upstream_name "shop-mtls-80"; set $proxy_alternative_upstream_name ""; proxy_pass https://shop-mtls-80; }
            location /verify { set $proxy_upstream_name "shop-verify-80"; set $proxy_alternative_upstream_name "";
              proxy_ssl_verify on; proxy_ssl_trusted_certificate %14$s; proxy_ssl_name backend.shop.svc; proxy_pass https://shop-verify-80; }
          }
        """
                .formatted(
                    dir,
                    healthy,
                    refused,
                    app502,
                    GW,
                    port,
                    reset,
                    cut,
                    big,
                    tls,
                    unavailable,
                    mtls,
                    verify,
                    otherCa),
            GW,
            port);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (String path :
        List.of(
            "/web",
            "/down",
            "/api",
            "/reset",
            "/cut",
            "/big",
            "/tls",
            "/unavailable",
            "/mtls",
            "/verify")) {
      for (int i = 0; i < REQUESTS; i++) {
        try {
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + GW + ":" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
        } catch (java.io.IOException e) {
          // what nginx passes on from a backend that is not HTTP may not be HTTP either: the logs
          // tell
        }
      }
    }
    nginx.close(); // flushes the logs
    List<HasMetadata> items = new ArrayList<>();
    app(items, "web", new String[] {"127.0.0.101", "127.0.0.102"}, new int[] {healthy, refused});
    app(items, "down", new String[] {"127.0.0.102"}, new int[] {refused});
    app(items, "api", new String[] {"127.0.0.103"}, new int[] {app502});
    app(items, "reset", new String[] {"127.0.0.104"}, new int[] {reset});
    app(items, "cut", new String[] {"127.0.0.105"}, new int[] {cut});
    app(items, "big", new String[] {"127.0.0.106"}, new int[] {big});
    app(items, "tls", new String[] {"127.0.0.107"}, new int[] {tls});
    app(items, "unavailable", new String[] {"127.0.0.108"}, new int[] {unavailable});
    app(items, "mtls", new String[] {"127.0.0.109"}, new int[] {mtls});
    app(items, "verify", new String[] {"127.0.0.110"}, new int[] {verify});
    items.stream()
        .filter(
            o ->
                o instanceof io.fabric8.kubernetes.api.model.networking.v1.Ingress
                    && List.of("mtls", "verify").contains(o.getMetadata().getName()))
        .forEach(
            o ->
                o.getMetadata()
                    .setAnnotations(
                        new java.util.HashMap<>(
                            java.util.Map.of(
                                "nginx.ingress.kubernetes.io/backend-protocol", "HTTPS"))));
    // the TLS backend's port is named as such, as it would be
    items.stream()
        .filter(
            o ->
                o instanceof io.fabric8.kubernetes.api.model.Service
                    && o.getMetadata().getName().equals("tls"))
        .forEach(
            o ->
                ((io.fabric8.kubernetes.api.model.Service) o)
                    .getSpec()
                    .getPorts()
                    .get(0)
                    .setName("https"));
    items.stream()
        .filter(
            o ->
                o instanceof io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice
                    && o.getMetadata().getName().equals("tls-x"))
        .forEach(
            o ->
                ((io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice) o)
                    .getPorts()
                    .get(0)
                    .setName("https"));
    KubernetesList list = new KubernetesList();
    list.setItems(items);
    Path dump = dir.resolve("dump.yaml");
    Files.writeString(dump, Serialization.asYaml(list));
    args =
        new ArrayList<>(
            List.of(
                "-f",
                dump.toString(),
                "--gateway-log",
                dir.resolve("access.log").toString(),
                "--gateway-log",
                dir.resolve("error.log").toString(),
                "--explain",
                "--target",
                "ingress/shop/web"));
    run =
        AnalyzeCommandTest.run(
            "-f",
            dump.toString(),
            "--gateway-log",
            dir.resolve("access.log").toString(),
            "--gateway-log",
            dir.resolve("error.log").toString(),
            "-o",
            "json");
    result = run.json();
  }

  @AfterAll
  static void stop() throws Exception {
    backends.close();
  }

  /** Ingress, Service (port 80 → the pods' port) and one pod and endpoint per address. */
  static void app(List<HasMetadata> items, String app, String[] ips, int[] ports) {
    items.add(
        new IngressBuilder()
            .withNewMetadata()
            .withName(app)
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .addNewRule()
            .withHost("shop.example.com")
            .withNewHttp()
            .addNewPath()
            .withPath("/" + app)
            .withPathType("Prefix")
            .withNewBackend()
            .withNewService()
            .withName(app)
            .withNewPort()
            .withNumber(80)
            .endPort()
            .endService()
            .endBackend()
            .endPath()
            .endHttp()
            .endRule()
            .endSpec()
            .build());
    items.add(
        new ServiceBuilder()
            .withNewMetadata()
            .withName(app)
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .addToSelector("app", app)
            .addNewPort()
            .withName("http")
            .withPort(80)
            .withTargetPort(new IntOrString("http"))
            .endPort()
            .endSpec()
            .build());
    var slice =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(app + "-x")
            .withNamespace("shop")
            .addToLabels("kubernetes.io/service-name", app)
            .addToLabels(
                "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
            .endMetadata()
            .withAddressType("IPv4");
    for (int i = 0; i < ips.length; i++) {
      String pod = app + "-5d8f7c9b6-" + (char) ('a' + i) + "bcde";
      items.add(
          new PodBuilder()
              .withNewMetadata()
              .withName(pod)
              .withNamespace("shop")
              .addToLabels("app", app)
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName(app)
              .withImage(app + ":1")
              .addNewPort()
              .withName("http")
              .withContainerPort(ports[i])
              .endPort()
              .withNewReadinessProbe()
              .withNewTcpSocket()
              .withPort(new IntOrString("http"))
              .endTcpSocket()
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
              .withPodIP(ips[i])
              .addNewCondition()
              .withType("Ready")
              .withStatus("True")
              .endCondition()
              .endStatus()
              .build());
      slice
          .addNewEndpoint()
          .withAddresses(ips[i])
          .withNewConditions()
          .withReady(true)
          .endConditions()
          .withNewTargetRef()
          .withKind("Pod")
          .withName(pod)
          .withNamespace("shop")
          .endTargetRef()
          .endEndpoint();
      if (i == 0) {
        slice.addNewPort().withName("http").withPort(ports[i]).withProtocol("TCP").endPort();
      }
    }
    items.add(slice.build());
  }

  static JsonNode status(String name) {
    for (JsonNode gd : result.get("items")) {
      if (gd.at("/metadata/name").asText().equals(name)) {
        return gd.get("status");
      }
    }
    throw new AssertionError(name + " missing: " + run.out() + run.err());
  }

  @Test
  void aServiceWhoseOnlyPodRefusesShows502sPinnedOnThatPod() {
    JsonNode s = status("down");
    assertThat(s.get("rootCause").asText())
        .as(s.toPrettyString())
        .isEqualTo("BackendRefusingConnections");
    assertThat(s.get("health").asText()).isEqualTo("Failing");
    assertThat(s.at("/gatewayErrors/gateway/502").asLong()).isEqualTo(REQUESTS);
    assertThat(s.get("errorRate").asDouble()).isGreaterThan(0);
    assertThat(s.get("summary").asText())
        .contains("100% of the gateway's errors", "pod down-5d8f7c9b6-abcde", "connection refused");
  }

  @Test
  void oneBadPodAmongHealthyOnesIsNamedThoughRetriesHideTheErrors() {
    JsonNode s = status("web");
    assertThat(s.at("/gatewayErrors/gateway/502").asLong())
        .as("proxy_next_upstream retried on the healthy pod")
        .isZero();
    assertThat(s.get("rootCause").asText())
        .as(s.toPrettyString())
        .isEqualTo("BackendRefusingConnections");
    assertThat(s.get("health").asText()).isEqualTo("Degraded");
    assertThat(s.get("summary").asText()).contains("pod web-5d8f7c9b6-bbcde (127.0.0.102)");
    assertThat(s.at("/backends/0/endpoints/1/gateway/errors502").asLong()).isGreaterThan(0);
  }

  @Test
  void anAppReturned502IsTheBackendsOwn() {
    JsonNode s = status("api");
    assertThat(s.get("rootCause").asText()).as(s.toPrettyString()).isEqualTo("BackendServerError");
    assertThat(s.at("/gatewayErrors/app/502").asLong()).isEqualTo(REQUESTS);
    assertThat(s.at("/gatewayErrors/gateway/502").asLong()).isZero();
    assertThat(s.get("summary").asText())
        .contains(
            "pod api-5d8f7c9b6-abcde (127.0.0.103) answered 20 of 20 requests (100%) with 502");
  }

  /**
   * An app that answers 503 to every request: clients fail, and it is the app, named with its pod.
   */
  @Test
  void anAppAnswering503ToEverythingIsTheBackendsOwnError() {
    JsonNode s = status("unavailable");
    assertThat(s.get("rootCause").asText()).as(s.toPrettyString()).isEqualTo("BackendServerError");
    assertThat(s.get("health").asText()).isEqualTo("Failing");
    assertThat(s.at("/gatewayErrors/app/503").asLong()).isEqualTo(REQUESTS);
    assertThat(s.at("/gatewayErrors/gateway/503").asLong()).isZero();
    assertThat(s.get("summary").asText())
        .contains("pod unavailable-5d8f7c9b6-abcde (127.0.0.108)", "with 503", "not at fault");
  }

  /**
   * TLS to the backend that fails: a backend that wants a client certificate, and a certificate the
   * gateway's CA did not sign. nginx's own words for each are read as a TLS failure (not a reset).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "mtls, it requires a client certificate the gateway did not send",
    "verify, did not verify against the gateway's CA"
  })
  void aFailingTlsHandshakeToTheBackendIsBackendTlsFailure(String app, String words) {
    JsonNode s = status(app);
    assertThat(s.get("rootCause").asText()).as(s.toPrettyString()).isEqualTo("BackendTLSFailure");
    assertThat(s.get("health").asText()).isEqualTo("Failing");
    assertThat(s.get("summary").asText()).contains(app + "-5d8f7c9b6-abcde", words);
    assertThat(s.at("/gatewayErrors/gateway/502").asLong()).isEqualTo(REQUESTS);
  }

  /**
   * Each misbehaving backend, as nginx's real logs tell it, becomes its own root cause on its pod.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "reset, BackendResettingConnections, connection reset",
    "cut, BackendPrematureClose, closed the connection before a complete response",
    "big, BackendHeadersTooLarge, too big for the proxy buffer",
    "tls, BackendProtocolMismatch, backend-protocol: HTTPS"
  })
  void eachMisbehaviourInTheRealLogsBecomesItsRootCause(String app, String code, String words) {
    JsonNode s = status(app);
    assertThat(s.get("rootCause").asText()).as(s.toPrettyString()).isEqualTo(code);
    assertThat(s.get("health").asText()).isEqualTo("Failing");
    assertThat(s.get("summary").asText()).contains(app + "-5d8f7c9b6-abcde", words);
    // nginx passes a non-HTTP answer on as it came (status 009), every other failure here is a 502
    assertThat(s.at("/gatewayErrors/gateway/502").asLong())
        .isEqualTo(app.equals("tls") ? 0 : REQUESTS);
  }

  @Test
  void explainShowsEachEndpointsGatewayCounts() {
    var r = AnalyzeCommandTest.run(args.toArray(String[]::new));
    assertThat(r.out()).contains("gateway, last window:");
    String bad =
        r.out()
            .lines()
            .filter(l -> l.contains("127.0.0.102:") && l.contains("  pod web-5d8f7c9b6-bbcde"))
            .findFirst()
            .orElseThrow();
    assertThat(bad).contains("gateway: ").doesNotContain("gateway: 0 tries");
  }
}
