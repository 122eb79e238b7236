package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.DefaultMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Fabric8 mock API server in CRUD mode ignores {@code dryRun}: it would apply a dry-run patch or
 * delete for real. This dispatcher in front of it answers dry-runs as the API server does (200 and
 * nothing stored) and records every write, so tests can tell dry-runs from real changes.
 */
final class DryRunRecorder extends Dispatcher {
  record Write(String method, String path, String body, boolean dryRun) {}

  private final Dispatcher crud;
  final List<Write> writes = new CopyOnWriteArrayList<>();

  private DryRunRecorder(Dispatcher crud) {
    this.crud = crud;
  }

  /** Puts a recorder in front of the server's dispatcher once; returns it. */
  static DryRunRecorder install(KubernetesMockServer server) throws ReflectiveOperationException {
    Field f = DefaultMockServer.class.getDeclaredField("server");
    f.setAccessible(true);
    MockWebServer web = (MockWebServer) f.get(server);
    Field d = MockWebServer.class.getDeclaredField("dispatcher");
    d.setAccessible(true);
    Dispatcher current = (Dispatcher) d.get(web);
    if (current instanceof DryRunRecorder r) {
      return r;
    }
    DryRunRecorder r = new DryRunRecorder(current);
    web.setDispatcher(r);
    return r;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String method = request.getMethod();
    if (!"PATCH".equals(method) && !"DELETE".equals(method)) {
      return crud.dispatch(request);
    }
    String body = request.getBody() == null ? "" : new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
    boolean dryRun = request.getPath().contains("dryRun=All") || body.replace(" ", "").contains("\"dryRun\":[\"All\"]");
    writes.add(new Write(method, request.getPath().replaceAll("\\?.*", ""), body, dryRun));
    if (!dryRun) {
      return crud.dispatch(request);
    }
    // what the API server answers to a dry-run: the object as it would be (here: a stand-in naming it), nothing stored
    String[] parts = request.getPath().replaceAll("\\?.*", "").split("/");
    String name = parts[parts.length - 1];
    String kind = switch (parts[parts.length - 2]) {
      case "pods" -> "Pod";
      case "services" -> "Service";
      case "deployments" -> "Deployment";
      default -> "Ingress";
    };
    return new MockResponse().setResponseCode(200).setBody("{\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name + "\"}}");
  }

  /**
   * The operator's writes to paths ending with {@code suffix} ("/services/web"), dry-run or real: deletes, merge patches and
   * JSON patches with a test op (the tests' own edits are JSON patches without one).
   */
  List<Write> to(String namespace, String suffix, boolean dryRun) {
    return writes.stream().filter(w -> "DELETE".equals(w.method()) || w.body().startsWith("{") || w.body().contains("\"op\":\"test\""))
        .filter(w -> w.dryRun() == dryRun && w.path().contains("/namespaces/" + namespace + "/")
        && w.path().endsWith(suffix)).toList();
  }
}
