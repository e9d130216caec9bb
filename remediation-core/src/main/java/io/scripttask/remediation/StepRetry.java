package io.scripttask.remediation;

import io.github.resilience4j.core.IntervalFunction;
import io.scripttask.scheduler.ValidationException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * How a step is retried when an attempt fails: at most {@code maxAttempts} attempts in all, with
 * exponential backoff and jitter between them, only while {@code retryOn} holds for the failed
 * attempt, and only while the total time spent waiting for retries stays within {@code budget}.
 * Always finite.
 *
 * <p>Delays come from {@link #delayBeforeAttempt(int, long)}: the base delay before attempt {@code
 * k} (k &ge; 2) is resilience4j's {@link IntervalFunction#ofExponentialBackoff(long, double, long)}
 * at {@code k - 1}, that is {@code initialBackoff * multiplier^(k-2)} capped at {@code maxBackoff};
 * jitter then spreads it uniformly over {@code [base * (1 - jitter), base * (1 + jitter)]} (still
 * capped at {@code maxBackoff}) with a {@link SplittableRandom} seeded from the caller's seed and
 * the attempt. resilience4j's own randomized function draws from {@code Math.random()}, so it is
 * not used: with the seed, the same execution gets the same delays in a dry run, a test and after a
 * restart.
 *
 * @param maxAttempts attempts in all, 1 (no retry) to {@value #MAX_ATTEMPTS}
 * @param initialBackoff the delay before the first retry, zero or more
 * @param multiplier the factor between successive delays, at least 1 (1 = fixed delay)
 * @param maxBackoff the largest delay, at least {@code initialBackoff}
 * @param jitter the jitter factor, 0 (none) to 1
 * @param retryOn retry only failed attempts for which this holds (evaluated with the failed attempt
 *     as the current result); {@code null} = any failure
 * @param budget the most total time spent waiting between attempts, {@code null} = no budget beyond
 *     the attempts
 */
public record StepRetry(
    int maxAttempts,
    Duration initialBackoff,
    double multiplier,
    Duration maxBackoff,
    double jitter,
    Condition retryOn,
    Duration budget) {

  /** The most attempts a step may have. */
  public static final int MAX_ATTEMPTS = 100;

  /** Attempts in all unless told otherwise: 3 (the seed's {@code maxRetries}). */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** The delay before the first retry unless told otherwise: 10 seconds. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(10);

  /** The factor between delays unless told otherwise: 2. */
  public static final double DEFAULT_MULTIPLIER = 2.0;

  /** The largest delay unless told otherwise: 10 minutes. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(10);

  /** The jitter factor unless told otherwise: 0.2 (delays spread over &plusmn;20%). */
  public static final double DEFAULT_JITTER = 0.2;

  /** One attempt, no retry: what a step gets when it declares no retry. */
  public static final StepRetry NONE =
      new StepRetry(1, Duration.ZERO, 1.0, Duration.ZERO, 0.0, null, null);

  /**
   * Validates the policy.
   *
   * @throws NullPointerException if a duration other than the budget is null
   * @throws ValidationException naming the field if a value is out of range
   */
  public StepRetry {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw new ValidationException("maxAttempts", "be 1 to " + MAX_ATTEMPTS, maxAttempts);
    }
    if (initialBackoff.isNegative()) {
      throw new ValidationException("initialBackoff", "not be negative", initialBackoff);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new ValidationException("multiplier", "be at least 1", multiplier);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new ValidationException(
          "maxBackoff", "be at least initialBackoff (" + initialBackoff + ")", maxBackoff);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new ValidationException("jitter", "be 0 to 1", jitter);
    }
    if (budget != null && (budget.isNegative() || budget.isZero())) {
      throw new ValidationException("budget", "be positive", budget);
    }
  }

  /**
   * @return one attempt, no retry ({@link #NONE})
   */
  public static StepRetry none() {
    return NONE;
  }

  /**
   * @param maxAttempts attempts in all
   * @param initialBackoff the delay before the first retry
   * @return exponential backoff (factor 2, default jitter and cap), retrying any failure
   */
  public static StepRetry exponential(int maxAttempts, Duration initialBackoff) {
    return builder().maxAttempts(maxAttempts).initialBackoff(initialBackoff).build();
  }

  /**
   * @param maxAttempts attempts in all
   * @param delay the delay between attempts
   * @return a fixed delay (factor 1, no jitter), retrying any failure
   */
  public static StepRetry fixed(int maxAttempts, Duration delay) {
    return builder()
        .maxAttempts(maxAttempts)
        .initialBackoff(delay)
        .multiplier(1.0)
        .maxBackoff(delay)
        .jitter(0.0)
        .build();
  }

  /**
   * @return a builder with the defaults ({@value #DEFAULT_MAX_ATTEMPTS} attempts, 10 s, factor 2,
   *     cap 10 min, jitter 0.2, any failure, no budget)
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return whether a failed attempt may be followed by another
   */
  public boolean retries() {
    return maxAttempts > 1;
  }

  /**
   * @return the retry-on predicate, empty for any failure
   */
  public Optional<Condition> retryOnIfSet() {
    return Optional.ofNullable(retryOn);
  }

  /**
   * @return the budget, if any
   */
  public Optional<Duration> budgetIfSet() {
    return Optional.ofNullable(budget);
  }

  /**
   * The delay to wait before an attempt. Deterministic: the same arguments give the same delay.
   *
   * @param attempt the attempt about to start, 1-based (1 is the first attempt: no delay)
   * @param seed a seed for the jitter, e.g. a hash of the execution id and step id
   * @return the delay, between zero and {@link #maxBackoff()}
   * @throws ValidationException if {@code attempt} is below 1
   */
  public Duration delayBeforeAttempt(int attempt, long seed) {
    if (attempt < 1) {
      throw new ValidationException("attempt", "be at least 1", attempt);
    }
    if (attempt == 1 || initialBackoff.isZero()) {
      return Duration.ZERO;
    }
    long initial = Math.max(1, initialBackoff.toMillis());
    long max = Math.max(initial, maxBackoff.toMillis());
    IntervalFunction base = IntervalFunction.ofExponentialBackoff(initial, multiplier, max);
    long millis = base.apply(attempt - 1);
    if (jitter > 0.0) {
      SplittableRandom random = new SplittableRandom(mix(seed, attempt));
      double factor = 1.0 + jitter * (2.0 * random.nextDouble() - 1.0);
      millis = Math.min(max, Math.max(0L, Math.round(millis * factor)));
    }
    return Duration.ofMillis(millis);
  }

  private static long mix(long seed, int attempt) {
    long z = seed + 0x9E3779B97F4A7C15L * attempt;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Builds a {@link StepRetry}; not thread-safe. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private double multiplier = DEFAULT_MULTIPLIER;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private double jitter = DEFAULT_JITTER;
    private Condition retryOn;
    private Duration budget;
    private boolean maxBackoffSet;

    private Builder() {}

    /**
     * @param maxAttempts attempts in all, 1 to {@value StepRetry#MAX_ATTEMPTS}
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * @param initialBackoff the delay before the first retry
     * @return this builder
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
      if (!maxBackoffSet && maxBackoff.compareTo(initialBackoff) < 0) {
        // an initial delay above the default cap raises the cap, unless a cap was given
        this.maxBackoff = initialBackoff;
      }
      return this;
    }

    /**
     * @param multiplier the factor between delays (1 = fixed)
     * @return this builder
     */
    public Builder multiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    /**
     * @param maxBackoff the largest delay
     * @return this builder
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
      this.maxBackoffSet = true;
      return this;
    }

    /**
     * @param jitter the jitter factor, 0 to 1
     * @return this builder
     */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * @param retryOn retry only failures for which this holds
     * @return this builder
     */
    public Builder retryOn(Condition retryOn) {
      this.retryOn = Objects.requireNonNull(retryOn, "retryOn");
      return this;
    }

    /**
     * @param budget the most total waiting between attempts
     * @return this builder
     */
    public Builder budget(Duration budget) {
      this.budget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /**
     * @return the policy
     * @throws ValidationException if a value is out of range
     */
    public StepRetry build() {
      return new StepRetry(
          maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, retryOn, budget);
    }
  }
}
