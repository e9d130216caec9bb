package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.engine.Engine;
import io.scripttask.scheduler.internal.events.EventBus;
import io.scripttask.scheduler.spi.EventListener;
import io.scripttask.scheduler.spi.NodeDirectory;
import io.scripttask.scheduler.spi.Notifier;
import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.spi.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scheduler: fires schedules, dispatches their jobs to nodes by priority inside limits,
 * maintenance windows and dependencies, records results, retries, and publishes events.
 *
 * <pre>{@code
 * Scheduler scheduler = Scheduler.builder()
 *     .nodes(nodeDirectory)
 *     .transport(LocalProcessTransport.builder().build())
 *     .maxConcurrentJobs(50)
 *     .build();
 * scheduler.catalog().putScript(script);
 * scheduler.schedules().create(spec, "alice");
 * scheduler.start();
 * ...
 * scheduler.shutdown(Duration.ofSeconds(30));
 * }</pre>
 *
 * <h2>Thread model</h2>
 *
 * <ul>
 *   <li>One <b>engine thread</b> (the builder's {@link Builder#executor executor}, by default a
 *       single daemon thread {@code scripttask-engine}) runs the engine's passes ("ticks"): record
 *       finished runs, fire due schedules, dispatch ready jobs. After a pass it sleeps until the
 *       next known due instant (a fire, a job's due or retry time, a window boundary) or the {@link
 *       Builder#pollInterval poll interval}, whichever comes first; results, node changes and
 *       operations wake it at once.
 *   <li><b>Transport threads</b> only complete their {@link
 *       io.scripttask.scheduler.spi.Execution#result()}; the scheduler queues the result and the
 *       engine thread records it.
 *   <li><b>Caller threads</b> run the operations ({@link #schedules()}, {@link #jobs()}, {@link
 *       #catalog()}, {@link #statistics(int)}); operations that change engine state take the
 *       engine's lock, so they never interleave with a pass. All of them are safe to call from any
 *       thread, before {@link #start()} too.
 *   <li><b>Event threads</b> (the builder's {@link Builder#eventExecutor event executor}, by
 *       default a cached pool of daemon threads) deliver events, in order per listener; a listener
 *       that throws is logged and keeps receiving events. With a direct executor ({@code
 *       Runnable::run}) events are delivered synchronously on the thread that caused them.
 * </ul>
 *
 * <p>Without {@link #start()}, nothing runs by itself: {@link #runDueWork()} runs one pass on the
 * calling thread, which is how the virtual-time test driver steps the scheduler.
 *
 * <p>Every state change goes through the {@link SchedulerStore} first (fires with its atomic {@code
 * fire}, claims with its {@code claim}, which checks the limits in the same atomic step, job
 * changes with its compare-and-set {@code transition}), so instances sharing a store fire each fire
 * key exactly once and agree on limits.
 *
 * <h2>Cluster mode</h2>
 *
 * <p>Several schedulers (in one process or many) may share one store; each needs its own {@link
 * Builder#instanceId instance id}. Each instance renews a lease in the store every third of its
 * {@link Builder#leaseDuration lease duration}, during its passes; {@link #instances()} lists them.
 * When an instance stops renewing (it crashed, hung, or lost the store) for longer than its lease,
 * another instance recovers the jobs it was running, per their retry policy: a job with attempts
 * left is queued again as its next attempt, any other job is recorded {@link JobStatus#FAILED}
 * ({@link SchedulerEvent.JobRecovered} is published either way). Each claim carries a fencing
 * token, so the late result of the lost instance is refused, and an instance whose own lease
 * expired starts no job until it renewed it (then it cancels its runs that were taken over). An
 * instance restarted with the same id recovers at once the jobs its previous run left running. A
 * graceful {@link #shutdown(Duration)} removes the instance from the store. The instances' clocks
 * should agree to well within the lease.
 */
public final class Scheduler {

  private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

  /** The default poll interval: the longest the engine sleeps without a known due instant. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

  /**
   * The default lease duration: an instance renews its lease every 10 seconds, and its jobs are
   * recovered by the others 30 seconds after its last renewal.
   */
  public static final Duration DEFAULT_LEASE_DURATION = Engine.DEFAULT_LEASE_DURATION;

  /** The default history retention: finished jobs are deleted 7 days after they finished. */
  public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofDays(7);

  private final Clock clock;
  private final Engine engine;
  private final SchedulerStore store;
  private final NodeDirectory.Subscription subscription;
  private final ScheduledExecutorService executor;
  private final boolean ownExecutor;
  private final ExecutorService ownEventExecutor;
  private final Duration pollInterval;
  private final ScheduleOperations schedules;
  private final JobOperations jobs;
  private final CatalogOperations catalog;
  private final AtomicBoolean tickQueued = new AtomicBoolean();
  private final Object timerLock = new Object();
  private ScheduledFuture<?> timer;

  /** Renews the lease every third of it while started, apart from the engine's passes. */
  private ScheduledExecutorService leaseThread;

  private volatile boolean started;
  private volatile boolean stopped;

  private Scheduler(Builder b) {
    this.clock = b.clock;
    this.store = b.store;
    this.pollInterval = b.pollInterval;
    Executor eventExecutor = b.eventExecutor;
    if (eventExecutor == null) {
      ownEventExecutor = Executors.newCachedThreadPool(daemon("scripttask-events"));
      eventExecutor = ownEventExecutor;
    } else {
      ownEventExecutor = null;
    }
    EventBus bus = new EventBus(eventExecutor);
    for (EventListener l : b.listeners) {
      bus.register(l);
    }
    Map<String, Transport> transports = new HashMap<>();
    for (Transport t : b.transports) {
      transports.put(t.name(), t);
    }
    Map<String, List<Notifier>> notifiers = new HashMap<>();
    for (Notifier n : b.notifiers) {
      notifiers.computeIfAbsent(n.channel(), k -> new ArrayList<>()).add(n);
    }
    this.engine =
        new Engine(
            clock, store, b.nodes, transports, notifiers, bus, b.instanceId, b.maxConcurrentJobs);
    engine.historyRetention(b.historyRetention);
    engine.leaseDuration(b.leaseDuration);
    if (b.executor == null) {
      executor = Executors.newSingleThreadScheduledExecutor(daemon("scripttask-engine"));
      ownExecutor = true;
    } else {
      executor = b.executor;
      ownExecutor = false;
    }
    this.subscription = b.nodes.subscribe(engine::onNodeChanged);
    this.schedules = new ScheduleOperations(engine, store);
    this.jobs = new JobOperations(engine, store);
    this.catalog = new CatalogOperations(engine, store);
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Starts building a scheduler.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the schedule operations
   */
  public ScheduleOperations schedules() {
    return schedules;
  }

  /**
   * @return the job operations
   */
  public JobOperations jobs() {
    return jobs;
  }

  /**
   * @return the window and script operations
   */
  public CatalogOperations catalog() {
    return catalog;
  }

  /**
   * @return this instance's id, recorded as the owner of the jobs it runs
   */
  public String instanceId() {
    return engine.instanceId();
  }

  /**
   * The scheduler instances sharing this scheduler's store (cluster membership), live or not: each
   * with its start, latest heartbeat and lease expiry, as the store holds them. An instance whose
   * lease has expired ({@code !instance.alive(now)}) is listed until it comes back, leaves, or is
   * pruned an hour after its lease expired. This instance appears after its first pass.
   *
   * @return the instances ordered by id
   */
  public List<SchedulerInstance> instances() {
    return store.instances();
  }

  /**
   * Statistics from the store: jobs by status, running, queued, schedules, upcoming fires.
   *
   * @param upcoming how many upcoming fires to list, at least 0
   * @return the statistics
   * @throws ValidationException if {@code upcoming} is negative
   */
  public Statistics statistics(int upcoming) {
    if (upcoming < 0) {
      throw new ValidationException("upcoming", "be at least 0", upcoming);
    }
    return engine.statistics(upcoming);
  }

  /**
   * Starts the engine thread. Calling it again does nothing.
   *
   * @throws IllegalStateException if the scheduler was shut down
   */
  public synchronized void start() {
    if (stopped) {
      throw new IllegalStateException("scheduler was shut down");
    }
    if (started) {
      return;
    }
    started = true;
    engine.wakeHook(this::requestTick);
    long period = Math.max(1, engine.leaseDuration().dividedBy(3).toNanos());
    leaseThread = Executors.newSingleThreadScheduledExecutor(daemon("scripttask-lease"));
    leaseThread.scheduleWithFixedDelay(engine::renewLease, period, period, TimeUnit.NANOSECONDS);
    requestTick();
  }

  /**
   * @return whether it was started and not shut down
   */
  public boolean isRunning() {
    return started && !stopped;
  }

  /**
   * Runs one engine pass on the calling thread: records finished runs, fires due schedules,
   * dispatches ready jobs. For hosts and tests that drive the scheduler themselves instead of
   * {@link #start()}ing it (the test kit's virtual-time driver does).
   *
   * @return the next instant after now at which work is known to become due (a fire, a job's due or
   *     retry time, a window boundary), or empty if none is known
   * @throws IllegalStateException if the scheduler was started (its engine thread does this) or
   *     shut down
   */
  public Optional<Instant> runDueWork() {
    if (started || stopped) {
      throw new IllegalStateException("runDueWork is for schedulers that were not started");
    }
    return engine.tick();
  }

  private void requestTick() {
    if (stopped || !started) {
      return;
    }
    if (tickQueued.compareAndSet(false, true)) {
      try {
        executor.execute(this::runTick);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        tickQueued.set(false);
      }
    }
  }

  private void runTick() {
    tickQueued.set(false);
    if (stopped) {
      return;
    }
    Duration delay = pollInterval;
    try {
      Optional<Instant> next = engine.tick();
      Optional<Instant> heartbeat = engine.nextHeartbeat();
      if (heartbeat.isPresent() && (next.isEmpty() || heartbeat.get().isBefore(next.get()))) {
        next = heartbeat;
      }
      if (next.isPresent()) {
        Duration until = Duration.between(clock.instant(), next.get());
        if (until.compareTo(delay) < 0) {
          delay = until.isNegative() ? Duration.ZERO : until;
        }
      }
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError vme) {
        throw vme;
      }
      LOG.log(System.Logger.Level.ERROR, "engine pass failed; retrying after the poll interval", e);
    }
    synchronized (timerLock) {
      if (timer != null) {
        timer.cancel(false);
      }
      try {
        timer = executor.schedule(this::requestTick, delay.toNanos(), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        timer = null;
      }
    }
  }

  /**
   * Shuts down gracefully: stops firing and dispatching at once (queued jobs stay queued in the
   * store for the next start), lets running jobs finish until {@code grace} has passed (measured on
   * the monotonic clock; the lease is renewed meanwhile), then cancels the remaining ones through
   * their executions and records them {@link JobStatus#CANCELLED}, and removes this instance from
   * the store's instances. Blocks the caller up to the grace. Calling it again does nothing.
   *
   * @param grace how long running jobs may still take, not negative
   * @throws NullPointerException if {@code grace} is null
   * @throws ValidationException if {@code grace} is negative
   */
  public void shutdown(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new ValidationException("grace", "not be negative", grace);
    }
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    engine.stopping();
    long deadline = System.nanoTime() + grace.toNanos();
    Object signal = new Object();
    engine.wakeHook(
        () -> {
          synchronized (signal) {
            signal.notifyAll();
          }
        });
    while (true) {
      engine.drain();
      if (engine.runningCount() == 0) {
        break;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      synchronized (signal) {
        try {
          signal.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    engine.cancelStragglers();
    ScheduledExecutorService lease;
    synchronized (this) {
      lease = leaseThread;
    }
    if (lease != null) {
      lease.shutdownNow();
    }
    engine.leave();
    subscription.close();
    synchronized (timerLock) {
      if (timer != null) {
        timer.cancel(false);
      }
    }
    if (ownExecutor) {
      executor.shutdownNow();
    }
    if (ownEventExecutor != null) {
      ownEventExecutor.shutdown();
    }
  }

  /** Builds a {@link Scheduler}. Not thread-safe; the built scheduler is. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private SchedulerStore store;
    private NodeDirectory nodes;
    private final List<Transport> transports = new ArrayList<>();
    private final List<Notifier> notifiers = new ArrayList<>();
    private final List<EventListener> listeners = new ArrayList<>();
    private int maxConcurrentJobs;
    private String instanceId;
    private ScheduledExecutorService executor;
    private Executor eventExecutor;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration historyRetention = DEFAULT_HISTORY_RETENTION;
    private Duration leaseDuration = DEFAULT_LEASE_DURATION;

    private Builder() {}

    /**
     * @param clock the clock every time comes from (default: the system clock in UTC)
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param store the store (default: a new {@link InMemorySchedulerStore})
     * @return this builder
     * @throws NullPointerException if {@code store} is null
     */
    public Builder store(SchedulerStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * @param nodes the node directory (required)
     * @return this builder
     * @throws NullPointerException if {@code nodes} is null
     */
    public Builder nodes(NodeDirectory nodes) {
      this.nodes = Objects.requireNonNull(nodes, "nodes");
      return this;
    }

    /**
     * Adds transports; a node runs on the transport named by {@link Node#transport()}.
     *
     * @param transports the transports
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder transport(Transport... transports) {
      for (Transport t : Objects.requireNonNull(transports, "transports")) {
        this.transports.add(Objects.requireNonNull(t, "transport"));
      }
      return this;
    }

    /**
     * Adds notifiers; notification rules name them by {@link Notifier#channel()}.
     *
     * @param notifiers the notifiers
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder notifier(Notifier... notifiers) {
      for (Notifier n : Objects.requireNonNull(notifiers, "notifiers")) {
        this.notifiers.add(Objects.requireNonNull(n, "notifier"));
      }
      return this;
    }

    /**
     * Adds event listeners.
     *
     * @param listeners the listeners
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder listener(EventListener... listeners) {
      for (EventListener l : Objects.requireNonNull(listeners, "listeners")) {
        this.listeners.add(Objects.requireNonNull(l, "listener"));
      }
      return this;
    }

    /**
     * @param max the most jobs running at once across every instance sharing the store; 0 (the
     *     default) for unlimited
     * @return this builder
     */
    public Builder maxConcurrentJobs(int max) {
      this.maxConcurrentJobs = max;
      return this;
    }

    /**
     * @param id this instance's id, recorded as the owner of the jobs it runs and as its row in the
     *     store's instances; unique among the instances sharing a store. A fixed id lets a
     *     restarted instance recover at once the jobs its previous run left running (default: a
     *     random UUID per scheduler; the jobs are then recovered when the old lease expires)
     * @return this builder
     * @throws NullPointerException if {@code id} is null
     */
    public Builder instanceId(String id) {
      this.instanceId = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * @param executor runs the engine passes; the scheduler does not shut it down (default: its own
     *     single daemon thread, shut down with the scheduler)
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * @param executor delivers events (default: its own cached pool of daemon threads)
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder eventExecutor(Executor executor) {
      this.eventExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * @param interval the longest the engine sleeps between passes (default {@link
     *     #DEFAULT_POLL_INTERVAL}); it picks up work other instances added
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * How long finished jobs (final status) are kept in the store. About once a minute, on the
     * scheduler's clock, the engine deletes the jobs that finished longer ago than this, a few
     * thousand per pass, through {@link SchedulerStore#deleteFinishedBefore}. Jobs that are not
     * finished are never deleted, and neither is the latest finished job of each schedule on each
     * node, whatever its age: a dependency ({@link ScheduleSpec#dependsOn()}) is decided by it, so
     * a monthly upstream's last success outlives a week of retention.
     *
     * @param retention how long finished jobs are kept (default {@link
     *     #DEFAULT_HISTORY_RETENTION}), positive
     * @return this builder
     * @throws NullPointerException if {@code retention} is null
     * @throws ValidationException if {@code retention} is zero or negative
     */
    public Builder historyRetention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative() || retention.isZero()) {
        throw new ValidationException("historyRetention", "be positive", retention);
      }
      this.historyRetention = retention;
      return this;
    }

    /**
     * How long this instance's lease lasts. The instance renews it every third of this duration (on
     * the scheduler's clock, during its passes); if it fails to renew for the whole duration (it
     * crashed, hung, or lost the store), other instances sharing the store recover its running
     * jobs, and it starts no job until it renews. Shorter leases recover faster and cost more
     * heartbeats; a lease shorter than the longest pause of a process (a full garbage collection)
     * or the clock difference between instances makes live jobs look lost.
     *
     * @param lease the lease (default {@link #DEFAULT_LEASE_DURATION}), positive
     * @return this builder
     * @throws NullPointerException if {@code lease} is null
     * @throws ValidationException if {@code lease} is zero or negative
     */
    public Builder leaseDuration(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.isNegative() || lease.isZero()) {
        throw new ValidationException("leaseDuration", "be positive", lease);
      }
      this.leaseDuration = lease;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the scheduler, not started
     * @throws ValidationException if no node directory or no transport was given, two transports
     *     share a name, maxConcurrentJobs is negative, the instance id is blank, or the poll
     *     interval is not positive
     */
    public Scheduler build() {
      if (nodes == null) {
        throw new ValidationException("nodes", "be given", null);
      }
      if (transports.isEmpty()) {
        throw new ValidationException("transports", "name at least one transport", "none");
      }
      Map<String, Transport> byName = new LinkedHashMap<>();
      for (Transport t : transports) {
        if (byName.put(t.name(), t) != null) {
          throw new ValidationException(
              "transports", "have distinct names", "\"" + t.name() + "\" twice");
        }
      }
      if (maxConcurrentJobs < 0) {
        throw new ValidationException(
            "maxConcurrentJobs", "be at least 0 (0 for unlimited)", maxConcurrentJobs);
      }
      if (instanceId == null) {
        instanceId = "scheduler-" + UUID.randomUUID();
      } else if (instanceId.isBlank()) {
        throw new ValidationException("instanceId", "not be blank", "\"" + instanceId + "\"");
      }
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new ValidationException("pollInterval", "be positive", pollInterval);
      }
      if (store == null) {
        store = new InMemorySchedulerStore();
      }
      return new Scheduler(this);
    }
  }
}
