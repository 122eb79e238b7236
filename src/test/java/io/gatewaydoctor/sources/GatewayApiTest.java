package io.gatewaydoctor.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/** #20: what the cluster serves of the Gateway API is asked in two discovery requests, once. */
class GatewayApiTest {
  static String list(String gv, String... resources) {
    StringBuilder r = new StringBuilder();
    for (String x : resources) {
      r.append(r.length() == 0 ? "" : ",")
          .append("{\"name\":\"")
          .append(x)
          .append("\",\"namespaced\":true,\"kind\":\"X\",\"verbs\":[\"get\"]}");
    }
    return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\""
        + gv
        + "\",\"resources\":["
        + r
        + "]}";
  }

  /** Discovery of one group version of the Gateway API, answered with these resources. */
  static void serve(KubernetesMockServer server, String version, String... resources) {
    String gv = "gateway.networking.k8s.io/" + version;
    server.expect().get().withPath("/apis/" + gv).andReturn(200, list(gv, resources)).always();
  }

  @Test
  void theGatewayApiIsAskedInThreeRequestsAtMost() throws Exception {
    KubernetesMockServer server = io.gatewaydoctor.testing.MockApiServer.start();
    serve(server, "v1", "httproutes", "gateways", "gatewayclasses", "grpcroutes");
    serve(server, "v1beta1", "referencegrants");
    serve(server, "v1alpha3", "backendtlspolicies");
    try (var client = server.createClient()) {
      int before = server.getRequestCount();
      GatewayApi.Served s = GatewayApi.ask(client);
      // BackendTLSPolicy is not in v1 here (Gateway API before 1.4): v1alpha3 is asked too
      assertThat(s).isEqualTo(new GatewayApi.Served(true, true, true, "v1alpha3"));
      assertThat(server.getRequestCount() - before).isEqualTo(3);
    } finally {
      server.destroy();
    }
  }

  @Test
  void backendTlsPoliciesInV1NeedNoThirdRequest() throws Exception {
    KubernetesMockServer server = io.gatewaydoctor.testing.MockApiServer.start();
    serve(server, "v1", "httproutes", "gateways", "gatewayclasses", "backendtlspolicies");
    try (var client = server.createClient()) {
      int before = server.getRequestCount();
      GatewayApi.Served s = GatewayApi.ask(client);
      assertThat(s).isEqualTo(new GatewayApi.Served(true, false, false, "v1"));
      assertThat(server.getRequestCount() - before).isEqualTo(2);
    } finally {
      server.destroy();
    }
  }
}
