package io.gatewaydoctor.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (the Debian package, installed by bin/test) in the foreground with a config of the
 * test's, listening on loopback only. Stopped by {@link #close()}.
 */
public final class RealNginx implements AutoCloseable {
  private final Process process;
  public final Path dir;

  private RealNginx(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  public static String binary() {
    for (String b : List.of("/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx")) {
      if (Files.isExecutable(Path.of(b))) {
        return b;
      }
    }
    throw new IllegalStateException(
        "nginx is not installed: the gateway tests need it (run bin/test, which installs it, or apt-get install -y nginx-light)");
  }

  /** Starts nginx with the given http{} body; waits until every given loopback port accepts. */
  public static RealNginx start(Path dir, String httpBody, String ip, int... ports)
      throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("tmp"));
    String conf =
        """
        daemon off;
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log info;
        events { worker_connections 128; }
        http {
          access_log %1$s/access.log;
          client_body_temp_path %1$s/tmp/body;
          proxy_temp_path %1$s/tmp/proxy;
          fastcgi_temp_path %1$s/tmp/fastcgi;
          uwsgi_temp_path %1$s/tmp/uwsgi;
          scgi_temp_path %1$s/tmp/scgi;
        %2$s
        }
        """
            .formatted(dir, httpBody);
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, conf);
    Process p =
        new ProcessBuilder(
                binary(),
                "-p",
                dir.toString(),
                "-c",
                file.toString(),
                "-e",
                dir.resolve("error.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    RealNginx n = new RealNginx(p, dir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int port : ports) {
      while (!accepts(ip, port)) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          n.close();
          throw new IllegalStateException(
              "nginx did not start: "
                  + Files.readString(dir.resolve("stdout.log"))
                  + (Files.exists(dir.resolve("error.log"))
                      ? Files.readString(dir.resolve("error.log"))
                      : ""));
        }
        Thread.sleep(50);
      }
    }
    return n;
  }

  public static int freePort(String ip) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
      return s.getLocalPort();
    }
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

  private static boolean accepts(String ip, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getByName(ip), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
