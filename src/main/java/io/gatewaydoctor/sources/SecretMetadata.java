package io.gatewaydoctor.sources;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether a Secret exists, read as metadata only: the request asks the API server for a {@code
 * PartialObjectMetadata} (Accept {@code application/json;as=PartialObjectMetadata;g=meta.k8s.io;
 * v=v1}), so the API server sends its metadata, not its data (a Secret made by kubectl apply still
 * has its data in the last-applied annotation, which is metadata: the answer is discarded at once).
 * The TLS-secret check needs nothing more.
 */
public final class SecretMetadata {
  static final String ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

  private SecretMetadata() {}

  /** True when it exists, false when the API server says 404; throws on anything else (403). */
  public static boolean exists(KubernetesClient client, String namespace, String name) {
    String base = client.getConfiguration().getMasterUrl();
    String url =
        (base.endsWith("/") ? base : base + "/")
            + "api/v1/namespaces/"
            + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
            + "/secrets/"
            + URLEncoder.encode(name, StandardCharsets.UTF_8);
    HttpRequest req =
        client
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(url)
            .header("Accept", ACCEPT)
            .timeout(10, TimeUnit.SECONDS)
            .build();
    HttpResponse<byte[]> r;
    try {
      r = client.getHttpClient().sendAsync(req, byte[].class).get(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while reading Secret metadata", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException("Secret metadata not read: " + e.getMessage(), e);
    }
    if (r.code() == 200) {
      return true;
    }
    if (r.code() == 404) {
      return false;
    }
    throw new KubernetesClientException(
        "Secret metadata of " + namespace + "/" + name + ": HTTP " + r.code(), r.code(), null);
  }
}
