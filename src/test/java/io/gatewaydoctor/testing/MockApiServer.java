package io.gatewaydoctor.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * The Fabric8 mock API server on loopback, CRUD plus expectations, for the tests that talk to an
 * API server outside the Quarkus app; and the answers of the authentication APIs as the real one
 * gives them.
 */
public final class MockApiServer {
  private MockApiServer() {}

  public static KubernetesMockServer start() throws IOException {
    var expectations =
        new HashMap<
            io.fabric8.mockwebserver.ServerRequest,
            java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    return server;
  }

  /**
   * TokenReviews and SubjectAccessReviews answered as the API server would for two tokens:
   * "prometheus-token" is system:serviceaccount:monitoring:prometheus, which may get /q/metrics;
   * "tenant-token" is system:serviceaccount:shop:default, which may not; any other token is not
   * authenticated. {@code reviews} counts the TokenReviews.
   */
  public static void answerReviews(
      KubernetesMockServer server, java.util.concurrent.atomic.AtomicInteger reviews) {
    server
        .expect()
        .post()
        .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(
            201,
            r -> {
              reviews.incrementAndGet();
              String body = r.getBody().readUtf8();
              String user =
                  body.contains("prometheus-token")
                      ? "system:serviceaccount:monitoring:prometheus"
                      : body.contains("tenant-token") ? "system:serviceaccount:shop:default" : null;
              return user == null
                  ? "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"status\":{\"authenticated\":false}}"
                  : "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"status\":{\"authenticated\":true,\"user\":{\"username\":\""
                      + user
                      + "\",\"groups\":[\"system:serviceaccounts\"]}}}";
            })
        .always();
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
        .andReply(
            201,
            r -> {
              String body = r.getBody().readUtf8();
              boolean allowed =
                  body.contains("\"user\":\"system:serviceaccount:monitoring:prometheus\"")
                      && body.contains("\"path\":\"/q/metrics\"")
                      && body.contains("\"verb\":\"get\"");
              return "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"status\":{\"allowed\":"
                  + allowed
                  + "}}";
            })
        .always();
  }
}
