package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.gatewaydoctor.api.GatewayDiagnosis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * #23: two shards, as the chart runs them (one packaged operator per shard, each with its own
 * namespaces and its own Lease), against one API server (the Fabric8 mock on loopback). Each shard
 * diagnoses only its own namespaces and never writes in the other's (every request is told apart by
 * the shard's bearer token); neither diagnoses a namespace no shard lists; both read the gateway's
 * namespace; a shard going down leaves the other's verdicts intact and working.
 */
class ShardIT {
  static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  final List<Process> processes = new ArrayList<>();
  PackagedOperator api;

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    if (api != null) {
      api.close();
    }
  }

  Process shard(String name, String namespaces) throws Exception {
    Process p =
        api.start(
            "shard-" + name,
            Map.of(
                "KUBECONFIG",
                api.kubeconfig("shard-" + name).toString(),
                "HOSTNAME",
                "gateway-doctor-" + name + "-0",
                "QUARKUS_PROFILE",
                "prod,leader-election",
                "POD_NAMESPACE",
                "gateway-doctor",
                "GATEWAYDOCTOR_WATCH_NAMESPACES",
                namespaces,
                "GATEWAYDOCTOR_LEADER_ELECTION_LEASE_NAME",
                "gateway-doctor-" + name + "-lease"));
    processes.add(p);
    return p;
  }

  @Test
  void eachShardDiagnosesAndWritesOnlyItsOwnNamespaces() throws Exception {
    api = new PackagedOperator();
    api.allowLeases();
    KubernetesClient client = api.client;
    for (String ns : List.of("shop-a", "shop-b", "other", "ingress-nginx")) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    for (String ns : List.of("shop-a", "shop-b", "other")) {
      ingress(client, ns, "web");
    }
    Process a = shard("a", "shop-a");
    shard("b", "shop-b");

    for (String ns : List.of("shop-a", "shop-b")) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> health(client, ns, "web") != null);
    }
    for (String shard : List.of("a", "b")) {
      Lease lease =
          client
              .resources(Lease.class)
              .inNamespace("gateway-doctor")
              .withName("gateway-doctor-" + shard + "-lease")
              .get();
      assertThat(lease).as("shard %s holds its own Lease", shard).isNotNull();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("gateway-doctor-" + shard + "-0");
    }
    Thread.sleep(2000); // time for a stray write, if a shard were to make one
    assertThat(client.resources(GatewayDiagnosis.class).inNamespace("other").list().getItems())
        .as("no shard lists this namespace")
        .isEmpty();

    List<RecordedRequest> requests = new ArrayList<>();
    for (RecordedRequest r; (r = api.server.takeRequest(10, TimeUnit.MILLISECONDS)) != null; ) {
      requests.add(r);
    }
    for (String shard : List.of("a", "b")) {
      String own = "/namespaces/shop-" + shard + "/";
      String others = "/namespaces/shop-" + ("a".equals(shard) ? "b" : "a") + "/";
      List<RecordedRequest> mine =
          requests.stream()
              .filter(r -> ("Bearer shard-" + shard).equals(r.getHeader("Authorization")))
              .toList();
      assertThat(mine)
          .as("shard %s wrote its own diagnosis", shard)
          .anyMatch(
              r ->
                  WRITES.contains(r.getMethod()) && r.getPath().contains(own + "gatewaydiagnoses"));
      assertThat(mine)
          .as("shard %s touches nothing in the other shard's namespace or an unlisted one", shard)
          .noneMatch(
              r -> r.getPath().contains(others) || r.getPath().contains("/namespaces/other/"));
      assertThat(mine)
          .filteredOn(r -> WRITES.contains(r.getMethod()))
          .as("shard %s writes only in its namespace and its own (the Lease)", shard)
          .allMatch(
              r ->
                  r.getPath().contains(own)
                      || r.getPath().contains("/namespaces/gateway-doctor/")
                      || r.getPath().startsWith("/apis/authorization.k8s.io/"),
              "in " + own);
      assertThat(mine)
          .as("shard %s watches the gateway's pods", shard)
          .anyMatch(r -> r.getPath().startsWith("/api/v1/namespaces/ingress-nginx/pods"));
    }

    // shard a goes down: b's verdicts stay and b keeps working; a's diagnosis is left as it was
    a.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    ingress(client, "shop-b", "two");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> health(client, "shop-b", "two") != null);
    assertThat(health(client, "shop-a", "web")).isNotNull();
    assertThat(health(client, "shop-b", "web")).isNotNull();
  }

  static String health(KubernetesClient client, String ns, String name) {
    GatewayDiagnosis gd =
        client.resources(GatewayDiagnosis.class).inNamespace(ns).withName(name).get();
    return gd == null || gd.getStatus() == null ? null : gd.getStatus().health;
  }

  static void ingress(KubernetesClient client, String ns, String name) {
    PackagedOperator.ingress(client, ns, name, name + "." + ns + ".example.com");
  }
}
