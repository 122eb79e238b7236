package io.gatewaydoctor.operator;

import io.gatewaydoctor.probe.RealNginx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Real nginx logs for the operator tests: a real nginx configured like ingress-nginx (upstream
 * {@code <ns>-web-80} over the given pod addresses, the default log format, keepalive,
 * proxy_next_upstream error timeout) takes bounded traffic; its access and error lines come back
 * prefixed with kubelet timestamps, as the pods/log API serves them with timestamps=true.
 */
final class GatewayLogTraffic {
  static final String GW = "127.0.0.110";

  private GatewayLogTraffic() {}

  static List<String> kubeletLines(Path dir, String ns, int requests, String... servers)
      throws Exception {
    int port = RealNginx.freePort(GW);
    StringBuilder upstream = new StringBuilder();
    for (String s : servers) {
      upstream.append("server ").append(s).append(" max_fails=0; ");
    }
    String name = ns + "-web-80";
    RealNginx nginx =
        RealNginx.start(
            dir,
            """
          log_format upstreaminfo '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $request_id';
          access_log %1$s/access.log upstreaminfo;
          upstream %2$s { %3$s keepalive 8; }
          server {
            listen %4$s:%5$d;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            location / { set $proxy_upstream_name "%2$s"; set $proxy_alternative_upstream_name ""; proxy_pass http://%2$s; }
          }
        """
                .formatted(dir, name, upstream, GW, port),
            GW,
            port);
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      for (int i = 0; i < requests; i++) {
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + GW + ":" + port + "/"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.discarding());
      }
    } finally {
      nginx.close(); // flushes the logs
    }
    List<String> out = new ArrayList<>();
    Instant ts = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    int i = 0;
    for (String f : List.of("access.log", "error.log")) {
      for (String line :
          Files.readAllLines(dir.resolve(f), java.nio.charset.StandardCharsets.ISO_8859_1)) {
        out.add(
            ts.plusNanos(1_000_000L * (i++ / 3))
                + " "
                + line); // several lines share an instant, as they do
      }
    }
    return out;
  }
}
