package io.gatewaydoctor.signals;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the gateway's lines of one backend are keyed by: its upstream names, each mapped to true
 * when every line of the name is the backend's, to false when the name can be shared with another
 * namespace (then only the lines whose last try went to one of {@code addresses} count). The one
 * attribution of lines to a target: the verdict, the window's error gauges and the error counters
 * all read through it.
 */
public record UpstreamKeys(Map<String, Boolean> names, Set<String> addresses) {
  public UpstreamKeys {
    names = java.util.Collections.unmodifiableMap(new TreeMap<>(names));
    addresses = java.util.Collections.unmodifiableSet(new TreeSet<>(addresses));
  }

  /** The backend's counters in this evidence, or null when nothing counted. */
  public GatewayEvidence.Counts in(GatewayEvidence e) {
    return e.upstreams(names, addresses);
  }

  /**
   * A target's gateway 500/502/503/504 (indexes 0–3) and the app's own (4–7) in this evidence,
   * summed over its backends.
   */
  public static long[] errors(GatewayEvidence e, Collection<UpstreamKeys> backends) {
    long[] out = new long[8];
    for (UpstreamKeys k : backends) {
      GatewayEvidence.Counts c = k.in(e);
      if (c != null) {
        for (int i = 0; i < 4; i++) {
          out[i] += c.gateway[i];
          out[4 + i] += c.app[i];
        }
      }
    }
    return out;
  }
}
