package io.gatewaydoctor.signals;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * The common case of an Envoy JSON access line (Envoy Gateway's default, Istio's JSON encoding),
 * read from the bytes of the line: a flat object written without white space, no escapes, and a
 * {@code start_time} in UTC ("2026-12-01T11:52:05.123Z"). For such a line it returns what {@link
 * EnvoyLogParser#parse} returns for the same line read as Latin-1; for any other line null, which
 * says nothing about the line: the caller reads it as a string ({@link LogFeed}). {@code
 * EnvoyJsonBytesTest} compares the two readers.
 *
 * <p>A log repeats a few shapes (the same route, endpoint, status, flags and details at other
 * times): what a shape means is worked out once by {@link EnvoyLogParser.Fields#toParsed} and kept
 * in a small bounded cache keyed by the shape's bytes; each line then only takes its time. One per
 * thread, not thread-safe.
 */
final class EnvoyJsonBytes {
  /** The keys EnvoyLogParser reads ({@link EnvoyLogParser#KEYS}), in the order of {@link #span}. */
  private static final byte[][] KEYS =
      EnvoyLogParser.KEYS.stream()
          .map(k -> k.getBytes(StandardCharsets.ISO_8859_1))
          .toArray(byte[][]::new);

  private static final ThreadLocal<EnvoyJsonBytes> LOCAL =
      ThreadLocal.withInitial(EnvoyJsonBytes::new);

  static EnvoyJsonBytes local() {
    return LOCAL.get();
  }

  /** Per key: where its last non-null value is ({@code from}, {@code to}), or from = -1. */
  private final int[] span = new int[2 * KEYS.length];

  /** What each shape means, by its key (the values but the time). */
  private final ByteTable<EnvoyLogParser.Parsed> meanings = new ByteTable<>(4096);

  private final byte[] key = new byte[4096];

  /** The line in {@code b[from, to)}, or null: not read here. */
  EnvoyLogParser.Parsed read(byte[] b, int from, int to) {
    EnvoyLogParser.Parsed p = shape(b, from, to);
    return p == null ? null : p.at(Instant.ofEpochSecond(second, nano));
  }

  /**
   * What the line in {@code b[from, to)} means but its time, or null: not read here. The time is
   * the line's {@link #second()} and {@link #nano()}; the meaning's own time is any line's of the
   * shape. While {@link #kept()}, every line of the shape gets this same object.
   */
  EnvoyLogParser.Parsed shape(byte[] b, int from, int to) {
    kept = false;
    if (to - from < 20 || b[to - 1] != '}' || object(b, from, to) != to - 1) {
      return null;
    }
    return meaning(b, from, to);
  }

  /**
   * What the line that starts at {@code b[from]} and ends at a newline before {@code limit} means
   * but its time, as {@link #shape} says of the same line; or null: not read here (also when its
   * newline is not before {@code limit}). Its newline is then at {@link #end()}. One pass finds the
   * line and reads it: no byte of a line read here is a newline (strings refuse control characters;
   * every other byte is checked), so the object's closing brace followed by a newline is the line's
   * end.
   */
  EnvoyLogParser.Parsed shapeAt(byte[] b, int from, int limit) {
    kept = false;
    int close = object(b, from, limit);
    if (close < 0 || close + 1 >= limit || b[close + 1] != '\n' || close + 1 - from < 20) {
      return null;
    }
    end = close + 1;
    return meaning(b, from, end);
  }

  /** The newline of the line {@link #shapeAt} read last. */
  int end() {
    return end;
  }

  private int end;

  private EnvoyLogParser.Parsed meaning(byte[] b, int from, int to) {
    if (to - from > EnvoyLogParser.MAX_LINE // longer lines Jackson's reading refuses
        || span[0] < 0
        || span[2] < 0) {
      return null;
    }
    if (!time(b, span[0], span[1])) {
      return null;
    }
    // the shape: every value read but the time, each with its length first (-1: none)
    int n = 0;
    for (int k = 1; k < KEYS.length; k++) {
      int f = span[2 * k];
      int len = f < 0 ? 0 : span[2 * k + 1] - f;
      if (n + len + 3 > key.length) {
        return fields(b).toParsed(Instant.ofEpochSecond(second, nano)); // too long to keep
      }
      key[n++] = (byte) (f < 0 ? 0xff : len >> 8);
      key[n++] = (byte) len;
      if (len > 0) {
        System.arraycopy(b, f, key, n, len);
        n += len;
      }
    }
    EnvoyLogParser.Parsed known = meanings.get(key, 0, n);
    if (known != null) {
      kept = true;
      return known;
    }
    EnvoyLogParser.Parsed p = fields(b).toParsed(Instant.ofEpochSecond(second, nano));
    if (p != null) {
      kept = meanings.put(key, 0, n, p);
    }
    return p;
  }

  /** The time of the line {@link #shape} read last: its epoch second. */
  long second() {
    return second;
  }

  /** The time of the line {@link #shape} read last: the nanoseconds of its second. */
  int nano() {
    return nano;
  }

  /** Whether {@link #shape} returned the meaning every line of the shape gets (it is cached). */
  boolean kept() {
    return kept;
  }

  private long second;
  private int nano;
  private boolean kept;

  private EnvoyLogParser.Fields fields(byte[] b) {
    EnvoyLogParser.Fields f = new EnvoyLogParser.Fields();
    f.start = text(b, 0);
    f.code = text(b, 1);
    f.flags = text(b, 2);
    f.details = text(b, 3);
    f.transportFailure = text(b, 4);
    f.host = text(b, 5);
    f.cluster = text(b, 6);
    f.route = text(b, 7);
    f.authority = span[16] >= 0 ? text(b, 8) : text(b, 9);
    f.bytesSent = text(b, 10);
    return f;
  }

  private String text(byte[] b, int k) {
    int f = span[2 * k];
    return f < 0 ? null : new String(b, f, span[2 * k + 1] - f, StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads a flat JSON object without white space or escapes from {@code b[from]}, before {@code
   * to}, noting where the wanted keys' values are; returns the index of its closing brace, or -1
   * when it is anything else (left to Jackson).
   */
  private int object(byte[] b, int from, int to) {
    int[] span = this.span;
    Arrays.fill(span, -1);
    // {"log":…} is Docker's wrapper (LogShapes), not an Envoy line
    if (to - from < 3 || b[from] != '{' || startsWith(b, from, to, DOCKER)) {
      return -1;
    }
    int i = from + 1;
    if (b[i] == '}') {
      return -1;
    }
    byte[][] seenKeys = this.seenKeys;
    long[][] seenWords = this.seenWords;
    // the key's comparison is written out here, not called: the quick JIT (C1), which reads big
    // logs fastest through the whole command, inlines little
    for (int m = 0; ; m++) {
      if (b[i] != '"') {
        return -1;
      }
      int wanted = -1;
      int v = -1;
      byte[] seen = m < seenKeys.length ? seenKeys[m] : null;
      if (seen != null && i + seen.length < to) {
        // the same key as the last line's at this place, read then: no need to read it again
        long[] words = seenWords[m];
        int k = 0;
        while (k < words.length && (long) LONGS.get(b, i + 8 * k) == words[k]) {
          k++;
        }
        if (k == words.length) {
          int len = seen.length;
          boolean same;
          if (len >= 8) {
            // the last eight bytes as one word (overlapping the whole words read above)
            same = (long) LONGS.get(b, i + len - 8) == seenLast[m];
          } else {
            k = 0;
            while (k < len && b[i + k] == seen[k]) {
              k++;
            }
            same = k == len;
          }
          if (same) {
            wanted = seenWanted[m];
            v = i + len;
          }
        }
      }
      if (v < 0) {
        int keyEnd = stringEnd(b, i + 1, to);
        if (keyEnd < 0 || keyEnd + 1 >= to || b[keyEnd + 1] != ':' || keyEnd - i > LONGEST) {
          return -1;
        }
        wanted = wanted(b, i + 1, keyEnd);
        v = keyEnd + 2;
        if (v >= to) {
          return -1;
        }
        if (m < seenKeys.length) {
          seenKeys[m] = Arrays.copyOfRange(b, i, v);
          seenWords[m] = words(seenKeys[m]);
          seenLast[m] = v - i >= 8 ? (long) LONGS.get(b, v - 8) : 0;
          seenWanted[m] = wanted;
        }
      }
      int end;
      byte c = b[v];
      if (c == '"') {
        int close = stringEnd(b, v + 1, to);
        if (close < 0) {
          return -1;
        }
        if (wanted >= 0) {
          span[2 * wanted] = v + 1;
          span[2 * wanted + 1] = close;
        }
        end = close + 1;
      } else if (c == 'n' || c == 't' || c == 'f') {
        byte[] word = c == 'n' ? NULL : c == 't' ? TRUE : FALSE;
        if (!startsWith(b, v, to, word)) {
          return -1;
        }
        end = v + word.length;
        if (wanted >= 0 && c != 'n') {
          span[2 * wanted] = v; // Jackson's text of true and false; a null is no value
          span[2 * wanted + 1] = end;
        }
      } else {
        end = number(b, v, to);
        if (end < 0 || end - v > LONGEST) {
          return -1;
        }
        if (wanted >= 0) {
          span[2 * wanted] = v;
          span[2 * wanted + 1] = end;
        }
      }
      if (end >= to) {
        return -1;
      }
      if (b[end] == '}') {
        return end;
      }
      if (b[end] != ',' || end + 1 >= to) {
        return -1;
      }
      i = end + 1;
    }
  }

  /**
   * The keys of the members read last, by place: from the opening quote to the colon ("key":), each
   * read and found good then. A log repeats its lines' keys in the same order, so most keys are one
   * comparison (looking each up among the wanted ones took 60% of the reading).
   */
  private final byte[][] seenKeys = new byte[64][];

  /** Each of {@link #seenKeys} eight bytes at a time (its whole words). */
  private final long[][] seenWords = new long[64][];

  private static long[] words(byte[] key) {
    long[] w = new long[key.length / 8];
    for (int k = 0; k < w.length; k++) {
      w[k] = (long) LONGS.get(key, 8 * k);
    }
    return w;
  }

  /** The last eight bytes of each of {@link #seenKeys} of eight bytes or more. */
  private final long[] seenLast = new long[64];

  /** What {@link #wanted} said of each of {@link #seenKeys}. */
  private final int[] seenWanted = new int[64];

  /**
   * The longest key or number read here. Jackson refuses numbers over 1,000 characters and names
   * over 50,000 (StreamReadConstraints' defaults): those lines, and more, are left to it.
   */
  private static final int LONGEST = 512;

  /** The index of the quote that ends a string starting at {@code i}; -1: an escape or control. */
  private static int stringEnd(byte[] b, int i, int to) {
    // eight bytes at a time to the first quote, backslash or control character: the lowest high
    // bit of each test marks its first byte exactly (little-endian: the lowest bits come first)
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i);
      long q = x ^ 0x2222222222222222L;
      long s = x ^ 0x5c5c5c5c5c5c5c5cL;
      long hit = ((q - ONES) & ~q | (s - ONES) & ~s | (x - 0x2020202020202020L) & ~x) & HIGHS;
      if (hit != 0) {
        i += Long.numberOfTrailingZeros(hit) >>> 3;
        break;
      }
    }
    for (; i < to; i++) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      if (c == '\\' || (c >= 0 && c < 0x20)) {
        return -1;
      }
    }
    return -1;
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /** The end of a JSON number at {@code i} (-?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?), or -1. */
  private static int number(byte[] b, int i, int to) {
    if (i < to && b[i] == '-') {
      i++;
    }
    if (i >= to || !digit(b[i])) {
      return -1;
    }
    if (b[i] == '0') {
      i++;
    } else {
      while (i < to && digit(b[i])) {
        i++;
      }
    }
    if (i < to && b[i] == '.') {
      int d = ++i;
      while (i < to && digit(b[i])) {
        i++;
      }
      if (i == d) {
        return -1;
      }
    }
    if (i < to && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < to && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int d = i;
      while (i < to && digit(b[i])) {
        i++;
      }
      if (i == d) {
        return -1;
      }
    }
    return i < to && (b[i] == ',' || b[i] == '}') ? i : -1;
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static int wanted(byte[] b, int from, int to) {
    int len = to - from;
    for (int k = 0; k < KEYS.length; k++) {
      if (KEYS[k].length == len && Arrays.equals(KEYS[k], 0, len, b, from, to)) {
        return k;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] b, int from, int to, byte[] s) {
    if (to - from < s.length) {
      return false;
    }
    for (int i = 0; i < s.length; i++) {
      if (b[from + i] != s[i]) {
        return false;
      }
    }
    return true;
  }

  private static final byte[] DOCKER = "{\"log\":".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.ISO_8859_1);

  /** The last day read ("2026-12-01") and its epoch day. */
  private final byte[] day = new byte[10];

  private boolean dayKnown;
  private long epochDay;

  /**
   * Reads "2026-12-01T11:52:05.123Z" (any fraction of 1 to 9 digits, or none) into {@link #second}
   * and {@link #nano}; false when it is anything else.
   */
  private boolean time(byte[] b, int from, int to) {
    int n = to - from;
    if (n < 20
        || n > 30
        || b[to - 1] != 'Z'
        || b[from + 4] != '-'
        || b[from + 7] != '-'
        || b[from + 10] != 'T'
        || b[from + 13] != ':'
        || b[from + 16] != ':') {
      return false;
    }
    int hh = NginxAccessBytes.digits(b, from + 11, from + 13);
    int mm = NginxAccessBytes.digits(b, from + 14, from + 16);
    int ss = NginxAccessBytes.digits(b, from + 17, from + 19);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) {
      return false;
    }
    int nanos = 0;
    if (n > 20) {
      int digits = n - 21; // between the '.' and the 'Z'
      if (b[from + 19] != '.' || digits < 1 || digits > 9) {
        return false;
      }
      int f = NginxAccessBytes.digits(b, from + 20, to - 1);
      if (f < 0) {
        return false;
      }
      nanos = f;
      for (int k = digits; k < 9; k++) {
        nanos *= 10;
      }
    }
    if (!dayKnown || !Arrays.equals(day, 0, 10, b, from, from + 10)) {
      int y = NginxAccessBytes.digits(b, from, from + 4);
      int mo = NginxAccessBytes.digits(b, from + 5, from + 7);
      int d = NginxAccessBytes.digits(b, from + 8, from + 10);
      if (y < 0 || mo < 0 || d < 0) {
        return false;
      }
      try {
        epochDay = LocalDate.of(y, mo, d).toEpochDay();
      } catch (DateTimeException e) {
        return false;
      }
      System.arraycopy(b, from, day, 0, 10);
      dayKnown = true;
    }
    second = epochDay * 86400 + hh * 3600 + mm * 60 + ss;
    nano = nanos;
    return true;
  }
}
