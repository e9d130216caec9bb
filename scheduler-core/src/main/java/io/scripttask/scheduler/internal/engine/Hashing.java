package io.scripttask.scheduler.internal.engine;

import io.scripttask.scheduler.FireKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;

/**
 * Deterministic values derived from a {@link FireKey} (contract 7): the same key gives the same
 * jitter and the same retry spread in every process and on every cluster peer.
 */
public final class Hashing {

  private Hashing() {}

  /**
   * The jitter of a fire: a delay in {@code [0, maxJitter]} derived from a SHA-256 hash of the fire
   * key (schedule id, fire instant, node id).
   *
   * @param key the fire key
   * @param maxJitter the largest delay, not negative
   * @return the delay
   * @throws NullPointerException if an argument is null
   */
  public static Duration jitter(FireKey key, Duration maxJitter) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(maxJitter, "maxJitter");
    if (maxJitter.isZero() || maxJitter.isNegative()) {
      return Duration.ZERO;
    }
    long bound = saturatedNanos(maxJitter);
    long h = hash(key, "jitter");
    return Duration.ofNanos(
        bound == Long.MAX_VALUE ? h & Long.MAX_VALUE : Math.floorMod(h, bound + 1));
  }

  /**
   * A number in {@code [0, 1)} derived from the fire key and an attempt, for the retry spread.
   *
   * @param key the fire key
   * @param attempt the attempt the number is for
   * @return the number
   * @throws NullPointerException if {@code key} is null
   */
  public static double unit(FireKey key, int attempt) {
    long h = hash(key, "retry-" + attempt);
    return (h >>> 11) * 0x1.0p-53;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long hash(FireKey key, String salt) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String text =
          key.scheduleId()
              + '\u0000'
              + key.fireTime().getEpochSecond()
              + '.'
              + key.fireTime().getNano()
              + '\u0000'
              + key.nodeId()
              + '\u0000'
              + salt;
      byte[] d = sha.digest(text.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xFF);
      }
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
