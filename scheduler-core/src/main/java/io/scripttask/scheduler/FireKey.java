package io.scripttask.scheduler;

import java.time.Instant;
import java.util.Objects;

/**
 * The exactly-once key of a job: one fire of one schedule on one node. A store never holds two jobs
 * with the same key, in one process or across a cluster sharing the store; a retry is a new attempt
 * of the same job, never a new key.
 *
 * <p>Ad-hoc runs (a "run now", a workflow step) are not fires: their key is {@link #adHoc(String,
 * Instant, String)}, whose schedule id is {@link #AD_HOC_PREFIX} followed by the job's own id, so
 * it is unique by construction; the schedule they ran for, if any, is {@link Job#scheduleId()}.
 *
 * @param scheduleId the schedule's id (or the ad-hoc key's synthetic id)
 * @param fireTime the instant the trigger fired (for an ad-hoc run, when it was requested)
 * @param nodeId the node's id
 */
public record FireKey(String scheduleId, Instant fireTime, String nodeId) {

  /** How the synthetic schedule id of an ad-hoc key starts; no real schedule id may start so. */
  public static final String AD_HOC_PREFIX = "adhoc:";

  /**
   * Validates the key.
   *
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if an id is blank
   */
  public FireKey {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(fireTime, "fireTime");
    Objects.requireNonNull(nodeId, "nodeId");
    if (scheduleId.isBlank()) {
      throw new ValidationException("scheduleId", "not be blank", "\"" + scheduleId + "\"");
    }
    if (nodeId.isBlank()) {
      throw new ValidationException("nodeId", "not be blank", "\"" + nodeId + "\"");
    }
  }

  /**
   * The key of an ad-hoc run.
   *
   * @param jobId the job's id
   * @param requestedAt when the run was requested
   * @param nodeId the node
   * @return a key unique to the job
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if an id is blank
   */
  public static FireKey adHoc(String jobId, Instant requestedAt, String nodeId) {
    Objects.requireNonNull(jobId, "jobId");
    if (jobId.isBlank()) {
      throw new ValidationException("jobId", "not be blank", "\"" + jobId + "\"");
    }
    return new FireKey(AD_HOC_PREFIX + jobId, requestedAt, nodeId);
  }

  /**
   * @param o another object
   * @return whether it is a fire key with equal components
   */
  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof FireKey k
            && scheduleId.equals(k.scheduleId)
            && fireTime.equals(k.fireTime)
            && nodeId.equals(k.nodeId));
  }

  /**
   * @return a hash of the components (written out: the stores hash millions of keys)
   */
  @Override
  public int hashCode() {
    return (scheduleId.hashCode() * 31 + fireTime.hashCode()) * 31 + nodeId.hashCode();
  }

  /**
   * @return whether this is the key of an ad-hoc run rather than of a fire
   */
  public boolean isAdHoc() {
    return scheduleId.startsWith(AD_HOC_PREFIX);
  }
}
