package io.gatewaydoctor.probe;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * HTTP/1.1 over a plain socket (TLS on top when the target says so), one request, Connection:
 * close, everything bounded by one deadline and a byte cap, so a hostile backend (slowloris,
 * endless headers or body, TLS garbage) costs at most the timeout. Like ingress-nginx, it does not
 * verify the backend's certificate. The address must be a literal IP: no name is ever resolved.
 */
public final class HttpProber implements Prober {
  /**
   * Made on the first TLS probe, not with the class: {@link #isLiteral} serves every command, and
   * making the context took about a tenth of a small analyze's start.
   */
  private static final class Tls {
    static final SSLContext TRUST_ALL = trustAll();
  }

  @Override
  public Probe probe(ProbeTarget t) {
    long start = System.nanoTime();
    Probe first = once(t);
    // a TLS server that gets plain bytes often just closes or resets: ask it in TLS before
    // concluding
    // the retry has what is left of the probe's one deadline, not a deadline of its own: a backend
    // that drips before it closes costs the timeout once, not twice
    // (elapsed time: the first probe's latency is its time to the first byte)
    long spent = (System.nanoTime() - start) / 1_000_000;
    int left = (int) Math.max(0, t.timeoutMillis() - spent);
    if (!t.tls()
        && !t.h2c()
        && left > 0
        && (first.outcome() == Outcome.prematureClose
            || first.outcome() == Outcome.reset
            || first.outcome() == Outcome.invalidResponse)) {
      Probe tls = once(t.withTls(true).withTimeout(left));
      if (!tls.outcome().failed()) {
        return new Probe(
            t,
            Outcome.tlsExpected,
            null,
            first.latencyMillis(),
            "the backend speaks TLS: a plain HTTP request got "
                + first.outcome()
                + " ("
                + first.detail()
                + "), an HTTPS request got "
                + tls.status(),
            first.afterRequest(),
            0);
      }
    }
    return first;
  }

  private Probe once(ProbeTarget t) {
    long start = System.nanoTime();
    long deadline = start + t.timeoutMillis() * 1_000_000L;
    Exchange x = new Exchange(t, start);
    InetAddress addr;
    try {
      addr = literal(t.ip());
    } catch (IOException e) {
      return x.end(Outcome.error, null, "not an IP address");
    }
    Socket sock = new Socket();
    // one hard deadline for the whole exchange, the TLS handshake included
    try (SocketDeadline hard =
        SocketDeadline.closing(sock, t.timeoutMillis() + DEADLINE_SLACK_MILLIS)) {
      Probe p = exchange(sock, addr, t, deadline, x);
      // only an exchange the closed socket broke is a timeout; one that finished stays what it was
      boolean broken =
          p.outcome() == Outcome.reset
              || p.outcome() == Outcome.prematureClose
              || p.outcome() == Outcome.error;
      return hard.passed() && broken
          ? x.end(
              Outcome.readTimeout,
              null,
              "the exchange did not finish within " + t.timeoutMillis() + " ms")
          : p;
    }
  }

  /**
   * A little past the probe's own timeout: the per-read timeouts end most exchanges first, with a
   * precise word.
   */
  static final int DEADLINE_SLACK_MILLIS = 50;

