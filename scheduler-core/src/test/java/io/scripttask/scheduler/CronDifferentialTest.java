package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.scripttask.scheduler.CronPropertyTest.ExpressionGenerator;
import io.scripttask.scheduler.CronPropertyTest.ReferenceCron;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.scheduling.support.CronExpression;

/**
 * Differential tests of {@link Cron} against Spring's {@link CronExpression}, the reference most
 * users know. Thousands of seeded random 6-field expressions are evaluated by both, in zones with
 * and without daylight-saving time, from start times across three decades and near transitions.
 *
 * <p>Spring differs from us by design in a few documented cases (see {@code docs/CRON.md}). Each is
 * a named predicate in {@link Difference}; a divergence that no predicate explains fails the test.
 * Every divergence a predicate excludes is counted and printed, and the fire of ours that Spring
 * does not have is checked against {@link ReferenceCron} instead, so an exclusion never hides a bug
 * of ours.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CronDifferentialTest {

  static final List<ZoneId> ZONES =
      List.of(
          ZoneId.of("UTC"),
          ZoneId.of("America/New_York"),
          ZoneId.of("Europe/Berlin"),
          ZoneId.of("Australia/Sydney"),
          ZoneId.of("Asia/Kolkata"),
          ZoneId.of("Pacific/Chatham"));

  /** The documented, by-design differences between Spring and us. */
  enum Difference {
    /**
     * In a fall-back overlap Spring fires a fixed-hour schedule at both occurrences of the local
     * time; we fire once, at the first (DESIGN.md contract 2).
     */
    SPRING_FIRES_FIXED_HOUR_TWICE_IN_OVERLAP("fires"),
    /**
     * Spring skips a local time that falls into a spring-forward gap; we fire once at the first
     * instant after the gap (unless {@link DstPolicy#SKIP}).
     */
    SPRING_SKIPS_GAP_FIRE("fires"),
    /**
     * For {@code nW} where day n is the last day of the month and a Sunday, Spring finds no weekday
     * and skips the month; we (like Quartz) fire on the Friday before.
     */
    SPRING_SKIPS_NEAREST_WEEKDAY_TO_SUNDAY_MONTH_END("fires"),
    /**
     * Vixie cron counts {@code *} in day-of-week from 0 (Sunday), so {@code *}{@code /2} is Sun,
     * Tue, Thu, Sat; Spring counts from 1 (Monday): Mon, Wed, Fri, Sun. Only for UNIX; the
     * comparison gives Spring the equivalent {@code 0/n} instead (counted once per expression).
     */
    UNIX_DAY_OF_WEEK_STEP_COUNTS_FROM_SUNDAY("expressions rewritten"),
    /**
     * Where a transition is not on a whole hour (Pacific/Chatham: 02:45 to 03:45 and back) Spring
     * skips existing times of the partly skipped hour, skips the second half of an overlap for
     * wildcard hours, fires the second occurrence of a fixed hour instead of the first, or skips
     * the whole day. The rest of such a sequence is checked against the reference instead.
     */
    SPRING_MISHANDLES_TRANSITION_OFF_THE_HOUR("sequences"),
    /** An expression that can never fire: we reject it at parse time, Spring accepts it. */
    WE_REJECT_IMPOSSIBLE_SCHEDULE("expressions");

    /** What one count of this difference is. */
    final String unit;

    Difference(String unit) {
      this.unit = unit;
    }
  }

  private final Map<Difference, Integer> excluded = new EnumMap<>(Difference.class);
  private final List<String> failures = new ArrayList<>();
  private int compared;
  private int sequences;

  @Test
  void sixFieldExpressionsAgreeWithSpringExceptForDocumentedDifferences() {
    Random random = new Random(6_2_19L);
    ExpressionGenerator generator = ExpressionGenerator.springCompatible(random);
    int expressions = 0;
    while (expressions < 2000) {
      String expression = generator.expression(Cron.Dialect.SPRING);
      expressions++;
      compareExpression(expression, Cron.Dialect.SPRING, expression, random, DstPolicy.DEFAULT);
    }
    report("6-field SPRING vs Spring", expressions);
    assertThat(compared).isGreaterThan(150_000);
  }

  @Test
  void dstSensitiveExpressionsAgreeWithSpringExceptForDocumentedDifferences() {
    Random random = new Random(2024_11_03L);
    ExpressionGenerator generator = ExpressionGenerator.springCompatible(random);
    int expressions = 0;
    while (expressions < 600) {
      String expression = generator.dstSensitiveExpression(Cron.Dialect.SPRING);
      expressions++;
      compareExpression(expression, Cron.Dialect.SPRING, expression, random, DstPolicy.DEFAULT);
    }
    report("DST-sensitive SPRING vs Spring", expressions);
    assertThat(excluded.getOrDefault(Difference.SPRING_SKIPS_GAP_FIRE, 0)).isPositive();
    assertThat(excluded.getOrDefault(Difference.SPRING_FIRES_FIXED_HOUR_TWICE_IN_OVERLAP, 0))
        .isPositive();
    assertThat(compared).isGreaterThan(50_000);
  }

  @Test
  void skipPolicyAgreesWithSpringInGaps() {
    Random random = new Random(31L);
    ExpressionGenerator generator = ExpressionGenerator.springCompatible(random);
    int expressions = 0;
    while (expressions < 600) {
      String expression = generator.dstSensitiveExpression(Cron.Dialect.SPRING);
      expressions++;
      compareExpression(expression, Cron.Dialect.SPRING, expression, random, DstPolicy.SKIP);
    }
    report("DST-sensitive SPRING with DstPolicy.SKIP vs Spring", expressions);
    assertThat(excluded.getOrDefault(Difference.SPRING_SKIPS_GAP_FIRE, 0)).isZero();
    assertThat(compared).isGreaterThan(50_000);
  }

  @Test
  void unixExpressionsAgreeWithSpringGivenZeroSeconds() {
    Random random = new Random(1975L);
    ExpressionGenerator generator = ExpressionGenerator.springCompatible(random);
    int expressions = 0;
    while (expressions < 700) {
      String unix = generator.expression(Cron.Dialect.UNIX);
      String[] fields = unix.split(" ");
      if (!unrestricted(fields[2]) && !unrestricted(fields[4])) {
        continue; // both restricted: Unix ORs the day fields, Spring ANDs them
      }
      expressions++;
      String spring = "0 " + unix;
      if (unixDayOfWeekStepCountsFromSunday(unix)) {
        count(Difference.UNIX_DAY_OF_WEEK_STEP_COUNTS_FROM_SUNDAY);
        spring =
            "0 "
                + String.join(
                    " ", fields[0], fields[1], fields[2], fields[3], fields[4].replace("*/", "0/"));
      }
      compareExpression(unix, Cron.Dialect.UNIX, spring, random, DstPolicy.DEFAULT);
    }
    report("5-field UNIX vs Spring \"0 \" + expression", expressions);
    assertThat(compared).isGreaterThan(60_000);
  }

  @Test
  void macrosAgreeWithSpring() {
    Random random = new Random(12L);
    int expressions = 0;
    for (String macro :
        List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")) {
      for (int i = 0; i < 20; i++) {
        expressions++;
        compareExpression(macro, Cron.Dialect.UNIX, macro, random, DstPolicy.DEFAULT);
      }
    }
    report("macros vs Spring", expressions);
    assertThat(compared).isGreaterThan(10_000);
  }

  /** Macros are parsed with dialect detection; everything else with the dialect forced. */
  private static Cron parse(String expression, Cron.Dialect dialect) {
    return expression.startsWith("@") ? Cron.parse(expression) : Cron.parse(expression, dialect);
  }

  private static boolean unrestricted(String dayField) {
    return dayField.startsWith("*") || dayField.startsWith("?");
  }

  // ---------------------------------------------------------------------------------------------

  private void compareExpression(
      String ours, Cron.Dialect dialect, String spring, Random random, DstPolicy policy) {
    ReferenceCron reference = ReferenceCron.parse(ours, dialect).withPolicy(policy);
    if (!reference.isPossible()) {
      try {
        parse(ours, dialect);
        failure("impossible \"" + ours + "\" accepted");
      } catch (InvalidCronExpressionException expected) {
        count(Difference.WE_REJECT_IMPOSSIBLE_SCHEDULE);
      }
      return;
    }
    Cron cron;
    try {
      cron = parse(ours, dialect).withDstPolicy(policy);
    } catch (RuntimeException e) {
      failure("\"" + ours + "\" rejected: " + e);
      return;
    }
    CronExpression expression = CronExpression.parse(spring);
    for (ZoneId zone : ZONES) {
      // one start anywhere in 1995-2045, one up to two days around a DST transition
      compareSequence(cron, reference, expression, CronPropertyTest.randomStart(random, zone), 8);
      compareSequence(
          cron, reference, expression, CronPropertyTest.nearTransition(random, zone), 8);
    }
  }

  private void compareSequence(
      Cron cron, ReferenceCron reference, CronExpression spring, ZonedDateTime start, int count) {
    sequences++;
    ZonedDateTime o = cron.next(start).orElse(null);
    ZonedDateTime s = spring.next(start);
    ZonedDateTime lastAgreed = start;
    int agreed = 0;
    int steps = 0;
    while (agreed < count && steps++ < 4 * count && failures.size() < 25) {
      if (o != null && s != null && o.toInstant().equals(s.toInstant())) {
        if (!o.equals(s)) {
          failure(context(cron, start) + ": same instant, different zone " + o + " / " + s);
        }
        compared++;
        agreed++;
        lastAgreed = o;
        o = cron.next(o).orElse(null);
        ZonedDateTime previousSpring = s;
        s = spring.next(s);
        if (s != null && !s.isAfter(previousSpring)) {
          s = null; // Spring went backwards: a failure unless a documented difference explains it
        }
        continue;
      }
      if (o == null && s == null) {
        return;
      }
      if (isNearTransitionOffTheHour(lastAgreed, o, s)) {
        count(Difference.SPRING_MISHANDLES_TRANSITION_OFF_THE_HOUR);
        checkRestAgainstReference(cron, reference, lastAgreed, count - agreed, start);
        return;
      }
      if (o == null || s == null) {
        failure(context(cron, start) + ": ours " + o + ", Spring " + s);
        return;
      }
      Difference difference;
      if (o.isAfter(s)) {
        difference = springExtra(reference, s);
        if (difference != null) {
          count(difference);
          if (reference.matches(s.toInstant(), s.getZone())) {
            failure(context(cron, start) + ": we miss reference fire " + s);
          }
          s = spring.next(s);
          continue;
        }
      } else {
        difference = oursExtra(cron, reference, o);
        if (difference != null) {
          count(difference);
          if (!reference.matches(o.toInstant(), o.getZone())) {
            failure(context(cron, start) + ": excluded fire " + o + " not a reference fire");
          }
          o = cron.next(o).orElse(null);
          continue;
        }
      }
      failure(
          context(cron, start)
              + ": ours "
              + o
              + ", Spring "
              + s
              + ", reference "
              + reference.firstAfter(start.toInstant(), start.getZone(), agreed + 1));
      return;
    }
  }

  /** Where Spring cannot be compared any more, our next fires must equal the reference's. */
  private void checkRestAgainstReference(
      Cron cron, ReferenceCron reference, ZonedDateTime from, int count, ZonedDateTime start) {
    List<java.time.Instant> expected =
        reference.firstAfter(from.toInstant(), from.getZone(), count);
    List<java.time.Instant> actual =
        CronPropertyTest.toInstants(CronPropertyTest.iterate(cron, from, count));
    if (!actual.equals(expected)) {
      failure(
          context(cron, start) + ": after " + from + " ours " + actual + ", reference " + expected);
    }
  }

  /** A transition whose local times are not on a whole hour lies within a day of the divergence. */
  static boolean isNearTransitionOffTheHour(
      ZonedDateTime lastAgreed, ZonedDateTime ours, ZonedDateTime spring) {
    ZonedDateTime until =
        ours == null ? spring : spring == null ? ours : ours.isBefore(spring) ? ours : spring;
    if (until == null) {
      until = lastAgreed.plusDays(2);
    }
    ZoneOffsetTransition t =
        lastAgreed.getZone().getRules().nextTransition(lastAgreed.toInstant().minusSeconds(86_400));
    while (t != null && !t.getInstant().isAfter(until.toInstant().plusSeconds(86_400))) {
      if (t.getDateTimeBefore().getMinute() != 0 || t.getDateTimeAfter().getMinute() != 0) {
        return true;
      }
      t = lastAgreed.getZone().getRules().nextTransition(t.getInstant());
    }
    return false;
  }

  /** Which documented difference explains a fire Spring has and we have not, if any. */
  private static Difference springExtra(ReferenceCron reference, ZonedDateTime spring) {
    if (springFiresFixedHourAgainInOverlap(reference, spring)) {
      return Difference.SPRING_FIRES_FIXED_HOUR_TWICE_IN_OVERLAP;
    }
    return null;
  }

  /** Which documented difference explains a fire we have and Spring has not, if any. */
  private static Difference oursExtra(Cron cron, ReferenceCron reference, ZonedDateTime ours) {
    if (cron.dstPolicy() == DstPolicy.RUN_AFTER_GAP && isFirstInstantAfterGap(ours)) {
      return Difference.SPRING_SKIPS_GAP_FIRE;
    }
    if (isNearestWeekdayToSundayMonthEnd(reference, ours.toLocalDate())) {
      return Difference.SPRING_SKIPS_NEAREST_WEEKDAY_TO_SUNDAY_MONTH_END;
    }
    return null;
  }

  /** Spring's fire is the second occurrence of a repeated local time, for a fixed hour. */
  static boolean springFiresFixedHourAgainInOverlap(ReferenceCron reference, ZonedDateTime fire) {
    List<ZoneOffset> offsets = fire.getZone().getRules().getValidOffsets(fire.toLocalDateTime());
    return reference.fixedHour && offsets.size() == 2 && fire.getOffset().equals(offsets.get(1));
  }

  /** Our fire is exactly the instant a spring-forward gap ends (where gap fires run). */
  static boolean isFirstInstantAfterGap(ZonedDateTime fire) {
    ZoneOffsetTransition transition =
        fire.getZone().getRules().previousTransition(fire.toInstant().plusSeconds(1));
    return transition != null
        && transition.isGap()
        && transition.getInstant().equals(fire.toInstant());
  }

  /** The day is the Friday before a last-of-month Sunday named by an {@code nW} item. */
  static boolean isNearestWeekdayToSundayMonthEnd(ReferenceCron reference, LocalDate day) {
    int last = day.lengthOfMonth();
    if (day.getDayOfMonth() != last - 2
        || day.withDayOfMonth(last).getDayOfWeek() != DayOfWeek.SUNDAY) {
      return false;
    }
    String dayOfMonth = reference.expression.trim().split("\\s+")[3];
    for (String item : dayOfMonth.split(",")) {
      if (item.equals(last + "W")) {
        return true;
      }
    }
    return false;
  }

  /** A UNIX expression whose day-of-week field steps from {@code *}. */
  static boolean unixDayOfWeekStepCountsFromSunday(String unix) {
    String dayOfWeek = unix.trim().split("\\s+")[4];
    for (String item : dayOfWeek.split(",")) {
      if (item.startsWith("*/")) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // Directed cases: the documented differences, each shown once on a literal example.
  // ---------------------------------------------------------------------------------------------

  @Test
  void springFiresDailyFixedHourJobTwiceAtFallBackButWeFireOnce() {
    ZoneId newYork = ZoneId.of("America/New_York");
    ZonedDateTime after = ZonedDateTime.of(2024, 11, 2, 12, 0, 0, 0, newYork);
    CronExpression spring = CronExpression.parse("0 30 1 * * *");
    ZonedDateTime first = spring.next(after);
    ZonedDateTime second = spring.next(first);
    assertThat(first.toLocalDateTime()).isEqualTo(second.toLocalDateTime());

    Cron ours = Cron.parse("0 30 1 * * *");
    assertThat(ours.next(after, 2))
        .extracting(ZonedDateTime::toLocalDateTime)
        .containsExactly(
            LocalDateTime.of(2024, 11, 3, 1, 30), LocalDateTime.of(2024, 11, 4, 1, 30));
  }

  @Test
  void springSkipsGapFireButWeRunItWhenTheGapEnds() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    ZonedDateTime after = ZonedDateTime.of(2024, 3, 30, 12, 0, 0, 0, berlin);
    assertThat(CronExpression.parse("0 30 2 * * *").next(after).toLocalDateTime())
        .isEqualTo(LocalDateTime.of(2024, 4, 1, 2, 30));
    Cron ours = Cron.parse("0 30 2 * * *");
    assertThat(ours.next(after).orElseThrow().toLocalDateTime())
        .isEqualTo(LocalDateTime.of(2024, 3, 31, 3, 0));
    assertThat(ours.withDstPolicy(DstPolicy.SKIP).next(after).orElseThrow().toLocalDateTime())
        .isEqualTo(LocalDateTime.of(2024, 4, 1, 2, 30));
  }

  @Test
  void springMishandlesChathamTransitionsOffTheHour() {
    ZoneId chatham = ZoneId.of("Pacific/Chatham");
    // 2025-09-28: 02:45 jumps to 03:45, so 03:50 exists; Spring skips the day
    ZonedDateTime beforeGap = ZonedDateTime.of(2025, 9, 27, 12, 0, 0, 0, chatham);
    assertThat(CronExpression.parse("0 50 3 * * *").next(beforeGap).toLocalDate())
        .isEqualTo(LocalDate.of(2025, 9, 29));
    assertThat(Cron.parse("0 50 3 * * *").next(beforeGap).orElseThrow().toLocalDateTime())
        .isEqualTo(LocalDateTime.of(2025, 9, 28, 3, 50));
    // 2040-04-01: 03:45 falls back to 02:45, so 03:00:30 occurs twice; Spring takes the second
    ZonedDateTime beforeOverlap = ZonedDateTime.of(2040, 3, 31, 22, 45, 0, 0, chatham);
    assertThat(CronExpression.parse("30 0 3 * * *").next(beforeOverlap).getOffset())
        .isEqualTo(ZoneOffset.ofHoursMinutes(12, 45));
    ZonedDateTime ours = Cron.parse("30 0 3 * * *").next(beforeOverlap).orElseThrow();
    assertThat(ours.toLocalDateTime()).isEqualTo(LocalDateTime.of(2040, 4, 1, 3, 0, 30));
    assertThat(ours.getOffset()).isEqualTo(ZoneOffset.ofHoursMinutes(13, 45));
    // 2038-04-04: a step hour fires in both halves of the overlap; Spring skips the second half
    ZonedDateTime firstHalf =
        ZonedDateTime.of(2038, 4, 4, 3, 30, 0, 0, ZoneOffset.ofHoursMinutes(13, 45))
            .withZoneSameInstant(chatham);
    ZonedDateTime secondHalf =
        ZonedDateTime.ofLocal(
            LocalDateTime.of(2038, 4, 4, 3, 0), chatham, ZoneOffset.ofHoursMinutes(12, 45));
    assertThat(secondHalf.getOffset()).isEqualTo(ZoneOffset.ofHoursMinutes(12, 45));
    assertThat(CronExpression.parse("0 */15 0/3 * * *").next(firstHalf).toLocalTime())
        .isEqualTo(LocalTime.of(3, 45));
    assertThat(Cron.parse("0 */15 0/3 * * *").next(firstHalf)).contains(secondHalf);
  }

  @Test
  void springSkipsMonthWhereNearestWeekdayIsFridayBeforeSundayMonthEnd() {
    ZonedDateTime after = ZonedDateTime.of(2025, 8, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    // 2025-08-31 is a Sunday: Quartz and we pick Friday the 29th; Spring skips to October
    assertThat(CronExpression.parse("0 0 0 31W * *").next(after).toLocalDate())
        .isEqualTo(LocalDate.of(2025, 10, 31));
    assertThat(Cron.parse("0 0 0 31W * *").next(after).orElseThrow().toLocalDate())
        .isEqualTo(LocalDate.of(2025, 8, 29));
  }

  @Test
  void springStopsAdvancingForLastDayOffsetThatShortMonthsLack() {
    ZonedDateTime after = ZonedDateTime.of(2024, 1, 2, 0, 0, 0, 0, ZoneOffset.UTC);
    CronExpression spring = CronExpression.parse("0 0 0 L-29 * *");
    ZonedDateTime stuck = spring.next(after);
    assertThat(stuck.toLocalDate()).isEqualTo(LocalDate.of(2024, 1, 31));
    assertThat(spring.next(stuck)).isEqualTo(stuck);
    // L-29 is Jan 2, none in February 2024 (29 days), Mar 2
    assertThat(Cron.parse("0 0 0 L-29 * *").next(after, 2))
        .extracting(ZonedDateTime::toLocalDate)
        .containsExactly(LocalDate.of(2024, 3, 2), LocalDate.of(2024, 4, 1));
  }

  @Test
  void nearestWeekdaySkipsMonthsTooShortForTheDay() {
    // cron-utils issue 715: 31W threw in 30-day months; Quartz skips them
    ZonedDateTime after = ZonedDateTime.of(2025, 6, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    assertThat(Cron.parse("0 0 0 31W * ?", Cron.Dialect.QUARTZ).next(after, 5))
        .extracting(ZonedDateTime::toLocalDate)
        .containsExactly(
            LocalDate.of(2025, 7, 31),
            LocalDate.of(2025, 8, 29),
            LocalDate.of(2025, 10, 31),
            LocalDate.of(2025, 12, 31),
            LocalDate.of(2026, 1, 30));
  }

  @Test
  void lastDayInADayOfMonthListIsNotIgnored() {
    // cron-utils issue 539: "L,15" ignored L
    ZonedDateTime after = ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    assertThat(Cron.parse("0 0 L,15 * *").next(after, 4))
        .extracting(ZonedDateTime::toLocalDate)
        .containsExactly(
            LocalDate.of(2024, 1, 15),
            LocalDate.of(2024, 1, 31),
            LocalDate.of(2024, 2, 15),
            LocalDate.of(2024, 2, 29));
  }

  @Test
  void fixedHourDailyJobKeepsItsLocalTimeAcrossDstDays() {
    // cron-utils issues 404/446: wrong results on and around DST days
    for (ZoneId zone : ZONES) {
      Cron cron = Cron.parse("0 17 * * *");
      ReferenceCron reference = ReferenceCron.parse("0 17 * * *", Cron.Dialect.UNIX);
      ZoneOffsetTransition transition =
          zone.getRules()
              .nextTransition(ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, zone).toInstant());
      ZonedDateTime start =
          transition == null
              ? ZonedDateTime.of(2024, 3, 9, 0, 0, 0, 0, zone)
              : transition.getInstant().minusSeconds(3 * 86_400).atZone(zone);
      List<ZonedDateTime> fires = cron.next(start, 6);
      assertThat(fires).allSatisfy(f -> assertThat(f.toLocalTime().getHour()).isEqualTo(17));
      assertThat(CronPropertyTest.toInstants(fires))
          .isEqualTo(reference.firstAfter(start.toInstant(), zone, 6));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // cron-utils (9.2.1, on the classpath for descriptions only): the reported bugs we avoid, shown
  // side by side with our result on the same input.
  // ---------------------------------------------------------------------------------------------

  private static ExecutionTime cronUtils(CronType type, String expression) {
    return ExecutionTime.forCron(
        new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)).parse(expression));
  }

  @Test
  void cronUtilsThrowsForNearestWeekdayInShortMonthWhereWeSkipTheMonth() {
    // cron-utils issue 715
    ZonedDateTime after = ZonedDateTime.of(2025, 6, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    assertThatThrownBy(() -> cronUtils(CronType.QUARTZ, "0 0 0 31W * ?").nextExecution(after))
        .isInstanceOf(java.time.DateTimeException.class);
    assertThat(Cron.parse("0 0 0 31W * ?", Cron.Dialect.QUARTZ).next(after))
        .map(ZonedDateTime::toLocalDate)
        .contains(LocalDate.of(2025, 7, 31));
  }

  @Test
  void cronUtilsIgnoresLastDayInAListWhereWeFireOnIt() {
    // cron-utils issue 539
    ZonedDateTime after = ZonedDateTime.of(2024, 1, 16, 0, 0, 0, 0, ZoneOffset.UTC);
    assertThat(cronUtils(CronType.QUARTZ, "0 0 0 L,15 * ?").nextExecution(after))
        .map(ZonedDateTime::toLocalDate)
        .contains(LocalDate.of(2024, 2, 15));
    assertThat(Cron.parse("0 0 0 L,15 * ?", Cron.Dialect.QUARTZ).next(after))
        .map(ZonedDateTime::toLocalDate)
        .contains(LocalDate.of(2024, 1, 31));
  }

  @Test
  void cronUtilsFiresWrappingHourRangeOnlyAtItsStartWhereWeFireEveryHourOfIt() {
    // cron-utils issue 423: with a day of week the next fire is a week later
    ZonedDateTime after = ZonedDateTime.of(2024, 1, 1, 22, 0, 0, 0, ZoneOffset.UTC); // a Monday
    assertThat(cronUtils(CronType.QUARTZ, "0 0 22-2 ? * MON").nextExecution(after))
        .contains(after.plusWeeks(1));
    assertThat(Cron.parse("0 0 22-2 ? * MON", Cron.Dialect.QUARTZ).next(after, 2))
        .containsExactly(
            after.plusHours(1), ZonedDateTime.of(2024, 1, 8, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(Cron.parse("0 22-2 * * *").next(after, 4))
        .containsExactly(
            after.plusHours(1), after.plusHours(2), after.plusHours(3), after.plusHours(4));
  }

  // ---------------------------------------------------------------------------------------------

  private void count(Difference difference) {
    excluded.merge(difference, 1, Integer::sum);
  }

  private void failure(String message) {
    if (failures.size() < 25) {
      failures.add(message);
    }
  }

  private static String context(Cron cron, ZonedDateTime start) {
    return CronPropertyTest.describe(cron, start);
  }

  private void report(String name, int expressions) {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            "CronDifferentialTest [%s]: %d expressions, %d sequences, %d fires compared%n",
            name, expressions, sequences, compared));
    for (Difference difference : Difference.values()) {
      text.append(
          String.format(
              "  excluded by %s: %d %s%n",
              difference, excluded.getOrDefault(difference, 0), difference.unit));
    }
    System.out.print(text);
    assertThat(failures)
        .as("divergences from Spring not explained by a documented difference")
        .isEmpty();
  }
}
