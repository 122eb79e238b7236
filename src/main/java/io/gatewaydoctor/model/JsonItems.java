package io.gatewaydoctor.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the items of a kubectl JSON List are in its text, found by one scan of the characters
 * (strings and escapes respected), so that a large dump's items can be read on every core (#23).
 * Anything other than one JSON object whose {@code kind} ends with "List" and whose {@code items}
 * is an array of objects gives null: such text is read the usual way, which also words its errors.
 */
final class JsonItems {
  private JsonItems() {}

  /** The [start, end) character ranges of the items, in order; null when not such a List. */
  static List<int[]> of(String text) {
    int n = text.length();
    int i = skipSpace(text, 0);
    if (i >= n || text.charAt(i) != '{') {
      return null;
    }
    List<int[]> items = null;
    String kind = null;
    int depth = 0;
    boolean expectKey = false;
    String key = null;
    int itemStart = -1;
    boolean inItems = false;
    for (; i < n; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> {
          int end = endOfString(text, i);
          if (end < 0) {
            return null;
          }
          if (depth == 1) {
            String s = end - i - 1 <= 16 ? text.substring(i + 1, end) : "";
            if (expectKey) {
              key = s;
            } else if ("kind".equals(key)) {
              kind = s;
            }
          }
          i = end;
        }
        case '{', '[' -> {
          if (depth == 1 && "items".equals(key) && c == '[' && !expectKey) {
            if (items != null) {
              return null; // items twice
            }
            items = new ArrayList<>();
            inItems = true;
          } else if (depth == 2 && inItems) {
            if (c != '{') {
              return null; // an item that is not an object
            }
            itemStart = i;
          }
          depth++;
          expectKey = c == '{';
        }
        case '}', ']' -> {
          depth--;
          if (depth == 2 && inItems && c == '}') {
            items.add(new int[] {itemStart, i + 1});
          } else if (depth == 1 && inItems) {
            inItems = false;
          } else if (depth == 0) {
            if (skipSpace(text, i + 1) != n) {
              return null; // more than one document
            }
            return kind != null && kind.endsWith("List") && items != null ? items : null;
          } else if (depth < 0) {
            return null;
          }
          expectKey = false;
        }
        case ',' -> expectKey = true; // only strings at the List's own level are looked at
        case ':' -> expectKey = false;
        default -> {
          if (depth == 2 && inItems && !Character.isWhitespace(c)) {
            return null; // an item that is not an object (null, a number, ...)
          }
        }
      }
    }
    return null;
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The index of the closing quote of the string that opens at {@code i}, or -1. */
  private static int endOfString(String s, int i) {
    for (int j = i + 1; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == '"') {
        return j;
      }
    }
    return -1;
  }
}
