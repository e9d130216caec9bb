package io.scripttask.scheduler;

/**
 * The concurrency limits a schedule's jobs are admitted under (the MeshCentral seed's {@code
 * concurrency: maxPerNode, maxPerMesh, maxGlobal}). A job of the schedule starts only while its
 * node runs fewer than {@code perNode} jobs, each group of its node fewer than {@code perGroup}
 * jobs, and the whole scheduler (or cluster) fewer than {@code global} jobs, counting the running
 * jobs of every schedule, so the limits protect the node, the group and the fleet; and while fewer
 * than {@code perSchedule} jobs of this schedule itself run. A job that is not admitted waits with
 * the limit as its reason and does not block the jobs behind it. {@link #UNLIMITED} ({@code 0})
 * means no limit; every limit is unlimited by default.
 *
 * <pre>{@code
 * Limits.perNode(1).perGroup(10).global(50)
 * }</pre>
 *
 * <p>Immutable: each setter returns a changed copy.
 *
 * @param perNode the most jobs (of any schedule) running on the job's node, or {@link #UNLIMITED}
 * @param perGroup the most jobs (of any schedule) running on the nodes of each of the job's groups,
 *     or {@link #UNLIMITED}
 * @param perSchedule the most jobs of this schedule running anywhere, or {@link #UNLIMITED}
 * @param global the most jobs (of any schedule) running in all, or {@link #UNLIMITED}
 */
public record Limits(int perNode, int perGroup, int perSchedule, int global) {

  /** The value meaning "no limit". */
  public static final int UNLIMITED = 0;

  /** No limit at all: the default. */
  public static final Limits NONE = new Limits(UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED);

  /**
   * Validates the limits.
   *
   * @throws ValidationException if a limit is negative
   */
  public Limits {
    check("perNode", perNode);
    check("perGroup", perGroup);
    check("perSchedule", perSchedule);
    check("global", global);
  }

  private static void check(String field, int value) {
    if (value < 0) {
      throw new ValidationException(field, "be positive, or 0 for unlimited", value);
    }
  }

  /**
   * @return limits with no limit at all
   */
  public static Limits none() {
    return NONE;
  }

  /**
   * Starts limits with a per-node limit; the others are unlimited.
   *
   * @param max the most jobs on one node, or {@link #UNLIMITED}
   * @return the limits
   * @throws ValidationException if {@code max} is negative
   */
  public static Limits perNode(int max) {
    return new Limits(max, UNLIMITED, UNLIMITED, UNLIMITED);
  }

  /**
   * @param max the most jobs on one node, or {@link #UNLIMITED}
   * @return a copy with that per-node limit
   * @throws ValidationException if {@code max} is negative
   */
  public Limits withPerNode(int max) {
    return new Limits(max, perGroup, perSchedule, global);
  }

  /**
   * @param max the most jobs on the nodes of one group, or {@link #UNLIMITED}
   * @return a copy with that per-group limit
   * @throws ValidationException if {@code max} is negative
   */
  public Limits perGroup(int max) {
    return new Limits(perNode, max, perSchedule, global);
  }

  /**
   * @param max the most jobs of the schedule running anywhere, or {@link #UNLIMITED}
   * @return a copy with that per-schedule limit
   * @throws ValidationException if {@code max} is negative
   */
  public Limits perSchedule(int max) {
    return new Limits(perNode, perGroup, max, global);
  }

  /**
   * @param max the most jobs running in all, or {@link #UNLIMITED}
   * @return a copy with that global limit
   * @throws ValidationException if {@code max} is negative
   */
  public Limits global(int max) {
    return new Limits(perNode, perGroup, perSchedule, max);
  }

  /**
   * Tells whether one more job fits under a limit.
   *
   * @param limit a limit of this record, possibly {@link #UNLIMITED}
   * @param running how many jobs run now
   * @return whether {@code running + 1} jobs are allowed
   */
  public static boolean admits(int limit, long running) {
    return limit == UNLIMITED || running < limit;
  }
}
