package io.gatewaydoctor.probe;

import io.gatewaydoctor.demo.Nginx;
import java.io.IOException;
import java.nio.file.Path;
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

  /** A self-signed certificate and key in PEM, made by openssl. */
  public static Path[] certificate(Path dir) throws IOException, InterruptedException {
    Path key = dir.resolve("backend.key");
    Path crt = dir.resolve("backend.crt");
    Process p =
        new ProcessBuilder(
                "openssl",
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
                "/CN=backend.shop.svc")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl failed: " + out);
    }
    return new Path[] {crt, key};
  }

  @Override
  public void close() {
    nginx.close();
  }
}
