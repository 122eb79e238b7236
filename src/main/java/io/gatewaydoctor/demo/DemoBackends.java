package io.gatewaydoctor.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Real HTTP servers on loopback addresses (127.0.0.x), standing in for the healthy demo pods. */
public final class DemoBackends implements AutoCloseable {
  private final List<HttpServer> servers = new ArrayList<>();

  /** Listens on ip:preferredPort, or on a free port of that address when it is taken; returns the port. */
  public int start(String ip, int preferredPort, String name) throws IOException {
    if (!ip.startsWith("127.")) {
      throw new IllegalArgumentException("demo backends listen on loopback only, not " + ip);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(ip), preferredPort), 16);
    } catch (BindException e) {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(ip), 0), 16);
    }
    byte[] body = ("ok from " + name + "\n").getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    servers.add(server);
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
    servers.clear();
  }
}
