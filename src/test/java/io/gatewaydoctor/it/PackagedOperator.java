package io.gatewaydoctor.it;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * For the integration tests that run the packaged operator as a process: an API server (the Fabric8
 * mock, CRUD plus expectations, on loopback) with the CRD applied, a kubeconfig pointing at it, and
 * operator processes started against it (their output in target/).
 */
final class PackagedOperator implements AutoCloseable {
  final KubernetesMockServer server;
  final KubernetesClient client;
  final Path kubeconfig;

  PackagedOperator() throws IOException {
    var expectations =
        new HashMap<
            io.fabric8.mockwebserver.ServerRequest,
            java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new io.fabric8.mockwebserver.MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    client = server.createClient();
    for (HasMetadata crd :
        client
            .load(Files.newInputStream(Path.of("crds/gatewaydiagnoses.gatewaydoctor.io-v1.yml")))
            .items()) {
      client.resource(crd).create();
    }
    kubeconfig = kubeconfig("mock");
  }

  /** The leader election checks its access to Leases first; the mock has no RBAC to answer it. */
  void allowLeases() {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewStatus()
                .withIncomplete(false)
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "list", "watch", "create", "update", "patch")
                .endResourceRule()
                .endStatus()
                .build())
        .always();
  }

  /** A kubeconfig for the mock API server whose requests carry this bearer token. */
  Path kubeconfig(String token) throws IOException {
    return io.gatewaydoctor.bench.OperatorBench.writeKubeconfig(
        Files.createTempFile(Path.of("target"), "mock", ".kubeconfig"), server.getPort(), token);
  }

  /**
   * Starts `operator` from the packaged jar, probes off, on a free HTTP port, with these extra
   * environment variables.
   */
  Process start(String name, Map<String, String> env) throws IOException {
    Path log = Files.createTempFile(Path.of("target"), "operator-" + name, ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                "java",
                "-jar",
                System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar"),
                "operator")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("KUBECONFIG", kubeconfig.toString()); // env may name another
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      pb.environment().put("GATEWAYDOCTOR_HTTP_PORT", String.valueOf(s.getLocalPort()));
    }
    pb.environment().put("GATEWAYDOCTOR_PROBE_ENABLED", "false");
    pb.environment().putAll(env);
    return pb.start();
  }

  /** An Ingress NS/NAME for HOST, all paths to the Service NAME port 80. */
  static void ingress(KubernetesClient client, String ns, String name, String host) {
    client
        .network()
        .v1()
        .ingresses()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .addNewRule()
                .withHost(host)
                .withNewHttp()
                .addNewPath()
                .withPath("/")
                .withPathType("Prefix")
                .withNewBackend()
                .withNewService()
                .withName(name)
                .withNewPort()
                .withNumber(80)
                .endPort()
                .endService()
                .endBackend()
                .endPath()
                .endHttp()
                .endRule()
                .endSpec()
                .build())
        .create();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
