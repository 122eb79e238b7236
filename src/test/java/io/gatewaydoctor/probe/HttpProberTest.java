package io.gatewaydoctor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prober against real loopback servers that misbehave in each way a gateway meets. */
class HttpProberTest {
  static final String IP = "127.0.0.61";
  static Path keystore;
  Backends backends;
  final HttpProber prober = new HttpProber();

  @BeforeAll
  static void keys(@TempDir Path dir) throws Exception {
    keystore = Backends.keystore(dir);
  }

  @BeforeEach
  void start() {
    backends = new Backends();
  }

  @AfterEach
  void stop() throws Exception {
    backends.close();
  }

  static ProbeTarget target(int port, boolean tls, int timeoutMillis) {
    return new ProbeTarget(
        IP,
        port,
        "web-0",
        tls,
        "shop.example.com",
        "/healthz",
        timeoutMillis,
        ProbeTarget.DEFAULT_HEADER_LIMIT,
        ProbeTarget.DEFAULT_BYTE_CAP);
  }

  Probe probe(Backends.Behaviour b) throws Exception {
    return prober.probe(target(backends.start(IP, b), false, 1000));
  }

  @Test
  void aCompleteResponseIsOkAndTheRequestLooksLikeTheGateways() throws Exception {
    String[] seen = new String[1];
    Probe p =
        probe(
            s -> {
              seen[0] = Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            });
    assertThat(p.outcome()).isEqualTo(Outcome.ok);
    assertThat(p.status()).isEqualTo(200);
    assertThat(seen[0])
        .startsWith("GET /healthz HTTP/1.1\r\n")
        .contains("Host: shop.example.com\r\n");
  }

