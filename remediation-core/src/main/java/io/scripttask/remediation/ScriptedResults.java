package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the steps of a dry run ({@link RemediationEngine#plan}) return instead of running: per step
 * id, the results of its attempts in turn (the last one repeats; a health check's probes are its
 * attempts), the results of its compensation, and the decision of each approval step. A step with
 * no scripted result succeeds at once with exit code 0 and no output; an approval with no scripted
 * decision is approved.
 *
 * <pre>{@code
 * ScriptedResults results = ScriptedResults.builder()
 *     .step("install-patch", Result.exit(1), Result.exit(1), Result.ok())
 *     .step("verify-patch", Result.exit(2, "checksum mismatch"))
 *     .compensation("backup", Result.ok())
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ScriptedResults {

  /**
   * One scripted run.
   *
   * @param exitCode the exit code
   * @param stdout what it prints
   * @param stderr what it prints on standard error
   * @param duration how long it runs (virtual time); null for a run that never ends by itself (it
   *     times out)
   * @param failsToStart whether it cannot start
   */
  public record Result(
      int exitCode, String stdout, String stderr, Duration duration, boolean failsToStart) {

    /**
     * Validates the result.
     *
     * @throws NullPointerException if stdout or stderr is null
     * @throws ValidationException if the duration is negative
     */
    public Result {
      Objects.requireNonNull(stdout, "stdout");
      Objects.requireNonNull(stderr, "stderr");
      if (duration != null && duration.isNegative()) {
        throw new ValidationException("duration", "not be negative", duration);
      }
    }

    /**
     * @return exit code 0 at once, no output
     */
    public static Result ok() {
      return new Result(0, "", "", Duration.ZERO, false);
    }

    /**
     * @param stdout what it prints
     * @return exit code 0 at once with that output
     */
    public static Result ok(String stdout) {
      return new Result(0, stdout, "", Duration.ZERO, false);
    }

    /**
     * @param exitCode the exit code
     * @return that exit code at once, no output
     */
    public static Result exit(int exitCode) {
      return new Result(exitCode, "", "", Duration.ZERO, false);
    }

    /**
     * @param exitCode the exit code
     * @param stdout what it prints
     * @return that exit code at once with that output
     */
    public static Result exit(int exitCode, String stdout) {
      return new Result(exitCode, stdout, "", Duration.ZERO, false);
    }

    /**
     * @return a run that never ends by itself: it times out
     */
    public static Result hang() {
      return new Result(0, "", "", null, false);
    }

    /**
     * @return a run that cannot start
     */
    public static Result failToStart() {
      return new Result(0, "", "", Duration.ZERO, true);
    }

    /**
     * @param duration how long it runs
     * @return this result taking that long (virtual time)
     */
    public Result after(Duration duration) {
      return new Result(exitCode, stdout, stderr, duration, failsToStart);
    }
  }

  /** How a dry run answers an approval step. */
  public enum Decision {
    /** Approved as soon as it is requested. */
    APPROVE,
    /** Rejected as soon as it is requested. */
    REJECT,
    /** Nobody answers: it expires after its time to live. */
    EXPIRE
  }

  private static final ScriptedResults NONE = new Builder().build();

  private final Map<String, List<Result>> steps;
  private final Map<String, List<Result>> compensations;
  private final Map<String, Decision> approvals;

  private ScriptedResults(Builder b) {
    this.steps = Map.copyOf(b.steps);
    this.compensations = Map.copyOf(b.compensations);
    this.approvals = Map.copyOf(b.approvals);
  }

  /**
   * @return results where every step succeeds and every approval is approved
   */
  public static ScriptedResults none() {
    return NONE;
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @param stepId a step
   * @param attempt the attempt (or probe), from 1
   * @return the scripted result of that attempt, if the step has any
   */
  public Optional<Result> step(String stepId, int attempt) {
    return pick(steps.get(stepId), attempt);
  }

  /**
   * @param stepId a step
   * @param attempt the compensation's attempt, from 1
   * @return the scripted result of that attempt of the step's compensation, if any
   */
  public Optional<Result> compensation(String stepId, int attempt) {
    return pick(compensations.get(stepId), attempt);
  }

  /**
   * @param stepId an approval step
   * @return the decision ({@link Decision#APPROVE} unless scripted)
   */
  public Decision approval(String stepId) {
    return approvals.getOrDefault(stepId, Decision.APPROVE);
  }

  private static Optional<Result> pick(List<Result> list, int attempt) {
    if (list == null || list.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(list.get(Math.min(attempt, list.size()) - 1));
  }

  /** Builds {@link ScriptedResults}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, List<Result>> steps = new HashMap<>();
    private final Map<String, List<Result>> compensations = new HashMap<>();
    private final Map<String, Decision> approvals = new HashMap<>();

    private Builder() {}

    /**
     * @param stepId the step
     * @param results its attempts' results, in turn (the last repeats)
     * @return this builder
     * @throws ValidationException if no result is given
     */
    public Builder step(String stepId, Result... results) {
      steps.put(Objects.requireNonNull(stepId, "stepId"), list("results", results));
      return this;
    }

    /**
     * @param stepId the step whose compensation this scripts
     * @param results the compensation's attempts' results, in turn (the last repeats)
     * @return this builder
     * @throws ValidationException if no result is given
     */
    public Builder compensation(String stepId, Result... results) {
      compensations.put(Objects.requireNonNull(stepId, "stepId"), list("results", results));
      return this;
    }

    /**
     * @param stepId an approval step
     * @param decision how it is answered
     * @return this builder
     */
    public Builder approval(String stepId, Decision decision) {
      approvals.put(
          Objects.requireNonNull(stepId, "stepId"), Objects.requireNonNull(decision, "decision"));
      return this;
    }

    private static List<Result> list(String field, Result[] results) {
      if (results.length == 0) {
        throw new ValidationException(field, "hold at least one result", "none");
      }
      return List.of(results);
    }

    /**
     * @return the scripted results
     */
    public ScriptedResults build() {
      return new ScriptedResults(this);
    }
  }
}
