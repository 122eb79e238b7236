package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.bench.LogBench;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The byte reader of access lines against the string reader: for every line it reads, it gives what
 * {@link NginxLogParser#access} gives and the same UTC offset; a line it leaves is read as a
 * string, so a feed of bytes counts exactly what a feed of strings counts. Coverage checks make
 * sure the comparisons are not idle (the byte reader reads the common lines).
 */
class NginxAccessBytesTest {
  static final String BASE =
      "10.0.3.7 - - [01/Dec/2026:11:53:30 +0000] \"GET /api/v1/items/3 HTTP/1.1\" 502 150"
          + " \"https://shop.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64)\" 412 0.03"
          + " [team-3-app-3-80] [] 10.244.3.10:8080 0 0.003 502 9f8e7d6c5b4a3";

  /** The byte reader's answer, checked against the string reader's; true when it read the line. */
  static boolean agrees(NginxAccessBytes bytes, String line) {
    byte[] b = ("xx" + line + "yy").getBytes(StandardCharsets.ISO_8859_1);
    AccessLine fast = bytes.read(b, 2, b.length - 2);
    if (fast == null) {
      return false;
    }
    LogShapes.Unwrapped u = LogShapes.unwrap(line);
    assertThat(u.line()).as(line).isEqualTo(line);
    assertThat(u.at()).as(line).isNull();
    assertThat(EnvoyLogParser.looksLike(line)).as(line).isFalse();
    assertThat(fast).as(line).isEqualTo(NginxLogParser.access(line));
    assertThat(bytes.offsetSeconds()).as(line).isEqualTo(NginxLogParser.offsetSeconds(line));
    return true;
  }

  @Test
  void readsTheBenchmarksAccessLinesAsTheStringReaderDoes(@TempDir Path tmp) throws IOException {
    List<String> lines = Files.readAllLines(LogBench.write(tmp.resolve("a.log"), 20_000));
    NginxAccessBytes bytes = new NginxAccessBytes();
    int read = 0;
    for (String l : lines) {
      read += agrees(bytes, l) ? 1 : 0;
    }
    // every access line (the error and klog lines are the string reader's)
    assertThat(read).isEqualTo(20_000);
  }

  @Test
  void readsTheScenariosLogsAsTheStringReaderDoes() throws IOException {
    int read = 0;
    int all = 0;
    for (List<String> log : ScenarioLogs.each()) {
      NginxAccessBytes bytes = new NginxAccessBytes();
      for (String l : log) {
        all++;
        read += agrees(bytes, l) ? 1 : 0;
      }
    }
    assertThat(all).isGreaterThan(500);
    assertThat(read).isGreaterThan(100);
  }

  @Test
  void leavesWhatItDoesNotReadToTheStringReader() {
    NginxAccessBytes bytes = new NginxAccessBytes();
    assertThat(agrees(bytes, BASE)).isTrue();
    for (String other :
        List.of(
            // retries and an internal redirect: lists the string reader splits
            BASE.replace(
                "10.244.3.10:8080 0 0.003 502",
                "10.244.3.10:8080, 10.244.3.11:8080 0, 0 0.003, 0.001 502, 502"),
            BASE.replace(
                "10.244.3.10:8080 0 0.003 502",
                "10.244.3.10:8080 : 127.0.0.1:8181 0 : 12 0.003 : 0.001 502 : 404"),
            // wrappers: kubectl --prefix, --timestamps, a CRI file, Docker's JSON
            "[pod/ingress-nginx-controller-abc/controller] " + BASE,
            "2026-12-01T11:53:30.123456789Z " + BASE,
            "2026-12-01T11:53:30.123456789Z stdout F " + BASE,
            // a time not written in full (the string reader reads some of these)
            BASE.replace("01/Dec/2026:11:53:30 +0000", "01/Dec/2026T11:53:30 +0000"),
            BASE.replace("01/Dec/2026:11:53:30 +0000", "01/Dec/2026:11:53:30 X0000"),
            BASE.replace("01/Dec/2026:11:53:30 +0000", "31/Feb/2026:11:53:30 +0000"),
            BASE.replace("01/Dec/2026:11:53:30 +0000", "01/Dec/2026:24:53:30 +0000"),
            BASE.replace("01/Dec/2026:11:53:30 +0000", "01/Dec/2026:11:53:30 +1900"),
            // a status of other than three digits, two spaces before it
            BASE.replace("\" 502 150", "\" 0502 150"),
            BASE.replace("\" 502 150", "\"  502 150"),
            BASE.substring(0, 60))) {
      assertThat(agrees(bytes, other)).as(other).isFalse();
    }
    // a new day, a new offset: read, with its own midnight
    assertThat(
            agrees(bytes, BASE.replace("01/Dec/2026:11:53:30 +0000", "02/Dec/2026:00:00:00 -0530")))
        .isTrue();
    assertThat(bytes.offsetSeconds()).isEqualTo(-19800);
    assertThat(agrees(bytes, BASE)).isTrue();
    assertThat(bytes.offsetSeconds()).isZero();
  }

  /**
   * An upstream status of three characters that are not all digits ("5ab") is no status: the line
   * counts, and nothing throws (it used to reach Integer.valueOf and stop the whole reading).
   */
  @Test
  void anUpstreamStatusThatIsNoNumberIsNone() {
    String line = BASE.replace("0 0.003 502 9f8e", "0 0.003 5ab 9f8e");
    assertThat(line).isNotEqualTo(BASE);
    for (boolean asBytes : new boolean[] {false, true}) {
      GatewayEvidence.Builder b = builder(false);
      byte[] raw = line.getBytes(StandardCharsets.ISO_8859_1);
      assertThat(asBytes ? b.line(raw, 0, raw.length) : b.line(line)).isTrue();
      GatewayEvidence.Counts c = b.build().upstream("team-3-app-3-80");
      assertThat(c.requests).isEqualTo(1);
      assertThat(c.gateway502()).isEqualTo(1); // the client's 502 did not come from the app
      assertThat(c.app502()).isZero();
    }
    assertThat(NginxLogParser.access(line).lastUpstreamStatus()).isNull();
  }

  /** Bytes that matter to the reader, and some that do not. */
  private static final String NASTY = " \"[]:,-+/0123456789aZ{}\t\u0080\u00ff";

  @Property(tries = 3000)
  void agreesOnMutatedLines(
      @ForAll("lines") String line,
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 100_000) Integer> at,
      @ForAll @Size(min = 4, max = 4) List<@IntRange(min = 0, max = 1000) Integer> what) {
    String mutated = Mutations.of(line, at, what, NASTY);
    NginxAccessBytes bytes = new NginxAccessBytes();
    agrees(bytes, line); // the day cache warm, as in a log
    agrees(bytes, mutated);
    READ[agrees(new NginxAccessBytes(), mutated) ? 1 : 0]++;
  }

  private static final int[] READ = new int[2];

  @org.junit.jupiter.api.AfterAll
  static void theMutationsWereReadAndLeftBoth() {
    if (READ[0] + READ[1] > 0) {
      assertThat(READ[1]).as("mutated lines read").isGreaterThan(100);
      assertThat(READ[0]).as("mutated lines left").isGreaterThan(100);
    }
  }

  @Provide
  Arbitrary<String> lines() {
    Arbitrary<String> addr =
        Arbitraries.of(
            "10.244.3.10:8080", "-", "unix:/tmp/x.sock", "[fd00::1]:8080", "10.0.0.1:80");
    Arbitrary<String> status = Arbitraries.of("200", "502", "504", "499", "304", "-", "009", "500");
    Arbitrary<String> len = Arbitraries.of("0", "-", "150", "1234");
    Arbitrary<String> time =
        Arbitraries.of(
            "01/Dec/2026:11:53:30 +0000",
            "29/Feb/2028:23:59:59 -0800",
            "01/Jan/1970:00:00:00 +1800",
            "15/Jul/2026:12:00:00 +0545");
    Arbitrary<String> names = Arbitraries.of("team-3-app-3-80", "", "canary-web-80", "a]b");
    return net.jqwik.api.Combinators.combine(addr, status, len, time, names, names, status)
        .as((a, st, l, t, up, alt, client) -> line(t, client, up, alt, a, l, st));
  }

  /** An access line in the default format with these fields. */
  static String line(
      String time,
      String status,
      String upstream,
      String alternative,
      String addr,
      String length,
      String upstreamStatus) {
    return "10.0.3.7 - - ["
        + time
        + "] \"GET /x HTTP/1.1\" "
        + status
        + " 150 \"-\" \"curl/8\" 412 0.03 ["
        + upstream
        + "] ["
        + alternative
        + "] "
        + addr
        + " "
        + length
        + " 0.003 "
        + upstreamStatus
        + " 9f8e";
  }

  /**
   * Any run of lines, fed as bytes (counted by the plans of their shapes) and as strings (each
   * counted by {@link GatewayEvidence.Builder#add(AccessLine)}), counts the same evidence: any
   * window, its bounds inside a second or not, few keys allowed (plans that are not complete are
   * not kept), every failed address kept or not.
   */
  @Property(tries = 400)
  void runsOfLinesCountTheSameAsBytesAndAsStrings(
      @ForAll @Size(min = 1, max = 60) List<@From("runLines") String> lines,
      @ForAll @IntRange(min = 0, max = 7200) int windowSeconds,
      @ForAll @IntRange(min = 0, max = 999) int nowMillis,
      @ForAll @IntRange(min = 1, max = 12) int maxKeys,
      @ForAll boolean uncapped) {
    Instant now = Instant.parse("2026-12-01T11:54:00Z").plusMillis(nowMillis);
    COUNTED[ByteRuns.countAlike(lines, now, windowSeconds, maxKeys, uncapped) ? 1 : 0]++;
  }

  private static final int[] COUNTED = new int[2];

  @org.junit.jupiter.api.AfterAll
  static void theRunsCountedSomething() {
    if (COUNTED[0] + COUNTED[1] > 0) {
      assertThat(COUNTED[1]).as("runs that counted lines").isGreaterThan(COUNTED[0]);
    }
  }

  @Provide
  Arbitrary<String> runLines() {
    Arbitrary<String> second =
        Arbitraries.integers().between(0, 59).map(i -> String.format("%02d", i));
    Arbitrary<String> minute =
        Arbitraries.integers().between(0, 59).map(i -> String.format("%02d", i));
    Arbitrary<String> addr =
        Arbitraries.of("10.244.3.10:8080", "10.244.3.11:8080", "-", "unix:/x.sock", "10.0.0.1:80");
    Arbitrary<String> status = Arbitraries.of("200", "502", "504", "499", "503", "-", "500");
    Arbitrary<String> len = Arbitraries.of("0", "-", "150");
    Arbitrary<String> name = Arbitraries.of("team-3-app-3-80", "web-80", "a");
    Arbitrary<String> access =
        net.jqwik.api.Combinators.combine(minute, second, status, name, addr, len, status)
            .as(
                (m, sec, client, up, a, l, st) ->
                    line(
                        "01/Dec/2026:11:" + m + ":" + sec + " +0000",
                        client.equals("-") ? "502" : client,
                        up,
                        "",
                        a,
                        l,
                        st));
    Arbitrary<String> retried =
        access.map(
            l ->
                l.replaceFirst(
                    " \\[\\] (\\S+) (\\S+) 0.003 (\\S+) ",
                    " [] 10.244.3.12:8080, $1 0, $2 0.001, 0.003 502, $3 "));
    Arbitrary<String> error =
        Arbitraries.of(
            "2026/12/01 11:53:30 [error] 32#32: *9 connect() failed (111: Connection refused) while"
                + " connecting to upstream, client: 10.0.0.7, server: shop, request: \"GET /"
                + " HTTP/1.1\", upstream: \"http://10.244.3.10:8080/\", host: \"shop\"",
            "I1201 11:55:30.000000 7 controller.go:190] \"reload\"");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, access),
        net.jqwik.api.Tuple.of(2, retried),
        net.jqwik.api.Tuple.of(1, error));
  }

  /** Every line of a stream, fed as bytes and as strings, counts the same evidence. */
  @Test
  void aFeedOfBytesCountsWhatAFeedOfStringsCounts(@TempDir Path tmp) throws IOException {
    List<String> lines =
        new ArrayList<>(Files.readAllLines(LogBench.write(tmp.resolve("a.log"), 3_000)));
    for (List<String> log : ScenarioLogs.each()) {
      lines.addAll(log);
    }
    lines.add(
        BASE.replace(
            "10.244.3.10:8080 0 0.003 502",
            "10.244.3.10:8080, 10.244.3.11:8080 0, 0 0.003, 0.001 502, 502"));
    lines.add("2026-12-01T11:53:30.123456789Z " + BASE);
    byte[] all = String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
    for (boolean defer : new boolean[] {false, true}) {
      GatewayEvidence.Builder strings = builder(defer);
      GatewayEvidence.Builder bytes = builder(defer);
      LineSplitter.split(new ByteArrayInputStream(all), strings::line);
      LineSplitter.splitBytes(new ByteArrayInputStream(all), bytes::line);
      assertThat(bytes.build().toString()).isEqualTo(strings.build().toString());
      assertThat(bytes.offsetSeconds()).isEqualTo(strings.offsetSeconds());
      assertThat(strings.build().toString()).contains("team-3-app-3-80");
    }
  }

  private static GatewayEvidence.Builder builder(boolean defer) {
    GatewayEvidence.Builder b =
        new GatewayEvidence.Builder(Instant.parse("2026-12-01T12:00:00Z"), Duration.ofDays(3650));
    return defer ? b.deferUnknownOffset() : b;
  }
}
