package io.scripttask.scheduler;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a schedule is: when it fires, which script it runs on which nodes, and how (priority,
 * limits, misfire, jitter, timeout, retry, overlap, windows, output, notifications, dependencies).
 * Immutable and thread-safe; build one with {@link #named(String)}:
 *
 * <pre>{@code
 * ScheduleSpec.named("daily-security-scan")
 *     .cron("0 2 * * *").zone(ZoneId.of("America/New_York"))
 *     .script(scanScript).target(Target.groups("web").andNodes("db-1"))
 *     .priority(Priority.HIGH).limits(Limits.perNode(1).perGroup(10).global(50))
 *     .misfire(MisfirePolicy.RUN_ONCE).jitter(Duration.ofMinutes(5))
 *     .timeout(Duration.ofMinutes(10)).retry(Retry.exponential(3, Duration.ofSeconds(30)))
 *     .build();
 * }</pre>
 *
 * @param name the schedule's name, unique among schedules
 * @param trigger when it fires
 * @param scriptId the id of the script it runs
 * @param target the nodes it runs on, resolved at each fire
 * @param priority the priority of its jobs
 * @param limits how many of its jobs may run at once
 * @param misfire what happens to missed fires
 * @param misfireThreshold how late a fire may be before it counts as missed
 * @param maxCatchUp the most missed fires {@link MisfirePolicy#RUN_ALL} runs, at least 1
 * @param jitter the longest delay added to a fire (derived from the fire key), zero for none
 * @param timeout how long a run may take, or {@code null} for the script's default timeout
 * @param killOnTimeout whether a run past its timeout is killed
 * @param retry how failed runs are retried
 * @param maxConsecutiveFailures failures in a row after which the schedule pauses itself, 0 for
 *     never
 * @param overlap what happens when the previous run on a node is still going
 * @param windowPolicy what happens to a job a maintenance window holds back
 * @param output how much output is kept
 * @param notifications which events notify which channels
 * @param dependsOn ids of schedules that must have succeeded on a node before this one runs there
 * @param enabled whether the schedule starts active (otherwise it is created paused)
 * @param description a description for people, or {@code null}
 * @param tags free labels, for filtering
 * @param offlineHold how long a job waits for an offline node before it is skipped
 */
public record ScheduleSpec(
    String name,
    Trigger trigger,
    String scriptId,
    Target target,
    Priority priority,
    Limits limits,
    MisfirePolicy misfire,
    Duration misfireThreshold,
    int maxCatchUp,
    Duration jitter,
    Duration timeout,
    boolean killOnTimeout,
    Retry retry,
    int maxConsecutiveFailures,
    OverlapPolicy overlap,
    WindowPolicy windowPolicy,
    OutputPolicy output,
    List<NotificationRule> notifications,
    Set<String> dependsOn,
    boolean enabled,
    String description,
    Set<String> tags,
    Duration offlineHold) {

  /** The zone of a {@link Builder#cron(String)} schedule whose zone is not given: UTC. */
  public static final ZoneId DEFAULT_ZONE = ZoneOffset.UTC;

  /** The default misfire threshold: 1 minute. */
  public static final Duration DEFAULT_MISFIRE_THRESHOLD = Duration.ofMinutes(1);

  /** The default bound on catch-up fires: 10. */
  public static final int DEFAULT_MAX_CATCH_UP = 10;

  /** The largest allowed bound on catch-up fires. */
  public static final int MAX_CATCH_UP_LIMIT = 10_000;

  /** The default offline hold: 10 minutes. */
  public static final Duration DEFAULT_OFFLINE_HOLD = Duration.ofMinutes(10);

  /** The longest allowed name, in characters. */
  public static final int MAX_NAME_LENGTH = 200;

  /**
   * Validates the spec and copies its collections.
   *
   * @throws NullPointerException if a field other than {@code timeout} and {@code description} is
   *     null, or a collection holds a null
   * @throws ValidationException if a field breaks its rule; the message names the field, the rule
   *     and the value
   */
  public ScheduleSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(scriptId, "scriptId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(misfire, "misfire");
    Objects.requireNonNull(misfireThreshold, "misfireThreshold");
    Objects.requireNonNull(jitter, "jitter");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(overlap, "overlap");
    Objects.requireNonNull(windowPolicy, "windowPolicy");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(offlineHold, "offlineHold");
    if (name.isBlank()) {
      throw new ValidationException("name", "not be blank", quote(name));
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new ValidationException(
          "name", "be at most " + MAX_NAME_LENGTH + " characters", name.length() + " characters");
    }
    if (name.startsWith(FireKey.AD_HOC_PREFIX)) {
      throw new ValidationException(
          "name", "not start with \"" + FireKey.AD_HOC_PREFIX + "\"", quote(name));
    }
    if (scriptId.isBlank()) {
      throw new ValidationException("scriptId", "not be blank", quote(scriptId));
    }
    nonNegative("misfireThreshold", misfireThreshold);
    if (maxCatchUp < 1 || maxCatchUp > MAX_CATCH_UP_LIMIT) {
      throw new ValidationException("maxCatchUp", "be 1-" + MAX_CATCH_UP_LIMIT, maxCatchUp);
    }
    nonNegative("jitter", jitter);
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new ValidationException("timeout", "be positive", timeout);
    }
    if (maxConsecutiveFailures < 0) {
      throw new ValidationException(
          "maxConsecutiveFailures", "be at least 0 (0 for never)", maxConsecutiveFailures);
    }
    notifications = List.copyOf(Objects.requireNonNull(notifications, "notifications"));
    dependsOn = ids("dependsOn", dependsOn);
    if (dependsOn.contains(name)) {
      throw new ValidationException("dependsOn", "not contain the schedule itself", quote(name));
    }
    if (description != null && description.length() > 10_000) {
      throw new ValidationException(
          "description", "be at most 10000 characters", description.length() + " characters");
    }
    tags = ids("tags", tags);
    nonNegative("offlineHold", offlineHold);
  }

  private static void nonNegative(String field, Duration d) {
    if (d.isNegative()) {
      throw new ValidationException(field, "not be negative", d);
    }
  }

  private static Set<String> ids(String field, Set<String> ids) {
    Objects.requireNonNull(ids, field);
    TreeSet<String> sorted = new TreeSet<>();
    for (String id : ids) {
      Objects.requireNonNull(id, field);
      if (id.isBlank()) {
        throw new ValidationException(field, "not contain a blank value", quote(id));
      }
      sorted.add(id);
    }
    // no per-spec copies of empty or one-element sets: most specs have no dependencies or tags
    if (sorted.isEmpty()) {
      return Set.of();
    }
    if (sorted.size() == 1) {
      return Set.of(sorted.first());
    }
    return Collections.unmodifiableSet(new LinkedHashSet<>(sorted));
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  /**
   * Starts building a spec.
   *
   * @param name the schedule's name
   * @return a builder, not thread-safe
   * @throws NullPointerException if {@code name} is null
   */
  public static Builder named(String name) {
    return new Builder(Objects.requireNonNull(name, "name"));
  }

  /**
   * @return a builder holding this spec's values, to build a changed copy
   */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.trigger = trigger;
    b.scriptId = scriptId;
    b.target = target;
    b.priority = priority;
    b.limits = limits;
    b.misfire = misfire;
    b.misfireThreshold = misfireThreshold;
    b.maxCatchUp = maxCatchUp;
    b.jitter = jitter;
    b.timeout = timeout;
    b.killOnTimeout = killOnTimeout;
    b.retry = retry;
    b.maxConsecutiveFailures = maxConsecutiveFailures;
    b.overlap = overlap;
    b.windowPolicy = windowPolicy;
    b.output = output;
    b.notifications.addAll(notifications);
    b.dependsOn.addAll(dependsOn);
    b.enabled = enabled;
    b.description = description;
    b.tags.addAll(tags);
    b.offlineHold = offlineHold;
    return b;
  }

  /**
   * @return the timeout, or empty when the script's default timeout applies
   */
  public Optional<Duration> timeoutOverride() {
    return Optional.ofNullable(timeout);
  }

  /**
   * Returns the timeout a run of {@code script} gets under this spec.
   *
   * @param script the script the schedule runs
   * @return {@link #timeout()} if set, else the script's default timeout
   * @throws NullPointerException if {@code script} is null
   */
  public Duration effectiveTimeout(Script script) {
    Objects.requireNonNull(script, "script");
    return timeout != null ? timeout : script.defaultTimeout();
  }

  /**
   * Builds a {@link ScheduleSpec}. Give a trigger with {@link #trigger(Trigger)}, or a cron
   * expression with {@link #cron(String)} and (optionally, default {@link #DEFAULT_ZONE}) {@link
   * #zone(ZoneId)}; a script; and a target. Everything else has a default. Not thread-safe.
   */
  public static final class Builder {
    /** The most entries each interning cache holds; later values are used unshared. */
    private static final int MAX_INTERNED = 4096;

    /**
     * Parsed expressions by their text ({@link Cron#parse(String)} detects the dialect from the
     * text, so the text is the whole key). A {@link Cron} is immutable, so schedules with the same
     * expression share one: a million schedules rarely use a million expressions.
     */
    private static final ConcurrentHashMap<String, Cron> CRONS = new ConcurrentHashMap<>();

    /** Cron triggers (immutable records) by themselves, for the same reason. */
    private static final ConcurrentHashMap<Trigger, Trigger> CRON_TRIGGERS =
        new ConcurrentHashMap<>();

    /**
     * Targets (immutable records) by themselves: schedules naming the same nodes, groups and tags
     * share one target, as most do ({@code Target.groups("web")} built once per schedule).
     */
    private static final ConcurrentHashMap<Target, Target> TARGETS = new ConcurrentHashMap<>();

    private final String name;
    private Trigger trigger;
    private Cron cron;
    private ZoneId zone;
    private String scriptId;
    private Target target;
    private Priority priority = Priority.DEFAULT;
    private Limits limits = Limits.NONE;
    private MisfirePolicy misfire = MisfirePolicy.DEFAULT;
    private Duration misfireThreshold = DEFAULT_MISFIRE_THRESHOLD;
    private int maxCatchUp = DEFAULT_MAX_CATCH_UP;
    private Duration jitter = Duration.ZERO;
    private Duration timeout;
    private boolean killOnTimeout = true;
    private Retry retry = Retry.none();
    private int maxConsecutiveFailures;
    private OverlapPolicy overlap = OverlapPolicy.DEFAULT;
    private WindowPolicy windowPolicy = WindowPolicy.DEFAULT;
    private OutputPolicy output = OutputPolicy.DEFAULT;
    private final List<NotificationRule> notifications = new ArrayList<>();
    private final Set<String> dependsOn = new LinkedHashSet<>();
    private boolean enabled = true;
    private String description;
    private final Set<String> tags = new LinkedHashSet<>();
    private Duration offlineHold = DEFAULT_OFFLINE_HOLD;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * @param trigger when the schedule fires; not together with {@link #cron(String)}
     * @return this builder
     * @throws NullPointerException if {@code trigger} is null
     */
    public Builder trigger(Trigger trigger) {
      this.trigger = Objects.requireNonNull(trigger, "trigger");
      return this;
    }

    /**
     * @param expression a cron expression (see {@link Cron#parse(String)}), read in {@link
     *     #zone(ZoneId)}; not together with {@link #trigger(Trigger)}
     * @return this builder
     * @throws NullPointerException if {@code expression} is null
     * @throws InvalidCronExpressionException if the expression is invalid
     */
    public Builder cron(String expression) {
      Objects.requireNonNull(expression, "expression");
      Cron parsed = CRONS.get(expression);
      if (parsed == null) {
        parsed = Cron.parse(expression);
        if (CRONS.size() < MAX_INTERNED) {
          Cron earlier = CRONS.putIfAbsent(expression, parsed);
          parsed = earlier != null ? earlier : parsed;
        }
      }
      this.cron = parsed;
      return this;
    }

    /**
     * @param cron a parsed cron expression, read in {@link #zone(ZoneId)}
     * @return this builder
     * @throws NullPointerException if {@code cron} is null
     */
    public Builder cron(Cron cron) {
      this.cron = Objects.requireNonNull(cron, "cron");
      return this;
    }

    /**
     * @param zone the zone of the {@link #cron(String)} expression (default {@link #DEFAULT_ZONE});
     *     with {@link #trigger(Trigger)} it must equal the trigger's zone
     * @return this builder
     * @throws NullPointerException if {@code zone} is null
     */
    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * @param script the script to run; only its id is kept
     * @return this builder
     * @throws NullPointerException if {@code script} is null
     */
    public Builder script(Script script) {
      this.scriptId = Objects.requireNonNull(script, "script").id();
      return this;
    }

    /**
     * @param scriptId the id of the script to run
     * @return this builder
     * @throws NullPointerException if {@code scriptId} is null
     */
    public Builder script(String scriptId) {
      this.scriptId = Objects.requireNonNull(scriptId, "scriptId");
      return this;
    }

    /**
     * @param target the nodes to run on
     * @return this builder
     * @throws NullPointerException if {@code target} is null
     */
    public Builder target(Target target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /**
     * @param priority the jobs' priority (default {@link Priority#NORMAL})
     * @return this builder
     * @throws NullPointerException if {@code priority} is null
     */
    public Builder priority(Priority priority) {
      this.priority = Objects.requireNonNull(priority, "priority");
      return this;
    }

    /**
     * @param limits the concurrency limits (default {@link Limits#NONE})
     * @return this builder
     * @throws NullPointerException if {@code limits} is null
     */
    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * @param policy what happens to missed fires (default {@link MisfirePolicy#DEFAULT})
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder misfire(MisfirePolicy policy) {
      this.misfire = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param threshold how late a fire may be before it counts as missed (default {@link
     *     #DEFAULT_MISFIRE_THRESHOLD})
     * @return this builder
     * @throws NullPointerException if {@code threshold} is null
     */
    public Builder misfireThreshold(Duration threshold) {
      this.misfireThreshold = Objects.requireNonNull(threshold, "threshold");
      return this;
    }

    /**
     * @param max the most missed fires {@link MisfirePolicy#RUN_ALL} runs (default {@link
     *     #DEFAULT_MAX_CATCH_UP})
     * @return this builder
     */
    public Builder maxCatchUp(int max) {
      this.maxCatchUp = max;
      return this;
    }

    /**
     * @param maxJitter the longest delay added to a fire (default zero)
     * @return this builder
     * @throws NullPointerException if {@code maxJitter} is null
     */
    public Builder jitter(Duration maxJitter) {
      this.jitter = Objects.requireNonNull(maxJitter, "maxJitter");
      return this;
    }

    /**
     * @param timeout how long a run may take (default: the script's default timeout)
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * @param kill whether a run past its timeout is killed (default true)
     * @return this builder
     */
    public Builder killOnTimeout(boolean kill) {
      this.killOnTimeout = kill;
      return this;
    }

    /**
     * @param retry how failed runs are retried (default {@link Retry#none()})
     * @return this builder
     * @throws NullPointerException if {@code retry} is null
     */
    public Builder retry(Retry retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /**
     * @param max failures in a row after which the schedule pauses itself (default 0: never)
     * @return this builder
     */
    public Builder maxConsecutiveFailures(int max) {
      this.maxConsecutiveFailures = max;
      return this;
    }

    /**
     * @param policy what happens when the previous run on a node is still going (default {@link
     *     OverlapPolicy#SKIP})
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder overlap(OverlapPolicy policy) {
      this.overlap = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param policy what happens to a job a window holds back (default {@link WindowPolicy#HOLD})
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder windowPolicy(WindowPolicy policy) {
      this.windowPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param policy how much output is kept (default {@link OutputPolicy#DEFAULT})
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder output(OutputPolicy policy) {
      this.output = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Adds a notification rule.
     *
     * @param rule the rule
     * @return this builder
     * @throws NullPointerException if {@code rule} is null
     */
    public Builder notify(NotificationRule rule) {
      this.notifications.add(Objects.requireNonNull(rule, "rule"));
      return this;
    }

    /**
     * Adds schedules this one depends on.
     *
     * @param scheduleIds ids of schedules that must have succeeded on a node first
     * @return this builder
     * @throws NullPointerException if an id is null
     */
    public Builder dependsOn(String... scheduleIds) {
      return dependsOn(Arrays.asList(scheduleIds));
    }

    /**
     * Adds schedules this one depends on.
     *
     * @param scheduleIds ids of schedules that must have succeeded on a node first
     * @return this builder
     * @throws NullPointerException if an id is null
     */
    public Builder dependsOn(Collection<String> scheduleIds) {
      for (String id : scheduleIds) {
        dependsOn.add(Objects.requireNonNull(id, "dependsOn"));
      }
      return this;
    }

    /**
     * @param enabled whether the schedule starts active (default true)
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * @param description a description for people
     * @return this builder
     * @throws NullPointerException if {@code description} is null
     */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * Adds tags.
     *
     * @param tags free labels
     * @return this builder
     * @throws NullPointerException if a tag is null
     */
    public Builder tags(String... tags) {
      for (String t : tags) {
        this.tags.add(Objects.requireNonNull(t, "tags"));
      }
      return this;
    }

    /**
     * @param hold how long a job waits for an offline node (default {@link #DEFAULT_OFFLINE_HOLD})
     * @return this builder
     * @throws NullPointerException if {@code hold} is null
     */
    public Builder offlineHold(Duration hold) {
      this.offlineHold = Objects.requireNonNull(hold, "hold");
      return this;
    }

    /**
     * @return an equal value shared with earlier specs through {@code cache} (at most {@link
     *     #MAX_INTERNED} kept), or {@code value} itself once the cache is full
     */
    private static <T> T intern(ConcurrentHashMap<T, T> cache, T value) {
      T shared = cache.get(value);
      if (shared != null) {
        return shared;
      }
      if (cache.size() >= MAX_INTERNED) {
        return value;
      }
      shared = cache.putIfAbsent(value, value);
      return shared != null ? shared : value;
    }

    /**
     * Validates everything and builds the spec.
     *
     * @return the spec
     * @throws ValidationException if no trigger or cron is given, both are, the zone differs from
     *     the trigger's, no script or target is given, or a value breaks a rule of {@link
     *     ScheduleSpec}
     */
    public ScheduleSpec build() {
      Trigger t;
      if (trigger != null && cron != null) {
        throw new ValidationException(
            "trigger", "not be given together with cron", trigger.describe(java.util.Locale.ROOT));
      } else if (cron != null) {
        t = intern(CRON_TRIGGERS, Trigger.cron(cron, zone != null ? zone : DEFAULT_ZONE));
      } else if (trigger != null) {
        if (zone != null && !zone.equals(trigger.zone())) {
          throw new ValidationException(
              "zone", "equal the trigger's zone " + trigger.zone().getId(), zone.getId());
        }
        t = trigger;
      } else {
        throw new ValidationException("trigger", "be given (or a cron expression)", null);
      }
      if (scriptId == null) {
        throw new ValidationException("scriptId", "be given", null);
      }
      if (target == null) {
        throw new ValidationException("target", "be given", null);
      }
      return new ScheduleSpec(
          name,
          t,
          scriptId,
          intern(TARGETS, target),
          priority,
          limits,
          misfire,
          misfireThreshold,
          maxCatchUp,
          jitter,
          timeout,
          killOnTimeout,
          retry,
          maxConsecutiveFailures,
          overlap,
          windowPolicy,
          output,
          notifications,
          dependsOn,
          enabled,
          description,
          tags,
          offlineHold);
    }
  }
}
