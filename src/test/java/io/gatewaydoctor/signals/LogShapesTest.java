package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wrappers real tools put around a controller's lines are read, not skipped: each shape of one
 * access line and one error line yields the same counts as the bare lines. The shapes are those the
 * tools print: kubectl logs --prefix ("[pod/NAME/CONTAINER] ", kubectl's logs.go), --timestamps
 * (RFC 3339 with nanoseconds, the kubelet's), both together, stern's default template ("POD
 * CONTAINER message", with ANSI colours on a terminal), the CRI log file format ("TIMESTAMP STREAM
 * F|P message", containerd and CRI-O) and Docker's json-file driver
 * ({"log":"…\n","stream":"stderr","time":"…"}).
 */
class LogShapesTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final String ACCESS =
      "10.0.0.1 - - [01/Dec/2026:11:58:30 +0000] \"GET /cart HTTP/1.1\" 502 150 \"-\" \"curl/8.5\" 81 0.004"
          + " [shop-cart-80] [] 10.244.1.5:8080 0 0.001 502 3f1c9e2a7b";
  static final String ERROR =
      "2026/12/01 11:58:30 [error] 32#32: *1234 connect() failed (111: Connection refused) while"
          + " connecting to upstream, client: 10.0.0.1, server: shop.example.com, request: \"GET /cart HTTP/1.1\", upstream:"
          + " \"http://10.244.1.5:8080/cart\", host: \"shop.example.com\"";

  record Shape(String name, UnaryOperator<String> wrap) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Shape> shapes() {
    String ts = "2026-12-01T11:58:30.123456789Z ";
    return List.of(
        new Shape("bare", l -> l),
        new Shape(
            "kubectl --prefix",
            l -> "[pod/ingress-nginx-controller-5c8d66c76d-x7k2p/controller] " + l),
        new Shape("kubectl --timestamps", l -> ts + l),
        new Shape(
            "kubectl --prefix --timestamps",
            l -> "[pod/ingress-nginx-controller-5c8d66c76d-x7k2p/controller] " + ts + l),
        new Shape("stern", l -> "ingress-nginx-controller-5c8d66c76d-x7k2p controller " + l),
        new Shape(
            "stern, colours",
            l ->
                "\u001b[32mingress-nginx-controller-5c8d66c76d-x7k2p\u001b[0m \u001b[34mcontroller\u001b[0m "
                    + l),
        new Shape(
            "stern --timestamps",
            l -> "ingress-nginx-controller-5c8d66c76d-x7k2p controller " + ts + l),
        new Shape("CRI log file", l -> ts + "stderr F " + l),
        new Shape(
            "Docker json-file",
            l ->
                "{\"log\":\""
                    + l.replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\\n\",\"stream\":\"stdout\","
                    + "\"time\":\"2026-12-01T11:58:30.123456789Z\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void eachShapeIsReadLikeTheBareLines(Shape shape) {
    GatewayEvidence.Builder b = new GatewayEvidence.Builder(NOW, Duration.ofMinutes(10));
    assertThat(b.line(shape.wrap().apply(ACCESS))).as("access line").isTrue();
    assertThat(b.line(shape.wrap().apply(ERROR))).as("error line").isTrue();
    GatewayEvidence e = b.build();
    assertThat(e.skipped()).isZero();
    assertThat(e.upstream("shop-cart-80").gateway502()).isEqualTo(1);
    assertThat(e.address("10.244.1.5:8080").reasons).containsEntry(ErrorLine.Reason.refused, 1L);
    assertThat(e.address("10.244.1.5:8080").errorsSince())
        .isEqualTo(Instant.parse("2026-12-01T11:58:00Z"));
  }

  /**
   * An error line carries no offset; the wrapper's UTC time places it (here 13:58 local in a +0200
   * controller).
   */
  @Test
  void theWrappersTimePlacesAnErrorLineWrittenInLocalTime() {
    GatewayEvidence.Builder b = new GatewayEvidence.Builder(NOW, Duration.ofMinutes(10));
    assertThat(
            b.line(
                "2026-12-01T11:58:30Z stderr F "
                    + ERROR.replace("2026/12/01 11:58:30", "2026/12/01 13:58:30")))
        .isTrue();
    assertThat(b.build().address("10.244.1.5:8080").reasons)
        .containsEntry(ErrorLine.Reason.refused, 1L);
  }

  @Test
  void lookalikesAndGarbageAreSkippedNotMisread() {
    GatewayEvidence.Builder b = new GatewayEvidence.Builder(NOW, Duration.ofMinutes(10));
    assertThat(b.line("[pod/x/y] not a log line at all")).isFalse();
    assertThat(b.line("2026-12-01T11:58:30Z stderr F ")).isFalse();
    assertThat(b.line("{\"log\":42}")).isFalse();
    assertThat(b.line("{\"log\":\"unterminated")).isFalse();
    assertThat(b.line("Pod Container " + ERROR))
        .as("not Kubernetes names (upper case): not stern")
        .isFalse();
    assertThat(b.line("2026-99-99T99:99:99Z stderr F garbage"))
        .as("a bad timestamp is no wrapper")
        .isFalse();
    assertThat(b.build().skipped()).isEqualTo(6);
  }

  /**
   * A custom format that begins with $time_iso8601 looks like a --timestamps wrapper: the bare line
   * is read then.
   */
  @Test
  void aCustomFormatBeginningWithItsOwnTimeIsStillRead() {
    GatewayEvidence.Builder b =
        new GatewayEvidence.Builder(NOW, Duration.ofMinutes(10))
            .format(
                LogFormat.of(
                    "'$time_iso8601 $remote_addr $status [$proxy_upstream_name] $upstream_addr $upstream_response_length"
                        + " $upstream_status'"));
    String line = "2026-12-01T11:58:30+00:00 10.0.0.1 502 [shop-cart-80] 10.244.1.5:8080 0 502";
    assertThat(b.line(line)).isTrue();
    assertThat(b.line("2026-12-01T11:58:31.000000001Z " + line))
        .as("and behind kubectl --timestamps")
        .isTrue();
    assertThat(b.build().upstream("shop-cart-80").gateway502()).isEqualTo(2);
  }

  @Test
  void sternDashAPrintsTheNamespaceToo() {
    GatewayEvidence.Builder b = new GatewayEvidence.Builder(NOW, Duration.ofMinutes(10));
    assertThat(
            b.line("ingress-nginx ingress-nginx-controller-5c8d66c76d-x7k2p controller " + ERROR))
        .isTrue();
    assertThat(b.build().address("10.244.1.5:8080").reasons)
        .containsEntry(ErrorLine.Reason.refused, 1L);
  }

  /**
   * A line longer than the runtime's buffer arrives in fragments (CRI "P", Docker without the
   * newline): none is misread.
   */
  @Test
  void fragmentsOfALongLineAreSkippedNotMisread() {
    GatewayEvidence.Builder b = new GatewayEvidence.Builder(NOW, Duration.ofMinutes(10));
    assertThat(b.line("2026-12-01T11:58:30.1Z stdout P " + ACCESS)).isFalse();
    assertThat(
            b.line(
                "{\"log\":\""
                    + ERROR.replace("\"", "\\\"")
                    + "\",\"stream\":\"stderr\",\"time\":\"2026-12-01T11:58:30Z\"}"))
        .isFalse();
    GatewayEvidence e = b.build();
    assertThat(e.skipped()).isEqualTo(2);
    assertThat(e.upstream("shop-cart-80")).isNull();
  }
}
