package io.gatewaydoctor.bench;

import io.gatewaydoctor.history.Timeline;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The timeline's memory benchmark (docs/benchmarks.md): {@code targets} timelines churn for {@code
 * rounds} rounds (each round, every target's pods restart, flip readiness, its endpoints come and
 * go and a ReplicaSet scales), one simulated second apart; the heap retained by the timelines is
 * measured after a full GC at checkpoints. Bounded means flat after the ring buffers fill.
 */
public final class TimelineBench {
  private TimelineBench() {}

  public static void run(PrintWriter out, int targets, int rounds) {
    List<Timeline> timelines = new ArrayList<>();
    for (int t = 0; t < targets; t++) {
      timelines.add(new Timeline(Duration.ofHours(1)));
    }
    Instant t0 = Instant.parse("2026-12-01T12:00:00Z");
    long base = retained();
    long events = 0;
    for (int r = 0; r < rounds; r++) {
      Instant now = t0.plusSeconds(r);
      for (int t = 0; t < targets; t++) {
        Map<String, String> s = new TreeMap<>();
        s.put(
            "config\u0000Service ns" + t + "/web|spec.ports[80].targetPort",
            r % 50 == 0 ? "8081" : "http");
        for (int p = 0; p < 4; p++) {
          String pod = "Pod ns" + t + "/web-" + ((r / 20) % 3) + "-" + p;
          s.put("readiness\u0000" + pod, (r + p) % 7 == 0 ? "NotReady" : "Ready");
          s.put("restart\u0000" + pod, (r / 5) + " OOMKilled@" + now);
          s.put(
              "endpoint\u0000Service ns"
                  + t
                  + "/web 10.0."
                  + (t % 250)
                  + "."
                  + ((r / 20 % 3) * 10 + p)
                  + ":8080",
              "ready");
        }
        s.put(
            "rollout\u0000ReplicaSet ns" + t + "/web-" + ((r / 20) % 3), String.valueOf(4 - r % 2));
        Timeline tl = timelines.get(t);
        int before = tl.size();
        tl.observe(s, now);
        events += Math.max(0, tl.size() - before);
      }
      if ((r + 1) % (rounds / 4) == 0) {
        long used = retained() - base;
        out.printf(
            Locale.ROOT,
            "after %d rounds (%d targets): timelines hold %d entries, %.1f MiB retained (%.1f KiB per target)%n",
            r + 1,
            targets,
            timelines.stream().mapToInt(Timeline::size).sum(),
            used / 1048576.0,
            used / 1024.0 / targets);
      }
    }
    out.printf(Locale.ROOT, "entry cap %d per target%n", Timeline.MAX_ENTRIES);
  }

  private static long retained() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
