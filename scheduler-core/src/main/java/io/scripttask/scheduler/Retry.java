package io.scripttask.scheduler;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Objects;

/**
 * How a failed or timed-out job is retried: up to {@code maxAttempts} attempts in all, the n-th
 * retry waiting {@code initialInterval × multiplier^(n-1)}, capped at {@code maxInterval}, then
 * spread by up to {@code ± jitterFactor} of itself. The growing wait is resilience4j's exponential
 * {@code IntervalFunction}; the spread is the same as resilience4j's randomized exponential
 * backoff, except that its random unit is not {@code Math.random()} but derived from the job's fire
 * key, so that replays and cluster peers compute the same wait (contract 7). Waits have millisecond
 * resolution (the initial wait is at least 1 ms). Finite by construction: at most {@link
 * #MAX_ATTEMPTS} attempts.
 *
 * @param maxAttempts attempts in all, including the first; 1 means no retry
 * @param initialInterval the wait before the first retry; zero only when there is no retry
 * @param multiplier how much each wait grows, at least 1
 * @param maxInterval the longest wait, at least {@code initialInterval}
 * @param jitterFactor how much of a wait is randomised, in {@code [0, 1)}
 */
public record Retry(
    int maxAttempts,
    Duration initialInterval,
    double multiplier,
    Duration maxInterval,
    double jitterFactor) {

  /** The most attempts a retry policy may allow. */
  public static final int MAX_ATTEMPTS = 100;

  /** The growth of {@link #exponential(int, Duration)}. */
  public static final double DEFAULT_MULTIPLIER = 2.0;

  /** The longest wait of {@link #exponential(int, Duration)}, unless its initial wait is longer. */
  public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofHours(1);

  private static final Retry NONE = new Retry(1, Duration.ZERO, 1.0, Duration.ZERO, 0.0);

  /**
   * Validates the policy.
   *
   * @throws NullPointerException if a duration is null
   * @throws ValidationException if a value breaks a rule of this record
   */
  public Retry {
    Objects.requireNonNull(initialInterval, "initialInterval");
    Objects.requireNonNull(maxInterval, "maxInterval");
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw new ValidationException("maxAttempts", "be 1-" + MAX_ATTEMPTS, maxAttempts);
    }
    if (initialInterval.isNegative()) {
      throw new ValidationException("initialInterval", "not be negative", initialInterval);
    }
    if (maxAttempts > 1 && initialInterval.toMillis() < 1) {
      throw new ValidationException(
          "initialInterval", "be at least 1 ms when retries are allowed", initialInterval);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new ValidationException("multiplier", "be a finite number of at least 1", multiplier);
    }
    if (maxInterval.compareTo(initialInterval) < 0) {
      throw new ValidationException(
          "maxInterval", "be at least initialInterval (" + initialInterval + ")", maxInterval);
    }
    if (!(jitterFactor >= 0.0 && jitterFactor < 1.0)) {
      throw new ValidationException("jitterFactor", "be in [0, 1)", jitterFactor);
    }
  }

  /**
   * @return the policy that never retries: the default
   */
  public static Retry none() {
    return NONE;
  }

  /**
   * Retries with a doubling wait, capped at {@link #DEFAULT_MAX_INTERVAL} (or {@code initial} if
   * longer), without jitter.
   *
   * @param maxAttempts attempts in all, including the first
   * @param initial the wait before the first retry
   * @return the policy
   * @throws NullPointerException if {@code initial} is null
   * @throws ValidationException if {@code maxAttempts} is not 1-100 or {@code initial} is not
   *     positive
   */
  public static Retry exponential(int maxAttempts, Duration initial) {
    Objects.requireNonNull(initial, "initial");
    if (initial.isNegative() || initial.isZero()) {
      throw new ValidationException("initialInterval", "be positive", initial);
    }
    Duration max = initial.compareTo(DEFAULT_MAX_INTERVAL) > 0 ? initial : DEFAULT_MAX_INTERVAL;
    return new Retry(maxAttempts, initial, DEFAULT_MULTIPLIER, max, 0.0);
  }

  /**
   * @param factor how much of a wait is randomised, in {@code [0, 1)}
   * @return a copy with that jitter factor
   * @throws ValidationException if {@code factor} is outside {@code [0, 1)}
   */
  public Retry withJitter(double factor) {
    return new Retry(maxAttempts, initialInterval, multiplier, maxInterval, factor);
  }

  /**
   * @param max the longest wait
   * @return a copy with that longest wait
   * @throws NullPointerException if {@code max} is null
   * @throws ValidationException if {@code max} is shorter than the initial wait
   */
  public Retry withMaxInterval(Duration max) {
    return new Retry(maxAttempts, initialInterval, multiplier, max, jitterFactor);
  }

  /**
   * @return whether this policy ever retries
   */
  public boolean retries() {
    return maxAttempts > 1;
  }

  /**
   * Computes the wait before an attempt.
   *
   * @param attempt the attempt about to be made, 2 for the first retry, up to {@link #maxAttempts}
   * @param unit a value in {@code [0, 1)} choosing the jitter (0.5 is no jitter); callers derive it
   *     from a hash of the job's fire key so that cluster peers agree
   * @return the wait, never longer than {@code maxInterval × (1 + jitterFactor)}
   * @throws ValidationException if {@code attempt} is not 2-{@code maxAttempts} or {@code unit} is
   *     not in {@code [0, 1)}
   */
  public Duration delayBefore(int attempt, double unit) {
    if (attempt < 2 || attempt > maxAttempts) {
      throw new ValidationException("attempt", "be 2-" + maxAttempts, attempt);
    }
    if (!(unit >= 0.0 && unit < 1.0)) {
      throw new ValidationException("unit", "be in [0, 1)", unit);
    }
    // resilience4j numbers its intervals from 1: the wait after the first failed attempt
    long capped =
        IntervalFunction.ofExponentialBackoff(initialInterval, multiplier, maxInterval)
            .apply(attempt - 1);
    double spread = capped * jitterFactor * (2.0 * unit - 1.0);
    return Duration.ofMillis(Math.max(0L, Math.round(capped + spread)));
  }
}
