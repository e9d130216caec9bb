package io.scripttask.remediation.spi;

import io.scripttask.remediation.Admission;
import io.scripttask.remediation.ExecutionQuery;
import io.scripttask.remediation.ExecutionSignal;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StoredWorkflow;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.StaleVersionException;
import io.scripttask.scheduler.ValidationException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the remediation engine keeps what it must not lose: workflows, executions with their
 * progress, the attempt records of each execution, and signals (approvals, cancels) on their way to
 * the engine that owns an execution. Every transition of an execution is written here before it
 * takes effect, so that after a crash another engine continues where the dead one stopped.
 *
 * <p><b>Sharing.</b> Several engines may share one store (a cluster). Every method is atomic on its
 * own; the ones that change state under contention compare and set: {@link #putWorkflow} compares
 * the workflow's revision, {@link #update} compares an execution's version, owner and fencing
 * token, {@link #claim} compares the owner and the lease, {@link #admit} checks its {@link
 * Admission} rules and inserts in one step. A caller that loses learns it from the return value or
 * a {@link StaleVersionException}, and re-reads.
 *
 * <p><b>Database shape.</b> Each method is meant to be one or a few indexed statements (one
 * transaction): workflows keyed by id, their versions by {@code (id, version)}; executions keyed by
 * id with the scalar fields of {@link WorkflowExecution} as columns (the {@link
 * io.scripttask.remediation.ExecutionProgress} and trigger data as JSON), an identity column for
 * {@code sequence}, a boolean {@code active} column ({@link WorkflowExecution#isActive()}), and
 * indexes on {@code (sequence)} for listing, {@code (workflow_id, node_id, active)} and {@code
 * (workflow_id, node_id, finished_at)} for dedup and cooldown, {@code (workflow_id, created_at)}
 * for the rate limit, {@code (active, owner, lease_until)} for resuming; attempts keyed by {@code
 * (execution_id, sequence)}; signals by id with an index on the execution id. {@link #admit} needs
 * its checks and insert serialised per workflow: lock the workflow's row ({@code SELECT … FOR
 * UPDATE}) in the transaction.
 *
 * <p><b>Values.</b> Everything returned is an immutable snapshot. The store keeps no clock: every
 * time is passed in. Versions are the store's: {@link #admit} stores version 0, every successful
 * {@link #update} and {@link #claim} the previous version plus one; {@link #renewLease} changes
 * only the lease and keeps the version.
 *
 * <p>Implementations must be thread-safe. Arguments are never null unless documented; a null
 * argument throws {@link NullPointerException}. The contract suite {@code
 * io.scripttask.remediation.testkit.RemediationStoreContract} in remediation-core's {@code tests}
 * jar checks an implementation; every adapter's test extends it.
 */
public interface RemediationStore {

  /** The {@code expectedRevision} of {@link #putWorkflow} that creates a workflow. */
  long NEW = -1;

  // ---------------------------------------------------------------- workflows

  /**
   * Stores a workflow: creates it when {@code expectedRevision} is {@link #NEW} (and no workflow
   * has the id), or replaces it when its stored revision is still {@code expectedRevision}
   * (compare-and-set). The stored copy gets revision 0 when created, else {@code expectedRevision +
   * 1}. Every version stored stays readable through {@link #workflowVersion} (executions run the
   * version they started with).
   *
   * @param workflow the workflow
   * @param expectedRevision {@link #NEW}, or the revision the change is based on
   * @param now when
   * @param actor who, or null
   * @return the stored workflow
   * @throws StaleVersionException if the workflow exists and expectedRevision is {@link #NEW}, or
   *     does not exist and expectedRevision is not, or its stored revision differs (kind {@code
   *     "workflow"}; the actual version is -1 when none is stored)
   */
  StoredWorkflow putWorkflow(Workflow workflow, long expectedRevision, Instant now, String actor);

  /**
   * @param workflowId the id
   * @return the current workflow with that id, or empty
   */
  Optional<StoredWorkflow> workflow(String workflowId);

  /**
   * Reads any version of a workflow ever stored, also after it was replaced or deleted.
   *
   * @param workflowId the id
   * @param version the {@link Workflow#version()}
   * @return that version, or empty
   */
  Optional<Workflow> workflowVersion(String workflowId, String version);

  /**
   * @return every current workflow, ordered by id
   */
  List<StoredWorkflow> workflows();

  /**
   * Deletes a workflow's current definition (its versions stay readable for the executions and
   * their history).
   *
   * @param workflowId the id
   * @return whether a workflow was deleted
   */
  boolean deleteWorkflow(String workflowId);

  // ---------------------------------------------------------------- executions

  /**
   * Admits a new execution, atomically: checks the {@code rules} (in the order {@link Admission}
   * gives, the first that fails decides) against the stored executions of {@code
   * candidate.workflowId()} on {@code candidate.nodeId()} at {@code candidate.createdAt()}, then
   * inserts either the candidate as given or, when a rule refused it, the candidate with status
   * {@link io.scripttask.remediation.ExecutionStatus#REFUSED}, the reason, its finish time set to
   * its creation time, no owner and lease. A candidate that is already {@code REFUSED} (refused by
   * the engine before the store) is inserted as it is. The stored execution gets the store's next
   * sequence and version 0.
   *
   * <p>Refused executions are never counted by the rules; the cooldown compares the finish time of
   * the latest admitted execution of the workflow on the node; the rate limit counts admitted
   * executions with {@code createdAt} in {@code (createdAt - period, createdAt]}.
   *
   * @param candidate the execution to insert; its sequence and version are ignored
   * @param rules the rules
   * @return the stored execution, admitted or refused; empty if an execution with the same id
   *     exists (nothing changes), which makes deterministic ids (a cron fire, a failed job) start
   *     at most once across a cluster
   */
  Optional<WorkflowExecution> admit(WorkflowExecution candidate, Admission rules);

  /**
   * Replaces an execution and appends attempts to its record, in one atomic step, if its stored
   * version is still {@code expectedVersion} and its stored owner and fencing token equal those of
   * {@code next} (compare-and-set; a database runs {@code UPDATE … WHERE id = ? AND version = ? AND
   * fencing_token = ? AND owner IS NOT DISTINCT FROM ?} and the inserts in one transaction). The
   * stored copy gets version {@code expectedVersion + 1}. A stale owner's write (its execution was
   * {@linkplain #claim claimed} by another engine since) is refused.
   *
   * @param next the new content; its id names the execution, its version and sequence are ignored
   * @param expectedVersion the version the change is based on
   * @param append attempts to append (in order; each must belong to the execution and continue its
   *     record's sequence without gaps)
   * @return the stored execution, or empty if no execution has that id or the version, owner or
   *     token differ (nothing changes)
   * @throws ValidationException if {@code next} changes the execution's identity (workflow, node,
   *     creation time), or, once the compare succeeded, an attempt belongs to another execution or
   *     breaks the sequence (a write that lost its race returns empty whatever it appends)
   */
  Optional<WorkflowExecution> update(
      WorkflowExecution next, long expectedVersion, List<StepAttempt> append);

  /**
   * Takes ownership of an active execution, atomically, if it is unowned, owned by {@code owner}
   * already, or its owner's lease ended at or before {@code now}: sets the owner and lease,
   * increments the fencing token and the version.
   *
   * @param executionId the execution
   * @param owner the engine instance claiming it
   * @param leaseUntil the new lease's end
   * @param now the current time
   * @return the claimed execution, or empty if it does not exist, is not active, or another owner's
   *     lease still holds
   */
  Optional<WorkflowExecution> claim(
      String executionId, String owner, Instant leaseUntil, Instant now);

  /**
   * Extends the owner's lease of an execution it still owns with that fencing token (the
   * heartbeat). The version does not change.
   *
   * @param executionId the execution
   * @param owner the owner
   * @param fencingToken the owner's token
   * @param leaseUntil the new lease's end
   * @return whether the lease was extended (false: the execution was taken over, or ended)
   */
  boolean renewLease(String executionId, String owner, long fencingToken, Instant leaseUntil);

  /**
   * Finds active executions an engine must drive: those owned by {@code owner}, and those whose
   * owner's lease ended at or before {@code now} (or that have no owner), oldest first (by
   * sequence), at most {@code limit}.
   *
   * @param owner the engine instance
   * @param now the current time
   * @param limit the most returned, at least 1
   * @return the executions, oldest first
   * @throws ValidationException if limit is below 1
   */
  List<WorkflowExecution> resumable(String owner, Instant now, int limit);

  /**
   * @param executionId the id
   * @return the execution, or empty
   */
  Optional<WorkflowExecution> execution(String executionId);

  /**
   * Lists executions matching a query, newest first (descending sequence), one keyset page at a
   * time: walking the pages returns every execution that matched throughout the walk exactly once.
   *
   * @param query the filters
   * @param page the page; its cursor must come from a previous result of this method
   * @return the page
   * @throws ValidationException if the cursor is not one this store produced
   */
  PageResult<WorkflowExecution> executions(ExecutionQuery query, Page page);

  /**
   * Counts the active executions of a workflow (with dedup: the nodes it remediates now).
   *
   * @param workflowId the workflow
   * @return how many are active
   */
  long countActive(String workflowId);

  /**
   * Lists the nodes with an active execution of any workflow, ordered by id.
   *
   * @return the node ids, each once
   */
  List<String> nodesInRemediation();

  /**
   * The record of an execution.
   *
   * @param executionId the execution
   * @return its attempts in sequence order; empty if none (or no such execution)
   */
  List<StepAttempt> attempts(String executionId);

  /**
   * Deletes executions that reached a final status before {@code before} (and their attempts), at
   * most {@code limit}, oldest finish first (then by sequence); call again until it returns less
   * than {@code limit}. Active executions are never deleted.
   *
   * <p>The latest finished admitted execution (status not {@link
   * io.scripttask.remediation.ExecutionStatus#REFUSED REFUSED}) of each workflow on each node, the
   * one with the greatest {@code (finishedAt, sequence)}, is never deleted either, however old: the
   * cooldown of {@link #admit} reads its finish time, so deleting it would let the workflow run
   * again on the node within its cooldown. Older executions of the pair, and refused ones, are
   * deleted as usual.
   *
   * @param before the cut-off
   * @param limit the most deleted, at least 1
   * @return how many were deleted
   * @throws ValidationException if limit is below 1
   */
  int deleteFinishedBefore(Instant before, int limit);

  // ---------------------------------------------------------------- signals

  /**
   * Queues a signal for the engine that owns its execution.
   *
   * @param signal the signal; its id is ignored
   * @return the stored signal, with the store's id (ascending in posting order)
   */
  ExecutionSignal postSignal(ExecutionSignal signal);

  /**
   * Finds the queued signals of the executions {@code owner} owns, in posting order.
   *
   * @param owner the engine instance
   * @return the signals
   */
  List<ExecutionSignal> signals(String owner);

  /**
   * Deletes a signal (applied, or no longer applicable).
   *
   * @param signalId the signal's id
   * @return whether it existed
   */
  boolean deleteSignal(long signalId);
}
