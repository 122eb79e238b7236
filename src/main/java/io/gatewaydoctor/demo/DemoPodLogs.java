package io.gatewaydoctor.demo;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pods/log API of the embedded API server for the pods the demo runs a real process for (its
 * nginx as the ingress controller): {@code GET .../pods/NAME/log?container=C&sinceTime=T} or {@code
 * sinceSeconds=S} answers the lines stamped since then, prefixed with their stamps as the kubelet
 * does with {@code timestamps=true}, and ends (a follow that the operator resumes by sinceTime, as
 * it does when a kubelet's stream ends). Every other request goes on to the CRUD dispatcher.
 */
public final class DemoPodLogs extends Dispatcher {
  private static final Pattern LOG = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log");

  private final Dispatcher next;
  private final Clock clock;
  private final Map<String, Function<Instant, List<String>>> sources = new ConcurrentHashMap<>();

  public DemoPodLogs(Dispatcher next, Clock clock) {
    this.next = next;
    this.clock = clock;
  }

  /** Serves {@code lines} (stamped lines since an instant) as the log of one pod's container. */
  public void serve(
      String namespace, String pod, String container, Function<Instant, List<String>> lines) {
    sources.put(namespace + "/" + pod + "/" + container, lines);
  }

  public void stopServing(String namespace, String pod, String container) {
    sources.remove(namespace + "/" + pod + "/" + container);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String full = request.getPath();
    int q = full.indexOf('?');
    Matcher m = LOG.matcher(q < 0 ? full : full.substring(0, q));
    if (!"GET".equals(request.getMethod()) || !m.matches()) {
      return next.dispatch(request);
    }
    Map<String, String> query = new java.util.HashMap<>();
    if (q >= 0) {
      for (String kv : full.substring(q + 1).split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          query.put(
              kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    var source =
        sources.get(m.group(1) + "/" + m.group(2) + "/" + query.getOrDefault("container", ""));
    if (source == null) {
      return next.dispatch(request);
    }
    Instant since;
    try {
      since =
          query.containsKey("sinceTime")
              ? Instant.parse(query.get("sinceTime"))
              : clock
                  .instant()
                  .minusSeconds(Long.parseLong(query.getOrDefault("sinceSeconds", "0")));
    } catch (RuntimeException e) {
      return new MockResponse().setResponseCode(400).setBody("bad sinceTime or sinceSeconds");
    }
    List<String> lines = source.apply(since);
    MockResponse r =
        new MockResponse()
            .setResponseCode(200)
            .setHeader("Content-Type", "text/plain")
            .setBody(lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    // nothing new: answer after a second, as a follow that stays quiet for a while
    return lines.isEmpty() ? r.setBodyDelay(java.time.Duration.ofSeconds(1)) : r;
  }
}
