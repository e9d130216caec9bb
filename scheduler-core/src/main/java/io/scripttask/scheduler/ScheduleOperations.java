package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.engine.Engine;
import io.scripttask.scheduler.spi.SchedulerStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Schedule operations of a {@link Scheduler}: create, update, delete, read, list, pause, resume,
 * run now and preview. Every changing operation takes an {@code actor} (who did it, for audit; may
 * be null for an anonymous API caller, recorded as {@value Engine#DEFAULT_ACTOR}) that the events
 * carry. Thread-safe.
 */
public final class ScheduleOperations {

  private final Engine engine;
  private final SchedulerStore store;

  ScheduleOperations(Engine engine, SchedulerStore store) {
    this.engine = engine;
    this.store = store;
  }

  /**
   * Creates a schedule whose id is the spec's name. Its first fire is the trigger's first fire
   * strictly after now.
   *
   * @param spec the spec
   * @param actor who creates it, or null
   * @return the stored schedule
   * @throws NullPointerException if {@code spec} is null
   * @throws ValidationException if the script is not stored, a dependency names no stored schedule,
   *     or the dependencies form a cycle (the message names it: {@code a -> b -> a})
   * @throws DuplicateScheduleException if a schedule with that id exists
   */
  public Schedule create(ScheduleSpec spec, String actor) {
    return engine.create(Objects.requireNonNull(spec, "spec"), actor);
  }

  /**
   * Replaces the spec of the schedule named {@code spec.name()}. If the trigger changed, the next
   * fire is the new trigger's first fire after now; otherwise it is kept.
   *
   * @param spec the new spec
   * @param actor who changes it, or null
   * @return the stored schedule
   * @throws NullPointerException if {@code spec} is null
   * @throws ValidationException as for {@link #create}
   * @throws NoSuchScheduleException if no schedule has that id
   */
  public Schedule update(ScheduleSpec spec, String actor) {
    return engine.update(Objects.requireNonNull(spec, "spec"), actor);
  }

  /**
   * Deletes a schedule. Its finished jobs stay as history; its pending jobs are skipped ({@link
   * SkipReason#SCHEDULE_DELETED}) when they come up.
   *
   * @param id the schedule's id
   * @param actor who deletes it, or null
   * @return whether it existed
   * @throws NullPointerException if {@code id} is null
   */
  public boolean delete(String id, String actor) {
    return engine.delete(Objects.requireNonNull(id, "id"), actor);
  }

  /**
   * Reads a schedule.
   *
   * @param id the id
   * @return the schedule, or empty
   * @throws NullPointerException if {@code id} is null
   */
  public Optional<Schedule> get(String id) {
    return store.get(Objects.requireNonNull(id, "id"));
  }

  /**
   * Lists schedules by id, one page at a time.
   *
   * @param query the filters
   * @param page the page
   * @return the page
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if the page's cursor is not one this store produced
   */
  public PageResult<Schedule> list(ScheduleQuery query, Page page) {
    return store.list(Objects.requireNonNull(query, "query"), Objects.requireNonNull(page, "page"));
  }

  /**
   * Pauses a schedule: it stops firing, and its pending fired jobs are skipped ({@link
   * SkipReason#SCHEDULE_PAUSED}) when they come up. Pausing a paused schedule changes nothing.
   *
   * @param id the schedule
   * @param actor who, or null
   * @return the stored schedule
   * @throws NullPointerException if {@code id} is null
   * @throws NoSuchScheduleException if no schedule has that id
   */
  public Schedule pause(String id, String actor) {
    return engine.setPaused(Objects.requireNonNull(id, "id"), true, actor);
  }

  /**
   * Resumes a paused or auto-paused schedule: the trigger restarts from now (fires that fell in the
   * pause are not caught up) and the consecutive failure count is cleared.
   *
   * @param id the schedule
   * @param actor who, or null
   * @return the stored schedule
   * @throws NullPointerException if {@code id} is null
   * @throws NoSuchScheduleException if no schedule has that id
   */
  public Schedule resume(String id, String actor) {
    return engine.setPaused(Objects.requireNonNull(id, "id"), false, actor);
  }

  /**
   * Runs a schedule now, once per node of its target, as ad-hoc jobs (even when paused); the jobs
   * go through the same admission (windows, limits, dependencies, overlap) as fired ones.
   *
   * @param id the schedule
   * @param actor the user who asked, or null for an API call ({@link TriggeredBy.Kind#API})
   * @return the queued jobs
   * @throws NullPointerException if {@code id} is null
   * @throws NoSuchScheduleException if no schedule has that id
   */
  public List<Job> runNow(String id, String actor) {
    Objects.requireNonNull(id, "id");
    TriggeredBy by =
        actor == null || actor.isBlank()
            ? new TriggeredBy(TriggeredBy.Kind.API, Engine.DEFAULT_ACTOR)
            : TriggeredBy.user(actor);
    return engine.runNow(id, by);
  }

  /**
   * Previews the next {@code count} fires from the schedule's next fire, on each node its target
   * resolves to now, with jitter and maintenance windows applied: a run a window holds shows when
   * it would start ({@link PlannedRun#startsAt()}), a run it would skip has no start. Limits,
   * dependencies and node state are not considered.
   *
   * @param id the schedule
   * @param count how many fires, 0-10000
   * @return the planned runs, by fire time then node id
   * @throws NullPointerException if {@code id} is null
   * @throws ValidationException if {@code count} is out of range
   * @throws NoSuchScheduleException if no schedule has that id
   */
  public List<PlannedRun> preview(String id, int count) {
    return engine.preview(Objects.requireNonNull(id, "id"), count);
  }
}
