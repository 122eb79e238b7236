package io.gatewaydoctor.signals;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Values by byte keys for the byte readers' caches (names and one-element lists, the plans and
 * meanings of line shapes): an open-addressing table that keeps at most half as many keys as it has
 * slots; past that it keeps nothing more, so memory stays bounded whatever a log holds. Not
 * thread-safe.
 */
final class ByteTable<V> {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[][] keys;
  private final Object[] values;
  private final int max;
  private int size;

  /** Where the last {@link #get} missed, for {@link #put}; -1: nowhere. */
  private int missed = -1;

  /** A table of {@code slots} slots, a power of two. */
  ByteTable(int slots) {
    keys = new byte[slots][];
    values = new Object[slots];
    max = slots / 2;
  }

  /** The value kept for the key {@code b[from, to)}, or null (then {@link #put} may keep one). */
  @SuppressWarnings("unchecked")
  V get(byte[] b, int from, int to) {
    int len = to - from;
    int slot = slot(b, from, to);
    byte[] k;
    while ((k = keys[slot]) != null) {
      if (k.length == len && Arrays.equals(k, 0, len, b, from, to)) {
        missed = -1;
        return (V) values[slot];
      }
      slot = (slot + 1) & (keys.length - 1);
    }
    missed = slot;
    return null;
  }

  /**
   * Keeps {@code v} for the key the last {@link #get} missed (the same bytes), if there is room;
   * whether it did.
   */
  boolean put(byte[] b, int from, int to, V v) {
    boolean room = missed >= 0 && size < max;
    if (room) {
      keys[missed] = Arrays.copyOfRange(b, from, to);
      values[missed] = v;
      size++;
    }
    missed = -1;
    return room;
  }

  /** The key's first slot: its hash taken eight bytes at a time. */
  private int slot(byte[] b, int from, int to) {
    long h = to - from;
    int i = from;
    for (; i + 8 <= to; i += 8) {
      h = (h ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L;
    }
    for (; i < to; i++) {
      h = (h ^ b[i]) * 0x9E3779B97F4A7C15L;
    }
    return (int) (h ^ (h >>> 29) ^ (h >>> 47)) & (keys.length - 1);
  }
}
