package io.gatewaydoctor.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian's nginx or nginx-light) in the foreground, one worker, with a config of the
 * caller's written into its own directory (pid, logs, temp files there), listening on loopback. The
 * demo's gateway runs one, and so do the probe and gateway tests. Stopped by {@link #close()}.
 */
public final class Nginx implements AutoCloseable {
  private final Process process;
  public final Path dir;

  private Nginx(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** The installed nginx, if any. */
  public static Optional<String> installed() {
    for (String b : List.of("/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx")) {
      if (Files.isExecutable(Path.of(b))) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  /**
   * Starts {@code binary} with {@code httpBody} as its http{} block (error log at {@code
   * errorLogLevel}), and waits until every given port of {@code ip} accepts; an nginx that does not
   * come up within 10 s is stopped and said why (its output and error log).
   */
  public static Nginx start(
      String binary, Path dir, String errorLogLevel, String httpBody, String ip, int... ports)
      throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("tmp"));
    String conf =
        """
        daemon off;
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log %3$s;
        events { worker_connections 128; }
        http {
          client_body_temp_path %1$s/tmp/body;
          proxy_temp_path %1$s/tmp/proxy;
          fastcgi_temp_path %1$s/tmp/fastcgi;
          uwsgi_temp_path %1$s/tmp/uwsgi;
          scgi_temp_path %1$s/tmp/scgi;
        %2$s
        }
        """
            .formatted(dir, httpBody, errorLogLevel);
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, conf);
    Process p =
        new ProcessBuilder(
                binary,
                "-p",
                dir.toString(),
                "-c",
                file.toString(),
                "-e",
                dir.resolve("error.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    Nginx n = new Nginx(p, dir);
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
