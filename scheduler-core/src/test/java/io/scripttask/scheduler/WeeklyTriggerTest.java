package io.scripttask.scheduler;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.TUESDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WeeklyTriggerTest {

  static final ZoneId UTC = ZoneId.of("UTC");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  @Test
  void firesOnTheChosenDaysOnly() {
    WeeklyTrigger trigger =
        Trigger.weekly(Set.of(MONDAY, WEDNESDAY, FRIDAY), LocalTime.of(2, 0), UTC);

    // 2025-10-24 is a Friday
    assertThat(trigger.next(ZonedDateTime.parse("2025-10-24T02:00Z[UTC]"), 4))
        .containsExactly(
            ZonedDateTime.parse("2025-10-27T02:00Z[UTC]"),
            ZonedDateTime.parse("2025-10-29T02:00Z[UTC]"),
            ZonedDateTime.parse("2025-10-31T02:00Z[UTC]"),
            ZonedDateTime.parse("2025-11-03T02:00Z[UTC]"));
    assertThat(trigger.next(ZonedDateTime.parse("2025-10-24T01:59:59Z[UTC]")))
        .contains(ZonedDateTime.parse("2025-10-24T02:00Z[UTC]"));
  }

  @Test
  void readsTheDayInTheTriggersZone() {
    WeeklyTrigger trigger = Trigger.weekly(Set.of(MONDAY), LocalTime.of(0, 30), BERLIN);

    // Sunday 2025-06-01 22:45Z is already Monday 00:45 in Berlin
    assertThat(trigger.next(Instant.parse("2025-06-01T22:00:00Z")))
        .contains(Instant.parse("2025-06-01T22:30:00Z"));
  }

  @Test
  void convertsDeployXDayNumbersWithMondayAsZero() {
    // DeployX: "Days are 0-6 (Monday=0, Sunday=6)"; its example [0, 2, 4]
    assertThat(WeeklyTrigger.daysFromMondayZero(0, 2, 4))
        .containsExactly(MONDAY, WEDNESDAY, FRIDAY);
    assertThat(WeeklyTrigger.daysFromMondayZero(6)).containsExactly(SUNDAY);
    assertThat(WeeklyTrigger.daysFromMondayZero(6, 5, 4, 3, 2, 1, 0, 0))
        .containsExactly(MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY);
    assertThat(WeeklyTrigger.daysFromMondayZero()).isEmpty();
  }

  @Test
  void deployXWeeklyExampleFiresMondayWednesdayFriday() {
    WeeklyTrigger trigger =
        Trigger.weekly(WeeklyTrigger.daysFromMondayZero(0, 2, 4), LocalTime.of(2, 0), UTC);

    // 2025-10-26 (the example's scheduled_time) is a Sunday
    assertThat(trigger.next(ZonedDateTime.parse("2025-10-26T02:00Z[UTC]"), 3))
        .extracting(ZonedDateTime::getDayOfWeek)
        .containsExactly(MONDAY, WEDNESDAY, FRIDAY);
  }

  @Test
  void rejectsDeployXDayNumbersOutsideZeroToSix() {
    assertThatThrownBy(() -> WeeklyTrigger.daysFromMondayZero(0, 7))
        .isInstanceOf(ValidationException.class)
        .hasMessage("days_of_week must be 0-6 (0 = Monday, 6 = Sunday), but was 7");
    assertThatThrownBy(() -> WeeklyTrigger.daysFromMondayZero(-1))
        .isInstanceOf(ValidationException.class)
        .hasMessage("days_of_week must be 0-6 (0 = Monday, 6 = Sunday), but was -1");
  }

  @Test
  void firesAtTheEndOfASpringForwardGap() {
    WeeklyTrigger trigger = Trigger.weekly(Set.of(SUNDAY), LocalTime.of(2, 30), BERLIN);

    assertThat(trigger.next(Instant.parse("2025-03-29T00:00:00Z")))
        .contains(Instant.parse("2025-03-30T01:00:00Z")); // 03:00 CEST
    assertThat(trigger.withDstPolicy(DstPolicy.SKIP).next(Instant.parse("2025-03-29T00:00:00Z")))
        .as("SKIP drops that week's fire")
        .contains(Instant.parse("2025-04-06T00:30:00Z"));
  }

  @Test
  void firesOnceInFallBackOverlap() {
    WeeklyTrigger trigger = Trigger.weekly(Set.of(SUNDAY), LocalTime.of(1, 30), NEW_YORK);

    assertThat(trigger.next(ZonedDateTime.parse("2025-11-01T00:00-04:00[America/New_York]"), 2))
        .extracting(ZonedDateTime::toInstant)
        .containsExactly(
            Instant.parse("2025-11-02T05:30:00Z"), Instant.parse("2025-11-09T06:30:00Z"));
  }

  @Test
  void behavesExactlyAsTheEquivalentCronExpression() {
    Random random = new Random(42);
    String[] names = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};
    for (ZoneId zone : TriggerTest.ZONES) {
      for (int i = 0; i < 12; i++) {
        EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        while (days.isEmpty()) {
          for (DayOfWeek day : DayOfWeek.values()) {
            if (random.nextInt(3) == 0) {
              days.add(day);
            }
          }
        }
        LocalTime time =
            i < 4
                ? List.of(
                        LocalTime.of(2, 30),
                        LocalTime.of(0, 15),
                        LocalTime.of(1, 30),
                        LocalTime.of(2, 0))
                    .get(i)
                : LocalTime.of(random.nextInt(24), random.nextInt(60), random.nextInt(60));
        String dayList =
            days.stream().map(d -> names[d.getValue() - 1]).collect(Collectors.joining(","));
        for (DstPolicy policy : DstPolicy.values()) {
          Cron cron =
              Cron.parse(
                      time.getSecond()
                          + " "
                          + time.getMinute()
                          + " "
                          + time.getHour()
                          + " * * "
                          + dayList,
                      Cron.Dialect.SPRING)
                  .withDstPolicy(policy);
          TriggerTest.assertSameFires(
              new WeeklyTrigger(days, time, zone, policy), new CronTrigger(cron, zone), 250);
        }
      }
    }
  }

  @Test
  void rejectsAnEmptySetOfDays() {
    assertThatThrownBy(() -> Trigger.weekly(Set.of(), LocalTime.NOON, UTC))
        .isInstanceOf(ValidationException.class)
        .hasMessage("days must not be empty, but was []");
  }

  @Test
  void rejectsANullDay() {
    Set<DayOfWeek> days = new HashSet<>();
    days.add(MONDAY);
    days.add(null);

    assertThatThrownBy(() -> Trigger.weekly(days, LocalTime.NOON, UTC))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("days");
  }

  @Test
  void keepsAnUnmodifiableCopyOfTheDays() {
    Set<DayOfWeek> days = new HashSet<>(Set.of(FRIDAY, MONDAY));
    WeeklyTrigger trigger = Trigger.weekly(days, LocalTime.NOON, UTC);
    days.add(TUESDAY);

    assertThat(trigger.days()).containsExactly(MONDAY, FRIDAY);
    assertThatThrownBy(() -> trigger.days().add(SUNDAY))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(trigger).isEqualTo(Trigger.weekly(EnumSet.of(MONDAY, FRIDAY), LocalTime.NOON, UTC));
    assertThat(trigger.hashCode())
        .isEqualTo(Trigger.weekly(Set.of(MONDAY, FRIDAY), LocalTime.NOON, UTC).hashCode());
  }

  @Test
  void describesItselfInEnglish() {
    assertThat(
            Trigger.weekly(Set.of(FRIDAY, MONDAY, WEDNESDAY), LocalTime.of(2, 0), UTC)
                .describe(Locale.ENGLISH))
        .isEqualTo("every Monday, Wednesday and Friday at 02:00 (UTC)");
    assertThat(Trigger.weekly(Set.of(SUNDAY), LocalTime.of(3, 0, 30), UTC).describe(Locale.FRENCH))
        .isEqualTo("every Sunday at 03:00:30 (UTC)");
  }
}
