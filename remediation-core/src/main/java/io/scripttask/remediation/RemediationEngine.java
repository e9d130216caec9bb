package io.scripttask.remediation;

import io.scripttask.remediation.internal.engine.EngineCore;
import io.scripttask.remediation.internal.engine.EventDispatcher;
import io.scripttask.remediation.internal.engine.LiveEffects;
import io.scripttask.remediation.internal.engine.Planner;
import io.scripttask.remediation.spi.RemediationListener;
import io.scripttask.remediation.spi.RemediationStore;
import io.scripttask.scheduler.CatalogOperations;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.StaleVersionException;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.spi.EventListener;
import io.scripttask.scheduler.spi.NodeDirectory;
import io.scripttask.scheduler.spi.Notifier;
import io.scripttask.scheduler.spi.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The remediation engine: runs {@link Workflow}s on nodes when their triggers fire, durably.
 *
 * <pre>{@code
 * RemediationEngine engine = RemediationEngine.builder()
 *     .store(store)                              // default: in memory
 *     .nodes(nodeDirectory)
 *     .transport(LocalProcessTransport.builder().build())
 *     .notifier(ConsoleNotifier.stdout())
 *     .scripts(scheduler.catalog())
 *     .build();
 * engine.register(workflow, "alice");
 * engine.start();
 * engine.onMetric("web-1", Map.of("diskUsagePercent", 93));
 * ...
 * engine.shutdown(Duration.ofSeconds(30));
 * }</pre>
 *
 * <h2>Triggers</h2>
 *
 * A {@link WorkflowTrigger.MetricThreshold} fires from {@link #onMetric} (hysteresis and M-of-N per
 * workflow and node, kept in memory); a {@link WorkflowTrigger.JobFailed} from the scheduler's
 * events once the host registers {@link #schedulerListener()} on its scheduler; a {@link
 * WorkflowTrigger.CronTrigger} on its cron, for each node of its target (fires missed while no
 * engine ran are skipped); every workflow also from {@link #startExecution}. A trigger that may not
 * start an execution (dedup, cooldown, rate limit, node limit, disabled workflow, unknown node) is
 * recorded as a {@link ExecutionStatus#REFUSED} execution and a {@link
 * RemediationEvent.TriggerRefused} event, never dropped silently.
 *
 * <h2>Durability</h2>
 *
 * Every transition of an execution is written to the {@link RemediationStore} before it takes
 * effect. The engine that admits an execution owns it under a lease it renews; after a crash, the
 * next engine on the store ({@link #start()}, or a cluster peer once the lease expired) takes it
 * over: a completed step never runs again; a step that was running is recorded {@link
 * StepStatus#INTERRUPTED} and handled by its {@link InterruptPolicy}. A stale owner's writes are
 * refused by the store (version and fencing token).
 *
 * <h2>Threads</h2>
 *
 * One engine thread (the builder's {@link Builder#executor executor}) runs passes: apply approvals
 * and cancels, renew leases, take over orphaned executions, fire cron triggers, advance every owned
 * execution until it waits. Transport and notifier threads only complete their futures and wake the
 * engine. Operations are safe from any thread. Without {@link #start()}, nothing runs by itself:
 * {@link #runDueWork()} runs one pass on the calling thread (for virtual-time tests). Events reach
 * {@link RemediationListener}s asynchronously, in order per listener.
 */
public final class RemediationEngine {
  private static final System.Logger LOG = System.getLogger(RemediationEngine.class.getName());

  /** How long an engine's claim on an execution holds without renewal, by default: 30 seconds. */
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);

  /** How often the store is scanned for executions to take over, by default: 5 seconds. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

  private final Clock clock;
  private final RemediationStore store;
  private final LiveEffects effects;
  private final EngineCore core;
  private final EventDispatcher events;
  private final ScheduledExecutorService executor;
  private final boolean ownExecutor;
  private final ExecutorService ownEventExecutor;
  private final Duration pollInterval;
  private final String instanceId;
  private final AtomicBoolean passQueued = new AtomicBoolean();
  private volatile boolean started;
  private volatile boolean stopped;
  private ScheduledFuture<?> timer;

  /**
   * Signalled whenever work may have become due (a run ended, a signal arrived): see {@link #wake}.
   */
  private final ReentrantLock wakeLock = new ReentrantLock();

  private final java.util.concurrent.locks.Condition woken = wakeLock.newCondition();
  private long wakes;

  private RemediationEngine(Builder b) {
    this.clock = b.clock;
    this.store = b.store;
    this.instanceId = b.instanceId;
    this.pollInterval = b.pollInterval;
    this.effects = new LiveEffects(clock, b.nodes, b.transports, b.notifiers, b.scripts);
    if (b.eventExecutor == null) {
      this.ownEventExecutor =
          Executors.newCachedThreadPool(daemon("scripttask-remediation-events"));
      this.events = new EventDispatcher(ownEventExecutor);
    } else {
      this.ownEventExecutor = null;
      this.events = new EventDispatcher(b.eventExecutor);
    }
    for (RemediationListener l : b.listeners) {
      events.register(l);
    }
    if (b.executor == null) {
      this.executor =
          Executors.newSingleThreadScheduledExecutor(daemon("scripttask-remediation-engine"));
      this.ownExecutor = true;
    } else {
      this.executor = b.executor;
      this.ownExecutor = false;
    }
    this.core =
        new EngineCore(
            new EngineCore.Config(
                clock,
                store,
                effects,
                b.instanceId,
                b.leaseDuration,
                b.pollInterval,
                b.output,
                b.defaultEscalation,
                events));
    core.loadWorkflows();
    core.onWake(this::wake);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Starts building an engine.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return this engine's instance id (the owner it records on the executions it drives)
   */
  public String instanceId() {
    return instanceId;
  }

  // ================================================================ workflows

  /**
   * Stores a workflow: creates it, or replaces the stored one with that id (the executions already
   * running keep the version they started with).
   *
   * @param workflow the workflow
   * @param actor who, or null
   * @return the stored workflow
   * @throws NullPointerException if {@code workflow} is null
   * @throws StaleVersionException if another caller changed it at the same moment
   */
  public StoredWorkflow register(Workflow workflow, String actor) {
    Objects.requireNonNull(workflow, "workflow");
    long expected = store.workflow(workflow.id()).map(StoredWorkflow::revision).orElse(-1L);
    return update(workflow, expected, actor);
  }

  /**
   * Stores a workflow if its stored revision is still {@code expectedRevision} (compare-and-set).
   *
   * @param workflow the workflow
   * @param expectedRevision the revision the change is based on, or {@link RemediationStore#NEW} to
   *     create it
   * @param actor who, or null
   * @return the stored workflow
   * @throws StaleVersionException if the stored revision differs
   */
  public StoredWorkflow update(Workflow workflow, long expectedRevision, String actor) {
    Objects.requireNonNull(workflow, "workflow");
    StoredWorkflow stored = store.putWorkflow(workflow, expectedRevision, clock.instant(), actor);
    core.workflowStored(workflow);
    return stored;
  }

  /**
   * Removes a workflow: its triggers stop; executions already running go on.
   *
   * @param workflowId the id
   * @return whether a workflow was removed
   */
  public boolean remove(String workflowId) {
    boolean removed = store.deleteWorkflow(Objects.requireNonNull(workflowId, "workflowId"));
    core.workflowRemoved(workflowId);
    return removed;
  }

  /**
   * @param workflowId an id
   * @return the stored workflow, or empty
   */
  public Optional<StoredWorkflow> workflow(String workflowId) {
    return store.workflow(Objects.requireNonNull(workflowId, "workflowId"));
  }

  /**
   * @return every stored workflow, by id
   */
  public List<StoredWorkflow> workflows() {
    return store.workflows();
  }

  // ================================================================ triggers

  /**
   * Starts an execution of a workflow on a node by hand (whatever the workflow's trigger, and also
   * when it is disabled). The rules of the workflow (dedup, cooldown, rate limit, node limit) still
   * apply: a refused start is returned with status {@link ExecutionStatus#REFUSED} and its reason.
   *
   * @param workflowId the workflow
   * @param nodeId the node
   * @param triggerData data for its conditions and templates ({@code ${trigger.<field>}}): strings,
   *     numbers, booleans, lists, maps
   * @param actor who, or null
   * @return the execution as stored: {@code RUNNING} (its first step starts on the engine thread)
   *     or {@code REFUSED}
   * @throws NullPointerException if workflowId, nodeId or triggerData is null
   * @throws ValidationException if nodeId is blank or triggerData holds a value that is not
   *     JSON-like
   * @throws NoSuchWorkflowException if no workflow has that id
   */
  public WorkflowExecution startExecution(
      String workflowId, String nodeId, Map<String, ?> triggerData, String actor) {
    Objects.requireNonNull(workflowId, "workflowId");
    checkNode(nodeId);
    Objects.requireNonNull(triggerData, "triggerData");
    Workflow w =
        store
            .workflow(workflowId)
            .map(StoredWorkflow::workflow)
            .orElseThrow(() -> new NoSuchWorkflowException(workflowId));
    return core.start(w, null, nodeId, TriggerSource.MANUAL, triggerData, actor).orElseThrow();
  }

  /**
   * Feeds a metric sample of a node to the workflows with a {@link
   * WorkflowTrigger.MetricThreshold}: each counts the sample towards its M-of-N window for the node
   * and fires when armed (hysteresis: once fired, it re-arms only when its clear condition holds).
   *
   * @param nodeId the node
   * @param sample the sample, for example {@code {"diskUsagePercent": 93}}; it becomes the trigger
   *     data of an execution it starts
   * @return the executions this sample started or had refused, possibly none
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if nodeId is blank or the sample holds a value that is not
   *     JSON-like
   */
  public List<WorkflowExecution> onMetric(String nodeId, Map<String, ?> sample) {
    checkNode(nodeId);
    Objects.requireNonNull(sample, "sample");
    return core.onMetric(
        nodeId, io.scripttask.remediation.internal.engine.Values.freeze("sample", sample));
  }

  /**
   * A listener to register on a scheduler ({@code Scheduler.builder().listener(...)}): when a job
   * ends {@code FAILED} or {@code TIMED_OUT} for good (no retry follows), it starts the workflows
   * whose {@link WorkflowTrigger.JobFailed} trigger matches, on the job's node, with the job's
   * fields as trigger data ({@code jobId}, {@code scheduleId}, {@code scriptId}, {@code status},
   * {@code exitCode}, {@code attempt}, {@code detail}). Each job starts each workflow at most once
   * (the execution id derives from the job id).
   *
   * @return the listener
   */
  public EventListener schedulerListener() {
    return event -> {
      if (event instanceof SchedulerEvent.JobFinished f
          && !f.willRetry()
          && f.outcome() != JobStatus.SUCCEEDED) {
        Job j = f.job();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("jobId", j.id());
        if (j.scheduleId() != null) {
          data.put("scheduleId", j.scheduleId());
        }
        data.put("scriptId", j.scriptId());
        data.put("status", f.outcome().name());
        if (j.exitCode() != null) {
          data.put("exitCode", j.exitCode());
        }
        data.put("attempt", j.attempt());
        if (j.detail() != null) {
          data.put("detail", j.detail());
        }
        core.onJobFailed(j.id(), j.scheduleId(), f.outcome(), j.fireKey().nodeId(), data);
      }
    };
  }

  private static void checkNode(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    if (nodeId.isBlank()) {
      throw new ValidationException("nodeId", "not be blank", "\"" + nodeId + "\"");
    }
  }

  // ================================================================ operations on executions

  /**
   * Approves the approval step an execution waits at. The engine that owns the execution applies it
   * on its next pass (at once on this engine when it owns it).
   *
   * @param executionId the execution
   * @param stepId the approval step
   * @param actor who approves
   * @throws NullPointerException if an argument is null
   * @throws NoSuchExecutionException if no execution has that id
   * @throws ExecutionStateException if the execution does not wait at that approval step
   * @throws ValidationException if the step names approvers and the actor is not one of them
   */
  public void approve(String executionId, String stepId, String actor) {
    decide(executionId, stepId, actor, null, ExecutionSignal.Kind.APPROVE);
  }

  /**
   * Rejects the approval step an execution waits at: the step fails (its {@code onFailure} path).
   *
   * @param executionId the execution
   * @param stepId the approval step
   * @param actor who rejects
   * @param reason why, or null
   * @throws NullPointerException if executionId, stepId or actor is null
   * @throws NoSuchExecutionException if no execution has that id
   * @throws ExecutionStateException if the execution does not wait at that approval step
   * @throws ValidationException if the step names approvers and the actor is not one of them
   */
  public void reject(String executionId, String stepId, String actor, String reason) {
    decide(executionId, stepId, actor, reason, ExecutionSignal.Kind.REJECT);
  }

  private void decide(
      String executionId, String stepId, String actor, String reason, ExecutionSignal.Kind kind) {
    Objects.requireNonNull(stepId, "stepId");
    Objects.requireNonNull(actor, "actor");
    WorkflowExecution e =
        execution(executionId).orElseThrow(() -> new NoSuchExecutionException(executionId));
    if (e.status() != ExecutionStatus.WAITING
        || e.progress().phase() != ExecutionProgress.Phase.WAITING
        || !stepId.equals(e.progress().stepId())) {
      throw new ExecutionStateException(
          executionId,
          e.status(),
          "execution "
              + executionId
              + " must wait at approval step '"
              + stepId
              + "', but "
              + (e.progress().stepId() == null
                  ? "is " + e.status()
                  : "is at step '" + e.progress().stepId() + "' (" + e.status() + ")"));
    }
    Workflow w =
        store
            .workflowVersion(e.workflowId(), e.workflowVersion())
            .orElseThrow(() -> new NoSuchWorkflowException(e.workflowId()));
    if (!(w.step(stepId).orElse(null) instanceof ApprovalStep a)) {
      throw new ExecutionStateException(
          executionId, e.status(), "step '" + stepId + "' must be an approval step");
    }
    if (!a.mayDecide(actor)) {
      throw new ValidationException("actor", "be one of the approvers " + a.approvers(), actor);
    }
    core.signal(new ExecutionSignal(0, executionId, kind, stepId, actor, reason, clock.instant()));
  }

  /**
   * Cancels an execution: what runs is cancelled, then the compensations of its completed steps run
   * (when rollback is enabled) and it ends {@link ExecutionStatus#CANCELLED}. On a finished
   * execution whose escalation still runs, it stops the escalation.
   *
   * @param executionId the execution
   * @param actor who, or null
   * @throws NoSuchExecutionException if no execution has that id
   * @throws ExecutionStateException if the execution has finished (and escalates no more) or is
   *     already rolling back
   */
  public void cancel(String executionId, String actor) {
    WorkflowExecution e =
        execution(executionId).orElseThrow(() -> new NoSuchExecutionException(executionId));
    if (!e.isActive() || e.status() == ExecutionStatus.ROLLING_BACK) {
      throw new ExecutionStateException(
          executionId,
          e.status(),
          "execution "
              + executionId
              + " must be running or waiting to cancel, but is "
              + e.status());
    }
    core.signal(
        new ExecutionSignal(
            0, executionId, ExecutionSignal.Kind.CANCEL, null, actor, null, clock.instant()));
  }

  /**
   * Acknowledges an execution's escalation: no further tier is notified.
   *
   * @param executionId the execution
   * @param actor who
   * @throws NoSuchExecutionException if no execution has that id
   * @throws ExecutionStateException if it has no escalation running
   */
  public void acknowledge(String executionId, String actor) {
    WorkflowExecution e =
        execution(executionId).orElseThrow(() -> new NoSuchExecutionException(executionId));
    if (e.progress().escalation() == null) {
      throw new ExecutionStateException(
          executionId,
          e.status(),
          "execution " + executionId + " must have an escalation running, but has none");
    }
    core.signal(
        new ExecutionSignal(
            0, executionId, ExecutionSignal.Kind.ACKNOWLEDGE, null, actor, null, clock.instant()));
  }

  /**
   * @param executionId an id
   * @return the execution, or empty
   */
  public Optional<WorkflowExecution> execution(String executionId) {
    return store.execution(Objects.requireNonNull(executionId, "executionId"));
  }

  /**
   * Lists executions, newest first, by keyset pages.
   *
   * @param query the filters
   * @param page the page
   * @return the page
   * @throws ValidationException if the page's cursor did not come from this listing
   */
  public PageResult<WorkflowExecution> executions(ExecutionQuery query, Page page) {
    return store.executions(query, page);
  }

  /**
   * The record of an execution: every attempt of its steps, probes, compensations and escalation
   * notices, in order, with timings, exit codes, capped outputs and the decisions taken.
   *
   * @param executionId the execution
   * @return its record, empty if none
   */
  public List<StepAttempt> attempts(String executionId) {
    return store.attempts(Objects.requireNonNull(executionId, "executionId"));
  }

  /**
   * @return the nodes with an active execution, by id
   */
  public List<String> nodesInRemediation() {
    return store.nodesInRemediation();
  }

  // ================================================================ dry run

  /**
   * Dry-runs a workflow: the real interpreter runs it on a virtual clock and a private in-memory
   * store, steps answered by {@code results}, touching no node (quarantines are recorded, not done)
   * and sending nothing (notifications are recorded, rendered). The workflow need not be
   * registered. Scripts, node and channels are looked up (never changed) in this engine's
   * configuration, so a missing notifier channel fails its step as it would live; a script missing
   * from the library becomes a warning and runs its scripted result.
   *
   * @param workflow the workflow
   * @param nodeId the node it runs for (need not exist)
   * @param triggerData the trigger data
   * @param results the scripted results
   * @return the plan: path, notifications, compensations, escalations, final status
   * @throws NullPointerException if an argument is null
   */
  public Plan plan(
      Workflow workflow, String nodeId, Map<String, ?> triggerData, ScriptedResults results) {
    Objects.requireNonNull(workflow, "workflow");
    checkNode(nodeId);
    Objects.requireNonNull(triggerData, "triggerData");
    Objects.requireNonNull(results, "results");
    EngineCore.Config c = core.config();
    return Planner.plan(
        clock, effects, c.output(), c.defaultEscalation(), workflow, nodeId, triggerData, results);
  }

  // ================================================================ lifecycle

  /**
   * Starts the engine thread: it resumes the executions this instance owns and those whose owner's
   * lease expired, then runs passes. Calling it again does nothing.
   *
   * @throws IllegalStateException if the engine was shut down
   */
  public synchronized void start() {
    if (stopped) {
      throw new IllegalStateException("the engine was shut down");
    }
    if (started) {
      return;
    }
    started = true;
    wake();
  }

  /**
   * @return whether it was started and not shut down
   */
  public boolean isRunning() {
    return started && !stopped;
  }

  /**
   * Runs one pass on the calling thread (for hosts and tests that drive the engine themselves
   * instead of starting it).
   *
   * @return the next instant work is known to become due, or empty
   * @throws IllegalStateException if the engine was started or shut down
   */
  public Optional<Instant> runDueWork() {
    if (started || stopped) {
      throw new IllegalStateException("runDueWork is for engines that were not started");
    }
    return core.runDueWork();
  }

  /**
   * @return the ids of the executions this engine drives now
   */
  public List<String> ownedExecutions() {
    return core.owned();
  }

  /**
   * @return how many state-machine moves the engine made (attempts started and finished, waits
   *     ended); for benchmarks
   */
  public long moves() {
    return core.moves();
  }

  /**
   * @return whether every event published so far was delivered to every listener
   */
  public boolean eventsDelivered() {
    return events.isIdle();
  }

  private void wake() {
    wakeLock.lock();
    try {
      wakes++;
      woken.signalAll();
    } finally {
      wakeLock.unlock();
    }
    if (!started || stopped) {
      return;
    }
    if (passQueued.compareAndSet(false, true)) {
      try {
        executor.execute(this::pass);
      } catch (RejectedExecutionException e) {
        passQueued.set(false);
      }
    }
  }

  private void pass() {
    passQueued.set(false);
    if (stopped) {
      return;
    }
    Optional<Instant> next;
    try {
      next = core.runDueWork();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "remediation engine pass failed; retrying", e);
      next = Optional.empty();
    }
    Duration delay = pollInterval;
    if (next.isPresent()) {
      Duration until = Duration.between(clock.instant(), next.get());
      if (until.compareTo(delay) < 0) {
        delay = until.isNegative() ? Duration.ZERO : until;
      }
    }
    synchronized (this) {
      if (stopped) {
        return;
      }
      if (timer != null) {
        timer.cancel(false);
      }
      try {
        timer = executor.schedule(this::wake, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        timer = null;
      }
    }
  }

  /**
   * Shuts down gracefully: starts no new attempt, lets the runs in flight finish and records them
   * until {@code grace} has passed (on the monotonic clock), then cancels the rest (their steps are
   * interrupted and resumed by the next owner per their {@link InterruptPolicy}) and ends this
   * engine's leases so another engine may take its executions over at once. Blocks up to the grace.
   * Calling it again does nothing.
   *
   * @param grace how long runs in flight may still take, not negative
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
    }
    core.draining(true);
    long deadline = System.nanoTime() + grace.toNanos();
    while (true) {
      long seen = wakes();
      Optional<Instant> next = core.runDueWork();
      if (core.runsInFlight() == 0) {
        break;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      if (next.isPresent()) {
        // a run's timeout (or other work) falls due before the grace ends: a pass must handle it
        Duration until = Duration.between(clock.instant(), next.get());
        if (until.compareTo(Duration.ofNanos(left)) < 0) {
          left = until.isNegative() ? 0 : until.toNanos();
        }
      }
      if (left > 0 && !awaitWake(seen, left)) {
        break;
      }
    }
    core.runDueWork();
    synchronized (this) {
      stopped = true;
      if (timer != null) {
        timer.cancel(false);
      }
    }
    core.releaseAll();
    if (ownExecutor) {
      executor.shutdownNow();
    }
    if (ownEventExecutor != null) {
      ownEventExecutor.shutdown();
      try {
        ownEventExecutor.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private long wakes() {
    wakeLock.lock();
    try {
      return wakes;
    } finally {
      wakeLock.unlock();
    }
  }

  /**
   * Waits until {@link #wake} was called after the count {@code seen} was read, or {@code nanos}
   * passed.
   *
   * @return false if the calling thread was interrupted
   */
  private boolean awaitWake(long seen, long nanos) {
    wakeLock.lock();
    try {
      long left = nanos;
      while (wakes == seen && left > 0) {
        left = woken.awaitNanos(left);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      wakeLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "RemediationEngine[instanceId=" + instanceId + ", store=" + store + "]";
  }

  /** Builds a {@link RemediationEngine}. Not thread-safe; the built engine is. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private RemediationStore store;
    private NodeDirectory nodes;
    private final Map<String, Transport> transports = new LinkedHashMap<>();
    private final Map<String, Notifier> notifiers = new LinkedHashMap<>();
    private final List<String> duplicates = new ArrayList<>();
    private Function<String, Optional<Script>> scripts = id -> Optional.empty();
    private String instanceId = UUID.randomUUID().toString();
    private ScheduledExecutorService executor;
    private Executor eventExecutor;
    private final List<RemediationListener> listeners = new ArrayList<>();
    private Duration leaseDuration = DEFAULT_LEASE_DURATION;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private io.scripttask.scheduler.OutputPolicy output =
        io.scripttask.scheduler.OutputPolicy.DEFAULT;
    private EscalationPolicy defaultEscalation;

    private Builder() {}

    /**
     * @param clock the clock every time comes from (default: the system clock in UTC)
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param store the store (default: a new {@link InMemoryRemediationStore})
     * @return this builder
     */
    public Builder store(RemediationStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * @param nodes the node directory: nodes to run on, quarantine and release (required)
     * @return this builder
     */
    public Builder nodes(NodeDirectory nodes) {
      this.nodes = Objects.requireNonNull(nodes, "nodes");
      return this;
    }

    /**
     * Adds transports; a step runs on a node through the transport named by the node's {@link
     * io.scripttask.scheduler.Node#transport()}.
     *
     * @param transports the transports
     * @return this builder
     */
    public Builder transport(Transport... transports) {
      for (Transport t : transports) {
        Objects.requireNonNull(t, "transport");
        if (this.transports.put(t.name(), t) != null) {
          duplicates.add("transport '" + t.name() + "'");
        }
      }
      return this;
    }

    /**
     * Adds notifiers; notify, e-mail, approval and escalation messages name them by channel.
     *
     * @param notifiers the notifiers
     * @return this builder
     */
    public Builder notifier(Notifier... notifiers) {
      for (Notifier n : notifiers) {
        Objects.requireNonNull(n, "notifier");
        if (this.notifiers.put(n.channel(), n) != null) {
          duplicates.add("notifier '" + n.channel() + "'");
        }
      }
      return this;
    }

    /**
     * @param scripts the library that script steps' and compensations' script ids are looked up in
     *     when they run (default: empty)
     * @return this builder
     */
    public Builder scripts(Function<String, Optional<Script>> scripts) {
      this.scripts = Objects.requireNonNull(scripts, "scripts");
      return this;
    }

    /**
     * @param catalog a scheduler's catalog: its scripts are the library
     * @return this builder
     */
    public Builder scripts(CatalogOperations catalog) {
      Objects.requireNonNull(catalog, "catalog");
      this.scripts = catalog::script;
      return this;
    }

    /**
     * @param id this instance's id, the owner recorded on its executions (default: a random UUID);
     *     an engine restarted with the same id resumes its own executions at once
     * @return this builder
     */
    public Builder instanceId(String id) {
      this.instanceId = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * @param executor runs the passes; not shut down by the engine (default: its own daemon thread)
     * @return this builder
     */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * @param executor delivers events (default: its own cached pool of daemon threads); {@code
     *     Runnable::run} delivers on the engine's thread
     * @return this builder
     */
    public Builder eventExecutor(Executor executor) {
      this.eventExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * @param listeners listeners of the engine's events
     * @return this builder
     */
    public Builder listener(RemediationListener... listeners) {
      for (RemediationListener l : listeners) {
        this.listeners.add(Objects.requireNonNull(l, "listener"));
      }
      return this;
    }

    /**
     * @param lease how long a claim on an execution holds without renewal (default {@link
     *     #DEFAULT_LEASE_DURATION}); renewed every third of it
     * @return this builder
     */
    public Builder leaseDuration(Duration lease) {
      this.leaseDuration = Objects.requireNonNull(lease, "lease");
      return this;
    }

    /**
     * @param interval how often the store is scanned for executions whose owner's lease expired,
     *     and the longest the engine sleeps (default {@link #DEFAULT_POLL_INTERVAL})
     * @return this builder
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * @param output how much of each run's output is kept in the record (default {@link
     *     io.scripttask.scheduler.OutputPolicy#DEFAULT}: 64 KiB per stream, head and tail)
     * @return this builder
     */
    public Builder output(io.scripttask.scheduler.OutputPolicy output) {
      this.output = Objects.requireNonNull(output, "output");
      return this;
    }

    /**
     * @param policy the escalation used when a workflow has none (a failed compensation, an
     *     escalate step without a policy); default none: such an escalation is recorded as failed
     * @return this builder
     */
    public Builder defaultEscalation(EscalationPolicy policy) {
      this.defaultEscalation = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the engine, not started
     * @throws ValidationException if no node directory was given, two transports or notifiers share
     *     a name, the instance id is blank, or the lease or poll interval is not positive
     */
    public RemediationEngine build() {
      if (nodes == null) {
        throw new ValidationException("nodes", "be given", null);
      }
      if (!duplicates.isEmpty()) {
        throw new ValidationException("transports and notifiers", "have unique names", duplicates);
      }
      if (instanceId.isBlank()) {
        throw new ValidationException("instanceId", "not be blank", "\"" + instanceId + "\"");
      }
      if (leaseDuration.isNegative() || leaseDuration.isZero()) {
        throw new ValidationException("leaseDuration", "be positive", leaseDuration);
      }
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new ValidationException("pollInterval", "be positive", pollInterval);
      }
      if (store == null) {
        store = new InMemoryRemediationStore();
      }
      return new RemediationEngine(this);
    }
  }
}
