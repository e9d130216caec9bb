package io.scripttask.remediation;

import io.scripttask.remediation.spi.RemediationStore;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.StaleVersionException;
import io.scripttask.scheduler.ValidationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The default {@link RemediationStore}: everything in memory, lost when the process ends.
 * Thread-safe: every method holds the store's monitor, so each is atomic and the compare-and-set
 * methods behave as a database's would.
 *
 * <p>Indexes keep the engine's queries independent of the history's size: active executions by
 * sequence (resuming) and by workflow and node (dedup, node limits), the latest finish per workflow
 * and node (cooldown; retention keeps that execution), admitted executions per workflow by creation
 * time (rate limit), finished executions by finish time (retention), all executions by sequence
 * (listing).
 */
public final class InMemoryRemediationStore implements RemediationStore {

  private record WorkflowNode(String workflowId, String nodeId) {}

  private record TimeKey(Instant at, long sequence) {}

  private static final Comparator<TimeKey> TIME_ORDER =
      Comparator.comparing(TimeKey::at).thenComparingLong(TimeKey::sequence);

  private final TreeMap<String, StoredWorkflow> workflows = new TreeMap<>();
  private final Map<String, Map<String, Workflow>> versions = new HashMap<>();

  private final Map<String, WorkflowExecution> executions = new HashMap<>();
  private final Map<String, List<StepAttempt>> attempts = new HashMap<>();
  private final TreeMap<Long, String> bySequence = new TreeMap<>();
  private final TreeMap<Long, String> activeBySequence = new TreeMap<>();
  private final Map<WorkflowNode, Set<String>> activeByWorkflowNode = new HashMap<>();
  private final Map<String, Set<String>> activeByWorkflow = new HashMap<>();
  private final TreeMap<String, Integer> activePerNode = new TreeMap<>();

  /** The greatest (finish time, sequence) of the finished admitted executions of each pair. */
  private final Map<WorkflowNode, TimeKey> lastFinish = new HashMap<>();

  private final Map<String, TreeMap<TimeKey, String>> admittedByWorkflow = new HashMap<>();
  private final TreeMap<TimeKey, String> finished = new TreeMap<>(TIME_ORDER);
  private final TreeMap<Long, ExecutionSignal> signals = new TreeMap<>();
  private long nextSequence = 1;
  private long nextSignal = 1;

  /** Creates an empty store. */
  public InMemoryRemediationStore() {}

  // ---------------------------------------------------------------- workflows

  /** {@inheritDoc} */
  @Override
  public synchronized StoredWorkflow putWorkflow(
      Workflow workflow, long expectedRevision, Instant now, String actor) {
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(now, "now");
    StoredWorkflow current = workflows.get(workflow.id());
    long actual = current == null ? NEW : current.revision();
    if (actual != expectedRevision) {
      throw new StaleVersionException("workflow", workflow.id(), expectedRevision, actual);
    }
    StoredWorkflow stored = new StoredWorkflow(workflow, expectedRevision + 1, now, actor);
    workflows.put(workflow.id(), stored);
    versions.computeIfAbsent(workflow.id(), k -> new HashMap<>()).put(workflow.version(), workflow);
    return stored;
  }

  /** {@inheritDoc} */
  @Override
  public synchronized Optional<StoredWorkflow> workflow(String workflowId) {
    return Optional.ofNullable(workflows.get(Objects.requireNonNull(workflowId, "workflowId")));
  }

  /** {@inheritDoc} */
  @Override
  public synchronized Optional<Workflow> workflowVersion(String workflowId, String version) {
    Objects.requireNonNull(workflowId, "workflowId");
    Objects.requireNonNull(version, "version");
    Map<String, Workflow> byVersion = versions.get(workflowId);
    return Optional.ofNullable(byVersion == null ? null : byVersion.get(version));
  }

  /** {@inheritDoc} */
  @Override
  public synchronized List<StoredWorkflow> workflows() {
    return List.copyOf(workflows.values());
  }

  /** {@inheritDoc} */
  @Override
  public synchronized boolean deleteWorkflow(String workflowId) {
    return workflows.remove(Objects.requireNonNull(workflowId, "workflowId")) != null;
  }

  // ---------------------------------------------------------------- executions

