package io.gatewaydoctor.model;

import java.time.Instant;
import java.time.format.DateTimeParseException;

public final class Times {
  private Times() {}

  /** RFC 3339 to Instant; null for null or garbage, so odd objects never throw. */
  public static Instant parse(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** RFC 3339 to the second, as the status writes times. */
  public static String format(Instant t) {
    return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }
}
