package io.scripttask.remediation;

import io.scripttask.remediation.internal.engine.Values;
import io.scripttask.scheduler.ValidationException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a {@link Workflow} on one node: its status, where it is ({@link #progress()}), and who
 * drives it. Immutable; stored through {@link io.scripttask.remediation.spi.RemediationStore},
 * whose {@code update} compares {@link #version()} and {@link #fencingToken()}, so that of two
 * engines that both believe they own an execution only the current owner's writes land.
 *
 * <p><b>Ownership.</b> The engine that admits an execution owns it: {@link #owner()} is its
 * instance id and {@link #leaseUntil()} how long others must wait before taking it over. The owner
 * renews the lease while the execution is {@linkplain #isActive() active}. When the lease expires
 * (the owner died), another engine {@code claim}s it, which increments the fencing token: the old
 * owner's late writes then carry a stale token and version, and are refused.
 *
 * <p>{@link #toString()} shows trigger data keys only (values may be anything a metric source or a
 * caller sent).
 *
 * @param id the execution's id, unique in the store
 * @param sequence the store's insertion order (listing order), set by the store
 * @param workflowId the workflow
 * @param workflowVersion the {@link Workflow#version()} it runs (a later change of the workflow
 *     does not change a running execution)
 * @param nodeId the node it remediates
 * @param source what started it
 * @param triggerData the trigger's data (a metric sample, a job's ids, a caller's map): JSON-like
 *     values, deeply unmodifiable
 * @param actor who started it, or null when a trigger did
 * @param status its status
 * @param refusal why it was refused; set exactly when the status is {@link ExecutionStatus#REFUSED}
 * @param detail a short explanation of the status (the failing step, the deadline, who cancelled),
 *     or null; never a secret
 * @param rollback what its rollback did
 * @param createdAt when it was admitted (or refused)
 * @param updatedAt when it last changed
 * @param finishedAt when it reached a final status, or null
 * @param deadlineAt when it times out (the workflow's deadline from its start), or null for none
 * @param owner the engine instance that drives it, or null when nobody does (finished)
 * @param leaseUntil until when the owner's claim holds, or null
 * @param fencingToken incremented by each claim; a write carrying an older token is refused
 * @param version the optimistic-concurrency version, set by the store
 * @param progress where the interpreter is
 */
public record WorkflowExecution(
    String id,
    long sequence,
    String workflowId,
    String workflowVersion,
    String nodeId,
    TriggerSource source,
    Map<String, Object> triggerData,
    String actor,
    ExecutionStatus status,
    RefusalReason refusal,
    String detail,
    RollbackStatus rollback,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt,
    Instant deadlineAt,
    String owner,
    Instant leaseUntil,
    long fencingToken,
    long version,
    ExecutionProgress progress) {

  /**
   * Validates the execution and freezes its trigger data.
   *
   * @throws NullPointerException if a required field is null
   * @throws ValidationException if the id is blank, the refusal does not match the status, a final
   *     execution has no finish time, or trigger data holds a value that is not JSON-like
   */
  public WorkflowExecution {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(workflowId, "workflowId");
    Objects.requireNonNull(workflowVersion, "workflowVersion");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(source, "source");
    triggerData = Values.freeze("triggerData", triggerData);
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(rollback, "rollback");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(progress, "progress");
    if (id.isBlank()) {
      throw new ValidationException("id", "not be blank", "\"" + id + "\"");
    }
    if ((status == ExecutionStatus.REFUSED) != (refusal != null)) {
      throw new ValidationException(
          "refusal", "be set exactly when the status is REFUSED (status " + status + ")", refusal);
    }
    if (status.isFinal() && finishedAt == null) {
      throw new ValidationException("finishedAt", "be set when the status is " + status, null);
    }
  }

  /**
   * @return whether an engine must still drive it: its status is not final, or an escalation of it
   *     is still running
   */
  public boolean isActive() {
    return !status.isFinal() || progress.escalation() != null;
  }

  /**
   * @return the refusal reason, when refused
   */
  public Optional<RefusalReason> refusalReason() {
    return Optional.ofNullable(refusal);
  }

  /**
   * @return a builder holding this execution
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Starts a new execution's builder: status {@code RUNNING}, no rollback, {@link
   * ExecutionProgress#INITIAL}, version 0.
   *
   * @param id the id
   * @param workflow the workflow it runs
   * @param nodeId the node
   * @param source what started it
   * @param createdAt when
   * @return the builder
   */
  public static Builder builder(
      String id, Workflow workflow, String nodeId, TriggerSource source, Instant createdAt) {
    return new Builder(
        new WorkflowExecution(
            id,
            0,
            workflow.id(),
            workflow.version(),
            nodeId,
            source,
            Map.of(),
            null,
            ExecutionStatus.RUNNING,
            null,
            null,
            RollbackStatus.NONE,
            createdAt,
            createdAt,
            null,
            null,
            null,
            null,
            0,
            0,
            ExecutionProgress.INITIAL));
  }

  @Override
  public String toString() {
    return "WorkflowExecution[id="
        + id
        + ", workflowId="
        + workflowId
        + ", nodeId="
        + nodeId
        + ", source="
        + source
        + ", triggerData="
        + triggerData.keySet()
        + ", actor="
        + actor
        + ", status="
        + status
        + (refusal == null ? "" : ", refusal=" + refusal)
        + ", detail="
        + detail
        + ", rollback="
        + rollback
        + ", step="
        + progress.stepId()
        + ", createdAt="
        + createdAt
        + ", finishedAt="
        + finishedAt
        + ", owner="
        + owner
        + ", fencingToken="
        + fencingToken
        + ", version="
        + version
        + "]";
  }

  /** Builds a changed copy of a {@link WorkflowExecution}. Not thread-safe. */
  public static final class Builder {
    private String id;
    private long sequence;
    private String workflowId;
    private String workflowVersion;
    private String nodeId;
    private TriggerSource source;
    private Map<String, Object> triggerData;
    private String actor;
    private ExecutionStatus status;
    private RefusalReason refusal;
    private String detail;
    private RollbackStatus rollback;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant finishedAt;
    private Instant deadlineAt;
    private String owner;
    private Instant leaseUntil;
    private long fencingToken;
    private long version;
    private ExecutionProgress progress;

    private Builder(WorkflowExecution e) {
      id = e.id;
      sequence = e.sequence;
      workflowId = e.workflowId;
      workflowVersion = e.workflowVersion;
      nodeId = e.nodeId;
      source = e.source;
      triggerData = e.triggerData;
      actor = e.actor;
      status = e.status;
      refusal = e.refusal;
      detail = e.detail;
      rollback = e.rollback;
      createdAt = e.createdAt;
      updatedAt = e.updatedAt;
      finishedAt = e.finishedAt;
      deadlineAt = e.deadlineAt;
      owner = e.owner;
      leaseUntil = e.leaseUntil;
      fencingToken = e.fencingToken;
      version = e.version;
      progress = e.progress;
    }

    /**
     * @param v the store's sequence
     * @return this builder
     */
    public Builder sequence(long v) {
      sequence = v;
      return this;
    }

    /**
     * @param v the trigger data
     * @return this builder
     */
    public Builder triggerData(Map<String, ?> v) {
      triggerData = Values.freeze("triggerData", v);
      return this;
    }

    /**
     * @param v who started it
     * @return this builder
     */
    public Builder actor(String v) {
      actor = v;
      return this;
    }

    /**
     * @param v the status
     * @return this builder
     */
    public Builder status(ExecutionStatus v) {
      status = v;
      return this;
    }

    /**
     * @param v the refusal reason
     * @return this builder
     */
    public Builder refusal(RefusalReason v) {
      refusal = v;
      return this;
    }

    /**
     * @param v the detail
     * @return this builder
     */
    public Builder detail(String v) {
      detail = v;
      return this;
    }

    /**
     * @param v the rollback status
     * @return this builder
     */
    public Builder rollback(RollbackStatus v) {
      rollback = v;
      return this;
    }

    /**
     * @param v when it last changed
     * @return this builder
     */
    public Builder updatedAt(Instant v) {
      updatedAt = v;
      return this;
    }

    /**
     * @param v when it finished
     * @return this builder
     */
    public Builder finishedAt(Instant v) {
      finishedAt = v;
      return this;
    }

    /**
     * @param v when it times out
     * @return this builder
     */
    public Builder deadlineAt(Instant v) {
      deadlineAt = v;
      return this;
    }

    /**
     * @param v the owner
     * @return this builder
     */
    public Builder owner(String v) {
      owner = v;
      return this;
    }

    /**
     * @param v the lease's end
     * @return this builder
     */
    public Builder leaseUntil(Instant v) {
      leaseUntil = v;
      return this;
    }

    /**
     * @param v the fencing token
     * @return this builder
     */
    public Builder fencingToken(long v) {
      fencingToken = v;
      return this;
    }

    /**
     * @param v the version
     * @return this builder
     */
    public Builder version(long v) {
      version = v;
      return this;
    }

    /**
     * @param v the progress
     * @return this builder
     */
    public Builder progress(ExecutionProgress v) {
      progress = Objects.requireNonNull(v, "progress");
      return this;
    }

    /**
     * @return the execution
     * @throws ValidationException if it breaks a rule of {@link WorkflowExecution}
     */
    public WorkflowExecution build() {
      return new WorkflowExecution(
          id,
          sequence,
          workflowId,
          workflowVersion,
          nodeId,
          source,
          triggerData,
          actor,
          status,
          refusal,
          detail,
          rollback,
          createdAt,
          updatedAt,
          finishedAt,
          deadlineAt,
          owner,
          leaseUntil,
          fencingToken,
          version,
          progress);
    }
  }
}
