package io.gatewaydoctor.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Fabric8 mock API server's CRUD dispatcher with an index by namespace and name, for the
 * operator benchmark: the mock finds an object by scanning (and, on a get, copying) every object it
 * holds, which at 40,000 objects makes it, not the operator, the bottleneck (one core busy, the
 * operator mostly waiting). Gets by name and the lookups of creates, updates and patches go through
 * the index; lists and watches, which scan on a real API server's cache too, stay as they are. The
 * answers are the mock's own: the index only narrows which stored objects it compares.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private final Map<String, Set<AttributeSet>> byName = new ConcurrentHashMap<>();

  /** A mock API server on a free port of 127.0.0.1 that answers through this dispatcher. */
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer serveOnLoopback()
      throws java.net.UnknownHostException {
    var server =
        new io.fabric8.kubernetes.client.server.mock.KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new io.fabric8.mockwebserver.MockWebServer(),
            new java.util.HashMap<>(),
            this,
            false);
    server.init(java.net.InetAddress.getByName("127.0.0.1"), 0);
    return server;
  }

  /** "namespace/name" of a key or query with a name, else null. */
  static String nameKey(AttributeSet a) {
    Attribute name = a.getAttribute(KubernetesAttributesExtractor.NAME);
    if (name == null || name.getValues().isEmpty()) {
      return null;
    }
    Attribute ns = a.getAttribute(KubernetesAttributesExtractor.NAMESPACE);
    return (ns == null || ns.getValues().isEmpty() ? "" : ns.getValues().get(0).toString())
        + "/"
        + name.getValues().get(0);
  }

  /**
   * Stores an object as if it had been created (uid, resourceVersion, creationTimestamp,
   * generation), without the API: the benchmark's load (40,000 creates through the mock take
   * minutes).
   */
  synchronized void putCreated(io.fabric8.kubernetes.api.model.HasMetadata o) {
    var m = o.getMetadata();
    m.setUid(java.util.UUID.randomUUID().toString());
    m.setResourceVersion(String.valueOf(requestResourceVersion()));
    if (m.getCreationTimestamp() == null) {
      m.setCreationTimestamp("2026-11-30T08:00:00Z");
    }
    if (m.getGeneration() == null) {
      m.setGeneration(1L);
    }
    AttributeSet key = ((KubernetesAttributesExtractor) getAttributeExtractor()).extract(o);
    map.put(key, io.fabric8.kubernetes.client.utils.Serialization.asJson(o));
    index(key);
  }

  private void index(AttributeSet key) {
    String k = nameKey(key);
    if (k != null) {
      byName.computeIfAbsent(k, x -> ConcurrentHashMap.newKeySet()).add(key);
    }
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    String k = nameKey(query);
    if (k == null) {
      return super.findResource(query);
    }
    Set<AttributeSet> candidates = byName.get(k);
    if (candidates != null) {
      for (AttributeSet c : candidates) {
        String json = map.get(c);
        if (json == null) {
          candidates.remove(c); // gone since it was indexed
        } else if (c.matches(query)) {
          return Map.entry(c, json);
        }
      }
    }
    return null;
  }

  // every request under one monitor: an indexed get must not fall between the mock's remove and
  // put of an updated object (the mock's own lock is private)
  @Override
  public synchronized MockResponse handleCreate(io.fabric8.mockwebserver.http.RecordedRequest r) {
    return super.handleCreate(r);
  }

  @Override
  public synchronized MockResponse handleUpdate(io.fabric8.mockwebserver.http.RecordedRequest r) {
    return super.handleUpdate(r);
  }

  @Override
  public synchronized MockResponse handlePatch(io.fabric8.mockwebserver.http.RecordedRequest r) {
    return super.handlePatch(r);
  }

  @Override
  public synchronized MockResponse handleDelete(String path) {
    return super.handleDelete(path);
  }

  @Override
  public synchronized MockResponse handleGet(String path) {
    if (!path.contains("watch=true")) {
      AttributeSet query = getKey(path);
      if (query.containsKey(KubernetesAttributesExtractor.NAME)) {
        Map.Entry<AttributeSet, String> e = findResource(query);
        return e == null
            ? new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
            : new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(e.getValue());
      }
    }
    return super.handleGet(path);
  }

  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (newState != null) { // the key the mock stored it under, worked out as it does
      KubernetesAttributesExtractor x = (KubernetesAttributesExtractor) getAttributeExtractor();
      AttributeSet key = resource != null ? x.extract(resource) : x.fromResource(newState);
      if (!key.containsKey(KubernetesAttributesExtractor.PLURAL)) {
        key = AttributeSet.merge(pathAttributes, key);
      }
      index(key);
    }
  }
}
