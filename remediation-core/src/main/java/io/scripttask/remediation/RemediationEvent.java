package io.scripttask.remediation;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened in the remediation engine. Delivered to every registered {@link
 * io.scripttask.remediation.spi.RemediationListener} asynchronously and, for each listener, in the
 * order it happened; a listener that throws never affects the engine or the other listeners.
 *
 * <p>A closed set: switch over it with pattern matching. Every event carries the instant it
 * happened, by the engine's clock, and the execution it is about.
 */
public sealed interface RemediationEvent {

  /**
   * @return when it happened
   */
  Instant at();

  /**
   * @return the execution it is about
   */
  String executionId();

  /**
   * An execution was admitted and starts.
   *
   * @param at when
   * @param execution the execution as stored
   */
  record ExecutionStarted(Instant at, WorkflowExecution execution) implements RemediationEvent {
    /** Checks the fields. */
    public ExecutionStarted {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(execution, "execution");
    }

    @Override
    public String executionId() {
      return execution.id();
    }
  }

  /**
   * A trigger was refused: a rule (dedup, cooldown, rate limit, node limit) or a disabled workflow
   * kept it from starting an execution. The refused execution is recorded with status {@link
   * ExecutionStatus#REFUSED}.
   *
   * @param at when
   * @param execution the refused execution as stored
   */
  record TriggerRefused(Instant at, WorkflowExecution execution) implements RemediationEvent {
    /** Checks the fields. */
    public TriggerRefused {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(execution, "execution");
    }

    @Override
    public String executionId() {
      return execution.id();
    }

    /**
     * @return why it was refused
     */
    public RefusalReason reason() {
      return execution.refusal();
    }
  }

  /**
   * An attempt of a step (or a compensation) started.
   *
   * @param at when
   * @param executionId the execution
   * @param stepId the step
   * @param kind {@code STEP}, {@code PROBE} or {@code COMPENSATION}
   * @param attempt the attempt, from 1
   */
  record StepStarted(
      Instant at, String executionId, String stepId, StepAttempt.Kind kind, int attempt)
      implements RemediationEvent {
    /** Checks the fields. */
    public StepStarted {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(executionId, "executionId");
      Objects.requireNonNull(stepId, "stepId");
      Objects.requireNonNull(kind, "kind");
    }
  }

  /**
   * An attempt of a step (or a probe) ended and was recorded.
   *
   * @param at when
   * @param attempt the recorded attempt
   */
  record StepFinished(Instant at, StepAttempt attempt) implements RemediationEvent {
    /** Checks the fields. */
    public StepFinished {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(attempt, "attempt");
    }

    @Override
    public String executionId() {
      return attempt.executionId();
    }
  }

  /**
   * A failed attempt of a step will be retried.
   *
   * @param at when
   * @param failed the failed attempt
   * @param nextAttempt the number of the next attempt
   * @param retryAt when it starts
   */
  record StepRetried(Instant at, StepAttempt failed, int nextAttempt, Instant retryAt)
      implements RemediationEvent {
    /** Checks the fields. */
    public StepRetried {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(failed, "failed");
      Objects.requireNonNull(retryAt, "retryAt");
    }

    @Override
    public String executionId() {
      return failed.executionId();
    }
  }

  /**
   * A compensation ran during rollback (one event per compensation attempt, whatever its outcome).
   *
   * @param at when
   * @param compensation the recorded compensation attempt
   */
  record RolledBack(Instant at, StepAttempt compensation) implements RemediationEvent {
    /** Checks the fields. */
    public RolledBack {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(compensation, "compensation");
    }

    @Override
    public String executionId() {
      return compensation.executionId();
    }

    /**
     * @return whether the compensation succeeded
     */
    public boolean succeeded() {
      return compensation.status() == StepStatus.SUCCEEDED;
    }
  }

  /**
   * An escalation notice went out (or failed to): one tier of one round.
   *
   * @param at when
   * @param notice the recorded escalation attempt ({@link StepAttempt#detail()} names tier and
   *     channel)
   * @param tier the tier's index, from 0
   * @param channel the notifier channel
   */
  record Escalated(Instant at, StepAttempt notice, int tier, String channel)
      implements RemediationEvent {
    /** Checks the fields. */
    public Escalated {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(notice, "notice");
      Objects.requireNonNull(channel, "channel");
    }

    @Override
    public String executionId() {
      return notice.executionId();
    }
  }

  /**
   * An approval step waits for a decision through {@link RemediationEngine#approve} or {@link
   * RemediationEngine#reject}.
   *
   * @param at when
   * @param executionId the execution
   * @param stepId the approval step
   * @param expiresAt when it takes its failure path unless decided
   */
  record ApprovalRequested(Instant at, String executionId, String stepId, Instant expiresAt)
      implements RemediationEvent {
    /** Checks the fields. */
    public ApprovalRequested {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(executionId, "executionId");
      Objects.requireNonNull(stepId, "stepId");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /**
   * An engine took over an execution after a restart or after its owner's lease expired.
   *
   * @param at when
   * @param execution the execution as claimed
   * @param previousOwner the instance that owned it before, or null
   */
  record ExecutionResumed(Instant at, WorkflowExecution execution, String previousOwner)
      implements RemediationEvent {
    /** Checks the fields. */
    public ExecutionResumed {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(execution, "execution");
    }

    @Override
    public String executionId() {
      return execution.id();
    }
  }

  /**
   * An execution reached a final status.
   *
   * @param at when
   * @param execution the execution as stored
   */
  record ExecutionFinished(Instant at, WorkflowExecution execution) implements RemediationEvent {
    /** Checks the fields. */
    public ExecutionFinished {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(execution, "execution");
    }

    @Override
    public String executionId() {
      return execution.id();
    }

    /**
     * @return the final status
     */
    public ExecutionStatus status() {
      return execution.status();
    }
  }
}
