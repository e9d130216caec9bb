package io.scripttask.scheduler.internal.engine;

import io.scripttask.scheduler.AfterCompletionTrigger;
import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.MaintenanceCalendar;
import io.scripttask.scheduler.MaintenanceWindow;
import io.scripttask.scheduler.MisfirePolicy;
import io.scripttask.scheduler.NoSuchScheduleException;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Notification;
import io.scripttask.scheduler.NotificationRule;
import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.PlannedRun;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.ScheduleState;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.SchedulerException;
import io.scripttask.scheduler.SchedulerInstance;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.SkipReason;
import io.scripttask.scheduler.StaleVersionException;
import io.scripttask.scheduler.Statistics;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.TriggeredBy;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.Variables;
import io.scripttask.scheduler.WaitReason;
import io.scripttask.scheduler.WindowPolicy;
import io.scripttask.scheduler.internal.events.EventBus;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.ClaimOutcome;
import io.scripttask.scheduler.spi.ClaimRequest;
import io.scripttask.scheduler.spi.DispatchShare;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.FireOutcome;
import io.scripttask.scheduler.spi.FireRequest;
import io.scripttask.scheduler.spi.NodeDirectory;
import io.scripttask.scheduler.spi.Notifier;
import io.scripttask.scheduler.spi.RunningCounts;
import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.spi.TransitionRequest;
import io.scripttask.scheduler.spi.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The engine: one {@link #tick()} renews this instance's lease and recovers the jobs of lost
 * instances (every third of the lease), completes finished runs, fires due schedules and dispatches
 * ready jobs (claiming them with the store's limit-checking claim). All engine state is guarded by
 * this object's monitor: {@link #tick()} and the operations run under it, so they never interleave.
 * Transport results arrive on transport threads and are only queued there; the next tick handles
 * them. Not API.
 *
 * <p><b>Batches.</b> The hot path talks to the store a batch at a time, so that a database serves a
 * batch in one transaction: the due schedules are fired with {@link SchedulerStore#fireAll}, the
 * admitted jobs claimed with {@link SchedulerStore#claimAll}, the results recorded with {@link
 * SchedulerStore#transitionAll}, and job numbers and fencing tokens drawn with {@link
 * SchedulerStore#nextSequences}. Each item of a batch is still its own compare-and-set, with the
 * outcome it would have on its own; a batch that fails is retried item by item, and an item the
 * failed batch had already stored is recognized (by its fresh id, fencing token or content) and
 * reported once.
 */
public final class Engine {

  private static final System.Logger LOG = System.getLogger(Engine.class.getName());

  /** The actor recorded when an operation is given none. */
  public static final String DEFAULT_ACTOR = "api";

  private static final int BATCH = 256;

  /** The most admitted jobs claimed with one store call (their start time is read once). */
  private static final int CLAIM_BATCH = 256;

  /**
   * How much earlier than its hand-over to the transport a job's start time may be: the jobs of a
   * claim batch share the start time read before the claim, so a batch holds only as many jobs as
   * the previous batch handed over in this time ({@link #claimBatch}).
   */
  private static final Duration HAND_OVER_SLACK = Duration.ofNanos(100_000);

  /** The most results recorded with one store call. */
  private static final int COMPLETION_BATCH = 256;

  private static final int MAX_DISPATCH_SCAN = 65_536;
  private static final int MAX_FIRES_PER_STEP = 10_000;
  private static final Duration FAR = Duration.ofDays(3660);
  private static final Set<JobStatus> RUNNING = Set.of(JobStatus.RUNNING);
  private static final Set<JobStatus> UNFINISHED =
      Set.of(JobStatus.QUEUED, JobStatus.WAITING, JobStatus.RUNNING);

  /** The default of {@link #historyRetention}: finished jobs are kept 7 days. */
  public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofDays(7);

  /** How often (on the engine's clock) finished jobs older than the retention are deleted. */
  private static final Duration RETENTION_INTERVAL = Duration.ofMinutes(1);

  /** Finished jobs deleted per store call, and the most calls per pass. */
  private static final int RETENTION_BATCH = 1000;

  private static final int RETENTION_BATCHES_PER_PASS = 5;

  /**
   * The default lease of an instance: its jobs are recovered this long after its last heartbeat.
   */
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);

  /** How long the row of an instance whose lease expired is kept (visible) before it is pruned. */
  private static final Duration DEAD_INSTANCE_RETENTION = Duration.ofHours(1);

  /** The most orphaned-job batches recovered per membership step. */
  private static final int RECOVERY_BATCHES_PER_PASS = 10;

  /** The most scripts whose content hash is cached. */
  private static final int MAX_CACHED_HASHES = 1024;

  private final Clock clock;
  private final SchedulerStore store;
  private final NodeDirectory nodes;
  private final Map<String, Transport> transports;
  private final Map<String, List<Notifier>> notifiers;
  private final EventBus events;
  private final String instanceId;
  private final int maxConcurrentJobs;

  private final Map<String, Running> running = new LinkedHashMap<>();

  /**
   * Claims whose outcome the store never reported (the call failed, perhaps after the store applied
   * it), by job id: the job before the claim and the claim's fencing token. Settled at the start of
   * the next passes ({@link #settleClaims}). Engine thread only.
   */
  private final Map<String, UnsettledClaim> unsettledClaims = new LinkedHashMap<>();

  private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> nodesOnline = new ConcurrentLinkedQueue<>();
  private final TreeSet<Instant> wakeups = new TreeSet<>();
  private final Map<String, Boolean> windowOpen = new HashMap<>();
  private volatile boolean windowsChanged;
  private volatile Runnable wakeHook = () -> {};
  private boolean stopping;

  private volatile Duration historyRetention = DEFAULT_HISTORY_RETENTION;

  private volatile Duration leaseDuration = DEFAULT_LEASE_DURATION;

  /**
   * Until when this instance's last successful heartbeat holds its lease; null before the first.
   * Written under {@link #leaseLock} by the pass and by {@link #renewLease()} (another thread).
   */
  private volatile Instant leaseUntil;

  /** Serialises heartbeats of the pass and of the lease thread. */
  private final Object leaseLock = new Object();

  /** Set by {@link #renewLease()} when it found the lease expired; cleared by the pass. */
  private volatile boolean lapsedMeanwhile;

  /** Set once the instance left the cluster: no heartbeat may re-insert its row. */
  private volatile boolean left;

  /** When the next heartbeat (and recovery step) is due; null: on the next pass. */
  private Instant nextHeartbeatAt;

  /** Whether the jobs a previous run of this instance id left RUNNING were recovered. */
  private boolean leftoversRecovered;

  /**
   * This instance's place among the live instances of its cluster, read at each membership step:
   * {@code shareIndex} of {@code shareCount} (ordered by instance id); {@code shareCount} below 2
   * when it is alone (or not among them yet), and then it reads the whole queue. See {@link
   * #share(Instant)}.
   */
  private int shareIndex;

  private int shareCount;

  /** When the next retention pass may run; null: on the next pass. */
  private Instant nextRetentionAt;

  /**
   * How many admitted jobs the next claim batch holds: 1 at first, then as many as the last batch's
   * hand-overs (the time each took) fit into the larger of {@link #HAND_OVER_SLACK} and the time
   * the last claim call took, at most {@link #CLAIM_BATCH}. A job's recorded start (read before its
   * claim) thus precedes its hand-over by at most about one claim call: with a store a round trip
   * away, the job would otherwise wait for one more claim call before its hand-over anyway.
   */
  private int claimBatch = 1;

  /** A script's content hash, kept with the script it was computed from. */
  private record ScriptHash(Script script, String hash) {}

  /** Script id to the content hash of the script last seen with that id (engine thread). */
  private final Map<String, ScriptHash> hashes = new HashMap<>();

  /**
   * Creates an engine.
   *
   * @param clock the clock
   * @param store the store
   * @param nodes the node directory
   * @param transports transports by name
   * @param notifiers notifiers by channel
   * @param events the event bus
   * @param instanceId this instance's id (job owner)
   * @param maxConcurrentJobs the most jobs running at once across the store, 0 for unlimited
   */
  public Engine(
      Clock clock,
      SchedulerStore store,
      NodeDirectory nodes,
      Map<String, Transport> transports,
      Map<String, List<Notifier>> notifiers,
      EventBus events,
      String instanceId,
      int maxConcurrentJobs) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.store = Objects.requireNonNull(store, "store");
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.transports = Map.copyOf(transports);
    this.notifiers = Map.copyOf(notifiers);
    this.events = Objects.requireNonNull(events, "events");
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    this.maxConcurrentJobs = maxConcurrentJobs;
  }

  /**
   * Sets what asks for a tick soon (the scheduler's engine thread); called on completions and
   * operations. Thread-safe.
   *
   * @param hook the hook
   */
  public void wakeHook(Runnable hook) {
    this.wakeHook = Objects.requireNonNull(hook, "hook");
  }

  /**
   * Handles a node directory change (any thread): an online node releases its offline-held jobs;
   * quarantine changes become events.
   *
   * @param before the node before, or null
   * @param after the node after, or null
   */
  public void onNodeChanged(Node before, Node after) {
    Instant now = clock.instant();
    if (after != null && after.online() && (before == null || !before.online())) {
      nodesOnline.add(after.id());
    }
    boolean wasQ = before != null && before.quarantined();
    boolean isQ = after != null && after.quarantined();
    if (!wasQ && isQ) {
      String reason = nodes.quarantineReason(after.id()).orElse("quarantined");
      events.publish(new SchedulerEvent.NodeQuarantined(now, after.id(), reason, null));
    } else if (wasQ && after != null && !isQ) {
      events.publish(new SchedulerEvent.NodeReleased(now, after.id(), null));
    }
    wake();
  }

  private void wake() {
    try {
      wakeHook.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "engine wake-up failed", e);
    }
  }

  // =================================================================== the loop

  /**
   * One pass: handles queued results, then (unless stopping) publishes window changes, releases
   * jobs of nodes that came online, fires due schedules and dispatches ready jobs.
   *
   * @return the next instant, after now, at which something is known to become due, or empty
   */
  public synchronized Optional<Instant> tick() {
    Instant now = clock.instant();
    while (!wakeups.isEmpty() && !wakeups.first().isAfter(now)) {
      wakeups.pollFirst();
    }
    if (!stopping) {
      membership(now);
    }
    drainCompletions(now);
    if (!stopping) {
      windowEvents(now);
      releaseWaiters(now);
      fireDue(now);
      if (holdsLease(now)) {
        dispatch(now);
      } else {
        LOG.log(
            System.Logger.Level.WARNING,
            "instance "
                + instanceId
                + " holds no lease (last renewed until "
                + leaseUntil
                + ")"
                + ": not starting jobs until a heartbeat succeeds");
      }
      applyRetention(now);
    }
    return nextWake(now);
  }

  /**
   * Sets the lease: an instance renews it every third of it (on the engine's clock, during its
   * passes), and the jobs of an instance whose lease expired are recovered by the others.
   * Thread-safe.
   *
   * @param lease the lease, positive
   */
  public void leaseDuration(Duration lease) {
    this.leaseDuration = Objects.requireNonNull(lease, "lease");
  }

  /**
   * @return this instance's id, the owner recorded on the jobs it claims
   */
  public String instanceId() {
    return instanceId;
  }

  /**
   * @return when the next heartbeat is due on the engine's clock, or empty if it is due at once; a
   *     host running passes by itself must run one by then to keep the lease
   */
  public synchronized Optional<Instant> nextHeartbeat() {
    return Optional.ofNullable(nextHeartbeatAt);
  }

  /**
   * Sets how long finished jobs are kept: once a minute (on the engine's clock) a pass deletes the
   * finished jobs that finished more than {@code retention} before, in batches. Thread-safe.
   *
   * @param retention the retention, positive
   */
  public void historyRetention(Duration retention) {
    this.historyRetention = Objects.requireNonNull(retention, "retention");
  }

  /**
   * Deletes finished jobs older than the retention, at most a few batches per pass, once per {@link
   * #RETENTION_INTERVAL}; a backlog is worked off over the following passes.
   */
  private void applyRetention(Instant now) {
    if (nextRetentionAt != null && now.isBefore(nextRetentionAt)) {
      return;
    }
    Instant cutoff = now.minus(historyRetention);
    boolean more = false;
    try {
      for (int i = 0; i < RETENTION_BATCHES_PER_PASS; i++) {
        more = store.deleteFinishedBefore(cutoff, RETENTION_BATCH) == RETENTION_BATCH;
        if (!more) {
          break;
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "deleting old job history failed", e);
    }
    nextRetentionAt = more ? null : now.plus(RETENTION_INTERVAL);
  }

  // =================================================================== cluster membership

  private boolean holdsLease(Instant now) {
    return leaseUntil != null && leaseUntil.isAfter(now);
  }

  /**
   * The membership step, every third of the lease (on the engine's clock): renews this instance's
   * lease; if it had expired, cancels the runs whose claims another instance took meanwhile; on the
   * first step, recovers the jobs a previous run of this instance id left RUNNING; then recovers
   * the jobs of instances whose lease expired, and prunes long-dead instance rows. A failed
   * heartbeat is retried on the next pass; until one succeeds and while the lease is expired,
   * nothing is dispatched.
   */
  private void membership(Instant now) {
    if (nextHeartbeatAt != null && now.isBefore(nextHeartbeatAt)) {
      return;
    }
    boolean lapsed = leaseUntil != null && !leaseUntil.isAfter(now);
    if (!heartbeat(now)) {
      return;
    }
    if (lapsedMeanwhile) {
      lapsedMeanwhile = false;
      lapsed = true;
    }
    try {
      if (lapsed) {
        cancelLostRuns(now);
      }
      if (!leftoversRecovered) {
        recoverLeftovers(now);
        leftoversRecovered = true;
      }
      recoverOrphans(now);
      List<SchedulerInstance> instances = store.instances();
      shareOf(instances, now);
      pruneDeadInstances(instances, now);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "recovering the jobs of lost instances failed", e);
    }
  }

  /**
   * Renews the lease.
   *
   * @return whether the store took the heartbeat
   */
  private boolean heartbeat(Instant now) {
    Duration lease = leaseDuration;
    try {
      synchronized (leaseLock) {
        if (left) {
          return false;
        }
        SchedulerInstance row = store.heartbeat(instanceId, now, now.plus(lease));
        leaseUntil = row.leaseUntil();
      }
      nextHeartbeatAt = now.plus(lease.dividedBy(3));
      return true;
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "heartbeat of instance " + instanceId + " failed; lease held until " + leaseUntil,
          e);
      nextHeartbeatAt = null;
      return false;
    }
  }

  /**
   * Renews this instance's lease now, from any thread, without waiting for a pass: a started
   * scheduler calls it every third of the lease from a thread of its own, so that a long pass (a
   * slow database, a large backlog) never lets the lease lapse while the instance is alive. The
   * recovery of other instances' jobs stays in the passes. Does nothing once the instance left.
   */
  public void renewLease() {
    Instant now = clock.instant();
    try {
      synchronized (leaseLock) {
        if (left) {
          return;
        }
        Instant before = leaseUntil;
        SchedulerInstance row = store.heartbeat(instanceId, now, now.plus(leaseDuration));
        if (before != null && !before.isAfter(now)) {
          lapsedMeanwhile = true;
        }
        leaseUntil = row.leaseUntil();
      }
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "heartbeat of instance " + instanceId + " failed; lease held until " + leaseUntil,
          e);
    }
  }

  /**
   * @return the lease duration, as set
   */
  public Duration leaseDuration() {
    return leaseDuration;
  }

  /**
   * After this instance's lease expired (it was blocked or cut off from the store), other instances
   * may have recovered its running jobs and started them again: the runs whose claim is gone (the
   * stored job is no longer RUNNING under this instance's fencing token) are cancelled, and their
   * results will be refused.
   */
  private void cancelLostRuns(Instant now) {
    for (Running r : new ArrayList<>(running.values())) {
      Optional<Job> stored = store.job(r.job().id());
      boolean ours =
          stored.isPresent()
              && stored.get().status() == JobStatus.RUNNING
              && stored.get().fencingToken() == r.job().fencingToken()
              && instanceId.equals(stored.get().owner());
      if (ours) {
        continue;
      }
      LOG.log(
          System.Logger.Level.WARNING,
          "instance "
              + instanceId
              + " lost its lease before "
              + now
              + "; job "
              + r.job().id()
              + " was taken over meanwhile: cancelling the local run");
      if (r.execution() != null) {
        try {
          r.execution().cancel();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "cancel of " + r.job().id() + " threw", e);
        }
      }
    }
  }

  /**
   * Recovers the jobs stored as RUNNING under this instance's id that this engine does not run: a
   * previous process with the same instance id died (or was killed) while they ran.
   */
  private void recoverLeftovers(Instant now) {
    List<Job> leftovers = new ArrayList<>();
    JobQuery mine = JobQuery.all().statuses(JobStatus.RUNNING).owner(instanceId);
    Page page = Page.first(BATCH);
    while (page != null) {
      PageResult<Job> result = store.jobs(mine, page);
      for (Job j : result.items()) {
        if (!running.containsKey(j.id())) {
          leftovers.add(j);
        }
      }
      page = result.nextPage();
    }
    for (Job j : leftovers) {
      recover(j, "owner " + instanceId + " restarted", now);
    }
  }

  /** Recovers the jobs whose owner's lease expired, oldest first, a few batches per step. */
  private void recoverOrphans(Instant now) {
    for (int round = 0; round < RECOVERY_BATCHES_PER_PASS; round++) {
      List<Job> lost = store.orphaned(now, BATCH);
      int recovered = 0;
      for (Job j : lost) {
        if (instanceId.equals(j.owner()) && running.containsKey(j.id())) {
          continue; // ours, and still running here: the renewed lease covers it
        }
        try {
          if (recover(j, "owner " + j.owner() + " lost its lease", now)) {
            recovered++;
          }
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "recovering job " + j.id() + " failed", e);
        }
      }
      if (lost.size() < BATCH || recovered == 0) {
        return;
      }
    }
  }

  /**
   * Recovers a RUNNING job whose owner is gone, per its retry policy: with attempts left it becomes
   * the next attempt (QUEUED, due after the schedule's retry delay), else FAILED (with its
   * after-completion jobs, notifications and failure count as for any failure). The compare-and-set
   * on its status and version makes exactly one instance recover it, and fences off the old owner.
   *
   * @return whether this call recovered it
   */
  private boolean recover(Job job, String why, Instant now) {
    String owner = job.owner();
    Schedule schedule = scheduleOf(job);
    ScheduleSpec spec = schedule != null ? schedule.spec() : null;
    if (job.attempt() < job.maxAttempts()) {
      Instant at = now.plus(retryDelay(spec, job));
      Job next = job.toBuilder().detail(why).build().retryAt(at);
      Optional<Job> stored = store.transition(next, JobStatus.RUNNING, job.version());
      if (stored.isEmpty()) {
        return false;
      }
      LOG.log(
          System.Logger.Level.INFO,
          "recovered job " + job.id() + ": " + why + "; attempt " + next.attempt() + " at " + at);
      remember(at, now);
      events.publish(new SchedulerEvent.JobRecovered(now, stored.get(), owner));
      events.publish(new SchedulerEvent.JobFinished(now, stored.get(), JobStatus.FAILED, at));
      return true;
    }
    Job failed = job.toBuilder().status(JobStatus.FAILED).detail(why).finishedAt(now).build();
    Finished f = storeFinal(job, failed, schedule, now);
    if (f == null) {
      return false;
    }
    LOG.log(
        System.Logger.Level.INFO,
        "recovered job " + job.id() + ": " + why + "; no attempt left, FAILED");
    events.publish(new SchedulerEvent.JobRecovered(now, f.job(), owner));
    finishedFinal(f, now, schedule);
    return true;
  }

  /**
   * Takes this instance's place among the live instances (lease not expired), ordered by id: its
   * share of the ready jobs until the next membership step.
   */
  private void shareOf(List<SchedulerInstance> instances, Instant now) {
    List<String> live = new ArrayList<>();
    for (SchedulerInstance i : instances) {
      if (i.leaseUntil().isAfter(now)) {
        live.add(i.id());
      }
    }
    Collections.sort(live);
    int index = live.indexOf(instanceId);
    shareIndex = Math.max(index, 0);
    shareCount = index < 0 ? 0 : live.size();
  }

  /**
   * This instance's share of the ready jobs, or null when it is alone: in a cluster of {@code k}
   * live instances, the jobs whose sequence modulo {@code k} is this instance's place, and every
   * job ready for longer than a lease. Each pass reads its share first and the rest of the queue
   * when the share runs short ({@link #dispatchPages}): a saturated cluster's instances then read
   * and claim different jobs instead of racing for the same head of the queue, and a job waits for
   * the instance whose share it is in at most a lease (a live instance that stopped taking work
   * keeps its lease).
   */
  private DispatchShare share(Instant now) {
    return shareCount < 2
        ? null
        : new DispatchShare(shareIndex, shareCount, now.minus(leaseDuration));
  }

  /**
   * Removes the rows of other instances whose lease expired long ago (their jobs are recovered).
   */
  private void pruneDeadInstances(List<SchedulerInstance> instances, Instant now) {
    for (SchedulerInstance i : instances) {
      if (!i.id().equals(instanceId)
          && !i.leaseUntil().plus(DEAD_INSTANCE_RETENTION).isAfter(now)) {
        store.removeInstance(i.id());
      }
    }
  }

  /** The content hash of a script, computed once per script (and again when it changes). */
  private String contentHash(Script script) {
    ScriptHash cached = hashes.get(script.id());
    if (cached != null && (cached.script() == script || cached.script().equals(script))) {
      return cached.hash();
    }
    String hash = script.contentHash();
    if (hashes.size() >= MAX_CACHED_HASHES) {
      hashes.clear();
    }
    hashes.put(script.id(), new ScriptHash(script, hash));
    return hash;
  }

  private Optional<Instant> nextWake(Instant now) {
    Instant best = wakeups.isEmpty() ? null : wakeups.first();
    if (!stopping) {
      for (Schedule s : store.dueSchedules(now.plus(FAR), 1)) {
        if (s.nextFireTime() != null && s.nextFireTime().isAfter(now)) {
          best = min(best, s.nextFireTime());
        }
      }
      for (MaintenanceWindow w : store.windows()) {
        if (!w.enabled()) {
          continue;
        }
        Optional<Instant> b = w.isOpen(now) ? w.nextClosing(now) : w.nextOpening(now);
        if (b.isPresent() && b.get().isAfter(now)) {
          best = min(best, b.get());
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static Instant min(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  private void remember(Instant at, Instant now) {
    if (at != null && at.isAfter(now)) {
      wakeups.add(at);
    }
  }

  // =================================================================== windows and releases

  private void windowEvents(Instant now) {
    Set<String> present = new HashSet<>();
    for (MaintenanceWindow w : store.windows()) {
      present.add(w.id());
      boolean open = w.enabled() && w.isOpen(now);
      Boolean before = windowOpen.put(w.id(), open);
      if (open && !Boolean.TRUE.equals(before)) {
        events.publish(new SchedulerEvent.WindowOpened(now, w.id()));
      } else if (!open && Boolean.TRUE.equals(before)) {
        events.publish(new SchedulerEvent.WindowClosed(now, w.id()));
      }
    }
    windowOpen.keySet().retainAll(present);
  }

  private void releaseWaiters(Instant now) {
    Set<String> online = new LinkedHashSet<>();
    String id;
    while ((id = nodesOnline.poll()) != null) {
      online.add(id);
    }
    boolean windows = windowsChanged;
    windowsChanged = false;
    if (online.isEmpty() && !windows) {
      return;
    }
    JobQuery waiting = JobQuery.all().statuses(JobStatus.WAITING);
    Page page = Page.first(1000);
    while (page != null) {
      PageResult<Job> result = store.jobs(waiting, page);
      for (Job j : result.items()) {
        boolean release =
            (j.waitReason() == WaitReason.NODE_OFFLINE && online.contains(j.nodeId()))
                || (j.waitReason() == WaitReason.MAINTENANCE_WINDOW && windows);
        if (release) {
          Job next = j.toBuilder().status(JobStatus.QUEUED).nextAttemptAt(now).build();
          store.transition(next, JobStatus.WAITING, j.version());
        }
      }
      page = result.nextPage();
    }
  }

  /** Marks the windows changed: jobs held by a window are re-examined on the next tick. */
  public void windowsChanged() {
    windowsChanged = true;
    wake();
  }

  // =================================================================== fire

  /**
   * Fires the due schedules, a batch at a time: the jobs of a batch are numbered with one {@link
   * SchedulerStore#nextSequences} call and stored with one {@link SchedulerStore#fireAll} call (one
   * transaction in a database; each fire stays its own compare-and-set).
   */
  private void fireDue(Instant now) {
    for (int round = 0; round < 1000; round++) {
      List<Schedule> due = store.dueSchedules(now, BATCH);
      if (due.isEmpty()) {
        return;
      }
      fireBatch(due, now);
      if (due.size() < BATCH) {
        return;
      }
    }
  }

  /** What one due schedule fires: its fire instants (catch-up ones first) and its nodes. */
  private record PlannedFire(
      Schedule schedule,
      Instant newNext,
      List<Instant> fires,
      boolean missedAny,
      int catchUp,
      List<Node> targets,
      String scriptHash) {}

  private void fireBatch(List<Schedule> due, Instant now) {
    List<PlannedFire> plans = new ArrayList<>(due.size());
    Map<String, String> hashes = new HashMap<>();
    int jobCount = 0;
    for (Schedule s : due) {
      try {
        PlannedFire p = planFire(s, now, hashes);
        plans.add(p);
        jobCount += p.fires().size() * p.targets().size();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "firing schedule " + s.id() + " failed", e);
      }
    }
    if (plans.isEmpty()) {
      return;
    }
    long[] seqs;
    try {
      seqs = jobCount == 0 ? new long[0] : store.nextSequences(jobCount);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "firing " + plans.size() + " schedules failed", e);
      return;
    }
    List<FireRequest> requests = new ArrayList<>(plans.size());
    int next = 0;
    for (Iterator<PlannedFire> it = plans.iterator(); it.hasNext(); ) {
      PlannedFire p = it.next();
      Schedule s = p.schedule();
      int first = next;
      next += p.fires().size() * p.targets().size();
      try {
        requests.add(fireRequest(p, seqs, first, now));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "firing schedule " + s.id() + " failed", e);
        it.remove();
      }
    }
    if (requests.isEmpty()) {
      return;
    }
    List<FireOutcome> outcomes;
    try {
      outcomes = store.fireAll(requests);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "firing " + requests.size() + " schedules in one batch failed; firing each on its own",
          e);
      fireEach(plans, requests, now);
      return;
    }
    for (int i = 0; i < plans.size(); i++) {
      try {
        fired(plans.get(i), outcomes.get(i), now);
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "firing schedule " + plans.get(i).schedule().id() + " failed",
            e);
      }
    }
  }

  /** The fire request of a planned fire, its jobs numbered from {@code seqs[first]} on. */
  private static FireRequest fireRequest(PlannedFire p, long[] seqs, int first, Instant now) {
    Schedule s = p.schedule();
    ScheduleSpec spec = s.spec();
    List<Job> jobs = new ArrayList<>(p.fires().size() * p.targets().size());
    int next = first;
    for (Instant fire : p.fires()) {
      for (Node node : p.targets()) {
        jobs.add(firedJob(s.id(), spec, p.scriptHash(), fire, node, seqs[next++], now));
      }
    }
    return new FireRequest(s.id(), s.nextFireTime(), p.newNext(), jobs);
  }

  /** The QUEUED job of a fire on a node. */
  private static Job firedJob(
      String scheduleId,
      ScheduleSpec spec,
      String scriptHash,
      Instant fire,
      Node node,
      long seq,
      Instant now) {
    FireKey key = new FireKey(scheduleId, fire, node.id());
    return Job.builder("job-" + seq, scheduleId, key)
        .groups(node.groups())
        .script(spec.scriptId(), scriptHash)
        .priority(spec.priority())
        .dueAt(fire.plus(Hashing.jitter(key, spec.jitter())))
        .sequence(seq)
        .maxAttempts(spec.retry().maxAttempts())
        .createdAt(now)
        .build();
  }

  /**
   * After a failed batch: fires each schedule on its own. A fire the failed batch applied before it
   * failed is stale now; its jobs (found by their fresh ids) are reported as queued all the same.
   */
  private void fireEach(List<PlannedFire> plans, List<FireRequest> requests, Instant now) {
    for (int i = 0; i < plans.size(); i++) {
      FireRequest r = requests.get(i);
      try {
        FireOutcome outcome =
            store.fire(r.scheduleId(), r.expectedNextFire(), r.newNextFire(), r.jobs());
        if (outcome.fired()) {
          fired(plans.get(i), outcome, now);
          continue;
        }
        for (Job j : r.jobs()) {
          Optional<Job> stored = store.job(j.id()).filter(x -> x.fireKey().equals(j.fireKey()));
          if (stored.isPresent()) {
            events.publish(new SchedulerEvent.JobQueued(now, stored.get()));
            remember(stored.get().readyAt(), now);
          }
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "firing schedule " + r.scheduleId() + " failed", e);
      }
    }
  }

  /**
   * Plans one schedule's fire: the on-time fires up to now, and, if fires were missed by more than
   * the misfire threshold, the catch-up fires the misfire policy asks for (oldest first).
   *
   * @param hashes script id to content hash, for this batch
   */
  private PlannedFire planFire(Schedule s, Instant now, Map<String, String> hashes) {
    ScheduleSpec spec = s.spec();
    Trigger trigger = spec.trigger();
    Instant first = s.nextFireTime();
    Instant newNext = trigger.next(now).orElse(null);
    Instant onTimeFrom = now.minus(spec.misfireThreshold());
    boolean missedAny = first.isBefore(onTimeFrom);
    List<Instant> onTime = new ArrayList<>(1);
    Instant x = missedAny ? trigger.next(onTimeFrom.minusNanos(1)).orElse(null) : first;
    while (x != null && !x.isAfter(now) && onTime.size() < MAX_FIRES_PER_STEP) {
      onTime.add(x);
      x = trigger.next(x).orElse(null);
    }
    List<Instant> fires = onTime;
    int catchUp = 0;
    if (missedAny) {
      fires = new ArrayList<>();
      if (spec.misfire() == MisfirePolicy.RUN_ALL) {
        Instant m = first;
        while (m != null && m.isBefore(onTimeFrom) && fires.size() < spec.maxCatchUp()) {
          fires.add(m);
          m = trigger.next(m).orElse(null);
        }
      } else if (spec.misfire() == MisfirePolicy.RUN_ONCE && onTime.isEmpty()) {
        fires.add(first);
      }
      catchUp = fires.size();
      fires.addAll(onTime);
    }
    String hash = hashes.get(spec.scriptId());
    if (hash == null) {
      hash = store.script(spec.scriptId()).map(this::contentHash).orElse("");
      hashes.put(spec.scriptId(), hash);
    }
    List<Node> targets = fires.isEmpty() ? List.of() : nodes.resolve(spec.target());
    return new PlannedFire(s, newNext, fires, missedAny, catchUp, targets, hash);
  }

  /** Reports a fire's outcome: its jobs queued, and missed fires to the notifiers. */
  private void fired(PlannedFire p, FireOutcome outcome, Instant now) {
    if (!outcome.fired()) {
      return;
    }
    for (Job j : outcome.inserted()) {
      events.publish(new SchedulerEvent.JobQueued(now, j));
      remember(j.readyAt(), now);
    }
    Schedule s = p.schedule();
    ScheduleSpec spec = s.spec();
    if (p.missedAny()) {
      notify(
          spec,
          NotificationRule.Event.MISFIRE,
          Notification.Severity.WARNING,
          "Schedule " + s.id() + " missed fires",
          "Schedule "
              + s.id()
              + " missed fires from "
              + s.nextFireTime()
              + " (misfire policy "
              + spec.misfire()
              + ", "
              + p.catchUp()
              + " catch-up fires).",
          Map.of("scheduleId", s.id()));
    }
  }

  // =================================================================== dispatch

  /**
   * The running counts of a dispatch pass: the store's, read once, plus the jobs admitted during
   * the pass. Per-schedule counts are kept only for schedules with a schedule limit (the only ones
   * that read them).
   */
  private static final class Counts {
    private final RunningCounts base;
    long global;
    private final Map<String, Long> byNode = new HashMap<>();
    private final Map<String, Long> byGroup = new HashMap<>();
    private final Map<String, Long> bySchedule = new HashMap<>();

    Counts(RunningCounts base) {
      this.base = base;
      this.global = base.global();
    }

    long node(String id) {
      return base.node(id) + byNode.getOrDefault(id, 0L);
    }

    long group(String id) {
      return base.group(id) + byGroup.getOrDefault(id, 0L);
    }

    long schedule(String id) {
      return base.schedule(id) + bySchedule.getOrDefault(id, 0L);
    }

    void add(Job job, Limits limits, long delta) {
      global += delta;
      byNode.merge(job.nodeId(), delta, Long::sum);
      for (String g : job.groups()) {
        byGroup.merge(g, delta, Long::sum);
      }
      if (job.scheduleId() != null && limits.perSchedule() != Limits.UNLIMITED) {
        bySchedule.merge(job.scheduleId(), delta, Long::sum);
      }
    }
  }

  /** A job admitted in a dispatch pass, waiting for its claim. */
  private record Admitted(
      Job job, ScheduleSpec spec, Node node, Limits limits, Script script, Transport transport) {}

  /**
   * One dispatch pass: what it read once (running counts, schedules, scripts, windows, variables),
   * and the jobs admitted but not yet claimed. The counts include the admitted jobs, so that the
   * local limit checks see them.
   */
  private final class Pass {
    final Counts counts;
    final MaintenanceCalendar calendar;
    final Map<String, Optional<Schedule>> schedules = new HashMap<>();
    final Map<String, Optional<Script>> scripts = new HashMap<>();
    final List<Admitted> admitted = new ArrayList<>();

    /**
     * The schedules of the jobs in {@link #admitted} whose overlap policy is not ALLOW (the jobs of
     * a schedule in a pass share its spec, so only those check {@link #admittedOn}).
     */
    final Set<String> admittedSchedules = new HashSet<>();

    /**
     * The schedules (overlap policy not ALLOW) of every job admitted in this pass, claimed or not:
     * the running counts read at the start of the pass do not show those runs.
     */
    final Set<String> startedSchedules = new HashSet<>();

    /**
     * The jobs handled in this pass that may still be pending (all but the claimed ones): a later
     * round of the pass, which reads the ready jobs again, skips them.
     */
    final Set<String> seen = new HashSet<>();

    Variables variables;

    /** How many jobs this pass handed to their transports. */
    int handedOver;

    Pass(Counts counts, MaintenanceCalendar calendar) {
      this.counts = counts;
      this.calendar = calendar;
    }

    /** Reads the schedules of a page of jobs that this pass has not read yet, in one call. */
    void readSchedules(List<Job> page) {
      Set<String> missing = new HashSet<>();
      for (Job j : page) {
        if (j.scheduleId() != null && !schedules.containsKey(j.scheduleId())) {
          missing.add(j.scheduleId());
        }
      }
      if (missing.size() < 2) {
        return; // one is read by schedule(id) as before
      }
      try {
        Map<String, Schedule> found = store.getAll(missing);
        for (String id : missing) {
          schedules.put(id, Optional.ofNullable(found.get(id)));
        }
      } catch (RuntimeException e) {
        // each job's admission reads its schedule again, and reports a failure there
        LOG.log(System.Logger.Level.WARNING, "reading " + missing.size() + " schedules failed", e);
      }
    }

    Optional<Schedule> schedule(String id) {
      Optional<Schedule> s = schedules.get(id);
      if (s == null) {
        s = store.get(id);
        schedules.put(id, s);
      }
      return s;
    }

    Optional<Script> script(String id) {
      Optional<Script> s = scripts.get(id);
      if (s == null) {
        s = store.script(id);
        scripts.put(id, s);
      }
      return s;
    }

    /**
     * @return whether a job of the schedule on the node was admitted and is not claimed yet
     */
    boolean admittedOn(String scheduleId, String nodeId) {
      if (!admittedSchedules.contains(scheduleId)) {
        return false;
      }
      for (Admitted a : admitted) {
        if (scheduleId.equals(a.job().scheduleId()) && nodeId.equals(a.job().nodeId())) {
          return true;
        }
      }
      return false;
    }

    Variables variables() {
      if (variables == null) {
        variables = Variables.of(store.variables());
      }
      return variables;
    }
  }

  /**
   * Dispatches the ready jobs in dispatch order. Each job is admitted or held locally (windows,
   * dependencies, overlap, node state, limits by the local counts); the admitted ones are claimed a
   * batch at a time with one {@link SchedulerStore#claimAll} call, which checks the limits again
   * atomically (contract 6 across a cluster), and the claimed ones are handed to their transports.
   */
  private void dispatch(Instant now) {
    settleClaims(); // first: a released job must not count as running in this pass's counts
    Pass pass =
        new Pass(new Counts(store.runningCounts()), MaintenanceCalendar.of(store.windows()));
    deferredWaits = new ArrayList<>();
    try {
      dispatchPages(pass, now);
    } finally {
      List<DeferredWait> waits = deferredWaits;
      deferredWaits = null;
      storeWaits(waits, now);
    }
  }

  /**
   * Settles the claims whose outcome the store never reported: a job the store shows RUNNING under
   * this instance with the claim's fencing token, which this engine never handed to a transport
   * (the claim was committed, its reply lost), is released: stored again as it was before the
   * claim, so that this pass dispatches it as any other ready job (windows, limits and overlap
   * checked again). Without this, the job would stay RUNNING for as long as this instance's lease
   * lives. A claim the store did not apply needs nothing. A read or release that fails is tried
   * again on the next pass.
   */
  private void settleClaims() {
    Iterator<Map.Entry<String, UnsettledClaim>> it = unsettledClaims.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, UnsettledClaim> e = it.next();
      String id = e.getKey();
      UnsettledClaim u = e.getValue();
      try {
        Optional<Job> stored = store.job(id);
        if (stored.isPresent()
            && stored.get().status() == JobStatus.RUNNING
            && stored.get().fencingToken() == u.token()
            && instanceId.equals(stored.get().owner())
            && !running.containsKey(id)) {
          Job before = u.before().toBuilder().fencingToken(u.token()).build();
          if (store.transition(before, JobStatus.RUNNING, stored.get().version()).isPresent()) {
            LOG.log(
                System.Logger.Level.INFO,
                "released job "
                    + id
                    + ": its claim was stored but the store's reply was lost; it was not run");
          }
        }
        it.remove();
      } catch (RuntimeException ex) {
        LOG.log(System.Logger.Level.WARNING, "settling the claim of job " + id + " failed", ex);
        return;
      }
    }
  }

  /**
   * Reads the ready jobs a page at a time, each page after the last job of the previous one (so a
   * long queue of held jobs is read once per pass, not again from its head). Between pages, the
   * waits decided so far are stored with one call, and the pass ends early when results of runs are
   * waiting to be recorded: the next pass (at once: a result wakes the engine) records them first,
   * which frees their limits' slots, and reads the queue again from its head, so that the freed
   * slots go to the jobs first in dispatch order.
   *
   * <p>In a cluster, the pages are first those of this instance's {@link #share(Instant) share} of
   * the queue; once a page of the share comes back short, the pass reads the whole queue from its
   * head, so an instance never idles while jobs outside its share are ready.
   */
  private void dispatchPages(Pass pass, Instant now) {
    Set<String> seen = pass.seen;
    DispatchShare share = share(now);
    Job after = null;
    int scanned = 0;
    while (true) {
      List<Job> ready =
          share != null
              ? store.dispatchable(now, after, BATCH, share)
              : after == null
                  ? store.dispatchable(now, BATCH)
                  : store.dispatchable(now, after, BATCH);
      pass.readSchedules(ready);
      for (Job job : ready) {
        if (seen.contains(job.id())) {
          continue;
        }
        if (maxConcurrentJobs > 0
            && pass.counts.global >= maxConcurrentJobs
            && !pass.admitted.isEmpty()) {
          claimAdmitted(pass, now); // full only with the jobs admitted but not claimed yet?
        }
        if (maxConcurrentJobs > 0 && pass.counts.global >= maxConcurrentJobs) {
          seen.add(job.id());
          try {
            waitFor(
                job, WaitReason.GLOBAL_LIMIT, "scheduler runs " + pass.counts.global, null, now);
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "dispatching job " + job.id() + " failed", e);
          }
          continue;
        }
        try {
          Optional<Schedule> schedule =
              job.scheduleId() == null ? Optional.empty() : pass.schedule(job.scheduleId());
          admit(job, schedule, pass, now);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "dispatching job " + job.id() + " failed", e);
        }
        if (pass.admitted.isEmpty() || pass.admitted.get(pass.admitted.size() - 1).job() != job) {
          seen.add(job.id()); // not admitted: it may still be pending
        }
        if (pass.admitted.size() >= claimBatch) {
          claimAdmitted(pass, now);
        }
      }
      claimAdmitted(pass, now);
      List<DeferredWait> waits = deferredWaits;
      deferredWaits = new ArrayList<>();
      storeWaits(waits, now);
      scanned += ready.size();
      if (scanned >= MAX_DISPATCH_SCAN || (ready.size() < BATCH && share == null)) {
        return;
      }
      if (ready.size() < BATCH) {
        // the share ran short: the rest of the queue, from its head, at once (the jobs of the
        // share held in this pass are in seen; those claimed are no longer ready)
        share = null;
        after = null;
        continue;
      }
      if (!completions.isEmpty()) {
        // record the results first (their slots free up), then read again from the head: in
        // dispatch order, the jobs held so far in this pass come first
        wake();
        return;
      }
      after = ready.get(ready.size() - 1);
    }
  }

  private void admit(Job job, Optional<Schedule> schedule, Pass pass, Instant now) {
    MaintenanceCalendar calendar = pass.calendar;
    Counts counts = pass.counts;
    ScheduleSpec spec = schedule.map(Schedule::spec).orElse(null);
    if (job.scheduleId() != null) {
      if (schedule.isEmpty()) {
        skip(job, SkipReason.SCHEDULE_DELETED, "schedule " + job.scheduleId() + " is gone", now);
        return;
      }
      if (!job.fireKey().isAdHoc() && schedule.get().state() != ScheduleState.ACTIVE) {
        skip(job, SkipReason.SCHEDULE_PAUSED, "schedule is " + schedule.get().state(), now);
        return;
      }
    }
    Optional<Node> found = nodes.find(job.nodeId());
    if (found.isEmpty() || (spec != null && !spec.target().matches(found.get()))) {
      skip(
          job,
          SkipReason.NODE_GONE,
          "node " + job.nodeId() + " is gone or no longer targeted",
          now);
      return;
    }
    Node node = found.get();
    if (node.quarantined()) {
      skip(
          job,
          SkipReason.NODE_QUARANTINED,
          nodes.quarantineReason(node.id()).orElse("quarantined"),
          now);
      return;
    }
    if (!node.online()) {
      Duration hold = spec != null ? spec.offlineHold() : ScheduleSpec.DEFAULT_OFFLINE_HOLD;
      boolean held =
          job.status() == JobStatus.WAITING && job.waitReason() == WaitReason.NODE_OFFLINE;
      Instant deadline = held ? job.readyAt() : job.readyAt().plus(hold);
      if (!now.isBefore(deadline)) {
        skip(job, SkipReason.NODE_OFFLINE_TIMEOUT, "node offline longer than " + hold, now);
      } else {
        waitFor(job, WaitReason.NODE_OFFLINE, "node offline until " + deadline, deadline, now);
      }
      return;
    }
    if (!calendar.admits(job.priority(), now, node.id(), node.groups())) {
      WindowPolicy policy = spec != null ? spec.windowPolicy() : WindowPolicy.DEFAULT;
      Optional<Instant> at =
          policy == WindowPolicy.HOLD
              ? calendar.nextAdmission(job.priority(), now, node.id(), node.groups())
              : Optional.empty();
      if (at.isPresent() && at.get().isAfter(now)) {
        waitFor(
            job,
            WaitReason.MAINTENANCE_WINDOW,
            "held by a window until " + at.get(),
            at.get(),
            now);
      } else {
        skip(
            job,
            SkipReason.WINDOW,
            policy == WindowPolicy.HOLD
                ? "no admission by the windows within the search horizon"
                : "window policy SKIP",
            now);
      }
      return;
    }
    if (spec != null && !spec.dependsOn().isEmpty()) {
      for (String upstream : spec.dependsOn()) {
        DependencyState state = dependency(upstream, job);
        if (state == DependencyState.PENDING) {
          waitFor(job, WaitReason.DEPENDENCY, "waits for " + upstream, null, now);
          return;
        }
        if (state == DependencyState.FAILED) {
          skip(
              job,
              SkipReason.DEPENDENCY_FAILED,
              upstream + " did not succeed on " + node.id(),
              now);
          return;
        }
      }
    }
    OverlapPolicy overlap = spec != null ? spec.overlap() : OverlapPolicy.ALLOW;
    if (overlap != OverlapPolicy.ALLOW && job.scheduleId() != null) {
      if (pass.admittedOn(job.scheduleId(), job.nodeId())) {
        claimAdmitted(pass, now); // the store must know whether that run started
      }
      // only a schedule with a run on that node can be busy there: the running counts of the
      // pass (read at its start, so they show every run started before it) and the runs this
      // pass admitted spare the store a query per job when nothing of the schedule runs
      boolean mayBeBusy =
          pass.startedSchedules.contains(job.scheduleId())
              || (counts.base.schedule(job.scheduleId()) > 0 && counts.base.node(node.id()) > 0);
      boolean busy =
          mayBeBusy
              && store.earliestUnfinished(job.scheduleId(), job.nodeId(), RUNNING).isPresent();
      if (busy) {
        if (overlap == OverlapPolicy.SKIP) {
          skip(job, SkipReason.OVERLAP, "previous run still running", now);
        } else {
          waitFor(job, WaitReason.OVERLAP, "previous run still running", null, now);
        }
        return;
      }
    }
    Limits limits = spec != null ? spec.limits() : Limits.NONE;
    // a limit full only with jobs admitted but not claimed yet holds this job too: those claims
    // mostly succeed; where one does not, the engine passes again at once (claimAdmitted)
    if (!Limits.admits(limits.perNode(), counts.node(node.id()))) {
      waitFor(job, WaitReason.NODE_LIMIT, "node limit " + limits.perNode(), null, now);
      return;
    }
    for (String g : job.groups()) {
      if (!Limits.admits(limits.perGroup(), counts.group(g))) {
        waitFor(
            job, WaitReason.GROUP_LIMIT, "group " + g + " limit " + limits.perGroup(), null, now);
        return;
      }
    }
    if (job.scheduleId() != null
        && !Limits.admits(limits.perSchedule(), counts.schedule(job.scheduleId()))) {
      waitFor(job, WaitReason.SCHEDULE_LIMIT, "schedule limit " + limits.perSchedule(), null, now);
      return;
    }
    if (!Limits.admits(limits.global(), counts.global)) {
      waitFor(job, WaitReason.GLOBAL_LIMIT, "global limit " + limits.global(), null, now);
      return;
    }
    admitted(job, spec, node, limits, pass, now);
  }

  private enum DependencyState {
    PENDING,
    SUCCEEDED,
    FAILED
  }

  /**
   * The rule: while the upstream schedule has a job on the node that is not finished and whose fire
   * time is at or before this job's, the upstream run of this cycle is still coming: wait. Then the
   * upstream's last finished job on the node decides: SUCCEEDED lets this job run, any other final
   * status (or no finished job at all) skips it.
   */
  private DependencyState dependency(String upstream, Job job) {
    Optional<Job> pending = store.earliestUnfinished(upstream, job.nodeId(), UNFINISHED);
    if (pending.isPresent()
        && !pending.get().fireKey().fireTime().isAfter(job.fireKey().fireTime())) {
      return DependencyState.PENDING;
    }
    Optional<Job> last = store.lastFinished(upstream, job.nodeId());
    return last.isPresent() && last.get().status() == JobStatus.SUCCEEDED
        ? DependencyState.SUCCEEDED
        : DependencyState.FAILED;
  }

  /**
   * A job passed every local check: it fails at once if its script or transport is missing, else it
   * joins the pass's batch of claims (and the local counts).
   */
  private void admitted(
      Job job, ScheduleSpec spec, Node node, Limits limits, Pass pass, Instant now) {
    Optional<Script> script = pass.script(job.scriptId());
    if (script.isEmpty()) {
      failWithoutRun(job, "script " + job.scriptId() + " does not exist", now);
      return;
    }
    Transport transport = transports.get(node.transport());
    if (transport == null) {
      failWithoutRun(job, "no transport named " + node.transport(), now);
      return;
    }
    pass.counts.add(job, limits, 1);
    pass.admitted.add(new Admitted(job, spec, node, limits, script.get(), transport));
    if (job.scheduleId() != null && spec != null && spec.overlap() != OverlapPolicy.ALLOW) {
      pass.admittedSchedules.add(job.scheduleId()); // its later jobs check for overlap
      pass.startedSchedules.add(job.scheduleId());
    }
  }

  /**
   * Claims the admitted jobs with one store call and hands the claimed ones over. The start time of
   * a claim is read just before the batch is claimed (a batch is at most {@link #CLAIM_BATCH} jobs,
   * so a long pass does not hide lateness). A job whose claim hit a limit that another instance
   * filled meanwhile waits; one that changed meanwhile is left alone.
   */
  private void claimAdmitted(Pass pass, Instant now) {
    if (pass.admitted.isEmpty()) {
      return;
    }
    List<Admitted> batch = new ArrayList<>(pass.admitted);
    pass.admitted.clear();
    pass.admittedSchedules.clear();
    // the hand-over time, not the start of the pass: a long pass must not hide lateness
    Instant startedAt = clock.instant();
    List<ClaimOutcome> outcomes = null;
    List<ClaimRequest> requests = new ArrayList<>(batch.size());
    if (holdsLease(startedAt)) { // else the lease ran out during this pass: the next pass renews it
      try {
        long[] tokens = store.nextSequences(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          Admitted a = batch.get(i);
          requests.add(
              new ClaimRequest(
                  claimed(a.job(), startedAt, tokens[i]),
                  a.job().status(),
                  a.job().version(),
                  withSchedulerLimit(a.limits())));
        }
        outcomes = store.claimAll(requests);
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "claiming " + batch.size() + " jobs in one batch failed; claiming each on its own",
            e);
        outcomes = requests.size() == batch.size() ? claimEach(batch, requests) : null;
      }
    }
    boolean missed = false;
    Instant handOverFrom = outcomes == null ? null : clock.instant();
    Duration claimTook = handOverFrom == null ? null : Duration.between(startedAt, handOverFrom);
    for (int i = 0; i < batch.size(); i++) {
      Admitted a = batch.get(i);
      ClaimOutcome outcome = outcomes == null ? null : outcomes.get(i);
      try {
        if (outcome instanceof ClaimOutcome.Claimed claimed) {
          handOver(a, claimed.job(), pass, startedAt);
          continue;
        }
        pass.seen.add(a.job().id());
        pass.counts.add(a.job(), a.limits(), -1);
        missed = true;
        if (outcome instanceof ClaimOutcome.Limited full) {
          // another instance took the slot the local counts still showed free
          waitFor(a.job(), full.reason(), full.detail(), null, now);
        }
        // lost (or not claimed): another instance or an operation changed the job first
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "dispatching job " + a.job().id() + " failed", e);
      }
    }
    if (missed) {
      wake(); // the slots these jobs held in the local counts may admit jobs held meanwhile
    }
    if (handOverFrom != null) {
      long perJob = Duration.between(handOverFrom, clock.instant()).toNanos() / batch.size();
      long slack = Math.max(HAND_OVER_SLACK.toNanos(), claimTook.toNanos());
      claimBatch =
          perJob <= 0 ? CLAIM_BATCH : (int) Math.max(1, Math.min(CLAIM_BATCH, slack / perJob));
    }
  }

  /**
   * The content of a claim: {@link Job#running} by this instance, with the version the store will
   * give it (so that storing it needs no further copy).
   */
  private Job claimed(Job job, Instant startedAt, long token) {
    return job.toBuilder()
        .status(JobStatus.RUNNING)
        .startedAt(startedAt)
        .owner(instanceId)
        .fencingToken(token)
        .detail(null)
        .version(job.version() + 1)
        .build();
  }

  /**
   * After a failed batch: claims each job on its own. A claim the failed batch applied before it
   * failed (the job is stored RUNNING under this claim's owner and token) counts as claimed.
   *
   * @return one outcome per job; null where the claim failed
   */
  private List<ClaimOutcome> claimEach(List<Admitted> batch, List<ClaimRequest> requests) {
    List<ClaimOutcome> outcomes = new ArrayList<>(batch.size());
    for (int i = 0; i < requests.size(); i++) {
      ClaimRequest r = requests.get(i);
      ClaimOutcome outcome = null;
      try {
        Optional<Job> stored = store.job(r.running().id());
        if (stored.isPresent()
            && stored.get().status() == JobStatus.RUNNING
            && stored.get().fencingToken() == r.running().fencingToken()
            && instanceId.equals(stored.get().owner())) {
          outcome = new ClaimOutcome.Claimed(stored.get());
        } else {
          outcome = store.claim(r.running(), r.expectedStatus(), r.expectedVersion(), r.limits());
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "dispatching job " + r.running().id() + " failed", e);
        // the store may have applied the claim before the failure: settled on the next pass
        unsettledClaims.put(
            r.running().id(), new UnsettledClaim(batch.get(i).job(), r.running().fencingToken()));
      }
      outcomes.add(outcome);
    }
    return outcomes;
  }

  /** Hands a claimed job to its transport. */
  private void handOver(Admitted a, Job runningJob, Pass pass, Instant startedAt) {
    long token = runningJob.fencingToken();
    pass.handedOver++;
    events.publish(new SchedulerEvent.JobStarted(startedAt, runningJob));
    Script sc = a.script();
    ScheduleSpec spec = a.spec();
    ExecutionRequest request =
        new ExecutionRequest(
            runningJob.id() + "#" + runningJob.attempt(),
            a.node(),
            sc,
            pass.variables().resolve(sc, a.node()),
            spec != null ? spec.effectiveTimeout(sc) : sc.defaultTimeout(),
            spec == null || spec.killOnTimeout(),
            spec != null ? spec.output() : OutputPolicy.DEFAULT);
    Execution execution;
    try {
      execution = Objects.requireNonNull(a.transport().execute(request), "execution");
    } catch (RuntimeException e) {
      completions.add(
          new Completion(
              runningJob.id(),
              token,
              new ExecutionResult(
                  ExecutionResult.Outcome.FAILED_TO_START,
                  null,
                  CapturedOutput.EMPTY,
                  CapturedOutput.EMPTY,
                  startedAt,
                  startedAt,
                  "transport refused: " + e.getMessage())));
      running.put(runningJob.id(), new Running(runningJob, null));
      return;
    }
    running.put(runningJob.id(), new Running(runningJob, execution));
    CompletableFuture<ExecutionResult> result = execution.result();
    if (result.isDone() && !result.isCompletedExceptionally()) {
      // finished already (a quick or no-op run): no callback to register
      completed(runningJob.id(), token, result.join(), null);
      return;
    }
    result.whenComplete((r, error) -> completed(runningJob.id(), token, r, error));
  }

  /** Queues a run's result for the next pass (any thread). */
  private void completed(String jobId, long token, ExecutionResult result, Throwable error) {
    ExecutionResult r = result;
    if (r == null) {
      Instant t = clock.instant();
      r =
          new ExecutionResult(
              ExecutionResult.Outcome.FAILED_TO_START,
              null,
              CapturedOutput.EMPTY,
              CapturedOutput.EMPTY,
              t,
              t,
              "transport failed: " + (error == null ? "no result" : error.getMessage()));
    }
    completions.add(new Completion(jobId, token, r));
    wake();
  }

  /**
   * The wait before a job's next attempt, per its schedule's retry policy (jitter derived from the
   * fire key, so that cluster peers agree). An attempt beyond the policy's (a job retried by hand,
   * or a policy shortened since) waits as long as the policy's last attempt; no policy, no wait.
   */
  private static Duration retryDelay(ScheduleSpec spec, Job job) {
    int next = job.attempt() + 1;
    if (spec == null || spec.retry().maxAttempts() < 2) {
      return Duration.ZERO;
    }
    int attempt = Math.min(next, spec.retry().maxAttempts());
    return spec.retry().delayBefore(attempt, Hashing.unit(job.fireKey(), next));
  }

  /**
   * @return the schedule's limits with the scheduler's {@code maxConcurrentJobs} as a global limit
   *     when that is tighter
   */
  private Limits withSchedulerLimit(Limits limits) {
    if (maxConcurrentJobs > 0
        && (limits.global() == Limits.UNLIMITED || limits.global() > maxConcurrentJobs)) {
      return limits.global(maxConcurrentJobs);
    }
    return limits;
  }

  private void failWithoutRun(Job job, String why, Instant now) {
    Job failed =
        job.toBuilder().status(JobStatus.FAILED).detail(why).finishedAt(now).owner(null).build();
    Schedule schedule = scheduleOf(job);
    Finished f = storeFinal(job, failed, schedule, now);
    if (f != null) {
      finishedFinal(f, now, schedule);
    }
  }

  private void waitFor(Job job, WaitReason reason, String why, Instant until, Instant now) {
    boolean same =
        job.status() == JobStatus.WAITING
            && (job.waitReason() == reason
                || (until == null && isLimit(reason) && isLimit(job.waitReason())))
            && Objects.equals(until == null ? job.nextAttemptAt() : until, job.nextAttemptAt());
    if (same) {
      return; // held as before (a job held by one limit and then another stays as stored)
    }
    Job.Builder b = job.waiting(reason, why).toBuilder();
    if (until != null) {
      b.nextAttemptAt(until);
    }
    DeferredWait wait = new DeferredWait(job, b.build(), reason, until);
    if (deferredWaits != null) {
      deferredWaits.add(wait); // stored with the others of the page, in one call
      return;
    }
    Optional<Job> stored = store.transition(wait.next(), job.status(), job.version());
    stored.ifPresent(j -> waited(wait, j, now));
  }

  private static boolean isLimit(WaitReason reason) {
    return reason == WaitReason.NODE_LIMIT
        || reason == WaitReason.GROUP_LIMIT
        || reason == WaitReason.SCHEDULE_LIMIT
        || reason == WaitReason.GLOBAL_LIMIT;
  }

  /** A wait decided during a dispatch pass, stored with the others of its page. */
  private record DeferredWait(Job job, Job next, WaitReason reason, Instant until) {}

  /** The waits of the running dispatch pass's page; null outside a pass. */
  private List<DeferredWait> deferredWaits;

  private void storeWaits(List<DeferredWait> waits, Instant now) {
    if (waits.isEmpty()) {
      return;
    }
    List<TransitionRequest> requests = new ArrayList<>(waits.size());
    for (DeferredWait w : waits) {
      requests.add(new TransitionRequest(w.next(), w.job().status(), w.job().version(), List.of()));
    }
    List<Optional<Job>> results;
    try {
      results = store.transitionAll(requests);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "storing " + waits.size() + " waiting jobs in one batch failed; storing each on its own",
          e);
      results = new ArrayList<>(waits.size());
      for (DeferredWait w : waits) {
        Optional<Job> one = Optional.empty();
        try {
          Optional<Job> current = store.job(w.job().id());
          if (current.isPresent() && current.get().version() == w.job().version()) {
            one = store.transition(w.next(), w.job().status(), w.job().version());
          }
        } catch (RuntimeException again) {
          LOG.log(System.Logger.Level.WARNING, "holding job " + w.job().id() + " failed", again);
        }
        results.add(one);
      }
    }
    for (int i = 0; i < waits.size(); i++) {
      Optional<Job> stored = results.get(i);
      if (stored.isPresent()) {
        waited(waits.get(i), stored.get(), now);
      }
    }
  }

  private void waited(DeferredWait wait, Job stored, Instant now) {
    remember(wait.until(), now);
    Job job = wait.job();
    if (job.status() != JobStatus.WAITING || job.waitReason() != wait.reason()) {
      events.publish(new SchedulerEvent.JobWaiting(now, stored));
    }
  }

  private void skip(Job job, SkipReason reason, String why, Instant now) {
    store
        .transition(job.skipped(reason, why, now), job.status(), job.version())
        .ifPresent(
            j -> {
              events.publish(new SchedulerEvent.JobSkipped(now, j));
              notifyJob(j, NotificationRule.Event.JOB_SKIPPED, now);
            });
  }

  // =================================================================== complete

  private record Running(Job job, Execution execution) {}

  private record UnsettledClaim(Job before, long token) {}

  private record Completion(String jobId, long token, ExecutionResult result) {}

  private final Map<String, String> cancelRequests = new HashMap<>();

  /** How a finished run is recorded. */
  private enum Settle {
    /** Another attempt follows: QUEUED again after the retry delay. */
    RETRY,
    /** Cancelled (by a user or the transport). */
    CANCELLED,
    /** Finished for good (with its downstream jobs). */
    FINAL
  }

  /**
   * How to record one result: the change of the job from {@code base} (RUNNING, as claimed or as
   * read) to {@code next}, with the downstream jobs to store with it.
   */
  private record Recording(
      Completion completion,
      Running run,
      Job base,
      Schedule schedule,
      Settle settle,
      JobStatus attemptStatus,
      Instant retryAt,
      Job next,
      List<Job> follow,
      String cancelActor) {}

  /**
   * Records the queued results, a batch at a time with one {@link SchedulerStore#transitionAll}
   * call (one transaction in a database; each change stays its own compare-and-set on the version
   * the job was claimed with). A change whose compare-and-set fails is looked at again on its own.
   * A result whose recording fails (the store is unreachable) is kept and tried again on the next
   * pass, as long as the run is still this instance's: a result is never dropped while its job is
   * held under this instance's lease (if the lease expires meanwhile, another instance recovers the
   * job and the kept result is refused).
   */
  private void drainCompletions(Instant now) {
    List<Completion> again = new ArrayList<>();
    while (true) {
      List<Completion> polled = new ArrayList<>();
      List<Running> runs = new ArrayList<>();
      Set<String> scheduleIds = new HashSet<>();
      Completion c;
      while (polled.size() < COMPLETION_BATCH && (c = completions.poll()) != null) {
        Running r = running.get(c.jobId());
        if (r == null || r.job().fencingToken() != c.token()) {
          continue;
        }
        running.remove(c.jobId());
        polled.add(c);
        runs.add(r);
        if (r.job().scheduleId() != null) {
          scheduleIds.add(r.job().scheduleId());
        }
      }
      // the schedules of the whole batch with one read (each result's own read if that fails)
      Map<String, Schedule> schedules = null;
      if (!scheduleIds.isEmpty() && polled.size() > 1) {
        try {
          schedules = store.getAll(scheduleIds);
        } catch (RuntimeException e) {
          LOG.log(
              System.Logger.Level.WARNING,
              "reading " + scheduleIds.size() + " schedules failed",
              e);
        }
      }
      List<Recording> batch = new ArrayList<>(polled.size());
      for (int i = 0; i < polled.size(); i++) {
        Completion done = polled.get(i);
        Running r = runs.get(i);
        String cancelActor = cancelRequests.remove(done.jobId());
        try {
          Job job = r.job();
          Schedule schedule =
              schedules == null || job.scheduleId() == null
                  ? scheduleOf(job)
                  : schedules.get(job.scheduleId());
          batch.add(recording(r, job, schedule, done, cancelActor, now));
        } catch (RuntimeException e) {
          keep(done, r, cancelActor, again, e);
        }
      }
      if (batch.isEmpty()) {
        break;
      }
      List<TransitionRequest> requests = new ArrayList<>(batch.size());
      for (Recording rec : batch) {
        requests.add(
            new TransitionRequest(
                rec.next(), JobStatus.RUNNING, rec.base().version(), rec.follow()));
      }
      List<Optional<Job>> stored;
      try {
        stored = store.transitionAll(requests);
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "recording " + batch.size() + " results in one batch failed; recording each on its own",
            e);
        stored = null;
      }
      // schedules whose failure count this batch changed, as stored: a later result of the same
      // schedule counts on from there
      Map<String, Schedule> counted = new HashMap<>();
      for (int i = 0; i < batch.size(); i++) {
        Recording rec = batch.get(i);
        try {
          if (stored != null && stored.get(i).isPresent()) {
            recorded(rec, stored.get(i).get(), counted, now);
          } else {
            settle(rec, counted, now);
          }
        } catch (RuntimeException e) {
          keep(rec.completion(), rec.run(), rec.cancelActor(), again, e);
        }
      }
    }
    completions.addAll(again);
  }

  /** Keeps a result whose recording failed, for the next pass. */
  private void keep(
      Completion c, Running r, String cancelActor, List<Completion> again, RuntimeException e) {
    LOG.log(
        System.Logger.Level.WARNING,
        "recording the result of " + c.jobId() + " failed; trying again on the next pass",
        e);
    running.put(c.jobId(), r);
    if (cancelActor != null) {
      cancelRequests.put(c.jobId(), cancelActor);
    }
    again.add(c);
  }

  /**
   * Plans how to record a result, from the job as claimed (or as read again).
   *
   * @param run the run, as this engine knows it
   * @param job the job, RUNNING under this instance's claim
   * @param schedule the job's schedule as stored now, or null if it has none or it was deleted
   */
  private Recording recording(
      Running run, Job job, Schedule schedule, Completion c, String cancelActor, Instant now) {
    ScheduleSpec spec = schedule != null ? schedule.spec() : null;
    ExecutionResult result = c.result();
    JobStatus status =
        switch (result.outcome()) {
          case EXITED -> result.exitCode() == 0 ? JobStatus.SUCCEEDED : JobStatus.FAILED;
          case TIMED_OUT -> JobStatus.TIMED_OUT;
          case CANCELLED -> JobStatus.CANCELLED;
          case FAILED_TO_START -> JobStatus.FAILED;
        };
    if (cancelActor != null) {
      status = JobStatus.CANCELLED;
    }
    OutputPolicy output = spec != null ? spec.output() : OutputPolicy.DEFAULT;
    CapturedOutput out = keep(result.stdout(), output);
    CapturedOutput err = keep(result.stderr(), output);
    boolean retry =
        (status == JobStatus.FAILED || status == JobStatus.TIMED_OUT)
            && job.attempt() < job.maxAttempts()
            && !stopping;
    if (retry) {
      Instant at = now.plus(retryDelay(spec, job));
      // Job.retryAt, with the result of this attempt and the version the store will give it
      Job next =
          job.toBuilder()
              .exitCode(result.exitCode())
              .stdout(out)
              .stderr(err)
              .detail(status + (result.error() != null ? ": " + result.error() : ""))
              .attempt(job.attempt() + 1)
              .status(JobStatus.QUEUED)
              .nextAttemptAt(at)
              .startedAt(null)
              .owner(null)
              .version(job.version() + 1)
              .build();
      return new Recording(
          c, run, job, schedule, Settle.RETRY, status, at, next, List.of(), cancelActor);
    }
    Job done =
        job.toBuilder()
            .status(status)
            .exitCode(result.exitCode())
            .stdout(out)
            .stderr(err)
            .finishedAt(now)
            .detail(cancelActor != null ? "cancelled by " + cancelActor : result.error())
            .version(job.version() + 1)
            .build();
    if (status == JobStatus.CANCELLED) {
      return new Recording(
          c, run, job, schedule, Settle.CANCELLED, status, null, done, List.of(), cancelActor);
    }
    List<Job> follow = schedule == null ? List.of() : downstreamJobs(done, now);
    return new Recording(
        c, run, job, schedule, Settle.FINAL, status, null, done, follow, cancelActor);
  }

  /**
   * Records a result whose batched compare-and-set failed (or whose batch failed): if the failed
   * batch stored it after all, it is reported; if the job is still RUNNING under this claim but
   * changed, the result is recorded again from the job as stored; otherwise the result is refused.
   */
  private void settle(Recording rec, Map<String, Schedule> counted, Instant now) {
    Completion c = rec.completion();
    Optional<Job> current = store.job(c.jobId());
    if (current.isPresent()
        && current.get().equals(rec.next().withVersion(rec.base().version() + 1))) {
      recorded(rec, current.get(), counted, now); // the failed batch stored it
      return;
    }
    if (current.isEmpty()
        || current.get().status() != JobStatus.RUNNING
        || current.get().fencingToken() != c.token()
        || !instanceId.equals(current.get().owner())) {
      refused(c, current.orElse(null));
      return;
    }
    Job job = current.get();
    Recording again = recording(rec.run(), job, scheduleOf(job), c, rec.cancelActor(), now);
    Optional<Job> stored =
        again.follow().isEmpty()
            ? store.transition(again.next(), JobStatus.RUNNING, job.version())
            : store.transition(again.next(), JobStatus.RUNNING, job.version(), again.follow());
    if (stored.isEmpty()) {
      refused(c, store.job(c.jobId()).orElse(null));
      return;
    }
    recorded(again, stored.get(), counted, now);
  }

  /**
   * Reports a recorded result: events, notifications, downstream jobs, failure count.
   *
   * @param counted schedules whose failure count results recorded before changed, as stored; this
   *     call adds the one it changes
   */
  private void recorded(Recording rec, Job stored, Map<String, Schedule> counted, Instant now) {
    switch (rec.settle()) {
      case RETRY -> {
        remember(rec.retryAt(), now);
        events.publish(
            new SchedulerEvent.JobFinished(now, stored, rec.attemptStatus(), rec.retryAt()));
      }
      case CANCELLED -> {
        events.publish(new SchedulerEvent.JobCancelled(now, stored, rec.cancelActor()));
        notifyJob(stored, NotificationRule.Event.JOB_CANCELLED, now, rec.schedule());
      }
      case FINAL -> {
        Schedule schedule = rec.schedule();
        if (schedule != null && counted.containsKey(schedule.id())) {
          schedule = counted.get(schedule.id());
        }
        Schedule changed =
            finishedFinal(new Finished(stored, insertedFollowers(rec.follow())), now, schedule);
        if (changed != null) {
          counted.put(changed.id(), changed);
        }
      }
    }
  }

  /**
   * @return the downstream jobs stored with a change: those found under their fresh ids
   */
  private List<Job> insertedFollowers(List<Job> follow) {
    if (follow.isEmpty()) {
      return List.of();
    }
    List<Job> inserted = new ArrayList<>(follow.size());
    for (Job f : follow) {
      // ids are fresh sequence numbers: a job with that id and key is the one just inserted
      store.job(f.id()).filter(j -> j.fireKey().equals(f.fireKey())).ifPresent(inserted::add);
    }
    return inserted;
  }

  /**
   * Logs a result that is not recorded because this instance no longer holds the job's claim: the
   * fencing token (or the compare-and-set on the version) shows that another instance recovered the
   * job after this one lost its lease, or an operation changed it. The stored job is left as it is.
   */
  private void refused(Completion c, Job stored) {
    LOG.log(
        System.Logger.Level.WARNING,
        "refused the late result of job "
            + c.jobId()
            + " (claim token "
            + c.token()
            + " of instance "
            + instanceId
            + "): the job is now "
            + (stored == null
                ? "gone"
                : stored.status()
                    + " with owner "
                    + stored.owner()
                    + " and token "
                    + stored.fencingToken()));
  }

  /** A job stored in a final status, with the downstream jobs stored in the same step. */
  private record Finished(Job job, List<Job> followers) {}

  /**
   * Stores a job's final status and, in the same atomic step, the jobs of the schedules triggered
   * after it ({@link SchedulerStore#transition(Job, JobStatus, long, List)}): a crash between the
   * two is impossible, so a downstream run is neither lost nor doubled.
   *
   * @param before the job as read (its status and version are compared)
   * @param done the final content
   * @param schedule the job's schedule as read, or null if it has none or it was deleted
   * @return the stored job and the downstream jobs inserted, or null if the compare-and-set failed
   */
  private Finished storeFinal(Job before, Job done, Schedule schedule, Instant now) {
    List<Job> follow = schedule == null ? List.of() : downstreamJobs(done, now);
    if (follow.isEmpty()) {
      return store
          .transition(done, before.status(), before.version())
          .map(j -> new Finished(j, List.of()))
          .orElse(null);
    }
    Optional<Job> stored = store.transition(done, before.status(), before.version(), follow);
    if (stored.isEmpty()) {
      return null;
    }
    return new Finished(stored.get(), insertedFollowers(follow));
  }

  /**
   * @return the job's schedule as stored now, or null if it has none or it was deleted
   */
  private Schedule scheduleOf(Job job) {
    return job.scheduleId() == null ? null : store.get(job.scheduleId()).orElse(null);
  }

  private static CapturedOutput keep(CapturedOutput output, OutputPolicy policy) {
    if (!policy.store()) {
      return new CapturedOutput("", output.totalBytes() > 0, output.totalBytes());
    }
    return output;
  }

  /**
   * Events, notifications, the downstream jobs' events and the consecutive-failure count for a job
   * that finished for good.
   *
   * @param finished the stored job and the downstream jobs stored with it
   * @param schedule the job's schedule as read during this step, or null if it has none or it was
   *     deleted
   */
  private Schedule finishedFinal(Finished finished, Instant now, Schedule schedule) {
    Job job = finished.job();
    events.publish(new SchedulerEvent.JobFinished(now, job, job.status(), null));
    NotificationRule.Event event =
        switch (job.status()) {
          case SUCCEEDED -> NotificationRule.Event.JOB_SUCCEEDED;
          case TIMED_OUT -> NotificationRule.Event.JOB_TIMED_OUT;
          default -> NotificationRule.Event.JOB_FAILED;
        };
    notifyJob(job, event, now, schedule);
    if (job.scheduleId() == null || schedule == null) {
      return null;
    }
    for (Job queued : finished.followers()) {
      events.publish(new SchedulerEvent.JobQueued(now, queued));
      remember(queued.readyAt(), now);
    }
    if (!finished.followers().isEmpty()) {
      wake();
    }
    boolean failed = job.status() == JobStatus.FAILED || job.status() == JobStatus.TIMED_OUT;
    Schedule known = schedule;
    for (int attempt = 0; attempt < 10; attempt++) {
      Schedule s = known;
      known = null;
      if (s == null) {
        Optional<Schedule> found = store.get(job.scheduleId());
        if (found.isEmpty()) {
          return null;
        }
        s = found.get();
      }
      int failures = failed ? s.consecutiveFailures() + 1 : 0;
      if (failures == s.consecutiveFailures()) {
        return null;
      }
      int max = s.spec().maxConsecutiveFailures();
      boolean pause = failed && max > 0 && failures >= max && s.state() == ScheduleState.ACTIVE;
      Schedule next = s.withConsecutiveFailures(failures);
      if (pause) {
        next = next.withState(ScheduleState.AUTO_PAUSED, now, s.updatedBy());
      }
      Schedule stored;
      try {
        stored = store.update(next, s.version());
      } catch (StaleVersionException e) {
        continue;
      }
      if (pause) {
        String reason = failures + " consecutive failures (max " + max + ")";
        events.publish(new SchedulerEvent.SchedulePaused(now, s.id(), true, reason, null));
        notify(
            s.spec(),
            NotificationRule.Event.SCHEDULE_AUTO_PAUSED,
            Notification.Severity.CRITICAL,
            "Schedule " + s.id() + " paused automatically",
            "Schedule " + s.id() + " was paused after " + reason + "; last job " + job.id() + ".",
            Map.of("scheduleId", s.id(), "jobId", job.id()));
      }
      return stored;
    }
    return null;
  }

  // =================================================================== after-completion chains

  /**
   * The jobs of the schedules triggered after the upstream job's schedule, to be stored with the
   * upstream job's final status: for each ACTIVE one whose {@link AfterCompletionTrigger} names
   * that schedule and the job's final status, and whose target includes the job's node, one job on
   * that node with fire key (downstream, upstream finish + delay, node). Exactly once: the upstream
   * job reaches its final status through one compare-and-set that stores these jobs with it, and
   * the store skips a fire key that exists. A deleted upstream schedule fires nothing (its
   * downstream schedules lie dormant). A failure to build them is logged and fires nothing.
   */
  private List<Job> downstreamJobs(Job upstream, Instant now) {
    try {
      return downstreamJobsOrThrow(upstream, now);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "building the jobs of the schedules after " + upstream.id() + " failed",
          e);
      return List.of();
    }
  }

  private List<Job> downstreamJobsOrThrow(Job upstream, Instant now) {
    if (upstream.scheduleId() == null
        || !AfterCompletionTrigger.ALLOWED_OUTCOMES.contains(upstream.status())) {
      return List.of();
    }
    List<Schedule> candidates = store.triggeredAfter(upstream.scheduleId());
    if (candidates.isEmpty()) {
      return List.of();
    }
    Optional<Node> node = nodes.find(upstream.nodeId());
    if (node.isEmpty()) {
      return List.of();
    }
    Instant finished = upstream.finishedAt() != null ? upstream.finishedAt() : now;
    List<Job> follow = new ArrayList<>();
    for (Schedule candidate : candidates) {
      if (candidate.state() != ScheduleState.ACTIVE) {
        continue;
      }
      String id = candidate.id();
      ScheduleSpec spec = candidate.spec();
      if (!(spec.trigger() instanceof AfterCompletionTrigger after)
          || !after.scheduleId().equals(upstream.scheduleId())
          || !after.firesOn(upstream.status())
          || !spec.target().matches(node.get())) {
        continue;
      }
      Instant fire = finished.plus(after.delay());
      FireKey key = new FireKey(id, fire, node.get().id());
      long seq = store.nextSequence();
      follow.add(
          Job.builder("job-" + seq, id, key)
              .groups(node.get().groups())
              .script(
                  spec.scriptId(), store.script(spec.scriptId()).map(this::contentHash).orElse(""))
              .priority(spec.priority())
              .dueAt(fire.plus(Hashing.jitter(key, spec.jitter())))
              .sequence(seq)
              .maxAttempts(spec.retry().maxAttempts())
              .createdAt(now)
              .triggeredBy(new TriggeredBy(TriggeredBy.Kind.DEPENDENCY, upstream.id()))
              .build());
    }
    return follow;
  }

  /**
   * The "runs after" graph around a spec being validated: for each schedule, the schedules it names
   * in {@link ScheduleSpec#dependsOn()} and the upstream of its {@link AfterCompletionTrigger}. The
   * spec stands in for the stored schedule of its name; every other schedule is read from the store
   * on demand (once), so a search reads only the part of the graph it reaches.
   */
  private final class ChainGraph {
    private final ScheduleSpec spec;
    private final Map<String, Optional<Schedule>> read = new HashMap<>();

    ChainGraph(ScheduleSpec spec) {
      this.spec = spec;
    }

    Optional<Schedule> stored(String id) {
      Optional<Schedule> s = read.get(id);
      if (s == null) {
        s = store.get(id);
        read.put(id, s);
      }
      return s;
    }

    Set<String> dependsOn(String id) {
      if (id.equals(spec.name())) {
        return spec.dependsOn();
      }
      return stored(id).map(s -> s.spec().dependsOn()).orElse(Set.of());
    }

    Set<String> edges(String id) {
      ScheduleSpec of = id.equals(spec.name()) ? spec : stored(id).map(Schedule::spec).orElse(null);
      if (of == null) {
        return Set.of();
      }
      return edgesOf(of);
    }
  }

  /**
   * @return what {@code spec} runs after: its dependencies, then its after-completion upstream
   */
  private static Set<String> edgesOf(ScheduleSpec spec) {
    Set<String> deps = spec.dependsOn();
    if (!(spec.trigger() instanceof AfterCompletionTrigger after)
        || deps.contains(after.scheduleId())) {
      return deps;
    }
    Set<String> all = new LinkedHashSet<>(deps);
    all.add(after.scheduleId());
    return all;
  }

  private void notifyJob(Job job, NotificationRule.Event event, Instant now) {
    if (job.scheduleId() != null) {
      notifyJob(job, event, now, scheduleOf(job));
    }
  }

  /**
   * @param schedule the job's schedule, or null if it has none or it was deleted
   */
  private void notifyJob(Job job, NotificationRule.Event event, Instant now, Schedule schedule) {
    if (job.scheduleId() == null || schedule == null) {
      return;
    }
    Optional<Schedule> s = Optional.of(schedule);
    if (s.get().spec().notifications().isEmpty()) {
      return;
    }
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("scheduleId", job.scheduleId());
    fields.put("jobId", job.id());
    fields.put("nodeId", job.nodeId());
    fields.put("status", job.status().name());
    fields.put("attempt", Integer.toString(job.attempt()));
    if (job.exitCode() != null) {
      fields.put("exitCode", job.exitCode().toString());
    }
    Notification.Severity severity =
        job.status() == JobStatus.SUCCEEDED
            ? Notification.Severity.INFO
            : Notification.Severity.WARNING;
    notify(
        s.get().spec(),
        event,
        severity,
        "Job " + job.id() + " of " + job.scheduleId() + " on " + job.nodeId() + ": " + job.status(),
        "Job "
            + job.id()
            + " ("
            + job.scheduleId()
            + " on "
            + job.nodeId()
            + ") is "
            + job.status()
            + (job.skipReason() != null ? " (" + job.skipReason() + ")" : "")
            + (job.detail() != null ? ": " + job.detail() : "")
            + ".",
        fields);
  }

  private void notify(
      ScheduleSpec spec,
      NotificationRule.Event event,
      Notification.Severity severity,
      String subject,
      String body,
      Map<String, String> fields) {
    for (NotificationRule rule : spec.notifications()) {
      if (!rule.matches(event)) {
        continue;
      }
      List<Notifier> targets = notifiers.get(rule.channel());
      if (targets == null) {
        LOG.log(System.Logger.Level.WARNING, "no notifier for channel " + rule.channel());
        continue;
      }
      Notification n = new Notification(rule.channel(), severity, subject, body, fields);
      for (Notifier notifier : targets) {
        try {
          notifier
              .send(n)
              .whenComplete(
                  (v, e) -> {
                    if (e != null) {
                      LOG.log(
                          System.Logger.Level.WARNING, "notifier " + rule.channel() + " failed", e);
                    }
                  });
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "notifier " + rule.channel() + " threw", e);
        }
      }
    }
  }

  // =================================================================== operations

  /**
   * Validates a spec against the store: the script exists, every dependency and the upstream of an
   * after-completion trigger exist, and neither the dependencies nor the after-completion triggers,
   * alone or together, form a cycle.
   *
   * @param spec the spec
   * @throws ValidationException if a rule is broken
   */
  public synchronized void validate(ScheduleSpec spec) {
    checked(spec);
  }

  /**
   * Validates {@code spec}. A spec that runs after nothing (no dependencies, no after-completion
   * trigger) cannot close a cycle, so nothing more is read for it; otherwise a depth-first search
   * from its edges reads only the schedules it reaches, looking for a way back to the spec.
   */
  private void checked(ScheduleSpec spec) {
    if (store.script(spec.scriptId()).isEmpty()) {
      throw new ValidationException(
          "scriptId", "name a stored script", "\"" + spec.scriptId() + "\"");
    }
    AfterCompletionTrigger after = spec.trigger() instanceof AfterCompletionTrigger t ? t : null;
    if (spec.dependsOn().isEmpty() && after == null) {
      return;
    }
    ChainGraph graph = new ChainGraph(spec);
    for (String dep : spec.dependsOn()) {
      if (graph.stored(dep).isEmpty()) {
        throw new ValidationException("dependsOn", "name existing schedules", "\"" + dep + "\"");
      }
    }
    if (after != null
        && !after.scheduleId().equals(spec.name())
        && graph.stored(after.scheduleId()).isEmpty()) {
      throw new ValidationException(
          "trigger.scheduleId", "name an existing schedule", "\"" + after.scheduleId() + "\"");
    }
    Deque<String> path = new ArrayDeque<>();
    path.addLast(spec.name());
    List<String> cycle = findCycle(spec.name(), graph, path, new HashSet<>());
    if (cycle != null) {
      boolean dependsOnOnly = true;
      for (int i = 0; i + 1 < cycle.size(); i++) {
        dependsOnOnly &= graph.dependsOn(cycle.get(i)).contains(cycle.get(i + 1));
      }
      if (dependsOnOnly) {
        throw new ValidationException("dependsOn", "not form a cycle", String.join(" -> ", cycle));
      }
      throw new ValidationException(
          "trigger",
          "not form a cycle of after-completion triggers and dependencies",
          String.join(" -> ", cycle));
    }
  }

  private static List<String> findCycle(
      String start, ChainGraph graph, Deque<String> path, Set<String> done) {
    String at = path.peekLast();
    for (String next : graph.edges(at)) {
      if (next.equals(start)) {
        List<String> cycle = new ArrayList<>(path);
        cycle.add(start);
        return cycle;
      }
      if (path.contains(next) || done.contains(next)) {
        continue;
      }
      path.addLast(next);
      List<String> found = findCycle(start, graph, path, done);
      if (found != null) {
        return found;
      }
      path.removeLast();
      done.add(next);
    }
    return null;
  }

  /**
   * Creates a schedule: validated, first fire strictly after now.
   *
   * @param spec the spec
   * @param actor who
   * @return the stored schedule
   */
  public synchronized Schedule create(ScheduleSpec spec, String actor) {
    checked(spec);
    Instant now = clock.instant();
    Schedule s =
        store.create(
            Schedule.create(spec, spec.trigger().next(now).orElse(null), now, actor(actor)));
    events.publish(new SchedulerEvent.ScheduleCreated(now, s, actor));
    wake();
    return s;
  }

  /**
   * Replaces a schedule's spec (same name); a changed trigger restarts from now.
   *
   * @param spec the new spec
   * @param actor who
   * @return the stored schedule
   */
  public synchronized Schedule update(ScheduleSpec spec, String actor) {
    checked(spec);
    Instant now = clock.instant();
    for (int attempt = 0; ; attempt++) {
      Schedule s =
          store.get(spec.name()).orElseThrow(() -> new NoSuchScheduleException(spec.name()));
      Schedule next = s.withSpec(spec, now, actor(actor));
      if (!spec.trigger().equals(s.spec().trigger())) {
        next = next.withNextFireTime(spec.trigger().next(now).orElse(null));
      }
      try {
        Schedule stored = store.update(next, s.version());
        events.publish(new SchedulerEvent.ScheduleUpdated(now, stored, actor));
        wake();
        return stored;
      } catch (StaleVersionException e) {
        if (attempt >= 5) {
          throw e;
        }
      }
    }
  }

  /**
   * Deletes a schedule; its pending jobs are skipped when they come up.
   *
   * @param id the schedule
   * @param actor who
   * @return whether it existed
   */
  public synchronized boolean delete(String id, String actor) {
    boolean deleted = store.delete(id);
    if (deleted) {
      events.publish(new SchedulerEvent.ScheduleDeleted(clock.instant(), id, actor));
      wake();
    }
    return deleted;
  }

  /**
   * Pauses or resumes a schedule. Resuming restarts the trigger from now (fires missed while paused
   * are not caught up) and clears the failure count.
   *
   * @param id the schedule
   * @param pause whether to pause (else resume)
   * @param actor who
   * @return the stored schedule
   */
  public synchronized Schedule setPaused(String id, boolean pause, String actor) {
    Instant now = clock.instant();
    for (int attempt = 0; ; attempt++) {
      Schedule s = store.get(id).orElseThrow(() -> new NoSuchScheduleException(id));
      ScheduleState target = pause ? ScheduleState.PAUSED : ScheduleState.ACTIVE;
      if (s.state() == target) {
        return s;
      }
      Schedule next = s.withState(target, now, actor(actor));
      if (!pause) {
        next =
            next.withConsecutiveFailures(0)
                .withNextFireTime(s.spec().trigger().next(now).orElse(null));
      }
      try {
        Schedule stored = store.update(next, s.version());
        events.publish(
            pause
                ? new SchedulerEvent.SchedulePaused(now, id, false, "paused by a user", actor)
                : new SchedulerEvent.ScheduleResumed(now, id, actor));
        wake();
        return stored;
      } catch (StaleVersionException e) {
        if (attempt >= 5) {
          throw e;
        }
      }
    }
  }

  /**
   * Runs a schedule now, once per targeted node, as ad-hoc jobs.
   *
   * @param id the schedule
   * @param by who triggered it
   * @return the jobs
   */
  public synchronized List<Job> runNow(String id, TriggeredBy by) {
    Schedule s = store.get(id).orElseThrow(() -> new NoSuchScheduleException(id));
    Instant now = clock.instant();
    ScheduleSpec spec = s.spec();
    String hash = store.script(spec.scriptId()).map(this::contentHash).orElse("");
    List<Job> created = new ArrayList<>();
    for (Node node : nodes.resolve(spec.target())) {
      long seq = store.nextSequence();
      String jobId = "job-" + seq;
      Job job =
          Job.builder(jobId, id, FireKey.adHoc(jobId, now, node.id()))
              .groups(node.groups())
              .script(spec.scriptId(), hash)
              .priority(spec.priority())
              .dueAt(now)
              .sequence(seq)
              .maxAttempts(spec.retry().maxAttempts())
              .createdAt(now)
              .triggeredBy(by)
              .build();
      if (store.insert(job)) {
        Job stored = store.job(jobId).orElse(job);
        created.add(stored);
        events.publish(new SchedulerEvent.JobQueued(now, stored));
      }
    }
    wake();
    return List.copyOf(created);
  }

  /**
   * Cancels a job: a pending one at once; a running one of this instance through its execution (it
   * becomes CANCELLED when the transport reports).
   *
   * @param jobId the job
   * @param actor who
   * @return whether the job was cancelled or its cancellation requested
   * @throws SchedulerException if it runs on another instance
   */
  public synchronized boolean cancel(String jobId, String actor) {
    Instant now = clock.instant();
    for (int attempt = 0; attempt < 10; attempt++) {
      Optional<Job> found = store.job(jobId);
      if (found.isEmpty() || found.get().status().isFinal()) {
        return false;
      }
      Job job = found.get();
      if (job.status().isPending()) {
        Job cancelled =
            job.toBuilder()
                .status(JobStatus.CANCELLED)
                .finishedAt(now)
                .detail("cancelled by " + actor(actor))
                .build();
        Optional<Job> stored = store.transition(cancelled, job.status(), job.version());
        if (stored.isPresent()) {
          events.publish(new SchedulerEvent.JobCancelled(now, stored.get(), actor));
          return true;
        }
        continue;
      }
      Running r = running.get(jobId);
      if (r == null || r.job().fencingToken() != job.fencingToken()) {
        throw new SchedulerException(
            "job " + jobId + " runs on instance " + job.owner() + ", not on " + instanceId);
      }
      cancelRequests.put(jobId, actor(actor));
      if (r.execution() != null) {
        r.execution().cancel();
      }
      wake();
      return true;
    }
    return false;
  }

  /**
   * Retries a finished job: a new attempt of the same job (same fire key), due now.
   *
   * @param jobId the job
   * @param actor who
   * @return the queued job
   * @throws ValidationException if the job is not finished or has no attempt left
   * @throws SchedulerException if the job does not exist
   */
  public synchronized Job retry(String jobId, String actor) {
    Instant now = clock.instant();
    Job job = store.job(jobId).orElseThrow(() -> new SchedulerException("no job " + jobId));
    if (!job.status().isFinal()) {
      throw new ValidationException("job status", "be final to retry", job.status());
    }
    if (job.attempt() >= io.scripttask.scheduler.Retry.MAX_ATTEMPTS) {
      throw new ValidationException(
          "attempt", "be below " + io.scripttask.scheduler.Retry.MAX_ATTEMPTS, job.attempt());
    }
    Job next =
        job.toBuilder()
            .maxAttempts(Math.max(job.maxAttempts(), job.attempt() + 1))
            .attempt(job.attempt() + 1)
            .status(JobStatus.QUEUED)
            .finishedAt(null)
            .startedAt(null)
            .owner(null)
            .nextAttemptAt(now)
            .detail("retried by " + actor(actor))
            .build();
    Job stored =
        store
            .transition(next, job.status(), job.version())
            .orElseThrow(() -> new SchedulerException("job " + jobId + " changed meanwhile"));
    events.publish(new SchedulerEvent.JobQueued(now, stored));
    wake();
    return stored;
  }

  /**
   * Previews the next fires of a schedule on its current target, with windows considered.
   *
   * @param id the schedule
   * @param count how many fires
   * @return the planned runs, by fire then node
   */
  public List<PlannedRun> preview(String id, int count) {
    if (count < 0 || count > 10_000) {
      throw new ValidationException("count", "be 0-10000", count);
    }
    Schedule s = store.get(id).orElseThrow(() -> new NoSuchScheduleException(id));
    ScheduleSpec spec = s.spec();
    MaintenanceCalendar calendar = MaintenanceCalendar.of(store.windows());
    List<Node> targets = nodes.resolve(spec.target());
    List<PlannedRun> runs = new ArrayList<>();
    Instant fire = s.nextFireTime();
    for (int i = 0; i < count && fire != null; i++) {
      for (Node node : targets) {
        Instant due = fire.plus(Hashing.jitter(new FireKey(id, fire, node.id()), spec.jitter()));
        if (calendar.admits(spec.priority(), due, node.id(), node.groups())) {
          runs.add(new PlannedRun(fire, node.id(), due, due, false));
        } else {
          Instant starts =
              spec.windowPolicy() == WindowPolicy.HOLD
                  ? calendar
                      .nextAdmission(spec.priority(), due, node.id(), node.groups())
                      .orElse(null)
                  : null;
          runs.add(new PlannedRun(fire, node.id(), due, starts, true));
        }
      }
      fire = spec.trigger().next(fire).orElse(null);
    }
    return List.copyOf(runs);
  }

  /**
   * Statistics from the store.
   *
   * @param upcoming how many upcoming fires
   * @return the statistics
   */
  public Statistics statistics(int upcoming) {
    Map<JobStatus, Long> counts = store.countByStatus();
    List<Statistics.UpcomingFire> next = new ArrayList<>();
    if (upcoming > 0) {
      for (Schedule s : store.dueSchedules(clock.instant().plus(FAR), upcoming)) {
        next.add(new Statistics.UpcomingFire(s.id(), s.nextFireTime()));
      }
    }
    return new Statistics(
        counts,
        counts.getOrDefault(JobStatus.RUNNING, 0L),
        counts.getOrDefault(JobStatus.QUEUED, 0L) + counts.getOrDefault(JobStatus.WAITING, 0L),
        store.scheduleCount(),
        next);
  }

  // =================================================================== shutdown

  /** Stops firing and dispatching; completions are still recorded. */
  public synchronized void stopping() {
    stopping = true;
  }

  /**
   * @return how many runs of this instance have not reported yet
   */
  public synchronized int runningCount() {
    return running.size();
  }

  /**
   * Handles queued results now (during shutdown), renewing the lease when due so that the jobs
   * still finishing are not recovered by other instances meanwhile.
   */
  public synchronized void drain() {
    Instant now = clock.instant();
    if (nextHeartbeatAt == null || !now.isBefore(nextHeartbeatAt)) {
      heartbeat(now);
    }
    drainCompletions(now);
  }

  /**
   * Leaves the cluster (graceful shutdown, after the last run was recorded or cancelled): removes
   * this instance's row, so that any job still recorded as running under it is recovered at once by
   * another instance.
   */
  public synchronized void leave() {
    synchronized (leaseLock) {
      left = true;
    }
    try {
      store.removeInstance(instanceId);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "removing instance " + instanceId + " from the store failed; its lease will expire",
          e);
    }
    leaseUntil = null;
  }

  /**
   * Cancels every run still going (after the shutdown grace) and records it {@link
   * JobStatus#CANCELLED}.
   *
   * @return how many were cancelled
   */
  public synchronized int cancelStragglers() {
    Instant now = clock.instant();
    drainCompletions(now);
    int n = 0;
    for (Running r : new ArrayList<>(running.values())) {
      running.remove(r.job().id());
      if (r.execution() != null) {
        try {
          r.execution().cancel();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "cancel of " + r.job().id() + " threw", e);
        }
      }
      Optional<Job> current = store.job(r.job().id());
      if (current.isEmpty()
          || current.get().status() != JobStatus.RUNNING
          || current.get().fencingToken() != r.job().fencingToken()) {
        continue; // finished, or recovered by another instance: not ours to record
      }
      Job job = current.get();
      Job cancelled =
          job.finished(JobStatus.CANCELLED, null, job.stdout(), job.stderr(), now).toBuilder()
              .detail("cancelled at shutdown")
              .build();
      Optional<Job> stored = store.transition(cancelled, JobStatus.RUNNING, job.version());
      if (stored.isPresent()) {
        n++;
        events.publish(new SchedulerEvent.JobCancelled(now, stored.get(), "shutdown"));
      }
    }
    return n;
  }

  private static String actor(String actor) {
    return actor == null || actor.isBlank() ? DEFAULT_ACTOR : actor;
  }
}
