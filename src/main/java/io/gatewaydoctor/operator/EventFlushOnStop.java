package io.gatewaydoctor.operator;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * When the operator stops, the Events held back by the throttle (repeats within their 10 s) are
 * written, for at most 5 s: a stop no longer loses them. The API client is still open then.
 */
@ApplicationScoped
public class EventFlushOnStop {
  private static final Logger LOG = Logger.getLogger(EventFlushOnStop.class);
  static final Duration BUDGET = Duration.ofSeconds(5);

  void onStop(@Observes ShutdownEvent e) {
    int n = HealthEvents.THROTTLE.flushAll(BUDGET);
    if (n > 0) {
      LOG.infof("wrote %d Event(s) held back by the throttle before stopping", n);
    }
  }
}
