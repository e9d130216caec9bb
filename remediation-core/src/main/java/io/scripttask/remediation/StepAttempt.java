package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.spi.CapturedOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of an execution's record: an attempt of a step, a probe of a health check, a
 * compensation, or an escalation notice, with its timings, exit code, capped output and the
 * decision it led to. Appended (never changed) through {@link
 * io.scripttask.remediation.spi.RemediationStore#update} in the same atomic step as the execution
 * change it belongs to.
 *
 * <p>{@link #toString()} never shows output text: only its size.
 *
 * @param executionId the execution
 * @param sequence its position in the execution's record, from 1, without gaps
 * @param kind what it records
 * @param stepId the step (for an escalation: the escalate step that started it, or {@code null} for
 *     the workflow's own policy)
 * @param attempt the attempt of the step (a probe's number, a compensation's attempt, an
 *     escalation's round), from 1
 * @param status how it ended
 * @param startedAt when it started
 * @param finishedAt when it ended
 * @param exitCode the exit code, when a process exited
 * @param stdout kept standard output (capped by the engine's output policy)
 * @param stderr kept standard error (capped)
 * @param detail a short explanation (why it failed, who approved, which tier and channel), or null;
 *     never a secret
 * @param decision the conditions evaluated and their values, for example {@code "exit code == 0:
 *     true"}, or null
 * @param next where the execution went next: a step id, {@code "$succeed"}, {@code "$fail"}, {@code
 *     "retry"}, or null
 */
public record StepAttempt(
    String executionId,
    int sequence,
    Kind kind,
    String stepId,
    int attempt,
    StepStatus status,
    Instant startedAt,
    Instant finishedAt,
    Integer exitCode,
    CapturedOutput stdout,
    CapturedOutput stderr,
    String detail,
    String decision,
    String next) {

  /** What an attempt records. */
  public enum Kind {
    /** An attempt of a step. */
    STEP,
    /** One probe of a health check step. */
    PROBE,
    /** An attempt of a completed step's compensation, during rollback. */
    COMPENSATION,
    /** One escalation notice (a tier of one round). */
    ESCALATION
  }

  /**
   * Validates the attempt.
   *
   * @throws NullPointerException if executionId, kind, status, startedAt, finishedAt, stdout or
   *     stderr is null, or stepId is null for a kind other than {@code ESCALATION}
   * @throws ValidationException if sequence or attempt is below 1, or it finished before it started
   */
  public StepAttempt {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    if (kind != Kind.ESCALATION) {
      Objects.requireNonNull(stepId, "stepId");
    }
    if (sequence < 1) {
      throw new ValidationException("sequence", "be at least 1", sequence);
    }
    if (attempt < 1) {
      throw new ValidationException("attempt", "be at least 1", attempt);
    }
    if (finishedAt.isBefore(startedAt)) {
      throw new ValidationException(
          "finishedAt", "not be before startedAt " + startedAt, finishedAt);
    }
  }

  /**
   * @return the exit code, when a process exited
   */
  public Optional<Integer> exit() {
    return Optional.ofNullable(exitCode);
  }

  /**
   * @return how long it took
   */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }

  /**
   * @param sequence the position in the record
   * @return a copy at another position
   */
  public StepAttempt withSequence(int sequence) {
    return new StepAttempt(
        executionId,
        sequence,
        kind,
        stepId,
        attempt,
        status,
        startedAt,
        finishedAt,
        exitCode,
        stdout,
        stderr,
        detail,
        decision,
        next);
  }

  @Override
  public String toString() {
    return "StepAttempt[executionId="
        + executionId
        + ", sequence="
        + sequence
        + ", kind="
        + kind
        + ", stepId="
        + stepId
        + ", attempt="
        + attempt
        + ", status="
        + status
        + ", startedAt="
        + startedAt
        + ", finishedAt="
        + finishedAt
        + ", exitCode="
        + exitCode
        + ", stdout="
        + stdout.totalBytes()
        + " bytes, stderr="
        + stderr.totalBytes()
        + " bytes, detail="
        + detail
        + ", decision="
        + decision
        + ", next="
        + next
        + "]";
  }
}
