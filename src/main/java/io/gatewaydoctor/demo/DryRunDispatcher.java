package io.gatewaydoctor.demo;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Fabric8 mock API server in CRUD mode ignores {@code dryRun}: it would apply a dry-run patch
 * or delete for real, and it has no eviction. This dispatcher in front of its CRUD dispatcher
 * answers dry-runs as the API server does (200 and nothing stored), turns an eviction into a delete
 * of the pod, and records every write. The demo's embedded API and the operator tests use it.
 */
public final class DryRunDispatcher extends Dispatcher {
  /**
   * One write: PATCH, DELETE or EVICT, the object's path, the body, and whether it was a dry-run.
   */
  public record Write(String method, String path, String body, boolean dryRun) {}

  private final Dispatcher crud;
  public final List<Write> writes = new CopyOnWriteArrayList<>();

  public DryRunDispatcher(Dispatcher crud) {
    this.crud = crud;
  }

  /** Dry-runs to paths ending so are refused with this status (RBAC, an admission webhook). */
  public final java.util.Map<String, Integer> refuse =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String method = request.getMethod();
    String path = request.getPath().replaceAll("\\?.*", "");
    boolean eviction = "POST".equals(method) && path.endsWith("/eviction");
    if (!"PATCH".equals(method) && !"DELETE".equals(method) && !eviction) {
      return crud.dispatch(request);
    }
    String body =
        request.getBody() == null
            ? ""
            : new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
    boolean dryRun =
        request.getPath().contains("dryRun=All")
            || body.replace(" ", "").contains("\"dryRun\":[\"All\"]");
    String target = eviction ? path.substring(0, path.length() - "/eviction".length()) : path;
    writes.add(new Write(eviction ? "EVICT" : method, target, body, dryRun));
    for (var r : refuse.entrySet()) {
      if (dryRun && target.endsWith(r.getKey())) {
        return new MockResponse()
            .setResponseCode(r.getValue())
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"message\":\""
                    + (r.getValue() == 403
                        ? forbidden(method, target, eviction)
                        : "refused by the test")
                    + "\",\"reason\":\"Forbidden\",\"code\":"
                    + r.getValue()
                    + "}");
      }
    }
    if (eviction) {
      // the API server's eviction: a delete of the pod (no PodDisruptionBudget here), nothing when
      // dry-run
      if (!dryRun) {
        MockResponse deleted =
            crud.dispatch(
                new RecordedRequest(
                    "HTTP/1.1",
                    io.fabric8.mockwebserver.dsl.HttpMethod.DELETE,
                    target,
                    request.getHeaders(),
                    new io.fabric8.mockwebserver.http.Buffer()));
        if (deleted.code() >= 300) {
          return deleted;
        }
      }
      return new MockResponse()
          .setResponseCode(201)
          .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}");
    }
    if (!dryRun) {
      return crud.dispatch(request);
    }
    // what the API server answers to a dry-run: the object as it would be (here: a stand-in naming
    // it), nothing stored
    String[] parts = request.getPath().replaceAll("\\?.*", "").split("/");
    String name = parts[parts.length - 1];
    String kind =
        switch (parts[parts.length - 2]) {
          case "pods" -> "Pod";
          case "services" -> "Service";
          case "deployments" -> "Deployment";
          default -> "Ingress";
        };
    return new MockResponse()
        .setResponseCode(200)
        .setBody("{\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name + "\"}}");
  }

  /** RBAC's refusal as the API server words it, for the object of {@code path}. */
  private static String forbidden(String method, String path, boolean eviction) {
    String[] parts = path.split("/");
    String resource = parts[parts.length - 2] + (eviction ? "/eviction" : "");
    String name = parts[parts.length - 1];
    String verb = eviction ? "create" : method.toLowerCase(java.util.Locale.ROOT);
    return resource
        + " \\\""
        + name
        + "\\\" is forbidden: User \\\"system:serviceaccount:gateway-doctor:gateway-doctor\\\""
        + " cannot "
        + verb
        + " resource \\\""
        + resource
        + "\\\" in API group \\\"\\\"";
  }
}
