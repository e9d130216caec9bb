package io.scripttask.scheduler;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One upcoming run in a schedule's preview: a fire of its trigger on one node, with the maintenance
 * windows of that node taken into account. Limits, dependencies and node state are not (they depend
 * on what else runs then).
 *
 * @param fireTime when the trigger fires
 * @param nodeId the node the run is for
 * @param dueAt the fire time plus the fire key's jitter
 * @param startsAt when the windows let it start: {@code dueAt} if admitted then, the end of the
 *     hold for {@link WindowPolicy#HOLD}, or {@code null} when it would be skipped (policy {@link
 *     WindowPolicy#SKIP}, or no admission within {@link MaintenanceWindow#SEARCH_HORIZON})
 * @param heldByWindow whether a window holds or skips it
 */
public record PlannedRun(
    Instant fireTime, String nodeId, Instant dueAt, Instant startsAt, boolean heldByWindow) {

  /**
   * Validates the value.
   *
   * @throws NullPointerException if fireTime, nodeId or dueAt is null
   */
  public PlannedRun {
    Objects.requireNonNull(fireTime, "fireTime");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(dueAt, "dueAt");
  }

  /**
   * @return when it would start, or empty if it would be skipped
   */
  public Optional<Instant> start() {
    return Optional.ofNullable(startsAt);
  }
}
