package io.scripttask.scheduler.spi;

import io.scripttask.scheduler.AfterCompletionTrigger;
import io.scripttask.scheduler.DuplicateScheduleException;
import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.MaintenanceWindow;
import io.scripttask.scheduler.NoSuchScheduleException;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleQuery;
import io.scripttask.scheduler.ScheduleState;
import io.scripttask.scheduler.SchedulerInstance;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.StaleVersionException;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.Variable;
import io.scripttask.scheduler.VariableScope;
import io.scripttask.scheduler.WaitReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where the scheduler keeps everything it must not lose: schedules, jobs and their history,
 * maintenance windows, scripts and variables. Every state change of the engine goes through this
 * interface first (contract 8).
 *
 * <p><b>Sharing.</b> Several scheduler instances may share one store (cluster mode). Every method
 * is therefore atomic on its own, and the methods that change state under contention are
 * compare-and-set operations: {@link #update} compares the schedule's version, {@link #fire}
 * compares the schedule's next fire time and inserts jobs under the unique {@link FireKey}, and
 * {@link #transition} compares a job's status and version, and {@link #claim} does the same
 * together with the concurrency limits. A caller that loses a race learns it from the return value
 * (or a {@link StaleVersionException}) and re-reads.
 *
 * <p><b>Batches.</b> {@link #fireAll}, {@link #claimAll}, {@link #transitionAll} and {@link
 * #nextSequences} do the work of many single calls in one call, with the same outcomes as those
 * calls made one after another; the engine's hot path uses them. Their default implementations are
 * exactly those loops, so a store need not implement them; a database store overrides them to serve
 * a batch in one transaction (one round trip) instead of one per job.
 *
 * <p><b>Cluster membership.</b> Each instance keeps a row with a lease ({@link #heartbeat}); a
 * RUNNING job's {@link Job#owner()} names the instance that claimed it. When the owner's lease has
 * expired (or its row is gone), {@link #orphaned} lists the job so that a live instance recovers
 * it; a job's {@link Job#fencingToken()} and version make the late result of the dead owner lose
 * every compare-and-set afterwards.
 *
 * <p><b>Database shape.</b> Each method is meant to be one or a few indexed statements: schedules
 * keyed by id with an index on {@code (state, next_fire_time)}; jobs keyed by id, a unique index on
 * {@code (schedule_id, fire_time, node_id)}, an index on {@code (status, priority, ready_at,
 * sequence)} for dispatch, on {@code (sequence)} for listing, on {@code (finished_at)} for
 * retention, on {@code (schedule_id, node_id, finished_at)} for dependency checks and on {@code
 * (schedule_id, node_id, status)} for overlap and dependency checks; schedules also by the upstream
 * id of an after-completion trigger.
 *
 * <p><b>Values.</b> Everything returned is an immutable snapshot; changing the store later never
 * changes a returned object. The store keeps no clock: every time is passed in by the caller.
 * Versions are the store's: {@link #create} and {@link #insert} store version 0, every successful
 * {@link #update}, {@link #fire} and {@link #transition} stores the previous version plus one.
 *
 * <p>Implementations must be thread-safe. Arguments are never null unless documented; a null
 * argument throws {@link NullPointerException}.
 */
public interface SchedulerStore {

  // ---------------------------------------------------------------- schedules

  /**
   * Stores a new schedule, atomically, with version 0.
   *
   * @param schedule the schedule; its version is ignored
   * @return the stored schedule
   * @throws DuplicateScheduleException if a schedule with that id exists
   */
  Schedule create(Schedule schedule);

  /**
   * Replaces a schedule if its stored version is still {@code expectedVersion} (compare-and-set; a
   * database runs {@code UPDATE … WHERE id = ? AND version = ?}). The stored copy gets version
   * {@code expectedVersion + 1}.
   *
   * @param schedule the new content; its id names the schedule, its version is ignored
   * @param expectedVersion the version the change is based on
   * @return the stored schedule
   * @throws NoSuchScheduleException if no schedule has that id
   * @throws StaleVersionException if the stored version differs
   */
  Schedule update(Schedule schedule, long expectedVersion);

  /**
   * Deletes a schedule, atomically. Its jobs stay, as history.
   *
   * @param scheduleId the id
   * @return whether a schedule was deleted
   */
  boolean delete(String scheduleId);

  /**
   * Reads a schedule.
   *
   * @param scheduleId the id
   * @return the schedule, or empty
   */
  Optional<Schedule> get(String scheduleId);

  /**
   * Reads several schedules at once: what a dispatch pass needs for a page of ready jobs. The
   * default calls {@link #get} per id; a database answers it with one query.
   *
   * @param scheduleIds the ids (duplicates are read once)
   * @return the schedules that exist, by id; ids without a schedule are absent
   * @throws NullPointerException if the collection or an id is null
   */
  default Map<String, Schedule> getAll(Collection<String> scheduleIds) {
    Map<String, Schedule> found = new HashMap<>();
    for (String id : Objects.requireNonNull(scheduleIds, "scheduleIds")) {
      Objects.requireNonNull(id, "scheduleId");
      if (!found.containsKey(id)) {
        get(id).ifPresent(s -> found.put(id, s));
      }
    }
    return found;
  }

  /**
   * Lists schedules matching a query, ordered by id, one keyset page at a time: walking the pages
   * returns every schedule that matched throughout the walk exactly once, with no duplicates.
   *
   * @param query the filters
   * @param page the page; its cursor must come from a previous result of this method
   * @return the page
   * @throws ValidationException if the cursor is not one this store produced
   */
  PageResult<Schedule> list(ScheduleQuery query, Page page);

  /**
   * Counts schedules.
   *
   * @return how many schedules are stored
   */
  long scheduleCount();

  /**
   * Finds schedules due to fire: state {@link ScheduleState#ACTIVE} and {@code nextFireTime <=
   * upTo}, ordered by next fire time then id, at most {@code limit}. Served from an index (cost
   * independent of how many schedules are not due).
   *
   * @param upTo the latest next fire time to include
   * @param limit the most schedules returned, at least 1
   * @return the due schedules, earliest first
   * @throws ValidationException if {@code limit} is below 1
   */
  List<Schedule> dueSchedules(Instant upTo, int limit);

  /**
   * Finds the schedules run after another one: those whose trigger is an {@link
   * AfterCompletionTrigger} naming {@code upstreamScheduleId}, whatever their state. Served from an
   * index (a database: on the upstream id of an after-completion trigger), so the cost depends on
   * how many schedules match, not on how many are stored.
   *
   * @param upstreamScheduleId the upstream schedule's id (it need not exist)
   * @return the matching schedules ordered by id, an unmodifiable list, empty if none
   */
  List<Schedule> triggeredAfter(String upstreamScheduleId);

  /**
   * The fire step, in one atomic step (one transaction): if the schedule exists, is {@link
   * ScheduleState#ACTIVE} and its next fire time still equals {@code expectedNextFire}, sets its
   * next fire time to {@code newNextFire}, its last fire time to {@code expectedNextFire},
   * increments its version, and inserts {@code jobs} (with version 0), skipping every job whose
   * fire key or id already exists; otherwise changes nothing. Of several callers firing the same
   * schedule with the same expected time (threads or cluster instances), exactly one gets {@link
   * FireOutcome.Status#FIRED}; a fire key never gets two jobs.
   *
   * @param scheduleId the schedule
   * @param expectedNextFire the next fire time the caller read
   * @param newNextFire the following fire time, or {@code null} when the trigger is exhausted; must
   *     be after {@code expectedNextFire}
   * @param jobs the jobs of this fire (and, for catch-up, of missed fires); each job's {@link
   *     Job#scheduleId()} must be {@code scheduleId}; may be empty
   * @return what happened, with the inserted jobs and the ignored keys
   * @throws ValidationException if {@code newNextFire} is not after {@code expectedNextFire} or a
   *     job belongs to another schedule (checked before anything changes)
   */
  FireOutcome fire(
      String scheduleId, Instant expectedNextFire, Instant newNextFire, List<Job> jobs);

  /**
   * Fires several schedules: the same as calling {@link #fire} for each request in list order, with
   * the same outcomes, but in one call, so that a database can do it in one transaction (one round
   * trip) and the in-memory store under one lock. The engine fires the schedules due in a pass
   * through here.
   *
   * <p>A batch is not atomic as a whole, and need not be isolated from other callers: only each
   * request is atomic, exactly as the single call is. Each request sees the changes of the requests
   * before it in the list, so the outcomes are those of the single calls made one after another in
   * list order.
   *
   * <p>The default implementation is that loop; a store overrides it only to do the same work
   * faster.
   *
   * @param requests the fires, in order; each was validated when it was built
   * @return one outcome per request, in the same order, an unmodifiable list
   * @throws RuntimeException whatever {@link #fire} throws (a store failure); the requests before
   *     the failing one may have been applied, the failing one and those after it were not
   */
  default List<FireOutcome> fireAll(List<FireRequest> requests) {
    List<FireOutcome> outcomes = new ArrayList<>(requests.size());
    for (FireRequest r : requests) {
      outcomes.add(fire(r.scheduleId(), r.expectedNextFire(), r.newNextFire(), r.jobs()));
    }
    return Collections.unmodifiableList(outcomes);
  }

  // ---------------------------------------------------------------- jobs

  /**
   * Reads a job.
   *
   * @param jobId the id
   * @return the job, or empty
   */
  Optional<Job> job(String jobId);

  /**
   * Inserts a job (an ad-hoc run, for example), atomically, with version 0.
   *
   * @param job the job; its version is ignored
   * @return true if inserted; false if a job with the same fire key or the same id exists (nothing
   *     changes)
   */
  boolean insert(Job job);

  /**
   * Replaces a job if its stored status is still {@code expectedStatus} and its stored version
   * still {@code expectedVersion} (compare-and-set; a database runs {@code UPDATE … WHERE id = ?
   * AND status = ? AND version = ?}). Claims, waits, finishes, retries and cancellations all go
   * through here; the fencing token and owner in {@code next} are stored as given. The stored copy
   * gets version {@code expectedVersion + 1}.
   *
   * @param next the new content; its id names the job, its version is ignored
   * @param expectedStatus the status the change is based on
   * @param expectedVersion the version the change is based on
   * @return the stored job, or empty if no job has that id or its status or version differ
   * @throws ValidationException if {@code next} changes the job's identity: schedule id, fire key
   *     or sequence
   */
  Optional<Job> transition(Job next, JobStatus expectedStatus, long expectedVersion);

  /**
   * Claims a job for running, atomically with the limit check (contract 6 across a cluster; one
   * transaction in a database): if the stored job still has {@code expectedStatus} and {@code
   * expectedVersion}, and the {@link JobStatus#RUNNING} jobs of all schedules and all owners leave
   * room under {@code limits}, stores {@code running} with version {@code expectedVersion + 1} and
   * returns {@link ClaimOutcome.Claimed}. The limits are checked in this order, each against the
   * running jobs at that moment (the job being claimed is not running yet, so it is not among
   * them), and the first full one is returned as {@link ClaimOutcome.Limited} with nothing changed:
   *
   * <ol>
   *   <li>{@link Limits#perNode()}: running jobs on {@code running.nodeId()} ({@link
   *       WaitReason#NODE_LIMIT});
   *   <li>{@link Limits#perGroup()}: for each group of {@code running.groups()} in turn, running
   *       jobs whose {@link Job#groups()} contain it ({@link WaitReason#GROUP_LIMIT});
   *   <li>{@link Limits#perSchedule()}: running jobs whose {@link Job#scheduleId()} is {@code
   *       running.scheduleId()}, skipped when that is {@code null} ({@link
   *       WaitReason#SCHEDULE_LIMIT});
   *   <li>{@link Limits#global()}: all running jobs ({@link WaitReason#GLOBAL_LIMIT}).
   * </ol>
   *
   * <p>A limit of {@link Limits#UNLIMITED} (0) is never full. If the stored job is missing or its
   * status or version differ, returns {@link ClaimOutcome.Lost} (checked before the limits) and
   * changes nothing. Two concurrent claims (threads or cluster instances) never both fit into the
   * last free slot of a limit: a database serializes claims on the counted rows, or on a lock row,
   * in the claim's transaction. Jobs of a dead owner count until they are recovered.
   *
   * @param running the new content: status {@link JobStatus#RUNNING}, with owner, start time and
   *     fencing token; its id names the job, its version is ignored
   * @param expectedStatus the status the claim is based on: {@link JobStatus#QUEUED} or {@link
   *     JobStatus#WAITING}
   * @param expectedVersion the version the claim is based on
   * @param limits the limits to respect
   * @return what happened
   * @throws ValidationException if {@code running} is not RUNNING, {@code expectedStatus} is not
   *     QUEUED or WAITING, or {@code running} changes the job's identity (schedule id, fire key or
   *     sequence); checked before anything changes
   */
  ClaimOutcome claim(Job running, JobStatus expectedStatus, long expectedVersion, Limits limits);

  /**
   * Claims several jobs: the same as calling {@link #claim} for each request in list order, with
   * the same outcomes, but in one call, so that a database can do it in one transaction and the
   * in-memory store under one lock. The engine claims the jobs it admits in a dispatch pass through
   * here.
   *
   * <p>A batch is not atomic as a whole, and need not be isolated from other callers: only each
   * request is atomic, exactly as the single call is. Each request sees the changes of the requests
   * before it in the list, so the outcomes are those of the single calls made one after another in
   * list order: a claim counts the jobs claimed by the requests before it against the limits (a
   * batch never overfills a limit), and a second claim of the same job in one batch is {@link
   * ClaimOutcome.Lost}.
   *
   * <p>The default implementation is that loop; a store overrides it only to do the same work
   * faster.
   *
   * @param requests the claims, in order
   * @return one outcome per request, in the same order, an unmodifiable list
   * @throws ValidationException if a request changes its job's identity (schedule id, fire key or
   *     sequence), as {@link #claim} does
   * @throws RuntimeException whatever else {@link #claim} throws (a store failure); in either case
   *     the requests before the failing one may have been applied, the failing one and those after
   *     it were not
   */
  default List<ClaimOutcome> claimAll(List<ClaimRequest> requests) {
    List<ClaimOutcome> outcomes = new ArrayList<>(requests.size());
    for (ClaimRequest r : requests) {
      outcomes.add(claim(r.running(), r.expectedStatus(), r.expectedVersion(), r.limits()));
    }
    return Collections.unmodifiableList(outcomes);
  }

  /**
   * Like {@link #transition(Job, JobStatus, long)} and, in the same atomic step (one transaction),
   * inserts {@code follow} (the jobs of schedules triggered by this job's completion) with version
   * 0, skipping every job whose fire key or id already exists (or repeats one earlier in the list).
   * This closes the after-completion crash window: a completion and its downstream jobs are stored
   * together or not at all.
   *
   * @param next the new content; its id names the job, its version is ignored
   * @param expectedStatus the status the change is based on
   * @param expectedVersion the version the change is based on
   * @param follow the jobs to insert with the change; may be empty
   * @return the stored job, or empty (and nothing inserted) if no job has that id or its status or
   *     version differ
   * @throws ValidationException if {@code next} changes the job's identity: schedule id, fire key
   *     or sequence (checked before anything changes)
   */
  Optional<Job> transition(
      Job next, JobStatus expectedStatus, long expectedVersion, List<Job> follow);

  /**
   * Changes several jobs: the same as calling {@link #transition(Job, JobStatus, long, List)} for
   * each request in list order (or {@link #transition(Job, JobStatus, long)} when it has no follow
   * jobs), with the same results, but in one call, so that a database can do it in one transaction
   * and the in-memory store under one lock. The engine records the results of finished runs through
   * here.
   *
   * <p>A batch is not atomic as a whole, and need not be isolated from other callers: only each
   * request is atomic, exactly as the single call is. Each request sees the changes of the requests
   * before it in the list, so the outcomes are those of the single calls made one after another in
   * list order: a second change of the same job in one batch must expect the version the first one
   * stored.
   *
   * <p>The default implementation is that loop; a store overrides it only to do the same work
   * faster.
   *
   * @param requests the changes, in order
   * @return per request, in the same order, the stored job or empty (and, for that request, nothing
   *     inserted) if its compare-and-set failed; an unmodifiable list
   * @throws ValidationException if a request changes its job's identity (schedule id, fire key or
   *     sequence), as {@code transition} does
   * @throws RuntimeException whatever else {@code transition} throws (a store failure); in either
   *     case the requests before the failing one may have been applied, the failing one and those
   *     after it were not
   */
  default List<Optional<Job>> transitionAll(List<TransitionRequest> requests) {
    List<Optional<Job>> results = new ArrayList<>(requests.size());
    for (TransitionRequest r : requests) {
      results.add(
          r.follow().isEmpty()
              ? transition(r.next(), r.expectedStatus(), r.expectedVersion())
              : transition(r.next(), r.expectedStatus(), r.expectedVersion(), r.follow()));
    }
    return Collections.unmodifiableList(results);
  }

  /**
   * Finds jobs ready to dispatch: status {@link JobStatus#QUEUED} or {@link JobStatus#WAITING} and
   * {@link Job#readyAt()} (the retry time if set, else the due time) {@code <= now}; ordered by
   * priority ({@code CRITICAL} first), then ready time, then sequence, then id (contract 5), at
   * most {@code limit}. Served from an index. The result is a snapshot: claim each job with {@link
   * #transition}, which fails if another instance claimed it first.
   *
   * @param now the current time
   * @param limit the most jobs returned, at least 1
   * @return the jobs, in dispatch order
   * @throws ValidationException if {@code limit} is below 1
   */
  List<Job> dispatchable(Instant now, int limit);

  /**
   * The next page of {@link #dispatchable(Instant, int)}: the ready jobs that come strictly after
   * {@code after} in dispatch order (priority, ready time, sequence, id), at most {@code limit}.
   * The engine reads a long queue of ready jobs page by page this way, each job once per pass,
   * instead of reading it again from its head. {@code after} need not be stored any more (it may
   * have been claimed meanwhile); only its order key counts.
   *
   * <p>The default reads the whole ready queue with {@link #dispatchable(Instant, int)} and skips
   * to {@code after}; a store that keeps many ready jobs overrides it with a seek on its index.
   *
   * @param now the current time
   * @param after the last job of the previous page
   * @param limit the most jobs returned, at least 1
   * @return the jobs after {@code after}, in dispatch order
   * @throws ValidationException if {@code limit} is below 1
   */
  default List<Job> dispatchable(Instant now, Job after, int limit) {
    Objects.requireNonNull(after, "after");
    if (limit < 1) {
      throw new ValidationException("limit", "be at least 1", limit);
    }
    List<Job> page = new ArrayList<>(Math.min(limit, 256));
    for (Job j : dispatchable(now, Integer.MAX_VALUE)) {
      if (DISPATCH_ORDER.compare(j, after) > 0) {
        page.add(j);
        if (page.size() == limit) {
          break;
        }
      }
    }
    return Collections.unmodifiableList(page);
  }

  /**
   * A page of {@link #dispatchable(Instant, int)} restricted to one cluster instance's {@link
   * DispatchShare}: the ready jobs in the share, in dispatch order, from the head of the queue
   * ({@code after} null) or strictly after {@code after}, at most {@code limit}. The engine of a
   * cluster member reads its share first and the rest of the queue only when its share runs short,
   * so that the members do not all read, and race for, the same jobs.
   *
   * <p>A share only saves a shared database work; it never decides whether a job runs. A store may
   * therefore ignore it, and the default does: it returns the page without the share. A store that
   * several instances share overrides it with a condition on its dispatch query.
   *
   * @param now the current time
   * @param after the last job of the previous page, or null for the head of the queue
   * @param limit the most jobs returned, at least 1
   * @param share this instance's share
   * @return the jobs, in dispatch order: the first {@code limit} jobs of the share, or, in a store
   *     that ignores the share, of the whole queue
   * @throws ValidationException if {@code limit} is below 1
   */
  default List<Job> dispatchable(Instant now, Job after, int limit, DispatchShare share) {
    Objects.requireNonNull(share, "share");
    return after == null ? dispatchable(now, limit) : dispatchable(now, after, limit);
  }

  /**
   * Dispatch order (contract 5): priority ({@code CRITICAL} first), then {@link Job#readyAt()},
   * then sequence, then id.
   */
  Comparator<Job> DISPATCH_ORDER =
      Comparator.comparing(Job::priority)
          .thenComparing(Job::readyAt)
          .thenComparingLong(Job::sequence)
          .thenComparing(Job::id);

  /**
   * Counts running jobs, in all and per node, group and schedule, consistently (one snapshot).
   *
   * @return the counts
   */
  RunningCounts runningCounts();

  /**
   * Lists jobs matching a query, newest first (descending sequence, then descending id), one keyset
   * page at a time: no duplicates or gaps across pages.
   *
   * @param query the filters
   * @param page the page; its cursor must come from a previous result of this method
   * @return the page
   * @throws ValidationException if the cursor is not one this store produced
   */
  PageResult<Job> jobs(JobQuery query, Page page);

  /**
   * Counts jobs by status, consistently (one snapshot).
   *
   * @return a count for every status (0 included), an unmodifiable map
   */
  Map<JobStatus, Long> countByStatus();

  /**
   * Finds the job of a schedule on a node that finished last (by finish time, then sequence): what
   * dependency checks and overlap checks need.
   *
   * @param scheduleId the schedule ({@link Job#scheduleId()})
   * @param nodeId the node
   * @return the job, or empty if none finished
   */
  Optional<Job> lastFinished(String scheduleId, String nodeId);

  /**
   * Finds, among the jobs of a schedule on a node whose status is one of {@code statuses} (all
   * unfinished statuses), the one with the earliest fire time ({@link FireKey#fireTime()}), then
   * the lowest sequence: what the overlap check (is a run of the schedule still going on the node?)
   * and the dependency check (is an upstream run at or before this fire still to come?) need.
   * Served from an index on {@code (schedule_id, node_id, status)}, so its cost does not grow with
   * the job history.
   *
   * @param scheduleId the schedule ({@link Job#scheduleId()})
   * @param nodeId the node
   * @param statuses the statuses to consider, each of them {@link JobStatus#QUEUED}, {@link
   *     JobStatus#WAITING} or {@link JobStatus#RUNNING}
   * @return the job, or empty if the schedule has no job in those statuses on the node
   * @throws ValidationException if {@code statuses} is empty or contains a final status
   */
  Optional<Job> earliestUnfinished(String scheduleId, String nodeId, Set<JobStatus> statuses);

  /**
   * Deletes finished jobs (final status) whose finish time is before {@code cutoff}, oldest first,
   * at most {@code batch} of them, atomically per call; call again until it returns less than
   * {@code batch}. The latest finished job of each (schedule, node), the one {@link #lastFinished}
   * returns, is never deleted, however old: dependency checks read it (a monthly upstream's last
   * success must outlive a week of retention). Deleting a job frees its fire key; since a
   * schedule's next fire only moves forward, an old key is never fired again.
   *
   * @param cutoff the finish time bound (exclusive)
   * @param batch the most jobs deleted, at least 1
   * @return how many were deleted
   * @throws ValidationException if {@code batch} is below 1
   */
  int deleteFinishedBefore(Instant cutoff, int batch);

  /**
   * Returns a new number, greater than every number this store returned before (across a cluster: a
   * database sequence). Used for {@link Job#sequence()} and fencing tokens.
   *
   * @return the number, at least 1
   */
  long nextSequence();

  /**
   * Returns {@code count} new numbers at once, each as {@link #nextSequence()} would return it: in
   * ascending order, each greater than every number this store returned before (they need not be
   * consecutive). The engine numbers the jobs of a fire batch, and the claims of a dispatch batch,
   * with one call.
   *
   * <p>The default implementation calls {@link #nextSequence()} {@code count} times; a database
   * overrides it to draw the numbers from its sequence in one statement.
   *
   * @param count how many numbers, at least 1
   * @return the numbers, ascending
   * @throws ValidationException if {@code count} is below 1
   */
  default long[] nextSequences(int count) {
    if (count < 1) {
      throw new ValidationException("count", "be at least 1", count);
    }
    long[] numbers = new long[count];
    for (int i = 0; i < count; i++) {
      numbers[i] = nextSequence();
    }
    return numbers;
  }

  // ---------------------------------------------------------------- cluster membership

  /**
   * Inserts or refreshes an instance's row, atomically: {@code heartbeatAt = now}, {@code
   * leaseUntil} as given; {@code startedAt = now} when the row is created, kept when it is
   * refreshed. The times are the instance's own (its clock); the store keeps no clock.
   *
   * @param instanceId the instance
   * @param now the instance's current time
   * @param leaseUntil when its lease expires unless renewed; after {@code now}
   * @return the stored row
   * @throws ValidationException if {@code instanceId} is blank or {@code leaseUntil} is not after
   *     {@code now}
   */
  SchedulerInstance heartbeat(String instanceId, Instant now, Instant leaseUntil);

  /**
   * Lists the known instances, live or not: every row {@link #heartbeat} stored and {@link
   * #removeInstance} did not remove.
   *
   * @return the instances ordered by id, an unmodifiable list
   */
  List<SchedulerInstance> instances();

  /**
   * Removes an instance's row (graceful shutdown, or pruning a long-dead instance). Its running
   * jobs, if any, become {@link #orphaned} at once.
   *
   * @param instanceId the instance
   * @return whether a row existed
   */
  boolean removeInstance(String instanceId);

  /**
   * Finds the jobs a dead instance left behind, for recovery: {@link JobStatus#RUNNING} jobs whose
   * owner has no live lease at {@code now} (no instance row, or {@code leaseUntil <= now}), ordered
   * by sequence then id, at most {@code limit}. The result is a snapshot: recover each job with a
   * compare-and-set {@link #transition}, which fails if its owner finished it or another instance
   * recovered it first.
   *
   * @param now the caller's current time
   * @param limit the most jobs returned, at least 1
   * @return the jobs, an unmodifiable list
   * @throws ValidationException if {@code limit} is below 1
   */
  List<Job> orphaned(Instant now, int limit);

  // ---------------------------------------------------------------- windows, scripts, variables

  /**
   * Stores a maintenance window, replacing any with the same id, atomically.
   *
   * @param window the window
   * @return the window it replaced, or empty
   */
  Optional<MaintenanceWindow> putWindow(MaintenanceWindow window);

  /**
   * Removes a maintenance window.
   *
   * @param windowId the id
   * @return whether a window was removed
   */
  boolean removeWindow(String windowId);

  /**
   * Lists the maintenance windows.
   *
   * @return the windows ordered by id, an unmodifiable list
   */
  List<MaintenanceWindow> windows();

  /**
   * Stores a script, replacing any with the same id, atomically.
   *
   * @param script the script
   * @return the script it replaced, or empty
   */
  Optional<Script> putScript(Script script);

  /**
   * Removes a script.
   *
   * @param scriptId the id
   * @return whether a script was removed
   */
  boolean removeScript(String scriptId);

  /**
   * Reads a script.
   *
   * @param scriptId the id
   * @return the script, or empty
   */
  Optional<Script> script(String scriptId);

  /**
   * Lists the scripts.
   *
   * @return the scripts ordered by id, an unmodifiable list
   */
  List<Script> scripts();

  /**
   * Stores a variable, replacing any with the same scope, scope id and name, atomically.
   *
   * @param variable the variable (a secret's value is stored as given; a database adapter may
   *     encrypt it)
   * @return the variable it replaced, or empty
   */
  Optional<Variable> putVariable(Variable variable);

  /**
   * Removes a variable.
   *
   * @param scope its scope
   * @param scopeId its scope id, {@code null} for {@link VariableScope#GLOBAL}
   * @param name its name
   * @return whether a variable was removed
   */
  boolean removeVariable(VariableScope scope, String scopeId, String name);

  /**
   * Lists the variables.
   *
   * @return the variables ordered by scope, scope id and name, an unmodifiable list
   */
  List<Variable> variables();
}
