package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicySpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which BackendTLSPolicy (gateway.networking.k8s.io v1, or v1alpha3 where that is what is served)
 * governs the TLS from a Gateway API data plane to a Service port, and what it asks: TLS with the
 * policy's hostname as SNI, the backend's certificate signed by the CAs of its ConfigMaps (key
 * {@code ca.crt}) or by well-known ones, and naming that hostname.
 *
 * <p>A policy applies to a port when a targetRef names the Service (core group, kind Service) with
 * no sectionName or with the port's name. Where several apply, one naming the port wins over one
 * naming the whole Service, then the oldest, then the first by name (the Gateway API's rule for
 * conflicting policies).
 */
public final class BackendTlsPolicies {
  private BackendTlsPolicies() {}

  /** The key of a Service port's CA certificates in a ConfigMap the policy names. */
  public static final String CA_KEY = "ca.crt";

  /**
   * What the policy governing a port asks.
   *
   * @param policy "namespace/name" of the policy
   * @param hostname the SNI and the name the certificate must carry
   * @param caConfigMaps the ConfigMaps (in the policy's namespace) holding its CAs
   * @param otherCaRefs references to CA holders other than ConfigMaps ("Kind/name"), which gateways
   *     may not support
   * @param wellKnown the {@code wellKnownCACertificates} value ("System"), or null
   * @param subjectAltNames "Hostname:NAME" or "URI:URI"; when given, the certificate must carry one
   *     of them and the hostname is only the SNI
   */
  public record Applied(
      String policy,
      String hostname,
      List<String> caConfigMaps,
      List<String> otherCaRefs,
      String wellKnown,
      List<String> subjectAltNames) {
    public String namespace() {
      return policy.substring(0, policy.indexOf('/'));
    }
  }

  /** The CA certificates of a policy, as PEM, and what could not be read. */
  public record Trust(String pem, List<String> problems) {}

  static BackendTLSPolicySpec spec(HasMetadata o) {
    if (o instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy p) {
      return p.getSpec();
    }
    if (o instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1alpha3.BackendTLSPolicy p) {
      return p.getSpec();
    }
    return null;
  }

  /** Whether an object is a BackendTLSPolicy of a version this reads. */
  public static boolean is(HasMetadata o) {
    return o instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy
        || o instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1alpha3.BackendTLSPolicy;
  }

  /** The policy that governs TLS to this port of the Service, if any. */
  public static Optional<Applied> of(
      ClusterSnapshot cluster, String namespace, String service, ServicePort port) {
    record Candidate(HasMetadata policy, boolean section) {}
    List<Candidate> found = new ArrayList<>();
    for (HasMetadata p : cluster.backendTlsPolicies(namespace)) {
      BackendTLSPolicySpec spec = spec(p);
      if (spec == null || spec.getTargetRefs() == null || spec.getValidation() == null) {
        continue;
      }
      boolean whole = false;
      boolean section = false;
      for (LocalPolicyTargetReferenceWithSectionName r : spec.getTargetRefs()) {
        if (r == null
            || !"Service".equals(r.getKind())
            || !(r.getGroup() == null || r.getGroup().isEmpty())
            || !service.equals(r.getName())) {
          continue;
        }
        if (r.getSectionName() == null || r.getSectionName().isEmpty()) {
          whole = true;
        } else if (port != null && r.getSectionName().equals(port.getName())) {
          section = true;
        }
      }
      if (whole || section) {
        found.add(new Candidate(p, section));
      }
    }
    return found.stream()
        .min(
            Comparator.comparing((Candidate c) -> !c.section())
                .thenComparing(
                    c ->
                        Optional.ofNullable(c.policy().getMetadata().getCreationTimestamp())
                            .orElse(""))
                .thenComparing(c -> c.policy().getMetadata().getName()))
        .map(c -> applied(c.policy()));
  }

  /** The names of the Services (core group) a policy targets, in its namespace. */
  public static List<String> services(HasMetadata p) {
    BackendTLSPolicySpec spec = spec(p);
    if (spec == null || spec.getTargetRefs() == null) {
      return List.of();
    }
    return spec.getTargetRefs().stream()
        .filter(
            r ->
                r != null
                    && r.getName() != null
                    && "Service".equals(r.getKind())
                    && (r.getGroup() == null || r.getGroup().isEmpty()))
        .map(LocalPolicyTargetReferenceWithSectionName::getName)
        .distinct()
        .toList();
  }

  /** The names of the ConfigMaps (core group) a policy takes its CA certificates from. */
  public static List<String> caConfigMaps(HasMetadata p) {
    BackendTLSPolicySpec spec = spec(p);
    return spec == null || spec.getValidation() == null ? List.of() : applied(p).caConfigMaps();
  }

