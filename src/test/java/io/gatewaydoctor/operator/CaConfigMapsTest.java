package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CA ConfigMaps of BackendTLSPolicies, read by GET and kept a minute: ca.crt alone; what is not
 * there is known missing; one namespace cannot take every place in the cache.
 */
class CaConfigMapsTest {
  @Test
  void oneNamespaceCannotCrowdOutTheOthers() throws Exception {
    KubernetesMockServer server = io.gatewaydoctor.testing.MockApiServer.start();
    for (String ref : new String[] {"a/ca-0", "b/ca"}) {
      String ns = ref.substring(0, 1);
      String name = ref.substring(2);
      server
          .expect()
          .get()
          .withPath("/api/v1/namespaces/" + ns + "/configmaps/" + name)
          .andReturn(
              200,
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(ns)
                  .endMetadata()
                  .addToData("ca.crt", "-----BEGIN CERTIFICATE-----")
                  .addToData("other", "not kept")
                  .build())
          .always();
    }
    try (var client = server.createClient()) {
      ControllerConfigMaps maps =
          new ControllerConfigMaps(client, n -> true, Clock.systemUTC(), 8, 3, Set.of("ca.crt"));
      var read = maps.lookup("a/ca-0");
      assertThat(read.known()).isTrue();
      assertThat(read.value().orElseThrow().getData()).containsOnlyKeys("ca.crt");
      // names that are not there are known missing, up to the namespace's share
      assertThat(maps.lookup("a/ca-1").known()).isTrue();
      assertThat(maps.lookup("a/ca-1").value()).isEmpty();
      assertThat(maps.lookup("a/ca-2").known()).isTrue();
      // past it: unread (no finding), while another namespace still gets its place
      assertThat(maps.lookup("a/ca-3").known()).isFalse();
      assertThat(maps.lookup("b/ca").known()).isTrue();
      assertThat(maps.lookup("b/ca").value()).isPresent();
    } finally {
      server.destroy();
    }
  }
}
