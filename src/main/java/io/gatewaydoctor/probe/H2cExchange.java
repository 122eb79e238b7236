package io.gatewaydoctor.probe;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One request in HTTP/2 over plain TCP with prior knowledge (h2c), as an Envoy-based data plane
 * speaks to a Service port whose {@code appProtocol} is {@code kubernetes.io/h2c}: the connection
 * preface, an empty SETTINGS frame, one GET on stream 1, then frames until that stream's response
 * headers (decoded by Netty's HPACK decoder), a reset or a GOAWAY. Bounded like an HTTP/1.1 probe:
 * one deadline, a cap on the bytes read; frames the answer does not need are skipped, never kept.
 */
final class H2cExchange {
  private H2cExchange() {}

  static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** What one exchange found: an outcome, the status when headers came, words to show. */
  record Result(Outcome outcome, Integer status, String detail, boolean firstByte) {}

  static final int DATA = 0;
  static final int HEADERS = 1;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int GOAWAY = 7;
  static final int CONTINUATION = 9;

  /**
   * Sends the request on a connected socket and reads the answer within {@code deadlineNanos}
   * (System.nanoTime), reading at most {@code byteCap} bytes and response headers of at most {@code
   * headerLimit}. With {@code grpc}: a gRPC call of {@link #GRPC_HEALTH} (an empty
   * HealthCheckRequest), as the data plane of a GRPCRoute speaks to its backends; the answer's
   * grpc-status (in the headers of a trailers-only answer, else in the trailers) and the health
   * status it carries say the outcome.
   */
  static Result exchange(
      Socket s,
      String authority,
      String path,
      long deadlineNanos,
      int byteCap,
      boolean grpc,
      int headerLimit)
      throws IOException {
    OutputStream out = s.getOutputStream();
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    req.write(PREFACE);
    frame(req, SETTINGS, 0, 0, new byte[] {0, 2, 0, 0, 0, 0}); // SETTINGS_ENABLE_PUSH = 0
    if (grpc) {
      frame(req, HEADERS, 0x4, 1, grpcHeaderBlock(authority)); // END_HEADERS
      frame(req, DATA, 0x1, 1, new byte[5]); // END_STREAM: an empty message, not compressed
    } else {
      frame(req, HEADERS, 0x5, 1, headerBlock(authority, path)); // END_STREAM | END_HEADERS
    }
    try {
      out.write(req.toByteArray());
      out.flush();
    } catch (IOException e) {
      return new Result(Outcome.reset, null, "reset while sending the HTTP/2 request", false);
    }
    InputStream in = s.getInputStream();
    int read = 0;
    boolean first = false;
    ByteArrayOutputStream block = null;
    DefaultHttp2HeadersDecoder decoder;
    try {
      decoder = new DefaultHttp2HeadersDecoder(true, Math.max(1024, headerLimit));
    } catch (RuntimeException e) {
      decoder = new DefaultHttp2HeadersDecoder(true);
    }
    int headersFlags = 0; // the flags of the HEADERS frame a CONTINUATION carries on
    Http2Headers answer = null; // a gRPC call's response headers, until its trailers
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    while (true) {
      byte[] head;
      try {
        head = readFully(s, in, 9, deadlineNanos);
      } catch (SocketTimeoutException e) {
        return new Result(
            Outcome.readTimeout, null, "no HTTP/2 response within the probe's deadline", first);
      } catch (EOFException e) {
        return new Result(
            Outcome.prematureClose,
            null,
            first
                ? "the backend closed the HTTP/2 connection before its response headers"
                : "the backend closed the connection without an HTTP/2 answer",
            first);
      } catch (SocketException e) {
        return new Result(Outcome.reset, null, "reset during the HTTP/2 exchange", first);
      }
      boolean firstFrame = !first;
      first = true;
      read += 9;
      if (firstFrame && startsHttp1(head)) {
        return new Result(
            Outcome.http1Expected,
            null,
            "the backend answered HTTP/1.x to HTTP/2 with prior knowledge (h2c): it does not speak"
                + " h2c",
            true);
      }
      int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
      int type = head[3] & 0xff;
      int flags = head[4] & 0xff;
      int stream =
          ((head[5] & 0x7f) << 24)
              | ((head[6] & 0xff) << 16)
              | ((head[7] & 0xff) << 8)
              | (head[8] & 0xff);
      if (read + length > byteCap) {
        return new Result(
            Outcome.invalidResponse,
            null,
            "more than " + byteCap + " bytes of HTTP/2 frames without the response headers",
            true);
      }
      byte[] payload;
      try {
        payload = readFully(s, in, length, deadlineNanos);
      } catch (SocketTimeoutException e) {
        return new Result(Outcome.readTimeout, null, "an HTTP/2 frame cut short", true);
      } catch (EOFException | SocketException e) {
        return new Result(Outcome.prematureClose, null, "an HTTP/2 frame cut short", true);
      }
      read += length;
      if (type == SETTINGS && (flags & 0x1) == 0 && stream == 0) {
        try {
          ByteArrayOutputStream ack = new ByteArrayOutputStream();
          frame(ack, SETTINGS, 0x1, 0, new byte[0]);
          out.write(ack.toByteArray());
          out.flush();
        } catch (IOException e) {
          // the answer may still come
        }
      } else if (type == GOAWAY && length >= 8) {
        long code = u32(payload, 4);
        int last = (int) (u32(payload, 0) & 0x7fffffffL);
        if (last < 1 || code != 0) {
          return new Result(
              Outcome.invalidResponse,
              null,
              "the backend ended the HTTP/2 connection (GOAWAY " + error(code) + ")",
              true);
        }
      } else if (type == RST_STREAM && stream == 1 && length >= 4) {
        return new Result(
            Outcome.reset,
            null,
            "the backend reset the HTTP/2 stream (" + error(u32(payload, 0)) + ")",
            true);
      } else if ((type == HEADERS || (type == CONTINUATION && block != null)) && stream == 1) {
        if (block == null) {
          block = new ByteArrayOutputStream();
        }
        if (type == HEADERS) {
          headersFlags = flags;
        }
        byte[] fragment = type == HEADERS ? fragment(payload, flags) : payload;
        if (fragment == null) {
          return new Result(
              Outcome.invalidResponse, null, "a malformed HTTP/2 HEADERS frame", true);
        }
        block.write(fragment);
        if ((flags & 0x4) != 0) { // END_HEADERS
          if (!grpc) {
            Result r = decode(decoder, block.toByteArray());
            if (r.status() != null && r.status() >= 100 && r.status() < 200) {
              block = null; // an interim answer (103 Early Hints): the final one follows
              continue;
            }
            return r;
          }
          Http2Headers h;
          try {
            h = decoder.decodeHeaders(1, Unpooled.wrappedBuffer(block.toByteArray()));
          } catch (Http2Exception.HeaderListSizeException e) {
            return TOO_LARGE;
          } catch (Http2Exception | RuntimeException e) {
            return new Result(
                Outcome.invalidResponse, null, "HTTP/2 headers that do not decode (HPACK)", true);
          }
          block = null;
          if (answer == null) {
            Result bad = notGrpc(h);
            if (bad != null) {
              return bad;
            }
            answer = h;
          }
          if (h.get("grpc-status") != null) {
            return grpc(h.get("grpc-status").toString(), message.toByteArray());
          }
          if ((headersFlags & 0x1) != 0) {
            return new Result(
                Outcome.invalidResponse, 200, "a gRPC answer that ended without grpc-status", true);
          }
        }
      } else if (type == DATA && stream == 1 && grpc && message.size() < 64) {
        byte[] data = (flags & 0x8) != 0 ? fragment(payload, 0x8) : payload; // PADDED
        if (data != null) {
          message.write(data, 0, Math.min(data.length, 64 - message.size()));
        }
      }
      // DATA, PING, WINDOW_UPDATE, PRIORITY and other streams: not needed for the status
    }
  }

  /** "HTTP/1." where a frame header should be: an HTTP/1 server answering the preface. */
  static boolean startsHttp1(byte[] head) {
    return new String(head, 0, 7, StandardCharsets.ISO_8859_1).equals("HTTP/1.");
  }

  private static final Result TOO_LARGE =
      new Result(
          Outcome.headersTooLarge,
          null,
          "HTTP/2 response headers larger than the gateway accepts",
          true);

  /** The gRPC method the probes call: the standard health check, answered by most servers. */
  static final String GRPC_HEALTH = "/grpc.health.v1.Health/Check";

  /** Why response headers are no gRPC answer, or null when they are one. */
  private static Result notGrpc(Http2Headers h) {
    CharSequence st = h.status();
    CharSequence type = h.get("content-type");
    if (st == null || !"200".contentEquals(st)) {
      Integer status =
          st != null && st.toString().matches("[1-5][0-9][0-9]")
              ? Integer.valueOf(st.toString())
              : null;
      return new Result(
          Outcome.invalidResponse,
          status,
          "not a gRPC answer: HTTP/2 status " + (status == null ? "missing" : status),
          true);
    }
    if (type == null || !type.toString().startsWith("application/grpc")) {
      return new Result(
          Outcome.invalidResponse,
          200,
          "not a gRPC answer: no application/grpc content type",
          true);
    }
    return null;
  }

  /** gRPC status codes by name. */
  static String grpcName(int code) {
    String[] names = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED"
    };
    return code >= 0 && code < names.length ? names[code] : "status " + code;
  }

  /**
   * A gRPC call's outcome: OK with the health status its message carries; UNIMPLEMENTED (no health
   * service) still a gRPC server that answered; UNAVAILABLE, INTERNAL, UNKNOWN and
   * DEADLINE_EXCEEDED the server's own errors, as an HTTP backend's 5xx.
   */
  static Result grpc(String status, byte[] message) {
    if (!status.matches("[0-9]{1,2}")) {
      return new Result(Outcome.invalidResponse, 200, "a grpc-status that is no number", true);
    }
    int code = Integer.parseInt(status);
    if (code == 0) {
      // HealthCheckResponse{status}: the 5-byte prefix, then field 1 (tag 0x08) and its value
      int health = message.length >= 7 && message[5] == 0x08 ? message[6] : -1;
      if (health == 2) {
        return new Result(Outcome.http5xx, 200, "gRPC health check: NOT_SERVING", true);
      }
      return new Result(
          Outcome.ok, 200, health == 1 ? "gRPC health check: SERVING" : "gRPC status OK", true);
    }
    boolean serverError = code == 2 || code == 4 || code == 13 || code == 14;
    return new Result(
        serverError ? Outcome.http5xx : Outcome.ok,
        200,
        code == 12
            ? "gRPC status UNIMPLEMENTED (no health service; the server speaks gRPC)"
            : "gRPC status " + grpcName(code),
        true);
  }

  /**
   * The gRPC request's header block: :method POST, :scheme http, :path, :authority, content-type
   * application/grpc and te: trailers (a literal name: it is in no static table).
   */
  static byte[] grpcHeaderBlock(String authority) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x83); // :method POST
    b.write(0x86); // :scheme http
    literal(b, 4, GRPC_HEALTH);
    literal(b, 1, authority);
    literal(b, 31, "application/grpc"); // content-type
    b.write(0x00); // te, a new name
    integer(b, 0x00, 7, 2);
    b.write('t');
    b.write('e');
    integer(b, 0x00, 7, 8);
    b.write("trailers".getBytes(StandardCharsets.US_ASCII), 0, 8);
    literal(b, 58, "gateway-doctor-probe");
    return b.toByteArray();
  }

  private static Result decode(DefaultHttp2HeadersDecoder decoder, byte[] block) {
    try {
      Http2Headers h;
      try {
        h = decoder.decodeHeaders(1, Unpooled.wrappedBuffer(block));
      } catch (Http2Exception.HeaderListSizeException e) {
        return TOO_LARGE;
      }
      CharSequence st = h.status();
      if (st == null || !st.toString().matches("[1-5][0-9][0-9]")) {
        return new Result(
            Outcome.invalidResponse, null, "HTTP/2 response headers without a :status", true);
      }
      int status = Integer.parseInt(st.toString());
      return new Result(
          status >= 500 ? Outcome.http5xx : Outcome.ok, status, "HTTP/2 (h2c) " + status, true);
    } catch (Http2Exception | RuntimeException e) {
      return new Result(
          Outcome.invalidResponse,
          null,
          "HTTP/2 response headers that do not decode (HPACK)",
          true);
    }
  }

  /** The header block fragment of a HEADERS frame (padding and priority taken off), or null. */
  static byte[] fragment(byte[] p, int flags) {
    int from = 0;
    int pad = 0;
    if ((flags & 0x8) != 0) { // PADDED
      if (p.length < 1) {
        return null;
      }
      pad = p[0] & 0xff;
      from = 1;
    }
    if ((flags & 0x20) != 0) { // PRIORITY
      from += 5;
    }
    int to = p.length - pad;
    if (to < from) {
      return null;
    }
    byte[] out = new byte[to - from];
    System.arraycopy(p, from, out, 0, out.length);
    return out;
  }

  /**
   * The request's header block in HPACK, without Huffman coding or indexing: :method GET and
   * :scheme http from the static table, :path and :authority as literals with indexed names.
   */
  static byte[] headerBlock(String authority, String path) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x82); // :method GET
    b.write(0x86); // :scheme http
    literal(b, 4, path); // :path
    literal(b, 1, authority); // :authority
    literal(b, 58, "gateway-doctor-probe"); // user-agent
    return b.toByteArray();
  }

  /** A literal header field without indexing, its name from the static table. */
  private static void literal(ByteArrayOutputStream b, int nameIndex, String value) {
    integer(b, 0x00, 4, nameIndex);
    byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
    integer(b, 0x00, 7, v.length);
    b.write(v, 0, v.length);
  }

  /** HPACK's integer with an N-bit prefix (RFC 7541, 5.1). */
  static void integer(ByteArrayOutputStream b, int high, int bits, int value) {
    int max = (1 << bits) - 1;
    if (value < max) {
      b.write(high | value);
      return;
    }
    b.write(high | max);
    value -= max;
    while (value >= 128) {
      b.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    b.write(value);
  }

  static void frame(ByteArrayOutputStream b, int type, int flags, int stream, byte[] payload) {
    b.write((payload.length >>> 16) & 0xff);
    b.write((payload.length >>> 8) & 0xff);
    b.write(payload.length & 0xff);
    b.write(type);
    b.write(flags);
    b.write((stream >>> 24) & 0x7f);
    b.write((stream >>> 16) & 0xff);
    b.write((stream >>> 8) & 0xff);
    b.write(stream & 0xff);
    b.write(payload, 0, payload.length);
  }

  private static long u32(byte[] p, int at) {
    return ((p[at] & 0xffL) << 24)
        | ((p[at + 1] & 0xffL) << 16)
        | ((p[at + 2] & 0xffL) << 8)
        | (p[at + 3] & 0xffL);
  }

  /** HTTP/2 error codes by name (RFC 9113, 7). */
  static String error(long code) {
    String[] names = {
      "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
      "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
      "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"
    };
    return code >= 0 && code < names.length ? names[(int) code] : "error " + code;
  }

  /** Exactly n bytes, each read within what is left of the deadline. */
  private static byte[] readFully(Socket s, InputStream in, int n, long deadlineNanos)
      throws IOException {
    byte[] out = new byte[n];
    int got = 0;
    while (got < n) {
      int left = HttpProber.remaining(deadlineNanos);
      if (left <= 0) {
        throw new SocketTimeoutException("deadline");
      }
      s.setSoTimeout(left);
      int r = in.read(out, got, n - got);
      if (r < 0) {
        throw new EOFException();
      }
      got += r;
    }
    return out;
  }
}
