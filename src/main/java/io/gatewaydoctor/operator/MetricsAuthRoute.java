package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * With {@code gatewaydoctor.metrics.auth} (chart {@code metrics.auth}), {@code /q/metrics} answers
 * only scrapers the Kubernetes API authorises ({@link MetricsAuth}); health stays open for the
 * kubelet.
 */
@ApplicationScoped
public class MetricsAuthRoute {
  @ConfigProperty(name = "gatewaydoctor.metrics.auth", defaultValue = "false")
  boolean enabled;

  @Inject KubernetesClient client;
  @Inject Clock clock;

  void init(@Observes Router router) {
    if (!enabled) {
      return;
    }
    // a client of its own that does not retry: a scrape waits for one answer, not a backoff
    KubernetesClient once =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .withRequestTimeout(5_000)
                    .build())
            .build();
    MetricsAuth auth = new MetricsAuth(once, clock);
    // before the metrics handler; the TokenReview is a blocking call: off the event loop
    // every path under it too: the metrics handler answers /q/metrics/anything as well
    router
        .routeWithRegex("^" + java.util.regex.Pattern.quote(MetricsAuth.PATH) + "(/.*)?$")
        .order(-1000)
        .blockingHandler(
            ctx -> {
              MetricsAuth.Decision d = auth.check(ctx.request().getHeader("Authorization"));
              if (d.status() == 200) {
                ctx.next();
              } else {
                ctx.response()
                    .setStatusCode(d.status())
                    .putHeader("Content-Type", "text/plain")
                    .end(d.why() + "\n");
              }
            },
            false);
  }
}
