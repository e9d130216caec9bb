package io.scripttask.jdbc.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;

/**
 * Instants as database numbers: epoch nanoseconds in a {@code NUMERIC(28, 0)} column. Exact for
 * every {@link Instant} (whose nanoseconds since the epoch need 26 digits at the extremes), so the
 * store returns the very instant it was given, and the numbers sort as the instants do.
 */
public final class Times {
  private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

  /** Below this many seconds from the epoch, either way, epoch nanoseconds fit a long. */
  private static final long LONG_SAFE_SECONDS = 9_000_000_000L;

  private Times() {}

  /**
   * @param instant an instant, or null
   * @return its epoch nanoseconds, or null
   */
  public static BigDecimal toDb(Instant instant) {
    if (instant == null) {
      return null;
    }
    long seconds = instant.getEpochSecond();
    if (seconds > -LONG_SAFE_SECONDS && seconds < LONG_SAFE_SECONDS) {
      // years 1677-2262: the nanoseconds fit a long (the same number, without BigInteger)
      return BigDecimal.valueOf(seconds * 1_000_000_000L + instant.getNano());
    }
    BigInteger nanos =
        BigInteger.valueOf(instant.getEpochSecond())
            .multiply(BILLION)
            .add(BigInteger.valueOf(instant.getNano()));
    return new BigDecimal(nanos);
  }

  /**
   * @param epochNanos epoch nanoseconds, or null
   * @return the instant, or null
   * @throws ArithmeticException if the number is not a whole number of nanoseconds
   */
  public static Instant fromDb(BigDecimal epochNanos) {
    if (epochNanos == null) {
      return null;
    }
    if (epochNanos.scale() == 0 && epochNanos.precision() < 19) {
      long nanos = epochNanos.longValue();
      return Instant.ofEpochSecond(
          Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
    BigInteger[] secondsAndNanos = epochNanos.toBigIntegerExact().divideAndRemainder(BILLION);
    return Instant.ofEpochSecond(
        secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValueExact());
  }
}
