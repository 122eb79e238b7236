package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.signals.EvidenceStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kubelet-timestamp bookkeeping of one log stream: a resumed connection repeats its last
 * second, counted once.
 */
class PodLogStreamTest {
  static String access(String ts, String id) {
    return ts
        + " 10.0.0.1 - - [01/Dec/2026:10:17:54 +0000] \"GET / HTTP/1.1\" 502 2 \"-\" \"curl\" 217 0.003 [shop-web-80] [] "
        + "10.0.0.5:8080 0 0.003 502 "
        + id;
  }

  @Test
  void linesOfTheResumedSecondAreSkippedUpToTheLastOneRead() {
    EvidenceStore store = new EvidenceStore(Duration.ofHours(1), 1000);
    PodLogStream s =
        new PodLogStream(
            null, "ingress-nginx", "c", "controller", store.feed(), Duration.ofMinutes(10));
    List<String> first = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      first.add(access("2026-12-01T10:17:54." + (i < 3 ? "1" : "2") + "Z", "a" + i));
    }
    first.forEach(s::line);
    assertThat(store.lines()).isEqualTo(5);
    // resumed at 10:17:54: everything of that second again, then one new line at the same instant
    // and one later
    s.resuming();
    first.forEach(s::line);
    s.line(access("2026-12-01T10:17:54.2Z", "new-same-instant"));
    s.line(access("2026-12-01T10:17:55Z", "later"));
    assertThat(store.lines()).isEqualTo(7);
    s.line("not a log line at all");
    s.line("2026-12-01T10:17:56Z garbage after a timestamp");
    assertThat(store.lines()).isEqualTo(7);
    assertThat(s.lines).isEqualTo(9);
  }

  /**
   * A pod that stops being followed and is followed again (another stream object) resumes where the
   * first stopped: its backfill is not counted a second time (it would inflate the evidence and the
   * error counters for good); and a stopped stream counts nothing more.
   */
  @Test
  void aStreamStartedAgainResumesWhereTheLastStopped() {
    EvidenceStore store = new EvidenceStore(Duration.ofHours(1), 1000);
    PodLogStream a =
        new PodLogStream(
            null, "ingress-nginx", "c", "controller", store.feed(), Duration.ofMinutes(10));
    // stamped a minute ago: within the backfill, as a pod followed again soon after
    java.time.Instant t0 =
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(60);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      lines.add(access(t0.plusMillis(1000L * i + 500).toString(), "a" + i));
    }
    lines.forEach(a::line);
    a.close();
    a.line(access(t0.plusSeconds(9).toString(), "after-close"));
    assertThat(store.lines()).isEqualTo(4);
    PodLogStream b =
        new PodLogStream(
            null, "ingress-nginx", "c", "controller", store.feed(), Duration.ofMinutes(10));
    b.resumeFrom(a.resume());
    // the kubelet answers sinceTime=10:17:53 (the second of the newest line): that line again
    b.resuming();
    b.line(lines.get(3));
    b.line(access(t0.plusSeconds(10).toString(), "new"));
    assertThat(store.lines()).isEqualTo(5);
    // a resume point older than the backfill is not taken: the stream starts afresh
    PodLogStream c =
        new PodLogStream(
            null, "ingress-nginx", "c", "controller", store.feed(), Duration.ofSeconds(30));
    c.resumeFrom(a.resume());
    assertThat(c.resume()).isNull();
    // without the resume point, the backfill would count all four again
    PodLogStream fresh =
        new PodLogStream(
            null, "ingress-nginx", "c", "controller", store.feed(), Duration.ofMinutes(10));
    fresh.resuming();
    lines.forEach(fresh::line);
    assertThat(store.lines()).isEqualTo(9);
  }

  /**
   * stdout and stderr are stamped apart: a line stamped a little earlier than the one before it is
   * read, not dropped.
   */
  @Test
  void linesStampedOutOfOrderAreCountedLiveAndOnceAfterAReconnect() {
    EvidenceStore store = new EvidenceStore(Duration.ofHours(1), 1000);
    PodLogStream s =
        new PodLogStream(
            null, "ingress-nginx", "c", "controller", store.feed(), Duration.ofMinutes(10));
    s.line(access("2026-12-01T10:17:54.900Z", "late"));
    s.line(access("2026-12-01T10:17:54.100Z", "stamped-earlier"));
    s.line(access("2026-12-01T10:17:53.990Z", "previous-second"));
    assertThat(store.lines()).isEqualTo(3);
    // the kubelet resends what is stamped since 10:17:54, in the order it has them
    s.resuming();
    s.line(access("2026-12-01T10:17:54.900Z", "late"));
    s.line(access("2026-12-01T10:17:54.100Z", "stamped-earlier"));
    s.line(access("2026-12-01T10:17:55.000Z", "new"));
    assertThat(store.lines()).isEqualTo(4);
  }

  /**
   * A client-chosen user name with a bracketed date cannot move a line in time; the kubelet's stamp
   * places it.
   */
  @Test
  void theKubeletTimestampPlacesTheLine() {
    EvidenceStore store = new EvidenceStore(Duration.ofHours(1), 1000);
    PodLogStream s =
        new PodLogStream(
            null, "ingress-nginx", "c", "controller", store.feed(), Duration.ofMinutes(10));
    s.line(
        access("2026-12-01T10:17:54Z", "a")
            .replace("10.0.0.1 - -", "10.0.0.1 - x[01/Jan/2099:00:00:00 +0000]"));
    s.line(access("2026-12-01T10:18:10Z", "b"));
    var e =
        store.evidence(
            java.time.Instant.parse("2026-12-01T10:20:00Z"),
            Duration.ofMinutes(10),
            java.util.Set.of("shop-web-80"),
            java.util.Set.of("10.0.0.5:8080"));
    assertThat(e.upstream("shop-web-80").requests).isEqualTo(2);
  }

  /**
   * #18 item 12: a log connection that goes silent without ending (half-open: the peer is gone, a
   * proxy stopped forwarding) is closed after the idle period and resumed by timestamp; the line
   * read before is not counted twice. The API server here is a loopback socket that sends one chunk
   * and then holds the connection open.
   */
  @Test
  void aSilentHalfOpenStreamIsResumed() throws Exception {
    String first = access("2026-12-01T10:17:54.100Z", "first");
    String second = access("2026-12-01T10:17:55.100Z", "second");
    java.util.concurrent.atomic.AtomicInteger accepted =
        new java.util.concurrent.atomic.AtomicInteger();
    List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    try (java.net.ServerSocket api =
        new java.net.ServerSocket(0, 10, java.net.InetAddress.getByName("127.0.0.1"))) {
      String pod =
          "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"1\"},"
              + "\"items\":[{\"metadata\":{\"name\":\"c\",\"namespace\":\"ingress-nginx\","
              + "\"resourceVersion\":\"1\"},\"status\":{\"phase\":\"Running\",\"conditions\":"
              + "[{\"type\":\"Ready\",\"status\":\"True\"}]}}]}";
      List<java.net.Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread server =
          new Thread(
              () -> {
                try {
                  while (true) {
                    java.net.Socket c = api.accept();
                    held.add(c);
                    Thread h =
                        new Thread(
                            () -> {
                              try {
                                var in =
                                    new java.io.BufferedReader(
                                        new java.io.InputStreamReader(
                                            c.getInputStream(),
                                            java.nio.charset.StandardCharsets.ISO_8859_1));
                                var out = c.getOutputStream();
                                for (String req = in.readLine(); req != null; req = in.readLine()) {
                                  for (String x = in.readLine();
                                      x != null && !x.isEmpty();
                                      x = in.readLine()) {
                                    // headers
                                  }
                                  String body;
                                  if (req.contains("/log?")) {
                                    requests.add(req);
                                    body =
                                        accepted.incrementAndGet() == 1
                                            ? first + "\n"
                                            : first + "\n" + second + "\n";
                                  } else if (req.contains("watch=true")) {
                                    body = ""; // a watch with no events, held open
                                  } else {
                                    byte[] j =
                                        pod.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                                    out.write(
                                        ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                                + "Content-Length: "
                                                + j.length
                                                + "\r\n\r\n")
                                            .getBytes(
                                                java.nio.charset.StandardCharsets.ISO_8859_1));
                                    out.write(j);
                                    out.flush();
                                    continue;
                                  }
                                  byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                                  out.write(
                                      ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                              + "Transfer-Encoding: chunked\r\n\r\n"
                                              + (b.length == 0
                                                  ? ""
                                                  : Integer.toHexString(b.length)
                                                      + "\r\n"
                                                      + body
                                                      + "\r\n"))
                                          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                                  out.flush(); // and then nothing: half-open as far as the
                                  // reader can tell
                                }
                              } catch (java.io.IOException e) {
                                // the client went away
                              }
                            });
                    h.setDaemon(true);
                    h.start();
                  }
                } catch (java.io.IOException e) {
                  // closed at the end of the test
                } finally {
                  synchronized (held) {
                    for (java.net.Socket c : held) {
                      try {
                        c.close();
                      } catch (java.io.IOException e) {
                        // ignore
                      }
                    }
                  }
                }
              });
      server.setDaemon(true);
      server.start();
      EvidenceStore store = new EvidenceStore(Duration.ofHours(1), 1000);
      try (var client =
          new io.fabric8.kubernetes.client.KubernetesClientBuilder()
              .withConfig(
                  new io.fabric8.kubernetes.client.ConfigBuilder()
                      .withMasterUrl("http://127.0.0.1:" + api.getLocalPort())
                      .withRequestRetryBackoffLimit(0)
                      .build())
              .build()) {
        PodLogStream s =
            new PodLogStream(
                client,
                "ingress-nginx",
                "c",
                "controller",
                store.feed(),
                Duration.ofMinutes(10),
                Duration.ofMillis(500));
        Thread t = new Thread(s);
        t.setDaemon(true);
        t.start();
        try {
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(8))
              .untilAsserted(
                  () ->
                      assertThat(store.lines() == 2 && accepted.get() >= 2)
                          .as(
                              () ->
                                  "lines "
                                      + store.lines()
                                      + ", log requests "
                                      + requests
                                      + ", connections "
                                      + s.connections)
                          .isTrue());
        } finally {
          s.close();
        }
        assertThat(store.lines()).as("the first line once, the new one once").isEqualTo(2);
        assertThat(requests.get(0)).contains("sinceSeconds=600");
        assertThat(requests.get(1)).contains("sinceTime=2026-12-01T10:17:54Z");
      }
    }
  }
}
