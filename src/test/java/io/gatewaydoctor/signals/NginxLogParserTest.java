package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default ingress-nginx formats, retries, dashes, and garbage. */
class NginxLogParserTest {
  static final String RETRIED =
      "10.0.0.1 - - [01/Dec/2026:11:58:30 +0000] \"GET /cart HTTP/1.1\" 502 150 \"-\" \"curl/8.5\" 81 0.004"
          + " [shop-cart-80] [] 10.244.1.5:8080, 10.244.2.6:8080 0, 0 0.001, 0.002 502, 502 3f1c9e2a7b";

  /**
   * custom-http-errors: the app's pod failed (502, nothing read), nginx redirected internally to
   * the default backend, which served the error page with 502. The 502 is the gateway's, on the
   * app's pod.
   */
  @Test
  void anInternalRedirectToTheDefaultBackendIsNotTheAppsAnswer() {
    AccessLine a =
        NginxLogParser.access(
            RETRIED.replace(
                "10.244.1.5:8080, 10.244.2.6:8080 0, 0 0.001, 0.002 502, 502",
                "10.244.1.5:8080 : 10.244.9.9:8080 0 : 1543 0.001 : 0.002 502 : 502"));
    assertThat(a.upstreamAddrs()).containsExactly("10.244.1.5:8080");
    assertThat(a.upstreamStatuses()).containsExactly("502");
    assertThat(a.fromApp()).isFalse();
    assertThat(a.tryFailed(0)).isTrue();
  }

  /** $remote_user is the client's to choose: a bracketed date in it is not the line's time. */
  @Test
  void aBracketInTheUserNameIsNotTheTime() {
    AccessLine a =
        NginxLogParser.access(
            RETRIED.replace("10.0.0.1 - -", "10.0.0.1 - x[01/Jan/2099:00:00:00 +0000]"));
    assertThat(a.time()).isEqualTo(java.time.Instant.parse("2026-12-01T11:58:30Z"));
    assertThat(NginxLogParser.offsetSeconds(RETRIED.replace("+0000]", "+0130]"))).isEqualTo(5400);
  }

  @Test
  void accessLineWithRetries() {
    AccessLine a = NginxLogParser.access(RETRIED);
    assertThat(a).isNotNull();
    assertThat(a.time()).isEqualTo(Instant.parse("2026-12-01T11:58:30Z"));
    assertThat(a.status()).isEqualTo(502);
    assertThat(a.upstream()).isEqualTo("shop-cart-80");
    assertThat(a.upstreamAddrs()).containsExactly("10.244.1.5:8080", "10.244.2.6:8080");
    assertThat(a.upstreamStatuses()).containsExactly("502", "502");
    assertThat(a.fromApp())
        .as("nginx writes 502 for a failed try, with no bytes: the gateway's own")
        .isFalse();
    AccessLine app = NginxLogParser.access(RETRIED.replace("0, 0 0.001", "0, 157 0.001"));
    assertThat(app.fromApp()).as("the last try answered 502 with a body: the app's").isTrue();
  }

  @Test
  void dashesAndOffsets() {
    AccessLine a =
        NginxLogParser.access(
            "10.0.0.1 - alice [01/Dec/2026:12:58:30 +0100] \"GET / HTTP/1.1\" 504 0 \"-\" \"Mozilla/5.0 (X11)\""
                + " 77 5.001 [shop-web-80] [] 10.244.1.5:8080 0 5.000 - abc");
    assertThat(a.time()).isEqualTo(Instant.parse("2026-12-01T11:58:30Z"));
    assertThat(a.lastUpstreamStatus()).isNull();
    assertThat(a.fromApp()).isFalse();
  }

