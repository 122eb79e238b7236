package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.gatewaydoctor.api.GatewayDiagnosis;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two packaged operators under the leader-election profile against one API server (the Fabric8
 * mock in CRUD mode, on loopback): one takes the Lease and works, the other waits; when the
 * leader dies the standby takes the Lease over and works.
 */
class LeaderElectionIT {
  final List<Process> processes = new ArrayList<>();
  KubernetesMockServer server;

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    if (server != null) {
      server.destroy();
    }
  }

  Process operator(Path kubeconfig, String identity) throws Exception {
    Path log = Files.createTempFile(Path.of("target"), "leader-" + identity, ".log");
    ProcessBuilder pb = new ProcessBuilder("java", "-jar", System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar"),
        "operator").redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("HOSTNAME", identity);
    pb.environment().put("QUARKUS_PROFILE", "prod,leader-election");
    pb.environment().put("POD_NAMESPACE", "gateway-doctor");
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      pb.environment().put("GATEWAYDOCTOR_HTTP_PORT", String.valueOf(s.getLocalPort()));
    }
    pb.environment().put("GATEWAYDOCTOR_PROBE_ENABLED", "false");
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  @Test
  void oneLeaderWorksAndTheStandbyTakesOverWhenItDies() throws Exception {
    var expectations = new HashMap<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(),
        expectations, new KubernetesMixedDispatcher(expectations), false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    // the leader election checks its access to Leases first; the mock has no RBAC to answer it
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews").andReturn(201,
        new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata()
            .withNewStatus().withIncomplete(false).addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "list", "watch", "create", "update", "patch").endResourceRule().endStatus().build()).always();
    KubernetesClient client = server.createClient();
    for (HasMetadata crd : client.load(Files.newInputStream(Path.of("crds/gatewaydiagnoses.gatewaydoctor.io-v1.yml"))).items()) {
      client.resource(crd).create();
    }
    Path kubeconfig = Files.createTempFile(Path.of("target"), "mock", ".kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "http://127.0.0.1:%d"}}]
        users: [{name: mock, user: {token: mock}}]
        contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: gateway-doctor}}]
        current-context: mock
        """.formatted(server.getPort()));
    Process a = operator(kubeconfig, "operator-a");
    var lease = client.resources(Lease.class).inNamespace("gateway-doctor").withName("gateway-doctor-lease");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> lease.get() != null && "operator-a".equals(lease.get().getSpec().getHolderIdentity()));
    operator(kubeconfig, "operator-b");
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
