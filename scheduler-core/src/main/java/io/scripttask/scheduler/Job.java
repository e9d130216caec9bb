package io.scripttask.scheduler;

import io.scripttask.scheduler.spi.CapturedOutput;
import java.time.Instant;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One run of a schedule (or an ad-hoc run) on one node, with its attempts, status and result.
 * Immutable; changed copies are made with {@link #toBuilder()} or the transition helpers, and
 * stored through {@link io.scripttask.scheduler.spi.SchedulerStore#transition(Job, JobStatus,
 * long)}, which compares status and {@link #version()}.
 *
 * <p><b>Ad-hoc runs.</b> A fire's job has {@code scheduleId == fireKey.scheduleId()}. An ad-hoc run
 * has the key {@link FireKey#adHoc(String, Instant, String) FireKey.adHoc(id, requestedAt,
 * nodeId)}, unique by construction, and {@link #scheduleId()} is the schedule it was run for ("run
 * now") or {@code null} for a bare script run; dependency checks and per-schedule limits use {@link
 * #scheduleId()}.
 *
 * <p>{@link #toString()} never shows output text (it may be large, and may hold anything a script
 * printed): only its size.
 *
 * @param id the job's id, unique in the store
 * @param scheduleId the schedule it belongs to, or {@code null} for an ad-hoc run of a bare script
 * @param fireKey the exactly-once key
 * @param groups the node's groups when the job was created (for per-group limits)
 * @param scriptId the script it runs
 * @param scriptHash the {@link Script#contentHash()} of the script version it runs
 * @param priority its priority
 * @param dueAt when it is due: fire time plus jitter
 * @param sequence the store's {@link io.scripttask.scheduler.spi.SchedulerStore#nextSequence()}
 *     value, breaking ties in first-in-first-out order
 * @param attempt the current attempt, 1-based
 * @param maxAttempts the attempts allowed in all
 * @param status its status
 * @param waitReason why it waits; set exactly when the status is {@link JobStatus#WAITING}
 * @param skipReason why it was skipped; set exactly when the status is {@link JobStatus#SKIPPED}
 * @param detail a short human explanation of the status or error, or {@code null}; never a secret
 * @param exitCode the exit code of the last attempt, or {@code null}
 * @param stdout kept standard output of the last attempt
 * @param stderr kept standard error of the last attempt
 * @param createdAt when it was created
 * @param startedAt when the current attempt started, or {@code null}
 * @param finishedAt when it finished; set exactly when the status is final
 * @param nextAttemptAt when a retry becomes due, or {@code null}; when set it replaces {@code
 *     dueAt} for dispatch
 * @param triggeredBy who or what created it
 * @param owner the scheduler instance that claimed it, or {@code null}; set when running
 * @param fencingToken the claim's fencing token (0 when never claimed); a result reported with an
 *     older token is refused
 * @param version the optimistic-concurrency version, set by the store
 */
public record Job(
    String id,
    String scheduleId,
    FireKey fireKey,
    Set<String> groups,
    String scriptId,
    String scriptHash,
    Priority priority,
    Instant dueAt,
    long sequence,
    int attempt,
    int maxAttempts,
    JobStatus status,
    WaitReason waitReason,
    SkipReason skipReason,
    String detail,
    Integer exitCode,
    CapturedOutput stdout,
    CapturedOutput stderr,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Instant nextAttemptAt,
    TriggeredBy triggeredBy,
    String owner,
    long fencingToken,
    long version) {

  /**
   * Validates the job.
   *
   * @throws NullPointerException if a required field is null
   * @throws ValidationException if a field breaks its rule or the fields disagree (see the
   *     parameter descriptions)
   */
  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(fireKey, "fireKey");
    Objects.requireNonNull(scriptId, "scriptId");
    Objects.requireNonNull(scriptHash, "scriptHash");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(dueAt, "dueAt");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(triggeredBy, "triggeredBy");
    if (id.isBlank()) {
      throw new ValidationException("id", "not be blank", "\"" + id + "\"");
    }
    if (fireKey.isAdHoc()) {
      if (!fireKey.scheduleId().equals(FireKey.AD_HOC_PREFIX + id)) {
        throw new ValidationException(
            "fireKey", "be FireKey.adHoc(\"" + id + "\", ...) for an ad-hoc job", fireKey);
      }
    } else if (!fireKey.scheduleId().equals(scheduleId)) {
      throw new ValidationException(
          "scheduleId", "equal the fire key's schedule id " + fireKey.scheduleId(), scheduleId);
    }
    groups = canonicalGroups(groups);
    if (scriptId.isBlank()) {
      throw new ValidationException("scriptId", "not be blank", "\"" + scriptId + "\"");
    }
    if (sequence < 0) {
      throw new ValidationException("sequence", "be at least 0", sequence);
    }
    if (maxAttempts < 1 || maxAttempts > Retry.MAX_ATTEMPTS) {
      throw new ValidationException("maxAttempts", "be 1-" + Retry.MAX_ATTEMPTS, maxAttempts);
    }
    if (attempt < 1 || attempt > maxAttempts) {
      throw new ValidationException("attempt", "be 1-" + maxAttempts + " (maxAttempts)", attempt);
    }
    if ((status == JobStatus.WAITING) != (waitReason != null)) {
      throw new ValidationException(
          "waitReason",
          "be set exactly when the status is WAITING (status " + status + ")",
          waitReason);
    }
    if ((status == JobStatus.SKIPPED) != (skipReason != null)) {
      throw new ValidationException(
          "skipReason",
          "be set exactly when the status is SKIPPED (status " + status + ")",
          skipReason);
    }
    if (status.isFinal() != (finishedAt != null)) {
      throw new ValidationException(
          "finishedAt",
          "be set exactly when the status is final (status " + status + ")",
          finishedAt);
    }
    if (status == JobStatus.RUNNING && (startedAt == null || owner == null)) {
      throw new ValidationException(
          "startedAt and owner", "be set when the status is RUNNING", startedAt + ", " + owner);
    }
    if (owner != null && owner.isBlank()) {
      throw new ValidationException("owner", "not be blank", "\"" + owner + "\"");
    }
    if (fencingToken < 0) {
      throw new ValidationException("fencingToken", "be at least 0", fencingToken);
    }
    if (version < 0) {
      throw new ValidationException("version", "be at least 0", version);
    }
  }

  /** The class of {@code Set.of(x)}: immutable, without nulls; its one element is in order. */
  private static final Class<?> SET_OF_ONE = Set.of("").getClass();

  /**
   * The groups as stored in a job: an immutable set without nulls iterating in ascending order.
   * Sets already in that shape (those of another job, {@code Set.of()} and {@code Set.of(x)}) are
   * kept as they are, so that copying a job copies no set.
   */
  private static Set<String> canonicalGroups(Collection<String> groups) {
    Objects.requireNonNull(groups, "groups");
    if (groups instanceof SortedGroups) {
      return (Set<String>) groups;
    }
    if (groups.isEmpty()) {
      return Set.of();
    }
    if (groups.size() == 1) {
      if (groups.getClass() == SET_OF_ONE) {
        return (Set<String>) groups;
      }
      return Set.of(Objects.requireNonNull(groups.iterator().next(), "groups"));
    }
    String[] sorted = groups.toArray(new String[0]);
    for (String g : sorted) {
      Objects.requireNonNull(g, "groups");
    }
    Arrays.sort(sorted);
    int n = 0;
    for (String g : sorted) {
      if (n == 0 || !sorted[n - 1].equals(g)) {
        sorted[n++] = g;
      }
    }
    return n == 1 ? Set.of(sorted[0]) : new SortedGroups(Arrays.copyOf(sorted, n));
  }

  /** An immutable set of distinct strings in ascending order, backed by a sorted array. */
  private static final class SortedGroups extends AbstractSet<String> {
    private final String[] sorted;

    SortedGroups(String[] sorted) {
      this.sorted = sorted;
    }

    @Override
    public int size() {
      return sorted.length;
    }

    @Override
    public boolean contains(Object o) {
      return o instanceof String s && Arrays.binarySearch(sorted, s) >= 0;
    }

    @Override
    public Iterator<String> iterator() {
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          return next < sorted.length;
        }

        @Override
        public String next() {
          if (next >= sorted.length) {
            throw new NoSuchElementException();
          }
          return sorted[next++];
        }
      };
    }
  }

  /**
   * Starts a {@link JobStatus#QUEUED} job, attempt 1 of 1, with empty output, version 0.
   *
   * @param id the job's id
   * @param scheduleId the schedule, or null for an ad-hoc bare script run
   * @param fireKey the exactly-once key
   * @return a builder, not thread-safe
   */
  public static Builder builder(String id, String scheduleId, FireKey fireKey) {
    return new Builder(id, scheduleId, fireKey);
  }

  /**
   * @return a builder holding this job's values
   */
  public Builder toBuilder() {
    Builder b = new Builder(id, scheduleId, fireKey, triggeredBy);
    b.groups = groups;
    b.scriptId = scriptId;
    b.scriptHash = scriptHash;
    b.priority = priority;
    b.dueAt = dueAt;
    b.sequence = sequence;
    b.attempt = attempt;
    b.maxAttempts = maxAttempts;
    b.status = status;
    b.waitReason = waitReason;
    b.skipReason = skipReason;
    b.detail = detail;
    b.exitCode = exitCode;
    b.stdout = stdout;
    b.stderr = stderr;
    b.createdAt = createdAt;
    b.startedAt = startedAt;
    b.finishedAt = finishedAt;
    b.nextAttemptAt = nextAttemptAt;
    b.triggeredBy = triggeredBy;
    b.owner = owner;
    b.fencingToken = fencingToken;
    b.version = version;
    return b;
  }

  /**
   * A copy with another version (what a store does when it stores a change).
   *
   * @param newVersion the version
   * @return the copy, or this job if it has that version
   * @throws ValidationException if {@code newVersion} is negative
   */
  public Job withVersion(long newVersion) {
    if (newVersion == version) {
      return this;
    }
    return new Job(
        id,
        scheduleId,
        fireKey,
        groups,
        scriptId,
        scriptHash,
        priority,
        dueAt,
        sequence,
        attempt,
        maxAttempts,
        status,
        waitReason,
        skipReason,
        detail,
        exitCode,
        stdout,
        stderr,
        createdAt,
        startedAt,
        finishedAt,
        nextAttemptAt,
        triggeredBy,
        owner,
        fencingToken,
        newVersion);
  }

  /**
   * @return the node the job runs on
   */
  public String nodeId() {
    return fireKey.nodeId();
  }

  /**
   * @return the schedule, or empty for an ad-hoc bare script run
   */
  public Optional<String> schedule() {
    return Optional.ofNullable(scheduleId);
  }

  /**
   * @return when the job may next be dispatched: {@link #nextAttemptAt()} if set, else {@link
   *     #dueAt()}
   */
  public Instant readyAt() {
    return nextAttemptAt != null ? nextAttemptAt : dueAt;
  }

  /**
   * A claimed copy: {@link JobStatus#RUNNING}, started now, owned, reasons cleared.
   *
   * @param at when it starts
   * @param owner the claiming instance
   * @param token the claim's fencing token
   * @return the copy
   * @throws NullPointerException if at or owner is null
   */
  public Job running(Instant at, String owner, long token) {
    return new Job(
        id,
        scheduleId,
        fireKey,
        groups,
        scriptId,
        scriptHash,
        priority,
        dueAt,
        sequence,
        attempt,
        maxAttempts,
        JobStatus.RUNNING,
        null,
        null,
        null,
        exitCode,
        stdout,
        stderr,
        createdAt,
        Objects.requireNonNull(at, "at"),
        finishedAt,
        nextAttemptAt,
        triggeredBy,
        Objects.requireNonNull(owner, "owner"),
        token,
        version);
  }

  /**
   * A waiting copy.
   *
   * @param reason why it waits
   * @param why a short explanation, or null
   * @return the copy
   * @throws NullPointerException if {@code reason} is null
   */
  public Job waiting(WaitReason reason, String why) {
    return new Job(
        id,
        scheduleId,
        fireKey,
        groups,
        scriptId,
        scriptHash,
        priority,
        dueAt,
        sequence,
        attempt,
        maxAttempts,
        JobStatus.WAITING,
        Objects.requireNonNull(reason, "reason"),
        null,
        why,
        exitCode,
        stdout,
        stderr,
        createdAt,
        startedAt,
        finishedAt,
        nextAttemptAt,
        triggeredBy,
        owner,
        fencingToken,
        version);
  }

  /**
   * A skipped copy.
   *
   * @param reason why it was skipped
   * @param why a short explanation, or null
   * @param at when
   * @return the copy
   * @throws NullPointerException if reason or at is null
   */
  public Job skipped(SkipReason reason, String why, Instant at) {
    return new Job(
        id,
        scheduleId,
        fireKey,
        groups,
        scriptId,
        scriptHash,
        priority,
        dueAt,
        sequence,
        attempt,
        maxAttempts,
        JobStatus.SKIPPED,
        null,
        Objects.requireNonNull(reason, "reason"),
        why,
        exitCode,
        stdout,
        stderr,
        createdAt,
        startedAt,
        at,
        nextAttemptAt,
        triggeredBy,
        null,
        fencingToken,
        version);
  }

  /**
   * A finished copy.
   *
   * @param finalStatus {@link JobStatus#SUCCEEDED}, {@link JobStatus#FAILED}, {@link
   *     JobStatus#TIMED_OUT} or {@link JobStatus#CANCELLED}
   * @param code the exit code, or null
   * @param out kept standard output
   * @param err kept standard error
   * @param at when it finished
   * @return the copy
   * @throws NullPointerException if a required argument is null
   * @throws ValidationException if {@code finalStatus} is not one of the four
   */
  public Job finished(
      JobStatus finalStatus, Integer code, CapturedOutput out, CapturedOutput err, Instant at) {
    Objects.requireNonNull(finalStatus, "finalStatus");
    if (!finalStatus.isFinal() || finalStatus == JobStatus.SKIPPED) {
      throw new ValidationException(
          "finalStatus", "be SUCCEEDED, FAILED, TIMED_OUT or CANCELLED", finalStatus);
    }
    return new Job(
        id,
        scheduleId,
        fireKey,
        groups,
        scriptId,
        scriptHash,
        priority,
        dueAt,
        sequence,
        attempt,
        maxAttempts,
        finalStatus,
        null,
        null,
        detail,
        code,
        out,
        err,
        createdAt,
        startedAt,
        Objects.requireNonNull(at, "at"),
        nextAttemptAt,
        triggeredBy,
        owner,
        fencingToken,
        version);
  }

  /**
   * The next attempt: {@link JobStatus#QUEUED}, attempt + 1, due again at {@code at}, not owned.
   * The previous attempt's exit code and output are kept until the next attempt ends.
   *
   * @param at when the retry is due
   * @return the copy
   * @throws NullPointerException if {@code at} is null
   * @throws ValidationException if no attempt is left
   */
  public Job retryAt(Instant at) {
    return new Job(
        id,
        scheduleId,
        fireKey,
        groups,
        scriptId,
        scriptHash,
        priority,
        dueAt,
        sequence,
        attempt + 1,
        maxAttempts,
        JobStatus.QUEUED,
        null,
        null,
        detail,
        exitCode,
        stdout,
        stderr,
        createdAt,
        null,
        finishedAt,
        Objects.requireNonNull(at, "at"),
        triggeredBy,
        null,
        fencingToken,
        version);
  }

  @Override
  public String toString() {
    return "Job[id="
        + id
        + ", scheduleId="
        + scheduleId
        + ", fireKey="
        + fireKey
        + ", status="
        + status
        + (waitReason != null ? "(" + waitReason + ")" : "")
        + (skipReason != null ? "(" + skipReason + ")" : "")
        + ", priority="
        + priority
        + ", dueAt="
        + dueAt
        + ", sequence="
        + sequence
        + ", attempt="
        + attempt
        + "/"
        + maxAttempts
        + ", exitCode="
        + exitCode
        + ", stdout="
        + stdout.totalBytes()
        + " bytes, stderr="
        + stderr.totalBytes()
        + " bytes, triggeredBy="
        + triggeredBy.kind()
        + ", owner="
        + owner
        + ", version="
        + version
        + "]";
  }

  /**
   * Builds a {@link Job}; identity (id, schedule id, fire key) is fixed at creation. The status is
   * {@link JobStatus#QUEUED} unless set; the wait or skip reason is cleared whenever the status
   * changes to another status. Not thread-safe.
   */
  public static final class Builder {
    private final String id;
    private final String scheduleId;
    private final FireKey fireKey;
    private Set<String> groups = Set.of();
    private String scriptId;
    private String scriptHash = "";
    private Priority priority = Priority.DEFAULT;
    private Instant dueAt;
    private long sequence;
    private int attempt = 1;
    private int maxAttempts = 1;
    private JobStatus status = JobStatus.QUEUED;
    private WaitReason waitReason;
    private SkipReason skipReason;
    private String detail;
    private Integer exitCode;
    private CapturedOutput stdout = CapturedOutput.EMPTY;
    private CapturedOutput stderr = CapturedOutput.EMPTY;
    private Instant createdAt;
    private Instant startedAt;
    private Instant finishedAt;
    private Instant nextAttemptAt;
    private TriggeredBy triggeredBy;
    private boolean defaultTriggeredBy;
    private String owner;
    private long fencingToken;
    private long version;

    /** A builder of a copy: every field is set by {@link Job#toBuilder()}. */
    private Builder(String id, String scheduleId, FireKey fireKey, TriggeredBy triggeredBy) {
      this.id = id;
      this.scheduleId = scheduleId;
      this.fireKey = fireKey;
      this.triggeredBy = triggeredBy;
    }

    private Builder(String id, String scheduleId, FireKey fireKey) {
      this.id = Objects.requireNonNull(id, "id");
      this.scheduleId = scheduleId;
      this.fireKey = Objects.requireNonNull(fireKey, "fireKey");
      // a fire's job is triggered by its schedule unless set otherwise (made at build time)
      this.defaultTriggeredBy = !fireKey.isAdHoc() && scheduleId != null;
      this.dueAt = fireKey.fireTime();
      this.createdAt = fireKey.fireTime();
    }

    /**
     * @param groups the node's groups
     * @return this builder
     */
    public Builder groups(Collection<String> groups) {
      this.groups = canonicalGroups(groups);
      return this;
    }

    /**
     * @param scriptId the script's id
     * @param scriptHash the script's content hash
     * @return this builder
     */
    public Builder script(String scriptId, String scriptHash) {
      this.scriptId = scriptId;
      this.scriptHash = scriptHash;
      return this;
    }

    /**
     * @param script the script; its id and content hash are kept
     * @return this builder
     */
    public Builder script(Script script) {
      return script(script.id(), script.contentHash());
    }

    /**
     * @param priority the priority (default NORMAL)
     * @return this builder
     */
    public Builder priority(Priority priority) {
      this.priority = priority;
      return this;
    }

    /**
     * @param dueAt when it is due (default the fire time)
     * @return this builder
     */
    public Builder dueAt(Instant dueAt) {
      this.dueAt = dueAt;
      return this;
    }

    /**
     * @param sequence the FIFO tie-breaker
     * @return this builder
     */
    public Builder sequence(long sequence) {
      this.sequence = sequence;
      return this;
    }

    /**
     * @param attempt the current attempt
     * @return this builder
     */
    public Builder attempt(int attempt) {
      this.attempt = attempt;
      return this;
    }

    /**
     * @param maxAttempts attempts allowed in all (default 1)
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Sets the status; a wait reason or skip reason that no longer fits is cleared.
     *
     * @param status the status
     * @return this builder
     */
    public Builder status(JobStatus status) {
      this.status = status;
      if (status != JobStatus.WAITING) {
        waitReason = null;
      }
      if (status != JobStatus.SKIPPED) {
        skipReason = null;
      }
      return this;
    }

    /**
     * @param reason why it waits; also sets the status to WAITING
     * @return this builder
     */
    public Builder waitReason(WaitReason reason) {
      status(JobStatus.WAITING);
      this.waitReason = reason;
      return this;
    }

    /**
     * @param reason why it was skipped; also sets the status to SKIPPED
     * @return this builder
     */
    public Builder skipReason(SkipReason reason) {
      status(JobStatus.SKIPPED);
      this.skipReason = reason;
      return this;
    }

    /**
     * @param detail a short explanation, or null
     * @return this builder
     */
    public Builder detail(String detail) {
      this.detail = detail;
      return this;
    }

    /**
     * @param exitCode the exit code, or null
     * @return this builder
     */
    public Builder exitCode(Integer exitCode) {
      this.exitCode = exitCode;
      return this;
    }

    /**
     * @param stdout kept standard output
     * @return this builder
     */
    public Builder stdout(CapturedOutput stdout) {
      this.stdout = stdout;
      return this;
    }

    /**
     * @param stderr kept standard error
     * @return this builder
     */
    public Builder stderr(CapturedOutput stderr) {
      this.stderr = stderr;
      return this;
    }

    /**
     * @param createdAt when it was created (default the fire time)
     * @return this builder
     */
    public Builder createdAt(Instant createdAt) {
      this.createdAt = createdAt;
      return this;
    }

    /**
     * @param startedAt when the current attempt started, or null
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    /**
     * @param finishedAt when it finished, or null
     * @return this builder
     */
    public Builder finishedAt(Instant finishedAt) {
      this.finishedAt = finishedAt;
      return this;
    }

    /**
     * @param nextAttemptAt when a retry is due, or null
     * @return this builder
     */
    public Builder nextAttemptAt(Instant nextAttemptAt) {
      this.nextAttemptAt = nextAttemptAt;
      return this;
    }

    /**
     * @param triggeredBy who or what created it (default: the schedule, for a fire)
     * @return this builder
     */
    public Builder triggeredBy(TriggeredBy triggeredBy) {
      this.triggeredBy = triggeredBy;
      this.defaultTriggeredBy = false;
      return this;
    }

    /**
     * @param owner the claiming instance, or null
     * @return this builder
     */
    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    /**
     * @param token the claim's fencing token
     * @return this builder
     */
    public Builder fencingToken(long token) {
      this.fencingToken = token;
      return this;
    }

    /**
     * @param version the version (stores set it)
     * @return this builder
     */
    public Builder version(long version) {
      this.version = version;
      return this;
    }

    /**
     * @return the job
     * @throws NullPointerException if a required field is missing
     * @throws ValidationException if the fields break a rule of {@link Job}
     */
    public Job build() {
      if (defaultTriggeredBy) {
        triggeredBy = TriggeredBy.schedule(scheduleId);
        defaultTriggeredBy = false;
      }
      return new Job(
          id,
          scheduleId,
          fireKey,
          groups,
          scriptId,
          scriptHash,
          priority,
          dueAt,
          sequence,
          attempt,
          maxAttempts,
          status,
          waitReason,
          skipReason,
          detail,
          exitCode,
          stdout,
          stderr,
          createdAt,
          startedAt,
          finishedAt,
          nextAttemptAt,
          triggeredBy,
          owner,
          fencingToken,
          version);
    }
  }
}
