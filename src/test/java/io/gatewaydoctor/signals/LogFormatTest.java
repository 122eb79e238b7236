package io.gatewaydoctor.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatewaydoctor.probe.Backends;
import io.gatewaydoctor.probe.RealNginx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom access-log formats (ingress-nginx log-format-upstream), compiled from the nginx log_format
 * string.
 */
class LogFormatTest {
  static final String DEFAULT =
      "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
          + "\"$http_user_agent\" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr "
          + "$upstream_response_length $upstream_response_time $upstream_status $req_id";

  @Test
  void theDefaultFormatAsAStringReadsWhatTheHandWrittenParserReads() {
    LogFormat f = LogFormat.of("'" + DEFAULT + "'");
    for (String line :
        List.of(
            NginxLogParserTest.RETRIED,
            NginxLogParserTest.RETRIED.replace(
                "10.244.1.5:8080, 10.244.2.6:8080 0, 0 0.001, 0.002 502, 502",
                "10.244.1.5:8080, 10.244.2.6:8080 : 10.244.3.7:8080 0, 0 : 0 0.001, 0.002 : 0.001 502, 502 : 502"),
            "10.0.0.1 - - [01/Dec/2026:11:58:31 +0100] \"GET / HTTP/1.1\" 503 0 \"-\" \"a [b] c\" 81 0.000 [shop-web-80] [shop-web-canary-80] - - - - r")) {
      AccessLine hand = NginxLogParser.access(line);
      int[] off = new int[1];
      AccessLine compiled = f.parse(line, off);
      assertThat(hand).as(line).isNotNull();
      assertThat(compiled).as(line).isEqualTo(hand);
      assertThat(compiled.upstreamAddrs())
          .as(line)
          .hasSameSizeAs(compiled.upstreamStatuses())
          .hasSizeGreaterThan(0);
    }
    assertThat(f.parse("garbage", null)).isNull();
    assertThat(f.parse(NginxLogParserTest.RETRIED.substring(0, 90), null)).isNull();
  }

  @Test
  void badFormatsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> LogFormat.of("$remote_addr [$time_local] $upstream_addr"))
        .hasMessageContaining("must contain $status");
    assertThatThrownBy(() -> LogFormat.of("$status$upstream_addr [$time_local]"))
        .hasMessageContaining("not separated");
    assertThatThrownBy(() -> LogFormat.of("${status [$time_local] $upstream_addr"))
        .hasMessageContaining("unclosed");
  }

  /**
   * A real nginx writing a JSON access log (escape=json), as teams configure log-format-upstream;
   * retries included.
   */
  @Test
  void aJsonFormatWrittenByARealNginxIsRead(@TempDir Path dir) throws Exception {
    String json =
        "{\"time\": \"$time_iso8601\", \"status\": $status, \"upstream\": \"$proxy_upstream_name\", "
            + "\"alt\": \"$proxy_alternative_upstream_name\", \"addr\": \"$upstream_addr\", \"ustatus\": \"$upstream_status\", "
            + "\"ulen\": \"$upstream_response_length\", \"ua\": \"$http_user_agent\"}";
    try (Backends backends = new Backends()) {
      int ok = backends.start("127.0.0.121", Backends::ok);
      String gw = "127.0.0.120";
      int port = RealNginx.freePort(gw);
      RealNginx nginx =
          RealNginx.start(
              dir,
              """
            log_format custom escape=json '%1$s';
            access_log %2$s/custom.log custom;
            upstream shop-web-80 { server 127.0.0.122:%3$d max_fails=0; server 127.0.0.121:%3$d max_fails=0; }
            server {
              listen %4$s:%5$d;
              proxy_next_upstream error timeout;
              location / { set $proxy_upstream_name "shop-web-80"; set $proxy_alternative_upstream_name ""; proxy_pass http://shop-web-80; }
            }
          """
                  .formatted(json, dir, ok, gw, port),
              gw,
              port);
      try {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int i = 0; i < 6; i++) {
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + gw + ":" + port + "/"))
                  .header("User-Agent", "tool \"x\", {y}")
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
        }
      } finally {
        nginx.close();
      }
      List<String> lines = Files.readAllLines(dir.resolve("custom.log"));
      assertThat(lines).hasSize(6);
      GatewayEvidence.Builder b =
          new GatewayEvidence.Builder(Instant.now().plusSeconds(5), Duration.ofMinutes(10))
              .format(LogFormat.of("'" + json + "'"));
      lines.forEach(b::line);
      GatewayEvidence e = b.build();
      assertThat(e.skipped()).as(String.join("\n", lines)).isZero();
      assertThat(e.upstream("shop-web-80").requests).isEqualTo(6);
      assertThat(e.address("127.0.0.121:" + ok).requests).isEqualTo(6);
      assertThat(e.address("127.0.0.122:" + ok).gateway502())
          .as("the refused tries, retried on .121")
          .isEqualTo(3);
    }
  }
}
