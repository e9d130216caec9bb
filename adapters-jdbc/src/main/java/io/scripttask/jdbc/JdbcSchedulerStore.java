package io.scripttask.jdbc;

import io.scripttask.jdbc.internal.Errors;
import io.scripttask.jdbc.internal.Json;
import io.scripttask.jdbc.internal.Times;
import io.scripttask.scheduler.AfterCompletionTrigger;
import io.scripttask.scheduler.DuplicateScheduleException;
import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.MaintenanceWindow;
import io.scripttask.scheduler.NoSuchScheduleException;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleQuery;
import io.scripttask.scheduler.ScheduleState;
import io.scripttask.scheduler.SchedulerInstance;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.StaleVersionException;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.Variable;
import io.scripttask.scheduler.VariableScope;
import io.scripttask.scheduler.WaitReason;
import io.scripttask.scheduler.spi.ClaimOutcome;
import io.scripttask.scheduler.spi.ClaimRequest;
import io.scripttask.scheduler.spi.DispatchShare;
import io.scripttask.scheduler.spi.FireOutcome;
import io.scripttask.scheduler.spi.FireRequest;
import io.scripttask.scheduler.spi.RunningCounts;
import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.spi.TransitionRequest;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import java.util.function.ToLongFunction;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The durable {@link SchedulerStore} on a relational database (H2, PostgreSQL, MariaDB, MySQL),
 * obtained from {@link JdbcStore#schedulerStore()}. Several scheduler instances may share it: every
 * method is one transaction, compare-and-set by version, and safe across connections and processes.
 *
 * <p><b>Layout.</b> The fields that queries filter and sort on are columns, with the indexes the
 * {@link SchedulerStore} Javadoc lists; everything else is a JSON document beside them. Instants
 * are stored as epoch nanoseconds in {@code NUMERIC(28, 0)} columns, so the store returns exactly
 * the instant it was given. Identifiers (ids, node and group names, tags) are limited to {@value
 * #MAX_ID_LENGTH} characters.
 *
 * <p><b>Limits across a cluster.</b> {@link #claim} serializes only the claims that share a limit:
 * in one transaction it locks the job's row, then one row per limited key ({@code SELECT ... FOR
 * UPDATE} on {@code <prefix>limit_lock}, in sorted order, so claims never deadlock), counts the
 * running jobs of each key and claims the job. An unlimited claim locks nothing but the job's row.
 * Running jobs are counted from indexes that hold only running rows (per group: {@code
 * <prefix>running_group}, kept while a job runs), so the counts do not grow with the job history.
 *
 * <p><b>No convoys.</b> Instances of a cluster read the same due schedules and ready jobs, in the
 * same order. {@link #fire} and {@link #claim} therefore lock the schedule's or the job's row with
 * {@code FOR UPDATE SKIP LOCKED} (PostgreSQL, MariaDB 10.6+, MySQL 8, H2 2.x all have it): a row
 * another transaction holds is being fired, claimed or changed by it, so the caller gets {@link
 * FireOutcome.Status#STALE} or {@link ClaimOutcome.Lost} at once and moves on to the next one,
 * instead of waiting to lose the compare-and-set. (Should that other transaction fail, the schedule
 * is still due, or the job still ready, at the next pass.) The limit key rows are locked with a
 * plain {@code FOR UPDATE}: a claim must wait for the count.
 *
 * <p><b>Retention.</b> {@link #deleteFinishedBefore} deletes by age; with {@link
 * JdbcStore.Builder#keepFinishedPerSchedule(int)} it also keeps only the newest finished jobs of
 * each schedule ({@link #deleteFinishedBeyond}).
 *
 * <p><b>Secrets.</b> Variable values (secret or not) and script contents are stored as given (not
 * encrypted). Failures are reported as {@link JdbcStoreException}s whose messages never quote a
 * secret variable's value or a script's content.
 */
public final class JdbcSchedulerStore implements SchedulerStore {

  /** The longest id, node id, group, tag, owner or variable name the store accepts. */
  public static final int MAX_ID_LENGTH = 255;

  private static final int MAX_TX_ATTEMPTS = 8;

  /** The most ids one {@code IN} list of {@link #getAll} holds. */
  private static final int IN_LIST = 500;

  private static final String RUNNING = "'" + JobStatus.RUNNING.name() + "'";

  private static final String SCHEDULE_COLUMNS =
      "s.id, s.state, s.next_fire_time, s.last_fire_time, s.version, s.doc";
  private static final String JOB_COLUMNS = "j.doc, j.version";

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final String prefix;
  private final int keepFinishedPerSchedule;
  private final AtomicBoolean closed;

  /** Rows of {@code limit_lock} known to exist: they are never deleted. */
  private final Set<String> knownLimitKeys = ConcurrentHashMap.newKeySet();

  private final String insertJobSql;
  private final String updateJobSql;
  private final String updateJobBatchSql;
  private final String updateJobsAtOnceSql;
  private final String nextSequenceSql;

  /**
   * On PostgreSQL, a sequence's statement commits without waiting for its WAL to reach the disk
   * ({@code synchronous_commit} off for that transaction only): {@code nextval} writes WAL, so in
   * autocommit every call waited for a disk flush (about a millisecond here, once per claim batch).
   * This loses nothing: WAL is flushed in order, so the commit of any row that stores a number (a
   * job's sequence or fencing token, committed synchronously) flushes the sequence's advance with
   * it; only numbers that no committed row holds could be handed out again after a server crash.
   * Used only where the statement commits by itself ({@link #ownCommit}).
   */
  private static final String NO_FLUSH =
      "(SELECT set_config('synchronous_commit', 'off', true)) AS no_flush";

  JdbcSchedulerStore(
      Jdbi jdbi,
      Dialect dialect,
      String prefix,
      int keepFinishedPerSchedule,
      AtomicBoolean closed) {
    this.jdbi = jdbi;
    this.closed = closed;
    this.dialect = dialect;
    this.prefix = prefix;
    this.keepFinishedPerSchedule = keepFinishedPerSchedule;
    this.insertJobSql =
        insertIgnoring(
            q(
                "INSERT INTO {p}job (id, schedule_id, fire_schedule_id, fire_time, node_id, status,"
                    + " pending, priority, ready_at, seq, created_at, finished_at, owner,"
                    + " fencing_token, attempt, version, doc) VALUES (:id, :scheduleId,"
                    + " :fireScheduleId, :fireTime, :nodeId, :status, :pending, :priority, :readyAt,"
                    + " :seq, :createdAt, :finishedAt, :owner, :fencingToken, :attempt, :version,"
                    + " :doc)"));
    this.updateJobSql =
        q(
            "UPDATE {p}job SET status = :status, pending = :pending, priority = :priority,"
                + " ready_at = :readyAt, created_at = :createdAt, finished_at = :finishedAt,"
                + " owner = :owner, fencing_token = :fencingToken, attempt = :attempt,"
                + " version = :version, doc = :doc WHERE id = :id AND status = :expectedStatus"
                + " AND version = :expectedVersion AND fire_schedule_id = :fireScheduleId"
                + " AND fire_time = :fireTime AND node_id = :nodeId AND seq = :seq AND "
                + nullSafeEquals("schedule_id", ":scheduleId"));
    this.updateJobBatchSql =
        q(
            "UPDATE {p}job SET status = ?, pending = ?, priority = ?, ready_at = ?, created_at = ?,"
                + " finished_at = ?, owner = ?, fencing_token = ?, attempt = ?, version = ?, doc = ?"
                + " WHERE id = ? AND status = ? AND version = ? AND fire_schedule_id = ? AND"
                + " fire_time = ? AND node_id = ? AND seq = ? AND "
                + nullSafeEquals("schedule_id", "?"));
    this.updateJobsAtOnceSql =
        q(
            "UPDATE {p}job j SET status = u.status, pending = u.pending, priority = u.priority,"
                + " ready_at = u.ready_at, created_at = u.created_at, finished_at = u.finished_at,"
                + " owner = u.owner, fencing_token = u.fencing_token, attempt = u.attempt,"
                + " version = u.version, doc = u.doc FROM unnest(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?) AS u (status, pending, priority, ready_at, created_at,"
                + " finished_at, owner, fencing_token, attempt, version, doc, id, was_status,"
                + " was_version, fire_schedule_id, fire_time, node_id, seq, schedule_id) WHERE"
                + " j.id = u.id COLLATE \"C\" AND j.status = u.was_status AND j.version ="
                + " u.was_version AND j.fire_schedule_id = u.fire_schedule_id COLLATE \"C\" AND"
                + " j.fire_time = u.fire_time AND j.node_id = u.node_id COLLATE \"C\" AND j.seq ="
                + " u.seq AND j.schedule_id IS NOT DISTINCT FROM u.schedule_id COLLATE \"C\""
                + " RETURNING j.id");
    this.nextSequenceSql =
        switch (dialect) {
          case POSTGRESQL -> q("SELECT nextval('{p}sequence') FROM " + NO_FLUSH);
          case H2 -> q("SELECT NEXT VALUE FOR {p}sequence");
          case MARIADB -> q("SELECT NEXTVAL({p}sequence)");
          case MYSQL -> q("UPDATE {p}sequence SET value = LAST_INSERT_ID(value + 1) WHERE id = 1");
        };
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

  // ---------------------------------------------------------------- schedules

  /** {@inheritDoc} */
  @Override
  public Schedule create(Schedule schedule) {
    Objects.requireNonNull(schedule, "schedule");
    checkSchedule(schedule);
    Schedule stored = schedule.withVersion(0);
    return inTx(
        "create",
        h -> {
          if (!insertIgnoringDuplicate(
              h, insertScheduleSql(), st -> bindScheduleColumns(st, stored))) {
            throw new DuplicateScheduleException(stored.id());
          }
          insertTags(h, stored.id(), stored.spec().tags());
          return stored;
        });
  }

  private String insertScheduleSql() {
    return q(
        "INSERT INTO {p}schedule (id, state, next_fire_time, last_fire_time, upstream_id,"
            + " script_id, version, doc) VALUES (:id, :state, :nextFireTime, :lastFireTime,"
            + " :upstreamId, :scriptId, :version, :doc)");
  }

  /** {@inheritDoc} */
  @Override
  public Schedule update(Schedule schedule, long expectedVersion) {
    Objects.requireNonNull(schedule, "schedule");
    checkSchedule(schedule);
    Schedule stored = schedule.withVersion(expectedVersion + 1);
    return inTx(
        "update",
        h -> {
          Optional<Long> version =
              h.createQuery(q("SELECT version FROM {p}schedule WHERE id = :id FOR UPDATE"))
                  .bind("id", schedule.id())
                  .mapTo(Long.class)
                  .findOne();
          if (version.isEmpty()) {
            throw new NoSuchScheduleException(schedule.id());
          }
          if (version.get() != expectedVersion) {
            throw new StaleVersionException(
                "schedule", schedule.id(), expectedVersion, version.get());
          }
          bindScheduleColumns(
                  h.createUpdate(
                      q(
                          "UPDATE {p}schedule SET state = :state, next_fire_time = :nextFireTime,"
                              + " last_fire_time = :lastFireTime, upstream_id = :upstreamId,"
                              + " script_id = :scriptId, version = :version, doc = :doc"
                              + " WHERE id = :id")),
                  stored)
              .execute();
          Set<String> oldTags =
              new HashSet<>(
                  h.createQuery(q("SELECT tag FROM {p}schedule_tag WHERE schedule_id = :id"))
                      .bind("id", schedule.id())
                      .mapTo(String.class)
                      .list());
          Set<String> newTags = stored.spec().tags();
          Set<String> removed = new TreeSet<>(oldTags);
          removed.removeAll(newTags);
          if (!removed.isEmpty()) {
            h.createUpdate(
                    q("DELETE FROM {p}schedule_tag WHERE schedule_id = :id AND tag IN (<tags>)"))
                .bind("id", schedule.id())
                .bindList("tags", new ArrayList<>(removed))
                .execute();
          }
          Set<String> added = new TreeSet<>(newTags);
          added.removeAll(oldTags);
          insertTags(h, schedule.id(), added);
          return stored;
        });
  }

  private void insertTags(Handle h, String scheduleId, Collection<String> tags) {
    for (String tag : tags) {
      h.createUpdate(q("INSERT INTO {p}schedule_tag (schedule_id, tag) VALUES (:id, :tag)"))
          .bind("id", scheduleId)
          .bind("tag", tag)
          .execute();
    }
  }

  private static <S extends SqlStatement<S>> S bindScheduleColumns(S st, Schedule s) {
    String upstream =
        s.spec().trigger() instanceof AfterCompletionTrigger after ? after.scheduleId() : null;
    return st.bind("id", s.id())
        .bind("state", s.state().name())
        .bind("nextFireTime", Times.toDb(s.nextFireTime()))
        .bind("lastFireTime", Times.toDb(s.lastFireTime()))
        .bind("upstreamId", upstream)
        .bind("scriptId", s.spec().scriptId())
        .bind("version", s.version())
        .bind("doc", Json.scheduleDoc(s));
  }

  /** {@inheritDoc} */
  @Override
  public boolean delete(String scheduleId) {
    Objects.requireNonNull(scheduleId, "scheduleId");
    return inTx(
        "delete",
        h -> {
          int deleted =
              h.createUpdate(q("DELETE FROM {p}schedule WHERE id = :id"))
                  .bind("id", scheduleId)
                  .execute();
          h.createUpdate(q("DELETE FROM {p}schedule_tag WHERE schedule_id = :id"))
              .bind("id", scheduleId)
              .execute();
          return deleted > 0;
        });
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Schedule> get(String scheduleId) {
    Objects.requireNonNull(scheduleId, "scheduleId");
    return read(
        "get",
        h ->
            h.createQuery(q("SELECT " + SCHEDULE_COLUMNS + " FROM {p}schedule s WHERE s.id = :id"))
                .bind("id", scheduleId)
                .map((rs, ctx) -> schedule(rs))
                .findOne());
  }

  /**
   * {@inheritDoc}
   *
   * <p>One query per {@value #IN_LIST} ids.
   */
  @Override
  public Map<String, Schedule> getAll(Collection<String> scheduleIds) {
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(scheduleIds));
    for (String id : ids) {
      Objects.requireNonNull(id, "scheduleId");
    }
    Map<String, Schedule> found = new HashMap<>();
    for (int from = 0; from < ids.size(); from += IN_LIST) {
      List<String> part = ids.subList(from, Math.min(ids.size(), from + IN_LIST));
      read(
              "getAll",
              h ->
                  h.createQuery(
                          q(
                              "SELECT "
                                  + SCHEDULE_COLUMNS
                                  + " FROM {p}schedule s WHERE s.id IN (<ids>)"))
                      .bindList("ids", part)
                      .map((rs, ctx) -> schedule(rs))
                      .list())
          .forEach(sc -> found.put(sc.id(), sc));
    }
    return found;
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
    String afterId = after == null ? null : after.substring(2);
    StringBuilder sql = new StringBuilder("SELECT " + SCHEDULE_COLUMNS + " FROM {p}schedule s");
    List<String> where = new ArrayList<>();
    if (afterId != null) {
      where.add("s.id > :after");
    }
    if (!query.states().isEmpty()) {
      where.add("s.state IN (<states>)");
    }
    if (query.scriptId() != null) {
      where.add("s.script_id = :scriptId");
    }
    if (query.tag() != null) {
      where.add(
          "EXISTS (SELECT 1 FROM {p}schedule_tag t WHERE t.schedule_id = s.id AND t.tag = :tag)");
    }
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    sql.append(" ORDER BY s.id LIMIT :limit");
    List<Schedule> rows =
        read(
            "list",
            h -> {
              var st =
                  h.createQuery(q(sql.toString()))
                      .bind("after", afterId)
                      .bind("scriptId", query.scriptId())
                      .bind("tag", query.tag())
                      .bind("limit", page.limit() + 1);
              if (!query.states().isEmpty()) {
                st.bindList("states", names(query.states()));
              }
              return st.map((rs, ctx) -> schedule(rs)).list();
            });
    return page(rows, page.limit(), s -> "s:" + s.id());
  }

  /** {@inheritDoc} */
  @Override
  public long scheduleCount() {
    return read(
        "scheduleCount",
        h -> h.createQuery(q("SELECT COUNT(*) FROM {p}schedule")).mapTo(Long.class).one());
  }

  /** {@inheritDoc} */
  @Override
  public List<Schedule> dueSchedules(Instant upTo, int limit) {
    Objects.requireNonNull(upTo, "upTo");
    positive("limit", limit);
    return read(
        "dueSchedules",
        h ->
            List.copyOf(
                h.createQuery(
                        q(
                            "SELECT "
                                + SCHEDULE_COLUMNS
                                + " FROM {p}schedule s WHERE s.state = :state"
                                + " AND s.next_fire_time <= :upTo"
                                + " ORDER BY s.next_fire_time, s.id LIMIT :limit"))
                    .bind("state", ScheduleState.ACTIVE.name())
                    .bind("upTo", Times.toDb(upTo))
                    .bind("limit", limit)
                    .map((rs, ctx) -> schedule(rs))
                    .list()));
  }

  /** {@inheritDoc} */
  @Override
  public List<Schedule> triggeredAfter(String upstreamScheduleId) {
    Objects.requireNonNull(upstreamScheduleId, "upstreamScheduleId");
    return read(
        "triggeredAfter",
        h ->
            List.copyOf(
                h.createQuery(
                        q(
                            "SELECT "
                                + SCHEDULE_COLUMNS
                                + " FROM {p}schedule s WHERE s.upstream_id = :upstream"
                                + " ORDER BY s.id"))
                    .bind("upstream", upstreamScheduleId)
                    .map((rs, ctx) -> schedule(rs))
                    .list()));
  }

  /** {@inheritDoc} */
  @Override
  public FireOutcome fire(
      String scheduleId, Instant expectedNextFire, Instant newNextFire, List<Job> jobs) {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(expectedNextFire, "expectedNextFire");
    List<Job> given = List.copyOf(Objects.requireNonNull(jobs, "jobs"));
    if (newNextFire != null && !newNextFire.isAfter(expectedNextFire)) {
      throw new ValidationException(
          "newNextFire", "be after expectedNextFire (" + expectedNextFire + ")", newNextFire);
    }
    for (Job j : given) {
      if (!scheduleId.equals(j.scheduleId())) {
        throw new ValidationException(
            "jobs", "all belong to schedule " + scheduleId, "a job of " + j.scheduleId());
      }
      checkJob(j);
    }
    return inTx(
        "fire",
        h -> {
          Optional<Schedule> locked =
              h.createQuery(
                      q(
                          "SELECT "
                              + SCHEDULE_COLUMNS
                              + " FROM {p}schedule s WHERE s.id = :id FOR UPDATE SKIP LOCKED"))
                  .bind("id", scheduleId)
                  .map((rs, ctx) -> schedule(rs))
                  .findOne();
          if (locked.isEmpty()) {
            // missing, or another transaction holds it (firing or changing it): do not wait
            Optional<Schedule> seen =
                h.createQuery(
                        q("SELECT " + SCHEDULE_COLUMNS + " FROM {p}schedule s WHERE s.id = :id"))
                    .bind("id", scheduleId)
                    .map((rs, ctx) -> schedule(rs))
                    .findOne();
            if (seen.isEmpty()) {
              return new FireOutcome(FireOutcome.Status.NOT_FOUND, null, List.of(), List.of());
            }
            FireOutcome.Status status =
                seen.get().state() == ScheduleState.ACTIVE
                    ? FireOutcome.Status.STALE
                    : FireOutcome.Status.NOT_ACTIVE;
            return new FireOutcome(status, seen.get(), List.of(), List.of());
          }
          Schedule current = locked.get();
          if (current.state() != ScheduleState.ACTIVE) {
            return new FireOutcome(FireOutcome.Status.NOT_ACTIVE, current, List.of(), List.of());
          }
          if (!expectedNextFire.equals(current.nextFireTime())) {
            return new FireOutcome(FireOutcome.Status.STALE, current, List.of(), List.of());
          }
          Schedule advanced =
              current
                  .withNextFireTime(newNextFire)
                  .withLastFireTime(expectedNextFire)
                  .withVersion(current.version() + 1);
          h.createUpdate(
                  q(
                      "UPDATE {p}schedule SET next_fire_time = :next, last_fire_time = :last,"
                          + " version = :version WHERE id = :id"))
              .bind("next", Times.toDb(newNextFire))
              .bind("last", Times.toDb(expectedNextFire))
              .bind("version", advanced.version())
              .bind("id", scheduleId)
              .execute();
          List<Job> inserted = new ArrayList<>();
          List<FireKey> ignored = new ArrayList<>();
          for (Job j : given) {
            Optional<Job> stored = insertJob(h, j);
            if (stored.isPresent()) {
              inserted.add(stored.get());
            } else {
              ignored.add(j.fireKey());
            }
          }
          return new FireOutcome(FireOutcome.Status.FIRED, advanced, inserted, ignored);
        });
  }

  // ---------------------------------------------------------------- jobs

  /** {@inheritDoc} */
  @Override
  public Optional<Job> job(String jobId) {
    Objects.requireNonNull(jobId, "jobId");
    return read("job", h -> findJob(h, jobId));
  }

  private Optional<Job> findJob(Handle h, String jobId) {
    return h.createQuery(q("SELECT " + JOB_COLUMNS + " FROM {p}job j WHERE j.id = :id"))
        .bind("id", jobId)
        .map((rs, ctx) -> job(rs))
        .findOne();
  }

  /** {@inheritDoc} */
  @Override
  public boolean insert(Job job) {
    Objects.requireNonNull(job, "job");
    checkJob(job);
    if (job.status() == JobStatus.RUNNING) {
      return inTx("insert", h -> insertJob(h, job).isPresent());
    }
    return read("insert", h -> insertJob(h, job).isPresent());
  }

  /**
   * Inserts a job with version 0 unless its fire key or id exists.
   *
   * @return the stored job, or empty if it existed
   */
  private Optional<Job> insertJob(Handle h, Job job) {
    Job stored = job.version() == 0 ? job : job.toBuilder().version(0).build();
    int inserted;
    try {
      inserted = bindJob(h.createUpdate(insertJobSql), stored).execute();
    } catch (JdbiException e) {
      if (dialect != Dialect.POSTGRESQL && Errors.isDuplicateKey(e, dialect)) {
        return Optional.empty();
      }
      throw e;
    }
    if (inserted == 0) {
      return Optional.empty();
    }
    if (stored.status() == JobStatus.RUNNING) {
      insertRunningGroups(h, stored);
    }
    return Optional.of(stored);
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Job> transition(Job next, JobStatus expectedStatus, long expectedVersion) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(expectedStatus, "expectedStatus");
    checkJob(next);
    boolean running = expectedStatus == JobStatus.RUNNING || next.status() == JobStatus.RUNNING;
    HandleCallback<Optional<Job>, RuntimeException> step =
        h -> casJob(h, next, expectedStatus, expectedVersion);
    return running ? inTx("transition", step) : read("transition", step);
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Job> transition(
      Job next, JobStatus expectedStatus, long expectedVersion, List<Job> follow) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(expectedStatus, "expectedStatus");
    List<Job> given = List.copyOf(Objects.requireNonNull(follow, "follow"));
    checkJob(next);
    given.forEach(this::checkJob);
    return inTx(
        "transition",
        h -> {
          Optional<Job> stored = casJob(h, next, expectedStatus, expectedVersion);
          if (stored.isPresent()) {
            for (Job j : given) {
              insertJob(h, j);
            }
          }
          return stored;
        });
  }

  /**
   * The compare-and-set of a job, keeping {@code running_group} in step when RUNNING is involved.
   *
   * @return the stored job, or empty when the CAS failed
   * @throws ValidationException if the job exists with the expected status and version but {@code
   *     next} changes its identity
   */
  private Optional<Job> casJob(Handle h, Job next, JobStatus expectedStatus, long expectedVersion) {
    Job stored = next.toBuilder().version(expectedVersion + 1).build();
    int updated =
        bindJob(h.createUpdate(updateJobSql), stored)
            .bind("expectedStatus", expectedStatus.name())
            .bind("expectedVersion", expectedVersion)
            .execute();
    if (updated == 0) {
      Optional<Job> current = findJob(h, next.id());
      if (current.isPresent()
          && current.get().status() == expectedStatus
          && current.get().version() == expectedVersion) {
        checkIdentity(current.get(), next);
      }
      return Optional.empty();
    }
    if (expectedStatus == JobStatus.RUNNING && !stored.groups().isEmpty()) {
      // a job's groups never change (they are part of the job since its fire), so a job without
      // groups has no running_group rows
      h.createUpdate(q("DELETE FROM {p}running_group WHERE job_id = :id"))
          .bind("id", stored.id())
          .execute();
    }
    if (stored.status() == JobStatus.RUNNING) {
      insertRunningGroups(h, stored);
    }
    return Optional.of(stored);
  }

  /** Inserts the running group rows of several jobs with one JDBC batch. */
  private void insertRunningGroups(Handle h, List<Job> jobs) {
    PreparedBatch insert = null;
    for (Job j : jobs) {
      for (String g : j.groups()) {
        if (insert == null) {
          insert =
              h.prepareBatch(q("INSERT INTO {p}running_group (group_id, job_id) VALUES (:g, :id)"));
        }
        insert.bind("g", g).bind("id", j.id()).add();
      }
    }
    if (insert != null) {
      insert.execute();
    }
  }

  private void insertRunningGroups(Handle h, Job j) {
    for (String g : j.groups()) {
      h.createUpdate(q("INSERT INTO {p}running_group (group_id, job_id) VALUES (:g, :id)"))
          .bind("g", g)
          .bind("id", j.id())
          .execute();
    }
  }

  /** A job's row as a batch claim reads it: its state and its identity columns. */
  private record HeldRow(
      String id,
      String status,
      long version,
      String scheduleId,
      String fireScheduleId,
      BigDecimal fireTime,
      String nodeId,
      long seq) {

    /** Whether a row was locked and is still in the status and version a claim expects. */
    static boolean holds(HeldRow row, JobStatus expectedStatus, long expectedVersion) {
      return row != null
          && row.status.equals(expectedStatus.name())
          && row.version == expectedVersion;
    }

    /** The row as it is after this transaction claimed it. */
    HeldRow claimedAs(long newVersion) {
      return new HeldRow(
          id,
          JobStatus.RUNNING.name(),
          newVersion,
          scheduleId,
          fireScheduleId,
          fireTime,
          nodeId,
          seq);
    }

    /** As {@link #checkIdentity(Job, Job)}, from the columns. */
    void checkIdentity(Job next) {
      FireKey key = next.fireKey();
      if (!fireScheduleId.equals(key.scheduleId())
          || fireTime.compareTo(Times.toDb(key.fireTime())) != 0
          || !nodeId.equals(key.nodeId())
          || !Objects.equals(scheduleId, next.scheduleId())
          || seq != next.sequence()) {
        throw new ValidationException(
            "next", "keep the job's schedule id, fire key and sequence", next.fireKey());
      }
    }
  }

  /**
   * Statuses as SQL literals (enum names: nothing to escape), so that the planner can match a
   * partial index's predicate (PostgreSQL's {@code job_unfinished}), which it cannot with bound
   * values in a generic plan.
   */
  private static String literals(Set<JobStatus> statuses) {
    StringBuilder sb = new StringBuilder();
    for (JobStatus s : EnumSet.copyOf(statuses)) {
      sb.append(sb.length() == 0 ? "'" : ", '").append(s.name()).append('\'');
    }
    return sb.toString();
  }

  /**
   * Locks jobs' rows without waiting ({@code FOR UPDATE SKIP LOCKED}: a row another transaction
   * holds is being claimed or changed by it, so a claim of it is lost either way) and reads the
   * columns a claim checks, not the documents: nothing in a claim needs the whole job.
   *
   * @return the locked rows by id; a row held elsewhere or missing is absent
   */
  private Map<String, HeldRow> lockHeldRows(Handle h, Collection<String> ids) {
    Map<String, HeldRow> rows = new HashMap<>();
    h.createQuery(
            q(
                "SELECT j.id, j.status, j.version, j.schedule_id, j.fire_schedule_id,"
                    + " j.fire_time, j.node_id, j.seq FROM {p}job j WHERE j.id IN (<ids>)"
                    + " FOR UPDATE SKIP LOCKED"))
        .bindList("ids", new ArrayList<>(ids))
        .map(
            (rs, ctx) ->
                new HeldRow(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getLong(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getBigDecimal(6),
                    rs.getString(7),
                    rs.getLong(8)))
        .forEach(row -> rows.put(row.id(), row));
    return rows;
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
    checkJob(running);
    TreeSet<String> keys = limitKeys(running, limits);
    ensureLimitRows(keys);
    return inTx(
        "claim",
        h -> {
          if (!keys.isEmpty() && dialect.isMySqlFamily()) {
            // the counts must see the claims committed while this one waited for the key locks
            h.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
          }
          // the job's row first, without waiting: a row another transaction holds is being
          // claimed or changed by it, so this claim is lost either way
          HeldRow current = lockHeldRows(h, Set.of(running.id())).get(running.id());
          if (!HeldRow.holds(current, expectedStatus, expectedVersion)) {
            return new ClaimOutcome.Lost();
          }
          current.checkIdentity(running);
          for (String key : keys) {
            lockLimitKey(h, key);
          }
          ClaimOutcome.Limited full =
              keys.isEmpty() ? null : fullLimit(running, limits, key -> countKey(h, key));
          if (full != null) {
            return full;
          }
          Optional<Job> stored = casJob(h, running, expectedStatus, expectedVersion);
          return stored
              .<ClaimOutcome>map(ClaimOutcome.Claimed::new)
              .orElseGet(ClaimOutcome.Lost::new);
        });
  }

  /** Locks a limit key's row until the transaction ends, creating the row if it is missing. */
  private void lockLimitKey(Handle h, String key) {
    String lock = q("SELECT lock_key FROM {p}limit_lock WHERE lock_key = :k FOR UPDATE");
    while (h.createQuery(lock).bind("k", key).mapTo(String.class).findOne().isEmpty()) {
      insertIgnoringDuplicate(
          h, q("INSERT INTO {p}limit_lock (lock_key) VALUES (:k)"), st -> st.bind("k", key));
    }
  }

  /** The lock rows a claim of {@code j} under {@code limits} takes, sorted. */
  private static TreeSet<String> limitKeys(Job j, Limits limits) {
    TreeSet<String> keys = new TreeSet<>();
    if (limits.perNode() != Limits.UNLIMITED) {
      keys.add("n:" + j.nodeId());
    }
    if (limits.perGroup() != Limits.UNLIMITED) {
      for (String g : j.groups()) {
        keys.add("g:" + g);
      }
    }
    if (limits.perSchedule() != Limits.UNLIMITED && j.scheduleId() != null) {
      keys.add("s:" + j.scheduleId());
    }
    if (limits.global() != Limits.UNLIMITED) {
      keys.add("*");
    }
    return keys;
  }

  private void ensureLimitRows(Collection<String> keys) {
    for (String key : keys) {
      if (knownLimitKeys.contains(key)) {
        continue;
      }
      read(
          "claim",
          h -> {
            try {
              h.createUpdate(insertIgnoring(q("INSERT INTO {p}limit_lock (lock_key) VALUES (:k)")))
                  .bind("k", key)
                  .execute();
            } catch (JdbiException e) {
              if (!Errors.isDuplicateKey(e, dialect)) {
                throw e;
              }
            }
            return null;
          });
      knownLimitKeys.add(key);
    }
  }

  /**
   * The first full limit for one more running job like {@code j}, or null if all admit it.
   *
   * @param running the number of running jobs of a limit key (as {@link #limitKeys} names them)
   */
  private static ClaimOutcome.Limited fullLimit(
      Job j, Limits limits, ToLongFunction<String> running) {
    if (limits.perNode() != Limits.UNLIMITED) {
      long node = running.applyAsLong("n:" + j.nodeId());
      if (!Limits.admits(limits.perNode(), node)) {
        return new ClaimOutcome.Limited(
            WaitReason.NODE_LIMIT,
            "node " + j.nodeId() + " runs " + node + " (limit " + limits.perNode() + ")");
      }
    }
    if (limits.perGroup() != Limits.UNLIMITED) {
      for (String g : j.groups()) {
        long group = running.applyAsLong("g:" + g);
        if (!Limits.admits(limits.perGroup(), group)) {
          return new ClaimOutcome.Limited(
              WaitReason.GROUP_LIMIT,
              "group " + g + " runs " + group + " (limit " + limits.perGroup() + ")");
        }
      }
    }
    if (limits.perSchedule() != Limits.UNLIMITED && j.scheduleId() != null) {
      long schedule = running.applyAsLong("s:" + j.scheduleId());
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
    if (limits.global() != Limits.UNLIMITED) {
      long global = running.applyAsLong("*");
      if (!Limits.admits(limits.global(), global)) {
        return new ClaimOutcome.Limited(
            WaitReason.GLOBAL_LIMIT, global + " jobs run (limit " + limits.global() + ")");
      }
    }
    return null;
  }

  private static final String COUNT_NODE =
      "SELECT COUNT(*) FROM {p}job WHERE status = " + RUNNING + " AND node_id = :k";
  private static final String COUNT_GROUP =
      "SELECT COUNT(*) FROM {p}running_group WHERE group_id = :k";
  private static final String COUNT_SCHEDULE =
      "SELECT COUNT(*) FROM {p}job WHERE status = " + RUNNING + " AND schedule_id = :k";
  private static final String COUNT_GLOBAL =
      "SELECT COUNT(*) FROM {p}job WHERE status = " + RUNNING;

  /** The number of running jobs of one limit key. */
  private long countKey(Handle h, String key) {
    if (key.equals("*")) {
      return count(h, COUNT_GLOBAL, null);
    }
    String k = key.substring(2);
    return switch (key.charAt(0)) {
      case 'n' -> count(h, COUNT_NODE, k);
      case 'g' -> count(h, COUNT_GROUP, k);
      default -> count(h, COUNT_SCHEDULE, k);
    };
  }

  private long count(Handle h, String sql, String key) {
    return h.createQuery(q(sql)).bind("k", key).mapTo(Long.class).one();
  }

  /**
   * The running counts of several limit keys, in at most four statements (one per kind of key).
   *
   * @return a mutable map with an entry for every key
   */
  private Map<String, Long> countKeys(Handle h, Set<String> keys) {
    Map<String, Long> counts = new HashMap<>();
    Map<Character, List<String>> byKind = new HashMap<>();
    for (String key : keys) {
      counts.put(key, 0L);
      if (key.equals("*")) {
        counts.put(key, count(h, COUNT_GLOBAL, null));
      } else {
        byKind.computeIfAbsent(key.charAt(0), c -> new ArrayList<>()).add(key.substring(2));
      }
    }
    String running = " WHERE status = " + RUNNING + " AND ";
    countInto(h, counts, "n:", "node_id", "{p}job" + running, byKind.get('n'));
    countInto(h, counts, "g:", "group_id", "{p}running_group WHERE ", byKind.get('g'));
    countInto(h, counts, "s:", "schedule_id", "{p}job" + running, byKind.get('s'));
    return counts;
  }

  private void countInto(
      Handle h,
      Map<String, Long> counts,
      String kind,
      String column,
      String fromWhere,
      List<String> values) {
    if (values == null) {
      return;
    }
    if (values.size() > 500) {
      for (String value : values) {
        counts.put(kind + value, countKey(h, kind + value));
      }
      return;
    }
    Map<String, Long> found = new HashMap<>();
    h.createQuery(
            q(
                "SELECT "
                    + column
                    + ", COUNT(*) FROM "
                    + fromWhere
                    + column
                    + " IN (<values>) GROUP BY "
                    + column))
        .bindList("values", values)
        .map(
            (rs, ctx) -> {
              found.put(rs.getString(1), rs.getLong(2));
              return null;
            })
        .forEach(x -> {});
    for (String value : values) {
      Long c = found.get(value);
      if (c == null && dialect.isMySqlFamily() && !found.isEmpty()) {
        // a case-insensitive collation may have reported it under another spelling
        c = countKey(h, kind + value);
      }
      counts.put(kind + value, c == null ? 0L : c);
    }
  }

  /** Counts a claimed job in the running counts of the keys it belongs to. */
  private static void countClaim(Map<String, Long> counts, Job j) {
    counts.computeIfPresent("n:" + j.nodeId(), (k, v) -> v + 1);
    for (String g : j.groups()) {
      counts.computeIfPresent("g:" + g, (k, v) -> v + 1);
    }
    if (j.scheduleId() != null) {
      counts.computeIfPresent("s:" + j.scheduleId(), (k, v) -> v + 1);
    }
    counts.computeIfPresent("*", (k, v) -> v + 1);
  }

  /** Locks limit key rows until the transaction ends, in sorted order, creating missing rows. */
  private void lockLimitKeys(Handle h, TreeSet<String> keys) {
    if (dialect == Dialect.POSTGRESQL && keys.size() > 1) {
      // PostgreSQL sorts before it locks, so the rows are locked in this order (code point order,
      // as the TreeSet's, for the ids in the Basic Multilingual Plane)
      Set<String> locked =
          new HashSet<>(
              h.createQuery(
                      q(
                          "SELECT lock_key FROM {p}limit_lock WHERE lock_key IN (<keys>)"
                              + " ORDER BY lock_key COLLATE \"C\" FOR UPDATE"))
                  .bindList("keys", new ArrayList<>(keys))
                  .mapTo(String.class)
                  .list());
      for (String key : keys) {
        if (!locked.contains(key)) {
          lockLimitKey(h, key);
        }
      }
      return;
    }
    for (String key : keys) {
      lockLimitKey(h, key);
    }
  }

  // ---------------------------------------------------------------- batches

  /**
   * {@inheritDoc}
   *
   * <p>One transaction for the whole batch: it locks the limit key rows of all limited claims up
   * front (sorted, so batches and single claims never deadlock), counts their running jobs once,
   * locks the jobs' rows in one statement ({@code FOR UPDATE SKIP LOCKED}: a job another
   * transaction holds is {@link ClaimOutcome.Lost}), decides each claim in list order, counting the
   * claims before it, and writes the claimed jobs with one JDBC batch.
   */
  @Override
  public List<ClaimOutcome> claimAll(List<ClaimRequest> requests) {
    List<ClaimRequest> given = List.copyOf(Objects.requireNonNull(requests, "requests"));
    if (given.isEmpty()) {
      return List.of();
    }
    if (given.size() == 1) {
      ClaimRequest r = given.get(0);
      return List.of(claim(r.running(), r.expectedStatus(), r.expectedVersion(), r.limits()));
    }
    List<TreeSet<String>> keysOf = new ArrayList<>(given.size());
    TreeSet<String> allKeys = new TreeSet<>();
    Set<String> ids = new LinkedHashSet<>();
    for (ClaimRequest r : given) {
      checkJob(r.running());
      TreeSet<String> keys = limitKeys(r.running(), r.limits());
      keysOf.add(keys);
      allKeys.addAll(keys);
      ids.add(r.running().id());
    }
    ensureLimitRows(allKeys);
    return inTx(
        "claimAll",
        h -> {
          if (!allKeys.isEmpty() && dialect.isMySqlFamily()) {
            // the counts must see the claims committed while this one waited for the key locks
            h.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
          }
          lockLimitKeys(h, allKeys);
          Map<String, Long> counts = allKeys.isEmpty() ? new HashMap<>() : countKeys(h, allKeys);
          Map<String, HeldRow> current = lockHeldRows(h, ids);
          List<ClaimOutcome> outcomes = new ArrayList<>(given.size());
          List<Job> claimed = new ArrayList<>();
          List<ClaimRequest> claimedBy = new ArrayList<>();
          for (int i = 0; i < given.size(); i++) {
            ClaimRequest r = given.get(i);
            HeldRow c = current.get(r.running().id());
            if (!HeldRow.holds(c, r.expectedStatus(), r.expectedVersion())) {
              outcomes.add(new ClaimOutcome.Lost());
              continue;
            }
            c.checkIdentity(r.running());
            HeldRow claimedRow = c.claimedAs(r.expectedVersion() + 1);
            ClaimOutcome.Limited full =
                keysOf.get(i).isEmpty() ? null : fullLimit(r.running(), r.limits(), counts::get);
            if (full != null) {
              outcomes.add(full);
              continue;
            }
            Job stored = r.running().toBuilder().version(r.expectedVersion() + 1).build();
            current.put(stored.id(), claimedRow);
            countClaim(counts, stored);
            claimed.add(stored);
            claimedBy.add(r);
            outcomes.add(new ClaimOutcome.Claimed(stored));
          }
          if (!claimed.isEmpty()) {
            int[] updated =
                updateJobs(
                    h,
                    claimed,
                    i -> claimedBy.get(i).expectedStatus(),
                    i -> claimedBy.get(i).expectedVersion());
            for (int n : updated) {
              if (n == 0) {
                // impossible: the rows are locked and were checked
                throw new IllegalStateException("a locked job's row did not take its claim");
              }
            }
            insertRunningGroups(h, claimed);
          }
          return Collections.unmodifiableList(outcomes);
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>One transaction for the whole batch: it locks the schedules' rows in one statement ({@code
   * FOR UPDATE SKIP LOCKED}: a schedule another transaction holds is {@link
   * FireOutcome.Status#STALE}), decides each fire in list order and writes the advanced schedules
   * and the new jobs with JDBC batches (the jobs one by one on H2 and MariaDB/MySQL, whose batches
   * cannot skip a duplicate fire key).
   */
  @Override
  public List<FireOutcome> fireAll(List<FireRequest> requests) {
    List<FireRequest> given = List.copyOf(Objects.requireNonNull(requests, "requests"));
    if (given.isEmpty()) {
      return List.of();
    }
    if (given.size() == 1) {
      FireRequest r = given.get(0);
      return List.of(fire(r.scheduleId(), r.expectedNextFire(), r.newNextFire(), r.jobs()));
    }
    Set<String> ids = new LinkedHashSet<>();
    for (FireRequest r : given) {
      ids.add(r.scheduleId());
      r.jobs().forEach(this::checkJob);
    }
    return inTx(
        "fireAll",
        h -> {
          Map<String, Schedule> locked = new HashMap<>();
          h.createQuery(
                  q(
                      "SELECT "
                          + SCHEDULE_COLUMNS
                          + " FROM {p}schedule s WHERE s.id IN (<ids>) FOR UPDATE SKIP LOCKED"))
              .bindList("ids", new ArrayList<>(ids))
              .map((rs, ctx) -> schedule(rs))
              .forEach(s -> locked.put(s.id(), s));
          List<String> missing = new ArrayList<>(ids);
          missing.removeAll(locked.keySet());
          Map<String, Schedule> seen = new HashMap<>();
          if (!missing.isEmpty()) {
            // missing, or another transaction holds them (firing or changing them): do not wait
            h.createQuery(
                    q("SELECT " + SCHEDULE_COLUMNS + " FROM {p}schedule s WHERE s.id IN (<ids>)"))
                .bindList("ids", missing)
                .map((rs, ctx) -> schedule(rs))
                .forEach(s -> seen.put(s.id(), s));
          }
          FireOutcome[] outcomes = new FireOutcome[given.size()];
          List<Schedule> advancedList = new ArrayList<>();
          List<Integer> fired = new ArrayList<>();
          List<Job> jobs = new ArrayList<>();
          for (int i = 0; i < given.size(); i++) {
            FireRequest r = given.get(i);
            Schedule current = locked.get(r.scheduleId());
            if (current == null) {
              Schedule s = seen.get(r.scheduleId());
              outcomes[i] =
                  s == null
                      ? new FireOutcome(FireOutcome.Status.NOT_FOUND, null, List.of(), List.of())
                      : new FireOutcome(
                          s.state() == ScheduleState.ACTIVE
                              ? FireOutcome.Status.STALE
                              : FireOutcome.Status.NOT_ACTIVE,
                          s,
                          List.of(),
                          List.of());
            } else if (current.state() != ScheduleState.ACTIVE) {
              outcomes[i] =
                  new FireOutcome(FireOutcome.Status.NOT_ACTIVE, current, List.of(), List.of());
            } else if (!r.expectedNextFire().equals(current.nextFireTime())) {
              outcomes[i] =
                  new FireOutcome(FireOutcome.Status.STALE, current, List.of(), List.of());
            } else {
              Schedule advanced =
                  current
                      .withNextFireTime(r.newNextFire())
                      .withLastFireTime(r.expectedNextFire())
                      .withVersion(current.version() + 1);
              locked.put(advanced.id(), advanced);
              advancedList.add(advanced);
              fired.add(i);
              jobs.addAll(r.jobs());
            }
          }
          if (!advancedList.isEmpty()) {
            PreparedBatch update =
                h.prepareBatch(
                    q(
                        "UPDATE {p}schedule SET next_fire_time = :next, last_fire_time = :last,"
                            + " version = :version WHERE id = :id"));
            for (Schedule s : advancedList) {
              update
                  .bind("next", Times.toDb(s.nextFireTime()))
                  .bind("last", Times.toDb(s.lastFireTime()))
                  .bind("version", s.version())
                  .bind("id", s.id())
                  .add();
            }
            update.execute();
          }
          List<Optional<Job>> stored = insertJobs(h, jobs);
          int next = 0;
          for (int k = 0; k < fired.size(); k++) {
            int i = fired.get(k);
            List<Job> inserted = new ArrayList<>();
            List<FireKey> ignored = new ArrayList<>();
            for (Job j : given.get(i).jobs()) {
              Optional<Job> s = stored.get(next++);
              if (s.isPresent()) {
                inserted.add(s.get());
              } else {
                ignored.add(j.fireKey());
              }
            }
            outcomes[i] =
                new FireOutcome(FireOutcome.Status.FIRED, advancedList.get(k), inserted, ignored);
          }
          return List.of(outcomes);
        });
  }

  /**
   * Inserts jobs in order as {@link #insertJob} does, on PostgreSQL with one JDBC batch.
   *
   * @return per job, the stored job or empty if its fire key or id existed
   */
  private List<Optional<Job>> insertJobs(Handle h, List<Job> jobs) {
    List<Optional<Job>> results = new ArrayList<>(jobs.size());
    if (dialect != Dialect.POSTGRESQL || jobs.size() < 2) {
      for (Job j : jobs) {
        results.add(insertJob(h, j));
      }
      return results;
    }
    PreparedBatch insert = h.prepareBatch(insertJobSql);
    List<Job> stored = new ArrayList<>(jobs.size());
    for (Job j : jobs) {
      Job s = j.version() == 0 ? j : j.toBuilder().version(0).build();
      stored.add(s);
      bindJob(insert, s).add();
    }
    int[] inserted = insert.execute();
    List<Job> running = new ArrayList<>();
    for (int i = 0; i < stored.size(); i++) {
      Job s = stored.get(i);
      boolean ok =
          inserted[i] > 0
              // a driver that does not report counts (reWriteBatchedInserts): look
              || (inserted[i] < 0 && findJob(h, s.id()).filter(s::equals).isPresent());
      results.add(ok ? Optional.of(s) : Optional.empty());
      if (ok && s.status() == JobStatus.RUNNING) {
        running.add(s);
      }
    }
    insertRunningGroups(h, running);
    return results;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One transaction for the whole batch: on PostgreSQL and H2 the compare-and-sets go as one
   * JDBC batch (each keeps its own condition: one that fails changes nothing and inserts no follow
   * jobs), then the running group rows and the follow jobs; on MariaDB/MySQL, whose drivers may not
   * report a batch's counts, the changes run one by one in the transaction.
   */
  @Override
  public List<Optional<Job>> transitionAll(List<TransitionRequest> requests) {
    List<TransitionRequest> given = List.copyOf(Objects.requireNonNull(requests, "requests"));
    if (given.isEmpty()) {
      return List.of();
    }
    if (given.size() == 1) {
      TransitionRequest r = given.get(0);
      return List.of(
          r.follow().isEmpty()
              ? transition(r.next(), r.expectedStatus(), r.expectedVersion())
              : transition(r.next(), r.expectedStatus(), r.expectedVersion(), r.follow()));
    }
    Set<String> ids = new HashSet<>();
    for (TransitionRequest r : given) {
      checkJob(r.next());
      r.follow().forEach(this::checkJob);
      ids.add(r.next().id());
    }
    boolean oneByOne = ids.size() < given.size() || dialect.isMySqlFamily();
    HandleCallback<List<Optional<Job>>, RuntimeException> batch =
        h -> {
          if (oneByOne) {
            // a job changed twice must see its first change (and its running group rows)
            List<Optional<Job>> results = new ArrayList<>(given.size());
            for (TransitionRequest r : given) {
              Optional<Job> stored = casJob(h, r.next(), r.expectedStatus(), r.expectedVersion());
              if (stored.isPresent()) {
                for (Job j : r.follow()) {
                  insertJob(h, j);
                }
              }
              results.add(stored);
            }
            return Collections.unmodifiableList(results);
          }
          List<Job> stored = new ArrayList<>(given.size());
          for (TransitionRequest r : given) {
            stored.add(r.next().toBuilder().version(r.expectedVersion() + 1).build());
          }
          int[] updated =
              updateJobs(
                  h,
                  stored,
                  i -> given.get(i).expectedStatus(),
                  i -> given.get(i).expectedVersion());
          List<Optional<Job>> results = new ArrayList<>(given.size());
          List<String> leftRunning = new ArrayList<>();
          List<Job> nowRunning = new ArrayList<>();
          List<Job> follow = new ArrayList<>();
          for (int i = 0; i < given.size(); i++) {
            TransitionRequest r = given.get(i);
            Job s = stored.get(i);
            boolean ok =
                updated[i] > 0
                    || (updated[i] < 0 && findJob(h, s.id()).filter(s::equals).isPresent());
            if (!ok) {
              Optional<Job> current = findJob(h, s.id());
              if (current.isPresent()
                  && current.get().status() == r.expectedStatus()
                  && current.get().version() == r.expectedVersion()) {
                checkIdentity(current.get(), r.next());
              }
              results.add(Optional.empty());
              continue;
            }
            if (r.expectedStatus() == JobStatus.RUNNING && !s.groups().isEmpty()) {
              leftRunning.add(s.id());
            }
            if (s.status() == JobStatus.RUNNING) {
              nowRunning.add(s);
            }
            follow.addAll(r.follow());
            results.add(Optional.of(s));
          }
          if (!leftRunning.isEmpty()) {
            h.createUpdate(q("DELETE FROM {p}running_group WHERE job_id IN (<ids>)"))
                .bindList("ids", leftRunning)
                .execute();
          }
          insertRunningGroups(h, nowRunning);
          insertJobs(h, follow);
          return Collections.unmodifiableList(results);
        };
    return inTx("transitionAll", batch);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One statement: PostgreSQL {@code nextval} over {@code generate_series}, H2 {@code NEXT VALUE
   * FOR} over {@code SYSTEM_RANGE}, MariaDB {@code NEXTVAL} over a recursive CTE, MySQL one {@code
   * LAST_INSERT_ID(value + count)} increment.
   */
  @Override
  public long[] nextSequences(int count) {
    positive("count", count);
    if (count == 1) {
      return new long[] {nextSequence()};
    }
    long[] numbers =
        read(
            "nextSequences",
            h -> {
              if (dialect == Dialect.MYSQL) {
                h.createUpdate(
                        q(
                            "UPDATE {p}sequence SET value = LAST_INSERT_ID(value + :n)"
                                + " WHERE id = 1"))
                    .bind("n", count)
                    .execute();
                long last = h.createQuery("SELECT LAST_INSERT_ID()").mapTo(Long.class).one();
                long[] n = new long[count];
                for (int i = 0; i < count; i++) {
                  n[i] = last - count + 1 + i;
                }
                return n;
              }
              String sql =
                  switch (dialect) {
                    case POSTGRESQL ->
                        "SELECT nextval('{p}sequence') FROM generate_series(1, :n)"
                            + (ownCommit(h) ? " CROSS JOIN " + NO_FLUSH : "");
                    case H2 -> "SELECT NEXT VALUE FOR {p}sequence FROM SYSTEM_RANGE(1, :n)";
                    default ->
                        "WITH RECURSIVE r (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r"
                            + " WHERE i < :n) SELECT NEXTVAL({p}sequence) FROM r";
                  };
              return h.createQuery(q(sql)).bind("n", count).mapTo(Long.class).list().stream()
                  .mapToLong(Long::longValue)
                  .sorted()
                  .toArray();
            });
    for (int i = 1; i < numbers.length; i++) {
      if (numbers[i] <= numbers[i - 1]) {
        throw new IllegalStateException("the database returned a sequence number twice");
      }
    }
    if (numbers.length != count) {
      throw new IllegalStateException(
          "the database returned " + numbers.length + " sequence numbers, not " + count);
    }
    return numbers;
  }

  /** {@inheritDoc} */
  @Override
  public List<Job> dispatchable(Instant now, int limit) {
    return dispatchablePage(now, null, limit, null);
  }

  /** {@inheritDoc} A seek on the dispatch index: the rows after {@code after}'s order key. */
  @Override
  public List<Job> dispatchable(Instant now, Job after, int limit) {
    return dispatchablePage(now, Objects.requireNonNull(after, "after"), limit, null);
  }

  /**
   * {@inheritDoc} The share is a condition of the same seek on the dispatch index ({@code seq}
   * modulo the share's count, or {@code ready_at} at or before its opening), so the instances of a
   * cluster read different rows of a long queue.
   */
  @Override
  public List<Job> dispatchable(Instant now, Job after, int limit, DispatchShare share) {
    return dispatchablePage(now, after, limit, Objects.requireNonNull(share, "share"));
  }

  /**
   * The condition of a {@link DispatchShare} on the dispatch query. A {@code CASE} rather than the
   * equivalent {@code OR}: PostgreSQL estimates an {@code OR} of a {@code MOD} equality and a range
   * at well under 1% of the rows, and then prefers reading every ready row and sorting them to the
   * ordered scan of the dispatch index; a {@code CASE} it estimates at half, and keeps the index.
   */
  static final String SHARE_CONDITION =
      "CASE WHEN MOD(j.seq, :shareCount) = :shareIndex THEN TRUE ELSE j.ready_at <= :open END";

  /**
   * The ready jobs in dispatch order, from the head or after {@code after} (may be null), in {@code
   * share} (may be null: all).
   */
  private List<Job> dispatchablePage(Instant now, Job after, int limit, DispatchShare share) {
    Objects.requireNonNull(now, "now");
    positive("limit", limit);
    String shared = share == null ? "" : " AND " + SHARE_CONDITION;
    String seek =
        after == null
            ? ""
            : " AND (j.priority > :p OR (j.priority = :p AND (j.ready_at > :r"
                + " OR (j.ready_at = :r AND (j.seq > :s OR (j.seq = :s AND j.id > :id))))))";
    return read(
        "dispatchable",
        h -> {
          Query query =
              h.createQuery(
                      q(
                          "SELECT "
                              + JOB_COLUMNS
                              + " FROM {p}job j WHERE j.pending = 1 AND j.ready_at <= :now"
                              + seek
                              + shared
                              + " ORDER BY j.priority, j.ready_at, j.seq, j.id LIMIT :limit"))
                  .bind("now", Times.toDb(now))
                  .bind("limit", limit);
          if (share != null) {
            query
                .bind("shareCount", share.count())
                .bind("shareIndex", share.index())
                .bind("open", Times.toDb(share.openFrom()));
          }
          if (after != null) {
            query
                .bind("p", after.priority().ordinal())
                .bind("r", Times.toDb(after.readyAt()))
                .bind("s", after.sequence())
                .bind("id", after.id());
          }
          return List.copyOf(query.map((rs, ctx) -> job(rs)).list());
        });
  }

  /** {@inheritDoc} */
  @Override
  public RunningCounts runningCounts() {
    // one statement, so one snapshot on every database
    String sql =
        q(
            "SELECT 'n' AS kind, node_id AS k, COUNT(*) AS c FROM {p}job WHERE status = "
                + RUNNING
                + " GROUP BY node_id"
                + " UNION ALL SELECT 's', schedule_id, COUNT(*) FROM {p}job WHERE status = "
                + RUNNING
                + " AND schedule_id IS NOT NULL GROUP BY schedule_id"
                + " UNION ALL SELECT 'g', group_id, COUNT(*) FROM {p}running_group GROUP BY group_id");
    return read(
        "runningCounts",
        h -> {
          Map<String, Long> byNode = new HashMap<>();
          Map<String, Long> bySchedule = new HashMap<>();
          Map<String, Long> byGroup = new HashMap<>();
          h.createQuery(sql)
              .map(
                  (rs, ctx) -> {
                    String kind = rs.getString(1);
                    Map<String, Long> target =
                        kind.equals("n") ? byNode : kind.equals("s") ? bySchedule : byGroup;
                    target.put(rs.getString(2), rs.getLong(3));
                    return null;
                  })
              .forEach(x -> {});
          long global = byNode.values().stream().mapToLong(Long::longValue).sum();
          return new RunningCounts(global, byNode, byGroup, bySchedule);
        });
  }

  /** {@inheritDoc} */
  @Override
  public PageResult<Job> jobs(JobQuery query, Page page) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(page, "page");
    long afterSeq = 0;
    String afterId = null;
    if (page.after() != null) {
      String cursor = page.after();
      int colon = cursor.indexOf(':', 2);
      if (!cursor.startsWith("j:") || colon < 0) {
        throw new ValidationException("after", "be a cursor from a job listing", cursor);
      }
      try {
        afterSeq = Long.parseLong(cursor.substring(2, colon));
      } catch (NumberFormatException e) {
        throw new ValidationException("after", "be a cursor from a job listing", cursor);
      }
      afterId = cursor.substring(colon + 1);
    }
    List<String> where = new ArrayList<>();
    if (afterId != null) {
      where.add("(j.seq < :afterSeq OR (j.seq = :afterSeq AND j.id < :afterId))");
    }
    if (!query.statuses().isEmpty()) {
      where.add("j.status IN (<statuses>)");
    }
    if (query.scheduleId() != null) {
      where.add("j.schedule_id = :scheduleId");
    }
    if (query.nodeId() != null) {
      where.add("j.node_id = :nodeId");
    }
    if (query.owner() != null) {
      where.add("j.owner = :owner");
    }
    if (query.createdFrom() != null) {
      where.add("j.created_at >= :createdFrom");
    }
    if (query.createdTo() != null) {
      where.add("j.created_at < :createdTo");
    }
    if (query.finishedFrom() != null) {
      where.add("j.finished_at >= :finishedFrom");
    }
    if (query.finishedTo() != null) {
      where.add("j.finished_at < :finishedTo");
    }
    String sql =
        "SELECT "
            + JOB_COLUMNS
            + " FROM {p}job j"
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY j.seq DESC, j.id DESC LIMIT :limit";
    long seq = afterSeq;
    String id = afterId;
    List<Job> rows =
        read(
            "jobs",
            h -> {
              var st =
                  h.createQuery(q(sql))
                      .bind("afterSeq", seq)
                      .bind("afterId", id)
                      .bind("scheduleId", query.scheduleId())
                      .bind("nodeId", query.nodeId())
                      .bind("owner", query.owner())
                      .bind("createdFrom", Times.toDb(query.createdFrom()))
                      .bind("createdTo", Times.toDb(query.createdTo()))
                      .bind("finishedFrom", Times.toDb(query.finishedFrom()))
                      .bind("finishedTo", Times.toDb(query.finishedTo()))
                      .bind("limit", page.limit() + 1);
              if (!query.statuses().isEmpty()) {
                st.bindList("statuses", names(query.statuses()));
              }
              return st.map((rs, ctx) -> job(rs)).list();
            });
    return page(rows, page.limit(), j -> "j:" + j.sequence() + ":" + j.id());
  }

  /** {@inheritDoc} */
  @Override
  public Map<JobStatus, Long> countByStatus() {
    return read(
        "countByStatus",
        h -> {
          EnumMap<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
          for (JobStatus s : JobStatus.values()) {
            counts.put(s, 0L);
          }
          h.createQuery(q("SELECT status, COUNT(*) FROM {p}job GROUP BY status"))
              .map(
                  (rs, ctx) -> {
                    counts.put(JobStatus.valueOf(rs.getString(1)), rs.getLong(2));
                    return null;
                  })
              .forEach(x -> {});
          return Collections.unmodifiableMap(counts);
        });
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Job> lastFinished(String scheduleId, String nodeId) {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(nodeId, "nodeId");
    return read(
        "lastFinished",
        h ->
            h.createQuery(
                    q(
                        "SELECT "
                            + JOB_COLUMNS
                            + " FROM {p}job j WHERE j.schedule_id = :s AND j.node_id = :n"
                            + " AND j.finished_at IS NOT NULL"
                            + " ORDER BY j.finished_at DESC, j.seq DESC, j.id DESC LIMIT 1"))
                .bind("s", scheduleId)
                .bind("n", nodeId)
                .map((rs, ctx) -> job(rs))
                .findOne());
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
    return read(
        "earliestUnfinished",
        h ->
            h.createQuery(
                    q(
                        "SELECT "
                            + JOB_COLUMNS
                            + " FROM {p}job j WHERE j.schedule_id = :s AND j.node_id = :n"
                            + " AND j.status IN ("
                            + literals(statuses)
                            + ") ORDER BY j.fire_time, j.seq, j.id LIMIT 1"))
                .bind("s", scheduleId)
                .bind("n", nodeId)
                .map((rs, ctx) -> job(rs))
                .findOne());
  }

  /**
   * {@inheritDoc}
   *
   * <p>When the store keeps a number of finished jobs per schedule ({@link
   * JdbcStore.Builder#keepFinishedPerSchedule(int)}), the rest of the batch also deletes the
   * finished jobs beyond that number ({@link #deleteFinishedBeyond}), so that a caller looping
   * until a short batch applies both rules.
   */
  @Override
  public int deleteFinishedBefore(Instant cutoff, int batch) {
    Objects.requireNonNull(cutoff, "cutoff");
    positive("batch", batch);
    String select =
        q(
            "SELECT j.id FROM {p}job j WHERE j.finished_at < :cutoff AND (j.schedule_id IS NULL"
                + " OR EXISTS (SELECT 1 FROM {p}job l WHERE l.schedule_id = j.schedule_id"
                + " AND l.node_id = j.node_id AND l.finished_at IS NOT NULL"
                + " AND (l.finished_at > j.finished_at OR (l.finished_at = j.finished_at"
                + " AND (l.seq > j.seq OR (l.seq = j.seq AND l.id > j.id))))))"
                + " ORDER BY j.finished_at, j.seq, j.id LIMIT :batch");
    int deleted =
        inTx(
            "deleteFinishedBefore",
            h ->
                deleteIds(
                    h,
                    h.createQuery(select)
                        .bind("cutoff", Times.toDb(cutoff))
                        .bind("batch", batch)
                        .mapTo(String.class)
                        .list()));
    if (keepFinishedPerSchedule > 0 && deleted < batch) {
      deleted += deleteFinishedBeyond(keepFinishedPerSchedule, batch - deleted);
    }
    return deleted;
  }

  /**
   * Deletes the finished jobs of each schedule beyond its {@code keep} newest (by finish time, then
   * sequence), oldest first, at most {@code batch} of them, atomically per call; call again until
   * it returns less than {@code batch}. As with {@link #deleteFinishedBefore}, the latest finished
   * job of each (schedule, node) is never deleted; ad-hoc runs of bare scripts (no schedule) are
   * left to {@link #deleteFinishedBefore}.
   *
   * @param keep how many finished jobs of each schedule to keep, at least 1
   * @param batch the most jobs deleted, at least 1
   * @return how many were deleted
   * @throws ValidationException if {@code keep} or {@code batch} is below 1
   */
  public int deleteFinishedBeyond(int keep, int batch) {
    positive("keep", keep);
    positive("batch", batch);
    String select =
        q(
            "SELECT r.id FROM (SELECT j.id, j.finished_at, j.seq, ROW_NUMBER() OVER (PARTITION BY"
                + " j.schedule_id ORDER BY j.finished_at DESC, j.seq DESC, j.id DESC) AS"
                + " schedule_rank, ROW_NUMBER() OVER (PARTITION BY j.schedule_id, j.node_id ORDER"
                + " BY j.finished_at DESC, j.seq DESC, j.id DESC) AS node_rank FROM {p}job j"
                + " WHERE j.finished_at IS NOT NULL AND j.schedule_id IS NOT NULL) r"
                + " WHERE r.schedule_rank > :keep AND r.node_rank > 1"
                + " ORDER BY r.finished_at, r.seq, r.id LIMIT :batch");
    return inTx(
        "deleteFinishedBeyond",
        h ->
            deleteIds(
                h,
                h.createQuery(select)
                    .bind("keep", keep)
                    .bind("batch", batch)
                    .mapTo(String.class)
                    .list()));
  }

  private int deleteIds(Handle h, List<String> ids) {
    if (ids.isEmpty()) {
      return 0;
    }
    return h.createUpdate(q("DELETE FROM {p}job WHERE id IN (<ids>) AND finished_at IS NOT NULL"))
        .bindList("ids", ids)
        .execute();
  }

  /** {@inheritDoc} */
  @Override
  public long nextSequence() {
    return read(
        "nextSequence",
        h -> {
          if (dialect == Dialect.MYSQL) {
            h.execute(nextSequenceSql);
            return h.createQuery("SELECT LAST_INSERT_ID()").mapTo(Long.class).one();
          }
          String sql =
              dialect == Dialect.POSTGRESQL && !ownCommit(h)
                  ? q("SELECT nextval('{p}sequence')")
                  : nextSequenceSql;
          return h.createQuery(sql).mapTo(Long.class).one();
        });
  }

  /**
   * Whether a statement on this handle commits by itself (autocommit), so that {@link #NO_FLUSH}
   * applies to that statement alone. A connection handed out inside a transaction of the host
   * application (a transaction-aware data source) is not in autocommit, and that transaction must
   * keep its own commit semantics.
   */
  private static boolean ownCommit(Handle h) {
    try {
      return h.getConnection().getAutoCommit();
    } catch (SQLException e) {
      throw new SqlFailure(e);
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
    checkId("instanceId", instanceId);
    if (!leaseUntil.isAfter(now)) {
      throw new ValidationException("leaseUntil", "be after now (" + now + ")", leaseUntil);
    }
    return inTx(
        "heartbeat",
        h -> {
          while (true) {
            int updated =
                h.createUpdate(
                        q(
                            "UPDATE {p}instance SET heartbeat_at = :now, lease_until = :lease"
                                + " WHERE id = :id"))
                    .bind("now", Times.toDb(now))
                    .bind("lease", Times.toDb(leaseUntil))
                    .bind("id", instanceId)
                    .execute();
            if (updated == 0
                && !insertIgnoringDuplicate(
                    h,
                    q(
                        "INSERT INTO {p}instance (id, started_at, heartbeat_at, lease_until)"
                            + " VALUES (:id, :now, :now, :lease)"),
                    st ->
                        st.bind("id", instanceId)
                            .bind("now", Times.toDb(now))
                            .bind("lease", Times.toDb(leaseUntil)))) {
              continue; // inserted by another connection meanwhile: refresh it
            }
            return h.createQuery(
                    q(
                        "SELECT id, started_at, heartbeat_at, lease_until FROM {p}instance"
                            + " WHERE id = :id"))
                .bind("id", instanceId)
                .map((rs, ctx) -> instance(rs))
                .one();
          }
        });
  }

  /** {@inheritDoc} */
  @Override
  public List<SchedulerInstance> instances() {
    return read(
        "instances",
        h ->
            List.copyOf(
                h.createQuery(
                        q(
                            "SELECT id, started_at, heartbeat_at, lease_until FROM {p}instance"
                                + " ORDER BY id"))
                    .map((rs, ctx) -> instance(rs))
                    .list()));
  }

  /** {@inheritDoc} */
  @Override
  public boolean removeInstance(String instanceId) {
    Objects.requireNonNull(instanceId, "instanceId");
    return read(
        "removeInstance",
        h ->
            h.createUpdate(q("DELETE FROM {p}instance WHERE id = :id"))
                    .bind("id", instanceId)
                    .execute()
                > 0);
  }

  /** {@inheritDoc} */
  @Override
  public List<Job> orphaned(Instant now, int limit) {
    Objects.requireNonNull(now, "now");
    positive("limit", limit);
    return read(
        "orphaned",
        h ->
            List.copyOf(
                h.createQuery(
                        q(
                            "SELECT "
                                + JOB_COLUMNS
                                + " FROM {p}job j LEFT JOIN {p}instance i ON i.id = j.owner"
                                + " WHERE j.status = "
                                + RUNNING
                                + " AND (i.id IS NULL OR i.lease_until <= :now)"
                                + " ORDER BY j.seq, j.id LIMIT :limit"))
                    .bind("now", Times.toDb(now))
                    .bind("limit", limit)
                    .map((rs, ctx) -> job(rs))
                    .list()));
  }

  private static SchedulerInstance instance(ResultSet rs) throws SQLException {
    return new SchedulerInstance(
        rs.getString(1),
        Times.fromDb(rs.getBigDecimal(2)),
        Times.fromDb(rs.getBigDecimal(3)),
        Times.fromDb(rs.getBigDecimal(4)));
  }

  // ---------------------------------------------------------------- windows, scripts, variables

  /** {@inheritDoc} */
  @Override
  public Optional<MaintenanceWindow> putWindow(MaintenanceWindow window) {
    Objects.requireNonNull(window, "window");
    checkId("window.id", window.id());
    String doc = Json.windowDoc(window);
    return putDoc("putWindow", "maintenance_window", window.id(), doc, Json::window, List.of());
  }

  /** {@inheritDoc} */
  @Override
  public boolean removeWindow(String windowId) {
    Objects.requireNonNull(windowId, "windowId");
    return removeById("removeWindow", "maintenance_window", windowId);
  }

  /** {@inheritDoc} */
  @Override
  public List<MaintenanceWindow> windows() {
    return listDocs("windows", "maintenance_window", Json::window);
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Script> putScript(Script script) {
    Objects.requireNonNull(script, "script");
    checkId("script.id", script.id());
    List<String> secrets = new ArrayList<>(script.commands());
    if (script.content() != null) {
      secrets.add(script.content());
    }
    return putDoc(
        "putScript", "script", script.id(), Json.scriptDoc(script), Json::script, secrets);
  }

  /** {@inheritDoc} */
  @Override
  public boolean removeScript(String scriptId) {
    Objects.requireNonNull(scriptId, "scriptId");
    return removeById("removeScript", "script", scriptId);
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Script> script(String scriptId) {
    Objects.requireNonNull(scriptId, "scriptId");
    return read(
        "script",
        h ->
            h.createQuery(q("SELECT doc FROM {p}script WHERE id = :id"))
                .bind("id", scriptId)
                .mapTo(String.class)
                .findOne()
                .map(Json::script));
  }

  /** {@inheritDoc} */
  @Override
  public List<Script> scripts() {
    return listDocs("scripts", "script", Json::script);
  }

  /**
   * Stores a document under an id, replacing any, and returns the replaced one: one transaction
   * that locks the row (or inserts it) and retries if another connection inserted it meanwhile.
   */
  private <T> Optional<T> putDoc(
      String op,
      String table,
      String id,
      String doc,
      Function<String, T> decode,
      List<String> secrets) {
    return inTx(
        op,
        secrets,
        h -> {
          while (true) {
            Optional<String> old =
                h.createQuery(q("SELECT doc FROM {p}" + table + " WHERE id = :id FOR UPDATE"))
                    .bind("id", id)
                    .mapTo(String.class)
                    .findOne();
            if (old.isPresent()) {
              h.createUpdate(q("UPDATE {p}" + table + " SET doc = :doc WHERE id = :id"))
                  .bind("doc", doc)
                  .bind("id", id)
                  .execute();
              return old.map(decode);
            }
            if (insertIgnoringDuplicate(
                h,
                q("INSERT INTO {p}" + table + " (id, doc) VALUES (:id, :doc)"),
                st -> st.bind("id", id).bind("doc", doc))) {
              return Optional.<T>empty();
            }
          }
        });
  }

  private boolean removeById(String op, String table, String id) {
    return read(
        op,
        h ->
            h.createUpdate(q("DELETE FROM {p}" + table + " WHERE id = :id"))
                    .bind("id", id)
                    .execute()
                > 0);
  }

  private <T> List<T> listDocs(String op, String table, Function<String, T> decode) {
    return read(
        op,
        h -> {
          List<T> items = new ArrayList<>();
          for (String doc :
              h.createQuery(q("SELECT doc FROM {p}" + table + " ORDER BY id"))
                  .mapTo(String.class)
                  .list()) {
            items.add(decode.apply(doc));
          }
          return List.copyOf(items);
        });
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Variable> putVariable(Variable variable) {
    Objects.requireNonNull(variable, "variable");
    String scopeId = variable.scopeId() == null ? "" : variable.scopeId();
    checkId("scopeId", scopeId);
    checkId("name", variable.name());
    List<String> secrets = variable.secret() ? List.of(variable.value()) : List.of();
    return inTx(
        "putVariable",
        secrets,
        h -> {
          while (true) {
            Optional<Variable> old =
                h.createQuery(
                        q(
                            "SELECT scope, scope_id, name, var_value, secret FROM {p}variable"
                                + " WHERE scope = :scope AND scope_id = :scopeId AND name = :name"
                                + " FOR UPDATE"))
                    .bind("scope", variable.scope().ordinal())
                    .bind("scopeId", scopeId)
                    .bind("name", variable.name())
                    .map((rs, ctx) -> variable(rs))
                    .findOne();
            if (old.isPresent()) {
              h.createUpdate(
                      q(
                          "UPDATE {p}variable SET var_value = :value, secret = :secret"
                              + " WHERE scope = :scope AND scope_id = :scopeId AND name = :name"))
                  .bind("value", variable.value())
                  .bind("secret", variable.secret())
                  .bind("scope", variable.scope().ordinal())
                  .bind("scopeId", scopeId)
                  .bind("name", variable.name())
                  .execute();
              return old;
            }
            if (insertIgnoringDuplicate(
                h,
                q(
                    "INSERT INTO {p}variable (scope, scope_id, name, var_value, secret)"
                        + " VALUES (:scope, :scopeId, :name, :value, :secret)"),
                st ->
                    st.bind("scope", variable.scope().ordinal())
                        .bind("scopeId", scopeId)
                        .bind("name", variable.name())
                        .bind("value", variable.value())
                        .bind("secret", variable.secret()))) {
              return Optional.<Variable>empty();
            }
          }
        });
  }

  /** {@inheritDoc} */
  @Override
  public boolean removeVariable(VariableScope scope, String scopeId, String name) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(name, "name");
    return read(
        "removeVariable",
        h ->
            h.createUpdate(
                        q(
                            "DELETE FROM {p}variable WHERE scope = :scope AND scope_id = :scopeId"
                                + " AND name = :name"))
                    .bind("scope", scope.ordinal())
                    .bind("scopeId", scopeId == null ? "" : scopeId)
                    .bind("name", name)
                    .execute()
                > 0);
  }

  /** {@inheritDoc} */
  @Override
  public List<Variable> variables() {
    return read(
        "variables",
        h ->
            List.copyOf(
                h.createQuery(
                        q(
                            "SELECT scope, scope_id, name, var_value, secret FROM {p}variable"
                                + " ORDER BY scope, scope_id, name"))
                    .map((rs, ctx) -> variable(rs))
                    .list()));
  }

  private static Variable variable(ResultSet rs) throws SQLException {
    VariableScope scope = VariableScope.values()[rs.getInt(1)];
    String scopeId = rs.getString(2);
    return new Variable(
        scope,
        scope == VariableScope.GLOBAL ? null : scopeId,
        rs.getString(3),
        rs.getString(4),
        rs.getBoolean(5));
  }

  // ---------------------------------------------------------------- plumbing

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
   * collision (PostgreSQL: {@code ON CONFLICT DO NOTHING}; elsewhere the statement alone fails).
   *
   * @return whether the row was inserted
   */
  private boolean insertIgnoringDuplicate(
      Handle h, String insert, Function<org.jdbi.v3.core.statement.Update, ?> binder) {
    try {
      var update = h.createUpdate(insertIgnoring(insert));
      binder.apply(update);
      return update.execute() > 0;
    } catch (JdbiException e) {
      if (dialect != Dialect.POSTGRESQL && Errors.isDuplicateKey(e, dialect)) {
        return false;
      }
      throw e;
    }
  }

  private String nullSafeEquals(String column, String parameter) {
    return dialect.isMySqlFamily()
        ? column + " <=> " + parameter
        : column + " IS NOT DISTINCT FROM " + parameter;
  }

  /**
   * The parameters of a job's compare-and-set update, in the order of {@code updateJobBatchSql} and
   * of the arrays of {@code updateJobsAtOnceSql}: the new columns, then the expected ones.
   */
  private static Object[] jobUpdate(Job j, JobStatus expectedStatus, long expectedVersion) {
    return new Object[] {
      j.status().name(),
      j.status().isPending() ? 1 : 0,
      j.priority().ordinal(),
      Times.toDb(j.readyAt()),
      Times.toDb(j.createdAt()),
      Times.toDb(j.finishedAt()),
      j.owner(),
      j.fencingToken(),
      j.attempt(),
      j.version(),
      Json.jobDoc(j),
      j.id(),
      expectedStatus.name(),
      expectedVersion,
      j.fireKey().scheduleId(),
      Times.toDb(j.fireKey().fireTime()),
      j.nodeId(),
      j.sequence(),
      j.scheduleId()
    };
  }

  /** The SQL type of each parameter of {@link #jobUpdate} (for nulls). */
  private static final int[] JOB_UPDATE_SQL_TYPES = {
    Types.VARCHAR, Types.INTEGER, Types.INTEGER, Types.NUMERIC, Types.NUMERIC, Types.NUMERIC,
    Types.VARCHAR, Types.BIGINT, Types.INTEGER, Types.BIGINT, Types.VARCHAR, Types.VARCHAR,
    Types.VARCHAR, Types.BIGINT, Types.VARCHAR, Types.NUMERIC, Types.VARCHAR, Types.BIGINT,
    Types.VARCHAR
  };

  /** The PostgreSQL array element type of each parameter of {@link #jobUpdate}. */
  private static final String[] JOB_UPDATE_PG_TYPES = {
    "text", "int4", "int4", "numeric", "numeric", "numeric", "text", "int8", "int4", "int8", "text",
    "text", "text", "int8", "text", "numeric", "text", "int8", "text"
  };

  /**
   * The Java class of each parameter of {@link #jobUpdate}: the arrays of {@link #updateJobsAtOnce}
   * are made of these (typed arrays, which the driver sends as it sent them before, not as the text
   * form of an {@code Object[]}).
   */
  private static final Class<?>[] JOB_UPDATE_CLASSES = {
    String.class,
    Integer.class,
    Integer.class,
    BigDecimal.class,
    BigDecimal.class,
    BigDecimal.class,
    String.class,
    Long.class,
    Integer.class,
    Long.class,
    String.class,
    String.class,
    String.class,
    Long.class,
    String.class,
    BigDecimal.class,
    String.class,
    Long.class,
    String.class
  };

  /**
   * Compare-and-set updates of several jobs (the claims and results of the engine's batches): on
   * PostgreSQL one statement ({@link #updateJobsAtOnce}), elsewhere one plain JDBC batch of the
   * one-row update. Jdbi's per-argument binding took about a third of the engine thread's time here
   * in the cluster benchmark; the statement and its semantics are those of {@link #bindJob}'s.
   *
   * @return the update count of each job, as the driver reports it
   */
  private int[] updateJobs(
      Handle h,
      List<Job> jobs,
      IntFunction<JobStatus> expectedStatus,
      IntToLongFunction expectedVersion) {
    List<Object[]> rows = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      rows.add(jobUpdate(jobs.get(i), expectedStatus.apply(i), expectedVersion.applyAsLong(i)));
    }
    if (dialect == Dialect.POSTGRESQL && jobs.size() > 1) {
      return updateJobsAtOnce(h, rows);
    }
    try (PreparedStatement ps = h.getConnection().prepareStatement(updateJobBatchSql)) {
      for (Object[] row : rows) {
        for (int k = 0; k < row.length; k++) {
          if (row[k] == null) {
            ps.setNull(k + 1, JOB_UPDATE_SQL_TYPES[k]);
          } else {
            ps.setObject(k + 1, row[k]);
          }
        }
        ps.addBatch();
      }
      return ps.executeBatch();
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }

  /**
   * PostgreSQL: the compare-and-set updates of several jobs (all of different ids) as one
   * statement, {@code UPDATE … FROM unnest(arrays)} joined on the id and every expected column,
   * instead of a batch of one-row statements: the same rows change, at about three quarters of the
   * server's CPU time per row (measured on this project's job table: 22-24 against 28-36 µs).
   *
   * @param rows the parameters of each job's update ({@link #jobUpdate})
   * @return 1 for each job updated, 0 for each whose expected state did not hold
   */
  private int[] updateJobsAtOnce(Handle h, List<Object[]> rows) {
    int n = rows.size();
    int idColumn = 11;
    Object[][] columns = new Object[JOB_UPDATE_CLASSES.length][];
    for (int k = 0; k < columns.length; k++) {
      columns[k] = (Object[]) java.lang.reflect.Array.newInstance(JOB_UPDATE_CLASSES[k], n);
    }
    Map<String, Integer> indexOf = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      Object[] row = rows.get(i);
      for (int k = 0; k < row.length; k++) {
        columns[k][i] = row[k];
      }
      if (indexOf.put((String) row[idColumn], i) != null) {
        throw new IllegalArgumentException("job " + row[idColumn] + " appears twice in one update");
      }
    }
    Connection c = h.getConnection();
    int[] updated = new int[n];
    try (PreparedStatement ps = c.prepareStatement(updateJobsAtOnceSql)) {
      for (int k = 0; k < columns.length; k++) {
        ps.setArray(k + 1, c.createArrayOf(JOB_UPDATE_PG_TYPES[k], columns[k]));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          updated[indexOf.get(rs.getString(1))] = 1;
        }
      }
      return updated;
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }

  /**
   * A driver failure of a plain JDBC call made inside a Jdbi callback, so that the store's
   * transaction handling (retry on deadlock, translation) treats it as any Jdbi failure.
   */
  private static final class SqlFailure extends JdbiException {
    private static final long serialVersionUID = 1L;

    SqlFailure(SQLException cause) {
      super(cause);
    }
  }

  private <S extends SqlStatement<S>> S bindJob(S st, Job j) {
    return st.bind("id", j.id())
        .bind("scheduleId", j.scheduleId())
        .bind("fireScheduleId", j.fireKey().scheduleId())
        .bind("fireTime", Times.toDb(j.fireKey().fireTime()))
        .bind("nodeId", j.nodeId())
        .bind("status", j.status().name())
        .bind("pending", j.status().isPending() ? 1 : 0)
        .bind("priority", j.priority().ordinal())
        .bind("readyAt", Times.toDb(j.readyAt()))
        .bind("seq", j.sequence())
        .bind("createdAt", Times.toDb(j.createdAt()))
        .bind("finishedAt", Times.toDb(j.finishedAt()))
        .bind("owner", j.owner())
        .bind("fencingToken", j.fencingToken())
        .bind("attempt", j.attempt())
        .bind("version", j.version())
        .bind("doc", Json.jobDoc(j));
  }

  private static Schedule schedule(ResultSet rs) throws SQLException {
    return Json.schedule(
        rs.getString(1),
        ScheduleState.valueOf(rs.getString(2)),
        Times.fromDb(rs.getBigDecimal(3)),
        Times.fromDb(rs.getBigDecimal(4)),
        rs.getLong(5),
        rs.getString(6));
  }

  private static Job job(ResultSet rs) throws SQLException {
    return Json.job(rs.getString(1), rs.getLong(2));
  }

  private static <T> PageResult<T> page(List<T> rows, int limit, Function<T, String> cursor) {
    if (rows.size() <= limit) {
      return new PageResult<>(rows, null);
    }
    List<T> items = rows.subList(0, limit);
    return new PageResult<>(items, Page.after(cursor.apply(items.get(limit - 1)), limit));
  }

  private static List<String> names(Collection<? extends Enum<?>> values) {
    List<String> names = new ArrayList<>(values.size());
    for (Enum<?> v : values) {
      names.add(v.name());
    }
    return names;
  }

  private static void positive(String field, int value) {
    if (value < 1) {
      throw new ValidationException(field, "be at least 1", value);
    }
  }

  private static void checkId(String field, String value) {
    if (value != null && value.length() > MAX_ID_LENGTH) {
      throw new ValidationException(
          field,
          "be at most " + MAX_ID_LENGTH + " characters in a JDBC store",
          value.length() + " characters");
    }
  }

  private static void checkSchedule(Schedule s) {
    checkId("id", s.id());
    checkId("spec.scriptId", s.spec().scriptId());
    for (String tag : s.spec().tags()) {
      checkId("spec.tags", tag);
    }
    if (s.spec().trigger() instanceof AfterCompletionTrigger after) {
      checkId("trigger.scheduleId", after.scheduleId());
    }
  }

  private void checkJob(Job j) {
    checkId("id", j.id());
    checkId("scheduleId", j.scheduleId());
    checkId("nodeId", j.nodeId());
    checkId("owner", j.owner());
    for (String g : j.groups()) {
      checkId("groups", g);
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

  private <R> R inTx(String op, HandleCallback<R, RuntimeException> callback) {
    return inTx(op, List.of(), callback);
  }

  /**
   * Runs a transaction, again from the start (up to {@value #MAX_TX_ATTEMPTS} times) when it loses
   * a deadlock or a serialization conflict.
   */
  private <R> R inTx(
      String op, List<String> secrets, HandleCallback<R, RuntimeException> callback) {
    open(op);
    for (int attempt = 1; ; attempt++) {
      try {
        return jdbi.inTransaction(callback);
      } catch (JdbiException e) {
        if (attempt < MAX_TX_ATTEMPTS && Errors.isRetryable(e)) {
          continue;
        }
        throw Errors.translate(op, e, secrets);
      }
    }
  }
}
