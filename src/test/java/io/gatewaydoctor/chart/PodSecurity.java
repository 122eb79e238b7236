package io.gatewaydoctor.chart;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Pod Security Standards, "restricted" profile (baseline included), checked on a pod spec as
 * the admission controller would: one message per violation.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
final class PodSecurity {
  private static final Set<String> VOLUME_TYPES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  private PodSecurity() {}

  static List<String> restrictedViolations(PodSpec pod) {
    List<String> out = new ArrayList<>();
    if (Boolean.TRUE.equals(pod.getHostNetwork())
        || Boolean.TRUE.equals(pod.getHostPID())
        || Boolean.TRUE.equals(pod.getHostIPC())) {
      out.add("host namespaces");
    }
    PodSecurityContext psc = pod.getSecurityContext();
    for (Volume v : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
      List<String> set = new ArrayList<>();
      if (v.getHostPath() != null) {
        set.add("hostPath");
      }
      if (v.getEmptyDir() != null) {
        set.add("emptyDir");
      }
      if (v.getConfigMap() != null) {
        set.add("configMap");
      }
      if (v.getSecret() != null) {
        set.add("secret");
      }
      if (v.getProjected() != null) {
        set.add("projected");
      }
      if (v.getPersistentVolumeClaim() != null) {
        set.add("persistentVolumeClaim");
      }
      if (set.isEmpty() || !VOLUME_TYPES.containsAll(set)) {
        out.add("volume " + v.getName() + " of a restricted type " + set);
      }
    }
    List<Container> all = new ArrayList<>(pod.getContainers());
    if (pod.getInitContainers() != null) {
      all.addAll(pod.getInitContainers());
    }
    for (Container c : all) {
      SecurityContext sc = c.getSecurityContext();
      String n = "container " + c.getName() + ": ";
      if (sc != null && Boolean.TRUE.equals(sc.getPrivileged())) {
        out.add(n + "privileged");
      }
      if (sc == null || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        out.add(n + "allowPrivilegeEscalation must be false");
      }
      boolean nonRoot =
          sc != null && sc.getRunAsNonRoot() != null
              ? sc.getRunAsNonRoot()
              : psc != null && Boolean.TRUE.equals(psc.getRunAsNonRoot());
      Long uid =
          sc != null && sc.getRunAsUser() != null
              ? sc.getRunAsUser()
              : psc == null ? null : psc.getRunAsUser();
      if (!nonRoot || (uid != null && uid == 0)) {
        out.add(n + "must run as non-root");
      }
      String seccomp =
          sc != null && sc.getSeccompProfile() != null
              ? sc.getSeccompProfile().getType()
              : psc != null && psc.getSeccompProfile() != null
                  ? psc.getSeccompProfile().getType()
                  : null;
      if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
        out.add(n + "seccompProfile must be RuntimeDefault or Localhost");
      }
      var caps = sc == null ? null : sc.getCapabilities();
      if (caps == null
          || caps.getDrop() == null
          || !caps.getDrop().contains("ALL")
          || (caps.getAdd() != null
              && caps.getAdd().stream().anyMatch(a -> !a.equals("NET_BIND_SERVICE")))) {
        out.add(n + "capabilities must drop ALL and add at most NET_BIND_SERVICE");
      }
      if (c.getPorts() != null
          && c.getPorts().stream().anyMatch(p -> p.getHostPort() != null && p.getHostPort() != 0)) {
        out.add(n + "hostPort");
      }
    }
    return out;
  }
}
