package io.gatewaydoctor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol cases against a real nginx: one HTTPS server and one plain HTTP server on loopback.
 */
class NginxProtocolTest {
  static final String IP = "127.0.0.91";
  static RealNginx nginx;
  static int tlsPort;
  static int plainPort;
  final HttpProber prober = new HttpProber();

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    Path[] cert = RealNginx.certificate(dir);
    tlsPort = RealNginx.freePort(IP);
    plainPort = RealNginx.freePort(IP);
    nginx =
        RealNginx.start(
            dir,
            """
          server {
            listen %1$s:%2$d ssl;
            ssl_certificate %4$s;
            ssl_certificate_key %5$s;
            location / { return 200 "tls ok\\n"; }
          }
          server {
            listen %1$s:%3$d;
            location / { return 200 "plain ok\\n"; }
          }
        """
                .formatted(IP, tlsPort, plainPort, cert[0], cert[1]),
            IP,
            tlsPort,
            plainPort);
  }

  @AfterAll
  static void stop() {
    nginx.close();
  }

  static ProbeTarget target(int port, boolean tls) {
    return new ProbeTarget(IP, port, "web-0", tls, "shop.example.com", "/", 2000, 4096, 65536);
  }

  @Test
  void plainHttpToAnHttpsServerIsTlsExpected() {
    Probe p = prober.probe(target(tlsPort, false));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.tlsExpected);
    assertThat(p.detail()).contains("plain HTTP request was sent to HTTPS port");
  }

  @Test
  void tlsToAPlainServerIsPlainExpected() {
    Probe p = prober.probe(target(plainPort, true));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.plainExpected);
  }

  @Test
  void matchingProtocolsAreOk() {
    assertThat(prober.probe(target(tlsPort, true)).status()).isEqualTo(200);
    assertThat(prober.probe(target(plainPort, false)).status()).isEqualTo(200);
  }
}
