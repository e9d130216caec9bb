package io.scripttask.scheduler.spi;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.WaitReason;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link SchedulerStore#claim} did: a closed set, one of {@link Claimed}, {@link Lost} and
 * {@link Limited}.
 */
public sealed interface ClaimOutcome {

  /**
   * The job was claimed: it is stored {@link JobStatus#RUNNING} with the caller's owner and fencing
   * token.
   *
   * @param job the stored job (its version is the expected version plus one)
   */
  record Claimed(Job job) implements ClaimOutcome {
    /**
     * Checks the job.
     *
     * @throws NullPointerException if {@code job} is null
     * @throws ValidationException if the job is not RUNNING
     */
    public Claimed {
      Objects.requireNonNull(job, "job");
      if (job.status() != JobStatus.RUNNING) {
        throw new ValidationException("job.status", "be RUNNING", job.status());
      }
    }
  }

  /**
   * The stored job no longer has the expected status and version (another instance or operation
   * changed it first), or it no longer exists; nothing changed.
   */
  record Lost() implements ClaimOutcome {}

  /**
   * A limit is full; nothing changed. The job should wait with {@code reason}.
   *
   * @param reason the first full limit, in the order node, group, schedule, global: {@link
   *     WaitReason#NODE_LIMIT}, {@link WaitReason#GROUP_LIMIT}, {@link WaitReason#SCHEDULE_LIMIT}
   *     or {@link WaitReason#GLOBAL_LIMIT}
   * @param detail a short human explanation (which node, group or schedule, and the limit)
   */
  record Limited(WaitReason reason, String detail) implements ClaimOutcome {

    private static final Set<WaitReason> LIMITS =
        Set.of(
            WaitReason.NODE_LIMIT,
            WaitReason.GROUP_LIMIT,
            WaitReason.SCHEDULE_LIMIT,
            WaitReason.GLOBAL_LIMIT);

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a field is null
     * @throws ValidationException if {@code reason} is not one of the four limit reasons
     */
    public Limited {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      if (!LIMITS.contains(reason)) {
        throw new ValidationException(
            "reason", "be NODE_LIMIT, GROUP_LIMIT, SCHEDULE_LIMIT or GLOBAL_LIMIT", reason);
      }
    }
  }
}
