package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.gatewaydoctor.api.ResourceRef;
import java.util.List;

/**
 * A backend reference followed down the chain: the Service (null when missing), the Service port it
 * resolves to (null when it does not), the Service's EndpointSlices and the pods its selector
 * picks. {@code portByTargetPort}: the Ingress names the port's targetPort, not the port; only
 * ingress-nginx accepts that.
 */
public record ResolvedBackend(
    String namespace,
    BackendRef ref,
    Service service,
    ServicePort servicePort,
    List<EndpointSlice> slices,
    List<Pod> pods,
    boolean portByTargetPort) {

  public ResolvedBackend(
      String namespace,
      BackendRef ref,
      Service service,
      ServicePort servicePort,
      List<EndpointSlice> slices,
      List<Pod> pods) {
    this(namespace, ref, service, servicePort, slices, pods, false);
  }

  public String serviceKey() {
    return namespace + "/" + ref.service();
  }

  public ResourceRef serviceRef() {
    return new ResourceRef("Service", namespace, ref.service());
  }

  /** The selected pod of that name, if any. */
  public java.util.Optional<Pod> pod(String name) {
    return name == null
        ? java.util.Optional.empty()
        : pods.stream().filter(p -> name.equals(p.getMetadata().getName())).findFirst();
  }

  /**
   * The workload to blame for the pod of that name; the Service when the pod is not in the input.
   */
  public ResourceRef workloadOf(String podName) {
    return pod(podName).map(Pods::workload).orElseGet(this::serviceRef);
  }

  /** The Service port's number when it resolved, else the port as the reference names it. */
  public String portLabel() {
    return servicePort != null ? String.valueOf(servicePort.getPort()) : ref.portLabel();
  }

  /** The targetPort as written (defaults to the port number), or null without a Service port. */
  public String targetPortLabel() {
    if (servicePort == null) {
      return null;
    }
    var tp = servicePort.getTargetPort();
    if (tp == null || (tp.getIntVal() == null && tp.getStrVal() == null)) {
      return String.valueOf(servicePort.getPort());
    }
    return tp.getIntVal() != null ? String.valueOf(tp.getIntVal()) : tp.getStrVal();
  }
}
