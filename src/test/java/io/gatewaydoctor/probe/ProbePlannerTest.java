package io.gatewaydoctor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What a tenant's annotation or path can make the prober do: bounded, literal, never a regex or a
 * control character.
 */
class ProbePlannerTest {
  @Test
  void theReadTimeoutOfARoutedPathProbeIsBounded() {
    assertThat(ProbePlanner.proxyReadTimeout(null)).isEqualTo(60);
    assertThat(ProbePlanner.proxyReadTimeout("5")).isEqualTo(5);
    assertThat(ProbePlanner.proxyReadTimeout("30s")).isEqualTo(30);
    assertThat(ProbePlanner.proxyReadTimeout("3600"))
        .as("an annotation cannot hold a probe thread for an hour")
        .isEqualTo(120);
    assertThat(ProbePlanner.proxyReadTimeout("0")).isEqualTo(60);
    assertThat(ProbePlanner.proxyReadTimeout("-1")).isEqualTo(60);
    assertThat(ProbePlanner.proxyReadTimeout("1e9")).isEqualTo(60);
  }

  @Test
  void onlyLiteralPathsAreProbed() {
    assertThat(ProbePlanner.literal("/report")).isTrue();
    assertThat(ProbePlanner.literal("/api/v1/orders")).isTrue();
    assertThat(ProbePlanner.literal("/api/(v1|v2)")).isFalse();
    assertThat(ProbePlanner.literal("/x.*")).isFalse();
    assertThat(ProbePlanner.literal("/a b")).as("a space would split the request line").isFalse();
    assertThat(ProbePlanner.literal("/a\r\nHost: evil")).as("no header injection").isFalse();
    assertThat(ProbePlanner.literal("report")).isFalse();
    assertThat(ProbePlanner.literal("/" + "a".repeat(300))).isFalse();
  }

  @Test
  void sniOnlyAsIngressNginxSendsIt() {
    assertThat(ProbePlanner.sni(java.util.Map.of())).isNull();
    assertThat(ProbePlanner.sni(java.util.Map.of(ProbePlanner.PROXY_SSL_NAME, "web.shop.svc")))
        .as("server-name off: no SNI")
        .isNull();
    assertThat(
            ProbePlanner.sni(
                java.util.Map.of(
                    ProbePlanner.PROXY_SSL_SERVER_NAME,
                    "on",
                    ProbePlanner.PROXY_SSL_NAME,
                    "Web.Shop.svc")))
        .isEqualTo("web.shop.svc");
    assertThat(
            ProbePlanner.sni(
                java.util.Map.of(
                    ProbePlanner.PROXY_SSL_SERVER_NAME,
                    "on",
                    ProbePlanner.PROXY_SSL_NAME,
                    "$host")))
        .as("an nginx variable or garbage is no name")
        .isNull();
  }
}
