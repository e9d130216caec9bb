package io.scripttask.scheduler.spi;

import java.util.Map;
import java.util.Objects;

/**
 * How many jobs are {@link io.scripttask.scheduler.JobStatus#RUNNING}, in all and per node, per
 * group (each group of a job's {@link io.scripttask.scheduler.Job#groups()}) and per schedule: what
 * the limit checks need. A database answers it with grouped counts over an index on status.
 *
 * @param global running jobs in all
 * @param byNode running jobs per node id (absent means 0)
 * @param byGroup running jobs per group id (absent means 0)
 * @param bySchedule running jobs per schedule id (absent means 0; ad-hoc bare runs are not counted
 *     here)
 */
public record RunningCounts(
    long global,
    Map<String, Long> byNode,
    Map<String, Long> byGroup,
    Map<String, Long> bySchedule) {

  /** No job running. */
  public static final RunningCounts NONE = new RunningCounts(0, Map.of(), Map.of(), Map.of());

  /**
   * Copies the maps.
   *
   * @throws NullPointerException if a map is null
   * @throws IllegalArgumentException if a count is negative
   */
  public RunningCounts {
    if (global < 0) {
      throw new IllegalArgumentException("global must be at least 0, but was " + global);
    }
    byNode = Map.copyOf(Objects.requireNonNull(byNode, "byNode"));
    byGroup = Map.copyOf(Objects.requireNonNull(byGroup, "byGroup"));
    bySchedule = Map.copyOf(Objects.requireNonNull(bySchedule, "bySchedule"));
  }

  /**
   * @param nodeId a node id
   * @return running jobs on that node
   */
  public long node(String nodeId) {
    return byNode.getOrDefault(nodeId, 0L);
  }

  /**
   * @param groupId a group id
   * @return running jobs on the nodes of that group
   */
  public long group(String groupId) {
    return byGroup.getOrDefault(groupId, 0L);
  }

  /**
   * @param scheduleId a schedule id
   * @return running jobs of that schedule
   */
  public long schedule(String scheduleId) {
    return bySchedule.getOrDefault(scheduleId, 0L);
  }
}
