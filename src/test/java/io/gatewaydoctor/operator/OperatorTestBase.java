package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.api.ProbeSpec;
import io.gatewaydoctor.demo.DemoScenario;
import io.gatewaydoctor.model.ObjectLoader;
import io.gatewaydoctor.probe.Backends;
import io.javaoperatorsdk.operator.Operator;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;

/**
 * /** What the operator tests share: the served backends, the seeded fixture and the ways to break
 * it.
 */
abstract class OperatorTestBase {
  /** The fixtures' pod addresses, served for real: the operator probes every endpoint. */
  static Backends BACKENDS;

  @org.junit.jupiter.api.BeforeAll
  static void backends() throws IOException {
    BACKENDS = new Backends(); // each test class serves its own
    BACKENDS.start("127.0.0.11", 8080, Backends::ok);
    BACKENDS.start("127.0.0.12", 8080, Backends::ok);
    for (String ip : List.of("127.0.0.81", "127.0.0.82")) {
      BACKENDS.start(
          ip,
          8080,
          s -> {
            Backends.readRequest(s);
            s.setSoLinger(true, 0); // reset
          });
    }
    Path keys;
    try {
      keys = Backends.keystore(Files.createTempDirectory("operator-test-keys"));
      for (String ip : List.of("127.0.0.83", "127.0.0.84")) {
        BACKENDS.startTls(ip, 8080, keys, Backends::ok);
      }
    } catch (Exception e) {
      throw new IOException("cannot start the TLS backends", e);
    }
    for (String ip : List.of("127.0.0.85", "127.0.0.86")) {
      BACKENDS.start(ip, 8080, Backends::readRequest); // closes without a response
    }
    for (String ip : List.of("127.0.0.87", "127.0.0.88")) {
      BACKENDS.start(
          ip,
          8080,
          s -> {
            Backends.readRequest(s);
            Backends.write(
                s,
                "HTTP/1.1 200 OK\r\nSet-Cookie: s="
                    + "x".repeat(6000)
                    + "\r\nContent-Length: 0\r\n\r\n");
          });
    }
  }

  /**
   * Moves the pods and their endpoints from 127.0.0.1x to 127.0.0.{digit}x, where other servers
   * answer.
   */
  void moveEndpoints(String ns, String from, String to) {
    moveEndpoints(ns, ip -> ip.replace(from, to));
  }

  /** Gives each pod, and its endpoint, the address {@code move} makes of its current one. */
  void moveEndpoints(String ns, java.util.function.UnaryOperator<String> move) {
    forEachPod(ns, p -> p.getStatus().setPodIP(move.apply(p.getStatus().getPodIP())));
    EndpointSlice slice =
        client.discovery().v1().endpointSlices().inNamespace(ns).list().getItems().get(0);
    slice.getEndpoints().forEach(e -> e.setAddresses(List.of(move.apply(e.getAddresses().get(0)))));
    client.resource(slice).update();
  }

  @org.junit.jupiter.api.AfterAll
  static void stopBackends() throws IOException {
    BACKENDS.close();
  }

  /** Far below the periodic resync (5 min): a pass proves the change was seen through events. */
  static final Duration EVENT_DRIVEN = Duration.ofSeconds(2);

  static final Duration SETTLE = Duration.ofSeconds(15);

  @Inject KubernetesClient client;
  @Inject Operator operator;

  @io.quarkus.test.kubernetes.client.KubernetesTestServer
  io.quarkus.test.kubernetes.client.KubernetesServer server;

  @Inject DiagnosisReconciler reconciler;

  @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
  java.net.URL metricsUrl;

  @io.quarkus.test.common.http.TestHTTPResource("/q/health/ready")
  java.net.URL readyUrl;

