package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Access lines copied verbatim from public sources (each test names its source; docs/root-causes.md
 * "Envoy access logs" lists them): the parser reads what the gateways really wrote, not only the
 * shapes this project generates for its scenarios.
 */
class EnvoyRealLinesTest {
  private static EnvoyLogParser.Parsed parse(String raw) {
    LogShapes.Unwrapped u = LogShapes.unwrap(raw);
    return EnvoyLogParser.parse(u.line());
  }

  /** Envoy Gateway typed JSON, https://github.com/envoyproxy/gateway/issues/7811 (200). */
  @Test
  void envoyGatewayTypedJson200() {
    var p =
        parse(
            "{\":authority\":\"www.example.com\",\"bytes_received\":0,\"bytes_sent\":466,\"connection_termination_details\":null,\"downstream_local_address\":\"127.0.0.1:10080\",\"downstream_remote_address\":\"127.0.0.1:50548\",\"duration\":7,\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"requested_server_name\":null,\"response_code\":200,\"response_code_details\":\"via_upstream\",\"response_flags\":\"-\",\"route_name\":\"httproute/default/backend/rule/0/match/0/www_example_com\",\"start_time\":\"2025-12-24T10:30:50.941Z\",\"upstream_cluster\":\"httproute/default/backend/rule/0\",\"upstream_host\":\"10.244.0.7:3000\",\"upstream_local_address\":\"10.244.0.8:40258\",\"upstream_transport_failure_reason\":null,\"user-agent\":\"curl/7.87.0\",\"x-envoy-origin-path\":\"/get\",\"x-envoy-upstream-service-time\":null,\"x-forwarded-for\":\"10.244.0.8\",\"x-request-id\":\"2ab6ffcd-7221-4630-9d6a-4c38d94ed3c6\"}");
    assertThat(p.access().status()).isEqualTo(200);
    assertThat(p.access().fromApp()).isTrue();
    assertThat(p.access().upstream()).isEqualTo("httproute/default/backend/rule/0");
    assertThat(p.access().upstreamAddrs()).containsExactly("10.244.0.7:3000");
    assertThat(p.error()).isNull();
  }

  /**
   * Envoy Gateway's own 500 for a rule without a valid backend,
   * https://github.com/envoyproxy/ai-gateway/issues/579.
   */
  @Test
  void envoyGatewayDirectResponse500() {
    var p =
        parse(
            "{\":authority\":\"localhost:60520\",\"bytes_received\":86,\"bytes_sent\":0,\"connection_termination_details\":null,\"downstream_local_address\":\"127.0.0.1:8080\",\"downstream_remote_address\":\"127.0.0.1:48948\",\"duration\":1,\"method\":\"POST\",\"protocol\":\"HTTP/1.1\",\"requested_server_name\":null,\"response_code\":500,\"response_code_details\":\"direct_response\",\"response_flags\":\"-\",\"route_name\":\"httproute/default/envoy-ai-gateway-basic/rule/1/match/0/*\",\"start_time\":\"2025-05-12T09:24:34.339Z\",\"upstream_cluster\":null,\"upstream_host\":null,\"upstream_local_address\":null,\"upstream_transport_failure_reason\":null,\"user-agent\":\"axios/1.6.8\",\"x-envoy-origin-path\":\"/v1/chat/completions\",\"x-envoy-upstream-service-time\":null,\"x-forwarded-for\":\"10.233.64.178\",\"x-request-id\":\"7d5de087-32ad-44c3-bbd9-99e2c0f3ffac\"}");
    assertThat(p.access().status()).isEqualTo(500);
    assertThat(p.access().fromApp()).isFalse();
    assertThat(p.access().upstream()).isEqualTo("httproute/default/envoy-ai-gateway-basic/rule/1");
    assertThat(p.access().upstreamAddrs()).isEmpty();
  }

  /**
   * Envoy Gateway 503 UH, gangmuk/gangmuk.github.io
   * _posts/2025-08-21-frustrating-root-cause-analysis-on-http-request-failure-on-k8s-llm-infra-aibrix.md.
   */
  @Test
  void envoyGatewayNoHealthyUpstream() {
    var p =
        parse(
            "{\":authority\":\"localhost:8888\",\"bytes_received\":0,\"bytes_sent\":19,\"connection_termination_details\":null,\"downstream_local_address\":\"127.0.0.1:10080\",\"downstream_remote_address\":\"127.0.0.1:47350\",\"duration\":0,\"method\":\"POST\",\"protocol\":\"HTTP/1.1\",\"requested_server_name\":null,\"response_code\":503,\"response_code_details\":\"no_healthy_upstream\",\"response_flags\":\"UH\",\"route_name\":\"original_route\",\"start_time\":\"2025-08-21T03:23:19.513Z\",\"upstream_cluster\":\"original_destination_cluster\",\"upstream_host\":null,\"upstream_local_address\":null,\"upstream_transport_failure_reason\":null,\"user-agent\":\"curl/8.7.1\",\"x-envoy-origin-path\":\"/v1/chat/completions\",\"x-envoy-upstream-service-time\":null,\"x-forwarded-for\":\"10.244.0.34\",\"x-request-id\":\"34137566-5a0d-4835-878e-bfebcb2e67fd\"}");
    assertThat(p.access().status()).isEqualTo(503);
    assertThat(p.error().reason()).isEqualTo(ErrorLine.Reason.noLiveUpstreams);
  }

