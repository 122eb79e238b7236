package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatewaydoctor.api.GatewayDiagnosis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two packaged operators under the leader-election profile against one API server (the Fabric8
 * mock in CRUD mode, on loopback): one takes the Lease and works, the other waits; when the
 * leader dies the standby takes the Lease over and works.
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
    Process p = api.start("leader-" + identity, Map.of("HOSTNAME", identity, "QUARKUS_PROFILE", "prod,leader-election",
        "POD_NAMESPACE", "gateway-doctor"));
    processes.add(p);
    return p;
  }

  @Test
  void oneLeaderWorksAndTheStandbyTakesOverWhenItDies() throws Exception {
    api = new PackagedOperator();
    // the leader election checks its access to Leases first; the mock has no RBAC to answer it
    api.server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews").andReturn(201,
        new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata()
            .withNewStatus().withIncomplete(false).addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "list", "watch", "create", "update", "patch").endResourceRule().endStatus().build()).always();
    KubernetesClient client = api.client;
    // the namespace exists, as in any cluster (the operator waits for a target's Namespace before it diagnoses it)
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("shop").endMetadata()
        .build()).create();
    Process a = operator("operator-a");
    var lease = client.resources(Lease.class).inNamespace("gateway-doctor").withName("gateway-doctor-lease");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> lease.get() != null && "operator-a".equals(lease.get().getSpec().getHolderIdentity()));
    operator("operator-b");
    ingress(client, "one");
    await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(GatewayDiagnosis.class).inNamespace("shop").withName("one").get() != null);
    Thread.sleep(3000);
    assertThat(lease.get().getSpec().getHolderIdentity()).as("the standby waits").isEqualTo("operator-a");
    a.destroyForcibly();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> "operator-b".equals(lease.get().getSpec().getHolderIdentity()));
    ingress(client, "two");
    await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(GatewayDiagnosis.class).inNamespace("shop").withName("two").get() != null);
  }

  static void ingress(KubernetesClient client, String name) {
    client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().addNewRule().withHost(name + ".example.com").withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
        .withNewBackend().withNewService().withName(name).withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
        .endHttp().endRule().endSpec().build()).create();
  }
}
