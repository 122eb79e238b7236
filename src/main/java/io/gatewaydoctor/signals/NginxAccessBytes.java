package io.gatewaydoctor.signals;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * The common case of ingress-nginx's default access line, read from the bytes of the line without
 * making a string of it: a bare line (no kubectl, CRI or Docker wrapper), its time written in full,
 * one try per upstream field (no retries, no internal redirect). For such a line it returns what
 * {@link NginxLogParser#access} returns for the same line read as Latin-1; for any other line it
 * returns null, which says nothing about the line: the caller reads it as a string ({@link
 * GatewayEvidence.Builder#line(byte[], int, int)}). {@code NginxAccessBytesTest} compares the two
 * readers line by line.
 *
 * <p>The names and the one-element lists of addresses, statuses and lengths come from small bounded
 * caches keyed by their bytes: a log repeats a few of each, so most lines make no string at all.
 * One per thread ({@link #local()}), not thread-safe.
 */
final class NginxAccessBytes {
  private static final byte[][] MONTHS = new byte[12][];

  static {
    String[] m = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };
    for (int i = 0; i < 12; i++) {
      MONTHS[i] = m[i].getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  /** $time_local's day and offset ("01/Dec/2026" and " +0000") last read, and their midnight. */
  private final byte[] day = new byte[17];

  private boolean dayKnown;
  private long midnight;
  private int dayOffset;
  private int offsetSeconds;

  private final Cache<String> names = new Cache<>(s -> s);
  private final Cache<List<String>> singles = new Cache<>(List::of);
  private final int[] field = new int[8];

  /** The UTC offset of the last line read, in seconds. */
  int offsetSeconds() {
    return offsetSeconds;
  }

  /** The access line in {@code b[from, to)}, or null: not read here. */
  AccessLine read(byte[] b, int from, int to) {
    return scan(b, from, to) ? line(b) : null;
  }

  // what the last scan found: the time, the status, and where the fields are
  private long epoch;
  private int status;
  private int nameFrom;
  private int nameTo;

  /** One reader per thread: its caches hold only what bytes mean, never who read them. */
  private static final ThreadLocal<NginxAccessBytes> LOCAL =
      ThreadLocal.withInitial(NginxAccessBytes::new);

  static NginxAccessBytes local() {
    return LOCAL.get();
  }

  /** The epoch second of the line last scanned. */
  long epochSecond() {
    return epoch;
  }

  /** The line last scanned, from the same bytes (not changed since). */
  AccessLine line(byte[] b) {
    return new AccessLine(
        Instant.ofEpochSecond(epoch),
        status,
        names.get(b, nameFrom, nameTo),
        singles.get(b, field[0], field[1]),
        singles.get(b, field[6], field[7]),
        singles.get(b, field[2], field[3]));
  }

  /**
   * The shape of the line last scanned into {@code key}: what a line counts for, apart from its
   * time (its status, upstream, address, the address's status, whether its answer was empty),
   * {@link GatewayEvidence.Builder#plan}. Returns the key's length, or -1 when it does not fit.
   */
  int shape(byte[] b, byte[] key) {
    int n = 0;
    key[n++] = (byte) (status >> 8);
    key[n++] = (byte) status;
    for (int k = 0; k < 3; k++) {
      int from = k == 0 ? nameFrom : field[k == 1 ? 0 : 6];
      int len = (k == 0 ? nameTo : field[k == 1 ? 1 : 7]) - from;
      if (len > 255 || n + len + 2 > key.length) {
        return -1;
      }
      key[n++] = (byte) len; // each field with its length first: no two shapes write one key
      System.arraycopy(b, from, key, n, len);
      n += len;
    }
    int lenFrom = field[2];
    boolean empty = field[3] - lenFrom == 1 && (b[lenFrom] == '-' || b[lenFrom] == '0');
    key[n++] = (byte) (empty ? 1 : 2);
    return n;
  }

  /**
   * Whether {@code b[from, to)} is an access line read here: then its time, status and fields are
   * kept for {@link #line} and {@link #shape}.
   */
  boolean scan(byte[] b, int from, int to) {
    int n = to - from;
    if (n < 40 || n > LineSplitter.MAX_LINE) {
      return false;
    }
    // what LogShapes would unwrap ({"log":…}, [pod/…], a timestamp) and Envoy's shapes ({…, […)
    byte c0 = b[from];
    if (c0 == '{' || c0 == '[' || b[from + 4] == '-') {
      return false;
    }
    int rb = indexOf(b, ']', from, to - 2);
    while (rb >= 0 && (b[rb + 1] != ' ' || b[rb + 2] != '"')) {
      rb = indexOf(b, ']', rb + 1, to - 2);
    }
    int t = rb - 26;
    if (rb < 0 || t - 1 < from || b[t - 1] != '[') {
      return false;
    }
    long epoch = time(b, t);
    if (epoch == Long.MIN_VALUE) {
      return false;
    }
    int q2 = indexOf(b, '"', rb + 3, to);
    if (q2 < 0 || q2 + 5 >= to || b[q2 + 1] != ' ' || b[q2 + 5] != ' ') {
      return false;
    }
    int status = digits(b, q2 + 2, q2 + 5);
    if (status < 0 || (status < 100 && status != 9) || status > 599) {
      return false;
    }
    // the fourth quote from the status on closes the user agent
    int uaEnd = q2 + 4;
    for (int k = 0; k < 4 && uaEnd >= 0; k++) {
      uaEnd = indexOf(b, '"', uaEnd + 1, to);
    }
    if (uaEnd < 0) {
      return false;
    }
    // the first " [" from there: up1 is its '['
    int up1 = indexOf(b, '[', uaEnd + 1, to);
    while (up1 >= 0 && b[up1 - 1] != ' ') {
      up1 = indexOf(b, '[', up1 + 1, to);
    }
    int up2 = up1 < 0 ? -1 : indexOf(b, ']', up1, to);
    int alt1 = up2 < 0 ? -1 : indexOf(b, '[', up2, to);
    int alt2 = alt1 < 0 ? -1 : indexOf(b, ']', alt1, to);
    if (alt2 < 0) {
      return false;
    }
    // $upstream_addr $upstream_response_length $upstream_response_time $upstream_status
    int i = alt2 + 1;
    for (int k = 0; k < 4; k++) {
      while (i < to && b[i] == ' ') {
        i++;
      }
      int start = i;
      i = indexOf(b, ' ', i, to);
      if (i < 0) {
        i = to;
      }
      if (i == start) {
        return false;
      }
      if (i < to) {
        byte prev = b[i - 1];
        if (prev == ',' || prev == ':' || (i + 2 < to && b[i + 1] == ':' && b[i + 2] == ' ')) {
          return false; // tries joined ("a, b", "a : b"): the string reader splits them
        }
      }
      field[2 * k] = start;
      field[2 * k + 1] = i;
    }
    // a canary's requests carry its name as the alternative upstream
    nameFrom = alt2 > alt1 + 1 ? alt1 + 1 : up1 + 1;
    nameTo = alt2 > alt1 + 1 ? alt2 : up2;
    this.epoch = epoch;
    this.status = status;
    offsetSeconds = dayOffset;
    return true;
  }

  /**
   * "01/Dec/2026:11:58:30 +0000" at {@code t}: its epoch second, or Long.MIN_VALUE when it is not
   * written in full or is no time.
   */
  private long time(byte[] b, int t) {
    if (b[t + 2] != '/'
        || b[t + 6] != '/'
        || b[t + 11] != ':'
        || b[t + 14] != ':'
        || b[t + 17] != ':'
        || b[t + 20] != ' ') {
      return Long.MIN_VALUE;
    }
    int hh = digits(b, t + 12, t + 14);
    int mm = digits(b, t + 15, t + 17);
    int ss = digits(b, t + 18, t + 20);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) {
      return Long.MIN_VALUE;
    }
    if (!dayKnown
        || !Arrays.equals(day, 0, 11, b, t, t + 11)
        || !Arrays.equals(day, 11, 17, b, t + 20, t + 26)) {
      if (!day(b, t)) {
        return Long.MIN_VALUE;
      }
    }
    return midnight + hh * 3600 + mm * 60 + ss;
  }

  /** Reads the day and the offset of the time at {@code t} into the cache; false: none. */
  private boolean day(byte[] b, int t) {
    int d = digits(b, t, t + 2);
    int y = digits(b, t + 7, t + 11);
    byte sign = b[t + 21];
    int oh = digits(b, t + 22, t + 24);
    int om = digits(b, t + 24, t + 26);
    int month = -1;
    for (int m = 0; m < 12; m++) {
      if (Arrays.equals(MONTHS[m], 0, 3, b, t + 3, t + 6)) {
        month = m + 1;
      }
    }
    if (d < 1 || y < 0 || month < 0 || (sign != '+' && sign != '-') || oh < 0 || om < 0) {
      return false;
    }
    if (oh > 18 || om > 59 || oh * 60 + om > 18 * 60) {
      return false;
    }
    long day0;
    try {
      day0 = LocalDate.of(y, month, d).toEpochDay();
    } catch (DateTimeException e) {
      return false;
    }
    int offset = (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    System.arraycopy(b, t, day, 0, 11);
    System.arraycopy(b, t + 20, day, 11, 6);
    midnight = day0 * 86400 - offset;
    dayOffset = offset;
    dayKnown = true;
    return true;
  }

  /** The decimal number in {@code b[from, to)}, or -1 when it is not all ASCII digits. */
  static int digits(byte[] b, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      int c = b[i] - '0';
      if (c < 0 || c > 9) {
        return -1;
      }
      v = v * 10 + c;
    }
    return v;
  }

  /** The first index of {@code c} in {@code b[from, to)}, or -1. */
  static int indexOf(byte[] b, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Values for byte ranges seen before, made once: keys of at most {@link #MAX_KEY} bytes, kept in
   * a bounded {@link ByteTable} (past it, values are made afresh each time).
   */
  private static final class Cache<T> {
    static final int MAX_KEY = 96;
    private final ByteTable<T> table = new ByteTable<>(8192);
    private final java.util.function.Function<String, T> make;

    Cache(java.util.function.Function<String, T> make) {
      this.make = make;
    }

    T get(byte[] b, int from, int to) {
      if (to - from > MAX_KEY) {
        return make.apply(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
      }
      T v = table.get(b, from, to);
      if (v == null) {
        v = make.apply(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
        table.put(b, from, to, v);
      }
      return v;
    }
  }
}
