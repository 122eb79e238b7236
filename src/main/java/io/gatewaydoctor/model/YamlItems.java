package io.gatewaydoctor.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the items of a kubectl YAML List are in its text ({@code kubectl get ... -o yaml}), so that
 * a large dump's items can be read on every core (#23). kubectl writes block YAML of one shape:
 * top-level keys at column 0 ({@code apiVersion}, {@code items}, {@code kind}, {@code metadata}),
 * each item beginning with {@code "- "} at column 0 and every other line of it indented by at least
 * two spaces (or empty). Anything else gives null (a second document, a comment or anything else at
 * column 0 among the items, a top-level key twice, a flow-style {@code items}, a kind that is no
 * List): such text is read the usual way, which also words its errors. Each item is read again by
 * the YAML parser, so a line this accepts that YAML does not is still an error there.
 */
final class YamlItems {
  private YamlItems() {}

  /** The [start, end) character ranges of the items' lines, in order; null when not such a List. */
  static List<int[]> of(String text) {
    // line breaks of YAML's that are not '\n' would cut lines where this does not
    if (text.indexOf('\r') >= 0
        || text.indexOf('\u0085') >= 0
        || text.indexOf('\u2028') >= 0
        || text.indexOf('\u2029') >= 0
        || text.indexOf('\t') >= 0
        || text.startsWith("\uFEFF")) {
      return null;
    }
    List<int[]> items = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    boolean inItems = false;
    boolean list = false;
    int itemStart = -1;
    int pos = 0;
    int n = text.length();
    if (text.startsWith("---\n")) {
      pos = 4;
    }
    while (pos < n) {
      int eol = text.indexOf('\n', pos);
      int end = eol < 0 ? n : eol;
      int next = eol < 0 ? n : eol + 1;
      if (end > pos && text.charAt(end - 1) == '\r') {
        return null; // CRLF: rare in kubectl's output; read the usual way
      }
      char c = end > pos ? text.charAt(pos) : '\n';
      if (c == '\n' || c == ' ') {
        // an empty line, or a line of the current top-level value or item
        if (c == ' ' && !inItems && keys.isEmpty()) {
          return null; // indented text before any key
        }
        pos = next;
        continue;
      }
      if (inItems && c == '-' && end - pos >= 2 && text.charAt(pos + 1) == ' ') {
        if (itemStart >= 0) {
          items.add(new int[] {itemStart, pos});
        }
        itemStart = pos;
        pos = next;
        continue;
      }
      // a top-level key: "name:" then a space, or the end of the line
      int colon = text.indexOf(':', pos);
      if (colon < 0 || colon >= end || colon == pos) {
        return null;
      }
      String key = text.substring(pos, colon);
      if (!key.matches("[A-Za-z][A-Za-z0-9]*") || !keys.add(key)) {
        return null;
      }
      String rest = text.substring(colon + 1, end).strip();
      if (inItems && itemStart >= 0) {
        items.add(new int[] {itemStart, pos});
        itemStart = -1;
      }
      inItems = false;
      if (key.equals("items")) {
        if (!rest.isEmpty()) {
          return null; // "items: []" or a flow sequence
        }
        inItems = true;
      } else if (key.equals("kind")) {
        String kind = rest.replaceAll("^([\"'])(.*)\\1$", "$2"); // "List" or 'List' as well
        list = kind.endsWith("List") && kind.matches("[A-Za-z]+");
      }
      pos = next;
    }
    if (inItems && itemStart >= 0) {
      items.add(new int[] {itemStart, n});
    }
    return list && keys.contains("items") && !items.isEmpty() ? items : null;
  }

  /**
   * The text without its items ({@code items: []} in their place): what the document says beside
   * them, for the parser to check (a quoted scalar opened at the top level, garbage under a key).
   */
  static String skeleton(String text, List<int[]> items) {
    StringBuilder b = new StringBuilder();
    int pos = 0;
    for (int[] at : items) {
      b.append(text, pos, at[0]);
      pos = at[1];
    }
    b.append(text, pos, text.length());
    // "items:" then nothing: the items were its value
    return b.toString().replaceFirst("(?m)^items:[ ]*$", "items: []");
  }

  private static boolean spacesOnly(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) != ' ') {
        return false;
      }
    }
    return true;
  }

  /**
   * The text of one item as a document of its own: the {@code "- "} of its first line and two
   * spaces of every other line taken off; null when a non-empty line is indented by less.
   */
  static String item(String text, int[] at) {
    StringBuilder b = new StringBuilder(at[1] - at[0]);
    int pos = at[0] + 2; // after "- "
    boolean first = true;
    while (pos < at[1]) {
      int eol = text.indexOf('\n', pos);
      int end = eol < 0 || eol > at[1] ? at[1] : eol;
      if (!first) {
        if (end - pos >= 2 && text.charAt(pos) == ' ' && text.charAt(pos + 1) == ' ') {
          pos += 2;
        } else if (!spacesOnly(text, pos, end)) {
          return null; // not String.isBlank: YAML's white space is the space (U+3000 is text)
        }
      }
      b.append(text, pos, end).append('\n');
      first = false;
      pos = end + 1;
    }
    return b.toString();
  }
}
