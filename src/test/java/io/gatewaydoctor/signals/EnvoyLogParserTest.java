package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Envoy's access lines in the shapes the gateways write by default (see docs/gateway-logs.md,
 * "Envoy", for where each shape comes from): every response flag and code detail a verdict reads,
 * mapped to the reason, the address and the status the client got.
 */
public class EnvoyLogParserTest {
  /** Envoy Gateway v1.4+: typed JSON, numbers and nulls. */
  public static String eg(int code, String flags, String details, String host, String tfr) {
    return "{\"start_time\":\"2026-12-01T11:52:05.123Z\",\"method\":\"GET\","
        + "\"x-envoy-origin-path\":\"/cart\",\"protocol\":\"HTTP/1.1\",\"response_code\":"
        + code
        + ",\"response_flags\":"
        + (flags == null ? "\"-\"" : "\"" + flags + "\"")
        + ",\"response_code_details\":\""
        + details
        + "\",\"connection_termination_details\":null,\"upstream_transport_failure_reason\":"
        + (tfr == null ? "null" : "\"" + tfr + "\"")
        + ",\"bytes_received\":0,\"bytes_sent\":91,\"duration\":1,"
        + "\"x-envoy-upstream-service-time\":null,\"x-forwarded-for\":\"10.244.0.1\","
        + "\"user-agent\":\"curl/8.5.0\",\"x-request-id\":\"9f1c0001-2b6e-4c1a-9d8e-5a0b7c3e0001\","
        + "\":authority\":\"shop.example.com\",\"upstream_host\":"
        + (host == null ? "null" : "\"" + host + "\"")
        + ",\"upstream_cluster\":\"httproute/shop/web/rule/0\",\"upstream_local_address\":null,"
        + "\"downstream_local_address\":\"10.244.0.7:10080\","
        + "\"downstream_remote_address\":\"10.244.0.1:50001\",\"requested_server_name\":null,"
        + "\"route_name\":\"httproute/shop/web/rule/0/match/0/shop_example_com\"}";
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource(
      delimiter = ';',
      value = {
        // current releases: the socket error by name
        "503;UF;upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused};refused",
        // older releases: connection_failure and errno 111
        "503;UF,URX;upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111};refused",
        "503;UF;upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_timed_out};connectTimeout",
        "503;UF;upstream_reset_before_response_started{connection_timeout};connectTimeout",
        "503;UC;upstream_reset_before_response_started{connection_termination};prematureClose",
        "503;UR;upstream_reset_before_response_started{remote_reset};reset",
        "502;UPE;upstream_reset_before_response_started{protocol_error};invalidResponse",
        "504;UT;upstream_response_timeout;timeout",
        "503;UF;upstream_reset_before_response_started{remote_connection_failure|TLS_error:|268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end};tls",
        "503;UF;upstream_reset_before_response_started{remote_connection_failure|TLS_error:|268435703:SSL_routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end};tlsToPlain",
      })
  void flagsAndDetailsGiveTheReasonAtTheAddress(
      int code, String flags, String details, ErrorLine.Reason reason) {
    EnvoyLogParser.Parsed p =
        EnvoyLogParser.parse(eg(code, flags, details, "10.244.1.7:8080", null));
    assertThat(p).isNotNull();
    assertThat(p.access().status()).isEqualTo(code);
    assertThat(p.access().fromApp()).isFalse();
    assertThat(p.access().tryFailed(0)).isTrue();
    assertThat(p.access().upstream()).isEqualTo("httproute/shop/web/rule/0");
    assertThat(p.access().upstreamAddrs()).containsExactly("10.244.1.7:8080");
    assertThat(p.error().reason()).isEqualTo(reason);
    assertThat(p.error().upstreamAddr()).isEqualTo("10.244.1.7:8080");
    assertThat(p.error().time()).isEqualTo(Instant.parse("2026-12-01T11:52:05.123Z"));
    assertThat(p.error().message()).startsWith("envoy " + code + " " + flags);
  }

  @Test
  void theTransportFailureReasonAloneSaysTls() {
    var p =
        EnvoyLogParser.parse(
            eg(
                503,
                "UF",
                "upstream_reset_before_response_started{remote_connection_failure}",
                "10.244.1.7:8443",
                "TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end"));
    assertThat(p.error().reason()).isEqualTo(ErrorLine.Reason.tls);
    assertThat(p.error().message()).contains("CERTIFICATE_VERIFY_FAILED");
  }

  @Test
  void viaUpstreamIsTheAppsOwnAnswerEvenA503() {
    var ok = EnvoyLogParser.parse(eg(200, null, "via_upstream", "10.244.1.7:8080", null));
    assertThat(ok.access().fromApp()).isTrue();
    assertThat(ok.error()).isNull();
    var app503 = EnvoyLogParser.parse(eg(503, null, "via_upstream", "10.244.1.7:8080", null));
    assertThat(app503.access().status()).isEqualTo(503);
    assertThat(app503.access().fromApp()).isTrue();
    assertThat(app503.error()).isNull();
  }

  @Test
  void noHealthyUpstreamAndDirectResponsesHaveNoAddress() {
    var uh = EnvoyLogParser.parse(eg(503, "UH", "no_healthy_upstream", null, null));
    assertThat(uh.access().upstreamAddrs()).isEmpty();
    assertThat(uh.access().fromApp()).isFalse();
    assertThat(uh.error().reason()).isEqualTo(ErrorLine.Reason.noLiveUpstreams);
    assertThat(uh.error().upstreamAddr()).isNull();
    // an invalid backendRef: Envoy Gateway's own 500, no cluster; the route names the rule
    String direct =
        eg(500, null, "direct_response", null, null)
            .replace(
                "\"upstream_cluster\":\"httproute/shop/web/rule/0\"", "\"upstream_cluster\":null");
    var d = EnvoyLogParser.parse(direct);
    assertThat(d.access().status()).isEqualTo(500);
    assertThat(d.access().fromApp()).isFalse();
    assertThat(d.access().upstream()).isEqualTo("httproute/shop/web/rule/0");
    assertThat(d.error()).isNull();
  }

  @Test
  void grpcFailuresLoggedAs200WithFlagsCountAs503() {
    var p =
        EnvoyLogParser.parse(
            eg(
                200,
                "UF",
                "upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}",
                "10.244.1.7:9090",
                null));
    assertThat(p.access().status()).isEqualTo(503);
    assertThat(p.error().reason()).isEqualTo(ErrorLine.Reason.refused);
  }

  /** Envoy Gateway v1.0–1.3: the same keys, every value a string and "-" for none. */
  @Test
  void stringValuedJsonOfOlderEnvoyGatewayReleases() {
    String line =
        eg(
                503,
                "UF",
                "upstream_reset_before_response_started{connection_failure}",
                "10.244.1.7:8080",
                null)
            .replace("\"response_code\":503", "\"response_code\":\"503\"")
            .replace(":null", ":\"-\"")
            .replace("\"bytes_sent\":91", "\"bytes_sent\":\"91\"");
    var p = EnvoyLogParser.parse(line);
    assertThat(p.access().status()).isEqualTo(503);
    assertThat(p.error().reason()).isEqualTo(ErrorLine.Reason.refused);
    var ok =
        EnvoyLogParser.parse(
            eg(200, null, "via_upstream", "10.244.1.7:8080", null)
                .replace("\"response_code\":200", "\"response_code\":\"200\"")
                .replace(":null", ":\"-\""));
    assertThat(ok.access().fromApp()).isTrue();
  }

  /** Istio's default TEXT format (MeshConfig accessLogFormat unset). */
  @Test
  void istioText() {
    String ok =
        "[2026-12-01T11:52:05.123Z] \"GET /cart HTTP/1.1\" 200 - via_upstream - \"-\" 0 2 4 3"
            + " \"10.244.0.1\" \"curl/8.5.0\" \"4c1a0001-9d8e-4b2f-8a7c-1e5d3f9b0001\""
            + " \"shop.example.com\" \"10.244.1.7:8080\" outbound|80||web.shop.svc.cluster.local"
            + " 10.244.0.9:41000 10.244.0.9:80 10.244.0.1:52000 - -";
    var p = EnvoyLogParser.parse(ok);
    assertThat(p.access().fromApp()).isTrue();
    assertThat(p.access().upstream()).isEqualTo("outbound|80||web.shop.svc.cluster.local");
    assertThat(p.access().upstreamAddrs()).containsExactly("10.244.1.7:8080");
    String refused =
        "[2026-12-01T11:52:06.001Z] \"GET /cart HTTP/1.1\" 503 URX,UF"
            + " upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}"
            + " - \"delayed_connect_error:_Connection_refused\" 0 145 1 - \"10.244.0.1\" \"curl/8.5.0\""
            + " \"4c1a0002-9d8e-4b2f-8a7c-1e5d3f9b0002\" \"shop.example.com\" \"10.244.1.8:8080\""
            + " outbound|80||web.shop.svc.cluster.local - 10.244.0.9:80 10.244.0.1:52001 - -";
    var r = EnvoyLogParser.parse(refused);
    assertThat(r.access().status()).isEqualTo(503);
    assertThat(r.error().reason()).isEqualTo(ErrorLine.Reason.refused);
    assertThat(r.error().upstreamAddr()).isEqualTo("10.244.1.8:8080");
  }

  /** Envoy's built-in default format: no details, ends with "%UPSTREAM_HOST%". */
  @Test
  void envoysDefaultText() {
    String line =
        "[2026-12-01T11:52:05.123Z] \"GET /cart HTTP/1.1\" 503 UF 0 91 1 - \"10.244.0.1\""
            + " \"curl/8.5.0\" \"4c1a0003-9d8e-4b2f-8a7c-1e5d3f9b0003\" \"shop.example.com\""
            + " \"10.244.1.7:8080\"";
    var p = EnvoyLogParser.parse(line);
    assertThat(p.access().status()).isEqualTo(503);
    assertThat(p.access().upstreamAddrs()).containsExactly("10.244.1.7:8080");
    assertThat(p.error().reason()).isEqualTo(ErrorLine.Reason.refused);
    var ok = EnvoyLogParser.parse(line.replace("503 UF 0 91 1 -", "200 - 0 2 4 3"));
    assertThat(ok.access().fromApp()).isTrue();
    assertThat(ok.error()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"response_code\":503,\"start_time\":",
        "{\"response_code\":\"abc\",\"start_time\":\"2026-12-01T11:52:05Z\"}",
        "{\"response_code\":503,\"start_time\":\"yesterday\"}",
        "{\"response_code\":99999,\"start_time\":\"2026-12-01T11:52:05Z\"}",
        "[2026-12-01T11:52:05.123Z] \"GET / HTTP/1.1\" 503 UF",
        "[not-a-date-at-all-here] \"GET / HTTP/1.1\" 503 UF 0 91 1 - \"a\" \"b\" \"c\" \"d\" \"e\"",
        "{\"log\":\"x\"}",
        "",
      })
  void garbageIsNotAnEnvoyLine(String line) {
    assertThat(EnvoyLogParser.parse(line)).isNull();
  }

  @Test
  void hostileValuesStayBounded() {
    String longHost = "1".repeat(400) + ":80";
    var p =
        EnvoyLogParser.parse(
            eg(503, "UF", "upstream_reset_before_response_started{x}", longHost, null));
    assertThat(p.access().upstreamAddrs()).isEmpty(); // no address of sane length: none
    String huge = eg(200, null, "via_upstream", "10.0.0.1:80", null) + " ".repeat(70_000);
    assertThat(EnvoyLogParser.parse(huge)).isNull();
  }

  /** Through the evidence builder, mixed with ingress-nginx lines and kubectl's wrappers. */
  @Test
  void countsBesideNginxLinesThroughTheirWrappers() {
    var b =
        new GatewayEvidence.Builder(Instant.parse("2026-12-01T12:00:00Z"), Duration.ofMinutes(10));
    assertThat(
            b.line(
                "[pod/envoy-shop-eg-5f7b/envoy] "
                    + eg(
                        503,
                        "UF",
                        "upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}",
                        "10.244.1.7:8080",
                        null)))
        .isTrue();
    assertThat(
            b.line(
                "2026-12-01T11:52:06.000000000Z "
                    + eg(200, null, "via_upstream", "10.244.1.8:8080", null)))
        .isTrue();
    assertThat(b.line("not a log line at all")).isFalse();
    GatewayEvidence e = b.build();
    GatewayEvidence.Counts u = e.upstream("httproute/shop/web/rule/0");
    assertThat(u.requests).isEqualTo(2);
    assertThat(u.gateway[2]).isEqualTo(1); // one 503 the gateway generated
    GatewayEvidence.Counts at = e.address("10.244.1.7:8080");
    assertThat(at.reasons).containsEntry(ErrorLine.Reason.refused, 1L);
    assertThat(at.gateway[2]).isEqualTo(1);
    assertThat(at.clientErrors).isEqualTo(1);
    assertThat(e.address("10.244.1.8:8080").gatewayErrors()).isZero();
    assertThat(e.skipped()).isEqualTo(1);
  }

  /**
   * Envoy does not escape quotes in header values (envoyproxy/envoy#4191): a client whose
   * User-Agent carries quotes and a fake upstream host must not become evidence about that host.
   */
  @Test
  void aClientsQuotesCannotForgeTheUpstreamHost() {
    String honest =
        "[2026-12-01T11:52:06.001Z] \"GET /cart HTTP/1.1\" 503 UF"
            + " upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}"
            + " - \"-\" 0 145 1 - \"10.244.0.1\" \"UA\""
            + " \"4c1a0002-9d8e-4b2f-8a7c-1e5d3f9b0002\" \"shop.example.com\" \"10.244.1.8:8080\""
            + " outbound|80||web.shop.svc.cluster.local - 10.244.0.9:80 10.244.0.1:52001 - -";
    assertThat(EnvoyLogParser.parse(honest.replace("UA", "curl/8.5.0")).error().upstreamAddr())
        .isEqualTo("10.244.1.8:8080");
    for (String ua :
        java.util.List.of(
            "x\" \"id\" \"h\" \"10.9.9.9:80\" outbound|80||api.bank.svc.cluster.local - a b c - - \"",
            "x\" \"10.9.9.9:80",
            "\"")) {
      var p = EnvoyLogParser.parse(honest.replace("UA", ua));
      assertThat(p == null || !"10.9.9.9:80".equals(p.access().lastUpstreamAddr())).as(ua).isTrue();
      assertThat(p).as("a line with extra fields is not read: " + ua).isNull();
    }
  }

  /**
   * Envoy's default format (11 fields) padded by a client's User-Agent to Istio's 20, with a fake
   * upstream host and cluster where Istio's would be: not read.
   */
  @Test
  void aDefaultFormatLinePaddedToIstiosShapeIsNotRead() {
    String ua =
        "a\" \"b\" \"c\" \"d\" \"e\" \"f\" \"10.1.2.3:8080\""
            + " \"outbound|80||web.victim.svc.cluster.local\" \"x\" \"y";
    String line =
        "[2026-12-01T11:52:05.123Z] \"GET /cart HTTP/1.1\" 503 UF 0 91 1 - \"10.244.0.1\" \""
            + ua
            + "\" \"4c1a0003-9d8e-4b2f-8a7c-1e5d3f9b0003\" \"shop.example.com\" \"10.244.1.7:8080\"";
    assertThat(EnvoyLogParser.tokens(line, line.indexOf("HTTP/1.1\"") + 9, 64)).hasSize(20);
    assertThat(EnvoyLogParser.parse(line)).isNull();
    // an unclosed quote is no line of a known shape either
    assertThat(EnvoyLogParser.parse(line.substring(0, line.length() - 1))).isNull();
  }
}
