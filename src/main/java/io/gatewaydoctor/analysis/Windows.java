package io.gatewaydoctor.analysis;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses spec.window ("10m", "1h30m", "90s"); anything else means the default. */
public final class Windows {
  private static final Pattern PART = Pattern.compile("([0-9]{1,6})([smh])");
  private static final Duration MAX = Duration.ofHours(24);

  private Windows() {}

  /** True when the text is a window this parser reads (not the fallback to the default). */
  public static boolean valid(String s) {
    return s != null
        && s.matches("^(" + PART.pattern() + ")+$")
        && !parse(s).isZero()
        && s.chars().anyMatch(c -> c > '0' && c <= '9');
  }

  public static Duration parse(String s) {
    if (s == null || s.isBlank() || !s.matches("^(" + PART.pattern() + ")+$")) {
      return AnalysisContext.DEFAULT_WINDOW;
    }
    Duration d = Duration.ZERO;
    Matcher m = PART.matcher(s);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
    }
    if (d.isZero()) {
      return AnalysisContext.DEFAULT_WINDOW;
    }
    return d.compareTo(MAX) > 0 ? MAX : d;
  }
}
