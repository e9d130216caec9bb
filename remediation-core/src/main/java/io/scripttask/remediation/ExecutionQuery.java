package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Filters for listing executions; every filter that is null (or empty) matches everything. Listings
 * are ordered newest first (by the store's sequence) and paged by keyset.
 *
 * @param workflowId only this workflow's executions, or null
 * @param nodeId only executions on this node, or null
 * @param statuses only executions in one of these statuses; empty for all
 * @param createdFrom only executions created at or after this instant, or null
 * @param createdBefore only executions created before this instant, or null
 */
public record ExecutionQuery(
    String workflowId,
    String nodeId,
    Set<ExecutionStatus> statuses,
    Instant createdFrom,
    Instant createdBefore) {

  /** Matches every execution. */
  public static final ExecutionQuery ALL = new ExecutionQuery(null, null, Set.of(), null, null);

  /**
   * Validates and copies the query.
   *
   * @throws NullPointerException if statuses is null
   * @throws ValidationException if createdBefore is not after createdFrom
   */
  public ExecutionQuery {
    statuses =
        Objects.requireNonNull(statuses, "statuses").isEmpty()
            ? Set.of()
            : Set.copyOf(EnumSet.copyOf(statuses));
    if (createdFrom != null && createdBefore != null && !createdBefore.isAfter(createdFrom)) {
      throw new ValidationException(
          "createdBefore", "be after createdFrom " + createdFrom, createdBefore);
    }
  }

  /**
   * @return a query matching every execution
   */
  public static ExecutionQuery all() {
    return ALL;
  }

  /**
   * @param workflowId the workflow
   * @return a copy matching only that workflow's executions
   */
  public ExecutionQuery workflow(String workflowId) {
    return new ExecutionQuery(
        Objects.requireNonNull(workflowId, "workflowId"),
        nodeId,
        statuses,
        createdFrom,
        createdBefore);
  }

  /**
   * @param nodeId the node
   * @return a copy matching only executions on that node
   */
  public ExecutionQuery node(String nodeId) {
    return new ExecutionQuery(
        workflowId, Objects.requireNonNull(nodeId, "nodeId"), statuses, createdFrom, createdBefore);
  }

  /**
   * @param first a status
   * @param more more statuses
   * @return a copy matching only executions in one of these statuses
   */
  public ExecutionQuery status(ExecutionStatus first, ExecutionStatus... more) {
    return new ExecutionQuery(
        workflowId, nodeId, EnumSet.of(first, more), createdFrom, createdBefore);
  }

  /**
   * @param from the earliest creation time, inclusive (null for none)
   * @param before the latest creation time, exclusive (null for none)
   * @return a copy matching only executions created in that range
   * @throws ValidationException if before is not after from
   */
  public ExecutionQuery created(Instant from, Instant before) {
    return new ExecutionQuery(workflowId, nodeId, statuses, from, before);
  }

  /**
   * @param e an execution
   * @return whether it matches every filter
   */
  public boolean matches(WorkflowExecution e) {
    return (workflowId == null || workflowId.equals(e.workflowId()))
        && (nodeId == null || nodeId.equals(e.nodeId()))
        && (statuses.isEmpty() || statuses.contains(e.status()))
        && (createdFrom == null || !e.createdAt().isBefore(createdFrom))
        && (createdBefore == null || e.createdAt().isBefore(createdBefore));
  }
}
