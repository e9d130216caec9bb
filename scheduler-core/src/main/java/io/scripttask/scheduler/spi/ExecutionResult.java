package io.scripttask.scheduler.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a run ended.
 *
 * @param outcome how it ended
 * @param exitCode the exit code, when the process exited
 * @param stdout the kept standard output
 * @param stderr the kept standard error
 * @param startedAt when it started, by the transport's clock
 * @param finishedAt when it ended, by the transport's clock
 * @param error a short description when it failed to start (never a secret), or null
 */
public record ExecutionResult(
    Outcome outcome,
    Integer exitCode,
    CapturedOutput stdout,
    CapturedOutput stderr,
    Instant startedAt,
    Instant finishedAt,
    String error) {

  /** How a run ended. */
  public enum Outcome {
    /** The script ran to its end; see the exit code. */
    EXITED,
    /** The script ran past its timeout. */
    TIMED_OUT,
    /** The run was cancelled. */
    CANCELLED,
    /** The script could not be started. */
    FAILED_TO_START
  }

  /**
   * Validates the result.
   *
   * @throws NullPointerException if outcome, stdout, stderr, startedAt or finishedAt is null
   * @throws IllegalArgumentException if an {@code EXITED} result has no exit code or the run
   *     finished before it started
   */
  public ExecutionResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    if (outcome == Outcome.EXITED && exitCode == null) {
      throw new IllegalArgumentException("exitCode must be given when outcome is EXITED");
    }
    if (finishedAt.isBefore(startedAt)) {
      throw new IllegalArgumentException(
          "finishedAt must not be before startedAt, but was " + finishedAt + " < " + startedAt);
    }
  }

  /**
   * @return the exit code, when the process exited
   */
  public Optional<Integer> exit() {
    return Optional.ofNullable(exitCode);
  }

  /**
   * @return whether the script exited with code 0
   */
  public boolean succeeded() {
    return outcome == Outcome.EXITED && exitCode == 0;
  }

  /**
   * @return how long the run took
   */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }
}
