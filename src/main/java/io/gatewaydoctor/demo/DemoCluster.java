package io.gatewaydoctor.demo;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Map;

/**
 * The embedded Kubernetes API of {@code demo}: the Fabric8 mock API server in CRUD mode on loopback
 * (behind a {@link DryRunDispatcher}, so that a dry-run changes nothing), and the client
 * configuration that points the operator at it (plain HTTP, no kubeconfig, quiet logs on stderr so
 * that stdout holds only the table).
 */
public final class DemoCluster {
  private static KubernetesMockServer server;
  private static DemoPodLogs podLogs;

  private DemoCluster() {}

  public static synchronized String startAndConfigure() {
    if (server == null) {
      server =
          new KubernetesMockServer(
              new io.fabric8.mockwebserver.Context(),
              new io.fabric8.mockwebserver.MockWebServer(),
              new java.util.HashMap<>(),
              podLogs =
                  new DemoPodLogs(
                      new DryRunDispatcher(
                          new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher()),
                      java.time.Clock.systemUTC()),
              false);
      try {
        server.init(InetAddress.getByName("127.0.0.1"), 0);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded API server on 127.0.0.1", e);
      }
      // the Gateway API is served before the operator starts (it asks discovery then)
      try (var client =
          new io.fabric8.kubernetes.client.KubernetesClientBuilder()
              .withConfig(
                  new io.fabric8.kubernetes.client.ConfigBuilder(
                          io.fabric8.kubernetes.client.Config.empty())
                      .withMasterUrl("http://127.0.0.1:" + server.getPort())
                      .build())
              .build()) {
        GatewayApiCrds.create(client);
      }
    }
    String url = "http://127.0.0.1:" + server.getPort();
    Map.of(
            "kubernetes.master", url,
            "kubernetes.trust.certificates", "true",
            "kubernetes.namespace", DemoScenario.NAMESPACE,
            "kubernetes.auth.tryKubeConfig", "false",
            "kubernetes.auth.tryServiceAccount", "false",
            "quarkus.http.port", "0",
            "quarkus.log.level", "WARN",
            "quarkus.log.console.stderr", "true",
            "quarkus.banner.enabled", "false")
        .forEach(
            (k, v) -> {
              if (System.getProperty(k) == null) {
                System.setProperty(k, v);
              }
            });
    return url;
  }

  /** The pods/log API of the embedded server (for the demo's real nginx). */
  public static synchronized DemoPodLogs podLogs() {
    return podLogs;
  }

  public static synchronized boolean running() {
    return server != null;
  }
}
