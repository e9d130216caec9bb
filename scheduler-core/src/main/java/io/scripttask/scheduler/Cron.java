package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.cron.CronDescriber;
import io.scripttask.scheduler.internal.cron.CronParser;
import io.scripttask.scheduler.internal.cron.CronSchedule;
import io.scripttask.scheduler.internal.cron.FireTimes;
import io.scripttask.scheduler.internal.cron.ZoneTimeline;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed, immutable, thread-safe cron expression that computes fire times in any zone.
 *
 * <h2>Dialects</h2>
 *
 * {@link #parse(String)} detects the dialect from the number of fields: 5 = {@link Dialect#UNIX}
 * ({@code minute hour day-of-month month day-of-week}), 6 = {@link Dialect#SPRING} (a leading
 * {@code second}), 7 = {@link Dialect#QUARTZ} (a trailing {@code year}, 1970-2099). {@link
 * #parse(String, Dialect)} forces a dialect; Quartz then also takes 6 fields. The macros {@code
 * @yearly @annually @monthly @weekly @daily @midnight @hourly} (any case) are accepted in every
 * dialect and mean {@code 0 0 1 1 *}, {@code 0 0 1 * *}, {@code 0 0 * * 0}, {@code 0 0 * * *} and
 * {@code 0 * * * *}.
 *
 * <h2>Grammar</h2>
 *
 * <ul>
 *   <li>Ranges: second and minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or {@code
 *       JAN-DEC}, day-of-week 0-7 with 0 and 7 = Sunday in Unix and Spring, 1-7 with 1 = Sunday in
 *       Quartz, names {@code SUN-SAT} in all. Names are case-insensitive.
 *   <li>{@code *}, lists {@code a,b}, ranges {@code a-b}, steps {@code *}{@code /n}, {@code a-b/n}
 *       and {@code a/n} (from {@code a} to the end of the field); a step is at least 1. A {@code
 *       *}{@code /n} day-of-week counts from Sunday in Unix and Quartz, and from Monday in Spring
 *       (as Spring does). {@code ?} means {@code *} in the day fields, in every dialect.
 *   <li><b>Wrap-around ranges</b> are supported: a range whose start is after its end wraps
 *       around the end of the field, so {@code 22-2} in the hour field is 22, 23, 0, 1, 2 and
 *       {@code FRI-MON} is Friday to Monday; steps count along the wrapped range ({@code 22-2/2}
 *       is 22, 0, 2). The year field does not wrap (such a range is rejected).
 *   <li>Day-of-month: {@code L} (last day), {@code L-n} (n = 0-30 days before it; no fire in a
 *       month too short for it), {@code nW} (the weekday nearest day n, never leaving the month:
 *       {@code 1W} on Saturday the 1st is Monday the 3rd, {@code 31W} on Sunday the 31st is Friday
 *       the 29th; <b>no fire in a month that has no day n</b>, as in Quartz), {@code LW} (last
 *       weekday). Specials and plain values mix in lists: {@code L,15} fires on both.
 *   <li>Day-of-week: {@code nL} (the last n-weekday of the month: {@code 5L} or {@code FRIL} in
 *       Unix and Spring, {@code 6L} in Quartz), {@code n#k} (the k-th n-weekday, k = 1-5; no fire
 *       in a month without it), and {@code L} alone, which is Saturday (the last day of the week)
 *       in every dialect, as in Quartz.
 *   <li>Day matching: in Unix, when both day fields are restricted (neither starts with {@code *}
 *       or {@code ?}), a day matches when <em>either</em> matches (Vixie cron); otherwise, and
 *       always in Spring and Quartz, both must match. Quartz's own rule that one of them must be
 *       {@code ?} is not enforced: two restricted day fields are AND-ed.
 *   <li>Schedules that can never fire (for example {@code 0 0 30 2 *}, or a Quartz year range
 *       without a matching day) are rejected when parsed. {@code 0 0 29 2 *} is valid and fires in
 *       leap years only.
 * </ul>
 *
 * <h2>Daylight saving</h2>
 *
 * Fire times are computed in the zone of the argument, whose rules decide the offsets:
 *
 * <ul>
 *   <li>Spring-forward gap: a local fire time that does not exist fires once at the first instant
 *       after the gap (New York 2025-03-09 02:30 fires at 03:00 EDT), several fire times in one gap
 *       collapse into that one fire, and a fire due at exactly the gap's end is not repeated; with
 *       {@link DstPolicy#SKIP} they do not fire. This applies to schedules with a {@linkplain
 *       #hasFixedHour() fixed hour}; a schedule whose hour field is a wildcard or a step fires by
 *       elapsed time and so has no fire inside the gap.
 *   <li>Fall-back overlap: a fixed-hour schedule fires once, at the first occurrence of the
 *       repeated local time (the earlier offset); a wildcard or step hour fires in both halves.
 * </ul>
 *
 * <p>The search for a fire scans at most 400 years (a full Gregorian cycle) and then reports that
 * there is none; it never loops. Fire times are whole seconds.
 */
public final class Cron {

  /** The cron dialects. */
  public enum Dialect {
    /** 5 fields: minute hour day-of-month month day-of-week (Vixie cron / cronie). */
    UNIX,
    /** 6 fields: second minute hour day-of-month month day-of-week (Spring). */
    SPRING,
    /** 6 or 7 fields: second ... day-of-week [year]; 1 = Sunday in day-of-week (Quartz). */
    QUARTZ
  }

  private final CronParser.Result parsed;
  private final CronSchedule schedule;
  private final DstPolicy dstPolicy;
  private final boolean runAfterGap;
  private ZoneTimeline lastTimeline; // one-entry cache; racy but safe (ZoneTimeline is immutable)

  private Cron(CronParser.Result parsed, DstPolicy dstPolicy) {
    this.parsed = parsed;
    this.schedule = parsed.schedule();
    this.dstPolicy = dstPolicy;
    this.runAfterGap = dstPolicy == DstPolicy.RUN_AFTER_GAP;
  }

  /**
   * Parses an expression, detecting the dialect from its number of fields (5 = Unix, 6 = Spring, 7
   * = Quartz) or reading a macro such as {@code @daily}. The policy is {@link DstPolicy#DEFAULT}.
   *
   * @param expression the cron text; leading and trailing whitespace is ignored and runs of
   *     whitespace separate fields
   * @return the parsed expression
   * @throws NullPointerException if {@code expression} is null
   * @throws InvalidCronExpressionException if the text is not a valid expression, or describes a
   *     schedule that can never fire
   */
  public static Cron parse(String expression) {
    return new Cron(CronParser.parse(expression, null), DstPolicy.DEFAULT);
  }

  /**
   * Parses an expression in the given dialect: Unix takes 5 fields, Spring 6, Quartz 6 or 7.
   *
   * @param expression the cron text
   * @param dialect the dialect
   * @return the parsed expression
   * @throws NullPointerException if {@code expression} or {@code dialect} is null
   * @throws InvalidCronExpressionException if the text is not a valid expression in that dialect,
   *     or describes a schedule that can never fire
   */
  public static Cron parse(String expression, Dialect dialect) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(dialect, "dialect");
    return new Cron(CronParser.parse(expression, dialect), DstPolicy.DEFAULT);
  }

  /**
   * The expression, trimmed and with runs of whitespace collapsed to a single space.
   *
   * @return the expression
   */
  public String expression() {
    return parsed.expression();
  }

  /**
   * The dialect the expression was parsed in.
   *
   * @return the dialect
   */
  public Dialect dialect() {
    return parsed.dialect();
  }

  /**
   * What a fixed-hour fire time inside a spring-forward gap does.
   *
   * @return the policy, {@link DstPolicy#DEFAULT} unless changed with {@link #withDstPolicy}
   */
  public DstPolicy dstPolicy() {
    return dstPolicy;
  }

  /**
   * A copy of this expression with another daylight-saving gap policy.
   *
   * @param policy the policy
   * @return a cron with the policy ({@code this} if it already has it)
   * @throws NullPointerException if {@code policy} is null
   */
  public Cron withDstPolicy(DstPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    return policy == dstPolicy ? this : new Cron(parsed, policy);
  }

  /**
   * The first fire strictly after {@code after}, in {@code after}'s zone.
   *
   * @param after the time to search from
   * @return the fire time, or empty if the schedule has no fire after it (a year field ended, or
   *     none within 400 years)
   * @throws NullPointerException if {@code after} is null
   */
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    Objects.requireNonNull(after, "after");
    ZoneId zone = after.getZone();
    long fire = nextEpochSecond(after.toEpochSecond(), zone);
    return fire == FireTimes.NONE ? Optional.empty() : zoned(fire, zone);
  }

  /**
   * The first fire strictly after an instant, computed in a zone: the allocation-light form of
   * {@link #next(ZonedDateTime)}, with the same semantics.
   *
   * @param after the instant to search from
   * @param zone the zone whose local time the expression is read in
   * @return the fire instant, or empty if there is none
   * @throws NullPointerException if {@code after} or {@code zone} is null
   */
  public Optional<Instant> next(Instant after, ZoneId zone) {
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(zone, "zone");
    long fire = nextEpochSecond(after.getEpochSecond(), zone);
    return fire == FireTimes.NONE || fire > Instant.MAX.getEpochSecond()
        ? Optional.empty()
        : Optional.of(Instant.ofEpochSecond(fire));
  }

  /**
   * The last fire strictly before {@code before}, in {@code before}'s zone: the exact inverse of
   * {@link #next(ZonedDateTime)} (for consecutive fires f1 &lt; f2, {@code previous(f2)} is f1).
   *
   * @param before the time to search back from
   * @return the fire time, or empty if there is none before it (within 400 years)
   * @throws NullPointerException if {@code before} is null
   */
  public Optional<ZonedDateTime> previous(ZonedDateTime before) {
    Objects.requireNonNull(before, "before");
    ZoneId zone = before.getZone();
    long last = before.getNano() > 0 ? before.toEpochSecond() : before.toEpochSecond() - 1;
    if (last < Instant.MIN.getEpochSecond()) {
      return Optional.empty();
    }
    long fire = FireTimes.previous(schedule, runAfterGap, timeline(zone), last);
    return fire == FireTimes.NONE ? Optional.empty() : zoned(fire, zone);
  }

  /**
   * The next {@code count} fires strictly after {@code after}, in {@code after}'s zone.
   *
   * @param after the time to search from
   * @param count how many fires to return
   * @return the fires in order; fewer than {@code count} if the schedule ends
   * @throws NullPointerException if {@code after} is null
   * @throws ValidationException if {@code count} is negative
   */
  public List<ZonedDateTime> next(ZonedDateTime after, int count) {
    Objects.requireNonNull(after, "after");
    if (count < 0) {
      throw new ValidationException("count", "be >= 0", count);
    }
    ZoneId zone = after.getZone();
    ZoneTimeline timeline = timeline(zone);
    List<ZonedDateTime> fires = new ArrayList<>(Math.min(count, 1024));
    long from = after.toEpochSecond() + 1;
    while (fires.size() < count) {
      long fire =
          from > Instant.MAX.getEpochSecond()
              ? FireTimes.NONE
              : FireTimes.next(schedule, runAfterGap, timeline, from);
      if (fire == FireTimes.NONE) {
        break;
      }
      Optional<ZonedDateTime> zoned = zoned(fire, zone);
      if (zoned.isEmpty()) {
        break;
      }
      fires.add(zoned.get());
      from = fire + 1;
    }
    return fires;
  }

  /**
   * Whether {@code time} is a fire time as {@link #next(ZonedDateTime)} computes them, in {@code
   * time}'s zone: true for a fire moved to the end of a spring-forward gap, false for the second
   * occurrence of a fixed-hour time in a fall-back overlap, false for a time with a fraction of a
   * second.
   *
   * @param time the time to test
   * @return whether the schedule fires at that instant
   * @throws NullPointerException if {@code time} is null
   */
  public boolean matches(ZonedDateTime time) {
    Objects.requireNonNull(time, "time");
    if (time.getNano() != 0) {
      return false;
    }
    long t = time.toEpochSecond();
    return nextEpochSecond(t - 1, time.getZone()) == t;
  }

  /**
   * Whether the hour field is fixed: neither a wildcard ({@code *}) nor a step ({@code /}). A
   * fixed-hour schedule fires once in a fall-back overlap and moves gap fires to the gap's end; any
   * other schedule fires by elapsed time.
   *
   * @return true for a fixed hour field
   */
  public boolean hasFixedHour() {
    return schedule.fixedHour();
  }

  /**
   * The schedule in words, for example "at 02:00" for {@code 0 2 * * *}. Uses cron-utils'
   * descriptions (in its languages; English otherwise) and an English description of its own for
   * the grammar cron-utils does not accept. Never throws for a parsed expression.
   *
   * @param locale the language
   * @return the description
   * @throws NullPointerException if {@code locale} is null
   */
  public String describe(Locale locale) {
    Objects.requireNonNull(locale, "locale");
    return CronDescriber.describe(parsed, locale);
  }

  private long nextEpochSecond(long afterSecond, ZoneId zone) {
    if (afterSecond >= Instant.MAX.getEpochSecond()) {
      return FireTimes.NONE;
    }
    return FireTimes.next(schedule, runAfterGap, timeline(zone), afterSecond + 1);
  }

  private ZoneTimeline timeline(ZoneId zone) {
    ZoneTimeline cached = lastTimeline;
    if (cached != null && cached.isFor(zone)) {
      return cached;
    }
    cached = ZoneTimeline.of(zone);
    lastTimeline = cached;
    return cached;
  }

  private static Optional<ZonedDateTime> zoned(long epochSecond, ZoneId zone) {
    if (epochSecond > Instant.MAX.getEpochSecond() || epochSecond < Instant.MIN.getEpochSecond()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZonedDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), zone));
    } catch (java.time.DateTimeException e) {
      return Optional.empty(); // beyond the years ZonedDateTime supports
    }
  }

  /**
   * Equal when the expression (as normalized), the dialect and the policy are equal.
   *
   * @param o the other object
   * @return whether equal
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Cron)) {
      return false;
    }
    Cron other = (Cron) o;
    return parsed.expression().equals(other.parsed.expression())
        && parsed.dialect() == other.parsed.dialect()
        && dstPolicy == other.dstPolicy;
  }

  /**
   * A hash of the expression, dialect and policy.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(parsed.expression(), parsed.dialect(), dstPolicy);
  }

  /**
   * For example {@code Cron[0 2 * * *, UNIX, RUN_AFTER_GAP]}.
   *
   * @return the expression, dialect and policy
   */
  @Override
  public String toString() {
    return "Cron[" + parsed.expression() + ", " + parsed.dialect() + ", " + dstPolicy + "]";
  }
}
