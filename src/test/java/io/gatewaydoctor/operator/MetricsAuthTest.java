package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
    server = io.gatewaydoctor.testing.MockApiServer.start();
    client =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(
                        server.createClient().getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
    io.gatewaydoctor.testing.MockApiServer.answerReviews(server, reviews);
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