  /**
   * Istio text, connection refused in the older spelling: tanjunchen/tanjunchen_blog
   * content/post/2022-11-21-istio-questions-4.md.
   */
  @Test
  void istioRefusedOlderSpelling() {
    var p =
        parse(
            "[2023-01-01T14:47:26.285Z] \"GET /hello HTTP/1.1\" 503 UF upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111} - \"delayed_connect_error:_111\" 0 145 0 - \"-\" \"curl/7.87.0-DEV\" \"35e82df8-1262-9404-8ad2-303b8613955c\" \"helloworld:5000\" \"10.1.2.31:5000\" inbound|5000|| - 10.1.2.31:5000 172.16.9.8:5067 - default");
    assertThat(p.access().status()).isEqualTo(503);
    assertThat(p.error().reason()).isEqualTo(ErrorLine.Reason.refused);
    assertThat(p.error().upstreamAddr()).isEqualTo("10.1.2.31:5000");
    assertThat(p.access().upstream()).isEqualTo("inbound|5000||");
  }

  /** Istio text 503 UC, https://github.com/istio/istio/issues/51619. */
  @Test
  void istioConnectionTermination() {
    var p =
        parse(
            "[2024-06-18T10:19:42.614Z] \"POST /v1/accounting/api-portal/card/CSP_XXXXXXX/ORE00000/DEC000000/topup HTTP/1.1\" 503 UC upstream_reset_before_response_started{connection_termination} - \"-\" 138 95 120001 - \"-\" \"-\" \"ed37e325-1a4e-9827-b994-1a3317bcc0b1\" \"internal-api:8080\" \"10.34.127.167:8080\" inbound|8080|| 127.0.0.6:58719 10.34.127.167:8080 10.34.126.119:57080 outbound_.8080_._.internal-api.default.svc.cluster.local default");
    assertThat(p.error().reason()).isEqualTo(ErrorLine.Reason.prematureClose);
    assertThat(p.error().upstreamAddr()).isEqualTo("10.34.127.167:8080");
  }

  /** Istio text 504 UT at an ingress gateway, netpple/netpple.github.io Istio-ch10. */
  @Test
  void istioTimeoutAtTheIngressGateway() {
    var p =
        parse(
            "[2023-03-23T03:53:08.335Z] \"GET /items HTTP/1.1\" 504 UT response_timeout - \"-\" 0 24 501 - \"172.17.0.1\" \"curl/7.86.0\" \"d3bfca59-6327-9f24-a755-50d32a8782f2\" \"catalog.istioinaction.io\" \"172.17.0.17:3000\" outbound|80|version-v2|catalog.istioinaction.svc.cluster.local 172.17.0.14:49258 172.17.0.14:8080 172.17.0.1:5221 - -");
    assertThat(p.access().status()).isEqualTo(504);
    assertThat(p.error().reason()).isEqualTo(ErrorLine.Reason.timeout);
    assertThat(p.access().upstream())
        .isEqualTo("outbound|80|version-v2|catalog.istioinaction.svc.cluster.local");
    assertThat(p.error().upstreamAddr()).isEqualTo("172.17.0.17:3000");
  }

  /** Istio text 502 UPE, tanjunchen blog (as above). */
  @Test
  void istioProtocolError() {
    var p =
        parse(
            "[2023-01-02T07:40:56.459Z] \"GET /headers HTTP/1.1\" 502 UPE upstream_reset_before_response_started{protocol_error} - \"-\" 0 87 7 - \"-\" \"curl/7.87.0-DEV\" \"3b7caa0b-9626-946d-b4ef-36c5ddf790bc\" \"helloworld:5000\" \"10.1.2.42:5000\" inbound|5000|| 127.0.0.6:44336 10.1.2.42:5000 172.16.9.8:44408 - default");
    assertThat(p.access().status()).isEqualTo(502);
    assertThat(p.error().reason()).isEqualTo(ErrorLine.Reason.invalidResponse);
  }

