package io.gatewaydoctor.probe;

import io.gatewaydoctor.demo.Nginx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (the Debian package, installed by bin/test) in the foreground with a config of the
 * test's, listening on loopback only. Stopped by {@link #close()}.
 */
public final class RealNginx implements AutoCloseable {
  private final Nginx nginx;
  public final Path dir;

  private RealNginx(Nginx nginx) {
    this.nginx = nginx;
    this.dir = nginx.dir;
  }

  public static String binary() {
    return Nginx.installed()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "nginx is not installed: the gateway tests need it (run bin/test, which installs it, or apt-get install -y nginx-light)"));
  }

  /**
   * Starts nginx with the given http{} body (and a default access log in the directory); waits
   * until every given loopback port accepts.
   */
  public static RealNginx start(Path dir, String httpBody, String ip, int... ports)
      throws IOException, InterruptedException {
    return new RealNginx(
        Nginx.start(
            binary(), dir, "info", "  access_log " + dir + "/access.log;\n" + httpBody, ip, ports));
  }

  public static int freePort(String ip) throws IOException {
    return Nginx.freePort(ip);
  }

  /** A self-signed certificate and key in PEM for backend.shop.svc, made by openssl. */
  public static Path[] certificate(Path dir) throws IOException, InterruptedException {
    return certificate(dir, "backend", "backend.shop.svc");
  }

  /**
   * A self-signed certificate and key in PEM ({@code NAME.crt}, {@code NAME.key}) for the common
   * name {@code cn}, made by openssl.
   */
  public static Path[] certificate(Path dir, String name, String cn)
      throws IOException, InterruptedException {
    Path key = dir.resolve(name + ".key");
    Path crt = dir.resolve(name + ".crt");
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        crt.toString(),
        "-days",
        "2",
        "-subj",
        "/CN=" + cn);
    return new Path[] {crt, key};
  }

  /** Runs openssl in {@code dir}; fails with its output unless it succeeds within a minute. */
  public static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> argv = new java.util.ArrayList<>(List.of("openssl"));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl failed: " + out);
    }
  }

  /**
   * In {@code dir}: two CAs made by openssl (ca.crt/ca.key, other-ca.crt/other-ca.key) and a
   * certificate the first signs for web.shop.svc (web.crt, web.key; its subjectAltName names it).
   */
  public static void caSignedCertificate(Path dir) throws IOException, InterruptedException {
    for (String name : List.of("ca", "other-ca")) {
      openssl(
          dir,
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          name + ".key",
          "-out",
          name + ".crt",
          "-days",
          "2",
          "-subj",
          "/CN=" + name);
    }
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "web.key",
        "-out",
        "web.csr",
        "-subj",
        "/CN=web.shop.svc");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:web.shop.svc\n");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        "web.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "web.crt",
        "-days",
        "2",
        "-extfile",
        "san.ext");
    // the same name in the CN alone, no subjectAltName (cn-only.crt, cn-only.key)
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "cn-only.key",
        "-out",
        "cn-only.csr",
        "-subj",
        "/CN=web.shop.svc");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        "cn-only.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cn-only.crt",
        "-days",
        "2");
  }

  @Override
  public void close() {
    nginx.close();
  }
}