  private Probe exchange(Socket sock, InetAddress addr, ProbeTarget t, long deadline, Exchange x) {
    try (Socket raw = sock) {
      try {
        raw.connect(new InetSocketAddress(addr, t.port()), t.timeoutMillis());
      } catch (SocketTimeoutException e) {
        return x.end(
            Outcome.connectTimeout, null, "no connection within " + t.timeoutMillis() + " ms");
      } catch (ConnectException e) {
        return x.end(Outcome.refused, null, "connection refused");
      } catch (IOException e) {
        return x.end(
            Outcome.error,
            null,
            e instanceof java.net.NoRouteToHostException ? "no route to host" : "cannot connect");
      }
      Socket s = raw;
      if (t.h2c() && !t.tls()) {
        x.afterRequest = true;
        String authority = host(t);
        String path = path(t);
        H2cExchange.Result r =
            H2cExchange.exchange(
                raw, authority, path, deadline, t.byteCap(), t.grpc(), t.headerLimit());
        if (r.firstByte()) {
          x.firstByteNanos = System.nanoTime();
        }
        return x.end(r.outcome(), r.status(), r.detail());
      }
      if (t.tls()) {
        Verifying verifying = null;
        SSLSocket ssl;
        if (t.verify() != null) {
          try {
            verifying = Verifying.of(t.verify());
          } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            return x.end(
                Outcome.error,
                null,
                "the CA certificates of " + t.verify().source() + " cannot be read as PEM");
          }
          ssl =
              (SSLSocket)
                  verifying
                      .context
                      .getSocketFactory()
                      .createSocket(raw, t.verify().hostname(), t.port(), true);
        } else {
          ssl =
              (SSLSocket)
                  Tls.TRUST_ALL.getSocketFactory().createSocket(raw, t.ip(), t.port(), true);
        }
        if (t.sni() != null || verifying != null) {
          try {
            javax.net.ssl.SSLParameters params = ssl.getSSLParameters();
            String name = verifying != null ? t.verify().hostname() : t.sni();
            params.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(name)));
            if (verifying != null && t.verify().subjectAltNames().isEmpty()) {
              params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate names it
            }
            ssl.setSSLParameters(params);
          } catch (IllegalArgumentException e) {
            return x.end(Outcome.error, null, "not a host name for SNI");
          }
        }
        try {
          if (remaining(deadline) <= 0) {
            return x.end(
                Outcome.readTimeout,
                null,
                "no time left for the TLS handshake within " + t.timeoutMillis() + " ms");
          }
          ssl.setSoTimeout(remaining(deadline));
          ssl.startHandshake();
        } catch (SocketTimeoutException e) {
          return x.end(
              Outcome.readTimeout,
              null,
              "TLS handshake not done within " + t.timeoutMillis() + " ms");
        } catch (SSLException e) {
          String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
          if (m.contains("unrecognized ssl message") || m.contains("plaintext")) {
            return x.end(
                Outcome.plainExpected, null, "the backend answered a TLS handshake in plain text");
          }
          if (e.getCause() instanceof EOFException || m.contains("remote host terminated")) {
            return x.end(Outcome.prematureClose, null, "closed during the TLS handshake");
          }
          String why = verifying != null ? verifying.failure(m, t.verify()) : null;
          why = why != null ? why : tlsAlert(m);
          return why != null
              ? x.end(Outcome.tlsFailed, null, why)
              : x.end(Outcome.error, null, "TLS handshake failed");
        } catch (SocketException e) {
          return x.end(Outcome.reset, null, "reset during the TLS handshake");
        } catch (IOException e) {
          return x.end(Outcome.error, null, "TLS handshake failed");
        }
        s = ssl;
      }
      try {
        s.getOutputStream().write(request(t));
        s.getOutputStream().flush();
      } catch (IOException e) {
        String why =
            t.tls()
                ? alertAfter(s)
                : null; // TLS 1.3: the backend's verdict on the handshake may arrive as we write
        return why != null
            ? x.end(Outcome.tlsFailed, null, why)
            : x.end(Outcome.reset, null, "reset while sending the request");
      }
      x.afterRequest = true;
      return read(s, t, deadline, x);
    } catch (IOException e) {
      return x.end(Outcome.error, null, "probe failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * The most of a response header the prober holds, whatever proxy-buffer-size says (a tenant's
   * annotation).
   */
  static final int HEADER_BUFFER = ProbeTarget.DEFAULT_BYTE_CAP;

  private static Probe read(Socket s, ProbeTarget t, long deadline, Exchange x) {
    byte[] head = new byte[HEADER_BUFFER]; // one buffer, never copied on a read
    int len = 0;
    byte[] buf = new byte[4096];
    int end = -1;
    int total = 0;
    // read as far as twice the gateway's buffer (to measure by how much it is exceeded), at most
    // the buffer we hold
    int enough = Math.min(HEADER_BUFFER, Math.max(t.headerLimit() * 2, t.headerLimit() + 1));
    try {
      InputStream in = s.getInputStream();
      while (end < 0) {
        int left = remaining(deadline);
        if (left <= 0) {
          return x.end(
              Outcome.readTimeout,
              null,
              len == 0
                  ? "no response within " + t.timeoutMillis() + " ms"
                  : "response header incomplete after "
                      + t.timeoutMillis()
                      + " ms ("
                      + len
                      + " bytes)");
        }
        s.setSoTimeout(left);
        int n = in.read(buf, 0, Math.min(buf.length, Math.max(1, HEADER_BUFFER - len)));
        if (n < 0) {
          if (len > 0 && !startsLikeHttp(java.util.Arrays.copyOf(head, Math.min(len, 8)))) {
            // bytes that cannot begin a status line, then the close: nginx says "upstream sent no
            // valid HTTP/1.0 header"
            return x.end(
                Outcome.invalidResponse,
                null,
                "not an HTTP response: "
                    + len
                    + " bytes that do not begin a status line, then closed",
                len);
          }
          return x.end(
              Outcome.prematureClose,
              null,
              len == 0
                  ? "closed without a response"
                  : "closed in the middle of the response header (" + len + " bytes)");
        }
        if (len == 0 && (buf[0] == 0x15 || buf[0] == 0x16) && n > 1 && buf[1] == 0x03) {
          return x.end(
              Outcome.tlsExpected, null, "the backend answered a plain HTTP request with TLS");
        }
        int before = len;
        System.arraycopy(buf, 0, head, len, n);
        len += n;
        total += n;
        end = headerEnd(head, Math.max(0, before - 3), len);
        if (end > 0) {
          Integer interim = statusOf(new String(head, 0, end, StandardCharsets.ISO_8859_1));
          if (interim != null && interim >= 100 && interim < 200 && interim != 101) {
            // 100 Continue, 103 Early Hints: the real response follows
            System.arraycopy(head, end, head, 0, len - end);
            len -= end;
            end = headerEnd(head, 0, len);
            continue;
          }
        }
        if (end < 0 && len >= enough) {
          if (t.headerLimit() < len) {
            return x.end(
                Outcome.headersTooLarge,
                null,
                "response header larger than "
                    + len
                    + " bytes exceeds the gateway's "
                    + t.headerLimit()
                    + "-byte proxy buffer",
                len);
          }
          // the gateway's buffer is larger than what the prober holds: count the rest of the
          // header, keep nothing of it
          return beyondBuffer(s, in, t, deadline, x, head, len);
        }
      }
      if (end > t.headerLimit()) {
        return x.end(
            Outcome.headersTooLarge,
            null,
            "response header of "
                + end
                + " bytes exceeds the gateway's "
                + t.headerLimit()
                + "-byte proxy buffer",
            end);
      }
      byte[] bytes = java.util.Arrays.copyOf(head, len);
      String header = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      Integer status = statusOf(header);
      if (status == null) {
        return x.end(
            Outcome.invalidResponse, null, "not an HTTP response: " + looksLike(bytes), end);
      }
      x.headerBytes = end;
      x.firstByteNanos = System.nanoTime();
      return body(s, in(s), t, deadline, x, status, header, bytes, end, total);
    } catch (SocketTimeoutException e) {
      return x.end(
          Outcome.readTimeout,
          null,
          len == 0
              ? "no response within " + t.timeoutMillis() + " ms"
              : "response header incomplete after " + t.timeoutMillis() + " ms");
    } catch (SSLException e) {
      // TLS 1.3: a server that wants a client certificate says so after the handshake, at the first
      // read
      String why = tlsAlert(String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT));
      return why != null
          ? x.end(Outcome.tlsFailed, null, why)
          : x.end(
              Outcome.reset,
              null,
              "TLS error while reading the response" + (len == 0 ? "" : " header"));
    } catch (IOException e) {
      return x.end(
          Outcome.reset, null, "reset while reading the response" + (len == 0 ? "" : " header"));
    }
  }

  /**
   * A header longer than the prober's buffer, under a gateway buffer larger still: counted to its
   * end (or past the gateway's limit) without holding it. The status comes from the first line,
   * which the buffer holds; the body is not read.
   */
  private static Probe beyondBuffer(
      Socket s, InputStream in, ProbeTarget t, long deadline, Exchange x, byte[] head, int len)
      throws IOException {
    Integer status =
        statusOf(
            new String(head, 0, Math.min(len, 256), StandardCharsets.ISO_8859_1)
                .lines()
                .findFirst()
                .orElse(""));
    if (status == null) {
      return x.end(Outcome.invalidResponse, null, "not an HTTP response: " + looksLike(head), len);
    }
    long seen = len;
    byte a = head[len - 3];
    byte b = head[len - 2];
    byte c = head[len - 1];
    byte[] buf = new byte[8192];
    while (true) {
      int left = remaining(deadline);
      if (left <= 0) {
        return x.end(
            Outcome.readTimeout,
            status,
            "response header incomplete after " + t.timeoutMillis() + " ms (" + seen + " bytes)");
      }
      s.setSoTimeout(left);
      int n = in.read(buf);
      if (n < 0) {
        return x.end(
            Outcome.prematureClose,
            status,
            "closed in the middle of the response header (" + seen + " bytes)");
      }
      for (int i = 0; i < n; i++) {
        a = b;
        b = c;
        c = buf[i];
        seen++;
        boolean ends = c == '\n' && (b == '\n' || (b == '\r' && a == '\n'));
        if (ends || seen > t.headerLimit()) {
          if (seen > t.headerLimit()) {
            return x.end(
                Outcome.headersTooLarge,
                status,
                "response header larger than "
                    + t.headerLimit()
                    + " bytes exceeds the gateway's "
                    + t.headerLimit()
                    + "-byte proxy buffer",
                (int) Math.min(Integer.MAX_VALUE, seen));
          }
          x.headerBytes = (int) seen;
          x.firstByteNanos = System.nanoTime();
          return x.end(
              status >= 500 ? Outcome.http5xx : Outcome.ok,
              status,
              "a response header of " + seen + " bytes (its body was not read)",
              (int) seen);
        }
      }
    }
  }

  /**
   * The fixed words for a TLS alert the backend sent (never the backend's own text), or null for an
   * alert of no known kind.
   */
  static String tlsAlert(String m) {
    if (m.contains("bad_certificate")
        || m.contains("certificate_required")
        || m.contains("certificate required")) {
      return "the backend requires a client certificate";
    }
    if (m.contains("handshake_failure")
        || m.contains("protocol_version")
        || m.contains("insufficient_security")
        || m.contains("no cipher suites in common")
        || m.contains("no appropriate protocol")) {
      return "no TLS protocol version or cipher in common with the backend";
    }
    if (m.contains("unrecognized_name")) {
      return "the backend serves no certificate for the SNI name";
    }
    if (m.contains("unknown_ca") || m.contains("access_denied")) {
      return "the backend refused the handshake ("
          + (m.contains("unknown_ca") ? "unknown_ca" : "access_denied")
          + ")";
    }
    return null;
  }

  /**
   * The TLS alert waiting on a socket whose write failed, in fixed words, or null (read for at most
   * 200 ms).
   */
  private static String alertAfter(Socket s) {
    try {
      s.setSoTimeout(200);
      s.getInputStream().read();
    } catch (SSLException e) {
      return tlsAlert(String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT));
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /** Whether the first bytes can begin "HTTP/1.x NNN" (as many of them as there are). */
  static boolean startsLikeHttp(byte[] b) {
    byte[] http = "HTTP/".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < Math.min(b.length, http.length); i++) {
      if (b[i] != http[i]) {
        return false;
      }
    }
    return true;
  }

  private static InputStream in(Socket s) throws IOException {
    return s.getInputStream();
  }

  /**
   * Reads the body as far as its length says (or to the byte cap) to tell a complete response from
   * a cut one.
   */
  private static Probe body(
      Socket s,
      InputStream in,
      ProbeTarget t,
      long deadline,
      Exchange x,
      int status,
      String header,
      byte[] bytes,
      int end,
      int total)
      throws IOException {
    String lower = header.toLowerCase(Locale.ROOT);
    long length = contentLength(lower);
    if (length == BAD_LENGTH) {
      // nginx: "upstream sent invalid "Content-Length" header", a 502
      return x.end(Outcome.invalidResponse, status, "an invalid Content-Length header");
    }
    boolean chunked = lower.contains("\ntransfer-encoding: chunked");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(bytes, end, bytes.length - end);
    byte[] buf = new byte[8192];
    boolean capped = false;
    while (true) {
      if (length >= 0 && body.size() >= length) {
        break;
      }
      if (chunked) {
        int state = chunked(body.toByteArray());
        if (state == CHUNKS_COMPLETE) {
          break;
        }
        if (state == CHUNKS_INVALID) {
          // nginx: "upstream sent invalid chunked response", a 502
          return x.end(Outcome.invalidResponse, status, "an invalid chunked body");
        }
      }
      if (total >= t.byteCap()) {
        capped = true;
        break;
      }
      if (length < 0 && !chunked && status < 200) {
        break;
      }
      int left = remaining(deadline);
      if (left <= 0) {
        return x.end(
            Outcome.readTimeout,
            status,
            "response body incomplete after " + t.timeoutMillis() + " ms");
      }
      s.setSoTimeout(left);
      int n = in.read(buf);
      if (n < 0) {
        if (length >= 0 || chunked) {
          return x.end(
              Outcome.prematureClose,
              status,
              "closed after "
                  + body.size()
                  + " body bytes"
                  + (length >= 0 ? " of " + length : " of a chunked body"));
        }
        break; // no length: the close ends the body
      }
      body.write(buf, 0, n);
      total += n;
    }
    String text = body.toString(StandardCharsets.ISO_8859_1);
    for (String said :
        List.of(
            "The plain HTTP request was sent to HTTPS port",
            "Client sent an HTTP request to an HTTPS server")) {
      if (status == 400 && text.contains(said)) { // nginx, Go's net/http
        return x.end(Outcome.tlsExpected, status, "the backend answered 400 \"" + said + "\"");
      }
    }
    String detail =
        "HTTP " + status + (capped ? " (body read up to " + t.byteCap() + " bytes)" : "");
    return x.end(status >= 500 ? Outcome.http5xx : Outcome.ok, status, detail);
  }

  private static byte[] request(ProbeTarget t) {
    return request(t, "close");
  }

  /**
   * The Host (or :authority) sent: the target's when it is plain visible ASCII, else its address.
   */
  static String host(ProbeTarget t) {
    return visible(t.host()) ? t.host() : t.address();
  }

  /** The path sent: the target's when it is plain visible ASCII beginning with '/', else "/". */
  static String path(ProbeTarget t) {
    return visible(t.path()) && t.path().startsWith("/") ? t.path() : "/";
  }

  /**
   * The request line and headers. The Host and path come from objects (an Ingress rule, a readiness
   * probe, a spec) and are used only when they are plain visible ASCII: a CR, LF or space in them
   * can never add a header or a second request.
   */
  static byte[] request(ProbeTarget t, String connection) {
    String host = host(t);
    String path = path(t);
    return ("GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nUser-Agent: gateway-doctor-probe\r\nAccept: */*\r\n"
            + "Connection: "
            + connection
            + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  static boolean visible(String s) {
    if (s == null || s.isEmpty() || s.length() > 2048) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  static int headerEnd(byte[] b) {
    return headerEnd(b, 0);
  }

  /**
   * The end of the header (after CRLF CRLF, or LF LF as nginx also accepts), searching from {@code
   * from}.
   */
  static int headerEnd(byte[] b, int from) {
    return headerEnd(b, from, b.length);
  }

  /** The same within the first {@code len} bytes. */
  static int headerEnd(byte[] b, int from, int len) {
    for (int i = Math.max(1, from); i < len; i++) {
      if (b[i] == '\n' && (b[i - 1] == '\n' || (i >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n'))) {
        return i + 1;
      }
    }
    return -1;
  }

  static Integer statusOf(String header) {
    String line = header.lines().findFirst().orElse("").trim();
    if (!line.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
      return null;
    }
    return Integer.parseInt(line.substring(9, 12));
  }

  /** {@link #contentLength}: a Content-Length that is not one decimal number. */
  static final long BAD_LENGTH = -2;

  /**
   * The Content-Length of a lower-cased header: -1 when there is none, {@link #BAD_LENGTH} when it
   * is not one plain decimal number (signs, lists, garbage, more than 18 digits), or when two
   * differ.
   */
  static long contentLength(String lowerHeader) {
    long found = -1;
    for (String l : lowerHeader.split("\r\n")) {
      if (l.startsWith("content-length:")) {
        String v = l.substring(15).trim();
        if (!v.matches("[0-9]{1,18}")) {
          return BAD_LENGTH;
        }
        long n = Long.parseLong(v);
        if (found >= 0 && found != n) {
          return BAD_LENGTH;
        }
        found = n;
      }
    }
    return found;
  }

  static final int CHUNKS_INCOMPLETE = 0;
  static final int CHUNKS_COMPLETE = 1;
  static final int CHUNKS_INVALID = -1;

  /**
   * Where a chunked body stands (chunk sizes with extensions ignored, the last chunk, trailers, the
   * blank line): complete, incomplete, or invalid (a chunk size that is not hex: nginx answers 502,
   * "upstream sent invalid chunked response").
   */
  static int chunked(byte[] b) {
    int i = 0;
    while (true) {
      int eol = indexOf(b, '\n', i);
      if (eol < 0) {
        return CHUNKS_INCOMPLETE;
      }
      String line = new String(b, i, eol - i, StandardCharsets.ISO_8859_1).trim();
      int semi = line.indexOf(';');
      String hex = semi < 0 ? line : line.substring(0, semi).trim();
      if (!hex.matches("[0-9a-fA-F]{1,15}")) {
        return CHUNKS_INVALID; // a sign, garbage or an absurd size: never a chunk
      }
      long size = Long.parseLong(hex, 16);
      i = eol + 1;
      if (size == 0) {
        while (true) { // trailers, then an empty line
          int end = indexOf(b, '\n', i);
          if (end < 0) {
            return CHUNKS_INCOMPLETE;
          }
          boolean empty = new String(b, i, end - i, StandardCharsets.ISO_8859_1).trim().isEmpty();
          i = end + 1;
          if (empty) {
            return CHUNKS_COMPLETE;
          }
        }
      }
      if (size > b.length) {
        return CHUNKS_INCOMPLETE;
      }
      i += (int) size;
      int crlf = indexOf(b, '\n', i);
      if (crlf < 0) {
        return CHUNKS_INCOMPLETE;
      }
      i = crlf + 1;
    }
  }

  private static int indexOf(byte[] b, char c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /**
   * What bytes that are not HTTP look like, in fixed words (never the bytes themselves: a backend's
   * answer must not travel into the status, Events or logs).
   */
  static String looksLike(byte[] b) {
    String head = new String(b, 0, Math.min(b.length, 8), StandardCharsets.ISO_8859_1);
    if (head.startsWith("SSH-")) {
      return "an SSH banner";
    }
    if (head.startsWith("220 ") || head.startsWith("220-")) {
      return "an SMTP or FTP greeting";
    }
    if (head.startsWith("-ERR")
        || head.startsWith("+OK")
        || head.startsWith("-NOAUTH")
        || head.startsWith("+PONG")) {
      return "a Redis or POP3 reply";
    }
    if (head.startsWith("<")) {
      return "markup without a status line";
    }
    for (int i = 0; i < Math.min(b.length, 64); i++) {
      int c = b[i] & 0xff;
      if (c < 0x09 || (c > 0x0d && c < 0x20) || c >= 0x7f) {
        return "binary data";
      }
    }
    return "text without a status line";
  }

  static int remaining(long deadline) {
    return (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
  }

  /** Literal IPv4/IPv6 only: the prober never resolves a name. */
  static InetAddress literal(String ip) throws IOException {
    if (!isLiteral(ip)) {
      throw new IOException("not an IP literal");
    }
    return InetAddress.getByName(ip);
  }

  /** A dotted-quad IPv4 address or an IPv6 address (with at least one colon): never a name. */
  public static boolean isLiteral(String ip) {
    return ip != null
        && (ip.matches(
                "(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}")
            || (ip.contains(":") && ip.matches("[0-9a-fA-F:.]+")));
  }

  /**
   * A TLS context that verifies as a BackendTLSPolicy asks (chain to its CAs, the certificate names
   * its hostname), and keeps the DNS names of the certificate the backend presented, for what a
   * failed check says.
   */
  static final class Verifying {
    final SSLContext context;
    private volatile java.util.List<String> presented = java.util.List.of();

    private Verifying(X509ExtendedTrustManager trust, List<String> sans, String hostname)
        throws java.security.GeneralSecurityException {
      this.context = SSLContext.getInstance("TLS");
      X509ExtendedTrustManager keeping =
          new X509ExtendedTrustManager() {
            private void keep(X509Certificate[] chain) {
              presented = chain == null || chain.length == 0 ? List.of() : dnsNames(chain[0]);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String auth, Socket socket)
                throws java.security.cert.CertificateException {
              keep(chain);
              trust.checkServerTrusted(chain, auth, socket);
              if (sans.isEmpty() && !carriesOneOf(chain[0], List.of("Hostname:" + hostname))) {
                // the JDK takes the CN where there is no DNS name; Envoy matches DNS names only
                throw new java.security.cert.CertificateException(
                    "No subject alternative DNS name matching " + hostname + " found");
              }
              if (!sans.isEmpty() && !carriesOneOf(chain[0], sans)) {
                throw new java.security.cert.CertificateException(
                    "no subject alternative name of the policy's");
              }
            }

            @Override
            public void checkServerTrusted(
                X509Certificate[] chain, String auth, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
              keep(chain);
              trust.checkServerTrusted(chain, auth, engine);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String auth)
                throws java.security.cert.CertificateException {
              keep(chain);
              trust.checkServerTrusted(chain, auth);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String auth, Socket socket)
                throws java.security.cert.CertificateException {
              throw new java.security.cert.CertificateException("a client only");
            }

            @Override
            public void checkClientTrusted(
                X509Certificate[] chain, String auth, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
              throw new java.security.cert.CertificateException("a client only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String auth)
                throws java.security.cert.CertificateException {
              throw new java.security.cert.CertificateException("a client only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return trust.getAcceptedIssuers();
            }
          };
      context.init(null, new TrustManager[] {keeping}, new SecureRandom());
    }

    /** The trust managers made so far, by CA text (null: the JVM's well-known CAs); bounded. */
    private static final java.util.Map<String, X509ExtendedTrustManager> TRUST =
        java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(
                  java.util.Map.Entry<String, X509ExtendedTrustManager> e) {
                return size() > 16;
              }
            });

    static Verifying of(TlsVerification v) throws java.security.GeneralSecurityException {
      String key = v.caPem() == null ? "" : sha256(v.caPem());
      X509ExtendedTrustManager trust = TRUST.get(key);
      if (trust == null) {
        trust = trustManager(v.caPem());
        TRUST.put(key, trust);
      }
      return new Verifying(
          trust, v.subjectAltNames() == null ? List.of() : v.subjectAltNames(), v.hostname());
    }

    private static String sha256(String s) {
      try {
        return java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Whether the certificate carries one of the names ("Hostname:NAME", "URI:URI"). */
    static boolean carriesOneOf(X509Certificate c, List<String> sans) {
      try {
        if (c.getSubjectAlternativeNames() == null) {
          return false;
        }
        for (List<?> n : c.getSubjectAlternativeNames()) {
          if (n.size() < 2) {
            continue;
          }
          String value = String.valueOf(n.get(1));
          for (String want : sans) {
            if (Integer.valueOf(2).equals(n.get(0))
                && want.startsWith("Hostname:")
                && dnsMatches(value, want.substring("Hostname:".length()))) {
              return true;
            }
            if (Integer.valueOf(6).equals(n.get(0))
                && want.startsWith("URI:")
                && value.equals(want.substring("URI:".length()))) {
              return true;
            }
          }
        }
      } catch (java.security.cert.CertificateParsingException e) {
        return false;
      }
      return false;
    }

    /** A DNS name of a certificate (a leading "*." covers one label) against a hostname. */
    static boolean dnsMatches(String certName, String host) {
      String c = certName.toLowerCase(Locale.ROOT);
      String h = host.toLowerCase(Locale.ROOT);
      if (c.startsWith("*.")) {
        int dot = h.indexOf('.');
        return dot > 0 && h.substring(dot).equals(c.substring(1));
      }
      return c.equals(h);
    }

    private static X509ExtendedTrustManager trustManager(String pem)
        throws java.security.GeneralSecurityException {
      java.security.KeyStore store = null;
      if (pem != null) {
        store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        try {
          store.load(null, null);
        } catch (IOException e) {
          throw new java.security.GeneralSecurityException(e);
        }
        int i = 0;
        for (java.security.cert.Certificate c :
            java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificates(
                    new java.io.ByteArrayInputStream(
                        pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
          store.setCertificateEntry("ca-" + i++, c);
        }
        if (i == 0) {
          throw new java.security.GeneralSecurityException("no certificate");
        }
      }
      javax.net.ssl.TrustManagerFactory f =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      for (TrustManager m : f.getTrustManagers()) {
        if (m instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new java.security.GeneralSecurityException("no X.509 trust manager");
    }

    /** The certificate's DNS names in plain characters (at most 3; the backend writes them). */
    static List<String> dnsNames(X509Certificate c) {
      List<String> out = new java.util.ArrayList<>();
      try {
        if (c.getSubjectAlternativeNames() != null) {
          for (List<?> n : c.getSubjectAlternativeNames()) {
            if (n.size() > 1 && Integer.valueOf(2).equals(n.get(0)) && out.size() < 3) {
              String name = String.valueOf(n.get(1));
              if (name.length() <= 253 && name.matches("[A-Za-z0-9*.-]+")) {
                out.add(name);
              }
            }
          }
        }
      } catch (java.security.cert.CertificateParsingException e) {
        // no names to show
      }
      if (out.isEmpty()) {
        String cn = c.getSubjectX500Principal().getName();
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("(?:^|,)CN=([A-Za-z0-9*.-]{1,253})(?:,|$)").matcher(cn);
        if (m.find()) {
          out.add("CN " + m.group(1));
        }
      }
      return out;
    }

    /** Why the certificate was refused, in fixed words (and its names), or null. */
    String failure(String m, TlsVerification v) {
      String names = presented.isEmpty() ? "" : " (" + String.join(", ", presented) + ")";
      if (m.contains("subject alternative name of the policy")) {
        return "the backend's certificate"
            + names
            + " carries none of the subjectAltNames of "
            + v.source();
      }
      if (m.contains("no subject alternative") || m.contains("no name matching")) {
        return "the backend's certificate"
            + names
            + " does not name "
            + v.hostname()
            + ", the hostname of "
            + v.source();
      }
      if (m.contains("validity check failed")
          || m.contains("certificate expired")
          || m.contains("notafter")
          || m.contains("not yet valid")) {
        return "the backend's certificate" + names + " has expired or is not valid yet";
      }
      if (m.contains("pkix path") || m.contains("certification path")) {
        return "the backend's certificate"
            + names
            + " is not signed by "
            + (v.caPem() == null ? "a well-known CA" : "the CA")
            + " of "
            + v.source();
      }
      return null;
    }
  }

  /**
   * The client TLS context: trusts any certificate, as ingress-nginx does by default
   * (proxy_ssl_verify off).
   */
  static SSLContext tlsContext() {
    return Tls.TRUST_ALL;
  }

  private static SSLContext trustAll() {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          new SecureRandom());
      return c;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }

  /** The state of one exchange, for building its result. */
  private static final class Exchange {
    final ProbeTarget t;
    final long start;
    long firstByteNanos;
    boolean afterRequest;
    int headerBytes;

    Exchange(ProbeTarget t, long start) {
      this.t = t;
      this.start = start;
    }

    Probe end(Outcome o, Integer status, String detail) {
      return end(o, status, detail, headerBytes);
    }

    Probe end(Outcome o, Integer status, String detail, int header) {
      long until = firstByteNanos != 0 ? firstByteNanos : System.nanoTime();
      return new Probe(t, o, status, (until - start) / 1_000_000L, detail, afterRequest, header);
    }
  }
}
