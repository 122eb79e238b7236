package io.gatewaydoctor.cli;

import io.gatewaydoctor.gateway.IngressNginx;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.ControllerConfig;
import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.LineSplitter;
import io.gatewaydoctor.signals.LogFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads {@code --gateway-log FILE} (ingress-nginx controller logs: access and error lines mixed, as
 * {@code kubectl logs} prints them), cut into lines by {@link LineSplitter}; lines that are neither
 * kind are counted, never fatal.
 */
final class GatewayLogs {
  private GatewayLogs() {}

  /** The newest time stamped on any line, for the evaluation instant of offline input. */
  static Optional<Instant> newest(List<Path> files, LogFormat format)
      throws InputFiles.InputException {
    // the same reading as the real one (error-log times shifted by the access lines' offset), with
    // no window
    GatewayEvidence.Builder b =
        new GatewayEvidence.Builder(Instant.MAX, java.time.Duration.ZERO).format(format);
    each(files, b::line);
    return Optional.ofNullable(b.newest());
  }

  static GatewayEvidence read(List<Path> files, Instant now, Duration window, LogFormat format)
      throws InputFiles.InputException {
    GatewayEvidence.Builder b = new GatewayEvidence.Builder(now, window).format(format);
    each(files, b::line);
    return b.build();
  }

  /**
   * The access-log format to read: {@code flagged} (--log-format) when given, else the
   * log-format-upstream of the ingress-nginx controllers' ConfigMap in the input when they all
   * agree, else ingress-nginx's default (null). Says on {@code err} which it took and why.
   */
  static LogFormat format(ClusterSnapshot snapshot, LogFormat flagged, PrintWriter err) {
    if (flagged != null) {
      return flagged;
    }
    java.util.Map<String, String> formats = new java.util.TreeMap<>();
    for (ControllerConfig c : ControllerConfig.all(snapshot)) {
      IngressNginx.INSTANCE.accessLogFormat(c).ifPresent(f -> formats.put(c.source(), f));
    }
    if (formats.isEmpty()) {
      return null;
    }
    if (new java.util.HashSet<>(formats.values()).size() > 1) {
      err.println(
          "warning: the ingress-nginx ConfigMaps "
              + String.join(", ", formats.keySet())
              + " set different log-format-upstream values; reading the default format"
              + " (--log-format FORMAT says which)");
      return null;
    }
    String source = formats.keySet().iterator().next();
    try {
      LogFormat f = LogFormat.of(formats.get(source));
      err.println(
          "gateway logs: access-log format from ConfigMap " + source + " (log-format-upstream)");
      return f;
    } catch (IllegalArgumentException e) {
      err.println(
          "warning: log-format-upstream of ConfigMap "
              + source
              + " cannot be read ("
              + e.getMessage()
              + "); reading the default format");
      return null;
    }
  }

  private static void each(List<Path> files, Consumer<String> sink)
      throws InputFiles.InputException {
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new InputFiles.InputException(f + ": no such file (--gateway-log)");
      }
      try (var in = Files.newInputStream(f)) {
        LineSplitter.split(in, sink);
      } catch (IOException e) {
        throw new InputFiles.InputException(f + ": cannot read: " + e.getMessage());
      }
    }
  }
}
