package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.time.Duration;
import java.util.Objects;

/**
 * The blast radius of a workflow: at most {@code maxExecutions} executions start per {@code period}
 * (across nodes), and at most {@code maxConcurrentNodes} nodes are in remediation at once. A
 * trigger refused by the limit is recorded, never silently dropped.
 *
 * @param maxExecutions executions allowed to start per period, at least 1 ({@link
 *     Integer#MAX_VALUE} for no limit)
 * @param period the period
 * @param maxConcurrentNodes nodes in remediation at once, at least 1 ({@link Integer#MAX_VALUE} for
 *     no limit)
 */
public record RateLimit(int maxExecutions, Duration period, int maxConcurrentNodes) {

  /** No limit. */
  public static final RateLimit UNLIMITED =
      new RateLimit(Integer.MAX_VALUE, Duration.ofHours(1), Integer.MAX_VALUE);

  /**
   * Validates the limit.
   *
   * @throws NullPointerException if {@code period} is null
   * @throws ValidationException if a count is below 1 or the period is not positive
   */
  public RateLimit {
    Objects.requireNonNull(period, "period");
    if (maxExecutions < 1) {
      throw new ValidationException("maxExecutions", "be at least 1", maxExecutions);
    }
    if (period.isNegative() || period.isZero()) {
      throw new ValidationException("period", "be positive", period);
    }
    if (maxConcurrentNodes < 1) {
      throw new ValidationException("maxConcurrentNodes", "be at least 1", maxConcurrentNodes);
    }
  }

  /**
   * @param maxExecutions executions per period
   * @param period the period
   * @return a limit on executions only
   */
  public static RateLimit perPeriod(int maxExecutions, Duration period) {
    return new RateLimit(maxExecutions, period, Integer.MAX_VALUE);
  }

  /**
   * @param maxConcurrentNodes nodes in remediation at once
   * @return this limit with that many concurrent nodes
   */
  public RateLimit withMaxConcurrentNodes(int maxConcurrentNodes) {
    return new RateLimit(maxExecutions, period, maxConcurrentNodes);
  }

  /**
   * @return whether executions per period are limited
   */
  public boolean limitsExecutions() {
    return maxExecutions != Integer.MAX_VALUE;
  }

  /**
   * @return whether concurrent nodes are limited
   */
  public boolean limitsConcurrentNodes() {
    return maxConcurrentNodes != Integer.MAX_VALUE;
  }
}
