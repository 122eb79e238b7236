package io.gatewaydoctor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.gatewaydoctor.model.ControllerConfig;
import java.time.Duration;
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
    var plain = IngressNginx.INSTANCE.backend(Map.of(), ControllerConfig.NONE, port);
    assertThat(plain.tls()).as("ingress-nginx follows only backend-protocol").isFalse();
    assertThat(plain.http()).isTrue();
    assertThat(plain.headerLimit()).isEqualTo(4096);
    assertThat(plain.readTimeoutSeconds()).isEqualTo(60);
    assertThat(IngressNginx.OTHER.backend(Map.of(), ControllerConfig.NONE, port).tls())
        .as("another controller reads appProtocol")
        .isTrue();
    var set =
        IngressNginx.INSTANCE.backend(
            Map.of(
                IngressNginx.BACKEND_PROTOCOL, "HTTPS",
                IngressNginx.PROXY_BUFFER_SIZE, "16k",
                IngressNginx.PROXY_SSL_SECRET, "shop/client"),
            ControllerConfig.NONE,
            port);
    assertThat(set.tls()).isTrue();
    assertThat(set.headerLimit()).isEqualTo(16384);
    assertThat(set.clientCertificate()).isTrue();
    assertThat(
            IngressNginx.INSTANCE
                .backend(Map.of(IngressNginx.BACKEND_PROTOCOL, "GRPC"), ControllerConfig.NONE, port)
                .http())
        .isFalse();
    assertThat(IngressNginx.INSTANCE.upstreamName("shop", "web", "80")).isEqualTo("shop-web-80");
    assertThat(IngressNginx.INSTANCE.configures("nginx.ingress.kubernetes.io/proxy-read-timeout"))
        .isTrue();
    assertThat(IngressNginx.INSTANCE.configures("example.com/owner")).isFalse();
  }

  /**
   * #17: the controller's ConfigMap sets the defaults the Ingress annotations override (as
   * ingress-nginx applies them), bounded as the annotations are; evidence says where a value came
   * from.
   */
  @Test
  void theControllersConfigMapSetsTheDefaultsTheAnnotationsOverride() {
    var config =
        new ControllerConfig(
            "ingress-nginx/ingress-nginx-controller",
            Map.of(
                "proxy-buffer-size", "16k",
                "proxy-read-timeout", "5",
                "upstream-keepalive-timeout", "15",
                "log-format-upstream", "$status $upstream_addr"),
            null);
    var fromConfig = IngressNginx.INSTANCE.backend(Map.of(), config, null);
    assertThat(fromConfig.headerLimit()).isEqualTo(16384);
    assertThat(fromConfig.readTimeoutSeconds()).isEqualTo(5);
    var annotated =
        IngressNginx.INSTANCE.backend(
            Map.of(IngressNginx.PROXY_BUFFER_SIZE, "8k", IngressNginx.PROXY_READ_TIMEOUT, "2"),
            config,
            null);
    assertThat(annotated.headerLimit()).as("the annotation wins").isEqualTo(8192);
    assertThat(annotated.readTimeoutSeconds()).isEqualTo(2);
    assertThat(
            IngressNginx.INSTANCE
                .backend(Map.of(IngressNginx.PROXY_BUFFER_SIZE, "lots"), config, null)
                .headerLimit())
        .as("an unreadable annotation falls back to the controller's value")
        .isEqualTo(16384);
    assertThat(
            IngressNginx.INSTANCE
                .backend(
                    Map.of(),
                    new ControllerConfig("x/y", Map.of("proxy-read-timeout", "3600"), null),
                    null)
                .readTimeoutSeconds())
        .as("bounded like the annotation")
        .isEqualTo(120);
    assertThat(IngressNginx.INSTANCE.origin(IngressNginx.PROXY_BUFFER_SIZE, Map.of(), config))
        .isEqualTo("ConfigMap ingress-nginx/ingress-nginx-controller key proxy-buffer-size");
    assertThat(
            IngressNginx.INSTANCE.origin(
                IngressNginx.PROXY_BUFFER_SIZE,
                Map.of(IngressNginx.PROXY_BUFFER_SIZE, "8k"),
                config))
        .isEqualTo("annotation " + IngressNginx.PROXY_BUFFER_SIZE);
    assertThat(
            IngressNginx.INSTANCE.origin(
                IngressNginx.PROXY_READ_TIMEOUT, Map.of(), ControllerConfig.NONE))
        .isEqualTo("ingress-nginx's default");
    assertThat(IngressNginx.INSTANCE.upstreamKeepAlive(config)).isEqualTo(Duration.ofSeconds(15));
    assertThat(IngressNginx.INSTANCE.upstreamKeepAlive(ControllerConfig.NONE))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(
            IngressNginx.INSTANCE.upstreamKeepAlive(
                new ControllerConfig("x/y", Map.of("upstream-keepalive-timeout", "soon"), null)))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(
            IngressNginx.INSTANCE.upstreamKeepAlive(
                new ControllerConfig(
                    "x/y",
                    Map.of(
                        "upstream-keepalive-connections", "0", "upstream-keepalive-timeout", "15"),
                    null)))
        .as("no idle connection kept: no race")
        .isZero();
    assertThat(IngressNginx.INSTANCE.accessLogFormat(config)).contains("$status $upstream_addr");
    assertThat(IngressNginx.INSTANCE.accessLogFormat(ControllerConfig.NONE)).isEmpty();
  }
}
