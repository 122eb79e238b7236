package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.DefaultMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.gatewaydoctor.demo.DryRunDispatcher;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;

/**
 * A {@link DryRunDispatcher} put in front of the Quarkus test's mock API server, and what the tests
 * ask of its writes.
 */
final class DryRunRecorder {
  final List<DryRunDispatcher.Write> writes;
  final Map<String, Integer> refuse;

  private DryRunRecorder(DryRunDispatcher d) {
    this.writes = d.writes;
    this.refuse = d.refuse;
  }

  /** Puts a recorder in front of the server's dispatcher once; returns it. */
  static DryRunRecorder install(KubernetesMockServer server) throws ReflectiveOperationException {
    Field f = DefaultMockServer.class.getDeclaredField("server");
    f.setAccessible(true);
    MockWebServer web = (MockWebServer) f.get(server);
    Field d = MockWebServer.class.getDeclaredField("dispatcher");
    d.setAccessible(true);
    Dispatcher current = (Dispatcher) d.get(web);
    if (current instanceof DryRunDispatcher r) {
      return new DryRunRecorder(r);
    }
    DryRunDispatcher r = new DryRunDispatcher(current);
    web.setDispatcher(r);
    return new DryRunRecorder(r);
  }

  /**
   * The operator's writes to paths ending with {@code suffix} ("/services/web"), dry-run or real:
   * evictions, merge patches and JSON patches with a test op (the tests' own edits are JSON patches
   * without one, or deletes).
   */
  List<DryRunDispatcher.Write> to(String namespace, String suffix, boolean dryRun) {
    return writes.stream()
        .filter(
            w ->
                "EVICT".equals(w.method())
                    || w.body().startsWith("{")
                    || w.body().contains("\"op\":\"test\""))
        .filter(
            w ->
                w.dryRun() == dryRun
                    && w.path().contains("/namespaces/" + namespace + "/")
                    && w.path().endsWith(suffix))
        .toList();
  }
}
