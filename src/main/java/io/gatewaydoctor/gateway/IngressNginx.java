package io.gatewaydoctor.gateway;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.gatewaydoctor.model.ControllerConfig;
import io.gatewaydoctor.model.Gateways;
import io.gatewaydoctor.model.Pods;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ingress-nginx: its annotations and their defaults, its upstream names ({@code
 * <namespace>-<service>-<port>}), its controller container. {@link #OTHER} reads the same
 * annotations for controllers gateway-doctor has no dialect for yet, but takes TLS from the Service
 * port (appProtocol, an "https" name) when no annotation says, and matches no targetPort.
 */
public final class IngressNginx implements GatewayDialect {
  public static final String PREFIX = "nginx.ingress.kubernetes.io/";
  public static final String BACKEND_PROTOCOL = PREFIX + "backend-protocol";
  public static final String PROXY_BUFFER_SIZE = PREFIX + "proxy-buffer-size";
  public static final String PROXY_READ_TIMEOUT = PREFIX + "proxy-read-timeout";
  public static final String PROXY_SSL_SERVER_NAME = PREFIX + "proxy-ssl-server-name";
  public static final String PROXY_SSL_NAME = PREFIX + "proxy-ssl-name";

  /**
   * The Secret (ca.crt, tls.crt/tls.key) ingress-nginx uses toward the backend: its client
   * certificate, never read here.
   */
  public static final String PROXY_SSL_SECRET = PREFIX + "proxy-ssl-secret";

  /** ConfigMap keys of the controller's global settings. */
  public static final String UPSTREAM_KEEPALIVE_TIMEOUT = "upstream-keepalive-timeout";

  public static final String UPSTREAM_KEEPALIVE_CONNECTIONS = "upstream-keepalive-connections";
  public static final String LOG_FORMAT_UPSTREAM = "log-format-upstream";

  /** ingress-nginx's default upstream-keepalive-timeout, in seconds. */
  public static final int DEFAULT_UPSTREAM_KEEPALIVE_TIMEOUT = 60;

  /** ingress-nginx's default proxy-read-timeout, in seconds. */
  public static final int DEFAULT_PROXY_READ_TIMEOUT = 60;

  /** ingress-nginx's default proxy-buffer-size (4k on most platforms; 4 KiB here). */
  public static final int DEFAULT_HEADER_LIMIT = 4 * 1024;

  /**
   * The longest proxy-read-timeout a routed-path probe waits for (an annotation cannot hold a
   * thread longer).
   */
  public static final int MAX_PROXY_READ_TIMEOUT = 120;

  /** Backend protocols that are not HTTP/1.1 over TCP or TLS: not probed at the HTTP level. */
  static final Set<String> NOT_HTTP = Set.of("GRPC", "GRPCS", "FCGI", "AJP");

  /** ingress-nginx itself. */
  public static final IngressNginx INSTANCE = new IngressNginx(true);

  /**
   * Another controller, read with ingress-nginx's annotations until it has a dialect of its own.
   */
  public static final IngressNginx OTHER = new IngressNginx(false);

  private final boolean nginx;

  private IngressNginx(boolean nginx) {
    this.nginx = nginx;
  }

  @Override
  public String controller() {
    return Gateways.INGRESS_NGINX;
  }

  @Override
  public BackendSettings backend(
      Map<String, String> settings, ControllerConfig config, ServicePort port) {
    Map<String, String> a = settings == null ? Map.of() : settings;
    ControllerConfig c = config == null ? ControllerConfig.NONE : config;
    String protocol = a.get(BACKEND_PROTOCOL);
    boolean http = protocol == null || !NOT_HTTP.contains(protocol.trim().toUpperCase(Locale.ROOT));
    return new BackendSettings(
        http,
        tls(protocol, port),
        bufferSize(a.get(PROXY_BUFFER_SIZE))
            .or(() -> bufferSize(c.get(key(PROXY_BUFFER_SIZE))))
            .orElse(DEFAULT_HEADER_LIMIT),
        a.get(PROXY_READ_TIMEOUT) != null
            ? proxyReadTimeout(a.get(PROXY_READ_TIMEOUT))
            : proxyReadTimeout(c.get(key(PROXY_READ_TIMEOUT))),
        sni(a),
        a.get(PROXY_SSL_SECRET) != null && !a.get(PROXY_SSL_SECRET).isBlank());
  }

  /** The ConfigMap key of an annotation (ingress-nginx names both alike). */
  static String key(String annotation) {
    return annotation.startsWith(PREFIX) ? annotation.substring(PREFIX.length()) : annotation;
  }

  @Override
  public String origin(String setting, Map<String, String> settings, ControllerConfig config) {
    if (settings != null && settings.get(setting) != null) {
      return "annotation " + setting;
    }
    if (config != null && config.source() != null && config.get(key(setting)) != null) {
      return "ConfigMap " + config.source() + " key " + key(setting);
    }
    return "ingress-nginx's default";
  }

  /**
   * upstream-keepalive-timeout (seconds, default 60) from the controller's ConfigMap; zero when
   * upstream-keepalive-connections is 0 (no idle connection is kept).
   */
  @Override
  public Duration upstreamKeepAlive(ControllerConfig config) {
    ControllerConfig c = config == null ? ControllerConfig.NONE : config;
    if ("0".equals(c.get(UPSTREAM_KEEPALIVE_CONNECTIONS))) {
      return Duration.ZERO;
    }
    String t = c.get(UPSTREAM_KEEPALIVE_TIMEOUT);
    if (t != null && t.matches("[0-9]{1,4}s?")) {
      int n = Integer.parseInt(t.replace("s", ""));
      if (n >= 1) {
        return Duration.ofSeconds(Math.min(n, 3600));
      }
    }
    return Duration.ofSeconds(DEFAULT_UPSTREAM_KEEPALIVE_TIMEOUT);
  }

  @Override
  public Optional<String> accessLogFormat(ControllerConfig config) {
    return config == null ? Optional.empty() : Optional.ofNullable(config.get(LOG_FORMAT_UPSTREAM));
  }

  /**
   * What the gateway speaks: ingress-nginx follows only its backend-protocol annotation (HTTPS or
   * GRPCS mean TLS); other gateways also read the Service port's appProtocol or an "https" name.
   */
  boolean tls(String backendProtocol, ServicePort port) {
    if (backendProtocol != null && !backendProtocol.isBlank()) {
      String p = backendProtocol.trim().toUpperCase(Locale.ROOT);
      return p.equals("HTTPS") || p.equals("GRPCS");
    }
    if (nginx || port == null) {
      return false;
    }
    String app = port.getAppProtocol();
    return (app != null && app.toLowerCase(Locale.ROOT).endsWith("https"))
        || "https".equals(port.getName());
  }

  @Override
  public String protocolSetting() {
    return BACKEND_PROTOCOL;
  }

  @Override
  public String headerBufferSetting() {
    return PROXY_BUFFER_SIZE;
  }

  @Override
  public String readTimeoutSetting() {
    return PROXY_READ_TIMEOUT;
  }

  @Override
  public String clientCertificateSetting() {
    return PROXY_SSL_SECRET;
  }

  @Override
  public boolean configures(String key) {
    return key.startsWith(PREFIX) || key.equals(Gateways.LEGACY_CLASS_ANNOTATION);
  }

  @Override
  public String upstreamName(String namespace, String service, String port) {
    return namespace + "-" + service + "-" + port;
  }

  /**
   * {@code <namespace>-<service>-<port>}, whole unless another namespace the view holds could
   * produce the same name ({@link UpstreamNames#ambiguous}).
   */
  @Override
  public List<Upstream> upstreams(
      io.gatewaydoctor.model.Target target,
      io.gatewaydoctor.model.ResolvedBackend b,
      io.gatewaydoctor.model.ClusterSnapshot cluster) {
    String name = upstreamName(b.namespace(), b.ref().service(), b.ref().portLabel());
    return List.of(new Upstream(name, !UpstreamNames.ambiguous(name, b.namespace(), cluster)));
  }

  /**
   * The SNI name ingress-nginx sends to a TLS backend: proxy-ssl-name, only when
   * proxy-ssl-server-name is "on" and the name is a DNS name; else none (nginx's default).
   */
  public static String sni(Map<String, String> annotations) {
    String on = annotations.get(PROXY_SSL_SERVER_NAME);
    String name = annotations.get(PROXY_SSL_NAME);
    if (on == null || !on.trim().equalsIgnoreCase("on") || name == null) {
      return null;
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    return n.length() <= 253
            && n.matches(
                "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")
        ? n
        : null;
  }

  /** proxy-read-timeout in seconds (1 to 120), else ingress-nginx's default 60. */
  public static int proxyReadTimeout(String s) {
    if (s == null || !s.trim().matches("[0-9]{1,4}s?")) {
      return DEFAULT_PROXY_READ_TIMEOUT;
    }
    int n = Integer.parseInt(s.trim().replace("s", ""));
    return n < 1 ? DEFAULT_PROXY_READ_TIMEOUT : Math.min(n, MAX_PROXY_READ_TIMEOUT);
  }

  /** nginx sizes: "4k", "16K", "1m", "8192". Empty when unreadable. */
  public static Optional<Integer> bufferSize(String s) {
    if (s == null || !s.trim().matches("(?i)[0-9]{1,7}[km]?")) {
      return Optional.empty();
    }
    String v = s.trim().toLowerCase(Locale.ROOT);
    int mult = v.endsWith("k") ? 1024 : v.endsWith("m") ? 1024 * 1024 : 1;
    long n = Long.parseLong(mult == 1 ? v : v.substring(0, v.length() - 1)) * mult;
    return n <= 0 || n > 64 * 1024 * 1024 ? Optional.empty() : Optional.of((int) n);
  }

  /** The container of an ingress-nginx controller pod whose log to read, or null for other pods. */
  @Override
  public String logContainer(Pod p) {
    if (!Gateways.controllerOf(p)
        .map(c -> c.equals(Gateways.INGRESS_NGINX) || runsNginx(p))
        .orElse(false)) {
      return null;
    }
    List<Container> containers =
        p.getSpec() == null || p.getSpec().getContainers() == null
            ? List.of()
            : p.getSpec().getContainers();
    for (Container c : containers) {
      if (runsNginxController(c)) {
        return c.getName();
      }
    }
    for (Container c : containers) {
      if ("controller".equals(c.getName())) {
        return c.getName();
      }
    }
    return containers.isEmpty() ? null : containers.get(0).getName();
  }

  private static boolean runsNginx(Pod p) {
    return Pods.containers(p).stream().anyMatch(IngressNginx::runsNginxController);
  }

  static boolean runsNginxController(Container c) {
    return Gateways.words(c).stream()
        .anyMatch(
            w ->
                w != null
                    && (w.equals("/nginx-ingress-controller")
                        || w.endsWith("/nginx-ingress-controller")));
  }
}
