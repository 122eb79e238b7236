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

  /** Dry-runs to paths ending so are refused with this status (RBAC, an admission webhook). */
  final java.util.Map<String, Integer> refuse = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String method = request.getMethod();
    String path = request.getPath().replaceAll("\\?.*", "");
    boolean eviction = "POST".equals(method) && path.endsWith("/eviction");
    if (!"PATCH".equals(method) && !"DELETE".equals(method) && !eviction) {
      return crud.dispatch(request);
    }
    String body = request.getBody() == null ? "" : new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
    boolean dryRun = request.getPath().contains("dryRun=All") || body.replace(" ", "").contains("\"dryRun\":[\"All\"]");
    String target = eviction ? path.substring(0, path.length() - "/eviction".length()) : path;
    writes.add(new Write(eviction ? "EVICT" : method, target, body, dryRun));
    for (var r : refuse.entrySet()) {
      if (dryRun && target.endsWith(r.getKey())) {
        return new MockResponse().setResponseCode(r.getValue()).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
            + "\"message\":\"refused by the test\",\"code\":" + r.getValue() + "}");
      }
    }
    if (eviction) {
      // the API server's eviction: a delete of the pod (no PodDisruptionBudget here), nothing when dry-run
      if (!dryRun) {
        MockResponse deleted = crud.dispatch(new RecordedRequest("HTTP/1.1", io.fabric8.mockwebserver.dsl.HttpMethod.DELETE, target,
            request.getHeaders(), new io.fabric8.mockwebserver.http.Buffer()));
        if (deleted.code() >= 300) {
          return deleted;
        }
      }
      return new MockResponse().setResponseCode(201).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}");
    }
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
   * The operator's writes to paths ending with {@code suffix} ("/services/web"), dry-run or real: evictions, merge patches
   * and JSON patches with a test op (the tests' own edits are JSON patches without one, or deletes).
   */
  List<Write> to(String namespace, String suffix, boolean dryRun) {
    return writes.stream().filter(w -> "EVICT".equals(w.method()) || w.body().startsWith("{") || w.body().contains("\"op\":\"test\""))
        .filter(w -> w.dryRun() == dryRun && w.path().contains("/namespaces/" + namespace + "/")
        && w.path().endsWith(suffix)).toList();
  }
}
