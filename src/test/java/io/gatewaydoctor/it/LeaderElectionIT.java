package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisSpec;
import io.gatewaydoctor.api.TargetRef;
import io.gatewaydoctor.probe.Backends;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two packaged operators under the leader-election profile against one API server (the Fabric8 mock
 * in CRUD mode, on loopback): one takes the Lease and works, the other waits; when the leader dies
 * the standby takes the Lease over and works.
 */
class LeaderElectionIT {
  final List<Process> processes = new ArrayList<>();
  PackagedOperator api;

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    if (api != null) {
      api.close();
    }
  }

  Process operator(String identity) throws Exception {
    Process p =
        api.start(
            "leader-" + identity,
            Map.of(
                "HOSTNAME",
                identity,
                "QUARKUS_PROFILE",
                "prod,leader-election",
                "POD_NAMESPACE",
                "gateway-doctor"));
    processes.add(p);
    return p;
  }

  @Test
  void oneLeaderWorksAndTheStandbyTakesOverWhenItDies() throws Exception {
    api = new PackagedOperator();
    api.allowLeases();
    KubernetesClient client = api.client;
    // the namespace exists, as in any cluster (the operator waits for a target's Namespace before
    // it diagnoses it)
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("shop")
                .endMetadata()
                .build())
        .create();
    Process a = operator("operator-a");
    var lease =
        client
            .resources(Lease.class)
            .inNamespace("gateway-doctor")
            .withName("gateway-doctor-lease");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                lease.get() != null
                    && "operator-a".equals(lease.get().getSpec().getHolderIdentity()));
    operator("operator-b");
    ingress(client, "one");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client.resources(GatewayDiagnosis.class).inNamespace("shop").withName("one").get()
                    != null);
    Thread.sleep(3000);
    assertThat(lease.get().getSpec().getHolderIdentity())
        .as("the standby waits")
        .isEqualTo("operator-a");
    a.destroyForcibly();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> "operator-b".equals(lease.get().getSpec().getHolderIdentity()));
    ingress(client, "two");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client.resources(GatewayDiagnosis.class).inNamespace("shop").withName("two").get()
                    != null);
  }

  /**
   * A standby reaches no backend: while another holds the Lease, a packaged operator with probing
   * on opens no connection to a pod it would probe (a loopback server counts them) and creates no
   * diagnosis; once the Lease is free it takes it, and then it probes.
   */
  @Test
  void aStandbyOpensNoConnectionToAnyBackend() throws Exception {
    api = new PackagedOperator();
    api.allowLeases();
    KubernetesClient client = api.client;
    // someone else holds the Lease, and renewed it just now for an hour
    client
        .resource(
            new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
                .withNewMetadata()
                .withName("gateway-doctor-lease")
                .withNamespace("gateway-doctor")
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("someone-else")
                .withLeaseDurationSeconds(3600)
                .withAcquireTime(java.time.ZonedDateTime.now())
                .withRenewTime(java.time.ZonedDateTime.now())
                .endSpec()
                .build())
        .create();
    java.util.concurrent.atomic.AtomicInteger connections =
        new java.util.concurrent.atomic.AtomicInteger();
    try (Backends backends = new Backends()) {
      int port =
          backends.start(
              "127.0.0.150",
              sock -> {
                connections.incrementAndGet();
                Backends.ok(sock);
              });
      client
          .namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName("shop")
                  .endMetadata()
                  .build())
          .create();
      client
          .services()
          .inNamespace("shop")
          .resource(
              new io.fabric8.kubernetes.api.model.ServiceBuilder()
                  .withNewMetadata()
                  .withName("web")
                  .endMetadata()
                  .withNewSpec()
                  .addToSelector("app", "web")
                  .addNewPort()
                  .withName("http")
                  .withPort(80)
                  .withTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(port))
                  .endPort()
                  .endSpec()
                  .build())
          .create();
      var pod =
          client
              .pods()
              .inNamespace("shop")
              .resource(
                  new io.fabric8.kubernetes.api.model.PodBuilder()
                      .withNewMetadata()
                      .withName("web-0")
                      .addToLabels("app", "web")
                      .endMetadata()
                      .withNewSpec()
                      .addNewContainer()
                      .withName("web")
                      .withImage("web:1")
                      .addNewPort()
                      .withName("http")
                      .withContainerPort(port)
                      .endPort()
                      .endContainer()
                      .endSpec()
                      .build())
              .create();
      pod.setStatus(
          new io.fabric8.kubernetes.api.model.PodStatusBuilder()
              .withPhase("Running")
              .withPodIP("127.0.0.150")
              .addNewPodIP("127.0.0.150")
              .addNewCondition()
              .withType("Ready")
              .withStatus("True")
              .endCondition()
              .build());
      client.pods().inNamespace("shop").resource(pod).updateStatus();
      client
          .resource(
              new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder()
                  .withNewMetadata()
                  .withName("web-x")
                  .withNamespace("shop")
                  .addToLabels("kubernetes.io/service-name", "web")
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
                  .withAddresses("127.0.0.150")
                  .withNewConditions()
                  .withReady(true)
                  .endConditions()
                  .withNewTargetRef()
                  .withKind("Pod")
                  .withNamespace("shop")
                  .withName("web-0")
                  .endTargetRef()
                  .endEndpoint()
                  .build())
          .create();
      ingress(client, "web");
      // the diagnosis an earlier leader made: its target is one the prober would probe
      GatewayDiagnosis gd = new GatewayDiagnosis();
      gd.setMetadata(
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
              .withName("web")
              .withNamespace("shop")
              .build());
      var spec = new GatewayDiagnosisSpec();
      spec.setTargetRef(TargetRef.ingress("web"));
      gd.setSpec(spec);
      client.resource(gd).create();
      Process standby =
          api.start(
              "leader-standby",
              Map.of(
                  "HOSTNAME",
                  "standby",
                  "QUARKUS_PROFILE",
                  "prod,leader-election",
                  "POD_NAMESPACE",
                  "gateway-doctor",
                  "GATEWAYDOCTOR_PROBE_ENABLED",
                  "true"));
      processes.add(standby);
      Thread.sleep(10_000); // started, caches synced, waiting for the Lease
      assertThat(standby.isAlive()).isTrue();
      assertThat(connections.get()).as("connections from a standby to a backend").isZero();
      assertThat(
              client
                  .resources(GatewayDiagnosis.class)
                  .inNamespace("shop")
                  .withName("web")
                  .get()
                  .getStatus())
          .as("a standby writes no status")
          .isNull();
      // the Lease is free: the standby takes it and works
      client
          .resources(Lease.class)
          .inNamespace("gateway-doctor")
          .withName("gateway-doctor-lease")
          .delete();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> connections.get() > 0);
    }
  }

  static void ingress(KubernetesClient client, String name) {
    PackagedOperator.ingress(client, "shop", name, name + ".example.com");
  }
}
