package io.scripttask.remediation;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of one run of a step, as {@link Condition}s see it: exit code, output and whether it
 * timed out. Steps that run nothing (notify, delay, quarantine, ...) have no exit code.
 *
 * @param exitCode the exit code, or {@code null} when the step ran no process or was killed
 * @param stdout the standard output (possibly capped by the engine), never null
 * @param stderr the standard error (possibly capped by the engine), never null
 * @param timedOut whether the run passed its timeout
 */
public record StepResult(Integer exitCode, String stdout, String stderr, boolean timedOut) {

  /** A result with no exit code and no output, e.g. of a step that runs no process. */
  public static final StepResult EMPTY = new StepResult(null, "", "", false);

  /**
   * Checks the result.
   *
   * @throws NullPointerException if {@code stdout} or {@code stderr} is null
   */
  public StepResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /**
   * @param exitCode the exit code
   * @param stdout the standard output
   * @return a result that did not time out, with empty standard error
   */
  public static StepResult of(int exitCode, String stdout) {
    return new StepResult(exitCode, stdout, "", false);
  }

  /**
   * @param exitCode the exit code
   * @param stdout the standard output
   * @param stderr the standard error
   * @return a result that did not time out
   */
  public static StepResult of(int exitCode, String stdout, String stderr) {
    return new StepResult(exitCode, stdout, stderr, false);
  }

  /**
   * @param stdout output produced before the timeout
   * @param stderr error output produced before the timeout
   * @return a timed-out result with no exit code
   */
  public static StepResult timedOut(String stdout, String stderr) {
    return new StepResult(null, stdout, stderr, true);
  }

  /**
   * @return the exit code, empty when there is none
   */
  public Optional<Integer> exitCodeIfAny() {
    return Optional.ofNullable(exitCode);
  }

  /**
   * The default success rule, used when a step declares no success criteria: exit code 0 (a step
   * that runs no process succeeds unless it timed out).
   *
   * @return whether the result counts as a success by default
   */
  public boolean succeededByDefault() {
    return !timedOut && (exitCode == null || exitCode == 0);
  }
}
