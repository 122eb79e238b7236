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
import io.gatewaydoctor.probe.Outcome;
import io.gatewaydoctor.probe.Probe;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.probe.ProbeTarget;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze --probe} on a dump whose pod IPs are loopback addresses served by real servers
 * that misbehave in one way each: every Ingress gets the root cause its backend deserves, and the
 * status carries each endpoint's probe result.
 */
class AnalyzeProbeTest {
  static Backends backends = new Backends();
  static Path dump;
  static JsonNode result;
  static AnalyzeCommandTest.Result run;

  /** app → [ip, served port, extra declared port or -1] */
  static final Map<String, int[]> PORTS = new LinkedHashMap<>();

  @BeforeAll
  static void seed(@TempDir Path tmp) throws Exception {
    Path ks = Backends.keystore(tmp);
    List<HasMetadata> items = new ArrayList<>();
    add(
        items,
        "healthy",
        "127.0.0.71",
        backends.start(
            "127.0.0.71",
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }),
        -1);
    add(items, "notlistening", "127.0.0.72", closedPort("127.0.0.72"), -1);
    int admin =
        backends.start(
            "127.0.0.73",
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            });
    add(items, "wrongport", "127.0.0.73", closedPort("127.0.0.73"), admin);
    add(
        items,
        "resetting",
        "127.0.0.74",
        backends.start(
            "127.0.0.74",
            s -> {
              Backends.readRequest(s);
              s.setSoLinger(true, 0);
            }),
        -1);
    add(items, "closing", "127.0.0.75", backends.start("127.0.0.75", Backends::readRequest), -1);
    add(
        items,
        "tls",
        "127.0.0.76",
        backends.startTls(
            "127.0.0.76",
            ks,
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            }),
        -1);
    add(
        items,
        "cookies",
        "127.0.0.77",
        backends.start(
            "127.0.0.77",
            s -> {
              Backends.readRequest(s);
              Backends.write(
                  s,
                  "HTTP/1.1 200 OK\r\nSet-Cookie: s="
                      + "c".repeat(5000)
                      + "\r\nContent-Length: 0\r\n\r\n");
            }),
        -1);
    add(
        items,
        "slow",
        "127.0.0.78",
        backends.start(
            "127.0.0.78",
            s -> {
              Backends.readRequest(s);
              Thread.sleep(3000);
            }),
        -1);
    KubernetesList list = new KubernetesList();
    list.setItems(items);
    dump = tmp.resolve("dump.yaml");
    Files.writeString(dump, Serialization.asYaml(list));
    run =
        AnalyzeCommandTest.run(
            "-f",
            dump.toString(),
            "--probe",
            "--probe-timeout",
            "500",
            "-o",
            "json",
            "--now",
            "2026-12-01T12:00:00Z");
    result = run.json();
  }

  @AfterAll
  static void stop() throws Exception {
    backends.close();
  }

  static int closedPort(String ip) throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
      return ss.getLocalPort();
    }
  }

  static void add(List<HasMetadata> items, String app, String ip, int port, int extraPort) {
    PORTS.put(app, new int[] {ip.hashCode(), port, extraPort});
    String pod = app + "-7d9f8c6b5-abcde";
    items.add(
        new IngressBuilder()
            .withNewMetadata()
            .withName(app)
            .withNamespace("probe")
            .endMetadata()
            .withNewSpec()
            .addNewRule()
            .withHost(app + ".example.com")
            .withNewHttp()
            .addNewPath()
            .withPath("/")
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
            .withNamespace("probe")
            .endMetadata()
            .withNewSpec()
            .addToSelector("app", app)
            .addNewPort()
            .withName("http")
            .withPort(80)
            .withTargetPort(new IntOrString(port))
            .endPort()
            .endSpec()
            .build());
    var c =
        new PodBuilder()
            .withNewMetadata()
            .withName(pod)
            .withNamespace("probe")
            .addToLabels("app", app)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName(app)
            .withImage(app + ":1")
            .addNewPort()
            .withName("http")
            .withContainerPort(port)
            .endPort();
    if (extraPort > 0) {
      c.addNewPort().withName("admin").withContainerPort(extraPort).endPort();
    }
    items.add(
        c.withNewReadinessProbe()
            .withNewTcpSocket()
            .withPort(new IntOrString(port))
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
            .withPodIP(ip)
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build());
    items.add(
        new PodBuilder()
            .withNewMetadata()
            .withName(app + "-7d9f8c6b5-fghij")
            .withNamespace("probe")
            .addToLabels("app", app)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName(app)
            .withImage(app + ":1")
            .addNewPort()
            .withName("http")
            .withContainerPort(port)
            .endPort()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build());
    items.add(
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(app + "-x1")
            .withNamespace("probe")
            .addToLabels("kubernetes.io/service-name", app)
            .addToLabels(
                "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
            .endMetadata()
            .withAddressType("IPv4")
            .addNewPort()
            .withName("http")
            .withPort(port)
            .withProtocol("TCP")
            .endPort()
            .addNewEndpoint()
            .withAddresses(ip)
            .withNewConditions()
            .withReady(true)
            .endConditions()
            .withNewTargetRef()
            .withKind("Pod")
            .withName(pod)
            .withNamespace("probe")
            .endTargetRef()
            .endEndpoint()
            .build());
  }

  static JsonNode gd(String name) {
    for (JsonNode gd : result.get("items")) {
      if (gd.at("/metadata/name").asText().equals(name)) {
        return gd;
      }
    }
    throw new AssertionError("no diagnosis for " + name + " in " + run.out() + run.err());
  }

  static void verdict(String app, String health, String rootCause, String outcome) {
    JsonNode s = gd(app).get("status");
    assertThat(s.get("health").asText() + " " + s.get("rootCause").asText())
        .as(app + ": " + s.get("summary"))
        .isEqualTo(health + " " + rootCause);
    assertThat(s.at("/backends/0/endpoints/0/lastProbe/outcome").asText())
        .as(app)
        .isEqualTo(outcome);
  }

  @Test
  void everyMisbehaviourGetsItsRootCause() {
    assertThat(run.code()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("probed 8 endpoints");
    verdict("healthy", "Healthy", "None", "ok");
    verdict("notlistening", "Failing", "BackendRefusingConnections", "refused");
    verdict("wrongport", "Failing", "TargetPortMismatch", "refused");
    verdict("resetting", "Failing", "BackendResettingConnections", "reset");
    verdict("closing", "Failing", "BackendPrematureClose", "prematureClose");
    verdict("tls", "Failing", "BackendProtocolMismatch", "tlsExpected");
    verdict("cookies", "Failing", "BackendHeadersTooLarge", "headersTooLarge");
    verdict("slow", "Failing", "BackendTimeout", "readTimeout");
    // findings about endpoints name the pods, with their IPs
    assertThat(gd("resetting").at("/status/summary").asText())
        .contains("pod resetting-7d9f8c6b5-abcde (127.0.0.74)");
    assertThat(gd("closing").at("/status/summary").asText())
        .contains("pod closing-7d9f8c6b5-abcde (127.0.0.75)");
  }

  @Test
  void theFixesNameTheFieldAndTheValue() {
    assertThat(gd("wrongport").at("/status/findings/0/remediation/description").asText())
        .contains("to " + PORTS.get("wrongport")[2] + " (the port the pods answer on)");
    assertThat(gd("tls").at("/status/findings/0/remediation/description").asText())
        .isEqualTo(
            "Set annotation nginx.ingress.kubernetes.io/backend-protocol: \"HTTPS\" on Ingress probe/tls");
    assertThat(gd("cookies").at("/status/findings/0/remediation/description").asText())
        .isEqualTo(
            "Set annotation nginx.ingress.kubernetes.io/proxy-buffer-size: \"8k\" on Ingress probe/cookies");
  }

  @Test
  void evidenceWhereNothingWasReachedIsNoEvidence() {
    // decided on probe results alone: no traffic is sent beyond loopback by these tests
    var t = new ProbeTarget("10.0.0.1", 80, null, false, null, "/", 200, 4096, 65536);
    var timedOut =
        ProbeEvidence.of(
            List.of(
                new Probe(t, Outcome.connectTimeout, null, 200, "no connection", false, 0),
                new Probe(t.withPort(81), Outcome.error, null, 1, "no route", false, 0)));
    assertThat(timedOut.reachedAny()).isFalse();
    var refused =
        ProbeEvidence.of(List.of(new Probe(t, Outcome.refused, null, 1, "refused", false, 0)));
    assertThat(refused.reachedAny())
        .as("a refusal comes from the pod's host: the network was reached")
        .isTrue();
  }

  /** Answers with keep-alive, then closes the idle connection after {@code idleMillis}. */
  static Backends.Behaviour keepAlive(int idleMillis) {
    return s -> {
      while (true) {
        String req = Backends.readRequest(s);
        if (req.isEmpty()) {
          return;
        }
        Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        if (req.toLowerCase(java.util.Locale.ROOT).contains("connection: close")) {
          return;
        }
        s.setSoTimeout(idleMillis);
        try {
          int b = s.getInputStream().read();
          if (b < 0) {
            return;
          }
        } catch (java.net.SocketTimeoutException e) {
          return; // idle too long: close, as Node.js does after keepAliveTimeout
        }
      }
    };
  }

  @Test
  void aBackendThatDropsIdleConnectionsBeforeTheGatewayIsAKeepAliveRace(@TempDir Path tmp)
      throws Exception {
    List<HasMetadata> items = new ArrayList<>();
    add(items, "shortidle", "127.0.0.79", backends.start("127.0.0.79", keepAlive(1000)), -1);
    add(items, "longidle", "127.0.0.80", backends.start("127.0.0.80", keepAlive(20_000)), -1);
    KubernetesList list = new KubernetesList();
    list.setItems(items);
    Path f = tmp.resolve("keepalive.yaml");
    Files.writeString(f, Serialization.asYaml(list));
    long t0 = System.nanoTime();
    var r =
        AnalyzeCommandTest.run(
            "-f",
            f.toString(),
            "--probe",
            "--probe-keepalive",
            "--upstream-keepalive-timeout",
            "3",
            "-o",
            "json");
    assertThat((System.nanoTime() - t0) / 1_000_000)
        .as("bounded by the gateway's timeout, ms")
        .isLessThan(8000);
    JsonNode items2 = r.json().get("items");
    JsonNode shortIdle = items2.get(1);
    JsonNode longIdle = items2.get(0);
    assertThat(shortIdle.at("/metadata/name").asText()).isEqualTo("shortidle");
    assertThat(shortIdle.at("/status/health").asText()).isEqualTo("Degraded");
    assertThat(shortIdle.at("/status/rootCause").asText()).isEqualTo("KeepAliveTimeoutRace");
    assertThat(shortIdle.at("/status/summary").asText())
        .contains("closes idle keep-alive connections after 1.")
        .contains("for up to 3 s");
    assertThat(longIdle.at("/status/health").asText()).as(longIdle.toString()).isEqualTo("Healthy");
    assertThat(AnalyzeCommandTest.run("-f", f.toString(), "--probe-keepalive").err())
        .contains("--probe-keepalive goes with --probe");
  }

  /**
   * The gateway's logs show the keep-alive race's signature (two premature closes in 40 requests to
   * a pod that otherwise answers; lines shaped as ingress-nginx writes them): {@code analyze
   * --probe} measures that Service's idle timeout by itself, without --probe-keepalive, and the
   * measured race becomes the root cause over the premature closes it explains;
   * --no-probe-keepalive skips it.
   */
  @Test
  void theLogsSignatureOfAKeepAliveRaceIsMeasuredWithoutBeingAsked(@TempDir Path tmp)
      throws Exception {
    List<HasMetadata> items = new ArrayList<>();
    int port = backends.start("127.0.0.81", keepAlive(1000));
    add(items, "racing", "127.0.0.81", port, -1);
    KubernetesList list = new KubernetesList();
    list.setItems(items);
    Path f = tmp.resolve("racing.yaml");
    Files.writeString(f, Serialization.asYaml(list));
    List<String> log = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String t = String.format("11:%02d:%02d", 50 + i / 4, (i % 4) * 15);
      boolean race = i == 13 || i == 29;
      log.add(
          "10.244.0.1 - - [01/Dec/2026:"
              + t
              + " +0000] \"GET / HTTP/1.1\" "
              + (race ? "502 150" : "200 2")
              + " \"-\" \"curl/8.5.0\""
              + " 70 0.004 [probe-racing-80] [] 127.0.0.81:"
              + port
              + " "
              + (race ? "0" : "2")
              + " 0.003 "
              + (race ? "502" : "200")
              + " r"
              + i);
      if (race) {
        log.add(
            "2026/12/01 "
                + t
                + " [error] 31#31: *"
                + i
                + " upstream prematurely closed connection while reading response header"
                + " from upstream, client: 10.244.0.1, server: racing.example.com, request: \"GET / HTTP/1.1\", upstream:"
                + " \"http://127.0.0.81:"
                + port
                + "/\", host: \"racing.example.com\"");
      }
    }
    Path gw = tmp.resolve("gateway.log");
    Files.write(gw, log);
    var r =
        AnalyzeCommandTest.run(
            "-f",
            f.toString(),
            "--probe",
            "--upstream-keepalive-timeout",
            "3",
            "--gateway-log",
            gw.toString(),
            "--now",
            "2026-12-01T12:00:00Z",
            "-o",
            "json");
    JsonNode s = r.json().at("/items/0/status");
    assertThat(r.err()).contains("measuring the idle keep-alive timeout of probe/racing:80");
    assertThat(s.get("rootCause").asText())
        .as(s.toPrettyString())
        .isEqualTo("KeepAliveTimeoutRace");
    assertThat(s.get("health").asText())
        .as("2 of 40 requests: never Critical")
        .isEqualTo("Degraded");
    assertThat(s.at("/findings/1/code").asText()).isEqualTo("BackendPrematureClose");
    var skipped =
        AnalyzeCommandTest.run(
            "-f",
            f.toString(),
            "--probe",
            "--no-probe-keepalive",
            "--upstream-keepalive-timeout",
            "3",
            "--gateway-log",
            gw.toString(),
            "--now",
            "2026-12-01T12:00:00Z",
            "-o",
            "json");
    JsonNode s2 = skipped.json().at("/items/0/status");
    assertThat(skipped.err()).doesNotContain("measuring the idle keep-alive");
    assertThat(s2.get("rootCause").asText()).isEqualTo("BackendPrematureClose");
    assertThat(s2.get("summary").asText())
        .contains("2 gateway errors in 40 requests (5%)", "the signature of a keep-alive race");
  }

  /** The dump of an ingress-nginx controller pod naming its ConfigMap, and that ConfigMap. */
  static void controllerWithConfigMap(
      List<HasMetadata> items, String configMapNamespace, Map<String, String> data) {
    items.add(
        io.gatewaydoctor.model.ControllerConfigTest.controller(
            "ingress-nginx",
            "ingress-nginx-controller-5d8c7b9f4-x2k8p",
            "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
            "--ingress-class=nginx"));
    items.add(
        io.gatewaydoctor.model.ControllerConfigTest.configMap(
            configMapNamespace, "ingress-nginx-controller", data));
  }

  /**
   * #17: the gateway's settings come from the ingress-nginx controller's ConfigMap in the dump (the
   * one its pod names with --configmap), not from flags: its 1k proxy-buffer-size makes 2 KiB of
   * headers a BackendHeadersTooLarge (the default 4k would not), and its 3 s
   * upstream-keepalive-timeout is what a backend closing idle connections after 1 s races (waited
   * for 3 s, not ingress-nginx's 60). A ConfigMap of the same name outside the controller's
   * namespace is not believed.
   */
  @Test
  void theGatewaysSettingsComeFromTheControllersConfigMap(@TempDir Path tmp) throws Exception {
    List<HasMetadata> items = new ArrayList<>();
    add(
        items,
        "bigheaders",
        "127.0.0.140",
        backends.start(
            "127.0.0.140",
            s -> {
              Backends.readRequest(s);
              Backends.write(
                  s,
                  "HTTP/1.1 200 OK\r\nX-Trace: "
                      + "t".repeat(2000)
                      + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            }),
        -1);
    add(items, "idleshort", "127.0.0.141", backends.start("127.0.0.141", keepAlive(1000)), -1);
    items.stream()
        .filter(o -> o instanceof io.fabric8.kubernetes.api.model.networking.v1.Ingress)
        .forEach(
            o ->
                ((io.fabric8.kubernetes.api.model.networking.v1.Ingress) o)
                    .getSpec()
                    .setIngressClassName("nginx"));
    List<HasMetadata> trusted = new ArrayList<>(items);
    Map<String, String> data = Map.of("proxy-buffer-size", "1k", "upstream-keepalive-timeout", "3");
    controllerWithConfigMap(trusted, "ingress-nginx", data);
    KubernetesList list = new KubernetesList();
    list.setItems(trusted);
    Path f = tmp.resolve("configured.yaml");
    Files.writeString(f, Serialization.asYaml(list));
    long t0 = System.nanoTime();
    var r =
        AnalyzeCommandTest.run("-f", f.toString(), "--probe", "--probe-keepalive", "-o", "json");
    assertThat((System.nanoTime() - t0) / 1_000_000)
        .as("waited for the ConfigMap's 3 s, not 60 s, ms")
        .isLessThan(9000);
    JsonNode big = r.json().at("/items/0/status");
    JsonNode idle = r.json().at("/items/1/status");
    assertThat(big.get("rootCause").asText())
        .as(big.toPrettyString())
        .isEqualTo("BackendHeadersTooLarge");
    assertThat(big.get("summary").asText())
        .contains(
            "more than the 1024-byte proxy buffer",
            "ConfigMap ingress-nginx/ingress-nginx-controller key proxy-buffer-size");
    assertThat(idle.get("rootCause").asText())
        .as(idle.toPrettyString())
        .isEqualTo("KeepAliveTimeoutRace");
    assertThat(idle.get("summary").asText()).contains("for up to 3 s");
    assertThat(idle.at("/findings/0/evidence").toString())
        .contains(
            "ConfigMap ingress-nginx/ingress-nginx-controller key upstream-keepalive-timeout");

    // the same ConfigMap in a tenant's namespace, named by the controller: the defaults stand
    List<HasMetadata> forged = new ArrayList<>(items);
    controllerWithConfigMap(forged, "shop", data);
    ((io.fabric8.kubernetes.api.model.Pod) forged.get(forged.size() - 2))
        .getSpec()
        .getContainers()
        .get(0)
        .getArgs()
        .set(1, "--configmap=shop/ingress-nginx-controller");
    list.setItems(forged);
    Path g = tmp.resolve("forged.yaml");
    Files.writeString(g, Serialization.asYaml(list));
    var defaults =
        AnalyzeCommandTest.run("-f", g.toString(), "--probe", "--no-probe-keepalive", "-o", "json");
    assertThat(defaults.json().at("/items/0/status/health").asText())
        .as("2 KiB of headers fit ingress-nginx's default 4k")
        .isEqualTo("Healthy");
  }

  /**
   * The readiness path answers at once, but the path the Ingress routes takes longer than the
   * gateway's proxy-read-timeout (1 s by annotation here): a 504 at the gateway that only a probe
   * of the routed path sees. The other routed path, and the fast one, stay quiet.
   */
  @Test
  void aRoutedPathSlowerThanTheGatewaysReadTimeoutIsABackendTimeout(@TempDir Path tmp)
      throws Exception {
    List<HasMetadata> items = new ArrayList<>();
    int port =
        backends.start(
            "127.0.0.82",
            s -> {
              String req = Backends.readRequest(s);
              if (req.startsWith("GET /report ")) {
                Thread.sleep(2500);
              }
              Backends.write(
                  s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            });
    add(items, "reports", "127.0.0.82", port, -1);
    var ing = (io.fabric8.kubernetes.api.model.networking.v1.Ingress) items.get(0);
    ing.getMetadata()
        .setAnnotations(
            new java.util.HashMap<>(Map.of("nginx.ingress.kubernetes.io/proxy-read-timeout", "1")));
    var paths = ing.getSpec().getRules().get(0).getHttp().getPaths();
    paths.get(0).setPath("/report");
    var fast = Serialization.clone(paths.get(0));
    fast.setPath("/list");
    fast.setPathType("Exact");
    var regex = Serialization.clone(paths.get(0));
    regex.setPath("/api/(v1|v2)/.*");
    regex.setPathType("ImplementationSpecific");
    paths.add(fast);
    paths.add(regex);
    KubernetesList list = new KubernetesList();
    list.setItems(items);
    Path f = tmp.resolve("routed.yaml");
    Files.writeString(f, Serialization.asYaml(list));
    long t0 = System.nanoTime();
    var r =
        AnalyzeCommandTest.run(
            "-f", f.toString(), "--probe", "--now", "2026-12-01T12:00:00Z", "-o", "json");
    assertThat((System.nanoTime() - t0) / 1_000_000)
        .as("bounded by the read timeout, ms")
        .isLessThan(6000);
    JsonNode s = r.json().at("/items/0/status");
    assertThat(s.get("rootCause").asText()).as(s.toPrettyString()).isEqualTo("BackendTimeout");
    assertThat(s.get("health").asText()).isEqualTo("Degraded");
    assertThat(s.get("summary").asText())
        .contains(
            "GET /report on pod reports-7d9f8c6b5-abcde (127.0.0.82)",
            "proxy-read-timeout of 1 s",
            "while the readiness path / answers in")
        .doesNotContain("/list");
    assertThat(s.at("/backends/0/endpoints/0/lastProbe/outcome").asText()).isEqualTo("ok");
  }

  /**
   * backend-protocol HTTPS to a backend that requires a client certificate: from the probe alone a
   * BackendTLSFailure; with proxy-ssl-secret the gateway sends one (the prober does not read it),
   * so it is no finding.
   */
  @Test
  void aBackendThatRequiresAClientCertificateIsATlsFailureUnlessTheGatewayHasOne(@TempDir Path tmp)
      throws Exception {
    List<HasMetadata> items = new ArrayList<>();
    int port = backends.startTls("127.0.0.83", 0, Backends.keystore(tmp), true, Backends::ok);
    add(items, "mtls", "127.0.0.83", port, -1);
    add(items, "mtlsok", "127.0.0.83", port, -1);
    items.stream()
        .filter(o -> o instanceof io.fabric8.kubernetes.api.model.networking.v1.Ingress)
        .forEach(
            o ->
                o.getMetadata()
                    .setAnnotations(
                        new java.util.HashMap<>(
                            Map.of("nginx.ingress.kubernetes.io/backend-protocol", "HTTPS"))));
    items.stream()
        .filter(
            o ->
                o instanceof io.fabric8.kubernetes.api.model.networking.v1.Ingress
                    && o.getMetadata().getName().equals("mtlsok"))
        .forEach(
            o ->
                o.getMetadata()
                    .getAnnotations()
                    .put("nginx.ingress.kubernetes.io/proxy-ssl-secret", "probe/client-cert"));
    KubernetesList list = new KubernetesList();
    list.setItems(items);
    Path f = tmp.resolve("mtls.yaml");
    Files.writeString(f, Serialization.asYaml(list));
    var r =
        AnalyzeCommandTest.run(
            "-f", f.toString(), "--probe", "--now", "2026-12-01T12:00:00Z", "-o", "json");
    JsonNode mtls = null;
    JsonNode ok = null;
    for (JsonNode gd : r.json().get("items")) {
      if (gd.at("/metadata/name").asText().equals("mtls")) {
        mtls = gd.get("status");
      } else {
        ok = gd.get("status");
      }
    }
    assertThat(mtls.get("rootCause").asText())
        .as(mtls.toPrettyString())
        .isEqualTo("BackendTLSFailure");
    assertThat(mtls.get("health").asText()).isEqualTo("Failing");
    assertThat(mtls.get("summary").asText())
        .contains("pod mtls-7d9f8c6b5-abcde (127.0.0.83)", "requires a client certificate");
    assertThat(mtls.at("/findings/0/remediation/description").asText())
        .contains("proxy-ssl-secret");
    assertThat(ok.get("rootCause").asText()).as(ok.toPrettyString()).isEqualTo("None");
    assertThat(ok.at("/backends/0/endpoints/0/lastProbe/outcome").asText()).isEqualTo("tlsFailed");
  }

  /**
   * A tenant's hand-made EndpointSlice (no controller label, a selectorless Service) pointing at an
   * address that is no pod: the prober never connects to it (a loopback server counts the
   * connections), the status says why; --probe-allowed-cidr opens that block.
   */
  @Test
  void aHandMadeSliceCannotPointTheProberAnywhere(@TempDir Path tmp) throws Exception {
    java.util.concurrent.atomic.AtomicInteger connections =
        new java.util.concurrent.atomic.AtomicInteger();
    int port =
        backends.start(
            "127.0.0.84",
            s -> {
              connections.incrementAndGet();
              Backends.ok(s);
            });
    List<HasMetadata> items = new ArrayList<>();
    add(items, "steered", "127.0.0.84", port, -1);
    // the tenant's version: a selectorless Service and a slice of their own, no pod behind the
    // address
    items.removeIf(o -> o instanceof io.fabric8.kubernetes.api.model.Pod);
    items.stream()
        .filter(o -> o instanceof io.fabric8.kubernetes.api.model.Service)
        .forEach(o -> ((io.fabric8.kubernetes.api.model.Service) o).getSpec().setSelector(null));
    items.stream()
        .filter(o -> o instanceof io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice)
        .forEach(
            o -> {
              o.getMetadata().getLabels().remove("endpointslice.kubernetes.io/managed-by");
              ((io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice) o)
                  .getEndpoints()
                  .get(0)
                  .setTargetRef(null);
            });
    KubernetesList list = new KubernetesList();
    list.setItems(items);
    Path f = tmp.resolve("steered.yaml");
    Files.writeString(f, Serialization.asYaml(list));
    var r =
        AnalyzeCommandTest.run(
            "-f", f.toString(), "--probe", "--now", "2026-12-01T12:00:00Z", "-o", "json");
    assertThat(connections.get())
        .as("no connection to an address that is not provably a pod")
        .isZero();
    assertThat(r.err()).contains("not probed: 1 endpoint not provably a pod of its Service");
    JsonNode probe = r.json().at("/items/0/status/backends/0/endpoints/0/lastProbe");
    assertThat(probe.get("outcome").asText()).isEqualTo("skipped");
    assertThat(probe.get("detail").asText())
        .startsWith("an EndpointSlice the EndpointSlice controller does not manage");
    var allowed =
        AnalyzeCommandTest.run(
            "-f",
            f.toString(),
            "--probe",
            "--probe-allowed-cidr",
            "127.0.0.84/32",
            "--now",
            "2026-12-01T12:00:00Z",
            "-o",
            "json");
    assertThat(
            allowed.json().at("/items/0/status/backends/0/endpoints/0/lastProbe/outcome").asText())
        .isEqualTo("ok");
    assertThat(connections.get()).isPositive();
    assertThat(
            AnalyzeCommandTest.run(
                    "-f", f.toString(), "--probe", "--probe-allowed-cidr", "10.0.0.0/40")
                .err())
        .contains("--probe-allowed-cidr: not a CIDR (prefix length)");
  }
}
