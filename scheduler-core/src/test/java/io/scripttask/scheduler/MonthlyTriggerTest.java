package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class MonthlyTriggerTest {

  static final ZoneId UTC = ZoneId.of("UTC");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  @Test
  void firesOnTheDayOfTheMonthAtTheTime() {
    MonthlyTrigger trigger = Trigger.monthly(1, LocalTime.MIDNIGHT, UTC);

    // DeployX's monthly backup example: day_of_month 1, time 00:00
    assertThat(trigger.next(ZonedDateTime.parse("2025-10-15T00:00Z[UTC]"), 3))
        .containsExactly(
            ZonedDateTime.parse("2025-11-01T00:00Z[UTC]"),
            ZonedDateTime.parse("2025-12-01T00:00Z[UTC]"),
            ZonedDateTime.parse("2026-01-01T00:00Z[UTC]"));
  }

  @Test
  void firesOnTheLastDayOfMonthsShorterThanTheDay() {
    MonthlyTrigger trigger = Trigger.monthly(31, LocalTime.of(2, 0), UTC);

    assertThat(trigger.next(ZonedDateTime.parse("2025-01-31T02:00Z[UTC]"), 4))
        .containsExactly(
            ZonedDateTime.parse("2025-02-28T02:00Z[UTC]"),
            ZonedDateTime.parse("2025-03-31T02:00Z[UTC]"),
            ZonedDateTime.parse("2025-04-30T02:00Z[UTC]"),
            ZonedDateTime.parse("2025-05-31T02:00Z[UTC]"));
  }

  @Test
  void firesOnFebruaryTwentyNinthInALeapYear() {
    assertThat(
            Trigger.monthly(30, LocalTime.of(2, 0), UTC)
                .next(ZonedDateTime.parse("2024-01-30T02:00Z[UTC]"), 2))
        .containsExactly(
            ZonedDateTime.parse("2024-02-29T02:00Z[UTC]"),
            ZonedDateTime.parse("2024-03-30T02:00Z[UTC]"));
    assertThat(
            Trigger.monthly(29, LocalTime.of(2, 0), UTC)
                .next(ZonedDateTime.parse("2025-01-30T02:00Z[UTC]")))
        .contains(ZonedDateTime.parse("2025-02-28T02:00Z[UTC]"));
  }

  @Test
  void searchesFromTheMonthOfAfterInTheTriggersZone() {
    MonthlyTrigger trigger = Trigger.monthly(1, LocalTime.of(0, 30), BERLIN);

    // 2025-05-31T22:45Z is already June 1, 00:45 in Berlin: June's fire has passed
    assertThat(trigger.next(Instant.parse("2025-05-31T22:00:00Z")))
        .contains(Instant.parse("2025-05-31T22:30:00Z"));
    assertThat(trigger.next(Instant.parse("2025-05-31T22:45:00Z")))
        .contains(Instant.parse("2025-06-30T22:30:00Z"));
  }

  @Test
  void firesAtTheEndOfASpringForwardGap() {
    MonthlyTrigger trigger = Trigger.monthly(30, LocalTime.of(2, 30), BERLIN);

    assertThat(trigger.next(ZonedDateTime.parse("2025-03-01T00:00+01:00[Europe/Berlin]")))
        .contains(ZonedDateTime.parse("2025-03-30T03:00+02:00[Europe/Berlin]"));
    assertThat(
            Trigger.monthly(9, LocalTime.of(2, 30), NEW_YORK)
                .next(Instant.parse("2025-03-01T00:00:00Z")))
        .contains(Instant.parse("2025-03-09T07:00:00Z"));
  }

  @Test
  void skipPolicyDropsTheMonthWhoseFireIsInTheGap() {
    MonthlyTrigger trigger =
        Trigger.monthly(30, LocalTime.of(2, 30), BERLIN).withDstPolicy(DstPolicy.SKIP);

    assertThat(trigger.next(ZonedDateTime.parse("2025-03-01T00:00+01:00[Europe/Berlin]")))
        .contains(ZonedDateTime.parse("2025-04-30T02:30+02:00[Europe/Berlin]"));
  }

  @Test
  void firesOnceInFallBackOverlap() {
    MonthlyTrigger trigger = Trigger.monthly(26, LocalTime.of(2, 30), BERLIN);

    assertThat(trigger.next(ZonedDateTime.parse("2025-10-01T00:00+02:00[Europe/Berlin]"), 2))
        .extracting(ZonedDateTime::toInstant)
        .containsExactly(
            Instant.parse("2025-10-26T00:30:00Z"), Instant.parse("2025-11-26T01:30:00Z"));
    assertThat(trigger.next(Instant.parse("2025-10-26T00:30:00Z")))
        .as("the second 02:30 (01:30Z) does not fire")
        .contains(Instant.parse("2025-11-26T01:30:00Z"));
  }

  @Test
  void behavesAsTheEquivalentCronExpressionForDaysEveryMonthHas() {
    LocalTime[] times = {
      LocalTime.of(2, 30), LocalTime.of(1, 30), LocalTime.MIDNIGHT, LocalTime.of(23, 15, 5)
    };
    for (ZoneId zone : TriggerTest.ZONES) {
      for (int day = 1; day <= 28; day += 3) {
        for (LocalTime time : times) {
          for (DstPolicy policy : DstPolicy.values()) {
            Cron cron =
                Cron.parse(
                        time.getSecond()
                            + " "
                            + time.getMinute()
                            + " "
                            + time.getHour()
                            + " "
                            + day
                            + " * *",
                        Cron.Dialect.SPRING)
                    .withDstPolicy(policy);
            TriggerTest.assertSameFires(
                new MonthlyTrigger(day, time, zone, policy), new CronTrigger(cron, zone), 30);
          }
        }
      }
    }
  }

  @Test
  void rejectsADayOutsideOneToThirtyOne() {
    assertThatThrownBy(() -> Trigger.monthly(32, LocalTime.NOON, UTC))
        .isInstanceOf(ValidationException.class)
        .hasMessage("dayOfMonth must be 1-31, but was 32");
    assertThatThrownBy(() -> Trigger.monthly(0, LocalTime.NOON, UTC))
        .isInstanceOf(ValidationException.class)
        .hasMessage("dayOfMonth must be 1-31, but was 0");
  }

  @Test
  void rejectsATimeWithAFractionOfASecond() {
    assertThatThrownBy(() -> Trigger.monthly(1, LocalTime.of(0, 0, 0, 1), UTC))
        .isInstanceOf(ValidationException.class)
        .hasMessage("at must be a whole second, but was 00:00:00.000000001");
  }

  @Test
  void describesItselfInEnglish() {
    assertThat(Trigger.monthly(31, LocalTime.of(2, 0), UTC).describe(Locale.ENGLISH))
        .isEqualTo("every month on day 31 (or its last day) at 02:00 (UTC)");
    assertThat(Trigger.monthly(1, LocalTime.MIDNIGHT, UTC).describe(Locale.ENGLISH))
        .isEqualTo("every month on day 1 at 00:00 (UTC)");
  }
}