  /** {@inheritDoc} */
  @Override
  public synchronized Optional<WorkflowExecution> admit(
      WorkflowExecution candidate, Admission rules) {
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(rules, "rules");
    if (executions.containsKey(candidate.id())) {
      return Optional.empty();
    }
    RefusalReason refusal = candidate.refusal();
    if (refusal == null) {
      refusal = check(candidate, rules);
    }
    WorkflowExecution.Builder b = candidate.toBuilder().sequence(nextSequence++).version(0);
    if (refusal != null && candidate.status() != ExecutionStatus.REFUSED) {
      b.status(ExecutionStatus.REFUSED)
          .refusal(refusal)
          .finishedAt(candidate.createdAt())
          .owner(null)
          .leaseUntil(null)
          .progress(ExecutionProgress.INITIAL);
    }
    WorkflowExecution stored = b.build();
    executions.put(stored.id(), stored);
    attempts.put(stored.id(), new ArrayList<>());
    bySequence.put(stored.sequence(), stored.id());
    index(stored);
    if (stored.status() != ExecutionStatus.REFUSED) {
      admittedByWorkflow
          .computeIfAbsent(stored.workflowId(), k -> new TreeMap<>(TIME_ORDER))
          .put(new TimeKey(stored.createdAt(), stored.sequence()), stored.id());
    }
    return Optional.of(stored);
  }

  private RefusalReason check(WorkflowExecution c, Admission rules) {
    WorkflowNode key = new WorkflowNode(c.workflowId(), c.nodeId());
    Set<String> active = activeByWorkflowNode.get(key);
    if (active != null && !active.isEmpty()) {
      return RefusalReason.ALREADY_ACTIVE;
    }
    TimeKey last = lastFinish.get(key);
    if (last != null
        && !rules.cooldown().isZero()
        && c.createdAt().isBefore(last.at().plus(rules.cooldown()))) {
      return RefusalReason.COOLDOWN;
    }
    if (rules.maxExecutions() > 0) {
      TreeMap<TimeKey, String> admitted = admittedByWorkflow.get(c.workflowId());
      if (admitted != null) {
        Instant from = c.createdAt().minus(rules.period());
        int n =
            admitted
                .subMap(
                    new TimeKey(from, Long.MAX_VALUE), false,
                    new TimeKey(c.createdAt(), Long.MAX_VALUE), true)
                .size();
        if (n >= rules.maxExecutions()) {
          return RefusalReason.RATE_LIMITED;
        }
      }
    }
    if (rules.maxConcurrentNodes() > 0) {
      Set<String> wf = activeByWorkflow.get(c.workflowId());
      if (wf != null && wf.size() >= rules.maxConcurrentNodes()) {
        return RefusalReason.MAX_CONCURRENT_NODES;
      }
    }
    return null;
  }

