package io.scripttask.scheduler.spi;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.ValidationException;
import java.time.Instant;
import java.util.Objects;

/**
 * One cluster instance's share of the ready jobs, for {@link SchedulerStore#dispatchable(Instant,
 * Job, int, DispatchShare)}: the jobs whose {@link Job#sequence()} modulo {@code count} is {@code
 * index}, and every job that became ready at or before {@code openFrom}, whatever its sequence.
 *
 * <p>A share spreads the instances of a cluster over a queue of ready jobs: without it, every
 * instance reads the same head of the queue and all but one lose the race to claim each job, having
 * read it for nothing. A share never decides whether a job runs: the engine reads the rest of the
 * queue when its share holds fewer ready jobs than it asked for, and a job older than {@code
 * openFrom} is in every share, so a job is never left to an instance that stopped taking work.
 *
 * @param index this instance's place among the live instances, ordered by instance id: {@code 0} to
 *     {@code count - 1}
 * @param count how many live instances share the queue, at least 2
 * @param openFrom jobs ready at or before this instant are in every share
 */
public record DispatchShare(int index, int count, Instant openFrom) {

  /**
   * Validates the share.
   *
   * @throws NullPointerException if {@code openFrom} is null
   * @throws ValidationException if {@code count} is below 2 or {@code index} is not in {@code [0,
   *     count)}
   */
  public DispatchShare {
    Objects.requireNonNull(openFrom, "openFrom");
    if (count < 2) {
      throw new ValidationException("count", "be at least 2", count);
    }
    if (index < 0 || index >= count) {
      throw new ValidationException("index", "be at least 0 and below count " + count, index);
    }
  }

  /**
   * @param job a ready job
   * @return whether the job is in this share: its sequence falls in it, or it became ready at or
   *     before {@link #openFrom()}
   */
  public boolean includes(Job job) {
    return Math.floorMod(job.sequence(), count) == index || !job.readyAt().isAfter(openFrom);
  }
}
