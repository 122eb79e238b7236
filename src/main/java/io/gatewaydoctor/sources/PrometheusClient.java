package io.gatewaydoctor.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatewaydoctor.signals.RequestCounters;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two HTTP reads of controller metrics: a scrape of a pod's /metrics (text format, at most
 * {@link #MAX_BODY} bytes) and an instant query of a Prometheus HTTP API for the requests per
 * Ingress and status in a window ({@code increase()}, which handles counter resets). Each with one
 * timeout; errors are IOExceptions with the reason.
 */
public final class PrometheusClient {
  public static final int MAX_BODY = 16 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final Duration timeout;

  public PrometheusClient(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The text a /metrics endpoint serves. */
  public String scrape(URI uri) throws IOException {
    return new String(get(uri), StandardCharsets.UTF_8);
  }

  /**
   * Requests per status of every Ingress in [at - window, at]: "namespace/ingress" → status →
   * count.
   */
  public Map<String, Map<String, Long>> requestsByIngress(URI base, Duration window, Instant at)
      throws IOException {
    return requestsByIngress(base, window, at, List.of("*"));
  }

  /**
   * The same, counting only the series of controllers in {@code controllerNamespaces} ("*": any),
   * by ingress-nginx's own {@code controller_namespace} label. That label is what the series say of
   * themselves: a Prometheus that scrapes pods outside those namespaces should drop them in its
   * scrape configuration too (docs/security.md).
   */
  public Map<String, Map<String, Long>> requestsByIngress(
      URI base, Duration window, Instant at, List<String> controllerNamespaces) throws IOException {
    return requestsByIngress(base, window, at, selector(controllerNamespaces));
  }

  /** {@code {controller_namespace=~"a|b"}} for namespace names, nothing for "*". */
  static String selector(List<String> controllerNamespaces) {
    if (controllerNamespaces.contains("*")) {
      return "";
    }
    List<String> names =
        controllerNamespaces.stream()
            .filter(n -> n.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"))
            .toList();
    return "{controller_namespace=~\""
        + String.join("|", names.isEmpty() ? List.of("-") : names)
        + "\"}";
  }

  private Map<String, Map<String, Long>> requestsByIngress(
      URI base, Duration window, Instant at, String selector) throws IOException {
    String q =
        "sum by (namespace, ingress, status) (increase("
            + RequestCounters.METRIC
            + selector
            + "["
            + Math.max(60, window.toSeconds())
            + "s]))";
    String path =
        base.toString().replaceAll("/+$", "")
            + "/api/v1/query?query="
            + URLEncoder.encode(q, StandardCharsets.UTF_8)
            + "&time="
            + at.getEpochSecond();
    JsonNode root;
    try {
      root = JSON.readTree(get(URI.create(path)));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException("Prometheus answered no JSON: " + e.getOriginalMessage());
    }
    if (!"success".equals(root.path("status").asText())) {
      throw new IOException(
          "Prometheus query failed: " + root.path("error").asText(root.toString()));
    }
    Map<String, Map<String, Long>> out = new HashMap<>();
    for (JsonNode r : root.path("data").path("result")) {
      String ns = r.path("metric").path("namespace").asText("");
      String ing = r.path("metric").path("ingress").asText("");
      String st = r.path("metric").path("status").asText("");
      double v;
      try {
        v = Double.parseDouble(r.path("value").path(1).asText("x"));
      } catch (NumberFormatException e) {
        continue;
      }
      if (ns.isEmpty() || ing.isEmpty() || st.isEmpty() || !Double.isFinite(v)) {
        continue;
      }
      out.computeIfAbsent(ns + "/" + ing, k -> new HashMap<>()).merge(st, Math.round(v), Long::sum);
    }
    return out;
  }

  private byte[] get(URI uri) throws IOException {
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IOException(uri + ": not an http(s) URL");
    }
    int[] status = new int[1];
    var future =
        http.sendAsync(
            HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
            info -> {
              status[0] = info.statusCode();
              return limited(MAX_BODY);
            });
    try {
      byte[] body =
          future.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).body();
      if (status[0] != 200) {
        throw new IOException(uri + ": HTTP " + status[0]);
      }
      return body;
    } catch (java.util.concurrent.TimeoutException e) {
      future.cancel(true);
      throw new IOException(uri + ": no complete answer within " + timeout.toMillis() + " ms");
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new IOException(
          uri + ": " + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()));
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  /** A body of at most {@code max} bytes: past that the exchange is cancelled. */
  static HttpResponse.BodySubscriber<byte[]> limited(int max) {
    return new HttpResponse.BodySubscriber<>() {
      private final java.util.concurrent.CompletableFuture<byte[]> result =
          new java.util.concurrent.CompletableFuture<>();
      private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
      private java.util.concurrent.Flow.Subscription sub;

      @Override
      public java.util.concurrent.CompletionStage<byte[]> getBody() {
        return result;
      }

      @Override
      public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
        sub = s;
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<java.nio.ByteBuffer> items) {
        for (java.nio.ByteBuffer b : items) {
          if (buf.size() + b.remaining() > max) {
            sub.cancel();
            result.completeExceptionally(new IOException("more than " + max + " bytes"));
            return;
          }
          byte[] a = new byte[b.remaining()];
          b.get(a);
          buf.write(a, 0, a.length);
        }
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        result.complete(buf.toByteArray());
      }
    };
  }
}
