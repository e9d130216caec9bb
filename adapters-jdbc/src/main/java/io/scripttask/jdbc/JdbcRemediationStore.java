package io.scripttask.jdbc;

import io.scripttask.jdbc.internal.Errors;
import io.scripttask.jdbc.internal.Times;
import io.scripttask.jdbc.internal.remediation.RemediationDocs;
import io.scripttask.jdbc.internal.remediation.RemediationDocs.ExecutionColumns;
import io.scripttask.remediation.Admission;
import io.scripttask.remediation.ExecutionProgress;
import io.scripttask.remediation.ExecutionQuery;
import io.scripttask.remediation.ExecutionSignal;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.RefusalReason;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StoredWorkflow;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.remediation.json.WorkflowJson;
import io.scripttask.remediation.spi.RemediationStore;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.StaleVersionException;
import io.scripttask.scheduler.ValidationException;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Update;

/**
 * The durable {@link RemediationStore} on a relational database (H2, PostgreSQL, MariaDB, MySQL),
 * obtained from {@link JdbcStore#remediationStore()}. Several remediation engines may share it (a
 * cluster, or a restarted process): every method is one transaction, safe across connections and
 * processes, and the ones that change state under contention compare and set.
 *
 * <p><b>Layout.</b> Tables {@code <prefix>rem_workflow} (current definitions, with their revision),
 * {@code rem_workflow_version} (every version ever stored, by {@code (id, version)}), {@code
 * rem_execution}, {@code rem_attempt} (by {@code (execution_id, seq)}), {@code rem_signal} and
 * {@code rem_admission_lock}. A workflow is kept as the JSON of {@link WorkflowJson}. An
 * execution's scalar fields that queries filter or sort on are columns (workflow, node, status,
 * {@code active} and {@code admitted} flags, creation and finish time, owner, lease, fencing token,
 * version, the identity column {@code seq}), with the indexes the {@link RemediationStore} Javadoc
 * lists; the rest (progress, trigger data) is a JSON document beside them. Instants are epoch
 * nanoseconds in {@code NUMERIC(28, 0)} columns, so the store returns exactly the instant it was
 * given. Ids (executions, workflows, nodes, owners) are limited to {@value #MAX_ID_LENGTH}
 * characters.
 *
 * <p><b>Admission across a cluster.</b> {@link #admit} locks the workflow's row of {@code
 * rem_admission_lock} ({@code SELECT ... FOR UPDATE}, the row created on first use), then checks
 * dedup, cooldown, rate limit and node limit with indexed counts and inserts, in one transaction:
 * two engines admitting executions of one workflow at once are serialised, so the rules hold across
 * every engine sharing the database. Executions of different workflows never wait for each other.
 *
 * <p><b>Ownership.</b> {@link #update} and {@link #claim} lock the execution's row, compare
 * version, owner and fencing token (update) or owner and lease (claim), then write; a claim
 * increments the fencing token, so a stale owner's later {@link #update} or {@link #renewLease} is
 * refused. {@link #renewLease} is one conditional {@code UPDATE}.
 *
 * <p><b>Retention.</b> {@link #deleteFinishedBefore} deletes oldest first, in batches, but never
 * the latest finished admitted execution of a (workflow, node): the cooldown reads its finish time.
 *
 * <p><b>Secrets.</b> Workflows are stored as written by {@link WorkflowJson#write}, which includes
 * secret values such as webhook URLs (not encrypted): protect the database accordingly. Failures
 * are reported as {@link JdbcStoreException}s that never quote stored documents.
 */
public final class JdbcRemediationStore implements RemediationStore {

  /** The longest execution id, workflow id, node id or owner the store accepts. */
  public static final int MAX_ID_LENGTH = 255;

  /** How many parsed workflow definitions are kept, so that listings do not parse JSON again. */
  static final int WORKFLOW_CACHE_SIZE = 512;

  private static final int MAX_TX_ATTEMPTS = 8;
  private static final String CURSOR = "r:";

  private static final String EXECUTION_COLUMNS =
      "e.id, e.seq, e.workflow_id, e.node_id, e.status, e.created_at, e.finished_at, e.owner,"
          + " e.lease_until, e.fencing_token, e.version, e.doc";
  private static final String WORKFLOW_COLUMNS =
      "w.id, w.revision, w.wf_version, w.enabled, w.updated_at, w.actor, w.doc";

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final String prefix;
  private final AtomicBoolean closed;

  /** Rows of {@code rem_admission_lock} known to exist (the store never deletes them). */
  private final Set<String> knownLockRows = ConcurrentHashMap.newKeySet();

