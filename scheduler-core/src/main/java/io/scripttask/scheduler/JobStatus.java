package io.scripttask.scheduler;

/**
 * The status of a {@link Job}: {@code QUEUED → WAITING(reason) → RUNNING → SUCCEEDED | FAILED |
 * TIMED_OUT | CANCELLED | SKIPPED(reason)}. A job may also go from {@code QUEUED} or {@code
 * WAITING} straight to {@code CANCELLED} or {@code SKIPPED}, and a failed attempt that will be
 * retried goes back to {@code QUEUED} with a later {@link Job#nextAttemptAt()}.
 */
public enum JobStatus {
  /** Created and ready to run once due. */
  QUEUED,
  /** Due, but held back; {@link Job#waitReason()} says why. */
  WAITING,
  /** Running on its node. */
  RUNNING,
  /** Ran and exited with code 0. */
  SUCCEEDED,
  /** Ran and exited with another code, or could not be started. */
  FAILED,
  /** Ran past its timeout. */
  TIMED_OUT,
  /** Cancelled by a user or by shutdown. */
  CANCELLED,
  /** Not run; {@link Job#skipReason()} says why. */
  SKIPPED;

  /**
   * @return whether the status is final: the job will not change again
   */
  public boolean isFinal() {
    return switch (this) {
      case QUEUED, WAITING, RUNNING -> false;
      case SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, SKIPPED -> true;
    };
  }

  /**
   * @return whether a job in this status is waiting to be dispatched ({@code QUEUED, WAITING})
   */
  public boolean isPending() {
    return this == QUEUED || this == WAITING;
  }
}