  @Test
  void errorLines() {
    ErrorLine e =
        NginxLogParser.error(
            "2026/12/01 11:58:29 [error] 32#32: *1234 connect() failed (111: Connection refused) while"
                + " connecting to upstream, client: 10.0.0.1, server: shop.example.com, request: \"GET /cart HTTP/1.1\", upstream:"
                + " \"http://10.244.1.5:8080/cart\", host: \"shop.example.com\"");
    assertThat(e.reason()).isEqualTo(ErrorLine.Reason.refused);
    assertThat(e.upstreamAddr()).isEqualTo("10.244.1.5:8080");
    assertThat(e.server()).isEqualTo("shop.example.com");
    assertThat(e.message()).startsWith("*1234 connect() failed (111: Connection refused)");
    for (var c :
        List.of(
            List.of(
                "recv() failed (104: Connection reset by peer) while reading response header from upstream",
                "reset"),
            List.of(
                "upstream prematurely closed connection while reading response header from upstream",
                "prematureClose"),
            List.of(
                "upstream sent too big header while reading response header from upstream",
                "headersTooLarge"),
            List.of(
                "upstream sent no valid HTTP/1.0 header while reading response header from upstream",
                "invalidResponse"),
            List.of(
                "upstream timed out (110: Connection timed out) while reading response header from upstream",
                "timeout"),
            List.of(
                "upstream timed out (110: Connection timed out) while connecting to upstream",
                "connectTimeout"),
            // nginx spoke TLS to a plain backend: the protocol is wrong, not the certificate
            List.of(
                "SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream",
                "tlsToPlain"),
            // a backend that wants a client certificate ends the handshake: nginx logs a reset
            // inside the handshake, a TLS failure
            List.of(
                "peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking to upstream",
                "tls"),
            List.of(
                "upstream SSL certificate verify error: (20:unable to get local issuer certificate) while SSL handshaking to upstream",
                "tls"),
            // the two below as nginx 1.22 (Debian 12, OpenSSL 3) wrote them in
            // AnalyzeGatewayLogTest
            List.of(
                "upstream SSL certificate verify error: (18:self-signed certificate) while SSL handshaking to upstream",
                "tls"),
            List.of(
                "SSL_do_handshake() failed (SSL: error:0A000412:SSL routines::sslv3 alert bad certificate:SSL alert number 42)"
                    + " while SSL handshaking to upstream",
                "tls"),
            List.of(
                "upstream SSL certificate does not match \"web.shop.svc\" while SSL handshaking to upstream",
                "tls"),
            List.of(
                "SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40)"
                    + " while SSL handshaking to upstream",
                "tls"),
            List.of(
                "SSL_read() failed (SSL: error:0A00045C:SSL routines::tlsv13 alert certificate required:SSL alert number 116)"
                    + " while reading response header from upstream",
                "tls"))) {
      ErrorLine x =
          NginxLogParser.error(
              "2026/12/01 11:58:29 [error] 32#32: *9 "
                  + c.get(0)
                  + ", client: 10.0.0.1, server: _,"
                  + " request: \"GET / HTTP/1.1\", upstream: \"https://10.244.1.5:8443/\", host: \"x\"");
      assertThat(x).as(c.get(0)).isNotNull();
      assertThat(x.reason().name()).isEqualTo(c.get(1));
      assertThat(x.upstreamAddr()).isEqualTo("10.244.1.5:8443");
    }
  }

  /**
   * What follows "upstream sent invalid header:" is the backend's own bytes: a backend cannot name
   * its failure there.
   */
  @Test
  void aBackendsInvalidHeaderCannotPassForATlsFailure() {
    ErrorLine e =
        NginxLogParser.error(
            "2026/12/01 11:58:29 [error] 32#32: *9 upstream sent invalid header: \"X-A: SSL_do_handshake() failed"
                + " while SSL handshaking to upstream\" while reading response header from upstream, client: 10.0.0.1, server: _, request:"
                + " \"GET / HTTP/1.1\", upstream: \"http://10.244.1.5:8080/\", host: \"x\"");
    assertThat(e.reason()).isEqualTo(ErrorLine.Reason.invalidResponse);
  }

  @Test
  void garbageTruncatedHugeAndBinaryLinesAreSkippedNotFatal() {
    GatewayEvidence.Builder b =
        new GatewayEvidence.Builder(
            Instant.parse("2026-12-01T12:00:00Z"), java.time.Duration.ofMinutes(10));
    assertThat(b.line("")).isFalse();
    assertThat(
            b.line("I1201 11:58:30.000000 7 controller.go:190] \"Configuration changes detected\""))
        .isFalse();
    assertThat(b.line(RETRIED.substring(0, 60))).isFalse();
    assertThat(b.line("x".repeat(5_000_000))).isFalse();
    assertThat(b.line("\u00ff\u00fe\u0000[01/Dec/2026:11:58:30 +0000] \"\u0080\"")).isFalse();
    assertThat(
            b.line(
                "2026/13/45 99:99:99 [error] 1#1: *1 connect() failed (111: Connection refused), upstream: \"http://a:1/\""))
        .isFalse();
    assertThat(b.line(RETRIED)).isTrue();
    GatewayEvidence e = b.build();
    assertThat(e.skipped()).isEqualTo(6);
    assertThat(e.upstream("shop-cart-80").requests).isEqualTo(1);
  }

  static String line(
      String ua, String status, String upstream, String alt, String addr, String len, String ust) {
    return "10.0.0.1 - - [01/Dec/2026:12:58:30 +0100] \"GET /x HTTP/1.1\" "
        + status
        + " 0 \"-\" \""
        + ua
        + "\" 81 0.004 ["
        + upstream
        + "] ["
        + alt
        + "] "
        + addr
        + " "
        + len
        + " 0.001 "
        + ust
        + " id1";
  }