  /** {@inheritDoc} */
  @Override
  public synchronized Optional<WorkflowExecution> update(
      WorkflowExecution next, long expectedVersion, List<StepAttempt> append) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(append, "append");
    WorkflowExecution stored = executions.get(next.id());
    if (stored == null) {
      return Optional.empty();
    }
    if (!stored.workflowId().equals(next.workflowId())
        || !stored.nodeId().equals(next.nodeId())
        || !stored.createdAt().equals(next.createdAt())) {
      throw new ValidationException(
          "next", "keep the execution's workflow, node and creation time", next);
    }
    if (stored.version() != expectedVersion
        || stored.fencingToken() != next.fencingToken()
        || !Objects.equals(stored.owner(), next.owner())) {
      return Optional.empty();
    }
    List<StepAttempt> record = attempts.get(next.id());
    int seq = record.size();
    for (StepAttempt a : append) {
      Objects.requireNonNull(a, "attempt");
      if (!a.executionId().equals(next.id())) {
        throw new ValidationException("append", "belong to execution " + next.id(), a);
      }
      if (a.sequence() != ++seq) {
        throw new ValidationException("append", "continue the record at sequence " + seq, a);
      }
    }
    WorkflowExecution updated =
        next.toBuilder().sequence(stored.sequence()).version(expectedVersion + 1).build();
    boolean reindex =
        stored.isActive() != updated.isActive()
            || !Objects.equals(stored.finishedAt(), updated.finishedAt());
    if (reindex) {
      unindex(stored);
    }
    executions.put(updated.id(), updated);
    if (reindex) {
      index(updated);
    }
    record.addAll(append);
    return Optional.of(updated);
  }

  /** {@inheritDoc} */
  @Override
  public synchronized Optional<WorkflowExecution> claim(
      String executionId, String owner, Instant leaseUntil, Instant now) {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    Objects.requireNonNull(now, "now");
    WorkflowExecution stored = executions.get(executionId);
    if (stored == null || !stored.isActive()) {
      return Optional.empty();
    }
    boolean free =
        stored.owner() == null
            || stored.owner().equals(owner)
            || stored.leaseUntil() == null
            || !stored.leaseUntil().isAfter(now);
    if (!free) {
      return Optional.empty();
    }
    WorkflowExecution claimed =
        stored.toBuilder()
            .owner(owner)
            .leaseUntil(leaseUntil)
            .fencingToken(stored.fencingToken() + 1)
            .version(stored.version() + 1)
            .build();
    executions.put(executionId, claimed);
    return Optional.of(claimed);
  }

  /** {@inheritDoc} */
  @Override
  public synchronized boolean renewLease(
      String executionId, String owner, long fencingToken, Instant leaseUntil) {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    WorkflowExecution stored = executions.get(executionId);
    if (stored == null
        || !stored.isActive()
        || !owner.equals(stored.owner())
        || stored.fencingToken() != fencingToken) {
      return false;
    }
    executions.put(executionId, stored.toBuilder().leaseUntil(leaseUntil).build());
    return true;
  }

  /** {@inheritDoc} */
  @Override
  public synchronized List<WorkflowExecution> resumable(String owner, Instant now, int limit) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(now, "now");
    if (limit < 1) {
      throw new ValidationException("limit", "be at least 1", limit);
    }
    List<WorkflowExecution> out = new ArrayList<>();
    for (String id : activeBySequence.values()) {
      WorkflowExecution e = executions.get(id);
      if (owner.equals(e.owner())
          || e.owner() == null
          || e.leaseUntil() == null
          || !e.leaseUntil().isAfter(now)) {
        out.add(e);
        if (out.size() == limit) {
          break;
        }
      }
    }
    return List.copyOf(out);
  }

  /** {@inheritDoc} */
  @Override
  public synchronized Optional<WorkflowExecution> execution(String executionId) {
    return Optional.ofNullable(executions.get(Objects.requireNonNull(executionId, "executionId")));
  }

  /** {@inheritDoc} */
  @Override
  public synchronized PageResult<WorkflowExecution> executions(ExecutionQuery query, Page page) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(page, "page");
    long from = page.after() == null ? Long.MAX_VALUE : parseCursor(page.after());
    List<WorkflowExecution> items = new ArrayList<>();
    boolean more = false;
    for (String id : bySequence.headMap(from, false).descendingMap().values()) {
      WorkflowExecution e = executions.get(id);
      if (query.matches(e)) {
        if (items.size() == page.limit()) {
          more = true;
          break;
        }
        items.add(e);
      }
    }
    Page next =
        more ? Page.after("x:" + items.get(items.size() - 1).sequence(), page.limit()) : null;
    return new PageResult<>(items, next);
  }

  private static long parseCursor(String cursor) {
    if (!cursor.startsWith("x:")) {
      throw new ValidationException("after", "be a cursor from an execution listing", cursor);
    }
    try {
      return Long.parseLong(cursor.substring(2));
    } catch (NumberFormatException e) {
      throw new ValidationException("after", "be a cursor from an execution listing", cursor);
    }
  }

  /** {@inheritDoc} */
  @Override
  public synchronized long countActive(String workflowId) {
    Set<String> s = activeByWorkflow.get(Objects.requireNonNull(workflowId, "workflowId"));
    return s == null ? 0 : s.size();
  }

  /** {@inheritDoc} */
  @Override
  public synchronized List<String> nodesInRemediation() {
    return List.copyOf(activePerNode.keySet());
  }

  /** {@inheritDoc} */
  @Override
  public synchronized List<StepAttempt> attempts(String executionId) {
    List<StepAttempt> record = attempts.get(Objects.requireNonNull(executionId, "executionId"));
    return record == null ? List.of() : List.copyOf(record);
  }

  /** {@inheritDoc} */
  @Override
  public synchronized int deleteFinishedBefore(Instant before, int limit) {
    Objects.requireNonNull(before, "before");
    if (limit < 1) {
      throw new ValidationException("limit", "be at least 1", limit);
    }
    int n = 0;
    var it = finished.headMap(new TimeKey(before, Long.MIN_VALUE), false).entrySet().iterator();
    while (it.hasNext() && n < limit) {
      var entry = it.next();
      WorkflowExecution e = executions.get(entry.getValue());
      if (e.isActive() || isLastFinish(e)) {
        continue; // the cooldown reads the last finish: kept whatever its age
      }
      it.remove();
      executions.remove(e.id());
      attempts.remove(e.id());
      bySequence.remove(e.sequence());
      TreeMap<TimeKey, String> admitted = admittedByWorkflow.get(e.workflowId());
      if (admitted != null) {
        admitted.remove(new TimeKey(e.createdAt(), e.sequence()));
      }
      n++;
    }
    return n;
  }

  /** Whether {@code e} is the latest finished admitted execution of its workflow and node. */
  private boolean isLastFinish(WorkflowExecution e) {
    return e.status() != ExecutionStatus.REFUSED
        && new TimeKey(e.finishedAt(), e.sequence())
            .equals(lastFinish.get(new WorkflowNode(e.workflowId(), e.nodeId())));
  }

  // ---------------------------------------------------------------- signals

  /** {@inheritDoc} */
  @Override
  public synchronized ExecutionSignal postSignal(ExecutionSignal signal) {
    Objects.requireNonNull(signal, "signal");
    ExecutionSignal stored = signal.withId(nextSignal++);
    signals.put(stored.id(), stored);
    return stored;
  }

  /** {@inheritDoc} */
  @Override
  public synchronized List<ExecutionSignal> signals(String owner) {
    Objects.requireNonNull(owner, "owner");
    List<ExecutionSignal> out = new ArrayList<>();
    for (ExecutionSignal s : signals.values()) {
      WorkflowExecution e = executions.get(s.executionId());
      if (e != null && owner.equals(e.owner())) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  /** {@inheritDoc} */
  @Override
  public synchronized boolean deleteSignal(long signalId) {
    return signals.remove(signalId) != null;
  }

  // ---------------------------------------------------------------- indexes

  private void index(WorkflowExecution e) {
    if (e.isActive()) {
      activeBySequence.put(e.sequence(), e.id());
      activeByWorkflowNode
          .computeIfAbsent(new WorkflowNode(e.workflowId(), e.nodeId()), k -> new LinkedHashSet<>())
          .add(e.id());
      activeByWorkflow.computeIfAbsent(e.workflowId(), k -> new LinkedHashSet<>()).add(e.id());
      activePerNode.merge(e.nodeId(), 1, Integer::sum);
    }
    if (e.finishedAt() != null) {
      finished.put(new TimeKey(e.finishedAt(), e.sequence()), e.id());
      if (e.status() != ExecutionStatus.REFUSED) {
        lastFinish.merge(
            new WorkflowNode(e.workflowId(), e.nodeId()),
            new TimeKey(e.finishedAt(), e.sequence()),
            (a, b) -> TIME_ORDER.compare(a, b) >= 0 ? a : b);
      }
    }
  }

  private void unindex(WorkflowExecution e) {
    if (e.isActive()) {
      activeBySequence.remove(e.sequence());
      WorkflowNode key = new WorkflowNode(e.workflowId(), e.nodeId());
      Set<String> s = activeByWorkflowNode.get(key);
      if (s != null) {
        s.remove(e.id());
        if (s.isEmpty()) {
          activeByWorkflowNode.remove(key);
        }
      }
      Set<String> w = activeByWorkflow.get(e.workflowId());
      if (w != null) {
        w.remove(e.id());
        if (w.isEmpty()) {
          activeByWorkflow.remove(e.workflowId());
        }
      }
      activePerNode.computeIfPresent(e.nodeId(), (k, v) -> v == 1 ? null : v - 1);
    }
    if (e.finishedAt() != null) {
      finished.remove(new TimeKey(e.finishedAt(), e.sequence()));
    }
  }

  @Override
  public synchronized String toString() {
    return "InMemoryRemediationStore[workflows="
        + workflows.size()
        + ", executions="
        + executions.size()
        + ", active="
        + activeBySequence.size()
        + "]";
  }
}