  /**
   * Istio text, TLS to the backend failed (old spelling, kubectl's pod and container prefix as
   * stern prints it): kameshsampath/gloo-mesh-vm-demo docs/troubleshooting.md.
   */
  @Test
  void istioTlsFailureThroughAPodPrefix() {
    GatewayEvidence.Builder b =
        new GatewayEvidence.Builder(
            java.time.Instant.parse("2022-01-11T06:50:00Z"), java.time.Duration.ofMinutes(10));
    assertThat(
            b.line(
                "ingressgateway-7cc46d9596-v8qnt istio-proxy [2022-01-11T06:44:07.918Z] \"GET /customer HTTP/1.1\" 503 UF,URX upstream_reset_before_response_started{connection_failure,TLS_error:_268436501:SSL_routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_EXPIRED} - \"TLS error: 268436501:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_EXPIRED\" 0 201 77 - \"192.168.64.90\" \"curl/7.77.0\" \"51c9ed69-6ad3-43a4-a183-58229a34d444\" \"192.168.64.90\" \"172.16.0.20:8080\" outbound|8080|v1|customer.default.svc.cluster.local - 172.16.0.12:8080 192.168.64.90:19213 - -"))
        .isTrue();
    GatewayEvidence.Counts at = b.build().address("172.16.0.20:8080");
    assertThat(at.reasons).containsOnlyKeys(ErrorLine.Reason.tls);
    assertThat(at.samples.get(0)).contains("CERTIFICATE_EXPIRED");
  }

  /**
   * Envoy's default format plus RESPONSE_CODE_DETAILS (Envoy v1.24.7), docker compose's prefix
   * taken off, its timestamp kept: renuka-fernando/examples envoy/simple/README.md.
   */
  @Test
  void envoyDefaultWithDetails() {
    var refused =
        parse(
            "2024-07-20T07:09:48.471209278Z [2024-07-20T07:09:48.470Z] \"GET /upstream-connection-failure HTTP/1.1\" 503 UF upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111} 0 145 0 - \"-\" \"curl/8.4.0\" \"44898dba-8d8e-48f4-93f7-23e4b4c592c0\" \"localhost:8000\" \"172.28.0.2:801\"");
    assertThat(refused.error().reason()).isEqualTo(ErrorLine.Reason.refused);
    assertThat(refused.error().upstreamAddr()).isEqualTo("172.28.0.2:801");
    var uh =
        parse(
            "2024-07-20T07:06:24.756083556Z [2024-07-20T07:06:24.729Z] \"GET /no-healthy-upstream HTTP/1.1\" 503 UH no_healthy_upstream 0 19 0 - \"-\" \"curl/8.4.0\" \"2f22e5c6-2387-49b8-96c4-7b3a1678dbb0\" \"localhost:8000\" \"-\"");
    assertThat(uh.access().upstreamAddrs()).isEmpty();
    assertThat(uh.error().reason()).isEqualTo(ErrorLine.Reason.noLiveUpstreams);
    // a reset after the 200 began: the client got that 200, cut short
    var after =
        parse(
            "2024-07-20T07:23:59.593171059Z [2024-07-20T07:23:58.586Z] \"GET /upstream-connection-failure/after-response HTTP/1.1\" 200 UPE upstream_reset_after_response_started{protocol_error} 0 19 1006 0 \"-\" \"curl/8.4.0\" \"84ef2354-e85c-4e90-bc6e-bb81d5dc70e8\" \"localhost:8000\" \"192.168.5.2:8080\"");
    assertThat(after.access().status()).isEqualTo(200);
    assertThat(after.error().reason()).isEqualTo(ErrorLine.Reason.invalidResponse);
    // URX over an answer of the app's own: the app's 500
    var urx =
        parse(
            "2024-07-20T07:45:34.917997010Z [2024-07-20T07:45:34.828Z] \"GET /upstream-retry-exceeds?statusCode=500 HTTP/1.1\" 500 URX via_upstream 0 680 59 59 \"-\" \"curl/8.4.0\" \"0df38f52-08eb-4b67-a097-ece7427c7238\" \"localhost:8000\" \"192.168.48.2:8080\"");
    assertThat(urx.access().fromApp()).isTrue();
    assertThat(urx.error()).isNull();
  }

  /** Envoy's docs example of its default format ("Default Format String", usage.rst). */
  @Test
  void envoyDocsDefaultExample() {
    var p =
        parse(
            "[2016-04-15T20:17:00.310Z] \"POST /api/v1/locations HTTP/2\" 204 - 154 0 226 100 \"10.0.35.28\" \"nsq2http\" \"cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2\" \"locations\" \"tcp://10.0.2.1:80\"");
    assertThat(p.access().status()).isEqualTo(204);
    assertThat(p.access().upstreamAddrs()).containsExactly("10.0.2.1:80");
    assertThat(p.error()).isNull();
  }
}