  @Test
  void oddButRealLinesAreAttributedRight() {
    AccessLine fb =
        NginxLogParser.access(
            line(
                "Mozilla/5.0 (iPhone) [FBAN/FBIOS;FBAV/400.0]",
                "200",
                "shop-web-80",
                "",
                "10.244.1.5:8080",
                "12",
                "200"));
    assertThat(fb.upstream()).as("a [ in the user agent is no field").isEqualTo("shop-web-80");
    assertThat(fb.upstreamAddrs()).containsExactly("10.244.1.5:8080");
    AccessLine canary =
        NginxLogParser.access(
            line(
                "curl", "502", "shop-web-80", "shop-web-canary-80", "10.244.3.9:8080", "0", "502"));
    assertThat(canary.upstream()).isEqualTo("shop-web-canary-80");
    GatewayEvidence.Builder b =
        new GatewayEvidence.Builder(
            Instant.parse("2026-12-01T12:00:00Z"), java.time.Duration.ofMinutes(10));
    b.line(line("curl", "304", "shop-web-80", "", "10.244.1.5:8080", "0", "304"));
    b.line(line("curl", "499", "shop-web-80", "", "10.244.1.5:8080", "-", "-"));
    b.line(line("curl", "502", "shop-web-80", "", "10.244.1.6:8080", "0", "502"));
    // the error log carries no offset: read in the access lines' (+0100), 12:58:29 local is
    // 11:58:29Z
    b.line(
        "2026/12/01 12:58:29 [error] 32#32: *7 connect() failed (111: Connection refused) while connecting to upstream,"
            + " client: 10.0.0.1, server: _, request: \"GET /x HTTP/1.1\", upstream: \"http://10.244.1.6:8080/x\", host: \"x\"");
    GatewayEvidence e = b.build();
    assertThat(e.address("10.244.1.5:8080").gatewayErrors())
        .as("a 304 without body and a 499 are no gateway errors")
        .isZero();
    assertThat(e.address("10.244.1.6:8080").gateway502()).isEqualTo(1);
    assertThat(e.address("10.244.1.6:8080").reasons).containsEntry(ErrorLine.Reason.refused, 1L);
    assertThat(e.newest()).isEqualTo(Instant.parse("2026-12-01T11:58:30Z"));
    // a reason in the client's own request or referrer is no reason
    ErrorLine spoof =
        NginxLogParser.error(
            "2026/12/01 11:58:29 [error] 32#32: *8 upstream timed out (110: Connection timed out)"
                + " while reading response header from upstream, client: 10.0.0.1, server: _, request: \"GET /(111: Connection refused)"
                + " HTTP/1.1\", upstream: \"http://10.244.1.5:8080/\", host: \"x\", referrer: \"(104: Connection reset by peer)\"");
    assertThat(spoof.reason()).isEqualTo(ErrorLine.Reason.timeout);
  }

  /**
   * The hand-made conversion of $time_local gives what java.time gives, and null where it throws.
   */
  @Test
  void localTimeAgreesWithJavaTime() {
    java.util.Random r = new java.util.Random(42);
    java.time.format.DateTimeFormatter f =
        java.time.format.DateTimeFormatter.ofPattern(
            "dd/MMM/yyyy:HH:mm:ss xx", java.util.Locale.ROOT);
    for (int i = 0; i < 5000; i++) {
      // a fresh minute each time, so no line is served from the last minute's cache
      java.time.OffsetDateTime t =
          Instant.ofEpochSecond(1_600_000_000L + r.nextInt(400_000_000))
              .atOffset(
                  java.time.ZoneOffset.ofTotalSeconds(
                      (r.nextInt(35) - 17) * 3600 + (r.nextBoolean() ? 1800 : 0)));
      String s = f.format(t);
      assertThat(NginxLogParser.localTime(s, 0, s.length())).as(s).isEqualTo(t.toInstant());
    }
    // many lines of one day, out of time order: the day's cache
    java.time.OffsetDateTime day = java.time.OffsetDateTime.parse("2026-12-01T00:00:00-05:30");
    for (int i = 0; i < 5000; i++) {
      java.time.OffsetDateTime t = day.plusSeconds(r.nextInt(86400));
      String s = f.format(t);
      assertThat(NginxLogParser.localTime(s, 0, s.length())).as(s).isEqualTo(t.toInstant());
    }
    for (String bad :
        List.of(
            "31/Feb/2026:11:58:30 +0000",
            "01/Dec/2026:24:00:00 +0000",
            "01/Dec/2026:11:60:00 +0000",
            "01/Dec/2026:11:58:60 +0000",
            "01/Dec/2026:11:58:30 +1900",
            "01/Dec/2026:11:58:30 +1801",
            "01/Dec/2026:11:58:30 +0060",
            "01/Foo/2026:11:58:30 +0000")) {
      assertThat(NginxLogParser.localTime(bad, 0, bad.length())).as(bad).isNull();
    }
  }
}
