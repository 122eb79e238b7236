package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * #18 item 10: the metrics are served only to a scraper the Kubernetes API authorises: the token by
 * a TokenReview, the user by a SubjectAccessReview for get on /q/metrics (against a loopback API
 * server that answers them as the real one does); decisions cached by the token's hash; an API
 * server that cannot answer lets nobody in.
 */
class MetricsAuthTest {
  KubernetesMockServer server;
  KubernetesClient client;
  final AtomicInteger reviews = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    var expectations =
        new HashMap<
            io.fabric8.mockwebserver.ServerRequest,
            java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    client =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(
                        server.createClient().getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
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

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void onlyWhomTheApiAuthorisesMayRead() {
    Clock clock = Clock.fixed(Instant.parse("2026-12-05T08:00:00Z"), ZoneOffset.UTC);
    MetricsAuth auth = new MetricsAuth(client, clock);
    assertThat(auth.check(null).status()).isEqualTo(401);
    assertThat(auth.check("Basic dXNlcjpwYXNz").status()).isEqualTo(401);
    assertThat(auth.check("Bearer ").status()).isEqualTo(401);
    assertThat(auth.check("Bearer forged-token").status()).isEqualTo(401);
    MetricsAuth.Decision tenant = auth.check("Bearer tenant-token");
    assertThat(tenant.status()).isEqualTo(403);
    assertThat(tenant.why()).contains("system:serviceaccount:shop:default");
    MetricsAuth.Decision prometheus = auth.check("Bearer prometheus-token");
    assertThat(prometheus.status()).isEqualTo(200);
    int asked = reviews.get();
    assertThat(auth.check("bearer prometheus-token").status()).as("cached").isEqualTo(200);
    assertThat(reviews.get()).isEqualTo(asked);
    // the API server goes away: a cached decision holds for its minute, a new token gets nobody in
    server.destroy();
    assertThat(auth.check("Bearer prometheus-token").status()).isEqualTo(200);
    assertThat(auth.check("Bearer another-token").status()).isEqualTo(503);
    MetricsAuth later =
        new MetricsAuth(client, Clock.offset(clock, MetricsAuth.CACHE.plusSeconds(1)));
    assertThat(later.check("Bearer prometheus-token").status()).isEqualTo(503);
  }
}
