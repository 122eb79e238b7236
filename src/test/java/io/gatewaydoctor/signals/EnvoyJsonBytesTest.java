package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.bench.LogBench;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The byte reader of Envoy JSON access lines against {@link EnvoyLogParser#parse} (Jackson): for
 * every line it reads, the same access and error lines; a line it leaves is read as a string.
 * Coverage checks make sure the comparisons are not idle.
 */
class EnvoyJsonBytesTest {
  /** Envoy Gateway typed JSON, as in envoyproxy/gateway#7811 (EnvoyRealLinesTest). */
  static final String BASE =
      "{\":authority\":\"www.example.com\",\"bytes_received\":0,\"bytes_sent\":466,"
          + "\"connection_termination_details\":null,\"downstream_local_address\":\"127.0.0.1:10080\","
          + "\"downstream_remote_address\":\"127.0.0.1:50548\",\"duration\":7,\"method\":\"GET\","
          + "\"protocol\":\"HTTP/1.1\",\"requested_server_name\":null,\"response_code\":503,"
          + "\"response_code_details\":\"upstream_reset_before_response_started{connection_failure,"
          + "delayed_connect_error:_111}\",\"response_flags\":\"UF\","
          + "\"route_name\":\"httproute/default/backend/rule/0/match/0/www_example_com\","
          + "\"start_time\":\"2025-12-24T10:30:50.941Z\","
          + "\"upstream_cluster\":\"httproute/default/backend/rule/0\","
          + "\"upstream_host\":\"10.244.0.7:3000\",\"upstream_local_address\":\"10.244.0.8:40258\","
          + "\"upstream_transport_failure_reason\":null,\"user-agent\":\"curl/7.87.0\","
          + "\"x-envoy-origin-path\":\"/get\",\"x-envoy-upstream-service-time\":null,"
          + "\"x-forwarded-for\":\"10.244.0.8\",\"x-request-id\":\"2ab6ffcd-7221-4630-9d6a\"}";

  /** The byte reader's answer, checked against Jackson's; true when it read the line. */
  static boolean agrees(EnvoyJsonBytes bytes, String line) {
    byte[] b = ("x" + line + "y").getBytes(StandardCharsets.ISO_8859_1);
    EnvoyLogParser.Parsed fast = bytes.read(b, 1, b.length - 1);
    if (line.indexOf('\n') < 0) {
      // the same line found and read in one pass (its newline before the end of the block)
      byte[] w = ("x" + line + "\n{}").getBytes(StandardCharsets.ISO_8859_1);
      EnvoyLogParser.Parsed whole = bytes.shapeAt(w, 1, w.length);
      assertThat(whole == null).as(line).isEqualTo(fast == null);
      if (whole != null) {
        assertThat(bytes.end()).isEqualTo(1 + line.length());
        assertThat(whole.at(Instant.ofEpochSecond(bytes.second(), bytes.nano())))
            .as(line)
            .isEqualTo(fast);
      }
    }
    if (fast == null) {
      return false;
    }
    assertThat(LogShapes.unwrap(line).line()).as(line).isEqualTo(line);
    assertThat(fast).as(line).isEqualTo(EnvoyLogParser.parse(line));
    return true;
  }

  @Test
  void readsTheBenchmarksLinesAsJacksonDoes(@TempDir Path tmp) throws IOException {
    List<String> lines = Files.readAllLines(LogBench.writeEnvoy(tmp.resolve("e.log"), 5_000));
    EnvoyJsonBytes bytes = new EnvoyJsonBytes();
    int read = 0;
    for (String l : lines) {
      read += agrees(bytes, l) ? 1 : 0;
    }
    assertThat(read).isEqualTo(5_000);
    // and the failed ones mean what Jackson's reading says: a refused connection
    String bad = lines.get(3);
    assertThat(EnvoyLogParser.parse(bad).error().reason()).isEqualTo(ErrorLine.Reason.refused);
  }

  @Test
  void readsTheScenariosEnvoyLinesAsJacksonDoes() throws IOException {
    int read = 0;
    for (List<String> log : ScenarioLogs.each()) {
      EnvoyJsonBytes bytes = new EnvoyJsonBytes();
      for (String l : log) {
        read += agrees(bytes, l) ? 1 : 0;
      }
    }
    assertThat(read).isGreaterThan(20);
  }

  @Test
  void leavesWhatItDoesNotReadToJackson() {
    EnvoyJsonBytes bytes = new EnvoyJsonBytes();
    assertThat(agrees(bytes, BASE)).isTrue();
    assertThat(agrees(bytes, BASE.replace("\"response_code\":503", "\"response_code\":\"503\"")))
        .as("v1.0-1.3: every value a string")
        .isTrue();
    List<String> others = new ArrayList<>();
    others.add(BASE.replace("\"method\":\"GET\"", "\"method\" : \"GET\"")); // white space
    others.add(BASE.replace("/get", "/g\\\"et")); // an escape
    others.add(BASE.replace("/get", "/g\tet")); // a control character: Jackson refuses the line
    others.add(BASE.replace("\"duration\":7", "\"duration\":07")); // no JSON number
    others.add(BASE.replace("\"duration\":7", "\"duration\":{\"ms\":7}")); // nested
    others.add(BASE.replace("10:30:50.941Z", "10:30:50.941+01:00")); // an offset
    others.add(BASE.replace("10:30:50.941Z", "10:30:50Z").replace("2025-12-24", "2025-02-30"));
    others.add(BASE.replace("\"response_code\":503,", "")); // no status
    others.add(BASE + " "); // something after the object
    others.add("{\"log\":" + BASE.substring(1)); // Docker's wrapper
    // past Jackson's limits (a number over 1,000 characters, a name over 50,000): it refuses them
    String end = BASE.substring(0, BASE.length() - 1);
    others.add(end + ",\"x\":" + "1".repeat(1001) + "}");
    others.add(end + ",\"x\":1." + "1".repeat(1001) + "}");
    others.add(end + ",\"" + "k".repeat(50_001) + "\":1}");
    others.add(BASE.replace("/get", "/" + "g".repeat(70_000))); // past the line limit of both
    for (String o : others) {
      assertThat(agrees(bytes, o)).as(o).isFalse();
    }
    // a key written twice: the last value that is not null, as Jackson's reading keeps it
    assertThat(
            agrees(
                bytes,
                BASE.replace(
                    "\"response_flags\":\"UF\"",
                    "\"response_flags\":\"UF\",\"response_flags\":null,\"upstream_host\":\"10.0.0.9:80\"")))
        .isTrue();
  }

  /**
   * A line found and read in one pass ({@link EnvoyJsonBytes#shapeAt}) is read only when its
   * newline comes before the limit, and then ends there; a line with a newline, a carriage return
   * or anything else before it is left to the splitter.
   */
  @Test
  void readsALineInOnePassOnlyToItsNewline() {
    EnvoyJsonBytes bytes = new EnvoyJsonBytes();
    byte[] two = (BASE + "\n" + BASE + "\n").getBytes(StandardCharsets.ISO_8859_1);
    int nl = BASE.length();
    for (int limit = 0; limit <= two.length; limit++) {
      EnvoyLogParser.Parsed p = bytes.shapeAt(two, 0, limit);
      assertThat(p != null).as("limit " + limit).isEqualTo(limit > nl);
      if (p != null) {
        assertThat(bytes.end()).isEqualTo(nl);
      }
    }
    assertThat(bytes.shapeAt(two, nl + 1, two.length)).isNotNull();
    assertThat(bytes.end()).isEqualTo(two.length - 1);
    for (String other :
        List.of(
            BASE + "\r\n",
            BASE + " \n",
            BASE + "}\n",
            BASE.replace("/get", "/g\net") + "\n", // a newline in a string: two lines
            BASE.replace(",\"duration\":7", ",\"duration\":7\n") + "\n",
            BASE.replace("\"method\":\"GET\"", "\"method\"\n:\"GET\"") + "\n",
            BASE.substring(0, BASE.length() - 1) + "\n}\n")) {
      byte[] b = other.getBytes(StandardCharsets.ISO_8859_1);
      assertThat(bytes.shapeAt(b, 0, b.length)).as(other).isNull();
    }
  }

  /**
   * A run of Envoy lines fed to a builder as bytes (each shape's plan kept, the time read without
   * an Instant) and as strings (read by Jackson, counted by {@link
   * GatewayEvidence.Builder#add(AccessLine)} and {@link GatewayEvidence.Builder#add(ErrorLine)})
   * counts the same evidence: any window, its bounds inside a second or not, on a line's
   * millisecond or not, few keys allowed, every failed address kept or not.
   */
  @Property(tries = 400)
  void runsOfLinesCountTheSameAsBytesAndAsStrings(
      @ForAll @Size(min = 1, max = 200) List<@From("runLines") String> lines,
      @ForAll @IntRange(min = 0, max = 600) int windowSeconds,
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
    // around now (11:54:00.nnn): the window's bounds fall between lines of one second
    Arbitrary<String> start =
        Arbitraries.integers()
            .between(-400_000, 2_000)
            .map(ms -> "\"" + Instant.parse("2026-12-01T11:54:00Z").plusMillis(ms) + "\"");
    Arbitrary<String> failure =
        Arbitraries.of(
            "\"200\",\"response_code_details\":\"via_upstream\",\"response_flags\":\"-\"",
            "503,\"response_code_details\":\"upstream_reset_before_response_started{connection_failure,"
                + "delayed_connect_error:_111}\",\"response_flags\":\"UF\"",
            "503,\"response_code_details\":\"no_healthy_upstream\",\"response_flags\":\"UH\"",
            "504,\"response_code_details\":\"upstream_response_timeout\",\"response_flags\":\"UT\"",
            "502,\"response_code_details\":\"via_upstream\",\"response_flags\":\"-\"",
            "500,\"response_code_details\":\"via_upstream\",\"response_flags\":\"-\"");
    Arbitrary<String> host =
        Arbitraries.of("\"10.244.0.7:3000\"", "\"10.244.0.8:3000\"", "null", "\"10.0.0.1:80\"");
    Arbitrary<String> cluster =
        Arbitraries.of("httproute/a/b/rule/0", "httproute/a/c/rule/0", "httproute/d/e/rule/1");
    Arbitrary<String> line =
        net.jqwik.api.Combinators.combine(start, failure, host, cluster)
            .as(
                (t, f, h, c) ->
                    "{\":authority\":\"shop\",\"bytes_sent\":12,\"response_code\":"
                        + f
                        + ",\"route_name\":\""
                        + c
                        + "/match/0/x\",\"start_time\":"
                        + t
                        + ",\"upstream_cluster\":\""
                        + c
                        + "\",\"upstream_host\":"
                        + h
                        + ",\"upstream_transport_failure_reason\":null}");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, line),
        net.jqwik.api.Tuple.of(1, line.map(l -> l.replace(",\"bytes_sent\":12", ""))),
        // another order of the same keys: the reader's keys of the last line do not fit
        net.jqwik.api.Tuple.of(
            3,
            line.map(
                l -> {
                  String rest = l.replace("{\":authority\":\"shop\",\"bytes_sent\":12,", "{");
                  return rest.substring(0, rest.length() - 1)
                      + ",\"bytes_sent\":12,\":authority\":\"shop\"}";
                })),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("not a line", "{\"response_code\":}")));
  }

  /** Bytes that matter to the reader, and some that do not. */
  private static final String NASTY = "\"\\:,{}[]nulltrfase0123456789.-+eEZT \t\u0001\u0080\u00ff";

  @Property(tries = 3000)
  void agreesOnMutatedLines(
      @ForAll("lines") String line,
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 100_000) Integer> at,
      @ForAll @Size(min = 4, max = 4) List<@IntRange(min = 0, max = 1000) Integer> what) {
    String mutated = Mutations.of(line, at, what, NASTY);
    EnvoyJsonBytes bytes = new EnvoyJsonBytes();
    agrees(bytes, line); // the caches warm, as in a log
    READ[agrees(bytes, mutated) ? 1 : 0]++;
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
    Arbitrary<String> code = Arbitraries.of("200", "503", "\"503\"", "0", "504", "\"-\"");
    Arbitrary<String> flags = Arbitraries.of("\"-\"", "\"UF\"", "\"UH\"", "\"UC,URX\"", "null");
    Arbitrary<String> details =
        Arbitraries.of(
            "\"via_upstream\"",
            "\"upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111}\"",
            "\"no_healthy_upstream\"",
            "null",
            "\"upstream_response_timeout\"");
    Arbitrary<String> host =
        Arbitraries.of("\"10.244.0.7:3000\"", "null", "\"-\"", "\"[fd00::1]:80\"");
    Arbitrary<String> start =
        Arbitraries.of(
            "\"2025-12-24T10:30:50.941Z\"",
            "\"2028-02-29T23:59:59Z\"",
            "\"2026-12-01T00:00:00.123456789Z\"");
    return net.jqwik.api.Combinators.combine(code, flags, details, host, start)
        .as(
            (c, f, d, h, t) ->
                "{\":authority\":\"shop\",\"bytes_sent\":12,\"response_code\":"
                    + c
                    + ",\"response_code_details\":"
                    + d
                    + ",\"response_flags\":"
                    + f
                    + ",\"route_name\":\"httproute/a/b/rule/0/match/0/x\",\"start_time\":"
                    + t
                    + ",\"upstream_cluster\":\"httproute/a/b/rule/0\",\"upstream_host\":"
                    + h
                    + ",\"upstream_transport_failure_reason\":null,\"duration\":-1.5e3}");
  }
}
