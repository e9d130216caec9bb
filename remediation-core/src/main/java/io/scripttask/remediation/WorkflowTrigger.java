package io.scripttask.remediation;

import io.scripttask.scheduler.Cron;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.ValidationException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What starts a workflow. A closed set: {@link Manual} (only through the API), {@link
 * MetricThreshold} (metric samples fed to the engine), {@link JobFailed} (a scheduler job ended
 * badly) and {@link CronTrigger} (on a cron schedule, for the nodes of a target). Every workflow
 * can also be started manually whatever its trigger.
 */
public sealed interface WorkflowTrigger {

  /**
   * @return the manual trigger
   */
  static WorkflowTrigger manual() {
    return Manual.INSTANCE;
  }

  /**
   * @param fire the condition over a sample that counts towards firing
   * @return a threshold trigger firing on the first sample where {@code fire} holds, re-armed when
   *     it no longer holds
   */
  static MetricThreshold metric(Condition fire) {
    return new MetricThreshold(fire, null, 1, 1);
  }

  /**
   * @return a trigger on any schedule's job that {@code FAILED} or {@code TIMED_OUT}
   */
  static JobFailed jobFailed() {
    return new JobFailed(null, JobFailed.DEFAULT_STATUSES);
  }

  /**
   * @param scheduleId the schedule whose failed jobs start the workflow
   * @return a trigger on that schedule's jobs that {@code FAILED} or {@code TIMED_OUT}
   */
  static JobFailed jobFailed(String scheduleId) {
    return new JobFailed(scheduleId, JobFailed.DEFAULT_STATUSES);
  }

  /**
   * @param cron a cron expression (see {@link Cron})
   * @param zone the zone it is read in
   * @param target the nodes to run on at each fire
   * @return the trigger
   * @throws io.scripttask.scheduler.InvalidCronExpressionException if the expression is invalid
   */
  static CronTrigger cron(String cron, ZoneId zone, Target target) {
    return new CronTrigger(cron, zone, target);
  }

  /** Started only through the API (every workflow can be; this one has no other trigger). */
  enum Manual implements WorkflowTrigger {
    /** The one manual trigger. */
    INSTANCE
  }

  /**
   * Fires for a node when {@code fire} holds in at least {@code m} of the node's last {@code n}
   * metric samples (the samples are the trigger data of the conditions). Hysteresis: after firing,
   * the trigger does not fire again for that node until {@code clear} holds for a sample (it is
   * then re-armed). Samples arrive through the engine's {@code onMetric(nodeId, sample)}.
   *
   * @param fire the condition that counts a sample as bad (only trigger data: {@link
   *     Condition.Threshold}, {@link Condition.JsonPath} on the trigger, and/or/not of them)
   * @param clear the condition that re-arms the trigger; {@code null} means {@code not(fire)}
   * @param m how many bad samples fire, 1 to n
   * @param n the window of samples, 1 to {@value #MAX_WINDOW}
   */
  record MetricThreshold(Condition fire, Condition clear, int m, int n) implements WorkflowTrigger {

    /** The largest window. */
    public static final int MAX_WINDOW = 1000;

    /**
     * Validates the trigger and fills in the default clear condition.
     *
     * @throws NullPointerException if {@code fire} is null
     * @throws ValidationException if {@code m} or {@code n} is out of range, or {@code m > n}
     */
    public MetricThreshold {
      Objects.requireNonNull(fire, "fire");
      if (clear == null) {
        clear = new Condition.Not(fire);
      }
      if (n < 1 || n > MAX_WINDOW) {
        throw new ValidationException("n", "be 1 to " + MAX_WINDOW, n);
      }
      if (m < 1) {
        throw new ValidationException("m", "be at least 1", m);
      }
      if (m > n) {
        throw new ValidationException("m", "be at most n (" + n + ")", m);
      }
    }

    /**
     * @param m how many bad samples fire
     * @param n the window of samples
     * @return this trigger with an M-of-N window
     */
    public MetricThreshold samples(int m, int n) {
      return new MetricThreshold(fire, clear, m, n);
    }

    /**
     * @param clear the condition that re-arms the trigger
     * @return this trigger with that clear condition
     */
    public MetricThreshold clearWhen(Condition clear) {
      return new MetricThreshold(fire, Objects.requireNonNull(clear, "clear"), m, n);
    }

    /**
     * @return whether the clear condition is the default {@code not(fire)}
     */
    public boolean hasDefaultClear() {
      return clear.equals(new Condition.Not(fire));
    }
  }

  /**
   * Fires when a scheduler job of the schedule (or of any schedule) ends in one of {@code
   * statuses}, for the job's node; the trigger data holds the job's fields.
   *
   * @param scheduleId the schedule, or {@code null} for any
   * @param statuses final statuses other than {@code SUCCEEDED}, at least one
   */
  record JobFailed(String scheduleId, Set<JobStatus> statuses) implements WorkflowTrigger {

    /** {@code FAILED} and {@code TIMED_OUT}. */
    public static final Set<JobStatus> DEFAULT_STATUSES =
        Set.copyOf(EnumSet.of(JobStatus.FAILED, JobStatus.TIMED_OUT));

    /**
     * Validates the trigger.
     *
     * @throws NullPointerException if {@code statuses} or a status is null
     * @throws ValidationException if the schedule id is blank, no status is given, or a status is
     *     not final or is {@code SUCCEEDED}
     */
    public JobFailed {
      Objects.requireNonNull(statuses, "statuses");
      statuses = Set.copyOf(statuses);
      if (scheduleId != null && scheduleId.isBlank()) {
        throw new ValidationException("scheduleId", "not be blank", "\"" + scheduleId + "\"");
      }
      if (statuses.isEmpty()) {
        throw new ValidationException("statuses", "name at least one status", "[]");
      }
      for (JobStatus s : statuses) {
        if (!s.isFinal() || s == JobStatus.SUCCEEDED) {
          throw new ValidationException(
              "statuses", "be final statuses other than SUCCEEDED", statuses);
        }
      }
    }

    /**
     * @return the schedule id, empty for any schedule
     */
    public Optional<String> schedule() {
      return Optional.ofNullable(scheduleId);
    }

    /**
     * @param scheduleId the job's schedule id
     * @param status the job's final status
     * @return whether such a job fires this trigger
     */
    public boolean matches(String scheduleId, JobStatus status) {
      return (this.scheduleId == null || this.scheduleId.equals(scheduleId))
          && statuses.contains(status);
    }
  }

  /**
   * Fires on a cron schedule, once per node of {@code target} (resolved at each fire).
   *
   * @param cron the cron expression, checked by {@link Cron#parse(String)}
   * @param zone the zone the expression is read in
   * @param target the nodes to run on
   */
  record CronTrigger(String cron, ZoneId zone, Target target) implements WorkflowTrigger {

    /**
     * Validates the trigger.
     *
     * @throws NullPointerException if a field is null
     * @throws io.scripttask.scheduler.InvalidCronExpressionException if the expression is invalid
     */
    public CronTrigger {
      Objects.requireNonNull(cron, "cron");
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(target, "target");
      Cron.parse(cron);
    }

    /**
     * @param cron the cron expression
     * @param target the nodes to run on
     * @return a trigger reading the expression in UTC
     */
    public static CronTrigger utc(String cron, Target target) {
      return new CronTrigger(cron, ZoneOffset.UTC, target);
    }

    /**
     * @return the parsed expression
     */
    public Cron schedule() {
      return Cron.parse(cron);
    }
  }
}
