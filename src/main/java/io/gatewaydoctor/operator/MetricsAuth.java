package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Who may read the operator's metrics, as the Kubernetes API says (the way controller-runtime
 * secures its metrics): the scraper's bearer token is checked with a TokenReview, and its user with
 * a SubjectAccessReview for {@code get} on the non-resource URL {@code /q/metrics}. Decisions are
 * cached for a minute by the token's SHA-256 (never the token), 1,000 at most; when the API server
 * cannot answer, nobody is let in.
 */
final class MetricsAuth {
  private static final Logger LOG = Logger.getLogger(MetricsAuth.class);
  static final String PATH = "/q/metrics";
  static final Duration CACHE = Duration.ofMinutes(1);
  static final int MAX_CACHED = 1000;

  /**
   * 200 (allowed), 401 (no token, or one the API server does not authenticate), 403, 429 (too many
   * new tokens at once) or 503.
   */
  record Decision(int status, String why) {}

  private record Cached(Decision decision, Instant until) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Cached> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> e) {
          return size() > MAX_CACHED;
        }
      };

  /** Reviews in flight at once. */
  static final int CONCURRENT_REVIEWS = 4;

  private final java.util.concurrent.Semaphore reviews =
      new java.util.concurrent.Semaphore(CONCURRENT_REVIEWS);

  MetricsAuth(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** The decision on a request with this Authorization header (null: none). */
  Decision check(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Decision(401, "a bearer token is needed (Authorization: Bearer ...)");
    }
    String token = authorization.substring(7).trim();
    if (token.isEmpty() || token.length() > 16 * 1024) {
      return new Decision(401, "a bearer token is needed (Authorization: Bearer ...)");
    }
    String key = sha256(token);
    Instant now = clock.instant();
    synchronized (cache) {
      Cached c = cache.get(key);
      if (c != null && now.isBefore(c.until())) {
        return c.decision();
      }
    }
    // tokens not seen yet cost the API server two reviews each: a few at a time, the rest wait
    // briefly and are told to come back (a flood of made-up tokens cannot queue up work)
    boolean got;
    try {
      got = reviews.tryAcquire(1, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      got = false;
    }
    if (!got) {
      return new Decision(429, "too many tokens being checked; try again");
    }
    Decision d;
    try {
      d = ask(token);
    } finally {
      reviews.release();
    }
    if (d.status() == 200 || d.status() == 401 || d.status() == 403) { // not the API's trouble
      synchronized (cache) {
        cache.put(key, new Cached(d, now.plus(CACHE)));
      }
    }
    return d;
  }

  private Decision ask(String token) {
    try {
      TokenReview review =
          client
              .resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build())
              .create();
      var status = review == null ? null : review.getStatus();
      if (status != null && status.getError() != null && !status.getError().isBlank()) {
        // the API server could not review it (its authenticator failed): not the token's fault
        return new Decision(503, "the API server could not check the token");
      }
      if (status == null
          || !Boolean.TRUE.equals(status.getAuthenticated())
          || status.getUser() == null) {
        return new Decision(401, "the token is not authenticated by the API server");
      }
      var user = status.getUser();
      SubjectAccessReview sar =
          client
              .resource(
                  new SubjectAccessReviewBuilder()
                      .withNewSpec()
                      .withUser(user.getUsername())
                      .withUid(user.getUid())
                      .withGroups(user.getGroups())
                      .withExtra(user.getExtra())
                      .withNewNonResourceAttributes()
                      .withPath(PATH)
                      .withVerb("get")
                      .endNonResourceAttributes()
                      .endSpec()
                      .build())
              .create();
      boolean allowed =
          sar != null
              && sar.getStatus() != null
              && Boolean.TRUE.equals(sar.getStatus().getAllowed());
      return allowed
          ? new Decision(200, user.getUsername())
          : new Decision(
              403,
              user.getUsername()
                  + " may not get "
                  + PATH
                  + " (a ClusterRole with nonResourceURLs)");
    } catch (KubernetesClientException e) {
      LOG.warnf("metrics: the token could not be checked: %s", e.getMessage());
      return new Decision(503, "the API server could not check the token");
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
