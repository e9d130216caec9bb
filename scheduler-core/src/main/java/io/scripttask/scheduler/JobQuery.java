package io.scripttask.scheduler;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Filters for listing jobs; every filter given must match. Jobs are listed newest first (by
 * descending {@link Job#sequence()}, then descending id). Time ranges include their start and
 * exclude their end; a job with no finish time never matches a finish range. Immutable; start from
 * {@link #all()}.
 *
 * @param statuses the statuses to include; empty for all
 * @param scheduleId the job's {@link Job#scheduleId()}, or {@code null}
 * @param nodeId the job's node, or {@code null}
 * @param owner the job's owner (the claiming instance), or {@code null}
 * @param createdFrom the earliest creation time, or {@code null}
 * @param createdTo the creation time bound (exclusive), or {@code null}
 * @param finishedFrom the earliest finish time, or {@code null}
 * @param finishedTo the finish time bound (exclusive), or {@code null}
 */
public record JobQuery(
    Set<JobStatus> statuses,
    String scheduleId,
    String nodeId,
    String owner,
    Instant createdFrom,
    Instant createdTo,
    Instant finishedFrom,
    Instant finishedTo) {

  private static final JobQuery ALL =
      new JobQuery(Set.of(), null, null, null, null, null, null, null);

  /**
   * Copies the statuses and checks the ranges.
   *
   * @throws NullPointerException if {@code statuses} or a status is null
   * @throws ValidationException if a range ends before it starts
   */
  public JobQuery {
    Objects.requireNonNull(statuses, "statuses");
    statuses =
        statuses.isEmpty()
            ? Set.of()
            : Collections.unmodifiableSet(EnumSet.copyOf(Set.copyOf(statuses)));
    if (createdFrom != null && createdTo != null && createdTo.isBefore(createdFrom)) {
      throw new ValidationException(
          "createdTo", "not be before createdFrom (" + createdFrom + ")", createdTo);
    }
    if (finishedFrom != null && finishedTo != null && finishedTo.isBefore(finishedFrom)) {
      throw new ValidationException(
          "finishedTo", "not be before finishedFrom (" + finishedFrom + ")", finishedTo);
    }
  }

  /**
   * @return the query that matches every job
   */
  public static JobQuery all() {
    return ALL;
  }

  /**
   * @param wanted the statuses to include
   * @return a copy with that filter
   * @throws NullPointerException if a status is null
   */
  public JobQuery statuses(JobStatus... wanted) {
    return new JobQuery(
        Set.copyOf(Arrays.asList(wanted)),
        scheduleId,
        nodeId,
        owner,
        createdFrom,
        createdTo,
        finishedFrom,
        finishedTo);
  }

  /**
   * @param wanted the schedule id
   * @return a copy with that filter
   * @throws NullPointerException if {@code wanted} is null
   */
  public JobQuery schedule(String wanted) {
    return new JobQuery(
        statuses,
        Objects.requireNonNull(wanted, "scheduleId"),
        nodeId,
        owner,
        createdFrom,
        createdTo,
        finishedFrom,
        finishedTo);
  }

  /**
   * @param wanted the node id
   * @return a copy with that filter
   * @throws NullPointerException if {@code wanted} is null
   */
  public JobQuery node(String wanted) {
    return new JobQuery(
        statuses,
        scheduleId,
        Objects.requireNonNull(wanted, "nodeId"),
        owner,
        createdFrom,
        createdTo,
        finishedFrom,
        finishedTo);
  }

  /**
   * @param wanted the owning instance
   * @return a copy with that filter
   * @throws NullPointerException if {@code wanted} is null
   */
  public JobQuery owner(String wanted) {
    return new JobQuery(
        statuses,
        scheduleId,
        nodeId,
        Objects.requireNonNull(wanted, "owner"),
        createdFrom,
        createdTo,
        finishedFrom,
        finishedTo);
  }

  /**
   * @param from the earliest creation time (inclusive), or null
   * @param to the bound (exclusive), or null
   * @return a copy with that range
   * @throws ValidationException if {@code to} is before {@code from}
   */
  public JobQuery createdBetween(Instant from, Instant to) {
    return new JobQuery(statuses, scheduleId, nodeId, owner, from, to, finishedFrom, finishedTo);
  }

  /**
   * @param from the earliest finish time (inclusive), or null
   * @param to the bound (exclusive), or null
   * @return a copy with that range
   * @throws ValidationException if {@code to} is before {@code from}
   */
  public JobQuery finishedBetween(Instant from, Instant to) {
    return new JobQuery(statuses, scheduleId, nodeId, owner, createdFrom, createdTo, from, to);
  }

  /**
   * @param job a job
   * @return whether it matches every filter
   * @throws NullPointerException if {@code job} is null
   */
  public boolean matches(Job job) {
    if (!statuses.isEmpty() && !statuses.contains(job.status())) {
      return false;
    }
    if (scheduleId != null && !scheduleId.equals(job.scheduleId())) {
      return false;
    }
    if (nodeId != null && !nodeId.equals(job.nodeId())) {
      return false;
    }
    if (owner != null && !owner.equals(job.owner())) {
      return false;
    }
    if (createdFrom != null && job.createdAt().isBefore(createdFrom)) {
      return false;
    }
    if (createdTo != null && !job.createdAt().isBefore(createdTo)) {
      return false;
    }
    if (finishedFrom != null || finishedTo != null) {
      Instant f = job.finishedAt();
      if (f == null) {
        return false;
      }
      if (finishedFrom != null && f.isBefore(finishedFrom)) {
        return false;
      }
      if (finishedTo != null && !f.isBefore(finishedTo)) {
        return false;
      }
    }
    return true;
  }
}
