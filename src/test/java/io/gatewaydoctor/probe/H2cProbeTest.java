package io.gatewaydoctor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probes in HTTP/2 with prior knowledge (h2c), as an Envoy-based data plane speaks to a Service
 * port with {@code appProtocol: kubernetes.io/h2c}, against a real nginx: one server speaking h2c
 * (nginx 1.22's {@code listen ... http2} without TLS), one speaking HTTP/1.1 only.
 */
class H2cProbeTest {
  static final String IP = "127.0.0.98";
  static RealNginx nginx;
  static int h2cPort;
  static int http1Port;
  final HttpProber prober = new HttpProber();

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    h2cPort = RealNginx.freePort(IP);
    http1Port = RealNginx.freePort(IP);
    nginx =
        RealNginx.start(
            dir,
            """
          server {
            listen %1$s:%2$d http2;
            location / { return 200 "h2c ok\\n"; }
            location /broken { return 502; }
            location /teapot { return 418; }
            location /big {
              add_header X-Big-1 %4$s; add_header X-Big-2 %4$s; add_header X-Big-3 %4$s;
              return 200;
            }
          }
          server {
            listen %1$s:%3$d;
            location / { return 200 "http/1.1 ok\\n"; }
          }
        """
                .formatted(IP, h2cPort, http1Port, "b".repeat(2500)),
            IP,
            h2cPort,
            http1Port);
  }

  @AfterAll
  static void stop() {
    nginx.close();
  }

  static ProbeTarget h2c(int port, String path) {
    return new ProbeTarget(IP, port, "web-0", false, "grpc.example.com", path, 2000, 4096, 65536)
        .withH2c(true);
  }

  @Test
  void anH2cBackendAnswersInHttp2() {
    Probe p = prober.probe(h2c(h2cPort, "/"));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.ok);
    assertThat(p.status()).isEqualTo(200);
    assertThat(p.detail()).isEqualTo("HTTP/2 (h2c) 200");
  }

  @Test
  void statusesOutsideHpacksStaticTableAreRead() {
    Probe p = prober.probe(h2c(h2cPort, "/broken"));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.http5xx);
    assertThat(p.status()).isEqualTo(502);
    assertThat(prober.probe(h2c(h2cPort, "/teapot")).status()).isEqualTo(418);
  }

  @Test
  void anHttp1OnlyBackendDoesNotSpeakH2c() {
    Probe p = prober.probe(h2c(http1Port, "/"));
    assertThat(p.outcome()).isEqualTo(Outcome.http1Expected);
    assertThat(p.detail()).contains("does not speak h2c");
  }

  @Test
  void aPortWithNothingListeningIsRefused() throws Exception {
    Probe p = prober.probe(h2c(RealNginx.freePort(IP), "/"));
    assertThat(p.outcome()).isEqualTo(Outcome.refused);
  }

  @Test
  void theRequestIsHpackAsTheRfcSpellsIt() {
    // RFC 7541 C.2.1's integer examples: 10 in a 5-bit prefix, 1337 in a 5-bit prefix
    var b = new java.io.ByteArrayOutputStream();
    H2cExchange.integer(b, 0, 5, 10);
    H2cExchange.integer(b, 0, 5, 1337);
    assertThat(b.toByteArray()).containsExactly(10, 31, 154 - 256, 10);
    assertThat(H2cExchange.headerBlock("a", "/x"))
        .startsWith(0x82 - 256, 0x86 - 256, 0x04, 2, '/', 'x', 0x01, 1, 'a');
  }

  /** Response headers are held to the gateway's buffer, as an HTTP/1.1 answer's are. */
  @Test
  void headersLargerThanTheGatewayAcceptsAreTooLarge() {
    ProbeTarget big =
        new ProbeTarget(IP, h2cPort, "web-0", false, "grpc.example.com", "/big", 2000, 61440, 65536)
            .withH2c(true);
    assertThat(prober.probe(big).outcome()).isEqualTo(Outcome.ok); // within Envoy's 60 KiB
    Probe small =
        prober.probe(
            new ProbeTarget(
                    IP, h2cPort, "web-0", false, "grpc.example.com", "/big", 2000, 4096, 65536)
                .withH2c(true));
    assertThat(small.outcome()).as(small.detail()).isEqualTo(Outcome.headersTooLarge);
  }
}
