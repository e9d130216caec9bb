package io.scripttask.remediation.internal.engine;

import io.scripttask.remediation.Admission;
import io.scripttask.remediation.ApprovalStep;
import io.scripttask.remediation.CommandStep;
import io.scripttask.remediation.Compensation;
import io.scripttask.remediation.CompensationFailure;
import io.scripttask.remediation.Condition;
import io.scripttask.remediation.ConditionContext;
import io.scripttask.remediation.ConditionStep;
import io.scripttask.remediation.DelayStep;
import io.scripttask.remediation.EmailStep;
import io.scripttask.remediation.EscalateStep;
import io.scripttask.remediation.EscalationPolicy;
import io.scripttask.remediation.EscalationState;
import io.scripttask.remediation.EscalationTier;
import io.scripttask.remediation.ExecutionProgress;
import io.scripttask.remediation.ExecutionProgress.Phase;
import io.scripttask.remediation.ExecutionSignal;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.FailStep;
import io.scripttask.remediation.HealthCheckStep;
import io.scripttask.remediation.InterruptPolicy;
import io.scripttask.remediation.NotifyStep;
import io.scripttask.remediation.QuarantineStep;
import io.scripttask.remediation.RateLimit;
import io.scripttask.remediation.RefusalReason;
import io.scripttask.remediation.ReleaseStep;
import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.RollbackStatus;
import io.scripttask.remediation.ScriptRef;
import io.scripttask.remediation.ScriptStep;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepAttempt.Kind;
import io.scripttask.remediation.StepResult;
import io.scripttask.remediation.StepRetry;
import io.scripttask.remediation.StepStatus;
import io.scripttask.remediation.StoredWorkflow;
import io.scripttask.remediation.SucceedStep;
import io.scripttask.remediation.Template;
import io.scripttask.remediation.TriggerSource;
import io.scripttask.remediation.Verification;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.remediation.WorkflowTrigger;
import io.scripttask.remediation.spi.RemediationStore;
import io.scripttask.scheduler.Cron;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Notification;
import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The workflow interpreter. It owns executions (through the store's leases) and drives each one as
 * a state machine: every transition is written to the store (compare-and-set on version and fencing
 * token) before it takes effect, so that an engine that dies loses nothing but the runs in flight,
 * which the next owner handles by each step's interrupt policy.
 *
 * <p>Steps that act at once (quarantine, release, an escalation notice) act first and record after:
 * after a crash between the two they are done again, which these actions tolerate (quarantining a
 * quarantined node, releasing a released one) or merely repeat (a notice).
 *
 * <p>Work happens in passes ({@link #runDueWork()}), on one thread at a time (a lock guards the
 * state; caller operations take it too): apply signals, renew leases, take over executions whose
 * owner's lease expired, fire cron triggers, then advance every owned execution until it waits on a
 * run, a timer or a person. Runs complete on transport threads and only wake the engine.
 */
public final class EngineCore {
  private static final System.Logger LOG = System.getLogger(EngineCore.class.getName());

  /** Returned by a step of the state machine that made progress. */
  private static final Instant CONTINUE = Instant.MIN;

  /** How long past a run's timeout the engine waits for the transport before cancelling it. */
  static final Duration RUN_GRACE = Duration.ofSeconds(30);

  private static final int RESUME_BATCH = 100;
  private static final int MAX_MOVES_PER_PASS = 10_000;
  private static final Pattern ENV_CHARS = Pattern.compile("[^A-Za-z0-9_]");

  /**
   * The engine's configuration.
   *
   * @param clock the clock
   * @param store the store
   * @param effects what the engine does to the world
   * @param instanceId this engine's id (owner of its executions)
   * @param leaseDuration how long a claim holds without renewal
   * @param pollInterval how often the store is scanned for executions to take over
   * @param output how much output is kept per run
   * @param defaultEscalation the escalation used when a workflow has none, or null
   * @param events the event dispatcher
   */
  public record Config(
      Clock clock,
      RemediationStore store,
      Effects effects,
      String instanceId,
      Duration leaseDuration,
      Duration pollInterval,
      OutputPolicy output,
      EscalationPolicy defaultEscalation,
      EventDispatcher events) {

    /** Checks the fields. */
    public Config {
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(effects, "effects");
      Objects.requireNonNull(instanceId, "instanceId");
      Objects.requireNonNull(leaseDuration, "leaseDuration");
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(events, "events");
    }
  }

  private final Config cfg;
  private final Clock clock;
  private final RemediationStore store;
  private final Effects effects;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Active> active = new LinkedHashMap<>();
  private final Map<String, Workflow> workflows = new TreeMap<>();
  private final Map<String, Workflow> versions = new HashMap<>();
  private final Map<String, MetricWindow> windows = new HashMap<>();
  private final Map<String, Instant> cronNext = new HashMap<>();
  private Instant nextHeartbeat;
  private Instant nextScan;
  private boolean draining;
  private volatile long moves;
  private volatile Runnable wakeup = () -> {};

  /**
   * @param cfg the configuration
   */
  public EngineCore(Config cfg) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.clock = cfg.clock();
    this.store = cfg.store();
    this.effects = cfg.effects();
  }

  /**
   * @param wakeup called (from any thread) when work became due: a run ended, a signal arrived
   */
  public void onWake(Runnable wakeup) {
    this.wakeup = Objects.requireNonNull(wakeup, "wakeup");
  }

  /**
   * @return the configuration
   */
  public Config config() {
    return cfg;
  }

  /**
   * @return how many state-machine moves (attempts started or finished, waits ended) ran so far
   */
  public long moves() {
    return moves;
  }

  // ================================================================ workflows

  /** Loads the current workflows from the store (at start, and when scanning). */
  public void loadWorkflows() {
    lock.lock();
    try {
      Map<String, Workflow> now = new TreeMap<>();
      for (StoredWorkflow s : store.workflows()) {
        now.put(s.id(), s.workflow());
      }
      for (Workflow w : now.values()) {
        Workflow before = workflows.get(w.id());
        if (before == null || !before.version().equals(w.version())) {
          onWorkflowChanged(w);
        }
      }
      for (String id : List.copyOf(workflows.keySet())) {
        if (!now.containsKey(id)) {
          forget(id);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records that a workflow was stored (by this engine).
   *
   * @param w the workflow
   */
  public void workflowStored(Workflow w) {
    lock.lock();
    try {
      onWorkflowChanged(w);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records that a workflow was deleted.
   *
   * @param id its id
   */
  public void workflowRemoved(String id) {
    lock.lock();
    try {
      forget(id);
    } finally {
      lock.unlock();
    }
  }

  private void onWorkflowChanged(Workflow w) {
    workflows.put(w.id(), w);
    versions.put(key(w.id(), w.version()), w);
    windows.keySet().removeIf(k -> k.startsWith(w.id() + "\u0000"));
    cronNext.remove(w.id());
    if (w.trigger() instanceof WorkflowTrigger.CronTrigger c) {
      nextCron(c, clock.instant()).ifPresent(t -> cronNext.put(w.id(), t));
    }
    wakeup.run();
  }

  private void forget(String id) {
    workflows.remove(id);
    cronNext.remove(id);
    windows.keySet().removeIf(k -> k.startsWith(id + "\u0000"));
  }

  private static Optional<Instant> nextCron(WorkflowTrigger.CronTrigger c, Instant after) {
    Cron cron = c.schedule();
    return cron.next(after, c.zone());
  }

  private Optional<Workflow> version(String workflowId, String version) {
    Workflow w = versions.get(key(workflowId, version));
    if (w == null) {
      Optional<Workflow> stored = store.workflowVersion(workflowId, version);
      stored.ifPresent(s -> versions.put(key(workflowId, version), s));
      return stored;
    }
    return Optional.of(w);
  }

  private static String key(String a, String b) {
    return a + "\u0000" + b;
  }

  // ================================================================ triggers

  /**
   * Admits an execution (or records its refusal).
   *
   * @param w the workflow
   * @param id the execution id, or null for a random one
   * @param nodeId the node
   * @param source what started it
   * @param data trigger data
   * @param actor who, or null
   * @return the stored execution (admitted or refused), or empty if the id existed
   */
  public Optional<WorkflowExecution> start(
      Workflow w,
      String id,
      String nodeId,
      TriggerSource source,
      Map<String, ?> data,
      String actor) {
    lock.lock();
    try {
      return admit(w, id, nodeId, source, data, actor);
    } finally {
      lock.unlock();
    }
  }

  private Optional<WorkflowExecution> admit(
      Workflow w,
      String id,
      String nodeId,
      TriggerSource source,
      Map<String, ?> data,
      String actor) {
    Instant now = clock.instant();
    versions.putIfAbsent(key(w.id(), w.version()), w);
    WorkflowExecution.Builder b =
        WorkflowExecution.builder(
                id == null ? UUID.randomUUID().toString() : id, w, nodeId, source, now)
            .triggerData(data)
            .actor(actor)
            .owner(cfg.instanceId())
            .leaseUntil(now.plus(cfg.leaseDuration()))
            .deadlineAt(w.deadline().map(now::plus).orElse(null));
    RefusalReason refusal = null;
    if (!w.enabled() && source != TriggerSource.MANUAL && source != TriggerSource.PLAN) {
      refusal = RefusalReason.WORKFLOW_DISABLED;
    } else if (effects.node(nodeId).isEmpty()) {
      refusal = RefusalReason.UNKNOWN_NODE;
    }
    if (refusal != null) {
      b.status(ExecutionStatus.REFUSED).refusal(refusal).finishedAt(now);
    }
    RateLimit rate = w.rateLimit().orElse(RateLimit.UNLIMITED);
    Admission rules =
        new Admission(
            w.cooldown().orElse(Duration.ZERO),
            rate.limitsExecutions() ? rate.maxExecutions() : 0,
            rate.period(),
            rate.limitsConcurrentNodes() ? rate.maxConcurrentNodes() : 0);
    Optional<WorkflowExecution> stored = store.admit(b.build(), rules);
    if (stored.isEmpty()) {
      return store.execution(b.build().id());
    }
    WorkflowExecution e = stored.get();
    if (e.status() == ExecutionStatus.REFUSED) {
      LOG.log(
          System.Logger.Level.INFO,
          () ->
              "trigger of workflow " + w.id() + " on node " + nodeId + " refused: " + e.refusal());
      cfg.events().publish(new RemediationEvent.TriggerRefused(now, e));
    } else {
      active.put(e.id(), new Active(e, w));
      cfg.events().publish(new RemediationEvent.ExecutionStarted(now, e));
      wakeup.run();
    }
    return stored;
  }

  /**
   * Feeds a metric sample to the metric threshold triggers.
   *
   * @param nodeId the node
   * @param sample the sample
   * @return the executions started or refused because of it
   */
  public List<WorkflowExecution> onMetric(String nodeId, Map<String, Object> sample) {
    lock.lock();
    try {
      List<WorkflowExecution> out = new ArrayList<>();
      ConditionContext ctx = ConditionContext.ofTrigger(sample);
      for (Workflow w : List.copyOf(workflows.values())) {
        if (!(w.trigger() instanceof WorkflowTrigger.MetricThreshold t)) {
          continue;
        }
        MetricWindow window =
            windows.computeIfAbsent(key(w.id(), nodeId), k -> new MetricWindow(t.m(), t.n()));
        if (window.offer(t.fire().test(ctx), t.clear().test(ctx))) {
          admit(w, null, nodeId, TriggerSource.METRIC, sample, null).ifPresent(out::add);
        }
      }
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts the workflows triggered by a failed job.
   *
   * @param jobId the job
   * @param scheduleId its schedule, or null
   * @param status its final status
   * @param nodeId its node
   * @param data trigger data describing it
   * @return the executions started or refused
   */
  public List<WorkflowExecution> onJobFailed(
      String jobId,
      String scheduleId,
      io.scripttask.scheduler.JobStatus status,
      String nodeId,
      Map<String, Object> data) {
    lock.lock();
    try {
      List<WorkflowExecution> out = new ArrayList<>();
      for (Workflow w : List.copyOf(workflows.values())) {
        if (w.trigger() instanceof WorkflowTrigger.JobFailed t && t.matches(scheduleId, status)) {
          admit(w, "job:" + w.id() + ":" + jobId, nodeId, TriggerSource.JOB_FAILED, data, null)
              .ifPresent(out::add);
        }
      }
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  private void fireCrons(Instant now) {
    for (Map.Entry<String, Instant> c : List.copyOf(cronNext.entrySet())) {
      if (c.getValue().isAfter(now)) {
        continue;
      }
      Workflow w = workflows.get(c.getKey());
      if (w == null || !(w.trigger() instanceof WorkflowTrigger.CronTrigger t)) {
        cronNext.remove(c.getKey());
        continue;
      }
      Instant fire = c.getValue();
      Optional<Instant> following = nextCron(t, fire);
      following.ifPresentOrElse(n -> cronNext.put(w.id(), n), () -> cronNext.remove(w.id()));
      for (Node n : effects.resolve(t.target())) {
        admit(
            w,
            "cron:" + w.id() + ":" + fire.getEpochSecond() + ":" + n.id(),
            n.id(),
            TriggerSource.CRON,
            Map.of("fireTime", fire.toString()),
            null);
      }
    }
  }

  // ================================================================ signals

  /**
   * Queues a signal and wakes the engine.
   *
   * @param signal the signal
   */
  public void signal(ExecutionSignal signal) {
    store.postSignal(signal);
    wakeup.run();
  }

  private void applySignals(Instant now) {
    for (ExecutionSignal s : store.signals(cfg.instanceId())) {
      Active a = active.get(s.executionId());
      if (a == null) {
        continue;
      }
      apply(a, s);
      store.deleteSignal(s.id());
    }
  }

  private void apply(Active a, ExecutionSignal s) {
    WorkflowExecution e = a.e;
    ExecutionProgress p = e.progress();
    switch (s.kind()) {
      case APPROVE, REJECT -> {
        Optional<Step> step = a.wf.step(s.stepId());
        if (e.status() != ExecutionStatus.WAITING
            || p.phase() != Phase.WAITING
            || !s.stepId().equals(p.stepId())
            || step.isEmpty()
            || !(step.get() instanceof ApprovalStep approval)
            || !approval.mayDecide(s.actor())) {
          return;
        }
        Tx tx = new Tx(a);
        boolean approved = s.kind() == ExecutionSignal.Kind.APPROVE;
        String detail =
            (approved ? "approved by " : "rejected by ")
                + s.actor()
                + (s.comment() == null ? "" : ": " + s.comment());
        String next = approved ? approval.onSuccess() : approval.onFailure();
        StepAttempt rec =
            tx.record(
                Kind.STEP,
                approval.id(),
                p.attempt(),
                approved ? StepStatus.SUCCEEDED : StepStatus.FAILED,
                start(p),
                null,
                detail,
                null,
                target(next, approved));
        tx.event(new RemediationEvent.StepFinished(tx.now, rec));
        if (approved) {
          tx.complete(approval.id());
        }
        goTo(tx, next, approved, "step '" + approval.id() + "' " + detail);
        tx.commit();
      }
      case CANCEL -> {
        if (!e.status().isFinal() && e.status() != ExecutionStatus.ROLLING_BACK) {
          abort(a, ExecutionStatus.CANCELLED, "cancelled by " + s.actor());
        } else if (e.status().isFinal() && p.escalation() != null) {
          acknowledge(a, s.actor());
        }
      }
      case ACKNOWLEDGE -> {
        if (p.escalation() != null) {
          acknowledge(a, s.actor());
        }
      }
    }
  }

  private void acknowledge(Active a, String actor) {
    Tx tx = new Tx(a);
    EscalationState esc = a.e.progress().escalation();
    tx.record(
        Kind.ESCALATION,
        esc.stepId(),
        esc.round(),
        StepStatus.CANCELLED,
        tx.now,
        null,
        "acknowledged by " + actor,
        null,
        null);
    tx.pb.escalation(null);
    tx.commit();
  }

  // ================================================================ passes

  /**
   * Runs one pass on the calling thread.
   *
   * @return the next instant work is known to become due, or empty
   */
  public Optional<Instant> runDueWork() {
    lock.lock();
    try {
      Instant now = clock.instant();
      applySignals(now);
      heartbeat(now);
      scan(now);
      fireCrons(now);
      Instant next = null;
      for (Active a : List.copyOf(active.values())) {
        if (active.get(a.e.id()) != a) {
          continue;
        }
        next = min(next, advance(a));
      }
      next = min(next, nextHeartbeat);
      next = min(next, nextScan);
      for (Instant c : cronNext.values()) {
        next = min(next, c);
      }
      return Optional.ofNullable(next);
    } finally {
      lock.unlock();
    }
  }

  private void heartbeat(Instant now) {
    if (nextHeartbeat != null && now.isBefore(nextHeartbeat)) {
      return;
    }
    Instant until = now.plus(cfg.leaseDuration());
    for (Active a : List.copyOf(active.values())) {
      if (store.renewLease(a.e.id(), cfg.instanceId(), a.e.fencingToken(), until)) {
        a.e = a.e.toBuilder().leaseUntil(until).build();
      } else {
        lose(a, "its lease could not be renewed");
      }
    }
    nextHeartbeat = now.plus(cfg.leaseDuration().dividedBy(3));
  }

  private void scan(Instant now) {
    if (nextScan != null && now.isBefore(nextScan)) {
      return;
    }
    nextScan = now.plus(cfg.pollInterval());
    if (draining) {
      return;
    }
    loadWorkflows();
    for (WorkflowExecution e : store.resumable(cfg.instanceId(), now, RESUME_BATCH)) {
      if (active.containsKey(e.id())) {
        continue;
      }
      Optional<WorkflowExecution> claimed =
          store.claim(e.id(), cfg.instanceId(), now.plus(cfg.leaseDuration()), now);
      if (claimed.isEmpty()) {
        continue;
      }
      WorkflowExecution c = claimed.get();
      Optional<Workflow> w = version(c.workflowId(), c.workflowVersion());
      if (w.isEmpty()) {
        Active orphan = new Active(c, null);
        active.put(c.id(), orphan);
        Tx tx = new Tx(orphan);
        tx.eb.status(ExecutionStatus.FAILED).finishedAt(now).detail("workflow version not found");
        tx.pb.stepId(null).phase(Phase.NONE).escalation(null).wakeAt(null).runStartedAt(null);
        tx.event(x -> new RemediationEvent.ExecutionFinished(now, x));
        tx.commit();
        active.remove(c.id());
        continue;
      }
      active.put(c.id(), new Active(c, w.get()));
      LOG.log(
          System.Logger.Level.INFO,
          () -> "resuming execution " + c.id() + " (previous owner " + e.owner() + ")");
      cfg.events().publish(new RemediationEvent.ExecutionResumed(now, c, e.owner()));
    }
  }

  /**
   * Stops starting new attempts (graceful shutdown): runs in flight finish and are recorded.
   *
   * @param draining whether to drain
   */
  public void draining(boolean draining) {
    lock.lock();
    try {
      this.draining = draining;
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return how many runs are in flight
   */
  public int runsInFlight() {
    lock.lock();
    try {
      int n = 0;
      for (Active a : active.values()) {
        if (a.run != null) {
          n++;
        }
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends every owned execution's lease now, so that another engine may take them over at once, and
   * cancels the runs still in flight (their steps are interrupted).
   */
  public void releaseAll() {
    lock.lock();
    try {
      Instant now = clock.instant();
      for (Active a : List.copyOf(active.values())) {
        if (a.run != null) {
          a.run.cancel();
          a.run = null;
        }
        store.renewLease(a.e.id(), cfg.instanceId(), a.e.fencingToken(), now);
      }
      active.clear();
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return the ids of the executions this engine drives now
   */
  public List<String> owned() {
    lock.lock();
    try {
      return List.copyOf(active.keySet());
    } finally {
      lock.unlock();
    }
  }

  private void lose(Active a, String why) {
    if (a.run != null) {
      a.run.cancel();
      a.run = null;
    }
    active.remove(a.e.id());
    LOG.log(
        System.Logger.Level.WARNING,
        () -> "lost execution " + a.e.id() + ": " + why + "; another engine drives it now");
  }

  // ================================================================ the state machine

  private Instant advance(Active a) {
    for (int i = 0; i < MAX_MOVES_PER_PASS; i++) {
      if (active.get(a.e.id()) != a) {
        return null;
      }
      WorkflowExecution e = a.e;
      ExecutionProgress p = e.progress();
      Instant now = clock.instant();
      EscalationState esc = p.escalation();
      if (e.status().isFinal()) {
        if (esc == null) {
          active.remove(e.id());
          return null;
        }
        if (now.isBefore(esc.nextAt())) {
          return esc.nextAt();
        }
        escalate(a);
        continue;
      }
      if (esc != null && !now.isBefore(esc.nextAt())) {
        escalate(a);
        continue;
      }
      if (e.status() != ExecutionStatus.ROLLING_BACK
          && e.deadlineAt() != null
          && !now.isBefore(e.deadlineAt())) {
        abort(a, ExecutionStatus.TIMED_OUT, "deadline " + e.deadlineAt() + " passed");
        continue;
      }
      Instant wait =
          e.status() == ExecutionStatus.ROLLING_BACK ? rollbackMove(a, now) : forwardMove(a, now);
      if (wait == CONTINUE) {
        moves++;
        continue;
      }
      Instant next = wait;
      if (esc != null) {
        next = min(next, esc.nextAt());
      }
      if (e.status() != ExecutionStatus.ROLLING_BACK && e.deadlineAt() != null) {
        next = min(next, e.deadlineAt());
      }
      return next;
    }
    return clock.instant();
  }

  private Instant forwardMove(Active a, Instant now) {
    ExecutionProgress p = a.e.progress();
    if (p.phase() == Phase.NONE) {
      Tx tx = new Tx(a);
      enter(tx, a.wf.entryStep());
      tx.commit();
      return CONTINUE;
    }
    Step step = a.wf.step(p.stepId()).orElse(null);
    if (step == null) {
      Tx tx = new Tx(a);
      fail(tx, ExecutionStatus.FAILED, "step '" + p.stepId() + "' is not in the workflow");
      tx.commit();
      return CONTINUE;
    }
    switch (p.phase()) {
      case READY:
        if (p.wakeAt() != null && now.isBefore(p.wakeAt())) {
          return p.wakeAt();
        }
        if (draining) {
          return null;
        }
        startStep(a, step);
        return CONTINUE;
      case RUNNING:
        return running(a, step, now);
      case WAITING:
        if (p.wakeAt() != null && now.isBefore(p.wakeAt())) {
          return p.wakeAt();
        }
        endWait(a, step);
        return CONTINUE;
      default:
        throw new IllegalStateException("phase " + p.phase());
    }
  }

  private Instant running(Active a, Step step, Instant now) {
    ExecutionProgress p = a.e.progress();
    if (a.run == null) {
      if (draining && verifiesByProbe(a, step)) {
        return null; // no new run while draining: the next owner verifies
      }
      interrupted(a, step);
      return CONTINUE;
    }
    if (a.run.done()) {
      Run run = a.run;
      a.run = null;
      if (run.kind == Kind.COMPENSATION) {
        finishCompensation(a, step, run);
      } else if (run.kind == Kind.PROBE && step instanceof HealthCheckStep h) {
        finishProbe(a, h, run);
      } else if (run.kind == Kind.PROBE) {
        finishVerification(a, step, run);
      } else {
        finishStep(a, step, run);
      }
      return CONTINUE;
    }
    if (p.wakeAt() != null && !now.isBefore(p.wakeAt()) && !a.run.timedOut) {
      a.run.timedOut = true;
      a.run.cancel();
      return a.run.done() ? CONTINUE : null;
    }
    return a.run.timedOut ? null : p.wakeAt();
  }

  private void enter(Tx tx, String stepId) {
    tx.pb
        .stepId(stepId)
        .attempt(1)
        .phase(Phase.READY)
        .stepStartedAt(tx.now)
        .wakeAt(null)
        .runStartedAt(null);
    tx.eb.status(ExecutionStatus.RUNNING);
  }

  private void startStep(Active a, Step step) {
    ExecutionProgress p = a.e.progress();
    if (step instanceof ScriptStep s) {
      Script script = resolve(s.script());
      startRun(
          a,
          Kind.STEP,
          step,
          nodesFor(a, s.target()),
          script,
          "script '" + s.script().scriptId() + "' is not in the library",
          s.environment(),
          step.timeout());
    } else if (step instanceof CommandStep c) {
      Script script =
          Script.builder(a.wf.id() + "." + c.id())
              .shell(c.shell())
              .commands(c.commands())
              .stopOnFailure(c.stopOnFailure())
              .defaultTimeout(c.timeout())
              .build();
      startRun(
          a,
          Kind.STEP,
          step,
          nodesFor(a, c.target()),
          script,
          null,
          c.environment(),
          step.timeout());
    } else if (step instanceof HealthCheckStep h) {
      startRun(
          a,
          Kind.PROBE,
          step,
          nodesFor(a, null),
          resolve(h.script()),
          "script '" + h.script().scriptId() + "' is not in the library",
          h.environment(),
          h.effectiveProbeTimeout());
    } else if (step instanceof NotifyStep n) {
      Map<String, Object> vars = vars(a);
      send(
          a,
          step,
          new Notification(
              n.channel(),
              n.severity(),
              n.subject().render(vars),
              n.body().render(vars),
              fields(a, step.id())));
    } else if (step instanceof EmailStep m) {
      Map<String, Object> vars = vars(a);
      Map<String, String> fields = new LinkedHashMap<>(fields(a, step.id()));
      fields.put("to", String.join(", ", m.to()));
      send(
          a,
          step,
          new Notification(
              m.channel(), m.severity(), m.subject().render(vars), m.body().render(vars), fields));
    } else if (step instanceof DelayStep d) {
      Tx tx = new Tx(a);
      tx.pb.phase(Phase.WAITING).wakeAt(tx.now.plus(d.duration())).runStartedAt(tx.now);
      tx.eb.status(ExecutionStatus.WAITING);
      tx.event(
          new RemediationEvent.StepStarted(tx.now, a.e.id(), step.id(), Kind.STEP, p.attempt()));
      tx.commit();
    } else if (step instanceof ApprovalStep ap) {
      Tx tx = new Tx(a);
      Instant expires = tx.now.plus(ap.ttl());
      tx.pb.phase(Phase.WAITING).wakeAt(expires).runStartedAt(tx.now);
      tx.eb.status(ExecutionStatus.WAITING);
      tx.event(
          new RemediationEvent.StepStarted(tx.now, a.e.id(), step.id(), Kind.STEP, p.attempt()));
      tx.event(new RemediationEvent.ApprovalRequested(tx.now, a.e.id(), step.id(), expires));
      if (tx.commit() && ap.channel() != null && effects.hasChannel(ap.channel())) {
        Map<String, Object> vars = vars(a);
        Map<String, String> fields = new LinkedHashMap<>(fields(a, step.id()));
        fields.put("expiresAt", expires.toString());
        fields.put("approvers", String.join(", ", ap.approvers()));
        String text = ap.message().render(vars);
        sendQuietly(
            new Notification(
                ap.channel(), Notification.Severity.WARNING, firstLine(text), text, fields));
      }
    } else if (step instanceof ConditionStep c) {
      Tx tx = new Tx(a);
      StepResult previous = lastResult(a);
      boolean holds = c.condition().test(ctx(a, previous));
      String next = holds ? c.onSuccess() : c.onFailure();
      StepAttempt rec =
          tx.record(
              Kind.STEP,
              c.id(),
              p.attempt(),
              StepStatus.SUCCEEDED,
              tx.now,
              null,
              null,
              c.condition().describe() + ": " + holds,
              target(next, holds));
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      goTo(tx, next, holds, "condition of step '" + c.id() + "' is false");
      tx.commit();
    } else if (step instanceof QuarantineStep q) {
      String reason = q.reason().render(vars(a));
      instant(a, step, () -> effects.quarantine(a.e.nodeId(), reason), "quarantined: " + reason);
    } else if (step instanceof ReleaseStep) {
      instant(a, step, () -> effects.release(a.e.nodeId()), "released from quarantine");
    } else if (step instanceof EscalateStep x) {
      Tx tx = new Tx(a);
      StepAttempt rec =
          tx.record(
              Kind.STEP,
              x.id(),
              p.attempt(),
              StepStatus.SUCCEEDED,
              tx.now,
              null,
              "escalation started",
              null,
              target(x.onSuccess(), true));
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      tx.complete(x.id());
      startEscalation(tx, a, x.id(), "step '" + x.id() + "' escalated");
      goTo(tx, x.onSuccess(), true, null);
      tx.commit();
    } else if (step instanceof SucceedStep s) {
      Tx tx = new Tx(a);
      StepAttempt rec =
          tx.record(
              Kind.STEP,
              s.id(),
              p.attempt(),
              StepStatus.SUCCEEDED,
              tx.now,
              null,
              s.message(),
              null,
              io.scripttask.remediation.Transitions.SUCCEED);
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      tx.complete(s.id());
      finish(tx, ExecutionStatus.SUCCEEDED, s.message());
      tx.commit();
    } else if (step instanceof FailStep f) {
      Tx tx = new Tx(a);
      StepAttempt rec =
          tx.record(
              Kind.STEP,
              f.id(),
              p.attempt(),
              StepStatus.FAILED,
              tx.now,
              null,
              f.message(),
              null,
              io.scripttask.remediation.Transitions.FAIL);
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      fail(
          tx,
          ExecutionStatus.FAILED,
          f.message() == null ? "failed at step '" + f.id() + "'" : f.message());
      tx.commit();
    } else {
      throw new IllegalStateException("unknown step kind " + step.kind());
    }
  }

  /** A step that acts at once (quarantine, release): act, record, move on. */
  private void instant(Active a, Step step, Runnable action, String detail) {
    ExecutionProgress p = a.e.progress();
    Tx tx = new Tx(a);
    boolean ok;
    String why = detail;
    try {
      action.run();
      ok = true;
    } catch (RuntimeException ex) {
      ok = false;
      why = ex.getClass().getSimpleName() + ": " + safeMessage(ex);
    }
    String next = ok ? step.onSuccess() : step.onFailure();
    StepAttempt rec =
        tx.record(
            Kind.STEP,
            step.id(),
            p.attempt(),
            ok ? StepStatus.SUCCEEDED : StepStatus.FAILED,
            tx.now,
            null,
            why,
            null,
            target(next, ok));
    tx.event(new RemediationEvent.StepFinished(tx.now, rec));
    if (ok) {
      tx.complete(step.id());
    }
    goTo(tx, next, ok, "step '" + step.id() + "' failed: " + why);
    tx.commit();
  }

  private void endWait(Active a, Step step) {
    ExecutionProgress p = a.e.progress();
    Tx tx = new Tx(a);
    if (step instanceof ApprovalStep ap) {
      StepAttempt rec =
          tx.record(
              Kind.STEP,
              ap.id(),
              p.attempt(),
              StepStatus.TIMED_OUT,
              start(p),
              null,
              "no decision within " + ap.ttl(),
              null,
              target(ap.onFailure(), false));
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      goTo(tx, ap.onFailure(), false, "approval '" + ap.id() + "' expired");
    } else {
      StepAttempt rec =
          tx.record(
              Kind.STEP,
              step.id(),
              p.attempt(),
              StepStatus.SUCCEEDED,
              start(p),
              null,
              null,
              null,
              target(step.onSuccess(), true));
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      tx.complete(step.id());
      goTo(tx, step.onSuccess(), true, null);
    }
    tx.commit();
  }

  // ---------------------------------------------------------------- runs

  private List<Node> nodesFor(Active a, Target target) {
    if (target != null) {
      return effects.resolve(target);
    }
    return effects.node(a.e.nodeId()).map(List::of).orElse(List.of());
  }

  private Script resolve(ScriptRef ref) {
    if (ref instanceof ScriptRef.Inline i) {
      return i.script();
    }
    return effects.script(ref.scriptId()).orElse(null);
  }

  private void startRun(
      Active a,
      Kind kind,
      Step step,
      List<Node> nodes,
      Script script,
      String missingScript,
      Map<String, Template> env,
      Duration timeout) {
    ExecutionProgress p = a.e.progress();
    Tx tx = new Tx(a);
    tx.pb.phase(Phase.RUNNING).runStartedAt(tx.now).wakeAt(tx.now.plus(timeout).plus(RUN_GRACE));
    tx.eb.status(
        a.e.status() == ExecutionStatus.ROLLING_BACK
            ? ExecutionStatus.ROLLING_BACK
            : ExecutionStatus.RUNNING);
    tx.event(new RemediationEvent.StepStarted(tx.now, a.e.id(), step.id(), kind, p.attempt()));
    if (!tx.commit()) {
      return;
    }
    Instant now = tx.now;
    String problem = null;
    if (script == null) {
      problem = missingScript;
    } else if (nodes.isEmpty()) {
      problem = "no node to run on (node '" + a.e.nodeId() + "' unknown or target empty)";
    }
    Run run = new Run(kind);
    if (problem != null) {
      run.add(null, Runs.done(notStarted(now, problem)));
    } else {
      Map<String, String> environment;
      try {
        environment = environment(a, step, p.attempt(), env);
      } catch (RuntimeException ex) {
        environment = null;
        run.add(null, Runs.done(notStarted(now, "bad environment: " + safeMessage(ex))));
      }
      if (environment != null) {
        for (Node n : nodes) {
          String runId =
              a.e.id()
                  + "/"
                  + step.id()
                  + "/"
                  + kind.name().toLowerCase(Locale.ROOT)
                  + p.attempt()
                  + (nodes.size() > 1 ? "/" + n.id() : "");
          Execution x;
          try {
            ExecutionRequest req =
                new ExecutionRequest(runId, n, script, environment, timeout, true, cfg.output());
            x = effects.run(req, step.id(), kind, p.attempt());
          } catch (RuntimeException ex) {
            x = Runs.done(notStarted(now, safeMessage(ex)));
          }
          run.add(n, x);
        }
      }
    }
    a.run = run;
    Runnable wake = wakeup;
    for (Execution x : run.handles) {
      x.result().whenComplete((r, t) -> wake.run());
    }
  }

  private void send(Active a, Step step, Notification n) {
    ExecutionProgress p = a.e.progress();
    Tx tx = new Tx(a);
    tx.pb
        .phase(Phase.RUNNING)
        .runStartedAt(tx.now)
        .wakeAt(tx.now.plus(step.timeout()).plus(RUN_GRACE));
    tx.eb.status(ExecutionStatus.RUNNING);
    tx.event(new RemediationEvent.StepStarted(tx.now, a.e.id(), step.id(), Kind.STEP, p.attempt()));
    if (!tx.commit()) {
      return;
    }
    Instant started = tx.now;
    CompletableFuture<ExecutionResult> f = new CompletableFuture<>();
    if (!effects.hasChannel(n.channel())) {
      f.complete(notStarted(started, "no notifier on channel '" + n.channel() + "'"));
    } else {
      effects
          .send(n)
          .whenComplete(
              (v, t) -> {
                Instant end = max(started, clock.instant());
                if (t == null) {
                  String text = "sent on channel '" + n.channel() + "'";
                  f.complete(
                      new ExecutionResult(
                          ExecutionResult.Outcome.EXITED,
                          0,
                          captured(text),
                          CapturedOutput.EMPTY,
                          started,
                          end,
                          null));
                } else {
                  f.complete(
                      new ExecutionResult(
                          ExecutionResult.Outcome.EXITED,
                          1,
                          CapturedOutput.EMPTY,
                          captured("sending failed: " + rootName(t)),
                          started,
                          end,
                          null));
                }
              });
    }
    Run run = new Run(Kind.STEP);
    run.add(null, handle(f));
    a.run = run;
    Runnable wake = wakeup;
    f.whenComplete((r, t) -> wake.run());
  }

  private void sendQuietly(Notification n) {
    try {
      effects
          .send(n)
          .whenComplete(
              (v, t) -> {
                if (t != null) {
                  LOG.log(
                      System.Logger.Level.WARNING,
                      () -> "notification on channel " + n.channel() + " failed: " + rootName(t));
                }
              });
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          () -> "notification on channel " + n.channel() + " failed: " + rootName(e));
    }
  }

  private void finishStep(Active a, Step step, Run run) {
    ExecutionProgress p = a.e.progress();
    Tx tx = new Tx(a);
    ExecutionResult r = run.combined(clock.instant());
    StepResult sr = stepResult(r, run.timedOut);
    boolean ok;
    String decision = null;
    String detail = describe(r, run.timedOut);
    if (r.outcome() == ExecutionResult.Outcome.EXITED) {
      Condition criteria = step.successCriteria();
      if (criteria != null) {
        ok = criteria.test(ctx(a, sr));
        decision = criteria.describe() + ": " + ok;
      } else {
        ok = r.exitCode() == 0;
        decision = "exit code " + r.exitCode() + (ok ? " == 0" : " != 0");
      }
    } else {
      ok = false;
    }
    StepStatus status = ok ? StepStatus.SUCCEEDED : failedStatus(r, run.timedOut);
    if (ok) {
      StepAttempt rec =
          tx.record(
              Kind.STEP,
              step.id(),
              p.attempt(),
              status,
              start(p),
              r,
              detail,
              decision,
              target(step.onSuccess(), true));
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      tx.complete(step.id());
      goTo(tx, step.onSuccess(), true, null);
    } else {
      retryOrFail(tx, a, step, sr, status, r, detail, decision);
    }
    tx.commit();
  }

  private void retryOrFail(
      Tx tx,
      Active a,
      Step step,
      StepResult sr,
      StepStatus status,
      ExecutionResult r,
      String detail,
      String decision) {
    ExecutionProgress p = a.e.progress();
    StepRetry retry = step.retry();
    int attempt = p.attempt();
    long seed = seed(a.e.id(), step.id());
    Duration delay = null;
    String why = null;
    if (attempt < retry.maxAttempts()) {
      Condition on = retry.retryOn();
      if (on != null && !on.test(ctx(a, sr))) {
        why = "not retried: " + on.describe() + ": false";
      } else {
        Duration d = retry.delayBeforeAttempt(attempt + 1, seed);
        Duration budget = retry.budget();
        if (budget != null && waited(retry, attempt + 1, seed).compareTo(budget) > 0) {
          why = "not retried: retry budget " + budget + " spent";
        } else {
          delay = d;
        }
      }
    } else if (retry.retries()) {
      why = "attempts spent (" + retry.maxAttempts() + ")";
    }
    String d2 = why == null ? detail : (detail == null ? why : detail + "; " + why);
    if (delay != null) {
      Instant at = tx.now.plus(delay);
      StepAttempt rec =
          tx.record(Kind.STEP, step.id(), attempt, status, start(p), r, detail, decision, "retry");
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      tx.event(new RemediationEvent.StepRetried(tx.now, rec, attempt + 1, at));
      tx.pb.attempt(attempt + 1).phase(Phase.READY).wakeAt(at).runStartedAt(null);
      tx.eb.status(delay.isZero() ? ExecutionStatus.RUNNING : ExecutionStatus.WAITING);
      return;
    }
    StepAttempt rec =
        tx.record(
            Kind.STEP,
            step.id(),
            attempt,
            status,
            start(p),
            r,
            d2,
            decision,
            target(step.onFailure(), false));
    tx.event(new RemediationEvent.StepFinished(tx.now, rec));
    goTo(
        tx,
        step.onFailure(),
        false,
        "step '" + step.id() + "' " + status.name().toLowerCase(Locale.ROOT).replace('_', ' '));
  }

  private static Duration waited(StepRetry retry, int upToAttempt, long seed) {
    Duration sum = Duration.ZERO;
    for (int k = 2; k <= upToAttempt; k++) {
      sum = sum.plus(retry.delayBeforeAttempt(k, seed));
    }
    return sum;
  }

  private void finishProbe(Active a, HealthCheckStep h, Run run) {
    ExecutionProgress p = a.e.progress();
    Tx tx = new Tx(a);
    ExecutionResult r = run.combined(clock.instant());
    StepResult sr = stepResult(r, run.timedOut);
    boolean healthy = false;
    String decision = null;
    if (r.outcome() == ExecutionResult.Outcome.EXITED) {
      Condition criteria = h.successCriteria();
      healthy = criteria != null ? criteria.test(ctx(a, sr)) : r.exitCode() == 0;
      decision =
          criteria != null
              ? criteria.describe() + ": " + healthy
              : "exit code " + r.exitCode() + (healthy ? " == 0" : " != 0");
    }
    StepAttempt probe =
        tx.record(
            Kind.PROBE,
            h.id(),
            p.attempt(),
            healthy ? StepStatus.SUCCEEDED : failedStatus(r, run.timedOut),
            start(p, p.runStartedAt()),
            r,
            describe(r, run.timedOut),
            decision,
            null);
    tx.event(new RemediationEvent.StepFinished(tx.now, probe));
    Instant began = p.stepStartedAt() == null ? tx.now : p.stepStartedAt();
    if (healthy) {
      StepAttempt rec =
          tx.record(
              Kind.STEP,
              h.id(),
              1,
              StepStatus.SUCCEEDED,
              began,
              r,
              "healthy after " + p.attempt() + (p.attempt() == 1 ? " probe" : " probes"),
              decision,
              target(h.onSuccess(), true));
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      tx.complete(h.id());
      goTo(tx, h.onSuccess(), true, null);
    } else if (tx.now.plus(h.interval()).isAfter(began.plus(h.timeout()))) {
      StepAttempt rec =
          tx.record(
              Kind.STEP,
              h.id(),
              1,
              StepStatus.TIMED_OUT,
              began,
              r,
              "not healthy after "
                  + p.attempt()
                  + (p.attempt() == 1 ? " probe" : " probes")
                  + " in "
                  + h.timeout(),
              decision,
              target(h.onFailure(), false));
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      goTo(tx, h.onFailure(), false, "health check '" + h.id() + "' timed out");
    } else {
      tx.pb
          .attempt(p.attempt() + 1)
          .phase(Phase.READY)
          .wakeAt(tx.now.plus(h.interval()))
          .runStartedAt(null);
      tx.eb.status(ExecutionStatus.WAITING);
    }
    tx.commit();
  }

  private void interrupted(Active a, Step step) {
    ExecutionProgress p = a.e.progress();
    boolean rollingBack = a.e.status() == ExecutionStatus.ROLLING_BACK;
    Kind kind =
        rollingBack ? Kind.COMPENSATION : step instanceof HealthCheckStep ? Kind.PROBE : Kind.STEP;
    InterruptPolicy policy = step.interruptPolicy();
    Tx tx = new Tx(a);
    String detail = "the engine running it stopped (policy " + policy + ")";
    if (rollingBack) {
      StepAttempt rec =
          tx.record(
              kind,
              step.id(),
              p.attempt(),
              StepStatus.INTERRUPTED,
              start(p, p.runStartedAt()),
              null,
              detail,
              null,
              null);
      tx.event(new RemediationEvent.RolledBack(tx.now, rec));
      if (policy == InterruptPolicy.FAIL) {
        compensationFailed(tx, a, step, p.attempt());
      } else {
        tx.pb.attempt(p.attempt() + 1).phase(Phase.READY).wakeAt(null).runStartedAt(null);
      }
      tx.commit();
      return;
    }
    if (policy == InterruptPolicy.FAIL) {
      StepAttempt rec =
          tx.record(
              kind,
              step.id(),
              p.attempt(),
              StepStatus.INTERRUPTED,
              start(p, p.runStartedAt()),
              null,
              detail,
              null,
              target(step.onFailure(), false));
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      if (kind == Kind.PROBE) {
        StepAttempt s =
            tx.record(
                Kind.STEP,
                step.id(),
                1,
                StepStatus.INTERRUPTED,
                start(p),
                null,
                detail,
                null,
                target(step.onFailure(), false));
        tx.event(new RemediationEvent.StepFinished(tx.now, s));
      }
      goTo(tx, step.onFailure(), false, "step '" + step.id() + "' was interrupted");
      tx.commit();
      return;
    }
    if (verifiesByProbe(a, step)) {
      verifyInterrupted(a, step, tx, detail);
      return;
    }
    if (policy == InterruptPolicy.VERIFY && kind == Kind.STEP && step.successCriteria() != null) {
      Condition c = step.successCriteria();
      boolean holds = c.test(ctx(a, StepResult.EMPTY));
      if (holds) {
        StepAttempt rec =
            tx.record(
                kind,
                step.id(),
                p.attempt(),
                StepStatus.SUCCEEDED,
                start(p, p.runStartedAt()),
                null,
                "interrupted, then verified",
                c.describe() + ": true",
                target(step.onSuccess(), true));
        tx.event(new RemediationEvent.StepFinished(tx.now, rec));
        tx.complete(step.id());
        goTo(tx, step.onSuccess(), true, null);
        tx.commit();
        return;
      }
      detail = detail + "; verification " + c.describe() + ": false, runs again";
    }
    StepAttempt rec =
        tx.record(
            kind,
            step.id(),
            p.attempt(),
            StepStatus.INTERRUPTED,
            start(p, p.runStartedAt()),
            null,
            detail,
            null,
            "rerun");
    tx.event(new RemediationEvent.StepFinished(tx.now, rec));
    tx.pb.attempt(p.attempt() + 1).phase(Phase.READY).wakeAt(null).runStartedAt(null);
    if (kind == Kind.PROBE && policy == InterruptPolicy.RERUN) {
      tx.pb.stepStartedAt(tx.now);
    }
    tx.eb.status(ExecutionStatus.RUNNING);
    tx.commit();
  }

  /** Whether an interrupted {@code step} is verified by running its verification probe. */
  private static boolean verifiesByProbe(Active a, Step step) {
    return step.interruptPolicy() == InterruptPolicy.VERIFY
        && step.verification() != null
        && !(step instanceof HealthCheckStep)
        && a.e.status() != ExecutionStatus.ROLLING_BACK;
  }

  /**
   * Records the interruption and starts the verification probe on the step's node(s); the attempt
   * number stays, so that a crash during the probe is recognised on the next resume (the step's
   * latest record is then this attempt's interruption) and the probe simply runs again.
   */
  private void verifyInterrupted(Active a, Step step, Tx tx, String detail) {
    ExecutionProgress p = a.e.progress();
    Verification v = step.verification();
    StepAttempt last = p.results().get(step.id());
    boolean probeInterrupted =
        last != null
            && last.kind() == Kind.STEP
            && last.status() == StepStatus.INTERRUPTED
            && last.attempt() == Math.max(1, p.attempt());
    StepAttempt rec;
    if (probeInterrupted) {
      rec =
          tx.record(
              Kind.PROBE,
              step.id(),
              p.attempt(),
              StepStatus.INTERRUPTED,
              start(p, p.runStartedAt()),
              null,
              "verification after interruption: the engine running the probe stopped; probes"
                  + " again",
              null,
              null);
    } else {
      rec =
          tx.record(
              Kind.STEP,
              step.id(),
              p.attempt(),
              StepStatus.INTERRUPTED,
              start(p, p.runStartedAt()),
              null,
              detail + "; verifying with script '" + v.script().scriptId() + "'",
              null,
              null);
    }
    tx.event(new RemediationEvent.StepFinished(tx.now, rec));
    if (!tx.commit()) {
      return;
    }
    startRun(
        a,
        Kind.PROBE,
        step,
        nodesFor(a, stepTarget(step)),
        resolve(v.script()),
        "verification script '" + v.script().scriptId() + "' is not in the library",
        stepEnvironment(step),
        v.timeoutIfSet().orElse(step.timeout()));
  }

  /**
   * The verification probe of an interrupted step ended: healthy on every node, the step counts as
   * succeeded (its onSuccess is followed); otherwise (unhealthy, timed out, not started) it runs
   * again as its next attempt.
   */
  private void finishVerification(Active a, Step step, Run run) {
    ExecutionProgress p = a.e.progress();
    Verification v = step.verification();
    Tx tx = new Tx(a);
    ExecutionResult r = run.combined(clock.instant());
    StepResult sr = stepResult(r, run.timedOut);
    boolean healthy = false;
    String decision = null;
    if (r.outcome() == ExecutionResult.Outcome.EXITED) {
      Condition c = v == null ? null : v.healthyWhen();
      healthy = c != null ? c.test(ctx(a, sr)) : r.exitCode() == 0;
      decision =
          c != null
              ? c.describe() + ": " + healthy
              : "exit code " + r.exitCode() + (healthy ? " == 0" : " != 0");
    }
    String how = describe(r, run.timedOut);
    StepAttempt probe =
        tx.record(
            Kind.PROBE,
            step.id(),
            p.attempt(),
            healthy ? StepStatus.SUCCEEDED : failedStatus(r, run.timedOut),
            start(p, p.runStartedAt()),
            r,
            "verification after interruption"
                + (how == null ? "" : ": " + how)
                + (healthy ? "" : "; the step runs again"),
            decision,
            healthy ? target(step.onSuccess(), true) : "rerun");
    tx.event(new RemediationEvent.StepFinished(tx.now, probe));
    if (healthy) {
      StepAttempt rec =
          tx.record(
              Kind.STEP,
              step.id(),
              p.attempt(),
              StepStatus.SUCCEEDED,
              start(p),
              null,
              "verified after interruption",
              decision,
              target(step.onSuccess(), true));
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
      tx.complete(step.id());
      goTo(tx, step.onSuccess(), true, null);
    } else {
      tx.pb.attempt(p.attempt() + 1).phase(Phase.READY).wakeAt(null).runStartedAt(null);
      tx.eb.status(ExecutionStatus.RUNNING);
    }
    tx.commit();
  }

  private static Target stepTarget(Step step) {
    if (step instanceof ScriptStep s) {
      return s.target();
    }
    if (step instanceof CommandStep c) {
      return c.target();
    }
    return null;
  }

  // ---------------------------------------------------------------- transitions and endings

  private static String target(String next, boolean success) {
    if (next != null) {
      return next;
    }
    return success ? io.scripttask.remediation.Transitions.SUCCEED : "$end";
  }

  private void goTo(Tx tx, String next, boolean success, String failure) {
    if (next == null) {
      if (success) {
        finish(tx, ExecutionStatus.SUCCEEDED, null);
      } else {
        fail(tx, ExecutionStatus.FAILED, failure);
      }
    } else if (io.scripttask.remediation.Transitions.SUCCEED.equals(next)) {
      finish(tx, ExecutionStatus.SUCCEEDED, null);
    } else if (io.scripttask.remediation.Transitions.FAIL.equals(next)) {
      String from = tx.a.e.progress().stepId();
      fail(
          tx,
          ExecutionStatus.FAILED,
          failure != null
              ? failure
              : from == null
                  ? "ended by a transition to $fail"
                  : "step '" + from + "' went to $fail");
    } else {
      enter(tx, next);
    }
  }

  /** Ends the execution badly: rolls back first when enabled and something can be compensated. */
  private void fail(Tx tx, ExecutionStatus status, String detail) {
    List<String> comps = compensable(tx.a.wf, tx.completed());
    if (tx.a.wf != null && tx.a.wf.rollbackEnabled() && !comps.isEmpty()) {
      tx.eb.status(ExecutionStatus.ROLLING_BACK).rollback(RollbackStatus.RUNNING).detail(detail);
      tx.pb
          .outcome(status)
          .compensations(comps)
          .stepId(comps.get(comps.size() - 1))
          .attempt(1)
          .phase(Phase.READY)
          .stepStartedAt(tx.now)
          .wakeAt(null)
          .runStartedAt(null);
    } else {
      finish(tx, status, detail);
    }
  }

  private static List<String> compensable(Workflow wf, List<String> completed) {
    if (wf == null) {
      return List.of();
    }
    LinkedHashSet<String> order = new LinkedHashSet<>();
    for (String id : completed) {
      Optional<Step> s = wf.step(id);
      if (s.isPresent() && s.get().compensation() != null) {
        order.remove(id);
        order.add(id);
      }
    }
    return List.copyOf(order);
  }

  private void finish(Tx tx, ExecutionStatus status, String detail) {
    tx.eb.status(status).finishedAt(tx.now).detail(detail);
    tx.pb
        .stepId(null)
        .attempt(0)
        .phase(Phase.NONE)
        .stepStartedAt(null)
        .wakeAt(null)
        .runStartedAt(null)
        .compensations(List.of())
        .outcome(null);
    EscalationState esc = tx.escalation();
    if (esc != null
        && (status == ExecutionStatus.SUCCEEDED || status == ExecutionStatus.CANCELLED)) {
      tx.record(
          Kind.ESCALATION,
          esc.stepId(),
          esc.round(),
          StepStatus.CANCELLED,
          tx.now,
          null,
          "stopped: the execution " + status.name().toLowerCase(Locale.ROOT),
          null,
          null);
      tx.pb.escalation(null);
    }
    tx.event(e -> new RemediationEvent.ExecutionFinished(tx.now, e));
  }

  /** Cancel or deadline: stops what runs and fails the execution with that status. */
  private void abort(Active a, ExecutionStatus status, String detail) {
    ExecutionProgress p = a.e.progress();
    Tx tx = new Tx(a);
    if (p.stepId() != null && (p.phase() == Phase.RUNNING || p.phase() == Phase.WAITING)) {
      Run run = a.run;
      a.run = null;
      ExecutionResult r = null;
      if (run != null) {
        run.cancel();
        r = run.done() ? run.combined(tx.now) : null;
      }
      Kind kind =
          a.wf.step(p.stepId()).orElse(null) instanceof HealthCheckStep ? Kind.PROBE : Kind.STEP;
      StepAttempt rec =
          tx.record(
              kind,
              p.stepId(),
              Math.max(1, p.attempt()),
              StepStatus.CANCELLED,
              start(p, p.runStartedAt()),
              r,
              detail,
              null,
              null);
      tx.event(new RemediationEvent.StepFinished(tx.now, rec));
    }
    fail(tx, status, detail);
    tx.commit();
  }

  // ---------------------------------------------------------------- rollback

  private Instant rollbackMove(Active a, Instant now) {
    ExecutionProgress p = a.e.progress();
    Step step = a.wf.step(p.stepId()).orElse(null);
    if (step == null || step.compensation() == null) {
      Tx tx = new Tx(a);
      popCompensation(tx);
      tx.commit();
      return CONTINUE;
    }
    switch (p.phase()) {
      case READY:
        if (p.wakeAt() != null && now.isBefore(p.wakeAt())) {
          return p.wakeAt();
        }
        if (draining) {
          return null;
        }
        Compensation c = step.compensation();
        Target target =
            step instanceof ScriptStep s
                ? s.target()
                : step instanceof CommandStep cs ? cs.target() : null;
        startRun(
            a,
            Kind.COMPENSATION,
            step,
            nodesFor(a, target),
            resolve(c.script()),
            "compensation script '" + c.script().scriptId() + "' is not in the library",
            stepEnvironment(step),
            c.timeoutIfSet().orElse(step.timeout()));
        return CONTINUE;
      case RUNNING:
        return running(a, step, now);
      default:
        Tx tx = new Tx(a);
        tx.pb.phase(Phase.READY).wakeAt(null);
        tx.commit();
        return CONTINUE;
    }
  }

  /** The environment templates of a step that runs a script, which its compensation gets too. */
  private static Map<String, Template> stepEnvironment(Step step) {
    if (step instanceof ScriptStep s) {
      return s.environment();
    }
    if (step instanceof CommandStep c) {
      return c.environment();
    }
    if (step instanceof HealthCheckStep h) {
      return h.environment();
    }
    return Map.of();
  }

  private void finishCompensation(Active a, Step step, Run run) {
    ExecutionProgress p = a.e.progress();
    Tx tx = new Tx(a);
    ExecutionResult r = run.combined(clock.instant());
    boolean ok = r.outcome() == ExecutionResult.Outcome.EXITED && r.exitCode() == 0;
    StepAttempt rec =
        tx.record(
            Kind.COMPENSATION,
            step.id(),
            p.attempt(),
            ok ? StepStatus.SUCCEEDED : failedStatus(r, run.timedOut),
            start(p, p.runStartedAt()),
            r,
            describe(r, run.timedOut),
            null,
            null);
    tx.event(new RemediationEvent.RolledBack(tx.now, rec));
    if (ok) {
      popCompensation(tx);
    } else {
      compensationFailed(tx, a, step, p.attempt());
    }
    tx.commit();
  }

  private void popCompensation(Tx tx) {
    ExecutionProgress p = tx.a.e.progress();
    List<String> rest = new ArrayList<>(p.compensations());
    if (!rest.isEmpty()) {
      rest.remove(rest.size() - 1);
    }
    if (rest.isEmpty()) {
      RollbackStatus done =
          tx.partial || tx.a.e.rollback() == RollbackStatus.PARTIAL
              ? RollbackStatus.PARTIAL
              : RollbackStatus.COMPLETED;
      ExecutionStatus outcome = p.outcome() == null ? ExecutionStatus.FAILED : p.outcome();
      String detail = tx.a.e.detail();
      finish(tx, outcome, detail);
      tx.eb.rollback(done);
      return;
    }
    tx.pb
        .compensations(rest)
        .stepId(rest.get(rest.size() - 1))
        .attempt(1)
        .phase(Phase.READY)
        .stepStartedAt(tx.now)
        .wakeAt(null)
        .runStartedAt(null);
  }

  private void compensationFailed(Tx tx, Active a, Step step, int attempt) {
    ExecutionProgress p = a.e.progress();
    CompensationFailure policy = a.wf.onCompensationFailure();
    if (policy == CompensationFailure.RETRY) {
      StepRetry retry = step.retry().retries() ? step.retry() : StepRetry.builder().build();
      if (attempt < retry.maxAttempts()) {
        Instant at = tx.now.plus(retry.delayBeforeAttempt(attempt + 1, seed(a.e.id(), "$c")));
        tx.pb.attempt(attempt + 1).phase(Phase.READY).wakeAt(at).runStartedAt(null);
        return;
      }
    }
    String why = "compensation of step '" + step.id() + "' failed";
    if (policy == CompensationFailure.CONTINUE) {
      tx.partial = true;
      tx.eb.rollback(RollbackStatus.PARTIAL);
      popCompensation(tx);
      startEscalation(tx, a, null, why + "; the rollback goes on");
      return;
    }
    List<String> notRun = new ArrayList<>(p.compensations());
    if (!notRun.isEmpty()) {
      notRun.remove(notRun.size() - 1);
    }
    java.util.Collections.reverse(notRun);
    String detail =
        (a.e.detail() == null ? "" : a.e.detail() + "; ")
            + why
            + (notRun.isEmpty() ? "" : "; not compensated: " + notRun);
    ExecutionStatus outcome = p.outcome() == null ? ExecutionStatus.FAILED : p.outcome();
    finish(tx, outcome, detail);
    tx.eb.rollback(RollbackStatus.FAILED);
    startEscalation(tx, a, null, why + "; rollback stopped");
  }

  // ---------------------------------------------------------------- escalation

  private EscalationPolicy policy(Workflow wf, String stepId) {
    if (stepId != null && wf != null) {
      Optional<Step> s = wf.step(stepId);
      if (s.isPresent() && s.get() instanceof EscalateStep x && x.policy() != null) {
        return x.policy();
      }
    }
    if (wf != null && wf.escalation().isPresent()) {
      return wf.escalation().get();
    }
    return cfg.defaultEscalation();
  }

  private void startEscalation(Tx tx, Active a, String stepId, String reason) {
    EscalationPolicy policy = policy(a.wf, stepId);
    if (policy == null) {
      StepAttempt rec =
          tx.record(
              Kind.ESCALATION,
              stepId,
              1,
              StepStatus.FAILED,
              tx.now,
              null,
              reason + "; no escalation policy (workflow or engine default) to notify anyone",
              null,
              null);
      tx.event(new RemediationEvent.Escalated(tx.now, rec, 0, "none"));
      return;
    }
    tx.pb.escalation(
        new EscalationState(stepId, 0, 1, tx.now.plus(policy.tiers().get(0).delay()), reason));
  }

  private void escalate(Active a) {
    Tx tx = new Tx(a);
    EscalationState esc = a.e.progress().escalation();
    EscalationPolicy policy = policy(a.wf, esc.stepId());
    if (policy == null || esc.tier() >= policy.tiers().size()) {
      tx.pb.escalation(null);
      tx.commit();
      return;
    }
    EscalationTier tier = policy.tiers().get(esc.tier());
    Map<String, Object> vars = vars(a);
    String text = tier.message().render(vars);
    Map<String, String> fields = new LinkedHashMap<>(fields(a, esc.stepId()));
    fields.put("tier", Integer.toString(esc.tier() + 1));
    fields.put("round", Integer.toString(esc.round()));
    fields.put("reason", esc.reason());
    Notification n =
        new Notification(tier.channel(), tier.severity(), firstLine(text), text, fields);
    boolean handed = effects.hasChannel(tier.channel());
    if (handed) {
      sendQuietly(n);
    }
    String detail =
        "tier "
            + (esc.tier() + 1)
            + " of "
            + policy.tiers().size()
            + ", round "
            + esc.round()
            + " of "
            + policy.repeat()
            + ", channel '"
            + tier.channel()
            + "'"
            + (handed ? "" : " (no notifier on that channel)")
            + ": "
            + esc.reason();
    StepAttempt rec =
        tx.record(
            Kind.ESCALATION,
            esc.stepId(),
            esc.round(),
            handed ? StepStatus.SUCCEEDED : StepStatus.FAILED,
            tx.now,
            null,
            detail,
            null,
            null);
    tx.event(new RemediationEvent.Escalated(tx.now, rec, esc.tier(), tier.channel()));
    EscalationState next;
    if (esc.tier() + 1 < policy.tiers().size()) {
      Duration d = policy.tiers().get(esc.tier() + 1).delay();
      next =
          new EscalationState(
              esc.stepId(), esc.tier() + 1, esc.round(), tx.now.plus(d), esc.reason());
    } else if (esc.round() < policy.repeat()) {
      Duration d = policy.tiers().get(0).delay();
      next = new EscalationState(esc.stepId(), 0, esc.round() + 1, tx.now.plus(d), esc.reason());
    } else {
      next = null;
    }
    tx.pb.escalation(next);
    tx.commit();
  }

  // ---------------------------------------------------------------- values

  private StepResult lastResult(Active a) {
    StepAttempt last = null;
    for (StepAttempt s : a.e.progress().results().values()) {
      last = s;
    }
    return last == null ? null : stepResult(last);
  }

  private static StepResult stepResult(StepAttempt s) {
    return new StepResult(
        s.exitCode(), s.stdout().text(), s.stderr().text(), s.status() == StepStatus.TIMED_OUT);
  }

  private static StepResult stepResult(ExecutionResult r, boolean timedOut) {
    boolean to = timedOut || r.outcome() == ExecutionResult.Outcome.TIMED_OUT;
    return new StepResult(
        r.outcome() == ExecutionResult.Outcome.EXITED ? r.exitCode() : null,
        r.stdout().text(),
        r.stderr().text(),
        to);
  }

  private ConditionContext ctx(Active a, StepResult current) {
    Map<String, StepResult> steps = new LinkedHashMap<>();
    for (Map.Entry<String, StepAttempt> e : a.e.progress().results().entrySet()) {
      steps.put(e.getKey(), stepResult(e.getValue()));
    }
    return new ConditionContext(current, steps, a.e.triggerData());
  }

  private Map<String, Object> vars(Active a) {
    Map<String, Object> v = new LinkedHashMap<>();
    WorkflowExecution e = a.e;
    v.put("node.id", e.nodeId());
    v.put("node.name", effects.node(e.nodeId()).map(Node::name).orElse(e.nodeId()));
    v.put("workflow.id", e.workflowId());
    v.put("workflow.name", a.wf == null ? e.workflowId() : a.wf.name());
    v.put("workflow.version", e.workflowVersion());
    v.put("execution.id", e.id());
    for (Map.Entry<String, StepAttempt> r : e.progress().results().entrySet()) {
      StepAttempt s = r.getValue();
      String p = "step." + r.getKey() + ".";
      v.put(p + "exitCode", s.exitCode() == null ? "" : s.exitCode());
      v.put(p + "stdout", s.stdout().text().strip());
      v.put(p + "stderr", s.stderr().text().strip());
      v.put(p + "status", s.status());
      v.put(p + "timedOut", s.status() == StepStatus.TIMED_OUT);
    }
    flatten("trigger", e.triggerData(), v);
    return v;
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> data, Map<String, Object> out) {
    for (Map.Entry<String, Object> d : data.entrySet()) {
      String k = prefix + "." + d.getKey();
      out.put(k, d.getValue());
      if (d.getValue() instanceof Map<?, ?> m) {
        flatten(k, (Map<String, Object>) m, out);
      }
    }
  }

  private static Map<String, String> fields(Active a, String stepId) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("workflow", a.e.workflowId());
    f.put("execution", a.e.id());
    f.put("node", a.e.nodeId());
    if (stepId != null) {
      f.put("step", stepId);
    }
    return f;
  }

  private Map<String, String> environment(
      Active a, Step step, int attempt, Map<String, Template> env) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> d : a.e.triggerData().entrySet()) {
      Object v = d.getValue();
      if (v instanceof String || v instanceof Number || v instanceof Boolean) {
        String name = "ST_TRIGGER_" + ENV_CHARS.matcher(d.getKey()).replaceAll("_");
        out.put(name.toUpperCase(Locale.ROOT), String.valueOf(v));
      }
    }
    out.put("ST_EXECUTION_ID", a.e.id());
    out.put("ST_WORKFLOW_ID", a.e.workflowId());
    out.put("ST_NODE_ID", a.e.nodeId());
    out.put("ST_STEP_ID", step.id());
    out.put("ST_ATTEMPT", Integer.toString(attempt));
    if (!env.isEmpty()) {
      Map<String, Object> vars = vars(a);
      for (Map.Entry<String, Template> t : env.entrySet()) {
        out.put(t.getKey(), t.getValue().render(vars));
      }
    }
    return out;
  }

  private static StepStatus failedStatus(ExecutionResult r, boolean timedOut) {
    if (timedOut || r.outcome() == ExecutionResult.Outcome.TIMED_OUT) {
      return StepStatus.TIMED_OUT;
    }
    if (r.outcome() == ExecutionResult.Outcome.CANCELLED) {
      return StepStatus.CANCELLED;
    }
    return StepStatus.FAILED;
  }

  private static String describe(ExecutionResult r, boolean timedOut) {
    if (timedOut) {
      return "timed out";
    }
    switch (r.outcome()) {
      case EXITED:
        return null;
      case TIMED_OUT:
        return "timed out";
      case CANCELLED:
        return "cancelled";
      default:
        return "failed to start" + (r.error() == null ? "" : ": " + r.error());
    }
  }

  private static ExecutionResult notStarted(Instant at, String why) {
    return new ExecutionResult(
        ExecutionResult.Outcome.FAILED_TO_START,
        null,
        CapturedOutput.EMPTY,
        CapturedOutput.EMPTY,
        at,
        at,
        why);
  }

  private CapturedOutput captured(String text) {
    return Capping.cap(text, cfg.output());
  }

  private static Execution handle(CompletableFuture<ExecutionResult> f) {
    return new Execution() {
      @Override
      public CompletableFuture<ExecutionResult> result() {
        return f;
      }

      @Override
      public boolean cancel() {
        return false;
      }
    };
  }

  private static Instant start(ExecutionProgress p) {
    return p.stepStartedAt();
  }

  private Instant start(ExecutionProgress p, Instant preferred) {
    return preferred != null ? preferred : p.stepStartedAt();
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    String line = nl < 0 ? text : text.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }

  private static String safeMessage(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  private static String rootName(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName();
  }

  static long seed(String executionId, String stepId) {
    long h = 1125899906842597L;
    for (byte b : (executionId + "/" + stepId).getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    return h;
  }

  private static Instant min(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  // ================================================================ helpers

  /** An execution this engine owns. */
  private static final class Active {
    WorkflowExecution e;
    final Workflow wf;
    Run run;

    Active(WorkflowExecution e, Workflow wf) {
      this.e = e;
      this.wf = wf;
    }
  }

  /** The runs of one attempt (one per node of a target). */
  private static final class Run {
    final Kind kind;
    final List<Node> nodes = new ArrayList<>();
    final List<Execution> handles = new ArrayList<>();
    boolean timedOut;

    Run(Kind kind) {
      this.kind = kind;
    }

    void add(Node node, Execution x) {
      nodes.add(node);
      handles.add(x);
    }

    boolean done() {
      for (Execution x : handles) {
        if (!x.result().isDone()) {
          return false;
        }
      }
      return true;
    }

    void cancel() {
      for (Execution x : handles) {
        try {
          x.cancel();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "cancelling a run failed", e);
        }
      }
    }

    /** One result for all nodes: the worst outcome, the first failing exit code. */
    ExecutionResult combined(Instant now) {
      if (handles.size() == 1) {
        return handles.get(0).result().join();
      }
      ExecutionResult worst = null;
      StringBuilder out = new StringBuilder();
      StringBuilder err = new StringBuilder();
      Instant start = null;
      Instant end = null;
      for (int i = 0; i < handles.size(); i++) {
        ExecutionResult r = handles.get(i).result().join();
        String node = nodes.get(i) == null ? "?" : nodes.get(i).id();
        out.append("[").append(node).append("] ").append(r.stdout().text());
        err.append("[").append(node).append("] ").append(r.stderr().text());
        start = start == null || r.startedAt().isBefore(start) ? r.startedAt() : start;
        end = end == null || r.finishedAt().isAfter(end) ? r.finishedAt() : end;
        if (worst == null || rank(r) > rank(worst)) {
          worst = r;
        }
      }
      return new ExecutionResult(
          worst.outcome(),
          worst.exitCode(),
          new CapturedOutput(out.toString(), false, out.length()),
          new CapturedOutput(err.toString(), false, err.length()),
          start,
          end,
          worst.error());
    }

    private static int rank(ExecutionResult r) {
      switch (r.outcome()) {
        case EXITED:
          return r.exitCode() == 0 ? 0 : 1;
        case TIMED_OUT:
          return 2;
        case CANCELLED:
          return 3;
        default:
          return 4;
      }
    }
  }

  /** One atomic change of an execution: its new content, the attempts to append, the events. */
  private final class Tx {
    final Active a;
    final Instant now;
    final WorkflowExecution.Builder eb;
    final ExecutionProgress.Builder pb;
    final List<StepAttempt> recs = new ArrayList<>();
    final List<Function<WorkflowExecution, RemediationEvent>> events = new ArrayList<>();
    boolean partial;
    private int records;
    private Map<String, StepAttempt> results;
    private List<String> completed;

    Tx(Active a) {
      this.a = a;
      this.now = clock.instant();
      this.eb = a.e.toBuilder();
      this.pb = a.e.progress().toBuilder();
      this.records = a.e.progress().records();
    }

    List<String> completed() {
      return completed == null ? a.e.progress().completed() : completed;
    }

    EscalationState escalation() {
      return pb.build().escalation();
    }

    void complete(String stepId) {
      if (completed == null) {
        completed = new ArrayList<>(a.e.progress().completed());
      }
      completed.add(stepId);
    }

    StepAttempt record(
        Kind kind,
        String stepId,
        int attempt,
        StepStatus status,
        Instant startedAt,
        ExecutionResult r,
        String detail,
        String decision,
        String next) {
      Instant s = startedAt == null ? now : startedAt;
      Instant f = now.isBefore(s) ? s : now;
      StepAttempt rec =
          new StepAttempt(
              a.e.id(),
              ++records,
              kind,
              stepId,
              Math.max(1, attempt),
              status,
              s,
              f,
              r == null || r.outcome() != ExecutionResult.Outcome.EXITED ? null : r.exitCode(),
              r == null ? CapturedOutput.EMPTY : r.stdout(),
              r == null ? CapturedOutput.EMPTY : r.stderr(),
              detail,
              decision,
              next);
      recs.add(rec);
      if (kind == Kind.STEP || kind == Kind.PROBE) {
        if (results == null) {
          results = new LinkedHashMap<>(a.e.progress().results());
        }
        results.remove(stepId);
        results.put(stepId, rec);
      }
      return rec;
    }

    void event(RemediationEvent e) {
      events.add(x -> e);
    }

    void event(Function<WorkflowExecution, RemediationEvent> e) {
      events.add(e);
    }

    boolean commit() {
      pb.records(records);
      if (results != null) {
        pb.results(results);
      }
      if (completed != null) {
        pb.completed(completed);
      }
      WorkflowExecution next =
          eb.progress(pb.build()).updatedAt(now).leaseUntil(now.plus(cfg.leaseDuration())).build();
      Optional<WorkflowExecution> stored = store.update(next, a.e.version(), recs);
      if (stored.isEmpty()) {
        lose(a, "the store refused its write (another engine took it over)");
        return false;
      }
      a.e = stored.get();
      for (Function<WorkflowExecution, RemediationEvent> f : events) {
        cfg.events().publish(f.apply(a.e));
      }
      return true;
    }
  }
}
