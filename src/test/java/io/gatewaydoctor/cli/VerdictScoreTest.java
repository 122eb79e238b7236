package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mixed-evidence cases of "verdicts that follow the evidence", produced for real: a real nginx
 * configured like ingress-nginx (an upstream per {@code <ns>-<svc>-<port>}, the default
 * log-format-upstream, keepalive, proxy_next_upstream error timeout) in front of misbehaving
 * loopback backends, bounded traffic, then {@code analyze} in three evidence passes (gateway log
 * and probe, probe only, log only). Each case has a decoy beside the real cause where one exists.
 * The test prints the score table (recorded in docs/root-causes.md) and holds each pass to it: the
 * log and probe together must be right on every case.
 */
class VerdictScoreTest {
  static final String GW = "127.0.0.120";
  static final int REQUESTS = 20;

  /**
   * A case: its backends (ip → behaviour), what the nginx location adds, and the root cause it
   * deserves.
   */
  record Case(String name, String expected, String location, String... ips) {}

  static final List<Case> CASES =
      List.of(
          new Case("oomthenresets", "BackendResettingConnections", "", "127.0.0.121"),
          new Case(
              "resetandrefuse",
              "BackendRefusingConnections",
              "",
              "127.0.0.122",
              "127.0.0.123",
              "127.0.0.124"),
          new Case("unavailable", "BackendServerError", "", "127.0.0.125"),
          new Case("halferrors", "BackendServerError", "", "127.0.0.126", "127.0.0.127"),
          new Case("nothttp", "BackendInvalidResponse", "", "127.0.0.128"),
          new Case("clientcert", "BackendTLSFailure", "", "127.0.0.129"),
          new Case("slowpath", "BackendTimeout", "proxy_read_timeout 1s;", "127.0.0.130"),
          new Case("wrongport", "TargetPortMismatch", "", "127.0.0.131"),
          new Case("plaintotls", "BackendProtocolMismatch", "", "127.0.0.132"));

  /**
   * What each pass gets right; the log and probe together: everything. Kept equal to the table in
   * docs/root-causes.md.
   */
  static final Map<String, List<String>> RIGHT =
      Map.of(
          "log + probe", CASES.stream().map(Case::name).toList(),
          "probe only",
              List.of(
                  "resetandrefuse", "nothttp", "clientcert", "slowpath", "wrongport", "plaintotls"),
          "log only",
              List.of(
                  "oomthenresets",
                  "resetandrefuse",
                  "unavailable",
                  "halferrors",
                  "nothttp",
                  "clientcert",
                  "slowpath",
                  "wrongport",
                  "plaintotls"));

  static Backends backends = new Backends();

  @AfterAll
  static void stop() throws Exception {
    backends.close();
  }