  static String get(java.net.URL url) throws Exception {
    var r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(url.toURI())
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  @BeforeEach
  void startOperator() {
    if (!operator.getRuntimeInfo().isStarted()) {
      operator.start();
    }
  }

  void seed(String ns) throws IOException {
    seed(ns, true);
  }

  /**
   * Creates the healthy-basic fixture in {@code ns} (with the Namespace object unless told not to).
   */
  void seed(String ns, boolean withNamespace) throws IOException {
    String yaml =
        Files.readString(Path.of("src/test/resources/scenarios/healthy-basic/in-cluster.yaml"));
    List<HasMetadata> objects = ObjectLoader.parse(yaml, "healthy-basic");
    for (HasMetadata o : objects) {
      if (("IngressClass".equals(o.getKind()) && client.resource(o).get() != null)
          || ("Namespace".equals(o.getKind()) && !withNamespace)) {
        continue;
      }
      var m = o.getMetadata();
      m.setUid(null);
      m.setResourceVersion(null);
      m.setCreationTimestamp(null);
      m.setManagedFields(null);
      if ("Namespace".equals(o.getKind())) {
        m.setName(ns);
      } else if (m.getNamespace() != null) {
        m.setNamespace(ns);
      }
      if (o instanceof EndpointSlice es && es.getEndpoints() != null) {
        // as the EndpointSlice controller writes it: the pod's own namespace on each targetRef
        es.getEndpoints().stream()
            .filter(e -> e.getTargetRef() != null)
            .forEach(e -> e.getTargetRef().setNamespace(ns));
      }
      DemoScenario.create(client, o);
    }
  }

  GatewayDiagnosisStatus statusOf(String ns, String name) {
    GatewayDiagnosis gd =
        client.resources(GatewayDiagnosis.class).inNamespace(ns).withName(name).get();
    return gd == null ? null : gd.getStatus();
  }

  GatewayDiagnosisStatus awaitStatus(
      String ns, Duration within, Predicate<GatewayDiagnosisStatus> p) {
    return awaitStatus(ns, "web", within, p);
  }

  GatewayDiagnosisStatus awaitStatus(
      String ns, String name, Duration within, Predicate<GatewayDiagnosisStatus> p) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              GatewayDiagnosisStatus s = statusOf(ns, name);
              assertThat(s != null && p.test(s))
                  .as(
                      () ->
                          "the status of "
                              + ns
                              + "/"
                              + name
                              + " now:\n"
                              + io.fabric8.kubernetes.client.utils.Serialization.asYaml(s))
                  .isTrue();
            });
    return statusOf(ns, name);
  }

  static Predicate<GatewayDiagnosisStatus> verdict(String health, String rootCause) {
    return s -> health.equals(s.health) && rootCause.equals(s.rootCause);
  }

  /**
   * Switches probing off in the diagnosis's spec (retried: the status writer may race the edit).
   */
  void probesOff(String ns) {
    probesOff(ns, "web");
  }

  /** Turns probes off on diagnosis NAME (waiting for it to exist). */
  void probesOff(String ns, String name) {
    probeSpec(
        ns,
        name,
        probe -> {
          probe.setEnabled(false);
        });
  }

  /** Sets the targetPort of Service web's first port. */
  void targetPort(String ns, io.fabric8.kubernetes.api.model.IntOrString port) {
    client
        .services()
        .inNamespace(ns)
        .withName("web")
        .edit(
            s -> {
              s.getSpec().getPorts().get(0).setTargetPort(port);
              return s;
            });
  }

  /** Probes diagnosis web every {@code seconds}. */
  void probeEvery(String ns, int seconds) {
    probeSpec(ns, "web", probe -> probe.setIntervalSeconds(seconds));
  }

  /**
   * Sets the probe spec of diagnosis NAME (waiting for it to exist; retried: the status writer may
   * race the edit).
   */
  void probeSpec(String ns, String name, java.util.function.Consumer<ProbeSpec> set) {
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptionsInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () -> {
              client
                  .resources(GatewayDiagnosis.class)
                  .inNamespace(ns)
                  .withName(name)
                  .edit(
                      g -> {
                        ProbeSpec probe = new ProbeSpec();
                        set.accept(probe);
                        g.getSpec().setProbe(probe);
                        return g;
                      });
              return true;
            });
  }

  /**
   * The ownerReference a ReplicaSet of Deployment {@code web} carries: its uid as the API server
   * gave it, as the Deployment controller writes it (a fixed one when there is no Deployment).
   */
  io.fabric8.kubernetes.api.model.OwnerReference webDeploymentOwner(String ns) {
    var d = client.apps().deployments().inNamespace(ns).withName("web").get();
    return new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName("web")
        .withUid(d == null ? "uid-deploy-" + ns : d.getMetadata().getUid())
        .withController(true)
        .build();
  }

  /**
   * Container "web" crash-looping as the kubelet reports it: waiting in CrashLoopBackOff, 5
   * restarts, the last run ended with exit code 1; with {@code image} when not null.
   */
  static io.fabric8.kubernetes.api.model.ContainerStatus crashLooping(String image) {
    return new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
        .withName("web")
        .withImage(image)
        .withReady(false)
        .withRestartCount(5)
        .withNewState()
        .withNewWaiting()
        .withReason("CrashLoopBackOff")
        .endWaiting()
        .endState()
        .withNewLastState()
        .withNewTerminated()
        .withExitCode(1)
        .withReason("Error")
        .endTerminated()
        .endLastState()
        .build();
  }

  void editIngress(String ns, java.util.function.UnaryOperator<Ingress> change) {
    client.network().v1().ingresses().inNamespace(ns).withName("web").edit(change);
  }

  void setEndpointsReady(String ns, boolean ready) {
    client
        .resources(EndpointSlice.class)
        .inNamespace(ns)
        .withName("web-x7k2p")
        .edit(
            es -> {
              es.getEndpoints()
                  .forEach(
                      e -> {
                        e.getConditions().setReady(ready);
                        e.getConditions().setServing(ready);
                      });
              return es;
            });
  }

  static void setReady(Pod p, boolean ready) {
    for (PodCondition c : p.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        c.setStatus(ready ? "True" : "False");
      }
    }
  }

  void forEachPod(String ns, java.util.function.Consumer<Pod> change) {
    for (Pod p : client.pods().inNamespace(ns).list().getItems()) {
      change.accept(p);
      client.resource(p).updateStatus();
    }
  }
}