  /** Parsed definitions by id, version and enabled flag (which the version does not cover). */
  private final Map<String, Workflow> parsed =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Workflow> eldest) {
          return size() > WORKFLOW_CACHE_SIZE;
        }
      };

  private final String insertExecutionSql;
  private final String seqColumn;

  JdbcRemediationStore(Jdbi jdbi, Dialect dialect, String prefix, AtomicBoolean closed) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.closed = Objects.requireNonNull(closed, "closed");
    this.insertExecutionSql =
        insertIgnoring(
            q(
                "INSERT INTO {p}rem_execution (id, workflow_id, node_id, status, admitted, active,"
                    + " created_at, finished_at, owner, lease_until, fencing_token, version,"
                    + " records, doc) VALUES (:id, :workflowId, :nodeId, :status, :admitted,"
                    + " :active, :createdAt, :finishedAt, :owner, :leaseUntil, :fencingToken,"
                    + " :version, 0, :doc)"));
    this.seqColumn = dialect == Dialect.H2 ? "SEQ" : "seq";
  }

  /**
   * @return the database dialect
   */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * @return the table prefix
   */
  public String tablePrefix() {
    return prefix;
  }

  // ---------------------------------------------------------------- workflows

  /** {@inheritDoc} */
  @Override
  public StoredWorkflow putWorkflow(
      Workflow workflow, long expectedRevision, Instant now, String actor) {
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(now, "now");
    checkId("workflow.id", workflow.id());
    String doc = WorkflowJson.write(workflow);
    String version = workflow.version();
    int enabled = workflow.enabled() ? 1 : 0;
    long revision = expectedRevision + 1;
    return inTx(
        "putWorkflow",
        h -> {
          boolean stored;
          if (expectedRevision == NEW) {
            stored =
                insertIgnoringDuplicate(
                    h,
                    q(
                        "INSERT INTO {p}rem_workflow (id, revision, wf_version, enabled,"
                            + " updated_at, actor, doc) VALUES (:id, :revision, :wfVersion,"
                            + " :enabled, :updatedAt, :actor, :doc)"),
                    st ->
                        st.bind("id", workflow.id())
                            .bind("revision", revision)
                            .bind("wfVersion", version)
                            .bind("enabled", enabled)
                            .bind("updatedAt", Times.toDb(now))
                            .bind("actor", actor)
                            .bind("doc", doc));
          } else {
            stored =
                h.createUpdate(
                            q(
                                "UPDATE {p}rem_workflow SET revision = :revision, wf_version ="
                                    + " :wfVersion, enabled = :enabled, updated_at = :updatedAt,"
                                    + " actor = :actor, doc = :doc WHERE id = :id AND revision ="
                                    + " :expected"))
                        .bind("id", workflow.id())
                        .bind("revision", revision)
                        .bind("wfVersion", version)
                        .bind("enabled", enabled)
                        .bind("updatedAt", Times.toDb(now))
                        .bind("actor", actor)
                        .bind("doc", doc)
                        .bind("expected", expectedRevision)
                        .execute()
                    == 1;
          }
          if (!stored) {
            long actual =
                h.createQuery(q("SELECT revision FROM {p}rem_workflow WHERE id = :id"))
                    .bind("id", workflow.id())
                    .mapTo(Long.class)
                    .findOne()
                    .orElse(NEW);
            throw new StaleVersionException("workflow", workflow.id(), expectedRevision, actual);
          }
          int changed =
              h.createUpdate(
                      q(
                          "UPDATE {p}rem_workflow_version SET enabled = :enabled, doc = :doc"
                              + " WHERE workflow_id = :id AND wf_version = :wfVersion"))
                  .bind("id", workflow.id())
                  .bind("wfVersion", version)
                  .bind("enabled", enabled)
                  .bind("doc", doc)
                  .execute();
          if (changed == 0) {
            insertIgnoringDuplicate(
                h,
                q(
                    "INSERT INTO {p}rem_workflow_version (workflow_id, wf_version, enabled, doc)"
                        + " VALUES (:id, :wfVersion, :enabled, :doc)"),
                st ->
                    st.bind("id", workflow.id())
                        .bind("wfVersion", version)
                        .bind("enabled", enabled)
                        .bind("doc", doc));
          }
          remember(workflow.id(), version, enabled == 1, workflow);
          return new StoredWorkflow(workflow, revision, now, actor);
        });
  }

  /** {@inheritDoc} */
  @Override
  public Optional<StoredWorkflow> workflow(String workflowId) {
    Objects.requireNonNull(workflowId, "workflowId");
    if (workflowId.length() > MAX_ID_LENGTH) {
      return Optional.empty();
    }
    return read(
        "workflow",
        h ->
            h.createQuery(
                    q("SELECT " + WORKFLOW_COLUMNS + " FROM {p}rem_workflow w WHERE w.id = :id"))
                .bind("id", workflowId)
                .map((rs, ctx) -> storedWorkflow(rs))
                .findOne());
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Workflow> workflowVersion(String workflowId, String version) {
    Objects.requireNonNull(workflowId, "workflowId");
    Objects.requireNonNull(version, "version");
    if (workflowId.length() > MAX_ID_LENGTH || version.length() > MAX_ID_LENGTH) {
      return Optional.empty();
    }
    return read(
        "workflowVersion",
        h ->
            h.createQuery(
                    q(
                        "SELECT enabled, doc FROM {p}rem_workflow_version WHERE workflow_id = :id"
                            + " AND wf_version = :wfVersion"))
                .bind("id", workflowId)
                .bind("wfVersion", version)
                .map((rs, ctx) -> parse(workflowId, version, rs.getInt(1) == 1, rs.getString(2)))
                .findOne());
  }

  /** {@inheritDoc} */
  @Override
  public List<StoredWorkflow> workflows() {
    return read(
        "workflows",
        h ->
            List.copyOf(
                h.createQuery(
                        q("SELECT " + WORKFLOW_COLUMNS + " FROM {p}rem_workflow w ORDER BY w.id"))
                    .map((rs, ctx) -> storedWorkflow(rs))
                    .list()));
  }

  /** {@inheritDoc} */
  @Override
  public boolean deleteWorkflow(String workflowId) {
    Objects.requireNonNull(workflowId, "workflowId");
    if (workflowId.length() > MAX_ID_LENGTH) {
      return false;
    }
    return read(
        "deleteWorkflow",
        h ->
            h.createUpdate(q("DELETE FROM {p}rem_workflow WHERE id = :id"))
                    .bind("id", workflowId)
                    .execute()
                > 0);
  }

  private StoredWorkflow storedWorkflow(ResultSet rs) throws SQLException {
    String id = rs.getString(1);
    Workflow w = parse(id, rs.getString(3), rs.getInt(4) == 1, rs.getString(7));
    return new StoredWorkflow(w, rs.getLong(2), Times.fromDb(rs.getBigDecimal(5)), rs.getString(6));
  }

  /** Parses a stored definition, or takes it from the cache of parsed ones. */
  private Workflow parse(String id, String version, boolean enabled, String doc) {
    String key = cacheKey(id, version, enabled);
    synchronized (parsed) {
      Workflow w = parsed.get(key);
      if (w != null) {
        return w;
      }
    }
    Workflow w;
    try {
      w = WorkflowJson.read(doc);
    } catch (RuntimeException e) {
      // the message names fields and values of the definition, which may be secrets: not quoted
      throw new IllegalStateException(
          "stored workflow " + id + " version " + version + " must be a readable definition");
    }
    remember(id, version, enabled, w);
    return w;
  }

  private void remember(String id, String version, boolean enabled, Workflow w) {
    synchronized (parsed) {
      parsed.put(cacheKey(id, version, enabled), w);
    }
  }

  private static String cacheKey(String id, String version, boolean enabled) {
    return id + '\u0000' + version + '\u0000' + enabled;
  }

  // ---------------------------------------------------------------- admission

  /** {@inheritDoc} */
  @Override
  public Optional<WorkflowExecution> admit(WorkflowExecution candidate, Admission rules) {
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(rules, "rules");
    checkExecution(candidate);
    ensureLockRow(candidate.workflowId());
    return inTx(
        "admit",
        h -> {
          lockAdmission(h, candidate.workflowId());
          if (exists(h, candidate.id())) {
            return Optional.empty();
          }
          RefusalReason refusal = candidate.refusal();
          if (refusal == null) {
            refusal = check(h, candidate, rules);
          }
          WorkflowExecution.Builder b = candidate.toBuilder().sequence(0).version(0);
          if (refusal != null && candidate.status() != ExecutionStatus.REFUSED) {
            b.status(ExecutionStatus.REFUSED)
                .refusal(refusal)
                .finishedAt(candidate.createdAt())
                .owner(null)
                .leaseUntil(null)
                .progress(ExecutionProgress.INITIAL);
          }
          WorkflowExecution row = b.build();
          Optional<Long> seq = insertExecution(h, row);
          // empty: an execution with this id was admitted at the same moment (another workflow)
          return seq.map(s -> row.toBuilder().sequence(s).build());
        });
  }

  /** The first rule of {@link Admission} that refuses the candidate, or null. */
  private RefusalReason check(Handle h, WorkflowExecution c, Admission rules) {
    boolean active =
        h.createQuery(
                q(
                    "SELECT e.id FROM {p}rem_execution e WHERE e.workflow_id = :w AND e.node_id ="
                        + " :n AND e.active = 1"))
            .bind("w", c.workflowId())
            .bind("n", c.nodeId())
            .setMaxRows(1)
            .mapTo(String.class)
            .findFirst()
            .isPresent();
    if (active) {
      return RefusalReason.ALREADY_ACTIVE;
    }
    if (!rules.cooldown().isZero()) {
      Optional<BigDecimal> last =
          h.createQuery(
                  q(
                      "SELECT MAX(e.finished_at) FROM {p}rem_execution e WHERE e.workflow_id = :w"
                          + " AND e.node_id = :n AND e.admitted = 1"))
              .bind("w", c.workflowId())
              .bind("n", c.nodeId())
              .mapTo(BigDecimal.class)
              .findOne();
      Instant lastFinish = last.map(Times::fromDb).orElse(null);
      if (lastFinish != null && c.createdAt().isBefore(lastFinish.plus(rules.cooldown()))) {
        return RefusalReason.COOLDOWN;
      }
    }
    if (rules.maxExecutions() > 0) {
      long admitted =
          h.createQuery(
                  q(
                      "SELECT COUNT(*) FROM {p}rem_execution e WHERE e.workflow_id = :w AND"
                          + " e.admitted = 1 AND e.created_at > :from AND e.created_at <= :at"))
              .bind("w", c.workflowId())
              .bind("from", Times.toDb(c.createdAt().minus(rules.period())))
              .bind("at", Times.toDb(c.createdAt()))
              .mapTo(Long.class)
              .one();
      if (admitted >= rules.maxExecutions()) {
        return RefusalReason.RATE_LIMITED;
      }
    }
    if (rules.maxConcurrentNodes() > 0) {
      long running =
          h.createQuery(
                  q(
                      "SELECT COUNT(*) FROM {p}rem_execution e WHERE e.active = 1 AND"
                          + " e.workflow_id = :w"))
              .bind("w", c.workflowId())
              .mapTo(Long.class)
              .one();
      if (running >= rules.maxConcurrentNodes()) {
        return RefusalReason.MAX_CONCURRENT_NODES;
      }
    }
    return null;
  }

  /** Creates the workflow's admission lock row unless known to exist (autocommit). */
  private void ensureLockRow(String workflowId) {
    if (knownLockRows.contains(workflowId)) {
      return;
    }
    read(
        "admit",
        h ->
            insertIgnoringDuplicate(
                h,
                q("INSERT INTO {p}rem_admission_lock (workflow_id) VALUES (:w)"),
                st -> st.bind("w", workflowId)));
    knownLockRows.add(workflowId);
  }

  /** Locks the workflow's admission row until the transaction ends, creating it if missing. */
  private void lockAdmission(Handle h, String workflowId) {
    String lock =
        q("SELECT workflow_id FROM {p}rem_admission_lock WHERE workflow_id = :w FOR UPDATE");
    while (h.createQuery(lock).bind("w", workflowId).mapTo(String.class).findOne().isEmpty()) {
      insertIgnoringDuplicate(
          h,
          q("INSERT INTO {p}rem_admission_lock (workflow_id) VALUES (:w)"),
          st -> st.bind("w", workflowId));
    }
  }

  private boolean exists(Handle h, String executionId) {
    return h.createQuery(q("SELECT e.version FROM {p}rem_execution e WHERE e.id = :id"))
        .bind("id", executionId)
        .mapTo(Long.class)
        .findOne()
        .isPresent();
  }

  /**
   * Inserts an execution with version 0.
   *
   * @return the sequence the database gave it, or empty if the id exists
   */
  private Optional<Long> insertExecution(Handle h, WorkflowExecution e) {
    try {
      Update st = h.createUpdate(insertExecutionSql);
      bindExecution(st, e);
      return st.executeAndReturnGeneratedKeys(seqColumn).mapTo(Long.class).findOne();
    } catch (JdbiException failure) {
      if (dialect != Dialect.POSTGRESQL && Errors.isDuplicateKey(failure, dialect)) {
        return Optional.empty();
      }
      throw failure;
    }
  }

  private static void bindExecution(Update st, WorkflowExecution e) {
    st.bind("id", e.id())
        .bind("workflowId", e.workflowId())
        .bind("nodeId", e.nodeId())
        .bind("status", e.status().name())
        .bind("admitted", e.status() == ExecutionStatus.REFUSED ? 0 : 1)
        .bind("active", e.isActive() ? 1 : 0)
        .bind("createdAt", Times.toDb(e.createdAt()))
        .bind("finishedAt", Times.toDb(e.finishedAt()))
        .bind("owner", e.owner())
        .bind("leaseUntil", Times.toDb(e.leaseUntil()))
        .bind("fencingToken", e.fencingToken())
        .bind("version", e.version())
        .bind("doc", RemediationDocs.executionDoc(e));
  }

  // ---------------------------------------------------------------- update, claim, lease

  /** {@inheritDoc} */
  @Override
  public Optional<WorkflowExecution> update(
      WorkflowExecution next, long expectedVersion, List<StepAttempt> append) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(append, "append");
    for (StepAttempt a : append) {
      Objects.requireNonNull(a, "attempt");
    }
    if (next.id().length() > MAX_ID_LENGTH) {
      return Optional.empty();
    }
    checkId("owner", next.owner());
    String doc = RemediationDocs.executionDoc(next);
    List<String> attemptDocs = new ArrayList<>(append.size());
    for (StepAttempt a : append) {
      attemptDocs.add(RemediationDocs.attemptDoc(a));
    }
    return inTx(
        "update",
        h -> {
          Optional<Locked> found =
              h.createQuery(
                      q(
                          "SELECT e.workflow_id, e.node_id, e.created_at, e.version,"
                              + " e.fencing_token, e.owner, e.seq, e.records FROM"
                              + " {p}rem_execution e WHERE e.id = :id FOR UPDATE"))
                  .bind("id", next.id())
                  .map(
                      (rs, ctx) ->
                          new Locked(
                              rs.getString(1),
                              rs.getString(2),
                              Times.fromDb(rs.getBigDecimal(3)),
                              rs.getLong(4),
                              rs.getLong(5),
                              rs.getString(6),
                              rs.getLong(7),
                              rs.getInt(8)))
                  .findOne();
          if (found.isEmpty()) {
            return Optional.empty();
          }
          Locked stored = found.get();
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
          int seq = stored.records();
          for (StepAttempt a : append) {
            if (!a.executionId().equals(next.id())) {
              throw new ValidationException("append", "belong to execution " + next.id(), a);
            }
            if (a.sequence() != ++seq) {
              throw new ValidationException("append", "continue the record at sequence " + seq, a);
            }
          }
          WorkflowExecution updated =
              next.toBuilder().sequence(stored.sequence()).version(expectedVersion + 1).build();
          int changed =
              h.createUpdate(
                      q(
                          "UPDATE {p}rem_execution SET status = :status, admitted = :admitted,"
                              + " active = :active, finished_at = :finishedAt, owner = :owner,"
                              + " lease_until = :leaseUntil, version = :version, records ="
                              + " :records, doc = :doc WHERE id = :id AND version = :expected"))
                  .bind("id", updated.id())
                  .bind("status", updated.status().name())
                  .bind("admitted", updated.status() == ExecutionStatus.REFUSED ? 0 : 1)
                  .bind("active", updated.isActive() ? 1 : 0)
                  .bind("finishedAt", Times.toDb(updated.finishedAt()))
                  .bind("owner", updated.owner())
                  .bind("leaseUntil", Times.toDb(updated.leaseUntil()))
                  .bind("version", updated.version())
                  .bind("records", seq)
                  .bind("doc", doc)
                  .bind("expected", expectedVersion)
                  .execute();
          if (changed != 1) {
            return Optional.empty();
          }
          if (!append.isEmpty()) {
            PreparedBatch batch =
                h.prepareBatch(
                    q(
                        "INSERT INTO {p}rem_attempt (execution_id, seq, doc) VALUES (:e, :s,"
                            + " :doc)"));
            for (int i = 0; i < append.size(); i++) {
              batch
                  .bind("e", next.id())
                  .bind("s", append.get(i).sequence())
                  .bind("doc", attemptDocs.get(i))
                  .add();
            }
            batch.execute();
          }
          return Optional.of(updated);
        });
  }

  /** The columns {@link #update} compares, read with the row locked. */
  private record Locked(
      String workflowId,
      String nodeId,
      Instant createdAt,
      long version,
      long fencingToken,
      String owner,
      long sequence,
      int records) {}

  /** {@inheritDoc} */
  @Override
  public Optional<WorkflowExecution> claim(
      String executionId, String owner, Instant leaseUntil, Instant now) {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    Objects.requireNonNull(now, "now");
    checkId("owner", owner);
    if (executionId.length() > MAX_ID_LENGTH) {
      return Optional.empty();
    }
    return inTx(
        "claim",
        h -> {
          Optional<WorkflowExecution> found =
              h.createQuery(
                      q(
                          "SELECT "
                              + EXECUTION_COLUMNS
                              + " FROM {p}rem_execution e WHERE e.id = :id FOR UPDATE"))
                  .bind("id", executionId)
                  .map((rs, ctx) -> execution(rs))
                  .findOne();
          if (found.isEmpty() || !found.get().isActive()) {
            return Optional.empty();
          }
          WorkflowExecution stored = found.get();
          boolean free =
              stored.owner() == null
                  || stored.owner().equals(owner)
                  || stored.leaseUntil() == null
                  || !stored.leaseUntil().isAfter(now);
          if (!free) {
            return Optional.empty();
          }
          int changed =
              h.createUpdate(
                      q(
                          "UPDATE {p}rem_execution SET owner = :owner, lease_until = :leaseUntil,"
                              + " fencing_token = :fencingToken, version = :version WHERE id ="
                              + " :id AND version = :expected"))
                  .bind("id", executionId)
                  .bind("owner", owner)
                  .bind("leaseUntil", Times.toDb(leaseUntil))
                  .bind("fencingToken", stored.fencingToken() + 1)
                  .bind("version", stored.version() + 1)
                  .bind("expected", stored.version())
                  .execute();
          if (changed != 1) {
            return Optional.empty();
          }
          return Optional.of(
              stored.toBuilder()
                  .owner(owner)
                  .leaseUntil(leaseUntil)
                  .fencingToken(stored.fencingToken() + 1)
                  .version(stored.version() + 1)
                  .build());
        });
  }

  /** {@inheritDoc} */
  @Override
  public boolean renewLease(
      String executionId, String owner, long fencingToken, Instant leaseUntil) {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    if (executionId.length() > MAX_ID_LENGTH || owner.length() > MAX_ID_LENGTH) {
      return false;
    }
    return read(
        "renewLease",
        h ->
            h.createUpdate(
                        q(
                            "UPDATE {p}rem_execution SET lease_until = :leaseUntil WHERE id = :id"
                                + " AND active = 1 AND owner = :owner AND fencing_token ="
                                + " :fencingToken"))
                    .bind("id", executionId)
                    .bind("owner", owner)
                    .bind("fencingToken", fencingToken)
                    .bind("leaseUntil", Times.toDb(leaseUntil))
                    .execute()
                == 1);
  }

  /** {@inheritDoc} */
  @Override
  public List<WorkflowExecution> resumable(String owner, Instant now, int limit) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(now, "now");
    if (limit < 1) {
      throw new ValidationException("limit", "be at least 1", limit);
    }
    return read(
        "resumable",
        h ->
            List.copyOf(
                h.createQuery(
                        q(
                            "SELECT "
                                + EXECUTION_COLUMNS
                                + " FROM {p}rem_execution e WHERE e.active = 1 AND (e.owner ="
                                + " :owner OR e.owner IS NULL OR e.lease_until IS NULL OR"
                                + " e.lease_until <= :now) ORDER BY e.seq LIMIT :limit"))
                    .bind("owner", owner)
                    .bind("now", Times.toDb(now))
                    .bind("limit", limit)
                    .map((rs, ctx) -> execution(rs))
                    .list()));
  }

  // ---------------------------------------------------------------- reading

  /** {@inheritDoc} */
  @Override
  public Optional<WorkflowExecution> execution(String executionId) {
    Objects.requireNonNull(executionId, "executionId");
    if (executionId.length() > MAX_ID_LENGTH) {
      return Optional.empty();
    }
    return read(
        "execution",
        h ->
            h.createQuery(
                    q("SELECT " + EXECUTION_COLUMNS + " FROM {p}rem_execution e WHERE e.id = :id"))
                .bind("id", executionId)
                .map((rs, ctx) -> execution(rs))
                .findOne());
  }

  /** {@inheritDoc} */
  @Override
  public PageResult<WorkflowExecution> executions(ExecutionQuery query, Page page) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(page, "page");
    Long after = page.after() == null ? null : parseCursor(page.after());
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(EXECUTION_COLUMNS)
            .append(" FROM {p}rem_execution e WHERE 1 = 1");
    if (query.workflowId() != null) {
      sql.append(" AND e.workflow_id = :workflowId");
    }
    if (query.nodeId() != null) {
      sql.append(" AND e.node_id = :nodeId");
    }
    if (!query.statuses().isEmpty()) {
      sql.append(" AND e.status IN (<statuses>)");
    }
    if (query.createdFrom() != null) {
      sql.append(" AND e.created_at >= :createdFrom");
    }
    if (query.createdBefore() != null) {
      sql.append(" AND e.created_at < :createdBefore");
    }
    if (after != null) {
      sql.append(" AND e.seq < :after");
    }
    sql.append(" ORDER BY e.seq DESC LIMIT :limit");
    List<WorkflowExecution> rows =
        read(
            "executions",
            h -> {
              var st =
                  h.createQuery(q(sql.toString()))
                      .bind("workflowId", query.workflowId())
                      .bind("nodeId", query.nodeId())
                      .bind("createdFrom", Times.toDb(query.createdFrom()))
                      .bind("createdBefore", Times.toDb(query.createdBefore()))
                      .bind("after", after)
                      .bind("limit", page.limit() + 1);
              if (!query.statuses().isEmpty()) {
                List<String> names = new ArrayList<>();
                for (ExecutionStatus s : query.statuses()) {
                  names.add(s.name());
                }
                st.bindList("statuses", names);
              }
              return st.map((rs, ctx) -> execution(rs)).list();
            });
    if (rows.size() <= page.limit()) {
      return new PageResult<>(rows, null);
    }
    List<WorkflowExecution> items = rows.subList(0, page.limit());
    return new PageResult<>(
        items, Page.after(CURSOR + items.get(items.size() - 1).sequence(), page.limit()));
  }

  private static long parseCursor(String cursor) {
    if (cursor.startsWith(CURSOR)) {
      try {
        return Long.parseLong(cursor.substring(CURSOR.length()));
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new ValidationException("after", "be a cursor from an execution listing", cursor);
  }

  /** {@inheritDoc} */
  @Override
  public long countActive(String workflowId) {
    Objects.requireNonNull(workflowId, "workflowId");
    if (workflowId.length() > MAX_ID_LENGTH) {
      return 0;
    }
    return read(
        "countActive",
        h ->
            h.createQuery(
                    q(
                        "SELECT COUNT(*) FROM {p}rem_execution e WHERE e.active = 1 AND"
                            + " e.workflow_id = :w"))
                .bind("w", workflowId)
                .mapTo(Long.class)
                .one());
  }

  /** {@inheritDoc} */
  @Override
  public List<String> nodesInRemediation() {
    return read(
        "nodesInRemediation",
        h ->
            List.copyOf(
                h.createQuery(
                        q(
                            "SELECT DISTINCT e.node_id FROM {p}rem_execution e WHERE e.active = 1"
                                + " ORDER BY e.node_id"))
                    .mapTo(String.class)
                    .list()));
  }

  /** {@inheritDoc} */
  @Override
  public List<StepAttempt> attempts(String executionId) {
    Objects.requireNonNull(executionId, "executionId");
    if (executionId.length() > MAX_ID_LENGTH) {
      return List.of();
    }
    return read(
        "attempts",
        h ->
            List.copyOf(
                h.createQuery(
                        q(
                            "SELECT a.doc FROM {p}rem_attempt a WHERE a.execution_id = :id ORDER BY"
                                + " a.seq"))
                    .bind("id", executionId)
                    .map((rs, ctx) -> RemediationDocs.attempt(rs.getString(1)))
                    .list()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One transaction: selects the ids (an admitted execution only if a newer finished admitted
   * execution of its workflow and node exists, found on the cooldown index), then deletes their
   * attempts, queued signals and rows by id (MariaDB and MySQL cannot select from the table a
   * statement deletes from).
   */
  @Override
  public int deleteFinishedBefore(Instant before, int limit) {
    Objects.requireNonNull(before, "before");
    if (limit < 1) {
      throw new ValidationException("limit", "be at least 1", limit);
    }
    return inTx(
        "deleteFinishedBefore",
        h -> {
          List<String> ids =
              h.createQuery(
                      q(
                          "SELECT e.id FROM {p}rem_execution e WHERE e.active = 0 AND"
                              + " e.finished_at < :before AND (e.admitted = 0 OR EXISTS (SELECT 1"
                              + " FROM {p}rem_execution l WHERE l.workflow_id = e.workflow_id AND"
                              + " l.node_id = e.node_id AND l.admitted = 1 AND l.finished_at >="
                              + " e.finished_at AND (l.finished_at > e.finished_at OR l.seq >"
                              + " e.seq))) ORDER BY e.finished_at, e.seq LIMIT :limit FOR UPDATE"))
                  .bind("before", Times.toDb(before))
                  .bind("limit", limit)
                  .mapTo(String.class)
                  .list();
          if (ids.isEmpty()) {
            return 0;
          }
          h.createUpdate(q("DELETE FROM {p}rem_attempt WHERE execution_id IN (<ids>)"))
              .bindList("ids", ids)
              .execute();
          h.createUpdate(q("DELETE FROM {p}rem_signal WHERE execution_id IN (<ids>)"))
              .bindList("ids", ids)
              .execute();
          return h.createUpdate(
                  q("DELETE FROM {p}rem_execution WHERE id IN (<ids>) AND active = 0"))
              .bindList("ids", ids)
              .execute();
        });
  }

  // ---------------------------------------------------------------- signals

  /** {@inheritDoc} */
  @Override
  public ExecutionSignal postSignal(ExecutionSignal signal) {
    Objects.requireNonNull(signal, "signal");
    checkId("executionId", signal.executionId());
    String doc = RemediationDocs.signalDoc(signal);
    long id =
        read(
            "postSignal",
            h ->
                h.createUpdate(
                        q(
                            "INSERT INTO {p}rem_signal (execution_id, doc) VALUES (:executionId,"
                                + " :doc)"))
                    .bind("executionId", signal.executionId())
                    .bind("doc", doc)
                    .executeAndReturnGeneratedKeys(dialect == Dialect.H2 ? "ID" : "id")
                    .mapTo(Long.class)
                    .one());
    return signal.withId(id);
  }

  /** {@inheritDoc} */
  @Override
  public List<ExecutionSignal> signals(String owner) {
    Objects.requireNonNull(owner, "owner");
    if (owner.length() > MAX_ID_LENGTH) {
      return List.of();
    }
    return read(
        "signals",
        h ->
            List.copyOf(
                h.createQuery(
                        q(
                            "SELECT s.id, s.execution_id, s.doc FROM {p}rem_signal s JOIN"
                                + " {p}rem_execution e ON e.id = s.execution_id WHERE e.owner ="
                                + " :owner ORDER BY s.id"))
                    .bind("owner", owner)
                    .map(
                        (rs, ctx) ->
                            RemediationDocs.signal(rs.getLong(1), rs.getString(2), rs.getString(3)))
                    .list()));
  }

  /** {@inheritDoc} */
  @Override
  public boolean deleteSignal(long signalId) {
    return read(
        "deleteSignal",
        h ->
            h.createUpdate(q("DELETE FROM {p}rem_signal WHERE id = :id"))
                    .bind("id", signalId)
                    .execute()
                > 0);
  }

  // ---------------------------------------------------------------- plumbing

  private static WorkflowExecution execution(ResultSet rs) throws SQLException {
    ExecutionColumns c =
        new ExecutionColumns(
            rs.getString(1),
            rs.getLong(2),
            rs.getString(3),
            rs.getString(4),
            ExecutionStatus.valueOf(rs.getString(5)),
            Times.fromDb(rs.getBigDecimal(6)),
            Times.fromDb(rs.getBigDecimal(7)),
            rs.getString(8),
            Times.fromDb(rs.getBigDecimal(9)),
            rs.getLong(10),
            rs.getLong(11));
    return RemediationDocs.execution(c, rs.getString(12));
  }

  private static void checkExecution(WorkflowExecution e) {
    checkId("id", e.id());
    checkId("workflowId", e.workflowId());
    checkId("nodeId", e.nodeId());
    checkId("owner", e.owner());
  }

  private static void checkId(String field, String value) {
    if (value != null && value.length() > MAX_ID_LENGTH) {
      throw new ValidationException(
          field,
          "be at most " + MAX_ID_LENGTH + " characters in a JDBC store",
          value.length() + " characters");
    }
  }

  /** Replaces {@code {p}} with the table prefix. */
  private String q(String sql) {
    return sql.replace("{p}", prefix);
  }

  /** Makes an INSERT skip rows whose unique keys exist, where the database can say so in SQL. */
  private String insertIgnoring(String insert) {
    return dialect == Dialect.POSTGRESQL ? insert + " ON CONFLICT DO NOTHING" : insert;
  }

  /**
   * Runs an INSERT that may collide with a unique key, inside a transaction that must go on after a
   * collision (PostgreSQL: {@code ON CONFLICT DO NOTHING}; elsewhere the failed statement alone is
   * undone).
   *
   * @return whether the row was inserted
   */
  private boolean insertIgnoringDuplicate(Handle h, String insert, Function<Update, ?> binder) {
    try {
      Update update = h.createUpdate(insertIgnoring(insert));
      binder.apply(update);
      return update.execute() > 0;
    } catch (JdbiException e) {
      if (dialect != Dialect.POSTGRESQL && Errors.isDuplicateKey(e, dialect)) {
        return false;
      }
      throw e;
    }
  }

  private void open(String op) {
    if (closed.get()) {
      throw new JdbcStoreException(
          op, null, 0, "JDBC store operation '" + op + "' failed: the JdbcStore is closed");
    }
  }

  /** Runs one statement (or several, each committed on its own) in autocommit mode. */
  private <R> R read(String op, HandleCallback<R, RuntimeException> callback) {
    open(op);
    try {
      return jdbi.withHandle(callback);
    } catch (JdbiException e) {
      throw Errors.translate(op, e);
    }
  }

  /**
   * Runs a transaction, again from the start (up to {@value #MAX_TX_ATTEMPTS} times) when it loses
   * a deadlock or a serialization conflict.
   */
  private <R> R inTx(String op, HandleCallback<R, RuntimeException> callback) {
    open(op);
    for (int attempt = 1; ; attempt++) {
      try {
        return jdbi.inTransaction(callback);
      } catch (JdbiException e) {
        if (attempt < MAX_TX_ATTEMPTS && Errors.isRetryable(e)) {
          continue;
        }
        throw Errors.translate(op, e);
      }
    }
  }

  @Override
  public String toString() {
    return "JdbcRemediationStore[" + dialect + ", prefix=" + prefix + "]";
  }
}
