package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.time.Instant;
import java.util.Objects;

/**
 * An escalation in progress: which tier of which round is notified next, and when. It belongs to an
 * execution and outlives the execution's end when the execution failed: it stops when the execution
 * succeeds or is cancelled, when someone {@linkplain RemediationEngine#acknowledge acknowledges}
 * it, or when its rounds are spent.
 *
 * @param stepId the escalate step whose policy runs, or {@code null} for the workflow's (or the
 *     engine's default) policy, which failed compensations use
 * @param tier the index of the tier notified next, from 0
 * @param round the round of the tier notified next, from 1
 * @param nextAt when the next tier is notified
 * @param reason why it escalates, for the notices (never a secret)
 */
public record EscalationState(String stepId, int tier, int round, Instant nextAt, String reason) {

  /**
   * Validates the state.
   *
   * @throws NullPointerException if nextAt or reason is null
   * @throws ValidationException if tier is negative or round below 1
   */
  public EscalationState {
    Objects.requireNonNull(nextAt, "nextAt");
    Objects.requireNonNull(reason, "reason");
    if (tier < 0) {
      throw new ValidationException("tier", "be at least 0", tier);
    }
    if (round < 1) {
      throw new ValidationException("round", "be at least 1", round);
    }
  }
}
