package io.gatewaydoctor.probe;

/** Talks to one endpoint the way the gateway would, and says how it went. Never throws. */
public interface Prober {
  Probe probe(ProbeTarget target);
}
