package io.scripttask.scheduler;

import io.scripttask.scheduler.spi.ClaimOutcome;
import io.scripttask.scheduler.spi.FireOutcome;
import io.scripttask.scheduler.spi.RunningCounts;
import io.scripttask.scheduler.spi.SchedulerStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The default {@link SchedulerStore}: everything in memory, lost when the process ends.
 * Thread-safe: reads share a read lock, changes take a write lock, so every method is atomic and
 * the compare-and-set methods behave exactly as a database's would.
 *
 * <p>Sorted indexes keep the hot queries independent of how much is stored: {@link #dueSchedules}
 * reads an index of active schedules by {@code (nextFireTime, id)}, {@link #dispatchable} an index
 * of pending jobs by {@code (priority, readyAt, sequence, id)}, {@link #deleteFinishedBefore} an
 * index by finish time, {@link #lastFinished} an index per schedule and node, {@link
 * #earliestUnfinished} an index per schedule, node and status, {@link #triggeredAfter} an index by
 * upstream schedule; running counts (by node, group and schedule) and status counts are kept up to
 * date on every change, so {@link #claim} checks the limits in constant time per limit under the
 * write lock, and {@link #orphaned} reads an index of running jobs by owner. A transition only
 * touches the indexes whose keys it changes. Several schedulers in one process may share one
 * instance (a cluster in a test, for example).
 *
 * <p>Schedules, which may number in the millions, are kept compact: both their index by id and
 * their due index are sorted arrays of chunks holding the schedules themselves (about a reference
 * per schedule and index, rather than a tree entry and a key object), and schedules due at the same
 * instant share one {@link Instant} object.
 */
public final class InMemorySchedulerStore implements SchedulerStore {

  private record ReadyKey(int priority, Instant ready, long sequence, String id) {}

  private record SeqKey(long sequence, String id) {}

  private record FinishKey(Instant finished, long sequence, String id) {}

  private record ScheduleNode(String scheduleId, String nodeId) {}

  private record ScheduleNodeStatus(String scheduleId, String nodeId, JobStatus status) {}

  private record FireOrderKey(Instant fireTime, long sequence, String id) {}

  private record VariableKey(VariableScope scope, String scopeId, String name) {}

  private static final Comparator<Schedule> ID_ORDER = Comparator.comparing(Schedule::id);

  private static final Comparator<Schedule> DUE_ORDER =
      Comparator.comparing(Schedule::nextFireTime).thenComparing(Schedule::id);

  private static final Comparator<ReadyKey> READY_ORDER =
      Comparator.comparingInt(ReadyKey::priority)
          .thenComparing(ReadyKey::ready)
          .thenComparingLong(ReadyKey::sequence)
          .thenComparing(ReadyKey::id);

  /** Newest first. */
  private static final Comparator<SeqKey> SEQ_ORDER =
      Comparator.comparingLong(SeqKey::sequence).thenComparing(SeqKey::id).reversed();

  /** Oldest first. */
  private static final Comparator<SeqKey> OWNED_ORDER =
      Comparator.comparingLong(SeqKey::sequence).thenComparing(SeqKey::id);

  private static final Comparator<FinishKey> FINISH_ORDER =
      Comparator.comparing(FinishKey::finished)
          .thenComparingLong(FinishKey::sequence)
          .thenComparing(FinishKey::id);

  private static final Comparator<FireOrderKey> FIRE_ORDER =
      Comparator.comparing(FireOrderKey::fireTime)
          .thenComparingLong(FireOrderKey::sequence)
          .thenComparing(FireOrderKey::id);

  private static final Comparator<VariableKey> VARIABLE_ORDER =
      Comparator.comparing(VariableKey::scope)
          .thenComparing(VariableKey::scopeId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(VariableKey::name);

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicLong sequence = new AtomicLong();

  /** Every schedule, by id. */
  private final SortedChunks<Schedule> schedules = new SortedChunks<>(ID_ORDER);

  /** The active schedules that have a next fire, by {@code (nextFireTime, id)}. */
  private final SortedChunks<Schedule> due = new SortedChunks<>(DUE_ORDER);

  /** Upstream schedule id to the ids of the schedules with an after-completion trigger on it. */
  private final HashMap<String, TreeSet<String>> triggeredAfter = new HashMap<>();

  private final HashMap<String, Job> jobs = new HashMap<>();
  private final HashMap<FireKey, String> fireKeys = new HashMap<>();
  private final TreeSet<ReadyKey> ready = new TreeSet<>(READY_ORDER);
  private final TreeSet<SeqKey> bySequence = new TreeSet<>(SEQ_ORDER);
  private final TreeSet<FinishKey> finished = new TreeSet<>(FINISH_ORDER);
  private final HashMap<ScheduleNode, TreeSet<FinishKey>> finishedByScheduleNode = new HashMap<>();
  private final HashMap<ScheduleNodeStatus, TreeSet<FireOrderKey>> unfinished = new HashMap<>();
  private final EnumMap<JobStatus, Long> statusCounts = new EnumMap<>(JobStatus.class);
  private long runningGlobal;
  private final HashMap<String, Long> runningByNode = new HashMap<>();
  private final HashMap<String, Long> runningByGroup = new HashMap<>();
  private final HashMap<String, Long> runningBySchedule = new HashMap<>();

  /** Running jobs by owner, each owner's in ascending {@code (sequence, id)}: for orphaned(). */
  private final HashMap<String, TreeSet<SeqKey>> runningByOwner = new HashMap<>();

  /** Instance rows by id. */
  private final TreeMap<String, SchedulerInstance> instances = new TreeMap<>();

  private final TreeMap<String, MaintenanceWindow> windows = new TreeMap<>();
  private final TreeMap<String, Script> scripts = new TreeMap<>();
  private final TreeMap<VariableKey, Variable> variables = new TreeMap<>(VARIABLE_ORDER);

  /** Creates an empty store. */
  public InMemorySchedulerStore() {
    for (JobStatus s : JobStatus.values()) {
      statusCounts.put(s, 0L);
    }
  }

  // ---------------------------------------------------------------- schedules

  /** {@inheritDoc} */
  @Override
  public Schedule create(Schedule schedule) {
    Objects.requireNonNull(schedule, "schedule");
    Schedule stored = schedule.withVersion(0);
    lock.writeLock().lock();
    try {
      if (byId(stored.id()) != null) {
        throw new DuplicateScheduleException(stored.id());
      }
      return putSchedule(stored);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public Schedule update(Schedule schedule, long expectedVersion) {
    Objects.requireNonNull(schedule, "schedule");
    lock.writeLock().lock();
    try {
      Schedule old = byId(schedule.id());
      if (old == null) {
        throw new NoSuchScheduleException(schedule.id());
      }
      if (old.version() != expectedVersion) {
        throw new StaleVersionException("schedule", old.id(), expectedVersion, old.version());
      }
      Schedule stored = schedule.withVersion(expectedVersion + 1);
      removeSchedule(old);
      return putSchedule(stored);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public boolean delete(String scheduleId) {
    Objects.requireNonNull(scheduleId, "scheduleId");
    lock.writeLock().lock();
    try {
      Schedule old = byId(scheduleId);
      if (old == null) {
        return false;
      }
      removeSchedule(old);
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Schedule> get(String scheduleId) {
    Objects.requireNonNull(scheduleId, "scheduleId");
    lock.readLock().lock();
    try {
      return Optional.ofNullable(byId(scheduleId));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public PageResult<Schedule> list(ScheduleQuery query, Page page) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(page, "page");
    String after = page.after();
    if (after != null && !after.startsWith("s:")) {
      throw new ValidationException("after", "be a cursor from a schedule listing", after);
    }
    lock.readLock().lock();
    try {
      String afterId = after == null ? null : after.substring(2);
      Iterator<Schedule> from =
          afterId == null ? schedules.iterator() : schedules.after(s -> s.id().compareTo(afterId));
      List<Schedule> items = new ArrayList<>();
      boolean more = false;
      while (from.hasNext()) {
        Schedule s = from.next();
        if (query.matches(s)) {
          if (items.size() == page.limit()) {
            more = true;
            break;
          }
          items.add(s);
        }
      }
      Page next = more ? Page.after("s:" + items.get(items.size() - 1).id(), page.limit()) : null;
      return new PageResult<>(items, next);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public long scheduleCount() {
    lock.readLock().lock();
    try {
      return schedules.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public List<Schedule> dueSchedules(Instant upTo, int limit) {
    Objects.requireNonNull(upTo, "upTo");
    positive("limit", limit);
    lock.readLock().lock();
    try {
      List<Schedule> result = new ArrayList<>(Math.min(limit, 256));
      for (Schedule s : due) {
        if (s.nextFireTime().isAfter(upTo) || result.size() == limit) {
          break;
        }
        result.add(s);
      }
      return Collections.unmodifiableList(result);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public FireOutcome fire(
      String scheduleId, Instant expectedNextFire, Instant newNextFire, List<Job> jobsToInsert) {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(expectedNextFire, "expectedNextFire");
    List<Job> given = List.copyOf(Objects.requireNonNull(jobsToInsert, "jobs"));
    if (newNextFire != null && !newNextFire.isAfter(expectedNextFire)) {
      throw new ValidationException(
          "newNextFire", "be after expectedNextFire (" + expectedNextFire + ")", newNextFire);
    }
    for (Job j : given) {
      if (!scheduleId.equals(j.scheduleId())) {
        throw new ValidationException(
            "jobs", "all belong to schedule " + scheduleId, "a job of " + j.scheduleId());
      }
    }
    lock.writeLock().lock();
    try {
      Schedule current = byId(scheduleId);
      if (current == null) {
        return new FireOutcome(FireOutcome.Status.NOT_FOUND, null, List.of(), List.of());
      }
      if (current.state() != ScheduleState.ACTIVE) {
        return new FireOutcome(FireOutcome.Status.NOT_ACTIVE, current, List.of(), List.of());
      }
      if (!expectedNextFire.equals(current.nextFireTime())) {
        return new FireOutcome(FireOutcome.Status.STALE, current, List.of(), List.of());
      }
      removeSchedule(current);
      Schedule advanced =
          putSchedule(
              current
                  .withNextFireTime(newNextFire)
                  .withLastFireTime(current.nextFireTime())
                  .withVersion(current.version() + 1));
      List<Job> inserted = new ArrayList<>();
      List<FireKey> ignored = new ArrayList<>();
      for (Job j : given) {
        Job stored = insertLocked(j);
        if (stored != null) {
          inserted.add(stored);
        } else {
          ignored.add(j.fireKey());
        }
      }
      return new FireOutcome(FireOutcome.Status.FIRED, advanced, inserted, ignored);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * @return the schedule with that id, or null
   */
  private Schedule byId(String id) {
    return schedules.find(s -> s.id().compareTo(id));
  }

  /**
   * Stores a schedule and indexes it. A schedule due at the same instant as one already indexed
   * gets that schedule's (equal) {@link Instant} object, so that the many schedules firing on the
   * same minute share one.
   *
   * @return the schedule stored: {@code s}, or an equal copy
   */
  private Schedule putSchedule(Schedule s) {
    Instant next = s.nextFireTime();
    if (s.state() == ScheduleState.ACTIVE && next != null) {
      Schedule same = due.find(d -> d.nextFireTime().compareTo(next));
      if (same != null && same.nextFireTime() != next) {
        s = s.withNextFireTime(same.nextFireTime());
      }
      due.add(s);
    }
    schedules.add(s);
    if (s.spec().trigger() instanceof AfterCompletionTrigger after) {
      triggeredAfter.computeIfAbsent(after.scheduleId(), k -> new TreeSet<>()).add(s.id());
    }
    return s;
  }

  private void removeSchedule(Schedule s) {
    schedules.remove(s);
    if (s.nextFireTime() != null) {
      due.remove(s);
    }
    if (s.spec().trigger() instanceof AfterCompletionTrigger after) {
      TreeSet<String> ids = triggeredAfter.get(after.scheduleId());
      if (ids != null && ids.remove(s.id()) && ids.isEmpty()) {
        triggeredAfter.remove(after.scheduleId());
      }
    }
  }

  /** {@inheritDoc} */
  @Override
  public List<Schedule> triggeredAfter(String upstreamScheduleId) {
    Objects.requireNonNull(upstreamScheduleId, "upstreamScheduleId");
    lock.readLock().lock();
    try {
      TreeSet<String> ids = triggeredAfter.get(upstreamScheduleId);
      if (ids == null) {
        return List.of();
      }
      List<Schedule> result = new ArrayList<>(ids.size());
      for (String id : ids) {
        result.add(byId(id));
      }
      return Collections.unmodifiableList(result);
    } finally {
      lock.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- jobs

  /** {@inheritDoc} */
  @Override
  public Optional<Job> job(String jobId) {
    Objects.requireNonNull(jobId, "jobId");
    lock.readLock().lock();
    try {
      return Optional.ofNullable(jobs.get(jobId));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public boolean insert(Job job) {
    Objects.requireNonNull(job, "job");
    lock.writeLock().lock();
    try {
      return insertLocked(job) != null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * @return the stored job, or null if its key or id exists
   */
  private Job insertLocked(Job job) {
    if (fireKeys.containsKey(job.fireKey()) || jobs.containsKey(job.id())) {
      return null;
    }
    Job stored = job.version() == 0 ? job : job.toBuilder().version(0).build();
    fireKeys.put(stored.fireKey(), stored.id());
    jobs.put(stored.id(), stored);
    index(stored);
    return stored;
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Job> transition(Job next, JobStatus expectedStatus, long expectedVersion) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(expectedStatus, "expectedStatus");
    lock.writeLock().lock();
    try {
      Job old = jobs.get(next.id());
      if (old == null || old.status() != expectedStatus || old.version() != expectedVersion) {
        return Optional.empty();
      }
      checkIdentity(old, next);
      Job stored = next.toBuilder().version(expectedVersion + 1).build();
      jobs.put(stored.id(), stored);
      reindex(old, stored);
      return Optional.of(stored);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Job> transition(
      Job next, JobStatus expectedStatus, long expectedVersion, List<Job> follow) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(expectedStatus, "expectedStatus");
    List<Job> given = List.copyOf(Objects.requireNonNull(follow, "follow"));
    lock.writeLock().lock();
    try {
      Job old = jobs.get(next.id());
      if (old == null || old.status() != expectedStatus || old.version() != expectedVersion) {
        return Optional.empty();
      }
      checkIdentity(old, next);
      Job stored = next.toBuilder().version(expectedVersion + 1).build();
      jobs.put(stored.id(), stored);
      reindex(old, stored);
      for (Job j : given) {
        insertLocked(j);
      }
      return Optional.of(stored);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public ClaimOutcome claim(
      Job running, JobStatus expectedStatus, long expectedVersion, Limits limits) {
    Objects.requireNonNull(running, "running");
    Objects.requireNonNull(expectedStatus, "expectedStatus");
    Objects.requireNonNull(limits, "limits");
    if (running.status() != JobStatus.RUNNING) {
      throw new ValidationException("running.status", "be RUNNING", running.status());
    }
    if (!expectedStatus.isPending()) {
      throw new ValidationException("expectedStatus", "be QUEUED or WAITING", expectedStatus);
    }
    lock.writeLock().lock();
    try {
      Job old = jobs.get(running.id());
      if (old == null || old.status() != expectedStatus || old.version() != expectedVersion) {
        return new ClaimOutcome.Lost();
      }
      checkIdentity(old, running);
      ClaimOutcome.Limited full = fullLimit(running, limits);
      if (full != null) {
        return full;
      }
      Job stored = running.toBuilder().version(expectedVersion + 1).build();
      jobs.put(stored.id(), stored);
      reindex(old, stored);
      return new ClaimOutcome.Claimed(stored);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * @return the first full limit for one more running job like {@code j}, or null if all admit it
   */
  private ClaimOutcome.Limited fullLimit(Job j, Limits limits) {
    long node = runningByNode.getOrDefault(j.nodeId(), 0L);
    if (!Limits.admits(limits.perNode(), node)) {
      return new ClaimOutcome.Limited(
          WaitReason.NODE_LIMIT,
          "node " + j.nodeId() + " runs " + node + " (limit " + limits.perNode() + ")");
    }
    for (String g : j.groups()) {
      long group = runningByGroup.getOrDefault(g, 0L);
      if (!Limits.admits(limits.perGroup(), group)) {
        return new ClaimOutcome.Limited(
            WaitReason.GROUP_LIMIT,
            "group " + g + " runs " + group + " (limit " + limits.perGroup() + ")");
      }
    }
    if (j.scheduleId() != null) {
      long schedule = runningBySchedule.getOrDefault(j.scheduleId(), 0L);
      if (!Limits.admits(limits.perSchedule(), schedule)) {
        return new ClaimOutcome.Limited(
            WaitReason.SCHEDULE_LIMIT,
            "schedule "
                + j.scheduleId()
                + " runs "
                + schedule
                + " (limit "
                + limits.perSchedule()
                + ")");
      }
    }
    if (!Limits.admits(limits.global(), runningGlobal)) {
      return new ClaimOutcome.Limited(
          WaitReason.GLOBAL_LIMIT, runningGlobal + " jobs run (limit " + limits.global() + ")");
    }
    return null;
  }

  private static void checkIdentity(Job old, Job next) {
    if (!old.fireKey().equals(next.fireKey())
        || !Objects.equals(old.scheduleId(), next.scheduleId())
        || old.sequence() != next.sequence()) {
      throw new ValidationException(
          "next", "keep the job's schedule id, fire key and sequence", next.fireKey());
    }
  }

  /** {@inheritDoc} */
  @Override
  public List<Job> dispatchable(Instant now, int limit) {
    Objects.requireNonNull(now, "now");
    positive("limit", limit);
    lock.readLock().lock();
    try {
      List<Job> result = new ArrayList<>(Math.min(limit, 256));
      for (Priority p : Priority.values()) {
        NavigableSet<ReadyKey> tail =
            ready.tailSet(new ReadyKey(p.ordinal(), Instant.MIN, Long.MIN_VALUE, ""), true);
        for (ReadyKey k : tail) {
          if (result.size() == limit) {
            return Collections.unmodifiableList(result);
          }
          if (k.priority() != p.ordinal() || k.ready().isAfter(now)) {
            break;
          }
          result.add(jobs.get(k.id()));
        }
      }
      return Collections.unmodifiableList(result);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public RunningCounts runningCounts() {
    lock.readLock().lock();
    try {
      return new RunningCounts(runningGlobal, runningByNode, runningByGroup, runningBySchedule);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public PageResult<Job> jobs(JobQuery query, Page page) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(page, "page");
    SeqKey from = page.after() == null ? null : parseJobCursor(page.after());
    lock.readLock().lock();
    try {
      Iterable<SeqKey> keys = from == null ? bySequence : bySequence.tailSet(from, false);
      List<Job> items = new ArrayList<>();
      boolean more = false;
      for (SeqKey k : keys) {
        Job j = jobs.get(k.id());
        if (query.matches(j)) {
          if (items.size() == page.limit()) {
            more = true;
            break;
          }
          items.add(j);
        }
      }
      Page next = null;
      if (more) {
        Job last = items.get(items.size() - 1);
        next = Page.after("j:" + last.sequence() + ":" + last.id(), page.limit());
      }
      return new PageResult<>(items, next);
    } finally {
      lock.readLock().unlock();
    }
  }

  private static SeqKey parseJobCursor(String cursor) {
    int colon = cursor.indexOf(':', 2);
    if (!cursor.startsWith("j:") || colon < 0) {
      throw new ValidationException("after", "be a cursor from a job listing", cursor);
    }
    try {
      return new SeqKey(Long.parseLong(cursor.substring(2, colon)), cursor.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ValidationException("after", "be a cursor from a job listing", cursor);
    }
  }

  /** {@inheritDoc} */
  @Override
  public Map<JobStatus, Long> countByStatus() {
    lock.readLock().lock();
    try {
      return Collections.unmodifiableMap(new EnumMap<>(statusCounts));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Job> lastFinished(String scheduleId, String nodeId) {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(nodeId, "nodeId");
    lock.readLock().lock();
    try {
      TreeSet<FinishKey> set = finishedByScheduleNode.get(new ScheduleNode(scheduleId, nodeId));
      if (set == null || set.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(jobs.get(set.last().id()));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Job> earliestUnfinished(
      String scheduleId, String nodeId, Set<JobStatus> statuses) {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(statuses, "statuses");
    if (statuses.isEmpty()) {
      throw new ValidationException("statuses", "name at least one status", "[]");
    }
    for (JobStatus status : statuses) {
      if (Objects.requireNonNull(status, "status").isFinal()) {
        throw new ValidationException("statuses", "name unfinished statuses only", statuses);
      }
    }
    lock.readLock().lock();
    try {
      FireOrderKey best = null;
      for (JobStatus status : statuses) {
        TreeSet<FireOrderKey> set =
            unfinished.get(new ScheduleNodeStatus(scheduleId, nodeId, status));
        if (set != null) {
          FireOrderKey first = set.first();
          if (best == null || FIRE_ORDER.compare(first, best) < 0) {
            best = first;
          }
        }
      }
      return best == null ? Optional.empty() : Optional.of(jobs.get(best.id()));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public int deleteFinishedBefore(Instant cutoff, int batch) {
    Objects.requireNonNull(cutoff, "cutoff");
    positive("batch", batch);
    lock.writeLock().lock();
    try {
      int deleted = 0;
      Iterator<FinishKey> it = finished.iterator();
      List<Job> victims = new ArrayList<>();
      while (it.hasNext() && victims.size() < batch) {
        FinishKey k = it.next();
        if (!k.finished().isBefore(cutoff)) {
          break;
        }
        Job j = jobs.get(k.id());
        if (isLatestFinishedOfItsScheduleAndNode(j)) {
          continue; // dependency checks read it: kept whatever its age
        }
        victims.add(j);
      }
      for (Job j : victims) {
        unindex(j);
        jobs.remove(j.id());
        fireKeys.remove(j.fireKey());
        deleted++;
      }
      return deleted;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private boolean isLatestFinishedOfItsScheduleAndNode(Job j) {
    if (j.scheduleId() == null) {
      return false;
    }
    TreeSet<FinishKey> set =
        finishedByScheduleNode.get(new ScheduleNode(j.scheduleId(), j.nodeId()));
    return set != null && !set.isEmpty() && set.last().id().equals(j.id());
  }

  /** {@inheritDoc} */
  @Override
  public long nextSequence() {
    return sequence.incrementAndGet();
  }

  private void index(Job j) {
    bySequence.add(new SeqKey(j.sequence(), j.id()));
    indexState(j, 1);
  }

  private void unindex(Job j) {
    bySequence.remove(new SeqKey(j.sequence(), j.id()));
    indexState(j, -1);
  }

  /**
   * Moves a job from {@code old}'s index entries to {@code now}'s, touching only the indexes whose
   * keys differ. Id, fire key and sequence never change (checked by {@link #transition}), so {@code
   * bySequence} is left alone.
   */
  private void reindex(Job old, Job now) {
    JobStatus before = old.status();
    JobStatus after = now.status();
    if (before != after) {
      statusCounts.merge(before, -1L, Long::sum);
      statusCounts.merge(after, 1L, Long::sum);
    }
    ReadyKey readyBefore = before.isPending() ? readyKey(old) : null;
    ReadyKey readyAfter = after.isPending() ? readyKey(now) : null;
    if (!Objects.equals(readyBefore, readyAfter)) {
      if (readyBefore != null) {
        ready.remove(readyBefore);
      }
      if (readyAfter != null) {
        ready.add(readyAfter);
      }
    }
    boolean runningBefore = before == JobStatus.RUNNING;
    boolean runningAfter = after == JobStatus.RUNNING;
    if (runningBefore != runningAfter
        || (runningBefore
            && (!old.groups().equals(now.groups()) || !old.owner().equals(now.owner())))) {
      if (runningBefore) {
        countRunning(old, -1);
      }
      if (runningAfter) {
        countRunning(now, 1);
      }
    }
    FinishKey finishBefore = before.isFinal() ? finishKey(old) : null;
    FinishKey finishAfter = after.isFinal() ? finishKey(now) : null;
    if (!Objects.equals(finishBefore, finishAfter)) {
      if (finishBefore != null) {
        indexFinished(old, finishBefore, -1);
      }
      if (finishAfter != null) {
        indexFinished(now, finishAfter, 1);
      }
    }
    if (before != after) {
      if (!before.isFinal()) {
        indexUnfinished(old, -1);
      }
      if (!after.isFinal()) {
        indexUnfinished(now, 1);
      }
    }
  }

  /** Adds ({@code delta} 1) or removes (-1) a job's entries in every index but bySequence. */
  private void indexState(Job j, int delta) {
    statusCounts.merge(j.status(), (long) delta, Long::sum);
    if (j.status().isPending()) {
      if (delta > 0) {
        ready.add(readyKey(j));
      } else {
        ready.remove(readyKey(j));
      }
    } else if (j.status() == JobStatus.RUNNING) {
      countRunning(j, delta);
    } else {
      indexFinished(j, finishKey(j), delta);
    }
    if (!j.status().isFinal()) {
      indexUnfinished(j, delta);
    }
  }

  private static FinishKey finishKey(Job j) {
    return new FinishKey(j.finishedAt(), j.sequence(), j.id());
  }

  private void indexFinished(Job j, FinishKey k, int delta) {
    if (delta > 0) {
      finished.add(k);
      if (j.scheduleId() != null) {
        finishedByScheduleNode
            .computeIfAbsent(
                new ScheduleNode(j.scheduleId(), j.nodeId()), x -> new TreeSet<>(FINISH_ORDER))
            .add(k);
      }
      return;
    }
    finished.remove(k);
    if (j.scheduleId() != null) {
      ScheduleNode sn = new ScheduleNode(j.scheduleId(), j.nodeId());
      TreeSet<FinishKey> set = finishedByScheduleNode.get(sn);
      if (set != null) {
        set.remove(k);
        if (set.isEmpty()) {
          finishedByScheduleNode.remove(sn);
        }
      }
    }
  }

  private void indexUnfinished(Job j, int delta) {
    if (j.scheduleId() == null) {
      return;
    }
    ScheduleNodeStatus key = new ScheduleNodeStatus(j.scheduleId(), j.nodeId(), j.status());
    FireOrderKey k = new FireOrderKey(j.fireKey().fireTime(), j.sequence(), j.id());
    if (delta > 0) {
      unfinished.computeIfAbsent(key, x -> new TreeSet<>(FIRE_ORDER)).add(k);
      return;
    }
    TreeSet<FireOrderKey> set = unfinished.get(key);
    if (set != null) {
      set.remove(k);
      if (set.isEmpty()) {
        unfinished.remove(key);
      }
    }
  }

  private static ReadyKey readyKey(Job j) {
    return new ReadyKey(j.priority().ordinal(), j.readyAt(), j.sequence(), j.id());
  }

  private void countRunning(Job j, long delta) {
    SeqKey key = new SeqKey(j.sequence(), j.id());
    if (delta > 0) {
      runningByOwner.computeIfAbsent(j.owner(), o -> new TreeSet<>(OWNED_ORDER)).add(key);
    } else {
      TreeSet<SeqKey> owned = runningByOwner.get(j.owner());
      if (owned != null && owned.remove(key) && owned.isEmpty()) {
        runningByOwner.remove(j.owner());
      }
    }
    runningGlobal += delta;
    add(runningByNode, j.nodeId(), delta);
    for (String g : j.groups()) {
      add(runningByGroup, g, delta);
    }
    if (j.scheduleId() != null) {
      add(runningBySchedule, j.scheduleId(), delta);
    }
  }

  private static void add(Map<String, Long> counts, String key, long delta) {
    counts.merge(key, delta, (a, b) -> a + b == 0 ? null : a + b);
  }

  private static void positive(String field, int value) {
    if (value < 1) {
      throw new ValidationException(field, "be at least 1", value);
    }
  }

  // ---------------------------------------------------------------- cluster membership

  /** {@inheritDoc} */
  @Override
  public SchedulerInstance heartbeat(String instanceId, Instant now, Instant leaseUntil) {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    if (instanceId.isBlank()) {
      throw new ValidationException("instanceId", "not be blank", "\"" + instanceId + "\"");
    }
    if (!leaseUntil.isAfter(now)) {
      throw new ValidationException("leaseUntil", "be after now (" + now + ")", leaseUntil);
    }
    lock.writeLock().lock();
    try {
      SchedulerInstance old = instances.get(instanceId);
      SchedulerInstance row =
          new SchedulerInstance(instanceId, old == null ? now : old.startedAt(), now, leaseUntil);
      instances.put(instanceId, row);
      return row;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public List<SchedulerInstance> instances() {
    lock.readLock().lock();
    try {
      return List.copyOf(instances.values());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public boolean removeInstance(String instanceId) {
    Objects.requireNonNull(instanceId, "instanceId");
    lock.writeLock().lock();
    try {
      return instances.remove(instanceId) != null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public List<Job> orphaned(Instant now, int limit) {
    Objects.requireNonNull(now, "now");
    positive("limit", limit);
    lock.readLock().lock();
    try {
      TreeSet<SeqKey> found = new TreeSet<>(OWNED_ORDER);
      for (Map.Entry<String, TreeSet<SeqKey>> e : runningByOwner.entrySet()) {
        SchedulerInstance owner = instances.get(e.getKey());
        if (owner != null && owner.alive(now)) {
          continue;
        }
        for (SeqKey k : e.getValue()) {
          if (found.size() == limit) {
            if (OWNED_ORDER.compare(k, found.last()) >= 0) {
              break;
            }
            found.pollLast();
          }
          found.add(k);
        }
      }
      List<Job> result = new ArrayList<>(found.size());
      for (SeqKey k : found) {
        result.add(jobs.get(k.id()));
      }
      return Collections.unmodifiableList(result);
    } finally {
      lock.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- windows, scripts, variables

  /** {@inheritDoc} */
  @Override
  public Optional<MaintenanceWindow> putWindow(MaintenanceWindow window) {
    Objects.requireNonNull(window, "window");
    lock.writeLock().lock();
    try {
      return Optional.ofNullable(windows.put(window.id(), window));
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public boolean removeWindow(String windowId) {
    Objects.requireNonNull(windowId, "windowId");
    lock.writeLock().lock();
    try {
      return windows.remove(windowId) != null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public List<MaintenanceWindow> windows() {
    lock.readLock().lock();
    try {
      return List.copyOf(windows.values());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Script> putScript(Script script) {
    Objects.requireNonNull(script, "script");
    lock.writeLock().lock();
    try {
      return Optional.ofNullable(scripts.put(script.id(), script));
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public boolean removeScript(String scriptId) {
    Objects.requireNonNull(scriptId, "scriptId");
    lock.writeLock().lock();
    try {
      return scripts.remove(scriptId) != null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Script> script(String scriptId) {
    Objects.requireNonNull(scriptId, "scriptId");
    lock.readLock().lock();
    try {
      return Optional.ofNullable(scripts.get(scriptId));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public List<Script> scripts() {
    lock.readLock().lock();
    try {
      return List.copyOf(scripts.values());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Variable> putVariable(Variable variable) {
    Objects.requireNonNull(variable, "variable");
    VariableKey key = new VariableKey(variable.scope(), variable.scopeId(), variable.name());
    lock.writeLock().lock();
    try {
      return Optional.ofNullable(variables.put(key, variable));
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public boolean removeVariable(VariableScope scope, String scopeId, String name) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(name, "name");
    lock.writeLock().lock();
    try {
      return variables.remove(new VariableKey(scope, scopeId, name)) != null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public List<Variable> variables() {
    lock.readLock().lock();
    try {
      return List.copyOf(variables.values());
    } finally {
      lock.readLock().unlock();
    }
  }
}
