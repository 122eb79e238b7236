package io.gatewaydoctor.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Short digests that stand for long values (a baseline field, a patch) in bounded output. Pure. */
public final class Digests {
  private Digests() {}

  /** The first 8 bytes of the value's SHA-256, as 16 hex digits. */
  public static String sha256Prefix(String value) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
