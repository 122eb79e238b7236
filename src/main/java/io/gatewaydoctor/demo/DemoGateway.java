package io.gatewaydoctor.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatewaydoctor.gateway.Dialects;
import io.gatewaydoctor.model.ChainResolver;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.TargetChain;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's ingress controller: a real nginx (when one is installed) configured as ingress-nginx
 * configures itself for the demo's Ingresses (one upstream {@code <ns>-<service>-<port>} over the
 * ready endpoints, its default {@code upstreaminfo} access-log format, keep-alive, {@code
 * proxy_next_upstream error timeout}), listening on the controller pod's loopback address, taking a
 * little bounded traffic (five requests per Ingress a second, at most {@link #MAX_ROUNDS} rounds),
 * its access and error lines stamped as the kubelet stamps them. The embedded API serves those
 * lines as the controller pod's log ({@link DemoPodLogs}), so the operator reads the gateway's 502s
 * exactly as it does in a cluster.
 *
 * <p>What nginx cannot show on loopback is left out: Ingresses whose Service is missing (nginx
 * would answer from its default backend, not the target's upstream) and those behind a
 * NetworkPolicy (no policy is enforced here, so nginx would reach the pods); they get no traffic.
 */
public final class DemoGateway implements AutoCloseable {
  /** Rounds of traffic (one request per route each), five a second, at most this many... */
  public static final int MAX_ROUNDS = 3000;

  /** ...and for at most this long. */
  public static final Duration MAX_TRAFFIC = Duration.ofMinutes(10);

  static final long ROUND_MILLIS = 200;

  /** Lines kept for the log API (the oldest go first). */
  static final int MAX_LINES = 20_000;

  private static final String ACCESS_FORMAT =
      "'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent"
          + " \"$http_referer\" \"$http_user_agent\" $request_length $request_time"
          + " [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr"
          + " $upstream_response_length $upstream_response_time $upstream_status $request_id'";

  /** One Ingress path as nginx serves it: where to send the demo's requests. */
  record Route(String ingress, String upstream, List<String> servers, String path, int port) {}

  private final Nginx nginx;
  private final Path dir;
  private final List<Route> routes;
  private final Clock clock;

  /** A line as read, and when (its kubelet stamp). */
  private record Stamped(Instant at, String line) {}

  private final ArrayDeque<Stamped> lines = new ArrayDeque<>();
  private final Map<Path, Long> read = new LinkedHashMap<>();
  private final StringBuilder partial = new StringBuilder();
  private final Thread traffic;
  private final Thread tail;
  private volatile boolean closed;
  private volatile long requests;

  private DemoGateway(Nginx nginx, Path dir, List<Route> routes, Clock clock) {
    this.nginx = nginx;
    this.dir = dir;
    this.routes = routes;
    this.clock = clock;
    this.traffic = daemon(this::sendTraffic, "demo-gateway-traffic");
    this.tail = daemon(this::tailLogs, "demo-gateway-logs");
  }

  /**
   * The installed nginx, if any (Debian's nginx or nginx-light); the system property {@code
   * gatewaydoctor.demo.nginx} names another binary, or none with {@code none}.
   */
  public static Optional<String> nginxBinary() {
    String own = System.getProperty("gatewaydoctor.demo.nginx");
    if (own != null && !own.isBlank()) {
      return "none".equals(own) || !Files.isExecutable(Path.of(own))
          ? Optional.empty()
          : Optional.of(own);
    }
    return Nginx.installed();
  }

  /**
   * Starts nginx on {@code ip} (loopback only) for the Ingresses of {@code namespace} as the
   * cluster has them now, and the traffic; empty when nginx is not installed.
   */
  public static Optional<DemoGateway> start(
      KubernetesClient client, String namespace, String ip, Clock clock) throws IOException {
    Optional<String> binary = nginxBinary();
    if (binary.isEmpty()) {
      return Optional.empty();
    }
    if (!ip.startsWith("127.")) {
      throw new IllegalArgumentException("the demo gateway listens on loopback only, not " + ip);
    }
    List<Route> routes = routes(client, namespace, ip);
    Path dir = Files.createTempDirectory("gateway-doctor-demo-nginx");
    Nginx nginx;
    try {
      nginx =
          Nginx.start(
              binary.get(),
              dir,
              "error",
              http(dir, ip, routes),
              ip,
              routes.stream().mapToInt(Route::port).toArray());
    } catch (IOException | RuntimeException e) {
      delete(dir);
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      delete(dir);
      throw new IOException("interrupted while nginx started", e);
    }
    DemoGateway g = new DemoGateway(nginx, dir, routes, clock);
    g.listenIp = ip;
    g.tail.start();
    g.traffic.start();
    return Optional.of(g);
  }

  /**
   * The Ingresses' paths as ingress-nginx would serve them: the upstream names and endpoint
   * addresses come from the same chain resolution the operator uses.
   */
  static List<Route> routes(KubernetesClient client, String namespace, String ip)
      throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    objects.addAll(client.network().v1().ingresses().inNamespace(namespace).list().getItems());
    objects.addAll(client.services().inNamespace(namespace).list().getItems());
    objects.addAll(
        client.discovery().v1().endpointSlices().inNamespace(namespace).list().getItems());
    objects.addAll(client.pods().inNamespace(namespace).list().getItems());
    objects.addAll(
        client.network().v1().networkPolicies().inNamespace(namespace).list().getItems());
    ClusterSnapshot cluster =
        ClusterSnapshot.of(
            objects, List.of("Ingress", "Service", "EndpointSlice", "Pod", "NetworkPolicy"));
    List<Route> out = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (!(o instanceof Ingress ingress) || ingress.getSpec() == null) {
        continue;
      }
      boolean policed =
          objects.stream()
              .filter(x -> x instanceof io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy)
              .anyMatch(
                  np ->
                      selects(
                          (io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy) np,
                          ingress));
      TargetChain chain = ChainResolver.resolve(ingress, cluster);
      for (var rule :
          ingress.getSpec().getRules() == null
              ? List.<io.fabric8.kubernetes.api.model.networking.v1.IngressRule>of()
              : ingress.getSpec().getRules()) {
        if (rule.getHttp() == null) {
          continue;
        }
        for (var path : rule.getHttp().getPaths()) {
          var svc = path.getBackend() == null ? null : path.getBackend().getService();
          ResolvedBackend b =
              svc == null
                  ? null
                  : chain.backends().stream()
                      .filter(x -> x.ref().service().equals(svc.getName()))
                      .findFirst()
                      .orElse(null);
          if (b == null || b.service() == null || policed) {
            continue; // see the class comment: nothing nginx can show on loopback
          }
          String upstream =
              Dialects.of(chain.target()).upstreams(chain.target(), b, cluster).get(0).name();
          List<String> servers =
              Endpoint.of(b).stream()
                  .filter(e -> e.ready() && !e.terminating() && e.ip() != null && e.port() != null)
                  .filter(e -> e.ip().startsWith("127."))
                  .map(Endpoint::address)
                  .toList();
          out.add(
              new Route(
                  ingress.getMetadata().getName(),
                  upstream,
                  servers,
                  path.getPath() == null ? "/" : path.getPath(),
                  Nginx.freePort(ip)));
        }
      }
    }
    return out;
  }

  private static boolean selects(
      io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy np, Ingress ingress) {
    var sel = np.getSpec() == null ? null : np.getSpec().getPodSelector();
    if (sel == null || sel.getMatchLabels() == null) {
      return false;
    }
    // the demo's policies select by app label, which is the Ingress's backend Service's name
    if (ingress.getSpec().getRules() == null) {
      return false;
    }
    return ingress.getSpec().getRules().stream()
        .flatMap(
            r ->
                r.getHttp() == null
                    ? java.util.stream.Stream.of()
                    : r.getHttp().getPaths().stream())
        .map(
            p -> p.getBackend().getService() == null ? null : p.getBackend().getService().getName())
        .anyMatch(s -> s != null && s.equals(sel.getMatchLabels().get("app")));
  }

  /** The http{} block of the demo's nginx: ingress-nginx's log format, one server per route. */
  static String http(Path dir, String ip, List<Route> routes) {
    StringBuilder http = new StringBuilder();
    http.append("  log_format upstreaminfo ").append(ACCESS_FORMAT).append(";\n");
    http.append("  access_log ").append(dir.resolve("access.log")).append(" upstreaminfo;\n");
    java.util.Set<String> defined = new java.util.HashSet<>();
    for (Route r : routes) {
      // one upstream block per name (two paths to one Service share it)
      if (!r.servers().isEmpty() && defined.add(r.upstream())) {
        http.append("  upstream ").append(r.upstream()).append(" {");
        r.servers().forEach(s -> http.append(" server ").append(s).append(" max_fails=0;"));
        http.append(" keepalive 8; }\n");
      }
      http.append("  server {\n")
          .append("    listen ")
          .append(ip)
          .append(':')
          .append(r.port())
          .append(";\n")
          .append("    proxy_http_version 1.1;\n")
          .append("    proxy_set_header Connection \"\";\n")
          .append("    proxy_next_upstream error timeout;\n")
          .append("    proxy_connect_timeout 2s;\n")
          .append("    proxy_read_timeout 5s;\n")
          .append("    location / {\n")
          .append("      set $proxy_upstream_name \"")
          .append(r.upstream())
          .append("\";\n")
          .append("      set $proxy_alternative_upstream_name \"\";\n")
          // no ready endpoint: ingress-nginx answers 503 itself
          .append(
              r.servers().isEmpty()
                  ? "      return 503;\n"
                  : "      proxy_pass http://" + r.upstream() + ";\n")
          .append("    }\n")
          .append("  }\n");
    }
    return http.toString();
  }

  /** The routes nginx serves: which Ingresses get traffic. */
  public List<String> ingresses() {
    return routes.stream().map(Route::ingress).distinct().toList();
  }

  /** Requests sent so far. */
  public long requests() {
    return requests;
  }

  /** Whether every route has had {@code rounds} requests (some seconds of traffic). */
  public boolean trafficFor(int rounds) {
    return requests >= (long) rounds * routes.size();
  }

  /**
   * One request per route every {@link #ROUND_MILLIS}, at most {@link #MAX_ROUNDS} rounds, loopback
   * only.
   */
  private void sendTraffic() {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    long deadline = System.nanoTime() + MAX_TRAFFIC.toNanos();
    for (int round = 0; round < MAX_ROUNDS && !closed && System.nanoTime() < deadline; round++) {
      for (Route r : routes) {
        if (closed) {
          return;
        }
        try {
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://"
                              + address()
                              + ":"
                              + r.port()
                              + (r.path().startsWith("/") ? r.path() : "/" + r.path())))
                  .timeout(Duration.ofSeconds(8))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
          requests++;
        } catch (IOException e) {
          requests++; // nginx answered badly or not at all: the log says which
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      sleep(ROUND_MILLIS);
    }
  }

  private String listenIp;

  private String address() {
    return listenIp;
  }

  /** New log lines of nginx, stamped when read (the kubelet stamps a line when it reads it). */
  private void tailLogs() {
    while (!closed) {
      for (String f : List.of("access.log", "error.log")) {
        readNew(dir.resolve(f));
      }
      sleep(250);
    }
  }

  private void readNew(Path f) {
    if (!Files.exists(f)) {
      return;
    }
    long from = read.getOrDefault(f, 0L);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
      long len = raf.length();
      if (len <= from) {
        return;
      }
      byte[] b = new byte[(int) Math.min(len - from, 1 << 20)];
      raf.seek(from);
      raf.readFully(b);
      String chunk = new String(b, StandardCharsets.ISO_8859_1);
      int end = chunk.lastIndexOf('\n');
      if (end < 0) {
        return; // no whole line yet
      }
      read.put(f, from + end + 1);
      Instant at = clock.instant();
      synchronized (lines) {
        for (String line : chunk.substring(0, end).split("\n")) {
          if (!line.isBlank()) {
            lines.addLast(new Stamped(at, line));
            if (lines.size() > MAX_LINES) {
              lines.removeFirst();
            }
          }
        }
      }
    } catch (IOException e) {
      // read again on the next pass
    }
  }

  /**
   * The lines stamped at or after {@code since}, each prefixed with its stamp as the kubelet does
   * with {@code timestamps=true}.
   */
  public List<String> linesSince(Instant since) {
    List<String> out = new ArrayList<>();
    synchronized (lines) {
      for (Stamped l : lines) {
        if (!l.at().isBefore(since)) {
          out.add(l.at() + " " + l.line());
        }
      }
    }
    return out;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    traffic.interrupt();
    nginx.close();
    delete(dir);
  }

  private static void delete(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
