package io.gatewaydoctor.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * #18 item 10: the TLS-secret check reads a Secret as metadata only: the request asks for a
 * PartialObjectMetadata (so the API server sends no data), existence is 200 or 404, and a refusal
 * (403) is an error the check reports as "unknown".
 */
class SecretMetadataTest {
  @Test
  void aSecretIsReadAsMetadataOnly() throws Exception {
    KubernetesMockServer server = io.gatewaydoctor.testing.MockApiServer.start();
    List<String> accepts = new CopyOnWriteArrayList<>();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/shop/secrets/web-tls")
        .andReply(
            200,
            r -> {
              accepts.add(r.getHeader("Accept"));
              return "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"name\":\"web-tls\",\"namespace\":\"shop\"}}";
            })
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/shop/secrets/gone")
        .andReturn(404, "")
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/locked/secrets/web-tls")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403}")
        .always();
    try (KubernetesClient client = server.createClient()) {
      assertThat(SecretMetadata.exists(client, "shop", "web-tls")).isTrue();
      assertThat(accepts).containsExactly(SecretMetadata.ACCEPT);
      assertThat(SecretMetadata.exists(client, "shop", "gone")).isFalse();
      assertThatThrownBy(() -> SecretMetadata.exists(client, "locked", "web-tls"))
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("403");
    } finally {
      server.destroy();
    }
  }
}
