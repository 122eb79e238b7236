package io.gatewaydoctor.probe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC server on a loopback address (Debian's python3-grpcio, installed by bin/test;
 * src/test/resources/grpc/server.py): its health check answers SERVING, NOT_SERVING, UNAVAILABLE,
 * or it has no health service (mode "unimplemented"). Stopped by {@link #close()}.
 */
public final class GrpcServer implements AutoCloseable {
  public final int port;
  private final Process process;

  private GrpcServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static GrpcServer start(String ip, String mode) throws IOException {
    int port = RealNginx.freePort(ip);
    Process p =
        new ProcessBuilder(
                "/usr/bin/python3",
                Path.of("src/test/resources/grpc/server.py").toString(),
                ip,
                String.valueOf(port),
                mode)
            .redirectErrorStream(true)
            .start();
    String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
    if (!"ready".equals(line)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "the gRPC server did not start (bin/test installs python3-grpcio): " + line);
    }
    return new GrpcServer(p, port);
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close(); // it stops when its standard input closes
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
