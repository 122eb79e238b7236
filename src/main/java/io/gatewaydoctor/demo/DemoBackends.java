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

/**
 * Real servers on loopback addresses (127.0.0.x), standing in for the demo pods: healthy HTTP ones,
 * one that resets every connection, and one that speaks TLS (with a self-signed demo key shipped in
 * the application; it protects nothing).
 */
public final class DemoBackends implements AutoCloseable {
  static {
    // the JDK server drops idle keep-alive connections after 30 s, sooner than ingress-nginx's 60
    // s: a real
    // KeepAliveTimeoutRace, but not the demo's story for its healthy pods
    if (System.getProperty("sun.net.httpserver.idleInterval") == null) {
      System.setProperty("sun.net.httpserver.idleInterval", "120");
    }
  }

  private static final String KEYSTORE = "/demo/backend-tls.p12";
  private static final char[] KEYSTORE_PASSWORD = "demo-only".toCharArray();
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<java.net.ServerSocket> sockets = new ArrayList<>();

  /**
   * Listens on ip:preferredPort, or on a free port of that address when it is taken; returns the
   * port.
   */
  public int start(String ip, int preferredPort, String name) throws IOException {
    return serve(bind(ip, preferredPort, false), name);
  }

  /** An HTTPS server: what a plain-HTTP Ingress in front of it cannot talk to. */
  public int startTls(String ip, int preferredPort, String name) throws IOException {
    return serve(bind(ip, preferredPort, true), name);
  }

  /**
   * Accepts, reads the request, and resets the connection (as a crashing worker or a full accept
   * queue does).
   */
  public int startResetting(String ip, int preferredPort) throws IOException {
    loopback(ip);
    java.net.ServerSocket ss = new java.net.ServerSocket();
    try {
      ss.bind(new InetSocketAddress(InetAddress.getByName(ip), preferredPort), 16);
    } catch (BindException e) {
      ss.bind(new InetSocketAddress(InetAddress.getByName(ip), 0), 16);
    }
    sockets.add(ss);
    Thread t =
        new Thread(
            () -> {
              while (!ss.isClosed()) {
                try (java.net.Socket s = ss.accept()) {
                  s.setSoTimeout(2000);
                  s.getInputStream().read(new byte[4096]);
                  s.setSoLinger(true, 0);
                } catch (IOException e) {
                  // closed, or the client went away first
                }
              }
            },
            "demo-resetting-backend");
    t.setDaemon(true);
    t.start();
    return ss.getLocalPort();
  }

  private static void loopback(String ip) {
    if (!ip.startsWith("127.")) {
      throw new IllegalArgumentException("demo backends listen on loopback only, not " + ip);
    }
  }

  private static HttpServer bind(String ip, int port, boolean tls) throws IOException {
    loopback(ip);
    HttpServer server;
    try {
      server = create(new InetSocketAddress(InetAddress.getByName(ip), port), tls);
    } catch (BindException e) {
      server = create(new InetSocketAddress(InetAddress.getByName(ip), 0), tls);
    }
    return server;
  }

  private static HttpServer create(InetSocketAddress addr, boolean tls) throws IOException {
    if (!tls) {
      return HttpServer.create(addr, 16);
    }
    com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(addr, 16);
    https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tlsContext()));
    return https;
  }

  private static javax.net.ssl.SSLContext tlsContext() throws IOException {
    try (java.io.InputStream in = DemoBackends.class.getResourceAsStream(KEYSTORE)) {
      if (in == null) {
        throw new IOException("demo key " + KEYSTORE + " missing from the application");
      }
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(in, KEYSTORE_PASSWORD);
      javax.net.ssl.KeyManagerFactory kmf =
          javax.net.ssl.KeyManagerFactory.getInstance(
              javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, KEYSTORE_PASSWORD);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot load the demo TLS key", e);
    }
  }

  private int serve(HttpServer server, String name) {
    byte[] body = ("ok from " + name + "\n").getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        exchange -> {
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
    for (java.net.ServerSocket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    sockets.clear();
  }
}
