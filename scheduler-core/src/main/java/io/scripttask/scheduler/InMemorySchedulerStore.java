package io.scripttask.scheduler;

import io.scripttask.scheduler.spi.ClaimOutcome;
import io.scripttask.scheduler.spi.ClaimRequest;
import io.scripttask.scheduler.spi.FireOutcome;
import io.scripttask.scheduler.spi.FireRequest;
import io.scripttask.scheduler.spi.RunningCounts;
import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.spi.TransitionRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
 * the compare-and-set methods behave exactly as a database's would. The batch methods ({@link
 * #fireAll}, {@link #claimAll}, {@link #transitionAll}) take the write lock once for the whole
 * batch.
 *
 * <p>Sorted indexes keep the hot queries independent of how much is stored: {@link #dueSchedules}
 * reads an index of active schedules by {@code (nextFireTime, id)}, {@link #dispatchable} an index
 * of pending jobs per priority by {@code (readyAt, sequence, id)}, {@link #deleteFinishedBefore} an
 * index by finish time, {@link #lastFinished} and {@link #earliestUnfinished} an index per schedule
 * and node, {@link #triggeredAfter} an index by upstream schedule; running counts (by node, group
 * and schedule) and status counts are kept up to date on every change, so {@link #claim} checks the
 * limits in constant time per limit under the write lock, and {@link #orphaned} reads an index of
 * running jobs by owner. A transition only touches the indexes whose keys it changes. Several
 * schedulers in one process may share one instance (a cluster in a test, for example).
 *
 * <p>Schedules, which may number in the millions, are kept compact: an open-addressing hash table
 * holds them by id, and their id index (for listing) and due index are sorted arrays of chunks
 * (about a reference per schedule and index, rather than a tree entry and a key object); schedules
 * due at the same instant share one {@link Instant} object.
 */
public final class InMemorySchedulerStore implements SchedulerStore {

  private record SeqKey(long sequence, String id) {}

  private record FinishKey(Instant finished, long sequence, String id) {}

  private record ScheduleNode(String scheduleId, String nodeId) {
    @Override
    public boolean equals(Object o) {
      return o == this
          || (o instanceof ScheduleNode k
              && scheduleId.equals(k.scheduleId)
              && nodeId.equals(k.nodeId));
    }

    @Override
    public int hashCode() {
      return scheduleId.hashCode() * 31 + nodeId.hashCode();
    }
  }

  private record VariableKey(VariableScope scope, String scopeId, String name) {}

  private static final Comparator<Schedule> DUE_ORDER =
      (a, b) -> {
        int c = a.nextFireTime().compareTo(b.nextFireTime());
        return c != 0 ? c : a.id().compareTo(b.id());
      };

  /** Pending jobs of one priority: by ready time, then sequence, then id. */
  private static final Comparator<Job> READY_ORDER =
      (a, b) -> {
        int c = a.readyAt().compareTo(b.readyAt());
        if (c != 0) {
          return c;
        }
        c = Long.compare(a.sequence(), b.sequence());
        return c != 0 ? c : a.id().compareTo(b.id());
      };

  /** Oldest first. */
  private static final Comparator<SeqKey> SEQ_ORDER =
      (a, b) -> {
        int c = Long.compare(a.sequence(), b.sequence());
        return c != 0 ? c : a.id().compareTo(b.id());
      };

  private static final Comparator<FinishKey> FINISH_ORDER =
      (a, b) -> {
        int c = a.finished().compareTo(b.finished());
        if (c != 0) {
          return c;
        }
        c = Long.compare(a.sequence(), b.sequence());
        return c != 0 ? c : a.id().compareTo(b.id());
      };

  /** Jobs by fire time, then sequence, then id: fields a job never changes. */
  private static final Comparator<Job> FIRE_ORDER =
      (a, b) -> {
        int c = a.fireKey().fireTime().compareTo(b.fireKey().fireTime());
        if (c != 0) {
          return c;
        }
        c = Long.compare(a.sequence(), b.sequence());
        return c != 0 ? c : a.id().compareTo(b.id());
      };

  private static final Comparator<VariableKey> VARIABLE_ORDER =
      Comparator.comparing(VariableKey::scope)
          .thenComparing(VariableKey::scopeId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(VariableKey::name);

  private static final Priority[] PRIORITIES = Priority.values();

  private static final JobStatus[] STATUSES = JobStatus.values();

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicLong sequence = new AtomicLong();

  /** Every schedule, by id. */
  private final KeyTable<String, Schedule> schedules = new KeyTable<>(Schedule::id);

  /** Every schedule's id, in order: for listing. */
  private final SortedChunks<String> ids = new SortedChunks<>(Comparator.naturalOrder());

  /** The active schedules that have a next fire, by {@code (nextFireTime, id)}. */
  private final SortedChunks<Schedule> due = new SortedChunks<>(DUE_ORDER);

  /** Upstream schedule id to the ids of the schedules with an after-completion trigger on it. */
  private final HashMap<String, TreeSet<String>> triggeredAfter = new HashMap<>();

  /** Every job, by id, each with its {@link Lane} (null for a job without a schedule). */
  private final KeyTable<String, Job> jobs = new KeyTable<>(Job::id, true);

  private final KeyTable<FireKey, FireKey> fireKeys = new KeyTable<>(k -> k);

  /** Pending (QUEUED and WAITING) jobs, as stored, per priority ordinal, in dispatch order. */
  private final List<SortedChunks<Job>> ready = new ArrayList<>();

  /** Every job's {@code (sequence, id)}, oldest first: for listing, newest first. */
  private final SortedChunks<SeqKey> bySequence = new SortedChunks<>(SEQ_ORDER);

  /** Finished jobs by {@code (finishedAt, sequence, id)}: for retention. */
  private final SortedChunks<FinishKey> finished = new SortedChunks<>(FINISH_ORDER);

  /** The jobs of a schedule on a node, unfinished per status and finished: see {@link Lane}. */
  private final HashMap<ScheduleNode, Lane> lanes = new HashMap<>();

  private final long[] statusCounts = new long[STATUSES.length];
  private long runningGlobal;
  private final HashMap<String, Long> runningByNode = new HashMap<>();
  private final HashMap<String, Long> runningByGroup = new HashMap<>();
  private final HashMap<String, Long> runningBySchedule = new HashMap<>();

  /** The ids of the running jobs, by owner: for orphaned(). */
  private final HashMap<String, HashSet<String>> runningByOwner = new HashMap<>();

  /** Instance rows by id. */
  private final TreeMap<String, SchedulerInstance> instances = new TreeMap<>();

  private final TreeMap<String, MaintenanceWindow> windows = new TreeMap<>();
  private final TreeMap<String, Script> scripts = new TreeMap<>();
  private final TreeMap<VariableKey, Variable> variables = new TreeMap<>(VARIABLE_ORDER);

  /** Creates an empty store. */
  public InMemorySchedulerStore() {
    for (int i = 0; i < PRIORITIES.length; i++) {
      ready.add(new SortedChunks<>(READY_ORDER));
    }
  }

  /**
   * The jobs of one schedule on one node: the unfinished ones per status, by fire order (the
   * elements may be earlier versions of the jobs; the order uses fields a job never changes), and
   * the keys of the finished ones. Each set is null when empty, the element itself when it holds
   * one (most hold zero or one, which then cost no allocation), else a {@link TreeSet}. Dropped
   * from {@link #lanes} when empty; each stored job of a schedule has its lane as its attachment in
   * {@link #jobs}.
   */
  private static final class Lane {
    final ScheduleNode key;
    private Object queued;
    private Object waiting;
    private Object running;
    private Object finished;

    Lane(ScheduleNode key) {
      this.key = key;
    }

    private Object unfinished(JobStatus status) {
      return switch (status) {
        case QUEUED -> queued;
        case WAITING -> waiting;
        case RUNNING -> running;
        default -> throw new IllegalArgumentException("not unfinished: " + status);
      };
    }

    private void unfinished(JobStatus status, Object set) {
      switch (status) {
        case QUEUED -> queued = set;
        case WAITING -> waiting = set;
        case RUNNING -> running = set;
        default -> throw new IllegalArgumentException("not unfinished: " + status);
      }
    }

    Job earliest(JobStatus status) {
      return first(unfinished(status));
    }

    void addUnfinished(Job j) {
      unfinished(j.status(), plus(unfinished(j.status()), j, FIRE_ORDER));
    }

    void removeUnfinished(Job j) {
      unfinished(j.status(), minus(unfinished(j.status()), j, FIRE_ORDER));
    }

    FinishKey lastFinished() {
      return last(finished);
    }

    void addFinished(FinishKey k) {
      finished = plus(finished, k, FINISH_ORDER);
    }

    void removeFinished(FinishKey k) {
      finished = minus(finished, k, FINISH_ORDER);
    }

    boolean isEmpty() {
      return finished == null && queued == null && waiting == null && running == null;
    }

    @SuppressWarnings("unchecked")
    private static <E> E first(Object set) {
      return set instanceof TreeSet<?> t ? (E) t.first() : (E) set;
    }

    @SuppressWarnings("unchecked")
    private static <E> E last(Object set) {
      return set instanceof TreeSet<?> t ? (E) t.last() : (E) set;
    }

    /** The set with {@code e} added. */
    @SuppressWarnings("unchecked")
    private static <E> Object plus(Object set, E e, Comparator<? super E> order) {
      if (set == null) {
        return e;
      }
      if (set instanceof TreeSet<?> t) {
        ((TreeSet<E>) t).add(e); // an equal element stays: equal elements are interchangeable
        return t;
      }
      E one = (E) set;
      if (order.compare(one, e) == 0) {
        return e;
      }
      TreeSet<E> many = new TreeSet<>(order);
      many.add(one);
      many.add(e);
      return many;
    }

    /** The set without the element equal to {@code e}. */
    @SuppressWarnings("unchecked")
    private static <E> Object minus(Object set, E e, Comparator<? super E> order) {
      if (set instanceof TreeSet<?> t) {
        TreeSet<E> many = (TreeSet<E>) t;
        many.remove(e);
        return many.size() > 1 ? many : many.isEmpty() ? null : many.first();
      }
      return set != null && order.compare((E) set, e) == 0 ? null : set;
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
      if (schedules.get(stored.id()) != null) {
        throw new DuplicateScheduleException(stored.id());
      }
      ids.add(stored.id());
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
      Schedule old = schedules.get(schedule.id());
      if (old == null) {
        throw new NoSuchScheduleException(schedule.id());
      }
      if (old.version() != expectedVersion) {
        throw new StaleVersionException("schedule", old.id(), expectedVersion, old.version());
      }
      Schedule stored = schedule.withVersion(expectedVersion + 1);
      unindexSchedule(old);
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
      Schedule old = schedules.remove(scheduleId);
      if (old == null) {
        return false;
      }
      ids.remove(scheduleId);
      unindexSchedule(old);
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
      return Optional.ofNullable(schedules.get(scheduleId));
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
      Iterator<String> from =
          afterId == null ? ids.iterator() : ids.after(id -> id.compareTo(afterId));
      List<Schedule> items = new ArrayList<>();
      boolean more = false;
      while (from.hasNext()) {
        Schedule s = schedules.get(from.next());
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
    FireRequest request = new FireRequest(scheduleId, expectedNextFire, newNextFire, jobsToInsert);
    lock.writeLock().lock();
    try {
      return fireLocked(request);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} Under one write lock. */
  @Override
  public List<FireOutcome> fireAll(List<FireRequest> requests) {
    List<FireRequest> given = List.copyOf(requests);
    List<FireOutcome> outcomes = new ArrayList<>(given.size());
    lock.writeLock().lock();
    try {
      for (FireRequest r : given) {
        outcomes.add(fireLocked(r));
      }
    } finally {
      lock.writeLock().unlock();
    }
    return Collections.unmodifiableList(outcomes);
  }

  private FireOutcome fireLocked(FireRequest r) {
    Schedule current = schedules.get(r.scheduleId());
    if (current == null) {
      return new FireOutcome(FireOutcome.Status.NOT_FOUND, null, List.of(), List.of());
    }
    if (current.state() != ScheduleState.ACTIVE) {
      return new FireOutcome(FireOutcome.Status.NOT_ACTIVE, current, List.of(), List.of());
    }
    if (!r.expectedNextFire().equals(current.nextFireTime())) {
      return new FireOutcome(FireOutcome.Status.STALE, current, List.of(), List.of());
    }
    due.remove(current);
    Schedule advanced =
        putDue(
            new Schedule(
                current.id(),
                current.spec(),
                current.state(),
                r.newNextFire(),
                current.nextFireTime(),
                current.consecutiveFailures(),
                current.version() + 1,
                current.createdAt(),
                current.updatedAt(),
                current.createdBy(),
                current.updatedBy()));
    schedules.put(advanced);
    List<Job> inserted = new ArrayList<>(r.jobs().size());
    List<FireKey> ignored = List.of();
    for (Job j : r.jobs()) {
      Job stored = insertLocked(j);
      if (stored != null) {
        inserted.add(stored);
      } else {
        if (ignored.isEmpty()) {
          ignored = new ArrayList<>();
        }
        ignored.add(j.fireKey());
      }
    }
    return new FireOutcome(FireOutcome.Status.FIRED, advanced, inserted, ignored);
  }

  /**
   * Stores a schedule (new, or replacing the version already taken out of the indexes) and indexes
   * it.
   *
   * @return the schedule stored: {@code s}, or an equal copy
   */
  private Schedule putSchedule(Schedule s) {
    s = putDue(s);
    schedules.put(s);
    if (s.spec().trigger() instanceof AfterCompletionTrigger after) {
      triggeredAfter.computeIfAbsent(after.scheduleId(), k -> new TreeSet<>()).add(s.id());
    }
    return s;
  }

  /**
   * Adds a schedule to the due index if it is active and has a next fire. A schedule due at the
   * same instant as one already indexed gets that schedule's (equal) {@link Instant} object, so
   * that the many schedules firing on the same minute share one.
   *
   * @return the schedule indexed: {@code s}, or an equal copy
   */
  private Schedule putDue(Schedule s) {
    Instant next = s.nextFireTime();
    if (s.state() == ScheduleState.ACTIVE && next != null) {
      Schedule same = due.find(d -> d.nextFireTime().compareTo(next));
      if (same != null && same.nextFireTime() != next) {
        s = s.withNextFireTime(same.nextFireTime());
      }
      due.add(s);
    }
    return s;
  }

  /** Removes a schedule from the due and after-completion indexes (not from the table). */
  private void unindexSchedule(Schedule s) {
    if (s.nextFireTime() != null) {
      due.remove(s);
    }
    if (s.spec().trigger() instanceof AfterCompletionTrigger after) {
      TreeSet<String> set = triggeredAfter.get(after.scheduleId());
      if (set != null && set.remove(s.id()) && set.isEmpty()) {
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
      TreeSet<String> set = triggeredAfter.get(upstreamScheduleId);
      if (set == null) {
        return List.of();
      }
      List<Schedule> result = new ArrayList<>(set.size());
      for (String id : set) {
        result.add(schedules.get(id));
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
    Job stored = job.withVersion(0);
    Lane lane = stored.scheduleId() == null ? null : laneOf(stored);
    fireKeys.put(stored.fireKey());
    jobs.insert(stored, lane);
    bySequence.add(new SeqKey(stored.sequence(), stored.id()));
    indexState(stored, lane);
    return stored;
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Job> transition(Job next, JobStatus expectedStatus, long expectedVersion) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(expectedStatus, "expectedStatus");
    lock.writeLock().lock();
    try {
      return Optional.ofNullable(
          transitionLocked(next, expectedStatus, expectedVersion, List.of()));
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
      return Optional.ofNullable(transitionLocked(next, expectedStatus, expectedVersion, given));
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} Under one write lock. */
  @Override
  public List<Optional<Job>> transitionAll(List<TransitionRequest> requests) {
    List<TransitionRequest> given = List.copyOf(requests);
    List<Optional<Job>> results = new ArrayList<>(given.size());
    lock.writeLock().lock();
    try {
      for (TransitionRequest r : given) {
        results.add(
            Optional.ofNullable(
                transitionLocked(r.next(), r.expectedStatus(), r.expectedVersion(), r.follow())));
      }
    } finally {
      lock.writeLock().unlock();
    }
    return Collections.unmodifiableList(results);
  }

  /**
   * @return the stored job, or null if the compare-and-set failed
   */
  private Job transitionLocked(
      Job next, JobStatus expectedStatus, long expectedVersion, List<Job> follow) {
    int slot = jobs.slotOf(next.id());
    Job old = slot < 0 ? null : jobs.elementAt(slot);
    if (old == null || old.status() != expectedStatus || old.version() != expectedVersion) {
      return null;
    }
    checkIdentity(old, next);
    Job stored = next.withVersion(expectedVersion + 1);
    jobs.replaceAt(slot, stored);
    reindex(old, stored, (Lane) jobs.attachmentAt(slot));
    for (Job j : follow) {
      insertLocked(j);
    }
    return stored;
  }

  /** {@inheritDoc} */
  @Override
  public ClaimOutcome claim(
      Job running, JobStatus expectedStatus, long expectedVersion, Limits limits) {
    ClaimRequest request = new ClaimRequest(running, expectedStatus, expectedVersion, limits);
    lock.writeLock().lock();
    try {
      return claimLocked(request);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} Under one write lock. */
  @Override
  public List<ClaimOutcome> claimAll(List<ClaimRequest> requests) {
    List<ClaimRequest> given = List.copyOf(requests);
    List<ClaimOutcome> outcomes = new ArrayList<>(given.size());
    lock.writeLock().lock();
    try {
      for (ClaimRequest r : given) {
        outcomes.add(claimLocked(r));
      }
    } finally {
      lock.writeLock().unlock();
    }
    return Collections.unmodifiableList(outcomes);
  }

  private ClaimOutcome claimLocked(ClaimRequest r) {
    Job running = r.running();
    int slot = jobs.slotOf(running.id());
    Job old = slot < 0 ? null : jobs.elementAt(slot);
    if (old == null || old.status() != r.expectedStatus() || old.version() != r.expectedVersion()) {
      return new ClaimOutcome.Lost();
    }
    checkIdentity(old, running);
    ClaimOutcome.Limited full = fullLimit(running, r.limits());
    if (full != null) {
      return full;
    }
    Job stored = running.withVersion(r.expectedVersion() + 1);
    jobs.replaceAt(slot, stored);
    reindex(old, stored, (Lane) jobs.attachmentAt(slot));
    return new ClaimOutcome.Claimed(stored);
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
      for (SortedChunks<Job> pending : ready) {
        for (Job j : pending) {
          if (result.size() == limit) {
            return Collections.unmodifiableList(result);
          }
          if (j.readyAt().isAfter(now)) {
            break;
          }
          result.add(j);
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
      Iterator<SeqKey> keys =
          from == null
              ? bySequence.descendingIterator()
              : bySequence.descendingBefore(k -> SEQ_ORDER.compare(k, from));
      List<Job> items = new ArrayList<>();
      boolean more = false;
      while (keys.hasNext()) {
        Job j = jobs.get(keys.next().id());
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
      EnumMap<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
      for (JobStatus s : STATUSES) {
        counts.put(s, statusCounts[s.ordinal()]);
      }
      return Collections.unmodifiableMap(counts);
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
      Lane lane = lanes.get(new ScheduleNode(scheduleId, nodeId));
      FinishKey last = lane == null ? null : lane.lastFinished();
      return last == null ? Optional.empty() : Optional.of(jobs.get(last.id()));
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
      Lane lane = lanes.get(new ScheduleNode(scheduleId, nodeId));
      if (lane == null) {
        return Optional.empty();
      }
      Job best = null;
      for (JobStatus status : statuses) {
        Job first = lane.earliest(status);
        if (first != null && (best == null || FIRE_ORDER.compare(first, best) < 0)) {
          best = first;
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
      List<Job> victims = new ArrayList<>();
      for (FinishKey k : finished) {
        if (victims.size() >= batch || !k.finished().isBefore(cutoff)) {
          break;
        }
        int slot = jobs.slotOf(k.id());
        Lane lane = (Lane) jobs.attachmentAt(slot);
        FinishKey latest = lane == null ? null : lane.lastFinished();
        if (latest != null && latest.id().equals(k.id())) {
          continue; // dependency checks read it: kept whatever its age
        }
        victims.add(jobs.elementAt(slot));
      }
      for (Job j : victims) {
        Lane lane = (Lane) jobs.attachmentAt(jobs.slotOf(j.id()));
        bySequence.remove(new SeqKey(j.sequence(), j.id()));
        unindexState(j, lane);
        jobs.remove(j.id());
        fireKeys.remove(j.fireKey());
      }
      return victims.size();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@inheritDoc} */
  @Override
  public long nextSequence() {
    return sequence.incrementAndGet();
  }

  /** {@inheritDoc} One atomic step. */
  @Override
  public long[] nextSequences(int count) {
    positive("count", count);
    long last = sequence.addAndGet(count);
    long[] numbers = new long[count];
    for (int i = 0; i < count; i++) {
      numbers[i] = last - count + 1 + i;
    }
    return numbers;
  }

  // ---------------------------------------------------------------- indexes of jobs

  /**
   * @return the lane of a job of a schedule, created if absent
   */
  private Lane laneOf(Job j) {
    ScheduleNode key = new ScheduleNode(j.scheduleId(), j.nodeId());
    Lane lane = lanes.get(key);
    if (lane == null) {
      lane = new Lane(key);
      lanes.put(key, lane);
    }
    return lane;
  }

  private void dropIfEmpty(Lane lane) {
    if (lane.isEmpty()) {
      lanes.remove(lane.key);
    }
  }

  /** Adds a new job's entries to every index but bySequence (its lane: null without schedule). */
  private void indexState(Job j, Lane lane) {
    JobStatus status = j.status();
    statusCounts[status.ordinal()]++;
    if (status.isPending()) {
      ready.get(j.priority().ordinal()).add(j);
    } else if (status == JobStatus.RUNNING) {
      countRunning(j, 1);
    }
    FinishKey k = status.isFinal() ? finishKey(j) : null;
    if (k != null) {
      finished.add(k);
    }
    if (lane != null) {
      if (k != null) {
        lane.addFinished(k);
      } else {
        lane.addUnfinished(j);
      }
    }
  }

  /** Removes a job's entries from every index but bySequence (its lane: null without schedule). */
  private void unindexState(Job j, Lane lane) {
    JobStatus status = j.status();
    statusCounts[status.ordinal()]--;
    if (status.isPending()) {
      ready.get(j.priority().ordinal()).remove(j);
    } else if (status == JobStatus.RUNNING) {
      countRunning(j, -1);
    }
    FinishKey k = status.isFinal() ? finishKey(j) : null;
    if (k != null) {
      finished.remove(k);
    }
    if (lane != null) {
      if (k != null) {
        lane.removeFinished(k);
      } else {
        lane.removeUnfinished(j);
      }
      dropIfEmpty(lane);
    }
  }

  /**
   * Moves a job from {@code old}'s index entries to {@code now}'s, touching only the indexes whose
   * keys differ (the pending index holds the stored jobs themselves, so a pending job's entry is
   * replaced on every change). Id, fire key and sequence never change (checked by {@link
   * #transition}), so {@code bySequence} is left alone.
   *
   * @param lane the job's lane, null if it has no schedule
   */
  private void reindex(Job old, Job now, Lane lane) {
    JobStatus before = old.status();
    JobStatus after = now.status();
    if (before != after) {
      statusCounts[before.ordinal()]--;
      statusCounts[after.ordinal()]++;
    }
    if (before.isPending()) {
      SortedChunks<Job> from = ready.get(old.priority().ordinal());
      if (after.isPending()
          && old.priority() == now.priority()
          && old.readyAt().equals(now.readyAt())) {
        from.add(now); // same key: replaces the entry in place
      } else {
        from.remove(old);
        if (after.isPending()) {
          ready.get(now.priority().ordinal()).add(now);
        }
      }
    } else if (after.isPending()) {
      ready.get(now.priority().ordinal()).add(now);
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
    boolean finishChanged = !Objects.equals(finishBefore, finishAfter);
    if (finishChanged) {
      if (finishBefore != null) {
        finished.remove(finishBefore);
      }
      if (finishAfter != null) {
        finished.add(finishAfter);
      }
    }
    if (lane != null && (finishChanged || before != after)) {
      if (finishChanged && finishBefore != null) {
        lane.removeFinished(finishBefore);
      }
      if (before != after && !before.isFinal()) {
        lane.removeUnfinished(old);
      }
      if (finishChanged && finishAfter != null) {
        lane.addFinished(finishAfter);
      }
      if (before != after && !after.isFinal()) {
        lane.addUnfinished(now);
      }
    }
  }

  private static FinishKey finishKey(Job j) {
    return new FinishKey(j.finishedAt(), j.sequence(), j.id());
  }

  private void countRunning(Job j, long delta) {
    if (delta > 0) {
      runningByOwner.computeIfAbsent(j.owner(), o -> new HashSet<>()).add(j.id());
    } else {
      HashSet<String> owned = runningByOwner.get(j.owner());
      if (owned != null && owned.remove(j.id()) && owned.isEmpty()) {
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
      TreeSet<SeqKey> found = new TreeSet<>(SEQ_ORDER);
      for (Map.Entry<String, HashSet<String>> e : runningByOwner.entrySet()) {
        SchedulerInstance owner = instances.get(e.getKey());
        if (owner != null && owner.alive(now)) {
          continue;
        }
        for (String id : e.getValue()) {
          SeqKey k = new SeqKey(jobs.get(id).sequence(), id);
          if (found.size() == limit) {
            if (SEQ_ORDER.compare(k, found.last()) >= 0) {
              continue;
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
