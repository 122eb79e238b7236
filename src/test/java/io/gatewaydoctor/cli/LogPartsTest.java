package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatewaydoctor.signals.EnvoyLogParserTest;
import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.LineSplitter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A log read in parts on several threads counts exactly what one reader going through it counts:
 * error lines at the start of a part take the UTC offset of the access lines before (in an earlier
 * part), samples and the first failed addresses stay those of the first lines.
 */
class LogPartsTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final Duration WINDOW = Duration.ofHours(1);

  @TempDir Path dir;

  static String access(Instant utc, int offsetHours, int status, String upstream, String tries) {
    ZoneOffset off = ZoneOffset.ofHours(offsetHours);
    String local =
        DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss xx", Locale.ROOT)
            .format(utc.atOffset(off));
    String[] addrs = tries.split(" ");
    String statuses = String.join(", ", java.util.Collections.nCopies(addrs.length, "" + status));
    String zeros = String.join(", ", java.util.Collections.nCopies(addrs.length, "0"));
    return "10.0.0.7 - - ["
        + local
        + "] \"GET /cart HTTP/1.1\" "
        + status
        + " 150 \"-\" \"curl/8.5.0\" 412 0.003 ["
        + upstream
        + "] [] "
        + String.join(", ", addrs)
        + " "
        + zeros
        + " "
        + zeros.replace("0", "0.001")
        + " "
        + statuses
        + " 9f8e7d6c5b4a";
  }

  /** An error line in the controller's local time (no offset written). */
  static String error(Instant utc, int offsetHours, String addr) {
    String local =
        DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss", Locale.ROOT)
            .format(utc.atOffset(ZoneOffset.ofHours(offsetHours)));
    return local
        + " [error] 32#32: *9 connect() failed (111: Connection refused) while connecting to"
        + " upstream, client: 10.0.0.7, server: shop.example.com, request: \"GET / HTTP/1.1\","
        + " upstream: \"http://"
        + addr
        + "/\", host: \"shop.example.com\"";
  }

  /**
   * A mixed log: access lines whose offset changes now and then, runs of error lines (so parts
   * start with them), Envoy and CRI-wrapped lines, garbage, an overlong line, 80 failing addresses
   * on one upstream; times around the window's edges.
   */
  static List<String> mixedLog(long seed, int lines) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>();
    int offset = 1;
    for (int i = 0; i < lines; i++) {
      if (i == 100 || i == lines - 500) {
        out.add("x".repeat(LineSplitter.MAX_LINE + 500));
        continue;
      }
      Instant t = NOW.minusSeconds(4500).plusSeconds(r.nextInt(5400));
      String addr = "10.244." + r.nextInt(2) + "." + (10 + r.nextInt(80)) + ":8080";
      int k = r.nextInt(100);
      if (k < 3) {
        offset = new int[] {1, -5, 0, 9}[r.nextInt(4)];
      }
      if (k < 45) {
        int status = r.nextInt(4) == 0 ? 502 : 200;
        // retried on one address: its lines' failed first tries spread over 160 addresses
        String tries = status == 502 ? addr + " 10.244.9.1:8080" : addr;
        String upstream = status == 502 ? "shop-web-0-80" : "shop-web-" + r.nextInt(3) + "-80";
        out.add(access(t, offset, status, upstream, tries));
      } else if (k < 75) {
        int run = 1 + r.nextInt(30);
        for (int j = 0; j < run; j++) {
          out.add(error(t.plusSeconds(j), offset, addr));
        }
      } else if (k < 85) {
        out.add(
            EnvoyLogParserTest.eg(
                503,
                "UF",
                "upstream_reset_before_response_started{remote_connection_failure}",
                addr,
                null));
      } else if (k < 92) {
        out.add(
            t.toString().replace("Z", ".123456789Z")
                + " stdout F "
                + access(t, offset, 502, "shop-web-0-80", addr));
      } else if (k < 97) {
        out.add("I1201 11:55:30.000000 7 controller.go:190] \"Configuration changes detected\"");
      } else {
        out.add("");
      }
    }
    return out;
  }

  List<Path> files(long seed, int lines) throws IOException {
    List<String> all = mixedLog(seed, lines);
    Path a = dir.resolve("a-" + seed + ".log");
    Path b = dir.resolve("b-" + seed + ".log");
    Files.writeString(
        a, String.join("\n", all.subList(0, lines * 3 / 5)) + "\n", StandardCharsets.UTF_8);
    // the second without a final newline: its last line still counts
    Files.writeString(
        b, String.join("\n", all.subList(lines * 3 / 5, all.size())), StandardCharsets.UTF_8);
    return List.of(a, b);
  }

  static String oneReader(List<Path> files) throws IOException {
    GatewayEvidence.Builder b = new GatewayEvidence.Builder(NOW, WINDOW);
    for (Path f : files) {
      try (var in = Files.newInputStream(f)) {
        LineSplitter.split(in, b::line);
      }
    }
    return b.build().toString();
  }

  static String inParts(List<Path> files, long partBytes, int threads) throws IOException {
    return LogParts.read(
            files,
            new GatewayEvidence.Builder(NOW, WINDOW),
            () -> new GatewayEvidence.Builder(NOW, WINDOW).uncappedFailures(),
            partBytes,
            threads)
        .build()
        .toString();
  }

  @ParameterizedTest(name = "parts of {0} bytes, {1} threads, seed {2}, {3} lines")
  @CsvSource({
    "1, 2, 1, 3000",
    "200, 2, 1, 3000",
    "1000, 3, 1, 3000",
    "4096, 2, 2, 3000",
    "65536, 2, 3, 3000",
    "200000, 1, 4, 3000",
    "10000000, 2, 5, 3000",
    // parts that fill the failed addresses kept, while addresses kept before come again
    "300000, 2, 6, 12000"
  })
  void partsCountWhatOneReaderCounts(long partBytes, int threads, long seed, int lines)
      throws IOException {
    List<Path> files = files(seed, lines);
    String expected = oneReader(files);
    // the log is what it claims to be: error lines and requests counted in the window
    assertThat(expected)
        .contains("reasons={refused=")
        .contains("requests=")
        .contains("newest 2026");
    // an upstream whose failed tries went to more addresses than are kept
    assertThat(expected).containsPattern("failed=\\{([^,}]+, ){63}[^,}]+\\}");
    assertThat(inParts(files, partBytes, threads)).isEqualTo(expected);
  }

  @Test
  void partsStartAtLineStarts() throws IOException {
    List<Path> files = files(7, 3000);
    long total = 0;
    for (Path f : files) {
      List<LogParts.Part> parts = LogParts.cut(f, 777);
      assertThat(parts.get(0).start()).isZero();
      assertThat(parts.get(parts.size() - 1).end()).isEqualTo(Files.size(f));
      byte[] bytes = Files.readAllBytes(f);
      for (int i = 1; i < parts.size(); i++) {
        assertThat(parts.get(i).start()).isEqualTo(parts.get(i - 1).end());
        assertThat(bytes[(int) parts.get(i).start() - 1]).isEqualTo((byte) '\n');
      }
      total += parts.size();
    }
    assertThat(total).isGreaterThan(100);
  }

  @Test
  void theEvaluationInstantIsTheNewestLineWhereverItIs() throws Exception {
    Instant newest = NOW.plusSeconds(3600); // after every line of the mixed log
    List<String> lines = new ArrayList<>(mixedLog(9, 400));
    // the newest line first: the tails' guess is wrong and the logs are read again
    lines.add(0, access(newest, 1, 502, "shop-web-0-80", "10.244.0.10:8080"));
    Path f = dir.resolve("newest-first.log");
    Files.writeString(f, String.join("\n", lines) + "\n");
    GatewayLogs.AtNewest r = GatewayLogs.atNewest(List.of(f), Optional.empty(), WINDOW, null);
    assertThat(r.at()).isEqualTo(newest);
    assertThat(r.evidence().toString())
        .isEqualTo(GatewayLogs.read(List.of(f), newest, WINDOW, null).toString());

    // the newest line last, as in a log: one reading
    java.util.Collections.swap(lines, 0, lines.size() - 1);
    Files.writeString(f, String.join("\n", lines) + "\n");
    r = GatewayLogs.atNewest(List.of(f), Optional.empty(), WINDOW, null);
    assertThat(r.at()).isEqualTo(newest);
    assertThat(r.evidence().toString())
        .isEqualTo(GatewayLogs.read(List.of(f), newest, WINDOW, null).toString());

    // objects newer than every line: their instant
    Instant later = newest.plusSeconds(60);
    r = GatewayLogs.atNewest(List.of(f), Optional.of(later), WINDOW, null);
    assertThat(r.at()).isEqualTo(later);
    assertThat(r.evidence().toString())
        .isEqualTo(GatewayLogs.read(List.of(f), later, WINDOW, null).toString());
  }

  /**
   * The reading begun before the objects are read is taken only when it is the reading the objects
   * call for; otherwise the logs are read again: every result equals the one without it.
   */
  @Test
  void anEarlyReadingIsTakenOnlyWhenItIsTheSameReading() throws Exception {
    List<String> lines = new ArrayList<>(mixedLog(9, 400));
    Path f = dir.resolve("early.log");
    Files.writeString(f, String.join("\n", lines) + "\n");
    List<Path> files = List.of(f);
    GatewayLogs.AtNewest plain = GatewayLogs.atNewest(files, Optional.empty(), WINDOW, null);

    // the objects older than the lines: the early reading is the one
    GatewayLogs.Early early = GatewayLogs.Early.start(files, null, WINDOW, null);
    GatewayLogs.AtNewest taken =
        GatewayLogs.atNewest(files, Optional.of(NOW.minusSeconds(86400)), WINDOW, null, early);
    assertThat(taken.at()).isEqualTo(plain.at());
    assertThat(taken.evidence().toString()).isEqualTo(plain.evidence().toString());
    assertThat(taken.evidence().hasLogs()).isTrue();

    // objects newer than every line, another format, another window, --now: read again, the same
    Instant later = plain.at().plusSeconds(60);
    early = GatewayLogs.Early.start(files, null, WINDOW, null);
    assertThat(
            GatewayLogs.atNewest(files, Optional.of(later), WINDOW, null, early)
                .evidence()
                .toString())
        .isEqualTo(GatewayLogs.read(files, later, WINDOW, null).toString());
    io.gatewaydoctor.signals.LogFormat other =
        io.gatewaydoctor.signals.LogFormat.of(
            "$remote_addr [$time_local] \"$request\" $status [$proxy_upstream_name] $upstream_addr"
                + " $upstream_status");
    early = GatewayLogs.Early.start(files, null, WINDOW, null);
    assertThat(GatewayLogs.read(files, plain.at(), WINDOW, other, early).toString())
        .isEqualTo(GatewayLogs.read(files, plain.at(), WINDOW, other).toString());
    early = GatewayLogs.Early.start(files, null, WINDOW, null);
    assertThat(GatewayLogs.read(files, plain.at(), WINDOW.plusHours(1), null, early).toString())
        .isEqualTo(GatewayLogs.read(files, plain.at(), WINDOW.plusHours(1), null).toString());
    early = GatewayLogs.Early.start(files, NOW, WINDOW, null);
    assertThat(GatewayLogs.read(files, NOW, WINDOW, null, early).toString())
        .isEqualTo(GatewayLogs.read(files, NOW, WINDOW, null).toString());

    // a file that is not there: the early reading's error is the reading's error
    List<Path> missing = List.of(dir.resolve("nope.log"));
    GatewayLogs.Early gone = GatewayLogs.Early.start(missing, NOW, WINDOW, null);
    assertThatThrownBy(() -> GatewayLogs.read(missing, NOW, WINDOW, null, gone))
        .isInstanceOf(InputFiles.InputException.class)
        .hasMessageContaining("nope.log: no such file (--gateway-log)");
  }

  /**
   * An Error while the early reading runs (out of memory while the dump is read beside it) is that
   * Error where the reading is taken, never a wait without end nor an input error.
   */
  @Test
  void anErrorInTheEarlyReadingIsThatError() {
    Path failing =
        (Path)
            java.lang.reflect.Proxy.newProxyInstance(
                Path.class.getClassLoader(),
                new Class<?>[] {Path.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("toString")) {
                    return "failing.log";
                  }
                  throw new OutOfMemoryError("simulated");
                });
    List<Path> files = List.of(failing);
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(20),
        () -> {
          // no --now: the guess from the tails fails first
          GatewayLogs.Early guessing = GatewayLogs.Early.start(files, null, WINDOW, null);
          assertThatThrownBy(
                  () -> GatewayLogs.atNewest(files, Optional.empty(), WINDOW, null, guessing))
              .isInstanceOf(OutOfMemoryError.class);
          // --now: the reading itself fails
          GatewayLogs.Early reading = GatewayLogs.Early.start(files, NOW, WINDOW, null);
          assertThatThrownBy(() -> GatewayLogs.read(files, NOW, WINDOW, null, reading))
              .isInstanceOf(OutOfMemoryError.class)
              .hasMessage("simulated");
        });
  }
}