  private static Applied applied(HasMetadata p) {
    var v = spec(p).getValidation();
    List<String> maps = new ArrayList<>();
    List<String> other = new ArrayList<>();
    if (v.getCaCertificateRefs() != null) {
      for (LocalObjectReference r : v.getCaCertificateRefs()) {
        if (r == null || r.getName() == null) {
          continue;
        }
        if ("ConfigMap".equals(r.getKind()) && (r.getGroup() == null || r.getGroup().isEmpty())) {
          if (!r.getName().matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
            other.add(INVALID_NAME);
            continue;
          }
          maps.add(r.getName());
        } else {
          other.add(r.getKind() + "/" + r.getName());
        }
      }
    }
    List<String> sans = new ArrayList<>();
    if (v.getSubjectAltNames() != null) {
      for (var san : v.getSubjectAltNames()) {
        if (san != null && "Hostname".equals(san.getType()) && san.getHostname() != null) {
          sans.add("Hostname:" + san.getHostname());
        } else if (san != null && "URI".equals(san.getType()) && san.getUri() != null) {
          sans.add("URI:" + san.getUri());
        }
      }
    }
    return new Applied(
        p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(),
        v.getHostname(),
        List.copyOf(maps),
        List.copyOf(other),
        v.getWellKnownCACertificates(),
        List.copyOf(sans));
  }

  /**
   * The PEM of the policy's CA ConfigMaps, joined; {@code problems} names each ConfigMap that is
   * missing or has no {@value #CA_KEY}. Null PEM when the policy names no ConfigMap.
   */
  public static Trust trust(ClusterSnapshot cluster, Applied a) {
    // the planner and the rules ask for each backend: the CA text is parsed once per snapshot
    return cluster.memo("backend-tls-trust " + a.policy(), () -> readTrust(cluster, a));
  }

  private static Trust readTrust(ClusterSnapshot cluster, Applied a) {
    StringBuilder pem = new StringBuilder();
    List<String> problems = new ArrayList<>();
    for (String name : a.caConfigMaps()) {
      String ref = "ConfigMap " + a.namespace() + "/" + name;
      Optional<ConfigMap> cm = cluster.configMap(a.namespace(), name);
      String text = cm.map(ConfigMap::getData).map(d -> d.get(CA_KEY)).orElse(null);
      if (cm.isEmpty()) {
        problems.add(
            ref + (absenceKnown(cluster, a.namespace(), name) ? " does not exist" : UNREAD));
      } else if (text == null || !text.contains("-----BEGIN CERTIFICATE-----")) {
        problems.add(ref + " has no PEM certificate under " + CA_KEY);
      } else if (text.length() > MAX_PEM_CHARS || pem.length() + text.length() > MAX_PEM_CHARS) {
        problems.add(
            ref + UNREAD + " (its " + CA_KEY + " is over " + MAX_PEM_CHARS / 1024 + " KiB)");
      } else if (certificates(text) < 0) {
        problems.add(ref + " has a " + CA_KEY + " that does not parse as PEM certificates");
      } else {
        pem.append(text).append('\n');
      }
    }
    for (String o : a.otherCaRefs()) {
      problems.add(
          o.equals(INVALID_NAME)
              ? "a ConfigMap in caCertificateRefs has a name no object can have"
              : o + " is not a ConfigMap (the core kind every implementation reads)");
    }
    return new Trust(pem.length() == 0 ? null : pem.toString(), List.copyOf(problems));
  }

  /** An entry of otherCaRefs for a ConfigMap name that is not a DNS-1123 subdomain (not echoed). */
  static final String INVALID_NAME = "ConfigMap/<invalid name>";

  /** The words of a problem that says nothing about the policy: the ConfigMap was not read. */
  public static final String UNREAD = " was not read";

  /**
   * CA text checked at most (all the policy's ConfigMaps together); a bundle is a few hundred KiB.
   */
  public static final int MAX_PEM_CHARS = 512 * 1024;

  /** Certificates in a CA text read at most. */
  static final int MAX_CERTIFICATES = 512;

  /**
   * Whether a ConfigMap the snapshot lacks is known not to exist: it was read by name and was not
   * there, or (a dump) other ConfigMaps of its namespace were listed and it was not among them;
   * never when reading it was refused.
   */
  static boolean absenceKnown(ClusterSnapshot cluster, String ns, String name) {
    if (cluster.knows(ClusterSnapshot.unreadable("ConfigMap", ns, name))) {
      return false;
    }
    return cluster.knows(ClusterSnapshot.lookedUp("ConfigMap", ns, name))
        || cluster.hasConfigMapsIn(ns);
  }

  /**
   * The number of X.509 certificates in PEM text, or -1 when it does not parse (or has too many).
   */
  static int certificates(String pem) {
    try {
      var certs =
          java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new java.io.ByteArrayInputStream(
                      pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      return certs.isEmpty() || certs.size() > MAX_CERTIFICATES ? -1 : certs.size();
    } catch (java.security.cert.CertificateException | RuntimeException e) {
      return -1;
    }
  }
}
