package io.gatewaydoctor.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLSocket;

/**
 * Holds an idle keep-alive connection to a backend, as a gateway's upstream pool does, and measures
 * when the backend closes it. One request, a complete response (its length must be known, or
 * keep-alive is not on), then silence for at most the wait. Bounded: one connection, the wait plus
 * one timeout, and the byte cap.
 */
public final class KeepAliveMeter {
  /** A close this soon after the response is a backend without keep-alive, not an idle timeout. */
  static final Duration NO_KEEPALIVE = Duration.ofMillis(250);

  private KeepAliveMeter() {}

  public static KeepAlive measure(ProbeTarget t, Duration maxWait) {
    Socket sock = new Socket();
    // one hard deadline for everything (connect, handshake, response, the idle wait)
    long budget = 2L * t.timeoutMillis() + maxWait.toMillis() + HttpProber.DEADLINE_SLACK_MILLIS;
    try (SocketDeadline hard = SocketDeadline.closing(sock, budget)) {
      KeepAlive k = measure(sock, t, maxWait);
      return hard.passed() && k.closedAfter() != null
          ? new KeepAlive(t, null, Duration.ZERO, "cannot measure (the deadline passed)")
          : k;
    }
  }

  private static KeepAlive measure(Socket sock, ProbeTarget t, Duration maxWait) {
    try (Socket raw = sock) {
      raw.connect(new InetSocketAddress(HttpProber.literal(t.ip()), t.port()), t.timeoutMillis());
      Socket s = raw;
      if (t.tls()) {
        SSLSocket ssl =
            (SSLSocket)
                HttpProber.tlsContext()
                    .getSocketFactory()
                    .createSocket(raw, t.ip(), t.port(), true);
        ssl.setSoTimeout(Math.max(1, t.timeoutMillis()));
        ssl.startHandshake();
        s = ssl;
      }
      s.getOutputStream().write(HttpProber.request(t, "keep-alive"));
      s.getOutputStream().flush();
      long deadline = System.nanoTime() + t.timeoutMillis() * 1_000_000L;
      String why = readWholeResponse(s, t.byteCap(), deadline);
      if (why != null) {
        return new KeepAlive(t, null, Duration.ZERO, why);
      }
      long idleSince = System.nanoTime();
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, maxWait.toMillis()));
      try {
        int b = s.getInputStream().read();
        Duration idle = Duration.ofNanos(System.nanoTime() - idleSince);
        if (b < 0 && idle.compareTo(NO_KEEPALIVE) < 0) {
          return new KeepAlive(
              t,
              null,
              idle,
              "the backend closes each connection right after the response (no keep-alive)");
        }
        return b < 0
            ? new KeepAlive(t, idle, idle, null)
            : new KeepAlive(t, null, idle, "the backend sent data on an idle connection");
      } catch (SocketTimeoutException e) {
        return new KeepAlive(t, null, maxWait, null); // still open: no race
      } catch (IOException e) {
        Duration idle = Duration.ofNanos(System.nanoTime() - idleSince);
        return new KeepAlive(t, idle, idle, null); // reset on an idle connection: closed as well
      }
    } catch (IOException e) {
      return new KeepAlive(t, null, Duration.ZERO, "cannot measure");
    }
  }

  /** Sets the read timeout to what is left of the deadline; false when nothing is left. */
  private static boolean timeLeft(Socket s, long deadline) throws IOException {
    int left = HttpProber.remaining(deadline);
    if (left <= 0) {
      return false;
    }
    s.setSoTimeout(left);
    return true;
  }

  /** Reads one response; null when it was complete and keeps the connection, else why not. */
  private static String readWholeResponse(Socket s, int cap, long deadline) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    int end = -1;
    while (end < 0) {
      if (!timeLeft(s, deadline)) {
        return "no complete response header in time";
      }
      int n = in.read(buf);
      if (n < 0) {
        return "closed before a complete response";
      }
      got.write(buf, 0, n);
      if (got.size() > cap) {
        return "response larger than the byte cap";
      }
      end = HttpProber.headerEnd(got.toByteArray());
    }
    String raw = new String(got.toByteArray(), 0, end, StandardCharsets.ISO_8859_1);
    String header = raw.toLowerCase(Locale.ROOT);
    if (HttpProber.statusOf(raw) == null) {
      return "not an HTTP response";
    }
    if (header.contains("\nconnection: close")) {
      return "the backend answers Connection: close (no keep-alive)";
    }
    long length = HttpProber.contentLength(header);
    if (length == HttpProber.BAD_LENGTH) {
      return "an unreadable Content-Length: keep-alive cannot be told";
    }
    if (length < 0) {
      return "no Content-Length: keep-alive cannot be told";
    }
    if (length > cap) {
      return "response body larger than the byte cap";
    }
    long body = got.size() - end;
    while (body < length) {
      if (!timeLeft(s, deadline)) {
        return "no complete response body in time";
      }
      int n = in.read(buf, 0, (int) Math.min(buf.length, length - body));
      if (n < 0) {
        return "closed before the end of the body";
      }
      body += n;
    }
    return null;
  }
}
