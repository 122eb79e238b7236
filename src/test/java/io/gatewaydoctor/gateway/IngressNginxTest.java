package io.gatewaydoctor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ingress-nginx dialect: its annotations read as ingress-nginx reads them, bounded where a
 * tenant sets them.
 */
class IngressNginxTest {
  @Test
  void theReadTimeoutOfARoutedPathProbeIsBounded() {
    assertThat(IngressNginx.proxyReadTimeout(null)).isEqualTo(60);
    assertThat(IngressNginx.proxyReadTimeout("5")).isEqualTo(5);
    assertThat(IngressNginx.proxyReadTimeout("30s")).isEqualTo(30);
    assertThat(IngressNginx.proxyReadTimeout("3600"))
        .as("an annotation cannot hold a probe thread for an hour")
        .isEqualTo(120);
    assertThat(IngressNginx.proxyReadTimeout("0")).isEqualTo(60);
    assertThat(IngressNginx.proxyReadTimeout("-1")).isEqualTo(60);
    assertThat(IngressNginx.proxyReadTimeout("1e9")).isEqualTo(60);
  }

  @Test
  void sniOnlyAsIngressNginxSendsIt() {
    assertThat(IngressNginx.sni(java.util.Map.of())).isNull();
    assertThat(IngressNginx.sni(java.util.Map.of(IngressNginx.PROXY_SSL_NAME, "web.shop.svc")))
        .as("server-name off: no SNI")
        .isNull();
    assertThat(
            IngressNginx.sni(
                java.util.Map.of(
                    IngressNginx.PROXY_SSL_SERVER_NAME,
                    "on",
                    IngressNginx.PROXY_SSL_NAME,
                    "Web.Shop.svc")))
        .isEqualTo("web.shop.svc");
    assertThat(
            IngressNginx.sni(
                java.util.Map.of(
                    IngressNginx.PROXY_SSL_SERVER_NAME,
                    "on",
                    IngressNginx.PROXY_SSL_NAME,
                    "$host")))
        .as("an nginx variable or garbage is no name")
        .isNull();
  }

  @Test
  void theBackendSettingsOfAnIngressNginxTarget() {
    var port =
        new ServicePortBuilder().withPort(443).withName("https").withAppProtocol("https").build();
    var plain = IngressNginx.INSTANCE.backend(Map.of(), port);
    assertThat(plain.tls()).as("ingress-nginx follows only backend-protocol").isFalse();
    assertThat(plain.http()).isTrue();
    assertThat(plain.headerLimit()).isEqualTo(4096);
    assertThat(plain.readTimeoutSeconds()).isEqualTo(60);
    assertThat(IngressNginx.OTHER.backend(Map.of(), port).tls())
        .as("another controller reads appProtocol")
        .isTrue();
    var set =
        IngressNginx.INSTANCE.backend(
            Map.of(
                IngressNginx.BACKEND_PROTOCOL, "HTTPS",
                IngressNginx.PROXY_BUFFER_SIZE, "16k",
                IngressNginx.PROXY_SSL_SECRET, "shop/client"),
            port);
    assertThat(set.tls()).isTrue();
    assertThat(set.headerLimit()).isEqualTo(16384);
    assertThat(set.clientCertificate()).isTrue();
    assertThat(
            IngressNginx.INSTANCE
                .backend(Map.of(IngressNginx.BACKEND_PROTOCOL, "GRPC"), port)
                .http())
        .isFalse();
    assertThat(IngressNginx.INSTANCE.upstreamName("shop", "web", "80")).isEqualTo("shop-web-80");
    assertThat(IngressNginx.INSTANCE.configures("nginx.ingress.kubernetes.io/proxy-read-timeout"))
        .isTrue();
    assertThat(IngressNginx.INSTANCE.configures("example.com/owner")).isFalse();
  }
}