  @Test
  void anErrorStatusIsHttp5xx() throws Exception {
    Probe p =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
            });
    assertThat(p.outcome()).isEqualTo(Outcome.http5xx);
    assertThat(p.status()).isEqualTo(503);
  }

  @Test
  void nothingListeningIsRefused() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getByName(IP))) {
      port = ss.getLocalPort();
    }
    assertThat(prober.probe(target(port, false, 1000)).outcome()).isEqualTo(Outcome.refused);
  }

  @Test
  void aResetAfterTheRequestIsReset() throws Exception {
    Probe p =
        probe(
            s -> {
              Backends.readRequest(s);
              s.setSoLinger(true, 0); // close with RST
            });
    assertThat(p.outcome()).isEqualTo(Outcome.reset);
    assertThat(p.afterRequest()).isTrue();
  }

  /**
   * #18 item 5: the TLS retry (a plain request that got a close) has what is left of the probe's
   * one deadline: a backend that waits 700 ms before closing every connection, plain or TLS, costs
   * one 1 s timeout in all, not 700 ms and then another full timeout.
   */
  @Test
  void theTlsRetryKeepsTheProbesOneDeadline() throws Exception {
    int port =
        backends.start(
            IP,
            s -> {
              s.getInputStream().read(new byte[4096]);
              Thread.sleep(700);
            });
    long t0 = System.nanoTime();
    Probe p = prober.probe(target(port, false, 1000));
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertThat(p.outcome()).isEqualTo(Outcome.prematureClose);
    assertThat(took)
        .as("the retry had the 300 ms left, not a second second")
        .isBetween(650L, 1000L + HttpProber.DEADLINE_SLACK_MILLIS + 250L);
  }

  @Test
  void aCleanCloseWithoutResponseOrInTheBodyIsPrematureClose() throws Exception {
    Probe none = probe(Backends::readRequest);
    assertThat(none.outcome()).isEqualTo(Outcome.prematureClose);
    assertThat(none.detail()).isEqualTo("closed without a response");
    Probe cut =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
            });
    assertThat(cut.outcome()).isEqualTo(Outcome.prematureClose);
    assertThat(cut.status()).isEqualTo(200);
    assertThat(cut.detail()).contains("10 body bytes of 100");
  }

  @Test
  void somethingThatIsNotHttpIsInvalidResponse() throws Exception {
    Probe p =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "SSH-2.0-OpenSSH_9.6\r\n\r\n");
            });
    assertThat(p.outcome()).isEqualTo(Outcome.invalidResponse);
    assertThat(p.detail())
        .as("fixed words, never the backend's bytes")
        .isEqualTo("not an HTTP response: an SSH banner")
        .doesNotContain("OpenSSH");
  }

  /**
   * Bytes that cannot begin a status line, then a close, before any header end: nginx calls that
   * "upstream sent no valid HTTP/1.0 header" (an invalid response), not a premature close; a cut
   * status line that did begin like HTTP stays a premature close.
   */
  @Test
  void notHttpBytesThenCloseIsInvalidResponseNotPrematureClose() throws Exception {
    Probe p =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "hello from a raw TCP server\n");
            });
    assertThat(p.outcome()).isEqualTo(Outcome.invalidResponse);
    assertThat(p.detail())
        .isEqualTo("not an HTTP response: 28 bytes that do not begin a status line, then closed");
    Probe cutHttp =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 O");
            });
    assertThat(cutHttp.outcome()).isEqualTo(Outcome.prematureClose);
  }

  @Test
  void aHeaderLargerThanTheProxyBufferIsHeadersTooLarge() throws Exception {
    Probe p =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(
                  s,
                  "HTTP/1.1 200 OK\r\nSet-Cookie: session="
                      + "x".repeat(6000)
                      + "\r\nContent-Length: 0\r\n\r\n");
            });
    assertThat(p.outcome()).isEqualTo(Outcome.headersTooLarge);
    assertThat(p.headerBytes()).isGreaterThan(6000);
    assertThat(p.detail()).contains("exceeds the gateway's 4096-byte proxy buffer");
  }

  @Test
  void tlsWherePlainHttpWasSentIsTlsExpected() throws Exception {
    int port =
        backends.startTls(
            IP,
            keystore,
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            });
    Probe p = prober.probe(target(port, false, 2000));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.tlsExpected);
    assertThat(prober.probe(target(port, true, 2000)).outcome())
        .as("the same backend over TLS")
        .isEqualTo(Outcome.ok);
  }

  @Test
  void plainHttpWhereTlsWasSentIsPlainExpected() throws Exception {
    int port =
        backends.start(
            IP,
            s -> {
              s.getInputStream()
                  .read(
                      new byte
                          [1024]); // a ClientHello is no HTTP request: answer 400 as HTTP servers
              // do
              Backends.write(
                  s, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            });
    Probe p = prober.probe(target(port, true, 2000));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.plainExpected);
  }

  @Test
  void silenceAndSlowlorisCostAtMostTheTimeout() throws Exception {
    Probe silent =
        prober.probe(
            target(
                backends.start(
                    IP,
                    s -> {
                      Backends.readRequest(s);
                      Thread.sleep(5000);
                    }),
                false,
                300));
    assertThat(silent.outcome()).isEqualTo(Outcome.readTimeout);
    long t0 = System.nanoTime();
    Probe drip =
        prober.probe(
            target(
                backends.start(
                    IP,
                    s -> {
                      Backends.readRequest(s);
                      for (int i = 0; i < 200; i++) {
                        Backends.write(s, i == 0 ? "HTTP/1.1 200 OK\r\n" : "X");
                        Thread.sleep(20);
                      }
                    }),
                false,
                300));
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertThat(drip.outcome()).isEqualTo(Outcome.readTimeout);
    assertThat(took).as("ms").isLessThan(1500);
  }

  @Test
  void endlessHeadersAndBodiesStopAtTheByteCap() throws Exception {
    Probe headers =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 OK\r\n");
              for (int i = 0; i < 100_000; i++) {
                Backends.write(s, "X-Filler-" + i + ": " + "y".repeat(100) + "\r\n");
              }
            });
    assertThat(headers.outcome()).isEqualTo(Outcome.headersTooLarge);
    Probe body =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
              for (int i = 0; i < 100_000; i++) {
                Backends.write(s, "z".repeat(1000));
              }
            });
    assertThat(body.outcome()).isEqualTo(Outcome.ok);
    assertThat(body.detail()).contains("body read up to 65536 bytes");
  }

  @Test
  void namesAreNeverResolved() {
    Probe p =
        prober.probe(new ProbeTarget("localhost", 80, null, false, null, "/", 500, 4096, 65536));
    assertThat(p.outcome()).isEqualTo(Outcome.error);
    assertThat(p.detail()).contains("not an IP address");
  }

  @Test
  void hostAndPathFromObjectsCannotInjectHeaders() throws Exception {
    String[] seen = new String[1];
    int port =
        backends.start(
            IP,
            s -> {
              seen[0] = Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            });
    Probe p =
        prober.probe(
            new ProbeTarget(
                IP,
                port,
                null,
                false,
                "shop.example.com\r\nX-Evil: 1",
                "/x HTTP/1.1\r\nX-Evil: 2",
                1000,
                4096,
                65536));
    assertThat(p.outcome()).isEqualTo(Outcome.ok);
    assertThat(seen[0])
        .startsWith("GET / HTTP/1.1\r\nHost: " + IP + ":" + port + "\r\n")
        .doesNotContain("X-Evil");
  }

  @Test
  void unusualButValidResponsesAreRead() throws Exception {
    Probe bareLf =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi");
            });
    assertThat(bareLf.outcome()).as(bareLf.detail()).isEqualTo(Outcome.ok);
    Probe trailers =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(
                  s,
                  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
                      + "5;ext=1\r\nhello\r\n0\r\nX-Sum: abc\r\n\r\n");
              Thread.sleep(
                  1500); // keeps the connection: the body's own end must tell it is complete
            });
    assertThat(trailers.outcome()).as(trailers.detail()).isEqualTo(Outcome.ok);
    Probe early =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(
                  s,
                  "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                      + "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
            });
    assertThat(early.outcome()).as(early.detail()).isEqualTo(Outcome.http5xx);
    assertThat(early.status()).isEqualTo(500);
  }

  /**
   * #18 item 12: a Content-Length or chunk size that is not a number is an invalid response (nginx
   * answers 502 "upstream sent invalid "Content-Length" header"), never an exception or a loop that
   * outlives the deadline; the keep-alive meter says it cannot tell.
   */
  @Test
  void malformedLengthsAndChunkSizesAreJudgedNeverThrown() throws Exception {
    for (String length : List.of("-5", "5, 6", "abc", "99999999999999999999")) {
      Probe p =
          probe(
              s -> {
                Backends.readRequest(s);
                Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\nhello");
              });
      assertThat(p.outcome()).as(length).isEqualTo(Outcome.invalidResponse);
      assertThat(p.detail()).isEqualTo("an invalid Content-Length header");
    }
    long t0 = System.nanoTime();
    Probe negativeChunk =
        probe(
            s -> {
              Backends.readRequest(s);
              Backends.write(
                  s,
                  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + "-5\r\nhello\r\n0\r\n\r\n");
            });
    assertThat(negativeChunk.outcome())
        .as(negativeChunk.detail())
        .isEqualTo(Outcome.invalidResponse);
    assertThat(negativeChunk.detail()).isEqualTo("an invalid chunked body");
    assertThat((System.nanoTime() - t0) / 1_000_000).as("ms").isLessThan(1500);
    int port =
        backends.start(
            IP,
            s -> {
              Backends.readRequest(s);
              Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n");
              Thread.sleep(500);
            });
    KeepAlive k = KeepAliveMeter.measure(target(port, false, 1000), Duration.ofSeconds(1));
    assertThat(k.measured()).isFalse();
    assertThat(k.detail()).contains("unreadable Content-Length");
  }

  /**
   * #18 item 5: the keep-alive meter keeps its one hard deadline against a backend that drips its
   * response a byte every 100 ms (no read ever times out): it gives up within twice the probe
   * timeout plus the idle wait, not when the backend is done.
   */
  @Test
  void aDrippingBackendCannotHoldTheKeepAliveMeter() throws Exception {
    int port =
        backends.start(
            IP,
            s -> {
              Backends.readRequest(s);
              var out = s.getOutputStream();
              byte[] head =
                  "HTTP/1.1 200 OK\r\nX-Slow: "
                      .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
              out.write(head);
              for (int i = 0; i < 200; i++) { // 20 s of drip
                out.write('a');
                out.flush();
                Thread.sleep(100);
              }
            });
    long t0 = System.nanoTime();
    KeepAlive k = KeepAliveMeter.measure(target(port, false, 500), Duration.ofSeconds(1));
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertThat(k.measured()).isFalse();
    assertThat(took).isLessThan(2L * 500 + 1000 + HttpProber.DEADLINE_SLACK_MILLIS + 500);
  }

  @Test
  void onlyDottedQuadsAndIpv6AreAddresses() {
    assertThat(HttpProber.isLiteral("10.0.0.1")).isTrue();
    assertThat(HttpProber.isLiteral("fd00::1")).isTrue();
    assertThat(HttpProber.isLiteral("cafe")).as("a hex word is a name").isFalse();
    assertThat(HttpProber.isLiteral("1.2.3")).isFalse();
    assertThat(HttpProber.isLiteral("web.shop.svc")).isFalse();
  }

  /**
   * The handshake the gateway would make: a backend that requires a client certificate (the gateway
   * sends none without proxy-ssl-secret) is a TLS failure in fixed words, and the SNI name
   * ingress-nginx sends with proxy-ssl-server-name reaches the backend.
   */
  @Test
  void aBackendThatRequiresAClientCertificateIsATlsFailureAndSniIsSent() throws Exception {
    int mtls = backends.startTls(IP, 0, keystore, true, Backends::ok);
    Probe p = prober.probe(target(mtls, true, 2000));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.tlsFailed);
    assertThat(p.detail()).isEqualTo("the backend requires a client certificate");
    String[] sni = new String[1];
    Backends.Behaviour recordSni =
        s -> {
          Backends.readRequest(s);
          var names =
              ((javax.net.ssl.ExtendedSSLSession) ((javax.net.ssl.SSLSocket) s).getSession())
                  .getRequestedServerNames();
          sni[0] =
              names.isEmpty() ? "none" : ((javax.net.ssl.SNIHostName) names.get(0)).getAsciiName();
          Backends.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        };
    // two servers: a resumed TLS session would carry the first connection's (absent) name
    int plain = backends.startTls("127.0.0.62", 0, keystore, false, recordSni);
    int named = backends.startTls("127.0.0.63", 0, keystore, false, recordSni);
    var t =
        new ProbeTarget(
            "127.0.0.63",
            named,
            "web-0",
            true,
            "shop.example.com",
            "/",
            2000,
            ProbeTarget.DEFAULT_HEADER_LIMIT,
            ProbeTarget.DEFAULT_BYTE_CAP,
            "web.shop.svc");
    var noSni =
        new ProbeTarget(
            "127.0.0.62",
            plain,
            "web-0",
            true,
            "shop.example.com",
            "/",
            2000,
            ProbeTarget.DEFAULT_HEADER_LIMIT,
            ProbeTarget.DEFAULT_BYTE_CAP);
    assertThat(prober.probe(noSni).outcome()).isEqualTo(Outcome.ok);
    assertThat(sni[0])
        .as("ingress-nginx sends no SNI by default, nor does the prober")
        .isEqualTo("none");
    assertThat(prober.probe(t).outcome()).isEqualTo(Outcome.ok);
    assertThat(sni[0]).isEqualTo("web.shop.svc");
  }

  /**
   * A TLS backend that drips its handshake one byte at a time never lets a read time out; the
   * probe's one deadline still ends it (the socket is closed), so the thread is free after the
   * timeout.
   */
  @Test
  void aDrippingTlsHandshakeEndsAtTheProbesDeadline() throws Exception {
    int port =
        backends.start(
            IP,
            s -> {
              s.getInputStream().read(new byte[1024]); // the ClientHello
              var out = s.getOutputStream();
              out.write(
                  new byte[] {
                    0x16, 0x03, 0x03, 0x40, 0x00
                  }); // a handshake record of 16 KiB is coming...
              out.flush();
              for (int i = 0; i < 40; i++) { // ...one byte every 150 ms, at most 6 s
                Thread.sleep(150);
                out.write(0x02);
                out.flush();
              }
            });
    long t0 = System.nanoTime();
    Probe p = prober.probe(target(port, true, 1000));
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertThat(p.outcome()).isEqualTo(Outcome.readTimeout);
    assertThat(took).as("ms").isLessThan(2500);
  }

  /**
   * A tenant's proxy-buffer-size of 1 MiB does not make the prober hold 1 MiB: it keeps 64 KiB and
   * counts the rest. A 200 KiB header under that limit is an answer; 1.5 MiB is too large.
   */
  @Test
  void aLargeGatewayBufferIsCountedNotHeld() throws Exception {
    java.util.function.IntFunction<Backends.Behaviour> header =
        size ->
            s -> {
              Backends.readRequest(s);
              var out = s.getOutputStream();
              out.write(
                  "HTTP/1.1 200 OK\r\nX-Big: "
                      .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
              byte[] chunk =
                  "a".repeat(8192).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
              for (int sent = 0; sent < size; sent += chunk.length) {
                out.write(chunk);
              }
              out.write(
                  "\r\nContent-Length: 0\r\n\r\n"
                      .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
              out.flush();
            };
    int mib = 1024 * 1024;
    var fits =
        new ProbeTarget(
            IP,
            backends.start(IP, header.apply(200 * 1024)),
            "web-0",
            false,
            "shop.example.com",
            "/",
            3000,
            mib,
            ProbeTarget.DEFAULT_BYTE_CAP);
    Probe ok = prober.probe(fits);
    assertThat(ok.outcome()).as(ok.detail()).isEqualTo(Outcome.ok);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.headerBytes()).isGreaterThan(200 * 1024);
    var big =
        new ProbeTarget(
            "127.0.0.64",
            backends.start("127.0.0.64", header.apply(3 * mib / 2)),
            "web-0",
            false,
            "shop.example.com",
            "/",
            3000,
            mib,
            ProbeTarget.DEFAULT_BYTE_CAP);
    Probe tooLarge = prober.probe(big);
    assertThat(tooLarge.outcome()).isEqualTo(Outcome.headersTooLarge);
    assertThat(tooLarge.detail()).contains("larger than 1048576 bytes");
  }
}
