package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.engine.Engine;
import io.scripttask.scheduler.spi.SchedulerStore;
import java.util.Objects;
import java.util.Optional;

/** Job operations of a {@link Scheduler}: list, read, cancel and retry. Thread-safe. */
public final class JobOperations {

  private final Engine engine;
  private final SchedulerStore store;

  JobOperations(Engine engine, SchedulerStore store) {
    this.engine = engine;
    this.store = store;
  }

  /**
   * Lists jobs, newest first, one page at a time.
   *
   * @param query the filters (status, node, schedule, time range)
   * @param page the page
   * @return the page
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if the page's cursor is not one this store produced
   */
  public PageResult<Job> list(JobQuery query, Page page) {
    return store.jobs(Objects.requireNonNull(query, "query"), Objects.requireNonNull(page, "page"));
  }

  /**
   * Reads a job.
   *
   * @param id the id
   * @return the job, or empty
   * @throws NullPointerException if {@code id} is null
   */
  public Optional<Job> get(String id) {
    return store.job(Objects.requireNonNull(id, "id"));
  }

  /**
   * Cancels a job. A queued or waiting job becomes {@link JobStatus#CANCELLED} at once. For a job
   * running on this instance the transport's execution is cancelled, and the job becomes {@code
   * CANCELLED} when the transport reports the end of the run (on the engine thread, normally within
   * milliseconds).
   *
   * @param id the job
   * @param actor who, or null
   * @return whether the job was cancelled or its cancellation requested; false if it does not exist
   *     or has already finished
   * @throws NullPointerException if {@code id} is null
   * @throws SchedulerException if the job runs on another scheduler instance
   */
  public boolean cancel(String id, String actor) {
    return engine.cancel(Objects.requireNonNull(id, "id"), actor);
  }

  /**
   * Retries a finished job: a new attempt of the same job (same id and fire key; never a new fire),
   * queued and due now, with one more attempt allowed.
   *
   * @param id the job
   * @param actor who, or null
   * @return the queued job
   * @throws NullPointerException if {@code id} is null
   * @throws ValidationException if the job has not finished or has used every attempt ({@link
   *     Retry#MAX_ATTEMPTS})
   * @throws SchedulerException if no job has that id, or it changed meanwhile
   */
  public Job retry(String id, String actor) {
    return engine.retry(Objects.requireNonNull(id, "id"), actor);
  }
}
