package io.gatewaydoctor.signals;

import java.util.List;

/** Edits of a log line for the readers' property tests: inserts, deletions and replacements. */
final class Mutations {
  private Mutations() {}

  /**
   * {@code line} with one edit per entry of {@code at} (a position, modulo the length): the edit
   * and its character ({@code alphabet}) chosen by {@code what} (four numbers).
   */
  static String of(String line, List<Integer> at, List<Integer> what, String alphabet) {
    StringBuilder s = new StringBuilder(line);
    for (int k = 0; k < at.size(); k++) {
      int pos = at.get(k) % (s.length() + 1);
      char c = alphabet.charAt(what.get(k) % alphabet.length());
      switch (what.get((k + 1) % 4) % 3) {
        case 0 -> s.insert(pos, c);
        case 1 -> {
          if (pos < s.length()) {
            s.deleteCharAt(pos);
          }
        }
        default -> {
          if (pos < s.length()) {
            s.setCharAt(pos, c);
          }
        }
      }
    }
    return s.toString();
  }
}
