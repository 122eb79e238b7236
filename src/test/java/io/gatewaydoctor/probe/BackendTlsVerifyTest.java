package io.gatewaydoctor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probes that verify a backend's certificate as a BackendTLSPolicy asks (its CA, its hostname as
 * SNI and as the name the certificate must carry), against a real nginx serving a certificate that
 * openssl signed with a CA of the test's.
 */
class BackendTlsVerifyTest {
  static final String IP = "127.0.0.95";
  static RealNginx nginx;
  static int tlsPort;
  static int plainPort;
  static int cnOnlyPort;
  static String ca;
  static String otherCa;
  final HttpProber prober = new HttpProber();

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    RealNginx.caSignedCertificate(dir);
    ca = Files.readString(dir.resolve("ca.crt"));
    otherCa = Files.readString(dir.resolve("other-ca.crt"));
    tlsPort = RealNginx.freePort(IP);
    plainPort = RealNginx.freePort(IP);
    cnOnlyPort = RealNginx.freePort(IP);
    nginx =
        RealNginx.start(
            dir,
            """
          server {
            listen %1$s:%2$d ssl;
            ssl_certificate %4$s/web.crt;
            ssl_certificate_key %4$s/web.key;
            location / { return 200 "tls ok\\n"; }
          }
          server {
            listen %1$s:%3$d;
            location / { return 200 "plain ok\\n"; }
          }
          server {
            listen %1$s:%5$d ssl;
            ssl_certificate %4$s/cn-only.crt;
            ssl_certificate_key %4$s/cn-only.key;
            location / { return 200 "tls ok\\n"; }
          }
        """
                .formatted(IP, tlsPort, plainPort, dir, cnOnlyPort),
            IP,
            tlsPort,
            plainPort,
            cnOnlyPort);
  }

  @AfterAll
  static void stop() {
    nginx.close();
  }

  static ProbeTarget verifying(int port, String caPem, String hostname) {
    return new ProbeTarget(
            IP, port, "web-0", true, "shop.example.com", "/", 2000, 4096, 65536, hostname)
        .withVerify(new TlsVerification(caPem, hostname, "BackendTLSPolicy shop/web-tls"));
  }

  @Test
  void aCertificateOfThePolicysCaForItsHostnameIsOk() {
    Probe p = prober.probe(verifying(tlsPort, ca, "web.shop.svc"));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.ok);
    assertThat(p.status()).isEqualTo(200);
  }

  @Test
  void anotherHostnameIsRefusedAndTheCertificatesNamesSaid() {
    Probe p = prober.probe(verifying(tlsPort, ca, "api.shop.svc"));
    assertThat(p.outcome()).isEqualTo(Outcome.tlsFailed);
    assertThat(p.detail())
        .isEqualTo(
            "the backend's certificate (web.shop.svc) does not name api.shop.svc, the hostname of"
                + " BackendTLSPolicy shop/web-tls");
  }

  @Test
  void anotherCaIsRefused() {
    Probe p = prober.probe(verifying(tlsPort, otherCa, "web.shop.svc"));
    assertThat(p.outcome()).isEqualTo(Outcome.tlsFailed);
    assertThat(p.detail())
        .isEqualTo(
            "the backend's certificate (web.shop.svc) is not signed by the CA of BackendTLSPolicy"
                + " shop/web-tls");
  }

  @Test
  void theWellKnownCasDoNotTrustAPrivateOne() {
    Probe p = prober.probe(verifying(tlsPort, null, "web.shop.svc"));
    assertThat(p.outcome()).isEqualTo(Outcome.tlsFailed);
    assertThat(p.detail()).contains("is not signed by a well-known CA of BackendTLSPolicy");
  }

  @Test
  void aPlainBackendUnderAPolicyIsPlainExpected() {
    Probe p = prober.probe(verifying(plainPort, ca, "web.shop.svc"));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.plainExpected);
  }

  @Test
  void caTextThatIsNoCertificateSaysSo() {
    Probe p =
        prober.probe(verifying(tlsPort, "-----BEGIN CERTIFICATE-----\nnope\n", "web.shop.svc"));
    assertThat(p.outcome()).isEqualTo(Outcome.error);
    assertThat(p.detail())
        .isEqualTo("the CA certificates of BackendTLSPolicy shop/web-tls cannot be read as PEM");
  }

  @Test
  void withoutAPolicyAnyCertificateIsTaken() {
    Probe p =
        prober.probe(
            new ProbeTarget(
                IP, tlsPort, "web-0", true, "shop.example.com", "/", 2000, 4096, 65536));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.ok);
  }

  static ProbeTarget withSans(String hostname, String... sans) {
    return new ProbeTarget(
            IP, tlsPort, "web-0", true, "shop.example.com", "/", 2000, 4096, 65536, hostname)
        .withVerify(
            new TlsVerification(ca, hostname, List.of(sans), "BackendTLSPolicy shop/web-tls"));
  }

  @Test
  void withSubjectAltNamesTheHostnameIsOnlyTheSni() {
    Probe p = prober.probe(withSans("lb.shop.internal", "Hostname:web.shop.svc"));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.ok);
  }

  @Test
  void aCertificateWithNoneOfTheSubjectAltNamesIsRefused() {
    Probe p = prober.probe(withSans("web.shop.svc", "Hostname:api.shop.svc", "URI:spiffe://x/y"));
    assertThat(p.outcome()).isEqualTo(Outcome.tlsFailed);
    assertThat(p.detail())
        .isEqualTo(
            "the backend's certificate (web.shop.svc) carries none of the subjectAltNames of"
                + " BackendTLSPolicy shop/web-tls");
  }

  @Test
  void wildcardNamesCoverOneLabel() {
    assertThat(HttpProber.Verifying.dnsMatches("*.shop.svc", "web.shop.svc")).isTrue();
    assertThat(HttpProber.Verifying.dnsMatches("*.shop.svc", "a.web.shop.svc")).isFalse();
    assertThat(HttpProber.Verifying.dnsMatches("*.shop.svc", "shop.svc")).isFalse();
    assertThat(HttpProber.Verifying.dnsMatches("WEB.shop.svc", "web.SHOP.svc")).isTrue();
  }

  /** Envoy matches the certificate's DNS names only; the JDK alone would take the CN. */
  @Test
  void aNameInTheCnAloneIsNotEnough() {
    Probe p = prober.probe(verifying(cnOnlyPort, ca, "web.shop.svc"));
    assertThat(p.outcome()).isEqualTo(Outcome.tlsFailed);
    assertThat(p.detail())
        .startsWith("the backend's certificate (CN web.shop.svc) does not name web.shop.svc");
  }
}
