package io.gatewaydoctor.bench;

import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.LineSplitter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The log parser benchmark (docs/benchmarks.md): writes N ingress-nginx access lines (one in ten a
 * 502, a few error lines and garbage among them) and times reading them into gateway evidence, line
 * by line, as {@code analyze --gateway-log} does. The same file can then be fed to awk.
 */
public final class LogBench {
  private LogBench() {}

  public static Path write(Path file, long lines) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.ISO_8859_1)) {
      for (long l = 0; l < lines; l++) {
        int i = (int) (l % 1_000_000_000L);
        int svc = i % 50;
        boolean bad = i % 10 == 3;
        String addr = "10.244." + (svc % 4) + "." + (10 + i % 3) + ":8080";
        w.write(
            "10.0."
                + (i % 200)
                + ".7 - - [01/Dec/2026:11:"
                + String.format(Locale.ROOT, "%02d", 50 + (i % 10))
                + ":30 +0000] "
                + "\"GET /api/v1/items/"
                + i
                + " HTTP/1.1\" "
                + (bad ? 502 : 200)
                + " "
                + (bad ? 150 : 1234)
                + " \"https://shop.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\" 412 0.0"
                + (i % 10)
                + " [team-"
                + (svc % 5)
                + "-app-"
                + svc
                + "-80] [] "
                + addr
                + " "
                + (bad ? 0 : 1234)
                + " 0.00"
                + (i % 10)
                + " "
                + (bad ? 502 : 200)
                + " 9f8e7d6c5b4a"
                + Integer.toHexString(i)
                + "\n");
        if (i % 1000 == 0) {
          w.write(
              "2026/12/01 11:55:30 [error] 32#32: *"
                  + i
                  + " connect() failed (111: Connection refused) while connecting to upstream,"
                  + " client: 10.0.0.7, server: shop.example.com, request: \"GET / HTTP/1.1\", upstream: \"http://"
                  + addr
                  + "/\","
                  + " host: \"shop.example.com\"\n");
          w.write(
              "I1201 11:55:30.000000 7 controller.go:190] \"Configuration changes detected, backend reload required\"\n");
        }
      }
    }
    return file;
  }

  /**
   * Writes N Envoy Gateway access lines in its default typed JSON (v1.4 and later, keys sorted as
   * it writes them): the shape of the line quoted in envoyproxy/gateway#7811, one in ten a 503 for
   * a refused connection (flags UF; the details as Envoy writes them for a connect error 111, as in
   * the lines of EnvoyRealLinesTest), 50 routes of 4 endpoints each.
   */
  public static Path writeEnvoy(Path file, long lines) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.ISO_8859_1)) {
      for (long l = 0; l < lines; l++) {
        int i = (int) (l % 1_000_000_000L);
        int svc = i % 50;
        boolean bad = i % 10 == 3;
        String route = "httproute/team-" + (svc % 5) + "/app-" + svc + "/rule/0";
        w.write(
            "{\":authority\":\"shop.example.com\",\"bytes_received\":0,\"bytes_sent\":"
                + (bad ? 145 : 1234)
                + ",\"connection_termination_details\":null,\"downstream_local_address\":\"10.244.0.8:10080\""
                + ",\"downstream_remote_address\":\"10.0."
                + (i % 200)
                + ".7:50548\",\"duration\":"
                + (i % 10)
                + ",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"requested_server_name\":null"
                + ",\"response_code\":"
                + (bad ? 503 : 200)
                + ",\"response_code_details\":\""
                + (bad
                    ? "upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111}"
                    : "via_upstream")
                + "\",\"response_flags\":\""
                + (bad ? "UF" : "-")
                + "\",\"route_name\":\""
                + route
                + "/match/0/shop_example_com\",\"start_time\":\"2026-12-01T11:"
                + String.format(Locale.ROOT, "%02d", 50 + (i % 10))
                + ":30."
                + String.format(Locale.ROOT, "%03d", i % 1000)
                + "Z\",\"upstream_cluster\":\""
                + route
                + "\",\"upstream_host\":\"10.244."
                + (svc % 4)
                + "."
                + (10 + i % 4)
                + ":8080\",\"upstream_local_address\":"
                + (bad ? "null" : "\"10.244.0.8:40258\"")
                + ",\"upstream_transport_failure_reason\":"
                + (bad ? "\"delayed_connect_error:_111\"" : "null")
                + ",\"user-agent\":\"curl/8.5.0\",\"x-envoy-origin-path\":\"/api/v1/items/"
                + i
                + "\",\"x-envoy-upstream-service-time\":"
                + (bad ? "null" : "\"3\"")
                + ",\"x-forwarded-for\":\"10.0."
                + (i % 200)
                + ".7\",\"x-request-id\":\"2ab6ffcd-7221-4630-9d6a-"
                + String.format(Locale.ROOT, "%012x", i)
                + "\"}\n");
      }
    }
    return file;
  }

  public static void run(PrintWriter out, long lines, int runs) throws IOException {
    Path file = write(Files.createTempFile("gateway-doctor-access-", ".log"), lines);
    out.printf(
        Locale.ROOT,
        "log: %s, %d access lines, %.1f MiB%n",
        file,
        lines,
        Files.size(file) / 1048576.0);
    for (int r = 1; r <= runs; r++) {
      long t0 = System.nanoTime();
      GatewayEvidence.Builder b =
          new GatewayEvidence.Builder(Instant.parse("2026-12-01T12:00:00Z"), Duration.ofHours(1));
      long n;
      try (var in = Files.newInputStream(file)) {
        n = LineSplitter.splitBytes(in, b.byteLines()); // as analyze --gateway-log reads a file
      }
      GatewayEvidence e = b.build();
      double secs = (System.nanoTime() - t0) / 1e9;
      long bad = 0;
      for (int svc = 0; svc < 50; svc++) {
        var c = e.upstream("team-" + (svc % 5) + "-app-" + svc + "-80");
        bad += c == null ? 0 : c.gateway502() + c.app502();
      }
      out.printf(
          Locale.ROOT,
          "run %d: %d lines in %.2f s = %.0f lines/s; 502s counted %d; skipped %d%n",
          r,
          n,
          secs,
          n / secs,
          bad,
          e.skipped());
    }
    out.println(
        "same file with awk: time awk '$9 == 502 { n[$(NF-6)]++ } END { for (u in n) print u, n[u] }' "
            + file);
  }
}
