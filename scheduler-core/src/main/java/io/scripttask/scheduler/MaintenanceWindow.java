package io.scripttask.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A recurring period during which jobs are held back ({@link Kind#BLACKOUT}) or outside of which
 * they are held back ({@link Kind#ALLOW}). Immutable and thread-safe; built with {@link
 * #builder(String)}:
 *
 * <pre>{@code
 * MaintenanceWindow nightly = MaintenanceWindow.builder("nightly")
 *     .name("Nightly Maintenance")
 *     .cron("0 2 * * *").zone(ZoneId.of("America/New_York"))
 *     .duration(Duration.ofHours(2))
 *     .allowedPriorities(Priority.CRITICAL)
 *     .build();
 * }</pre>
 *
 * <p>The fields match the MeshCentral scheduler's maintenance windows ({@code name}, {@code
 * cronExpression}, {@code timezone}, {@code duration}, {@code allowedPriorities}, {@code enabled}),
 * with the duration as a {@link Duration} rather than seconds, plus a {@link #kind()} and a {@link
 * #scope()}.
 *
 * <h2>Time model</h2>
 *
 * <p>The window opens at every fire time of its cron expression (read in {@link #zone()}) and each
 * opening lasts {@link #duration()} of elapsed time: it is open at {@code t} when some opening
 * {@code o} has {@code o <= t < o + duration}. Openings follow the cron's daylight-saving contract
 * (a 02:30 opening on a spring-forward night opens at 03:00; a fixed-hour opening in a fall-back
 * overlap opens once); durations are not stretched or shrunk by a transition.
 *
 * <p>Openings that overlap or touch (the next opening is at or before the previous one's end, as
 * when the duration is as long as the cron's period) merge into one open interval: {@link
 * #nextClosing(Instant)} and {@link #nextOpening(Instant)} answer for merged intervals. Following a
 * merged interval is bounded: an interval still open {@link #SEARCH_HORIZON} after the opening the
 * search starts from, or not closed after {@link #MAX_MERGE_STEPS} merge steps, counts as never
 * closing and the queries return empty. Every two steps cover more than one duration, so for
 * windows of 15 minutes or more the step bound is never the one reached.
 *
 * <p>A disabled window ({@link #enabled()} false) is never open and admits every job.
 */
public final class MaintenanceWindow {

  /** How a window treats jobs while it is open. */
  public enum Kind {
    /**
     * Nothing runs while the window is open, except jobs whose priority is in {@link
     * #allowedPriorities()}.
     */
    BLACKOUT,
    /**
     * Jobs run only while the window is open, except jobs whose priority is in {@link
     * #allowedPriorities()}, which run at any time.
     */
    ALLOW
  }

  /** The kind a window gets when the builder is not given one. */
  public static final Kind DEFAULT_KIND = Kind.BLACKOUT;

  /** The longest duration a window may have. */
  public static final Duration MAX_DURATION = Duration.ofDays(366);

  /**
   * How far past the opening it starts from the search for the end of a merged open interval goes
   * before it treats the interval as never closing.
   */
  public static final Duration SEARCH_HORIZON = Duration.ofDays(366);

  /**
   * How many merge steps the search for the end of a merged open interval takes at most before it
   * treats the interval as never closing.
   */
  public static final int MAX_MERGE_STEPS = 100_000;

  private final String id;
  private final String name;
  private final Cron cron;
  private final ZoneId zone;
  private final Duration duration;
  private final Kind kind;
  private final Set<Priority> allowedPriorities;
  private final WindowScope scope;
  private final boolean enabled;

  private MaintenanceWindow(Builder builder) {
    this.id = builder.id;
    this.name = builder.name;
    this.cron = builder.cron;
    this.zone = builder.zone;
    this.duration = builder.duration;
    this.kind = builder.kind;
    this.allowedPriorities =
        Collections.unmodifiableSet(
            builder.allowedPriorities.isEmpty()
                ? EnumSet.noneOf(Priority.class)
                : EnumSet.copyOf(builder.allowedPriorities));
    this.scope = builder.scope;
    this.enabled = builder.enabled;
  }

  /**
   * Starts building a window.
   *
   * @param id the window's id, unique within a {@link MaintenanceCalendar}
   * @return a new builder, not thread-safe
   * @throws NullPointerException if {@code id} is null
   * @throws ValidationException if {@code id} is blank
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /**
   * Returns a builder holding this window's values, to build a changed copy.
   *
   * @return a new builder, not thread-safe
   */
  public Builder toBuilder() {
    Builder builder = new Builder(id);
    builder.name = name;
    builder.cron = cron;
    builder.zone = zone;
    builder.duration = duration;
    builder.kind = kind;
    builder.allowedPriorities.addAll(allowedPriorities);
    builder.scope = scope;
    builder.enabled = enabled;
    return builder;
  }

  /**
   * @return the window's id
   */
  public String id() {
    return id;
  }

  /**
   * @return the window's display name, if it has one
   */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /**
   * @return the cron expression whose fire times open the window
   */
  public Cron cron() {
    return cron;
  }

  /**
   * @return the zone the cron expression is read in
   */
  public ZoneId zone() {
    return zone;
  }

  /**
   * @return the openings as a trigger: the cron expression in the zone
   */
  public CronTrigger opening() {
    return new CronTrigger(cron, zone);
  }

  /**
   * @return how long each opening lasts, in elapsed time
   */
  public Duration duration() {
    return duration;
  }

  /**
   * @return whether the window holds jobs back while open or while closed
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the priorities the window never holds back: for a {@link Kind#BLACKOUT}, the jobs let
   * through while it is open (MeshCentral's {@code allowedPriorities}); for an {@link Kind#ALLOW},
   * the jobs that may also run while it is closed.
   *
   * @return an unmodifiable set, possibly empty
   */
  public Set<Priority> allowedPriorities() {
    return allowedPriorities;
  }

  /**
   * @return the nodes the window applies to
   */
  public WindowScope scope() {
    return scope;
  }

  /**
   * @return whether the window is in force; a disabled window is never open
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Returns whether the window is open at {@code t}: enabled, and some opening {@code o} has {@code
   * o <= t < o + duration}.
   *
   * @param t the instant
   * @return whether the window is open
   * @throws NullPointerException if {@code t} is null
   */
  public boolean isOpen(Instant t) {
    Objects.requireNonNull(t, "t");
    return enabled && openingCovering(t).isPresent();
  }

  /**
   * Returns the start of the next merged open interval that starts strictly after {@code t}. If the
   * window is open at {@code t}, that is the first opening after the interval containing {@code t}
   * closes.
   *
   * @param t the instant to search from, exclusive
   * @return the instant the window next opens; empty if it is disabled, never opens again, or is
   *     open at {@code t} and never closes (within the bounds described on the class)
   * @throws NullPointerException if {@code t} is null
   */
  public Optional<Instant> nextOpening(Instant t) {
    Objects.requireNonNull(t, "t");
    if (!enabled) {
      return Optional.empty();
    }
    Instant from = t;
    Optional<Instant> covering = openingCovering(t);
    if (covering.isPresent()) {
      Optional<Instant> closing = closingOfIntervalFrom(covering.get());
      if (closing.isEmpty()) {
        return Optional.empty();
      }
      // the window is closed at its closing, so no opening lies at it
      from = closing.get();
    }
    return openingAfter(from);
  }

  /**
   * Returns the end of the merged open interval containing {@code t}, or, if the window is closed
   * at {@code t}, the end of the next one. The window is closed at the returned instant.
   *
   * @param t the instant to search from
   * @return the instant the window next closes; empty if it is disabled, never opens again, or
   *     never closes (within the bounds described on the class)
   * @throws NullPointerException if {@code t} is null
   */
  public Optional<Instant> nextClosing(Instant t) {
    Objects.requireNonNull(t, "t");
    if (!enabled) {
      return Optional.empty();
    }
    Optional<Instant> start = openingCovering(t);
    if (start.isEmpty()) {
      start = openingAfter(t);
    }
    return start.flatMap(this::closingOfIntervalFrom);
  }

  /**
   * Returns whether this window alone lets a job of priority {@code priority} run at {@code t}. A
   * job whose priority is in {@link #allowedPriorities()} is always admitted; otherwise a {@link
   * Kind#BLACKOUT} admits while closed and an {@link Kind#ALLOW} while open. A disabled window
   * admits every job. The window's {@link #scope()} is not considered here; see {@link
   * MaintenanceCalendar}.
   *
   * @param priority the job's priority
   * @param t the instant
   * @return whether the job may run at {@code t}
   * @throws NullPointerException if an argument is null
   */
  public boolean admits(Priority priority, Instant t) {
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(t, "t");
    if (!enabled || allowedPriorities.contains(priority)) {
      return true;
    }
    boolean open = openingCovering(t).isPresent();
    return kind == Kind.BLACKOUT ? !open : open;
  }

  /** The latest opening at or before {@code t}, if it is still open at {@code t}. */
  private Optional<Instant> openingCovering(Instant t) {
    Optional<Instant> latest = latestOpeningAtOrBefore(t);
    if (latest.isPresent() && t.isBefore(latest.get().plus(duration))) {
      return latest;
    }
    return Optional.empty();
  }

  /**
   * The latest opening at or before {@code t}. Openings are whole seconds (cron fire times and zone
   * transitions are), so the latest one strictly before the next whole second after {@code t}'s
   * second is it.
   */
  private Optional<Instant> latestOpeningAtOrBefore(Instant t) {
    Instant bound = t.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    return cron.previous(bound.atZone(zone)).map(ZonedDateTime::toInstant);
  }

  private Optional<Instant> openingAfter(Instant t) {
    return cron.next(t, zone);
  }

  /**
   * The end of the merged interval that contains the opening {@code first}: walks from the current
   * end to the latest opening at or before it while that is a later opening (overlapping or
   * touching), bounded by {@link #SEARCH_HORIZON} and {@link #MAX_MERGE_STEPS}.
   */
  private Optional<Instant> closingOfIntervalFrom(Instant first) {
    Instant limit = first.plus(SEARCH_HORIZON);
    Instant opening = first;
    Instant end = first.plus(duration);
    for (int step = 0; step < MAX_MERGE_STEPS; step++) {
      if (end.isAfter(limit)) {
        return Optional.empty();
      }
      Optional<Instant> latest = latestOpeningAtOrBefore(end);
      if (latest.isEmpty() || !latest.get().isAfter(opening)) {
        return Optional.of(end);
      }
      opening = latest.get();
      end = opening.plus(duration);
    }
    return Optional.empty();
  }

  /**
   * Two windows are equal when all their fields are: id, name, cron expression ({@link
   * Cron#equals}), zone, duration, kind, allowed priorities, scope and enabled.
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MaintenanceWindow)) {
      return false;
    }
    MaintenanceWindow other = (MaintenanceWindow) o;
    return enabled == other.enabled
        && id.equals(other.id)
        && Objects.equals(name, other.name)
        && cron.equals(other.cron)
        && zone.equals(other.zone)
        && duration.equals(other.duration)
        && kind == other.kind
        && allowedPriorities.equals(other.allowedPriorities)
        && scope.equals(other.scope);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, cron, zone, duration, kind, allowedPriorities, scope, enabled);
  }

  @Override
  public String toString() {
    return "MaintenanceWindow[id="
        + id
        + (name == null ? "" : ", name=" + name)
        + ", cron="
        + cron.expression()
        + ", zone="
        + zone.getId()
        + ", duration="
        + duration
        + ", kind="
        + kind
        + ", allowedPriorities="
        + allowedPriorities
        + ", scope="
        + scope
        + ", enabled="
        + enabled
        + "]";
  }

  /**
   * Builds a {@link MaintenanceWindow}. The cron expression, zone and duration must be set; the
   * kind defaults to {@link #DEFAULT_KIND}, the allowed priorities to none, the scope to {@link
   * WindowScope#global()} and enabled to true. Not thread-safe.
   */
  public static final class Builder {
    private final String id;
    private String name;
    private Cron cron;
    private ZoneId zone;
    private Duration duration;
    private Kind kind = DEFAULT_KIND;
    private final EnumSet<Priority> allowedPriorities = EnumSet.noneOf(Priority.class);
    private WindowScope scope = WindowScope.global();
    private boolean enabled = true;

    private Builder(String id) {
      Objects.requireNonNull(id, "id");
      if (id.isBlank()) {
        throw new ValidationException("id", "not be blank", "\"" + id + "\"");
      }
      this.id = id;
    }

    /**
     * Sets the display name.
     *
     * @param name the name
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws ValidationException if {@code name} is blank
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new ValidationException("name", "not be blank", "\"" + name + "\"");
      }
      this.name = name;
      return this;
    }

    /**
     * Sets the cron expression whose fire times open the window, parsed with {@link
     * Cron#parse(String)} (MeshCentral's {@code cronExpression}).
     *
     * @param expression the cron expression
     * @return this builder
     * @throws NullPointerException if {@code expression} is null
     * @throws InvalidCronExpressionException if {@code expression} is not a valid cron expression
     */
    public Builder cron(String expression) {
      Objects.requireNonNull(expression, "expression");
      this.cron = Cron.parse(expression);
      return this;
    }

    /**
     * Sets the cron expression whose fire times open the window.
     *
     * @param cron the cron expression
     * @return this builder
     * @throws NullPointerException if {@code cron} is null
     */
    public Builder cron(Cron cron) {
      this.cron = Objects.requireNonNull(cron, "cron");
      return this;
    }

    /**
     * Sets the zone the cron expression is read in (MeshCentral's {@code timezone}).
     *
     * @param zone the zone
     * @return this builder
     * @throws NullPointerException if {@code zone} is null
     */
    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * Sets the cron expression and zone from a cron trigger.
     *
     * @param opening the trigger whose fires open the window
     * @return this builder
     * @throws NullPointerException if {@code opening} is null
     */
    public Builder opening(CronTrigger opening) {
      Objects.requireNonNull(opening, "opening");
      this.cron = opening.cron();
      this.zone = opening.zone();
      return this;
    }

    /**
     * Sets how long each opening lasts, in elapsed time; checked by {@link #build()}.
     *
     * @param duration the duration, positive and at most {@link #MAX_DURATION}
     * @return this builder
     * @throws NullPointerException if {@code duration} is null
     */
    public Builder duration(Duration duration) {
      this.duration = Objects.requireNonNull(duration, "duration");
      return this;
    }

    /**
     * Sets the kind; {@link #DEFAULT_KIND} if not called.
     *
     * @param kind the kind
     * @return this builder
     * @throws NullPointerException if {@code kind} is null
     */
    public Builder kind(Kind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /**
     * Replaces the allowed priorities (see {@link MaintenanceWindow#allowedPriorities()}).
     *
     * @param priorities the priorities; none to allow none
     * @return this builder
     * @throws NullPointerException if {@code priorities} or one of them is null
     */
    public Builder allowedPriorities(Priority... priorities) {
      Objects.requireNonNull(priorities, "priorities");
      return allowedPriorities(Arrays.asList(priorities));
    }

    /**
     * Replaces the allowed priorities (see {@link MaintenanceWindow#allowedPriorities()}).
     *
     * @param priorities the priorities; empty to allow none
     * @return this builder
     * @throws NullPointerException if {@code priorities} or one of them is null
     */
    public Builder allowedPriorities(Collection<Priority> priorities) {
      Objects.requireNonNull(priorities, "priorities");
      for (Priority priority : priorities) {
        Objects.requireNonNull(priority, "priorities");
      }
      allowedPriorities.clear();
      allowedPriorities.addAll(priorities);
      return this;
    }

    /**
     * Sets the nodes the window applies to; {@link WindowScope#global()} if not called.
     *
     * @param scope the scope
     * @return this builder
     * @throws NullPointerException if {@code scope} is null
     */
    public Builder scope(WindowScope scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * Sets whether the window is in force; true if not called.
     *
     * @param enabled false to keep the window but ignore it
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Validates the values and builds the window.
     *
     * @return the window
     * @throws ValidationException if the cron expression, zone or duration is not set, or the
     *     duration is not positive or longer than {@link #MAX_DURATION}
     */
    public MaintenanceWindow build() {
      if (cron == null) {
        throw new ValidationException("cron", "be set", null);
      }
      if (zone == null) {
        throw new ValidationException("zone", "be set", null);
      }
      if (duration == null) {
        throw new ValidationException("duration", "be set", null);
      }
      if (duration.isZero() || duration.isNegative()) {
        throw new ValidationException("duration", "be positive", duration);
      }
      if (duration.compareTo(MAX_DURATION) > 0) {
        throw new ValidationException(
            "duration", "be at most " + MAX_DURATION.toDays() + " days", duration);
      }
      return new MaintenanceWindow(this);
    }
  }
}
