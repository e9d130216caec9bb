package io.scripttask.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of the scheduler's work, from its store.
 *
 * @param jobsByStatus how many jobs are in each status (every status present)
 * @param running running jobs ({@link JobStatus#RUNNING})
 * @param queued jobs waiting to run ({@link JobStatus#QUEUED} and {@link JobStatus#WAITING})
 * @param schedules stored schedules
 * @param upcoming the next fires of active schedules, earliest first
 */
public record Statistics(
    Map<JobStatus, Long> jobsByStatus,
    long running,
    long queued,
    long schedules,
    List<UpcomingFire> upcoming) {

  /**
   * Copies the collections.
   *
   * @throws NullPointerException if a collection is null
   */
  public Statistics {
    jobsByStatus = Map.copyOf(Objects.requireNonNull(jobsByStatus, "jobsByStatus"));
    upcoming = List.copyOf(Objects.requireNonNull(upcoming, "upcoming"));
  }

  /**
   * The next fire of one schedule.
   *
   * @param scheduleId the schedule
   * @param fireTime its next fire
   */
  public record UpcomingFire(String scheduleId, Instant fireTime) {

    /**
     * Validates the value.
     *
     * @throws NullPointerException if an argument is null
     */
    public UpcomingFire {
      Objects.requireNonNull(scheduleId, "scheduleId");
      Objects.requireNonNull(fireTime, "fireTime");
    }
  }
}
