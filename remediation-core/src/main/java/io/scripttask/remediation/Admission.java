package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.time.Duration;
import java.util.Objects;

/**
 * The rules a store checks, atomically with the insert, when it admits a new execution ({@link
 * io.scripttask.remediation.spi.RemediationStore#admit}), so that they hold across every engine
 * sharing the store. In order:
 *
 * <ol>
 *   <li>dedup: no other active execution of the workflow on the node ({@link
 *       RefusalReason#ALREADY_ACTIVE});
 *   <li>cooldown: the last admitted execution of the workflow on the node did not finish less than
 *       {@code cooldown} ago ({@link RefusalReason#COOLDOWN});
 *   <li>rate limit: fewer than {@code maxExecutions} executions of the workflow were admitted in
 *       the {@code period} up to now ({@link RefusalReason#RATE_LIMITED});
 *   <li>blast radius: fewer than {@code maxConcurrentNodes} nodes have an active execution of the
 *       workflow ({@link RefusalReason#MAX_CONCURRENT_NODES}).
 * </ol>
 *
 * @param cooldown how long after an execution finished the next one on the same node is refused;
 *     zero for none
 * @param maxExecutions the most executions admitted per period; 0 for no limit
 * @param period the rate limit's period (ignored when maxExecutions is 0)
 * @param maxConcurrentNodes the most nodes with an active execution at once; 0 for no limit
 */
public record Admission(
    Duration cooldown, int maxExecutions, Duration period, int maxConcurrentNodes) {

  /** Dedup only: no cooldown, no rate limit, no node limit. */
  public static final Admission DEDUP_ONLY = new Admission(Duration.ZERO, 0, Duration.ZERO, 0);

  /**
   * Validates the rules.
   *
   * @throws NullPointerException if cooldown or period is null
   * @throws ValidationException if a duration or count is negative, or a rate limit has no positive
   *     period
   */
  public Admission {
    Objects.requireNonNull(cooldown, "cooldown");
    Objects.requireNonNull(period, "period");
    if (cooldown.isNegative()) {
      throw new ValidationException("cooldown", "not be negative", cooldown);
    }
    if (maxExecutions < 0) {
      throw new ValidationException("maxExecutions", "be at least 0", maxExecutions);
    }
    if (maxExecutions > 0 && (period.isNegative() || period.isZero())) {
      throw new ValidationException("period", "be positive when maxExecutions is set", period);
    }
    if (maxConcurrentNodes < 0) {
      throw new ValidationException("maxConcurrentNodes", "be at least 0", maxConcurrentNodes);
    }
  }
}