  @Test
  void eachEvidencePassIsScoredOnRealNginxEvidence(@TempDir Path dir) throws Exception {
    Path ks = Backends.keystore(dir);
    Map<String, int[]> ports = new LinkedHashMap<>();
    Backends.Behaviour ok = Backends::ok;
    Backends.Behaviour reset =
        s -> {
          Backends.readRequest(s);
          s.setSoLinger(true, 0);
        };
    ports.put("oomthenresets", new int[] {backends.start("127.0.0.121", reset)});
    int shared = backends.start("127.0.0.122", ok); // the pods of a Service share the port
    backends.start("127.0.0.123", shared, reset);
    ports.put("resetandrefuse", new int[] {shared, shared, shared}); // 127.0.0.124: nothing listens
    ports.put(
        "unavailable",
        new int[] {
          backends.start(
              "127.0.0.125",
              s -> {
                Backends.readRequest(s);
                Backends.write(
                    s,
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy");
              })
        });
    int half = backends.start("127.0.0.126", ok);
    backends.start(
        "127.0.0.127",
        half,
        s -> {
          Backends.readRequest(s);
          Backends.write(
              s,
              "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops");
        });
    ports.put("halferrors", new int[] {half, half});
    ports.put(
        "nothttp",
        new int[] {
          backends.start(
              "127.0.0.128",
              s -> {
                Backends.readRequest(s);
                Backends.write(s, "hello from a raw TCP server\n");
              })
        });
    ports.put("clientcert", new int[] {backends.startTls("127.0.0.129", 0, ks, true, ok)});
    ports.put(
        "slowpath",
        new int[] {
          backends.start(
              "127.0.0.130",
              s -> {
                String req = Backends.readRequest(s);
                if (req.startsWith("GET /slowpath")) {
                  Thread.sleep(2500);
                }
                Backends.write(
                    s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
              })
        });
    int listening = backends.start("127.0.0.131", ok);
    int targetPort = AnalyzeProbeTest.closedPort("127.0.0.131");
    ports.put("wrongport", new int[] {targetPort});
    ports.put("plaintotls", new int[] {backends.startTls("127.0.0.132", ks, ok)});

    int port = RealNginx.freePort(GW);
    StringBuilder http =
        new StringBuilder(
            """
          log_format upstreaminfo '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $request_id';
          access_log %s/access.log upstreaminfo;
        """
                .formatted(dir));
    StringBuilder locations = new StringBuilder();
    for (Case c : CASES) {
      http.append("  upstream shop-").append(c.name()).append("-80 {");
      for (int i = 0; i < c.ips().length; i++) {
        http.append(" server ")
            .append(c.ips()[i])
            .append(':')
            .append(ports.get(c.name())[i])
            .append(" max_fails=0;");
      }
      http.append(" keepalive 8; }\n");
      boolean tls = c.name().equals("clientcert");
      locations
          .append("    location /")
          .append(c.name())
          .append(" { set $proxy_upstream_name \"shop-")
          .append(c.name())
          .append("-80\"; set $proxy_alternative_upstream_name \"\"; ")
          .append(c.location())
          .append(" proxy_pass ")
          .append(tls ? "https" : "http")
          .append("://shop-")
          .append(c.name())
          .append("-80; }\n");
    }
    http.append("  server {\n    listen ")
        .append(GW)
        .append(':')
        .append(port)
        .append(";\n")
        .append("    proxy_http_version 1.1;\n    proxy_set_header Connection \"\";\n")
        .append("    proxy_next_upstream error timeout;\n    proxy_connect_timeout 2s;\n")
        .append(locations)
        .append("  }\n");
    try (RealNginx nginx = RealNginx.start(dir, http.toString(), GW, port)) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      for (Case c : CASES) {
        for (int i = 0; i < (c.name().equals("slowpath") ? 6 : REQUESTS); i++) {
          try {
            client.send(
                HttpRequest.newBuilder(URI.create("http://" + GW + ":" + port + "/" + c.name()))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
          } catch (java.io.IOException e) {
            // what nginx passes on from a backend that is not HTTP may not be HTTP either: the logs
            // tell
          }
        }
      }
    }
    // the objects, as kubectl would dump them, with the decoys; the logs were written just now
    java.time.Instant at = java.time.Instant.now().plusSeconds(5);
    List<HasMetadata> items = new ArrayList<>();
    for (Case c : CASES) {
      int[] p = ports.get(c.name());
      if (c.name().equals("wrongport")) {
        AnalyzeGatewayLogTest.app(items, c.name(), c.ips(), new int[] {listening});
      } else {
        AnalyzeGatewayLogTest.app(items, c.name(), c.ips(), p);
      }
    }
    for (HasMetadata o : items) {
      String name = o.getMetadata().getName();
      if (o instanceof Ingress ing && (name.equals("clientcert"))) {
        ing.getMetadata()
            .setAnnotations(
                new java.util.HashMap<>(
                    Map.of("nginx.ingress.kubernetes.io/backend-protocol", "HTTPS")));
      }
      if (o instanceof Ingress ing && name.equals("slowpath")) {
        ing.getMetadata()
            .setAnnotations(
                new java.util.HashMap<>(
                    Map.of("nginx.ingress.kubernetes.io/proxy-read-timeout", "1")));
      }
      if (o instanceof Service svc && name.equals("wrongport")) {
        svc.getSpec().getPorts().get(0).setTargetPort(new IntOrString(targetPort));
      }
      if (o instanceof EndpointSlice es && name.equals("wrongport-x")) {
        es.getPorts().get(0).setPort(targetPort);
        es.getPorts().get(0).setName("http");
      }
      if (o instanceof Service svc && name.equals("plaintotls")) {
        svc.getSpec().getPorts().get(0).setName("https");
      }
      if (o instanceof EndpointSlice es && name.equals("plaintotls-x")) {
        es.getPorts().get(0).setName("https");
      }
      if (o instanceof Pod pod && name.startsWith("oomthenresets-")) {
        // the decoy: an OOM kill five minutes ago, Running and Ready since; the resets are now
        pod.getStatus()
            .setConditions(
                List.of(
                    new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .withLastTransitionTime(at.minusSeconds(270).toString())
                        .build()));
        pod.getStatus()
            .setContainerStatuses(
                List.of(
                    new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                        .withName("oomthenresets")
                        .withReady(true)
                        .withRestartCount(1)
                        .withNewState()
                        .withNewRunning()
                        .withStartedAt(at.minusSeconds(280).toString())
                        .endRunning()
                        .endState()
                        .withNewLastState()
                        .withNewTerminated()
                        .withExitCode(137)
                        .withReason("OOMKilled")
                        .withFinishedAt(at.minusSeconds(300).toString())
                        .endTerminated()
                        .endLastState()
                        .build()));
      }
    }
    KubernetesList list = new KubernetesList();
    list.setItems(items);
    Path dump = dir.resolve("dump.yaml");
    Files.writeString(dump, Serialization.asYaml(list));
    String now = at.toString();
    Map<String, List<String>> args = new LinkedHashMap<>();
    List<String> logs =
        List.of(
            "--gateway-log",
            dir.resolve("access.log").toString(),
            "--gateway-log",
            dir.resolve("error.log").toString());
    args.put("log + probe", new ArrayList<>(List.of("--probe", "--no-probe-keepalive")));
    args.get("log + probe").addAll(logs);
    args.put("probe only", List.of("--probe", "--no-probe-keepalive"));
    args.put("log only", logs);
    StringBuilder table = new StringBuilder(String.format("%-16s %-30s", "case", "expected"));
    args.keySet().forEach(k -> table.append(String.format(" %-30s", k)));
    table.append('\n');
    Map<String, Map<String, String>> got = new LinkedHashMap<>();
    for (var pass : args.entrySet()) {
      List<String> a = new ArrayList<>(List.of("-f", dump.toString(), "--now", now, "-o", "json"));
      a.addAll(pass.getValue());
      var r = AnalyzeCommandTest.run(a.toArray(String[]::new));
      Map<String, String> roots = new LinkedHashMap<>();
      for (JsonNode gd : r.json().get("items")) {
        roots.put(gd.at("/metadata/name").asText(), gd.at("/status/rootCause").asText());
      }
      got.put(pass.getKey(), roots);
    }
    Map<String, Integer> score = new LinkedHashMap<>();
    for (Case c : CASES) {
      table.append(String.format("%-16s %-30s", c.name(), c.expected()));
      for (String pass : args.keySet()) {
        String root = got.get(pass).get(c.name());
        boolean right = c.expected().equals(root);
        score.merge(pass, right ? 1 : 0, Integer::sum);
        table.append(String.format(" %-30s", (right ? "ok " : "-- ") + root));
      }
      table.append('\n');
    }
    table.append(String.format("%-47s", "right"));
    score.forEach((pass, n) -> table.append(String.format(" %-30s", n + " of " + CASES.size())));
    System.out.println(table);
    for (String pass : args.keySet()) {
      List<String> right =
          CASES.stream()
              .map(Case::name)
              .filter(
                  n ->
                      CASES.stream()
                          .filter(c -> c.name().equals(n))
                          .allMatch(c -> c.expected().equals(got.get(pass).get(n))))
              .toList();
      assertThat(right)
          .as(pass + "\n" + table)
          .containsExactlyInAnyOrderElementsOf(RIGHT.get(pass));
    }
  }
}
