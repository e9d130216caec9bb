package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.time.Instant;
import java.util.Objects;

/**
 * A request for an execution from outside its interpreter (an approval, a rejection, a cancel, an
 * acknowledgement of its escalation), queued in the store so that it reaches the engine that owns
 * the execution, whichever instance received it. The owner applies and then deletes it.
 *
 * @param id the store's id of the signal, set by the store (0 before)
 * @param executionId the execution
 * @param kind what is asked
 * @param stepId the approval step it answers (APPROVE and REJECT), or null
 * @param actor who asked, or null
 * @param comment why, or null
 * @param at when it was asked
 */
public record ExecutionSignal(
    long id,
    String executionId,
    Kind kind,
    String stepId,
    String actor,
    String comment,
    Instant at) {

  /** What a signal asks. */
  public enum Kind {
    /** Approve the approval step {@link #stepId()}. */
    APPROVE,
    /** Reject the approval step {@link #stepId()}. */
    REJECT,
    /** Cancel the execution (its compensations run). */
    CANCEL,
    /** Stop the execution's escalation. */
    ACKNOWLEDGE
  }

  /**
   * Validates the signal.
   *
   * @throws NullPointerException if executionId, kind or at is null, or stepId is null for APPROVE
   *     or REJECT
   * @throws ValidationException if id is negative
   */
  public ExecutionSignal {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
    if (kind == Kind.APPROVE || kind == Kind.REJECT) {
      Objects.requireNonNull(stepId, "stepId");
    }
    if (id < 0) {
      throw new ValidationException("id", "be at least 0", id);
    }
  }

  /**
   * @param id the store's id
   * @return a copy with that id
   */
  public ExecutionSignal withId(long id) {
    return new ExecutionSignal(id, executionId, kind, stepId, actor, comment, at);
  }
}
