package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every grammar element with next fire times worked out by hand from a calendar (all in UTC; DST is
 * in {@link CronDstTest}). Wednesday 2025-03-05 10:15:30 is the usual starting point.
 */
class CronGrammarTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final String WEDNESDAY = "2025-03-05T10:15:30";

  private static List<LocalDateTime> next(Cron cron, String after, int count) {
    return cron.next(LocalDateTime.parse(after).atZone(UTC), count).stream()
        .map(ZonedDateTime::toLocalDateTime)
        .collect(Collectors.toList());
  }

  private static List<LocalDateTime> next(String expression, String after, int count) {
    return next(Cron.parse(expression), after, count);
  }

  private static List<LocalDateTime> times(String... isoLocal) {
    return Arrays.stream(isoLocal).map(LocalDateTime::parse).collect(Collectors.toList());
  }

  @Nested
  class Dialects {
    @Test
    void detectsTheDialectFromTheNumberOfFields() {
      assertThat(Cron.parse("0 2 * * *").dialect()).isEqualTo(Cron.Dialect.UNIX);
      assertThat(Cron.parse("0 0 2 * * *").dialect()).isEqualTo(Cron.Dialect.SPRING);
      assertThat(Cron.parse("0 0 2 ? * * 2030").dialect()).isEqualTo(Cron.Dialect.QUARTZ);
      assertThat(Cron.parse("0 0 2 ? * *").dialect()).isEqualTo(Cron.Dialect.SPRING);
    }

    @Test
    void forcedQuartzTakesSixOrSevenFields() {
      assertThat(Cron.parse("0 0 2 ? * MON", Cron.Dialect.QUARTZ).dialect())
          .isEqualTo(Cron.Dialect.QUARTZ);
      // 2 = Monday in Quartz
      assertThat(next(Cron.parse("0 0 2 ? * 2", Cron.Dialect.QUARTZ), WEDNESDAY, 1))
          .isEqualTo(times("2025-03-10T02:00"));
      assertThat(next(Cron.parse("0 0 2 ? * 2 2025", Cron.Dialect.QUARTZ), WEDNESDAY, 1))
          .isEqualTo(times("2025-03-10T02:00"));
    }

    @Test
    void normalizesWhitespaceInTheExpression() {
      Cron cron = Cron.parse("  0   2\t* *  *\n");
      assertThat(cron.expression()).isEqualTo("0 2 * * *");
      assertThat(cron).isEqualTo(Cron.parse("0 2 * * *"));
      assertThat(next(cron, WEDNESDAY, 1)).isEqualTo(times("2025-03-06T02:00"));
    }

    @Test
    void equalityIsByExpressionDialectAndPolicy() {
      Cron unix = Cron.parse("0 2 * * *");
      assertThat(unix).isEqualTo(Cron.parse("0 2 * * *", Cron.Dialect.UNIX));
      assertThat(unix.hashCode()).isEqualTo(Cron.parse("0 2 * * *").hashCode());
      assertThat(unix).isNotEqualTo(unix.withDstPolicy(DstPolicy.SKIP));
      assertThat(Cron.parse("0 0 2 * * ?", Cron.Dialect.SPRING))
          .isNotEqualTo(Cron.parse("0 0 2 * * ?", Cron.Dialect.QUARTZ));
      assertThat(unix.toString()).contains("0 2 * * *", "UNIX", "RUN_AFTER_GAP");
      assertThat(unix.dstPolicy()).isEqualTo(DstPolicy.RUN_AFTER_GAP);
      assertThat(unix.withDstPolicy(DstPolicy.SKIP).dstPolicy()).isEqualTo(DstPolicy.SKIP);
      assertThat(unix.withDstPolicy(DstPolicy.RUN_AFTER_GAP)).isSameAs(unix);
    }
  }

  @Nested
  class Macros {
    @Test
    void yearlyAndAnnuallyFireOnNewYear() {
      assertThat(next("@yearly", WEDNESDAY, 2))
          .isEqualTo(times("2026-01-01T00:00", "2027-01-01T00:00"));
      assertThat(next("@annually", WEDNESDAY, 1)).isEqualTo(times("2026-01-01T00:00"));
    }

    @Test
    void monthlyWeeklyDailyMidnightHourly() {
      assertThat(next("@monthly", WEDNESDAY, 2))
          .isEqualTo(times("2025-04-01T00:00", "2025-05-01T00:00"));
      assertThat(next("@weekly", WEDNESDAY, 2))
          .isEqualTo(times("2025-03-09T00:00", "2025-03-16T00:00"));
      assertThat(next("@daily", WEDNESDAY, 1)).isEqualTo(times("2025-03-06T00:00"));
      assertThat(next("@midnight", WEDNESDAY, 1)).isEqualTo(times("2025-03-06T00:00"));
      assertThat(next("@hourly", WEDNESDAY, 2))
          .isEqualTo(times("2025-03-05T11:00", "2025-03-05T12:00"));
    }

    @Test
    void macrosAreCaseInsensitiveAndWorkInEveryDialect() {
      assertThat(next("@DAILY", WEDNESDAY, 1)).isEqualTo(times("2025-03-06T00:00"));
      Cron spring = Cron.parse("@Hourly", Cron.Dialect.SPRING);
      assertThat(spring.dialect()).isEqualTo(Cron.Dialect.SPRING);
      assertThat(next(spring, WEDNESDAY, 1)).isEqualTo(times("2025-03-05T11:00"));
      Cron quartz = Cron.parse("@weekly", Cron.Dialect.QUARTZ);
      assertThat(next(quartz, WEDNESDAY, 1)).isEqualTo(times("2025-03-09T00:00"));
      assertThat(Cron.parse("@daily").dialect()).isEqualTo(Cron.Dialect.UNIX);
    }

    @Test
    void hourlyHasNoFixedHourButDailyHas() {
      assertThat(Cron.parse("@hourly").hasFixedHour()).isFalse();
      assertThat(Cron.parse("@daily").hasFixedHour()).isTrue();
      assertThat(Cron.parse("@weekly").hasFixedHour()).isTrue();
    }
  }

  @Nested
  class ValuesListsRangesSteps {
    @Test
    void listsOfMinutes() {
      assertThat(next("5,40 * * * *", WEDNESDAY, 2))
          .isEqualTo(times("2025-03-05T10:40", "2025-03-05T11:05"));
    }

    @Test
    void rangesOfMinutes() {
      assertThat(next("10-12 * * * *", WEDNESDAY, 4))
          .isEqualTo(
              times(
                  "2025-03-05T11:10", "2025-03-05T11:11", "2025-03-05T11:12", "2025-03-05T12:10"));
    }

    @Test
    void wildcardSteps() {
      assertThat(next("*/20 * * * *", WEDNESDAY, 3))
          .isEqualTo(times("2025-03-05T10:20", "2025-03-05T10:40", "2025-03-05T11:00"));
      assertThat(next("0 */6 * * *", WEDNESDAY, 3))
          .isEqualTo(times("2025-03-05T12:00", "2025-03-05T18:00", "2025-03-06T00:00"));
      assertThat(next("0 0 */10 * *", WEDNESDAY, 4))
          .isEqualTo(
              times(
                  "2025-03-11T00:00", "2025-03-21T00:00", "2025-03-31T00:00", "2025-04-01T00:00"));
      assertThat(next("0 0 1 */4 *", WEDNESDAY, 3))
          .isEqualTo(times("2025-05-01T00:00", "2025-09-01T00:00", "2026-01-01T00:00"));
    }

    @Test
    void rangeSteps() {
      assertThat(next("10-30/10 * * * *", WEDNESDAY, 3))
          .isEqualTo(times("2025-03-05T10:20", "2025-03-05T10:30", "2025-03-05T11:10"));
    }

    @Test
    void startSlashStepRunsToTheEndOfTheField() {
      assertThat(next("50/5 * * * *", WEDNESDAY, 3))
          .isEqualTo(times("2025-03-05T10:50", "2025-03-05T10:55", "2025-03-05T11:50"));
    }

    @Test
    void secondsInSixFieldExpressions() {
      assertThat(next("*/15 * * * * *", WEDNESDAY, 2))
          .isEqualTo(times("2025-03-05T10:15:45", "2025-03-05T10:16:00"));
      assertThat(next("30 15 10 * * *", WEDNESDAY, 1)).isEqualTo(times("2025-03-06T10:15:30"));
    }

    @Test
    void monthAndDayNamesInAnyCase() {
      // Monday 2025-02-03 is the first Monday of February 2025
      assertThat(next("0 9 * FEB MON", "2025-01-01T00:00", 2))
          .isEqualTo(times("2025-02-03T09:00", "2025-02-10T09:00"));
      assertThat(next("0 9 * feb mon", "2025-01-01T00:00", 1)).isEqualTo(times("2025-02-03T09:00"));
      assertThat(next("0 0 1 JAN-MAR *", "2025-02-15T00:00", 2))
          .isEqualTo(times("2025-03-01T00:00", "2026-01-01T00:00"));
      assertThat(next("0 0 0 * * MON-FRI", WEDNESDAY, 3))
          .isEqualTo(times("2025-03-06T00:00", "2025-03-07T00:00", "2025-03-10T00:00"));
    }

    @Test
    void questionMarkMeansAnyInDayFieldsOfEveryDialect() {
      assertThat(next("0 0 ? * MON", WEDNESDAY, 1)).isEqualTo(times("2025-03-10T00:00"));
      assertThat(next("0 0 0 ? * MON", WEDNESDAY, 1)).isEqualTo(times("2025-03-10T00:00"));
      assertThat(next("0 0 1 * ?", WEDNESDAY, 1)).isEqualTo(times("2025-04-01T00:00"));
    }
  }

  @Nested
  class DaysOfWeek {
    @ParameterizedTest
    @ValueSource(strings = {"0 0 * * 0", "0 0 * * 7", "0 0 * * SUN", "0 0 * * sun"})
    void unixSundayIsZeroOrSeven(String expression) {
      assertThat(next(expression, WEDNESDAY, 2))
          .isEqualTo(times("2025-03-09T00:00", "2025-03-16T00:00"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 0 0 * * 0", "0 0 0 * * 7", "0 0 0 ? * SUN"})
    void springSundayIsZeroOrSeven(String expression) {
      assertThat(next(expression, WEDNESDAY, 1)).isEqualTo(times("2025-03-09T00:00"));
    }

    @Test
    void quartzSundayIsOne() {
      assertThat(next("0 0 0 ? * 1 *", WEDNESDAY, 1)).isEqualTo(times("2025-03-09T00:00"));
      assertThat(next("0 0 0 ? * 2 *", WEDNESDAY, 1)).isEqualTo(times("2025-03-10T00:00"));
      assertThat(next("0 0 0 ? * 7 *", WEDNESDAY, 1)).isEqualTo(times("2025-03-08T00:00"));
      assertThat(next("0 0 0 ? * SAT *", WEDNESDAY, 1)).isEqualTo(times("2025-03-08T00:00"));
      assertThat(next("0 0 0 ? * MON-FRI *", WEDNESDAY, 2))
          .isEqualTo(times("2025-03-06T00:00", "2025-03-07T00:00"));
    }

    @Test
    void unixWildcardStepCountsFromSundayAndSpringFromMonday() {
      // Unix: 0,2,4,6 = Sun, Tue, Thu, Sat
      assertThat(next("0 0 * * */2", WEDNESDAY, 4))
          .isEqualTo(
              times(
                  "2025-03-06T00:00", "2025-03-08T00:00", "2025-03-09T00:00", "2025-03-11T00:00"));
      // Spring: 1,3,5,7 = Mon, Wed, Fri, Sun (Spring's day-of-week range is 1-7)
      assertThat(next("0 0 0 * * */2", WEDNESDAY, 4))
          .isEqualTo(
              times(
                  "2025-03-07T00:00", "2025-03-09T00:00", "2025-03-10T00:00", "2025-03-12T00:00"));
      // Quartz: 1,3,5,7 = Sun, Tue, Thu, Sat
      assertThat(next("0 0 0 ? * */2 *", WEDNESDAY, 2))
          .isEqualTo(times("2025-03-06T00:00", "2025-03-08T00:00"));
    }

    @Test
    void lastWeekdayOfMonthInEveryDialect() {
      List<LocalDateTime> lastFridays =
          times("2025-10-31T00:00", "2025-11-28T00:00", "2025-12-26T00:00");
      assertThat(next("0 0 * * 5L", "2025-10-01T00:00", 3)).isEqualTo(lastFridays);
      assertThat(next("0 0 * * FRIL", "2025-10-01T00:00", 3)).isEqualTo(lastFridays);
      assertThat(next("0 0 0 * * 5L", "2025-10-01T00:00", 3)).isEqualTo(lastFridays);
      assertThat(next("0 0 0 ? * FRIL", "2025-10-01T00:00", 3)).isEqualTo(lastFridays);
      assertThat(next("0 0 0 ? * 6L 2025", "2025-10-01T00:00", 5)).isEqualTo(lastFridays);
    }

    @Test
    void nthWeekdayOfMonthInEveryDialect() {
      List<LocalDateTime> firstMondays =
          times("2025-01-06T00:00", "2025-02-03T00:00", "2025-03-03T00:00");
      assertThat(next("0 0 * * MON#1", "2025-01-01T00:00", 3)).isEqualTo(firstMondays);
      assertThat(next("0 0 * * 1#1", "2025-01-01T00:00", 3)).isEqualTo(firstMondays);
      assertThat(next("0 0 0 ? * 1#1", "2025-01-01T00:00", 3)).isEqualTo(firstMondays);
      assertThat(next("0 0 0 ? * 2#1 *", "2025-01-01T00:00", 3)).isEqualTo(firstMondays);
    }

    @Test
    void fifthWeekdaySkipsMonthsWithoutOne() {
      assertThat(next("0 0 * * 1#5", "2025-01-01T00:00", 4))
          .isEqualTo(
              times(
                  "2025-03-31T00:00", "2025-06-30T00:00", "2025-09-29T00:00", "2025-12-29T00:00"));
    }

    @Test
    void plainLInDayOfWeekIsSaturday() {
      assertThat(next("0 0 * * L", WEDNESDAY, 2))
          .isEqualTo(times("2025-03-08T00:00", "2025-03-15T00:00"));
      assertThat(next("0 0 0 ? * L", WEDNESDAY, 1)).isEqualTo(times("2025-03-08T00:00"));
      assertThat(next("0 0 0 ? * L *", WEDNESDAY, 1)).isEqualTo(times("2025-03-08T00:00"));
    }
  }

  @Nested
  class DaysOfMonth {
    @Test
    void lastDayOfMonthIncludingLeapFebruary() {
      assertThat(next("0 0 L * *", "2025-01-15T00:00", 3))
          .isEqualTo(times("2025-01-31T00:00", "2025-02-28T00:00", "2025-03-31T00:00"));
      assertThat(next("0 0 0 L * *", "2024-02-01T00:00", 1)).isEqualTo(times("2024-02-29T00:00"));
      assertThat(next("0 0 0 L * ? *", "2024-04-01T00:00", 1)).isEqualTo(times("2024-04-30T00:00"));
    }

    @Test
    void daysBeforeTheLastDay() {
      assertThat(next("0 0 L-2 * *", "2025-01-15T00:00", 3))
          .isEqualTo(times("2025-01-29T00:00", "2025-02-26T00:00", "2025-03-29T00:00"));
      // L-30 exists only in 31-day months
      assertThat(next("0 0 L-30 * *", "2025-01-15T00:00", 3))
          .isEqualTo(times("2025-03-01T00:00", "2025-05-01T00:00", "2025-07-01T00:00"));
    }

    @Test
    void nearestWeekday() {
      // 15th: Sat 2025-02-15 -> Fri 14th, Sat 2025-03-15 -> Fri 14th, Tue 04-15, Thu 05-15,
      // Sun 2025-06-15 -> Mon 16th
      assertThat(next("0 0 15W * *", "2025-02-01T00:00", 5))
          .isEqualTo(
              times(
                  "2025-02-14T00:00",
                  "2025-03-14T00:00",
                  "2025-04-15T00:00",
                  "2025-05-15T00:00",
                  "2025-06-16T00:00"));
    }

    @Test
    void nearestWeekdayNeverLeavesTheMonth() {
      // Saturday 2025-11-01: 1W is Monday the 3rd, not Friday October 31st
      assertThat(next("0 0 1W * *", "2025-10-15T00:00", 3))
          .isEqualTo(times("2025-11-03T00:00", "2025-12-01T00:00", "2026-01-01T00:00"));
      // Sunday 2025-08-31: 31W is Friday the 29th; September and November have no 31st
      assertThat(next("0 0 0 31W * ?", "2025-08-01T00:00", 3))
          .isEqualTo(times("2025-08-29T00:00", "2025-10-31T00:00", "2025-12-31T00:00"));
    }

    @Test
    void lastWeekdayOfTheMonth() {
      // Sat 05-31 -> Fri 30th, Mon 06-30, Thu 07-31, Sun 08-31 -> Fri 29th
      assertThat(next("0 0 LW * *", "2025-05-01T00:00", 4))
          .isEqualTo(
              times(
                  "2025-05-30T00:00", "2025-06-30T00:00", "2025-07-31T00:00", "2025-08-29T00:00"));
    }

    @Test
    void specialsMixWithPlainValuesInALists() {
      assertThat(next("0 0 L,15 * *", "2025-01-01T00:00", 4))
          .isEqualTo(
              times(
                  "2025-01-15T00:00", "2025-01-31T00:00", "2025-02-15T00:00", "2025-02-28T00:00"));
      assertThat(next("0 0 0 1,L * ?", "2025-01-15T00:00", 3))
          .isEqualTo(times("2025-01-31T00:00", "2025-02-01T00:00", "2025-02-28T00:00"));
    }

    @Test
    void leapDayCanBeYearsAhead() {
      assertThat(next("0 0 29 2 *", "2025-01-01T00:00", 1)).isEqualTo(times("2028-02-29T00:00"));
      // 2100 is not a leap year
      assertThat(next("0 0 29 2 *", "2096-02-29T00:00", 2))
          .isEqualTo(times("2104-02-29T00:00", "2108-02-29T00:00"));
      Cron cron = Cron.parse("0 0 29 2 *");
      assertThat(cron.previous(ZonedDateTime.of(2104, 2, 29, 0, 0, 0, 0, UTC)))
          .contains(ZonedDateTime.of(2096, 2, 29, 0, 0, 0, 0, UTC));
    }
  }

  @Nested
  class WrapAroundRanges {
    @Test
    void hourRangeWrapsPastMidnight() {
      assertThat(next("0 22-2 * * *", WEDNESDAY, 6))
          .isEqualTo(
              times(
                  "2025-03-05T22:00",
                  "2025-03-05T23:00",
                  "2025-03-06T00:00",
                  "2025-03-06T01:00",
                  "2025-03-06T02:00",
                  "2025-03-06T22:00"));
    }

    @Test
    void steppedHourRangeWraps() {
      assertThat(next("0 22-2/2 * * *", WEDNESDAY, 4))
          .isEqualTo(
              times(
                  "2025-03-05T22:00", "2025-03-06T00:00", "2025-03-06T02:00", "2025-03-06T22:00"));
    }

    @Test
    void dayOfWeekRangeWrapsOverTheWeekend() {
      List<LocalDateTime> friToMon =
          times(
              "2025-03-07T00:00",
              "2025-03-08T00:00",
              "2025-03-09T00:00",
              "2025-03-10T00:00",
              "2025-03-14T00:00");
      assertThat(next("0 0 * * FRI-MON", WEDNESDAY, 5)).isEqualTo(friToMon);
      assertThat(next("0 0 * * 5-1", WEDNESDAY, 5)).isEqualTo(friToMon);
      assertThat(next("0 0 0 ? * 6-2 *", WEDNESDAY, 5)).isEqualTo(friToMon);
    }

    @Test
    void monthAndMinuteRangesWrap() {
      assertThat(next("0 0 1 NOV-FEB *", WEDNESDAY, 5))
          .isEqualTo(
              times(
                  "2025-11-01T00:00",
                  "2025-12-01T00:00",
                  "2026-01-01T00:00",
                  "2026-02-01T00:00",
                  "2026-11-01T00:00"));
      assertThat(next("58-1 * * * *", WEDNESDAY, 5))
          .isEqualTo(
              times(
                  "2025-03-05T10:58",
                  "2025-03-05T10:59",
                  "2025-03-05T11:00",
                  "2025-03-05T11:01",
                  "2025-03-05T11:58"));
    }
  }

  @Nested
  class DaySemantics {
    @Test
    void unixFiresWhenEitherRestrictedDayFieldMatches() {
      // the 1st of the month OR any Monday; Wed 2025-01-01 00:00 itself is excluded (strictly
      // after)
      assertThat(next("0 0 1 * MON", "2025-01-01T00:00", 6))
          .isEqualTo(
              times(
                  "2025-01-06T00:00",
                  "2025-01-13T00:00",
                  "2025-01-20T00:00",
                  "2025-01-27T00:00",
                  "2025-02-01T00:00",
                  "2025-02-03T00:00"));
    }

    @Test
    void unixRequiresBothWhenADayFieldStartsWithAStar() {
      // days 1, 11, 21, 31 that are Mondays: the first is Monday 2025-03-31
      assertThat(next("0 0 */10 * MON", "2025-01-01T00:00", 1))
          .isEqualTo(times("2025-03-31T00:00"));
    }

    @Test
    void unixImpossibleDayOfMonthIsFineWhenDayOfWeekCanFire() {
      assertThat(next("0 0 31 2 MON", "2025-01-01T00:00", 2))
          .isEqualTo(times("2025-02-03T00:00", "2025-02-10T00:00"));
    }

    @Test
    void springAndQuartzRequireBothDayFields() {
      List<LocalDateTime> mondayFirsts =
          times("2025-09-01T00:00", "2025-12-01T00:00", "2026-06-01T00:00", "2027-02-01T00:00");
      assertThat(next("0 0 0 1 * MON", "2025-01-01T00:00", 4)).isEqualTo(mondayFirsts);
      assertThat(next("0 0 0 1 * 2 *", "2025-01-01T00:00", 4)).isEqualTo(mondayFirsts);
    }
  }

  @Nested
  class Years {
    @Test
    void scheduleEndsWithItsYearField() {
      Cron cron = Cron.parse("0 0 12 1 1 ? 2030");
      assertThat(next(cron, "2025-06-01T00:00", 3)).isEqualTo(times("2030-01-01T12:00"));
      assertThat(cron.next(ZonedDateTime.of(2030, 1, 1, 12, 0, 0, 0, UTC))).isEmpty();
      assertThat(cron.next(Instant.parse("2031-01-01T00:00:00Z"), UTC)).isEmpty();
      assertThat(cron.previous(ZonedDateTime.of(2030, 1, 1, 12, 0, 0, 0, UTC))).isEmpty();
      assertThat(cron.previous(ZonedDateTime.of(2030, 1, 1, 12, 0, 1, 0, UTC)))
          .contains(ZonedDateTime.of(2030, 1, 1, 12, 0, 0, 0, UTC));
    }

    @Test
    void yearRangesAndSteps() {
      assertThat(next("0 0 0 1 1 ? 2026-2028", WEDNESDAY, 5))
          .isEqualTo(times("2026-01-01T00:00", "2027-01-01T00:00", "2028-01-01T00:00"));
      List<LocalDateTime> decades = next("0 0 0 1 1 ? 2030/10", WEDNESDAY, 10);
      assertThat(decades)
          .isEqualTo(
              times(
                  "2030-01-01T00:00",
                  "2040-01-01T00:00",
                  "2050-01-01T00:00",
                  "2060-01-01T00:00",
                  "2070-01-01T00:00",
                  "2080-01-01T00:00",
                  "2090-01-01T00:00"));
    }

    @Test
    void yearWildcardDoesNotEndTheSchedule() {
      assertThat(next("0 0 0 1 1 ? *", "2200-06-01T00:00", 1)).isEqualTo(times("2201-01-01T00:00"));
    }

    @Test
    void nthWeekdayWithAYearFieldEndsWithTheYears() {
      // the fourth Monday of February in 2025 and 2026, then nothing
      Cron cron = Cron.parse("0 0 0 ? 2 2#4 2025-2026");
      assertThat(next(cron, "2025-01-01T00:00", 5))
          .isEqualTo(times("2025-02-24T00:00", "2026-02-23T00:00"));
    }
  }

  @Nested
  class Api {
    @Test
    void previousIsTheInverseOfNext() {
      for (String expression :
          new String[] {
            "*/7 * * * *", "0 0 L * *", "0 0 * * 1#5", "0 30 9 ? * MON-FRI", "0 0 22-2 * * *"
          }) {
        Cron cron = Cron.parse(expression);
        List<ZonedDateTime> fires = cron.next(ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, UTC), 40);
        assertThat(fires).hasSize(40);
        List<ZonedDateTime> backwards = new ArrayList<>();
        ZonedDateTime cursor = fires.get(fires.size() - 1);
        for (int i = 0; i < fires.size() - 1; i++) {
          cursor = cron.previous(cursor).orElseThrow();
          backwards.add(cursor);
        }
        Collections.reverse(backwards);
        assertThat(backwards).as(expression).isEqualTo(fires.subList(0, fires.size() - 1));
      }
    }

    @Test
    void previousIsStrictlyBefore() {
      Cron cron = Cron.parse("0 12 * * *");
      ZonedDateTime noon = ZonedDateTime.of(2025, 3, 5, 12, 0, 0, 0, UTC);
      assertThat(cron.previous(noon)).contains(noon.minusDays(1));
      assertThat(cron.previous(noon.plusNanos(1))).contains(noon);
    }

    @Test
    void nextIsStrictlyAfter() {
      Cron cron = Cron.parse("0 12 * * *");
      ZonedDateTime noon = ZonedDateTime.of(2025, 3, 5, 12, 0, 0, 0, UTC);
      assertThat(cron.next(noon)).contains(noon.plusDays(1));
      assertThat(cron.next(noon.minusNanos(1))).contains(noon);
    }

    @Test
    void nextCountReturnsThatManyOrNone() {
      Cron cron = Cron.parse("0 12 * * *");
      ZonedDateTime start = ZonedDateTime.of(2025, 3, 5, 0, 0, 0, 0, UTC);
      assertThat(cron.next(start, 0)).isEmpty();
      assertThat(cron.next(start, 3))
          .containsExactly(
              start.withHour(12), start.withHour(12).plusDays(1), start.withHour(12).plusDays(2));
      assertThatThrownBy(() -> cron.next(start, -1))
          .isInstanceOf(ValidationException.class)
          .hasMessage("count must be >= 0, but was -1");
    }

    @Test
    void nextKeepsTheZoneOfItsArgument() {
      ZoneId tokyo = ZoneId.of("Asia/Tokyo");
      Cron cron = Cron.parse("0 9 * * *");
      assertThat(cron.next(ZonedDateTime.of(2025, 3, 5, 10, 0, 0, 0, tokyo)))
          .contains(ZonedDateTime.of(2025, 3, 6, 9, 0, 0, 0, tokyo));
      assertThat(cron.next(Instant.parse("2025-03-05T01:00:00Z"), tokyo))
          .contains(Instant.parse("2025-03-06T00:00:00Z"));
    }

    @Test
    void matchesExactlyTheFireTimes() {
      Cron cron = Cron.parse("0 30 9 * * MON-FRI");
      ZonedDateTime wednesday = ZonedDateTime.of(2025, 3, 5, 9, 30, 0, 0, UTC);
      assertThat(cron.matches(wednesday)).isTrue();
      assertThat(cron.matches(wednesday.plusSeconds(1))).isFalse();
      assertThat(cron.matches(wednesday.plusNanos(1))).isFalse();
      assertThat(cron.matches(wednesday.plusDays(3))).isFalse(); // Saturday
      assertThat(cron.matches(wednesday.plusDays(5))).isTrue(); // Monday
    }

    @Test
    void hasFixedHourOnlyWithoutWildcardOrStep() {
      assertThat(Cron.parse("0 30 1 * * *").hasFixedHour()).isTrue();
      assertThat(Cron.parse("0 0,30 1 * * *").hasFixedHour()).isTrue();
      assertThat(Cron.parse("0 15 1-2 * * *").hasFixedHour()).isTrue();
      assertThat(Cron.parse("0 */30 * * * *").hasFixedHour()).isFalse();
      assertThat(Cron.parse("0 0 */2 * * *").hasFixedHour()).isFalse();
      assertThat(Cron.parse("0 0 0-23/1 * * *").hasFixedHour()).isFalse();
    }

    @Test
    void nullArgumentsAreRejectedByName() {
      Cron cron = Cron.parse("0 12 * * *");
      assertThatThrownBy(() -> cron.next((ZonedDateTime) null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("after");
      assertThatThrownBy(() -> cron.previous(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("before");
      assertThatThrownBy(() -> cron.next(Instant.EPOCH, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("zone");
      assertThatThrownBy(() -> cron.matches(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> cron.withDstPolicy(null)).isInstanceOf(NullPointerException.class);
    }
  }
}
