package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import org.junit.jupiter.api.Test;

class ObjectLoaderTest {
  @Test
  void readsListsAndMultiDocumentYaml() {
    String yaml = """
        # a comment-only document is skipped
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: web, namespace: shop}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: shop}
        """;
    var objects = ObjectLoader.parse(yaml, "dump.yaml");
    assertThat(objects).hasSize(2);
    assertThat(objects.get(0)).isInstanceOf(Service.class);
    assertThat(objects.get(1)).isInstanceOf(Ingress.class);
  }

  @Test
  void garbageNamesTheSourceAndTheDocument() {
    assertThatThrownBy(() -> ObjectLoader.parse("kind: Service\n---\n{ not: [yaml", "broken.yaml"))
        .isInstanceOf(ObjectLoader.InvalidInputException.class)
        .hasMessageContaining("broken.yaml").hasMessageContaining("document");
  }
}
