package io.gatewaydoctor.probe;

/**
 * How the gateway verifies a backend's certificate, as a BackendTLSPolicy tells it: against the CA
 * certificates in {@code caPem} (PEM, from the policy's ConfigMap), or the JVM's well-known CAs
 * when null ({@code wellKnownCACertificates: System}); the certificate must name {@code hostname}
 * (also the SNI), or, when {@code subjectAltNames} ("Hostname:NAME", "URI:URI") are given, one of
 * them. {@code source} names the policy in what a failed check says.
 */
public record TlsVerification(
    String caPem, String hostname, java.util.List<String> subjectAltNames, String source) {
  public TlsVerification(String caPem, String hostname, String source) {
    this(caPem, hostname, java.util.List.of(), source);
  }
}
