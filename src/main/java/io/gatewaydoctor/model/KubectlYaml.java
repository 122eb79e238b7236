package io.gatewaydoctor.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A reader for the block YAML that kubectl writes, several times faster than SnakeYAML's scanner
 * (#23): one item of a large YAML List at a time ({@link ObjectLoader#yamlOnEveryCore}).
 *
 * <p>It knows only what kubectl's output is made of: block mappings and sequences, keys that are
 * plain or quoted, scalars that are plain, single-quoted or double-quoted on one line, literal
 * blocks ({@code |}, {@code |-}) and the empty {@code {}} and {@code []}. A plain scalar is typed
 * by SnakeYAML's own resolver, as Jackson's YAML parser does. For anything else, and for anything
 * it is not sure of (a comment, an anchor, an alias or a tag, a folded or multi-line scalar, flow
 * collections, a number that is not a plain decimal, a key twice, an empty value, odd characters,
 * deep nesting), it gives up with null, and the item is read by Jackson's YAML parser as before.
 * Where it gives a tree, the tree is the one that {@link SlimTree} builds from Jackson's parser for
 * the same text ({@code KubectlYamlTest} compares them).
 */
final class KubectlYaml {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Resolver RESOLVER = new Resolver();

  /** Far under Jackson's nesting limit (1000, less the List around an item); kubectl's are ~10. */
  private static final int MAX_DEPTH = 40;

  /**
   * Keys longer than this in the text are left to the YAML parser: its limit of 1024 characters for
   * a simple key counts the key as written (escapes and quotes too).
   */
  private static final int MAX_KEY = 256;

  private static final int MAX_SCALAR = 1 << 20;

  /** Not kubectl's shape, or not sure: the caller reads the text the usual way. */
  private static final class Unsupported extends RuntimeException {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  private static final Unsupported UNSUPPORTED = new Unsupported();

  private final String s;
  private final int n;

  /** The current line: where it starts and ends (its '\n' or the end), and where its node is. */
  private int ls;

  private int le;
  private int col; // the column of the current node on this line; -1 at the end
  private int depth;
  private final Deque<String> path = new ArrayDeque<>();

  private KubectlYaml(String s) {
    this.s = s;
    this.n = s.length();
  }

  /** The tree of the document, slimmed as {@link SlimTree} does; null when not sure. */
  static JsonNode read(String doc) {
    for (int i = 0, n = doc.length(); i < n; i++) {
      char c = doc.charAt(i);
      if ((c < 0x20 && c != '\n')
          || (c >= 0x7f && c <= 0x9f)
          || c == '\u2028'
          || c == '\u2029'
          || c >= 0xd800) {
        // control, surrogate or special characters, and YAML's other line breaks: its rules
        return null;
      }
    }
    try {
      KubectlYaml y = new KubectlYaml(doc);
      y.path.add("[]"); // as SlimTree: a document is read like a list item
      y.le = -1;
      y.nextLine();
      if (y.col != 0) {
        return null; // empty, or indented
      }
      JsonNode root = y.block(0);
      return y.col < 0 ? root : null;
    } catch (Unsupported e) {
      return null;
    }
  }

  /** To the next line that is not blank; a comment line gives up. */
  private void nextLine() {
    int start = le + 1;
    while (start < n) {
      int end = lineEnd(start);
      int i = spacesEnd(start, end);
      if (i < end) {
        if (s.charAt(i) == '#') {
          throw UNSUPPORTED;
        }
        if (i == start && (s.startsWith("---", i) || s.startsWith("...", i))) {
          throw UNSUPPORTED; // a document marker at column 0 (or text that looks like one)
        }
        ls = start;
        le = end;
        col = i - start;
        return;
      }
      start = end + 1;
    }
    ls = le = n;
    col = -1;
  }

  private int at() {
    return ls + col;
  }

  private boolean dashHere() {
    int i = at();
    return s.charAt(i) == '-' && (i + 1 == le || s.charAt(i + 1) == ' ');
  }

  private JsonNode block(int ind) {
    if (++depth > MAX_DEPTH) {
      throw UNSUPPORTED;
    }
    JsonNode node = dashHere() ? sequence(ind) : mapping(ind);
    depth--;
    return node;
  }

  private ArrayNode sequence(int ind) {
    ArrayNode a = NODES.arrayNode();
    path.addLast("[]");
    while (col == ind && dashHere()) {
      int q = skipSpaces(at() + 1);
      JsonNode item;
      if (q == le) {
        nextLine();
        if (col <= ind) {
          throw UNSUPPORTED; // "-" and nothing: an empty scalar
        }
        item = block(col);
      } else if (startsNode(q)) {
        col = q - ls; // "- key: value" or "- - x": a node that starts on the dash's line
        item = block(col);
      } else {
        item = inlineValue(q, ind);
      }
      if (col > ind) {
        throw UNSUPPORTED; // more text under an item: a multi-line scalar, or an error
      }
      a.add(item);
    }
    path.removeLast();
    return a;
  }

  /** Whether the text at {@code q} starts a sequence or a mapping rather than a scalar. */
  private boolean startsNode(int q) {
    char c = s.charAt(q);
    if (c == '-' && (q + 1 == le || s.charAt(q + 1) == ' ')) {
      return true;
    }
    if (c == '"' || c == '\'') {
      int end = c == '"' ? endOfDoubleQuoted(q) : endOfSingleQuoted(q);
      return end + 1 < le && s.charAt(end + 1) == ':';
    }
    return keyEnd(q) >= 0;
  }

  /** The index of the ':' that ends a plain key starting at {@code q}, or -1 (a scalar). */
  private int keyEnd(int q) {
    for (int i = q; i < le; i++) {
      char c = s.charAt(i);
      if (c == ':' && (i + 1 == le || s.charAt(i + 1) == ' ')) {
        return i;
      }
    }
    return -1;
  }

  private ObjectNode mapping(int ind) {
    ObjectNode o = NODES.objectNode();
    while (col == ind && !dashHere()) {
      int q = at();
      String key;
      int colon;
      char c = s.charAt(q);
      if (c == '"' || c == '\'') {
        int end = c == '"' ? endOfDoubleQuoted(q) : endOfSingleQuoted(q);
        key = c == '"' ? doubleQuoted(q, end) : singleQuoted(q, end);
        colon = end + 1;
        if (colon >= le || s.charAt(colon) != ':') {
          throw UNSUPPORTED;
        }
      } else {
        colon = keyEnd(q);
        if (colon < 0) {
          throw UNSUPPORTED; // a scalar where a key should be
        }
        key = plain(q, colon);
        if (key.isEmpty() || s.charAt(colon - 1) == ' ') {
          throw UNSUPPORTED;
        }
      }
      if (colon - q > MAX_KEY || o.has(key)) {
        throw UNSUPPORTED; // a key twice: the YAML parser's business
      }
      if (colon + 1 < le && s.charAt(colon + 1) != ' ') {
        throw UNSUPPORTED;
      }
      int v = skipSpaces(colon + 1);
      JsonNode value;
      boolean skip = SlimTree.skip(path, key);
      path.addLast(key);
      if (v == le) {
        nextLine();
        if (col > ind) {
          value = block(col);
        } else if (col == ind && dashHere()) {
          value = block(col); // "key:" then "- item" at the key's own column
        } else {
          throw UNSUPPORTED; // "key:" and nothing: an empty scalar
        }
      } else {
        value = inlineValue(v, ind);
      }
      path.removeLast();
      if (col > ind) {
        throw UNSUPPORTED; // more text under a value: a multi-line scalar, or an error
      }
      if (!skip) {
        o.set(key, value);
      }
    }
    return o;
  }

  /** A value that starts on its key's (or dash's) line; moves to the next line. */
  private JsonNode inlineValue(int q, int parentIndent) {
    char c = s.charAt(q);
    JsonNode value;
    switch (c) {
      case '"' -> {
        int end = endOfDoubleQuoted(q);
        value = NODES.textNode(doubleQuoted(q, end));
        onlySpacesAfter(end + 1);
      }
      case '\'' -> {
        int end = endOfSingleQuoted(q);
        value = NODES.textNode(singleQuoted(q, end));
        onlySpacesAfter(end + 1);
      }
      case '|' -> {
        return literal(q, parentIndent);
      }
      case '{', '[' -> {
        if (q + 1 >= le || s.charAt(q + 1) != (c == '{' ? '}' : ']')) {
          throw UNSUPPORTED; // a flow collection that is not empty
        }
        onlySpacesAfter(q + 2);
        value = c == '{' ? NODES.objectNode() : NODES.arrayNode();
      }
      default -> value = plainScalar(q);
    }
    nextLine();
    return value;
  }

  private void onlySpacesAfter(int i) {
    if (skipSpaces(i) != le) {
      throw UNSUPPORTED; // a comment, or anything else after a quoted scalar
    }
  }

  private JsonNode plainScalar(int q) {
    int end = le;
    while (end > q && s.charAt(end - 1) == ' ') {
      end--;
    }
    String v = plain(q, end);
    Tag tag = RESOLVER.resolve(NodeId.scalar, v, true);
    if (tag == Tag.STR) {
      return NODES.textNode(v);
    }
    if (tag == Tag.NULL) {
      return NODES.nullNode();
    }
    if (tag == Tag.BOOL) {
      if (v.equalsIgnoreCase("true")) {
        return NODES.booleanNode(true);
      }
      if (v.equalsIgnoreCase("false")) {
        return NODES.booleanNode(false);
      }
      throw UNSUPPORTED; // yes, no, on, off: a feature of Jackson's decides
    }
    if (tag == Tag.INT && isPlainInt(v)) {
      return NODES.numberNode(Integer.parseInt(v));
    }
    throw UNSUPPORTED; // floats, other integers, timestamps, merge keys
  }

  /** A decimal int of at most 9 digits, no sign but '-', no leading zero, not "-0". */
  private static boolean isPlainInt(String v) {
    int i = v.startsWith("-") ? 1 : 0;
    int digits = v.length() - i;
    if (digits < 1 || digits > 9 || (v.charAt(i) == '0' && (digits > 1 || i == 1))) {
      return false;
    }
    for (int k = i; k < v.length(); k++) {
      char c = v.charAt(k);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Plain text from q to end, checked for what would make it something else than a scalar. */
  private String plain(int q, int end) {
    if (end - q > MAX_SCALAR) {
      throw UNSUPPORTED;
    }
    char first = s.charAt(q);
    if ("?:,[]{}#&*!|>'\"%@`".indexOf(first) >= 0
        || (first == '-' && (q + 1 == end || s.charAt(q + 1) == ' '))) {
      throw UNSUPPORTED; // an indicator: a structure, an anchor, an alias, a tag, a comment...
    }
    for (int i = q; i < end; i++) {
      char c = s.charAt(i);
      if ((c == ':' && (i + 1 == end || s.charAt(i + 1) == ' '))
          || (c == '#' && s.charAt(i - 1) == ' ')) {
        throw UNSUPPORTED; // ": " or " #" in a plain scalar: a mapping, a comment
      }
    }
    return s.substring(q, end);
  }

  private int endOfSingleQuoted(int q) {
    for (int i = q + 1; i < le; i++) {
      if (s.charAt(i) == '\'') {
        if (i + 1 < le && s.charAt(i + 1) == '\'') {
          i++;
        } else {
          return i;
        }
      }
    }
    throw UNSUPPORTED; // not closed on its line
  }

  private String singleQuoted(int q, int end) {
    if (end - q > MAX_SCALAR) {
      throw UNSUPPORTED;
    }
    return s.substring(q + 1, end).replace("''", "'");
  }

  private int endOfDoubleQuoted(int q) {
    for (int i = q + 1; i < le; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    throw UNSUPPORTED; // not closed on its line (a line folded with '\')
  }

  private String doubleQuoted(int q, int end) {
    if (end - q > MAX_SCALAR) {
      throw UNSUPPORTED;
    }
    int bs = q + 1;
    while (bs < end && s.charAt(bs) != '\\') {
      bs++;
    }
    if (bs == end) {
      return s.substring(q + 1, end);
    }
    StringBuilder b = new StringBuilder(end - q);
    for (int i = q + 1; i < end; i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case '\\', '"' -> b.append(e); // not "\/": YAML 1.1's parser rejects it
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'r' -> b.append('\r');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'u' -> {
          if (i + 4 >= end) {
            throw UNSUPPORTED;
          }
          int code = hex(i + 1, 4);
          if (code >= 0xd800 && code <= 0xdfff) {
            throw UNSUPPORTED; // a surrogate: the YAML parser's rules
          }
          b.append((char) code);
          i += 4;
        }
        default -> throw UNSUPPORTED; // \x, \U, \0, \e, \N, ...: rare; left to the parser
      }
    }
    return b.toString();
  }

  private int hex(int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      char c = s.charAt(i);
      int d =
          c >= '0' && c <= '9'
              ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) {
        throw UNSUPPORTED; // ASCII hex digits only (Character.digit takes any script's digits)
      }
      v = v * 16 + d;
    }
    return v;
  }

  /**
   * A literal block ({@code |} or {@code |-}, no indentation indicator) whose lines are indented
   * two more than {@code parentIndent}, as kubectl writes them; moves to the line after it.
   */
  private JsonNode literal(int q, int parentIndent) {
    int h = q + 1;
    char chomp = ' ';
    if (h < le && s.charAt(h) == '-') {
      chomp = s.charAt(h++); // strip; "|+" (keep) is left to the parser
    }
    if (skipSpaces(h) != le) {
      throw UNSUPPORTED; // an indentation indicator, a comment, ...
    }
    StringBuilder b = new StringBuilder();
    int contentIndent = -1;
    int pendingBreaks = 0; // empty lines not yet known to be inside the text
    int start = le + 1;
    int lastContentEnd = -1;
    while (start < n) {
      int end = lineEnd(start);
      int i = spacesEnd(start, end);
      int indent = i - start;
      if (i == end) { // a line of spaces only
        if (contentIndent < 0 ? indent > parentIndent : indent > contentIndent) {
          throw UNSUPPORTED; // spaces that may be text: the parser's rules
        }
        pendingBreaks++;
        start = end + 1;
        continue;
      }
      if (contentIndent < 0) {
        if (indent != parentIndent + 2 || pendingBreaks > 0) {
          throw UNSUPPORTED; // not kubectl's two spaces, or blank lines before the text
        }
        contentIndent = indent;
      } else if (indent < contentIndent) {
        break; // the block has ended
      }
      if (lastContentEnd >= 0) {
        b.append('\n');
        b.append("\n".repeat(pendingBreaks));
      }
      pendingBreaks = 0;
      b.append(s, start + contentIndent, end);
      if (b.length() > MAX_SCALAR) {
        throw UNSUPPORTED;
      }
      lastContentEnd = end;
      start = end + 1;
    }
    if (contentIndent < 0) {
      throw UNSUPPORTED; // no text at all
    }
    if (lastContentEnd == n) {
      throw UNSUPPORTED; // no line break after the text: the parser's rules
    }
    if (chomp == ' ') {
      b.append('\n'); // clip: one line break kept; strip ("|-"): none
    }
    // on from the block's last line (blank lines after it are skipped)
    le = lastContentEnd;
    nextLine();
    return NODES.textNode(b.toString());
  }

  private int skipSpaces(int i) {
    return spacesEnd(i, le);
  }

  /** The index of the first character from {@code i} (before {@code end}) that is no space. */
  private int spacesEnd(int i, int end) {
    while (i < end && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  /** Where the line starting at {@code start} ends: its '\n', or the end of the text. */
  private int lineEnd(int start) {
    int eol = s.indexOf('\n', start);
    return eol < 0 ? n : eol;
  }
}
