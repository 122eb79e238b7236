package io.gatewaydoctor.analysis;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

/**
 * What an automatic remediation would change, as a rule decides it: the intent, on the objects the
 * verdict was made on. The remediation layer turns an intent into the exact patch (with the
 * object's resourceVersion) and decides whether it may run; rules never build patches.
 */
public sealed interface Fix {
  /** The object the fix changes. */
  HasMetadata object();

  /** fix-target-port: one Service port's targetPort. */
  record TargetPort(Service service, ServicePort port, IntOrString target) implements Fix {
    @Override
    public HasMetadata object() {
      return service;
    }
  }

  /** set-backend-protocol, raise-proxy-buffer-size: one annotation of the Ingress. */
  record Annotation(HasMetadata ingress, String key, String value) implements Fix {
    @Override
    public HasMetadata object() {
      return ingress;
    }
  }

  /** restart-pod: the pod deleted, for its ReplicaSet to replace. */
  record DeletePod(Pod pod) implements Fix {
    @Override
    public HasMetadata object() {
      return pod;
    }
  }

  /** rollback: the Deployment's pod template replaced by the previous ReplicaSet's. */
  record Rollback(Deployment deployment, ReplicaSet previous) implements Fix {
    @Override
    public HasMetadata object() {
      return deployment;
    }
  }
}
