package io.scripttask.scheduler;

import java.time.Instant;
import java.util.Objects;

/**
 * A scheduler instance known to the store: cluster membership and its lease. Every {@link
 * Scheduler} renews its row through {@link io.scripttask.scheduler.spi.SchedulerStore#heartbeat}
 * while it runs and removes it on a graceful shutdown. While its lease is live ({@link
 * #alive(Instant)}) its running jobs are its own; once the lease has expired, any instance sharing
 * the store recovers them (see {@link Scheduler.Builder#leaseDuration}).
 *
 * @param id the instance's id ({@link Scheduler.Builder#instanceId}), the owner recorded on the
 *     jobs it runs
 * @param startedAt its first heartbeat (since its row was last created)
 * @param heartbeatAt its latest heartbeat, by its own clock
 * @param leaseUntil the instant its lease expires unless renewed, by its own clock
 */
public record SchedulerInstance(
    String id, Instant startedAt, Instant heartbeatAt, Instant leaseUntil) {

  /**
   * Validates the fields.
   *
   * @throws NullPointerException if a field is null
   * @throws ValidationException if the id is blank
   */
  public SchedulerInstance {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(heartbeatAt, "heartbeatAt");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    if (id.isBlank()) {
      throw new ValidationException("id", "not be blank", "\"" + id + "\"");
    }
  }

  /**
   * Tells whether the lease is live at an instant: {@code leaseUntil} is after it.
   *
   * @param now the instant
   * @return whether the instance still holds its lease at {@code now}
   * @throws NullPointerException if {@code now} is null
   */
  public boolean alive(Instant now) {
    return leaseUntil.isAfter(Objects.requireNonNull(now, "now"));
  }
}
