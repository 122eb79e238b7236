package io.gatewaydoctor.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the items of a kubectl JSON List are in its text, so that a large dump's items can be read
 * on every core (#23).
 *
 * <p>One quick scan that knows only strings (and their escapes) and nesting finds the top-level
 * {@code items} array and each item's matching braces. Nothing is taken on the scan's word: what
 * lies around the items (the List itself, with the array cut out) is parsed by Jackson, which must
 * find a single object with unique keys, a {@code kind} ending in "List" and its top-level {@code
 * items} array exactly where the cut is; between items only white space and one comma may stand;
 * and the caller parses each item's range with Jackson as exactly one object, nothing before or
 * after it ({@link ObjectLoader#onEveryCore}). Together that is the whole text, proven valid and
 * cut where Jackson would cut it. Anything else gives null (or fails the caller's parse), and the
 * text is read the usual way, which also words its errors.
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
    // the top-level "items": [ ... found at depth 1; where it is, is proven by the skeleton below
    int open = -1;
    int depth = 0;
    for (; i < n && open < 0; i++) {
      char c = text.charAt(i);
      if (c == '"') {
        i = endOfString(text, i);
        if (i < 0) {
          return null;
        }
      } else if (c == '{' || c == '[') {
        if (depth == 1 && c == '[' && followsItemsKey(text, i)) {
          open = i;
        }
        depth++;
      } else if (c == '}' || c == ']') {
        if (--depth <= 0) {
          return null; // the List closed without items at its top level
        }
      }
    }
    if (open < 0) {
      return null;
    }
    List<int[]> items = new ArrayList<>();
    i = skipSpace(text, open + 1);
    while (i < n && text.charAt(i) != ']') {
      if (!items.isEmpty()) {
        if (text.charAt(i) != ',') {
          return null; // no comma between items, or something else there
        }
        i = skipSpace(text, i + 1);
      }
      if (i >= n || text.charAt(i) != '{') {
        return null; // an item that is not an object, or a trailing comma
      }
      int end = endOfObject(text, i);
      if (end < 0) {
        return null;
      }
      items.add(new int[] {i, end});
      i = skipSpace(text, end);
    }
    if (i >= n) {
      return null;
    }
    String skeleton = text.substring(0, open + 1) + text.substring(i);
    return isListAround(skeleton, open) ? items : null;
  }

  /** Whether the {@code [} at {@code at} is preceded by {@code "items":} (white space aside). */
  private static boolean followsItemsKey(String s, int at) {
    int j = at - 1;
    while (j >= 0 && isSpace(s.charAt(j))) {
      j--;
    }
    if (j < 0 || s.charAt(j) != ':') {
      return false;
    }
    j--;
    while (j >= 0 && isSpace(s.charAt(j))) {
      j--;
    }
    return j >= 6 && s.startsWith("\"items\"", j - 6);
  }

  /**
   * Jackson's word on the List with its items cut out: one object, unique keys, a kind ending in
   * "List", and its top-level items an empty array whose {@code [} is at {@code open}.
   */
  private static boolean isListAround(String skeleton, int open) {
    try (JsonParser p = Serialization.jsonMapper().getFactory().createParser(skeleton)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      boolean items = false;
      String kind = null;
      Set<String> keys = new HashSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        if (!keys.add(key)) {
          return false; // a key twice: which one counts is the usual reading's business
        }
        JsonToken value = p.nextToken();
        if ("items".equals(key)) {
          items =
              value == JsonToken.START_ARRAY
                  && p.currentTokenLocation().getCharOffset() == open
                  && p.nextToken() == JsonToken.END_ARRAY;
          if (!items) {
            return false;
          }
        } else if ("kind".equals(key)) {
          if (value != JsonToken.VALUE_STRING) {
            return false;
          }
          kind = p.getText();
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return false; // more than one document
      }
      return items && kind != null && kind.endsWith("List");
    } catch (IOException | RuntimeException e) {
      return false; // not valid JSON: the usual reading says where
    }
  }

  /** How deep an item may nest: Jackson's limit for the whole text, less the List and its items. */
  private static final int MAX_ITEM_DEPTH =
      Serialization.jsonMapper().getFactory().streamReadConstraints().getMaxNestingDepth() - 2;

  /**
   * The index just past the brace that closes the object opening at {@code i}, or -1 (also when it
   * nests deeper than Jackson allows inside the List: the usual reading says so).
   */
  private static int endOfObject(String s, int i) {
    int depth = 0;
    for (int n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == '"') {
        i = endOfString(s, i);
        if (i < 0) {
          return -1;
        }
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_ITEM_DEPTH) {
          return -1;
        }
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  /** The index of the quote that closes the string opening at {@code i}, or -1. */
  private static int endOfString(String s, int i) {
    int j = i;
    while (true) {
      j = s.indexOf('"', j + 1);
      if (j < 0) {
        return -1;
      }
      int backslashes = 0;
      while (s.charAt(j - 1 - backslashes) == '\\') {
        backslashes++;
      }
      if (backslashes % 2 == 0) {
        return j;
      }
    }
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && isSpace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** JSON's white space: anything else between tokens is for Jackson to reject. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }
}
