package io.gatewaydoctor.cli;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Fabric8 mock API server on loopback, in CRUD mode plus the expectations a test sets (a pod's
 * log: the CRUD mock cannot serve one), and a kubeconfig that points the CLI at it.
 */
final class MockApi {
  private MockApi() {}

  static KubernetesMockServer start() throws IOException {
    return io.gatewaydoctor.testing.MockApiServer.start();
  }

  static String url(KubernetesMockServer server) {
    return "http://127.0.0.1:" + server.getPort();
  }

  /**
   * A kubeconfig at {@code file} for the server: context "mock" (namespace shop, the current one)
   * and context "other" (namespace payments).
   */
  static Path kubeconfig(Path file, KubernetesMockServer server) throws IOException {
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s"}
        users:
        - name: me
          user: {token: test}
        contexts:
        - name: mock
          context: {cluster: mock, user: me, namespace: shop}
        - name: other
          context: {cluster: mock, user: me, namespace: payments}
        current-context: mock
        """
            .formatted(url(server)));
    return file;
  }
}
