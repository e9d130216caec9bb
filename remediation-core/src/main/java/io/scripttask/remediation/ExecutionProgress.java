package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The interpreter's position in a {@link WorkflowExecution}: what it checkpoints before every
 * transition, so that another engine (after a restart, or a cluster peer after the owner's lease
 * expired) continues exactly there. A store keeps it as it is given (a database typically as one
 * JSON column); only the engine interprets it.
 *
 * @param stepId the current step (during rollback: the step being compensated), or {@code null}
 *     when the execution is not at a step (not started yet, or ended)
 * @param attempt the current attempt of that step (of a health check: its probe; of a compensation:
 *     its attempt), from 1; 0 before the first
 * @param phase what the current step is doing
 * @param stepStartedAt when the first attempt of the current step started (retry budgets and health
 *     check timeouts count from it), or null
 * @param wakeAt when the engine must look at the execution next (a backoff's end, a delay's end, an
 *     approval's expiry, the next probe, a running attempt's timeout), or null
 * @param runStartedAt when the running attempt started, or null when none runs
 * @param completed the steps that completed, in order (a step on a loop appears each time)
 * @param compensations during rollback, the steps still to compensate, the next one last; empty
 *     otherwise
 * @param outcome during rollback, the final status the execution gets when the rollback ends
 *     ({@code FAILED}, {@code TIMED_OUT} or {@code CANCELLED}); otherwise null
 * @param results the last finished attempt of each step, by step id: what conditions and templates
 *     read
 * @param escalation the escalation in progress, or null
 * @param records how many {@link StepAttempt}s the execution's record holds (the next gets this
 *     plus one)
 */
public record ExecutionProgress(
    String stepId,
    int attempt,
    Phase phase,
    Instant stepStartedAt,
    Instant wakeAt,
    Instant runStartedAt,
    List<String> completed,
    List<String> compensations,
    ExecutionStatus outcome,
    Map<String, StepAttempt> results,
    EscalationState escalation,
    int records) {

  /** What the current step is doing. */
  public enum Phase {
    /** No current step. */
    NONE,
    /** The attempt {@link #attempt()} starts at {@link #wakeAt()} (now when null). */
    READY,
    /** The attempt {@link #attempt()} runs; it started at {@link #runStartedAt()}. */
    RUNNING,
    /** Waiting until {@link #wakeAt()}: a delay's end, an approval's expiry. */
    WAITING
  }

  /** Before the first step. */
  public static final ExecutionProgress INITIAL =
      new ExecutionProgress(
          null, 0, Phase.NONE, null, null, null, List.of(), List.of(), null, Map.of(), null, 0);

  /**
   * Validates and copies the progress.
   *
   * @throws NullPointerException if phase, completed, compensations or results is null
   * @throws ValidationException if attempt or records is negative, or a phase other than {@code
   *     NONE} has no step
   */
  public ExecutionProgress {
    Objects.requireNonNull(phase, "phase");
    completed = List.copyOf(Objects.requireNonNull(completed, "completed"));
    compensations = List.copyOf(Objects.requireNonNull(compensations, "compensations"));
    results =
        java.util.Collections.unmodifiableMap(
            new LinkedHashMap<>(Objects.requireNonNull(results, "results")));
    if (attempt < 0) {
      throw new ValidationException("attempt", "be at least 0", attempt);
    }
    if (records < 0) {
      throw new ValidationException("records", "be at least 0", records);
    }
    if (phase != Phase.NONE && stepId == null) {
      throw new ValidationException("stepId", "be given in phase " + phase, null);
    }
  }

  /**
   * @return the escalation in progress, if any
   */
  public Optional<EscalationState> activeEscalation() {
    return Optional.ofNullable(escalation);
  }

  /**
   * @return a builder holding this progress
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a changed copy of an {@link ExecutionProgress}. Not thread-safe. */
  public static final class Builder {
    private String stepId;
    private int attempt;
    private Phase phase;
    private Instant stepStartedAt;
    private Instant wakeAt;
    private Instant runStartedAt;
    private List<String> completed;
    private List<String> compensations;
    private ExecutionStatus outcome;
    private Map<String, StepAttempt> results;
    private EscalationState escalation;
    private int records;

    private Builder(ExecutionProgress p) {
      stepId = p.stepId;
      attempt = p.attempt;
      phase = p.phase;
      stepStartedAt = p.stepStartedAt;
      wakeAt = p.wakeAt;
      runStartedAt = p.runStartedAt;
      completed = p.completed;
      compensations = p.compensations;
      outcome = p.outcome;
      results = p.results;
      escalation = p.escalation;
      records = p.records;
    }

    /**
     * @param v the current step
     * @return this builder
     */
    public Builder stepId(String v) {
      stepId = v;
      return this;
    }

    /**
     * @param v the attempt
     * @return this builder
     */
    public Builder attempt(int v) {
      attempt = v;
      return this;
    }

    /**
     * @param v the phase
     * @return this builder
     */
    public Builder phase(Phase v) {
      phase = v;
      return this;
    }

    /**
     * @param v when the step's first attempt started
     * @return this builder
     */
    public Builder stepStartedAt(Instant v) {
      stepStartedAt = v;
      return this;
    }

    /**
     * @param v when to look next
     * @return this builder
     */
    public Builder wakeAt(Instant v) {
      wakeAt = v;
      return this;
    }

    /**
     * @param v when the running attempt started
     * @return this builder
     */
    public Builder runStartedAt(Instant v) {
      runStartedAt = v;
      return this;
    }

    /**
     * @param v the completed steps
     * @return this builder
     */
    public Builder completed(List<String> v) {
      completed = v;
      return this;
    }

    /**
     * @param v the steps still to compensate
     * @return this builder
     */
    public Builder compensations(List<String> v) {
      compensations = v;
      return this;
    }

    /**
     * @param v the final status after rollback
     * @return this builder
     */
    public Builder outcome(ExecutionStatus v) {
      outcome = v;
      return this;
    }

    /**
     * @param v the last results by step
     * @return this builder
     */
    public Builder results(Map<String, StepAttempt> v) {
      results = v;
      return this;
    }

    /**
     * @param v the escalation
     * @return this builder
     */
    public Builder escalation(EscalationState v) {
      escalation = v;
      return this;
    }

    /**
     * @param v the record count
     * @return this builder
     */
    public Builder records(int v) {
      records = v;
      return this;
    }

    /**
     * @return the progress
     * @throws ValidationException if it breaks a rule of {@link ExecutionProgress}
     */
    public ExecutionProgress build() {
      return new ExecutionProgress(
          stepId,
          attempt,
          phase,
          stepStartedAt,
          wakeAt,
          runStartedAt,
          completed,
          compensations,
          outcome,
          results,
          escalation,
          records);
    }
  }
}
