package io.gatewaydoctor.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * Real servers on loopback that misbehave in one way each, for the prober's tests: raw sockets, one
 * thread per server, every connection handled by the behaviour given. Closed after each test.
 */
public final class Backends implements AutoCloseable {
  public interface Behaviour {
    void serve(Socket s) throws Exception;
  }

  private final List<ServerSocket> servers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  public int start(String ip, Behaviour b) throws IOException {
    return start(ip, 0, b);
  }

  public int start(String ip, int port, Behaviour b) throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new java.net.InetSocketAddress(InetAddress.getByName(ip), port), 50);
    return serve(ss, b);
  }

  public int startTls(String ip, Path keystore, Behaviour b) throws Exception {
    return startTls(ip, 0, keystore, b);
  }

  public int startTls(String ip, int port, Path keystore, Behaviour b) throws Exception {
    return startTls(ip, port, keystore, false, b);
  }

  /**
   * A TLS server; with {@code needClientAuth} it ends every handshake that brings no client
   * certificate.
   */
  public int startTls(String ip, int port, Path keystore, boolean needClientAuth, Behaviour b)
      throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
    ss.setReuseAddress(true);
    ss.setNeedClientAuth(needClientAuth);
    ss.bind(new java.net.InetSocketAddress(InetAddress.getByName(ip), port), 50);
    return serve(ss, b);
  }

  private int serve(ServerSocket ss, Behaviour b) {
    servers.add(ss);
    Thread t =
        new Thread(
            () -> {
              while (!ss.isClosed()) {
                try {
                  Socket s = ss.accept();
                  Thread c =
                      new Thread(
                          () -> {
                            try (s) {
                              b.serve(s);
                            } catch (Exception e) {
                              // the behaviour is the point; its errors are not
                            }
                          });
                  c.setDaemon(true);
                  c.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    t.setDaemon(true);
    t.start();
    threads.add(t);
    return ss.getLocalPort();
  }

  /** An HTTP server that answers 200 to everything. */
  public static void ok(Socket s) throws IOException {
    readRequest(s);
    write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  }

  /** Reads the request header (up to the blank line) so that the client's write completes. */
  public static String readRequest(Socket s) throws IOException {
    s.setSoTimeout(5000);
    InputStream in = s.getInputStream();
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      sb.append((char) c);
      if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return sb.toString();
  }

  public static void write(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** A self-signed key pair made by the JDK's keytool, as an operator would make one. */
  public static Path keystore(Path dir) throws Exception {
    Path ks = dir.resolve("backend.p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "backend",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=backend.shop.svc",
                "-storetype",
                "PKCS12",
                "-keystore",
                ks.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "keytool failed: " + new String(p.getInputStream().readAllBytes()));
    }
    return ks;
  }

  @Override
  public void close() throws IOException {
    for (ServerSocket s : servers) {
      s.close();
    }
  }
}
