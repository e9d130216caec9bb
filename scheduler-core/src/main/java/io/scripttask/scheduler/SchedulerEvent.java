package io.scripttask.scheduler;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that changed in the scheduler. Events are delivered to every registered {@link
 * io.scripttask.scheduler.spi.EventListener} asynchronously and, for each listener, in the order
 * they happened; a listener that throws never affects the engine or the other listeners.
 *
 * <p>A closed set: switch over it with pattern matching. Every event carries the instant it
 * happened, read from the scheduler's clock, and, where a person or program caused it, the actor
 * (recorded for audit; {@code null} when the engine acted by itself).
 */
public sealed interface SchedulerEvent {

  /**
   * @return when the event happened, by the scheduler's clock
   */
  Instant at();

  /**
   * A schedule was created.
   *
   * @param at when
   * @param schedule the stored schedule
   * @param actor who created it, or null
   */
  record ScheduleCreated(Instant at, Schedule schedule, String actor) implements SchedulerEvent {
    /** Checks the fields. */
    public ScheduleCreated {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(schedule, "schedule");
    }
  }

  /**
   * A schedule's spec was changed.
   *
   * @param at when
   * @param schedule the stored schedule after the change
   * @param actor who changed it, or null
   */
  record ScheduleUpdated(Instant at, Schedule schedule, String actor) implements SchedulerEvent {
    /** Checks the fields. */
    public ScheduleUpdated {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(schedule, "schedule");
    }
  }

  /**
   * A schedule was deleted.
   *
   * @param at when
   * @param scheduleId the id of the deleted schedule
   * @param actor who deleted it, or null
   */
  record ScheduleDeleted(Instant at, String scheduleId, String actor) implements SchedulerEvent {
    /** Checks the fields. */
    public ScheduleDeleted {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(scheduleId, "scheduleId");
    }
  }

  /**
   * A schedule was paused, by an actor or automatically after too many consecutive failures.
   *
   * @param at when
   * @param scheduleId the schedule
   * @param automatic true when the engine paused it ({@link ScheduleState#AUTO_PAUSED})
   * @param reason why, in words
   * @param actor who paused it, or null when automatic
   */
  record SchedulePaused(
      Instant at, String scheduleId, boolean automatic, String reason, String actor)
      implements SchedulerEvent {
    /** Checks the fields. */
    public SchedulePaused {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(scheduleId, "scheduleId");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A paused schedule was resumed.
   *
   * @param at when
   * @param scheduleId the schedule
   * @param actor who resumed it, or null
   */
  record ScheduleResumed(Instant at, String scheduleId, String actor) implements SchedulerEvent {
    /** Checks the fields. */
    public ScheduleResumed {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(scheduleId, "scheduleId");
    }
  }

  /**
   * A job was created and queued (a fire, a run-now, a retry of a finished job).
   *
   * @param at when
   * @param job the job as stored
   */
  record JobQueued(Instant at, Job job) implements SchedulerEvent {
    /** Checks the fields. */
    public JobQueued {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(job, "job");
    }
  }

  /**
   * A job could not be admitted and waits; its {@link Job#waitReason()} says why.
   *
   * @param at when
   * @param job the job as stored
   */
  record JobWaiting(Instant at, Job job) implements SchedulerEvent {
    /** Checks the fields. */
    public JobWaiting {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(job, "job");
    }
  }

  /**
   * A job's attempt started on its node.
   *
   * @param at when
   * @param job the job as stored
   */
  record JobStarted(Instant at, Job job) implements SchedulerEvent {
    /** Checks the fields. */
    public JobStarted {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(job, "job");
    }
  }

  /**
   * A job's attempt ended: {@code SUCCEEDED}, {@code FAILED} or {@code TIMED_OUT}. When a retry
   * follows, {@code retryAt} is set and the stored job is already back to {@code QUEUED} for its
   * next attempt; {@code outcome} says how the attempt that just ended went.
   *
   * @param at when
   * @param job the job as stored after the attempt
   * @param outcome how the attempt ended: {@code SUCCEEDED}, {@code FAILED} or {@code TIMED_OUT}
   * @param retryAt when the next attempt is due, or null when none follows
   */
  record JobFinished(Instant at, Job job, JobStatus outcome, Instant retryAt)
      implements SchedulerEvent {
    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if the outcome is not SUCCEEDED, FAILED or TIMED_OUT
     */
    public JobFinished {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(outcome, "outcome");
      if (outcome != JobStatus.SUCCEEDED
          && outcome != JobStatus.FAILED
          && outcome != JobStatus.TIMED_OUT) {
        throw new IllegalArgumentException(
            "outcome must be SUCCEEDED, FAILED or TIMED_OUT, but was " + outcome);
      }
    }

    /**
     * @return whether another attempt of the job follows
     */
    public boolean willRetry() {
      return retryAt != null;
    }
  }

  /**
   * A running job was taken back from the instance that claimed it, because that instance lost its
   * lease (it stopped heartbeating: crashed, hung, or cut off from the store) or restarted: the job
   * is stored as a new attempt ({@link JobStatus#QUEUED}, attempt + 1) when it has attempts left,
   * else {@link JobStatus#FAILED}. Its {@link Job#detail()} says why. A {@link JobFinished} for the
   * lost attempt follows (outcome {@code FAILED}). The old owner's late result, if it ever comes,
   * is refused.
   *
   * @param at when
   * @param job the job as stored after the recovery
   * @param lostOwner the instance that had claimed it
   */
  record JobRecovered(Instant at, Job job, String lostOwner) implements SchedulerEvent {
    /** Checks the fields. */
    public JobRecovered {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(lostOwner, "lostOwner");
    }
  }

  /**
   * A job was cancelled, queued or running.
   *
   * @param at when
   * @param job the job as stored
   * @param actor who cancelled it, or null when the engine did (shutdown)
   */
  record JobCancelled(Instant at, Job job, String actor) implements SchedulerEvent {
    /** Checks the fields. */
    public JobCancelled {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(job, "job");
    }
  }

  /**
   * A job was skipped; its {@link Job#skipReason()} says why.
   *
   * @param at when
   * @param job the job as stored
   */
  record JobSkipped(Instant at, Job job) implements SchedulerEvent {
    /** Checks the fields. */
    public JobSkipped {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(job, "job");
    }
  }

  /**
   * A maintenance window opened.
   *
   * @param at when it opened
   * @param windowId the window
   */
  record WindowOpened(Instant at, String windowId) implements SchedulerEvent {
    /** Checks the fields. */
    public WindowOpened {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(windowId, "windowId");
    }
  }

  /**
   * A maintenance window closed.
   *
   * @param at when it closed
   * @param windowId the window
   */
  record WindowClosed(Instant at, String windowId) implements SchedulerEvent {
    /** Checks the fields. */
    public WindowClosed {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(windowId, "windowId");
    }
  }

  /**
   * A node was quarantined: nothing is dispatched to it until it is released.
   *
   * @param at when
   * @param nodeId the node
   * @param reason why
   * @param actor who quarantined it, or null
   */
  record NodeQuarantined(Instant at, String nodeId, String reason, String actor)
      implements SchedulerEvent {
    /** Checks the fields. */
    public NodeQuarantined {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A quarantined node was released.
   *
   * @param at when
   * @param nodeId the node
   * @param actor who released it, or null
   */
  record NodeReleased(Instant at, String nodeId, String actor) implements SchedulerEvent {
    /** Checks the fields. */
    public NodeReleased {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }
}
