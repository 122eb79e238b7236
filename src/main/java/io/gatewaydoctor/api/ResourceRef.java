package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourceRef {
  public String kind;
  public String namespace;
  public String name;

  public ResourceRef() {}

  public ResourceRef(String kind, String namespace, String name) {
    this.kind = kind;
    this.namespace = namespace;
    this.name = name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceRef r
        && java.util.Objects.equals(kind, r.kind)
        && java.util.Objects.equals(namespace, r.namespace)
        && java.util.Objects.equals(name, r.name);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(kind, namespace, name);
  }

  @Override
  public String toString() {
    return kind + " " + (namespace == null ? "" : namespace + "/") + name;
  }
}
