package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DailyTriggerTest {

  static final ZoneId UTC = ZoneId.of("UTC");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  static ZonedDateTime at(String iso) {
    return ZonedDateTime.parse(iso);
  }

  static Instant instant(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void firesAtTheLocalTimeEveryDay() {
    DailyTrigger trigger = Trigger.daily(LocalTime.of(2, 0), UTC);

    assertThat(trigger.next(at("2025-01-01T01:00Z[UTC]"))).contains(at("2025-01-01T02:00Z[UTC]"));
    assertThat(trigger.next(at("2025-01-01T02:00Z[UTC]")))
        .as("strictly after")
        .contains(at("2025-01-02T02:00Z[UTC]"));
    assertThat(trigger.next(at("2025-12-31T03:00Z[UTC]"))).contains(at("2026-01-01T02:00Z[UTC]"));
  }

  @Test
  void returnsFiresInTheTriggersZoneWhateverZoneAfterIsIn() {
    DailyTrigger trigger = Trigger.daily(LocalTime.of(9, 15, 30), BERLIN);

    Optional<ZonedDateTime> next = trigger.next(at("2025-06-01T10:00Z[UTC]"));

    assertThat(next).contains(at("2025-06-02T09:15:30+02:00[Europe/Berlin]"));
    assertThat(next.get().getZone()).isEqualTo(BERLIN);
    assertThat(trigger.next(instant("2025-06-01T07:15:29Z")))
        .contains(instant("2025-06-01T07:15:30Z"));
  }

  @Test
  void firesAtTheEndOfASpringForwardGapNotAnHourLater() {
    DailyTrigger trigger = Trigger.daily(LocalTime.of(2, 30), BERLIN);

    List<ZonedDateTime> fires = trigger.next(at("2025-03-29T02:30+01:00[Europe/Berlin]"), 2);

    // clocks jump from 02:00 to 03:00 on 2025-03-30: 02:30 does not exist, the fire runs at 03:00
    assertThat(fires)
        .containsExactly(
            at("2025-03-30T03:00+02:00[Europe/Berlin]"),
            at("2025-03-31T02:30+02:00[Europe/Berlin]"));
    assertThat(fires.get(0).toInstant()).isEqualTo(instant("2025-03-30T01:00:00Z"));
  }

  @Test
  void firesAtTheEndOfASpringForwardGapInNewYork() {
    DailyTrigger trigger = Trigger.daily(LocalTime.of(2, 30), NEW_YORK);

    assertThat(trigger.next(instant("2025-03-08T12:00:00Z")))
        .contains(instant("2025-03-09T07:00:00Z")); // 03:00 EDT
    assertThat(trigger.next(instant("2025-03-09T07:00:00Z")))
        .contains(instant("2025-03-10T06:30:00Z")); // 02:30 EDT
  }

  @Test
  void skipPolicyDropsTheFireOfADayWhoseTimeIsInTheGap() {
    DailyTrigger trigger = Trigger.daily(LocalTime.of(2, 30), BERLIN).withDstPolicy(DstPolicy.SKIP);

    assertThat(trigger.dstPolicy()).isEqualTo(DstPolicy.SKIP);
    assertThat(trigger.next(at("2025-03-29T02:30+01:00[Europe/Berlin]")))
        .contains(at("2025-03-31T02:30+02:00[Europe/Berlin]"));
  }

  @Test
  void firesOnceInFallBackOverlapAtTheFirstOccurrence() {
    DailyTrigger trigger = Trigger.daily(LocalTime.of(2, 30), BERLIN);

    List<ZonedDateTime> fires = trigger.next(at("2025-10-25T02:30+02:00[Europe/Berlin]"), 3);

    // 02:30 happens twice on 2025-10-26 (00:30Z in CEST, 01:30Z in CET): only the first fires
    assertThat(fires)
        .extracting(ZonedDateTime::toInstant)
        .containsExactly(
            instant("2025-10-26T00:30:00Z"),
            instant("2025-10-27T01:30:00Z"),
            instant("2025-10-28T01:30:00Z"));
  }

  @Test
  void searchingFromBetweenTheTwoOccurrencesOfAnOverlapGoesToTheNextDay() {
    DailyTrigger trigger = Trigger.daily(LocalTime.of(1, 30), NEW_YORK);

    assertThat(trigger.next(instant("2025-11-02T05:00:00Z")))
        .contains(instant("2025-11-02T05:30:00Z")); // 01:30 EDT
    assertThat(trigger.next(instant("2025-11-02T05:30:00Z")))
        .as("01:30 EST (06:30Z) is the repeated occurrence and does not fire")
        .contains(instant("2025-11-03T06:30:00Z"));
    assertThat(trigger.next(instant("2025-11-02T06:00:00Z")))
        .contains(instant("2025-11-03T06:30:00Z"));
  }

  @Test
  void firesAfterAGapAtMidnight() {
    ZoneId saoPaulo = ZoneId.of("America/Sao_Paulo");
    DailyTrigger trigger = Trigger.daily(LocalTime.of(0, 30), saoPaulo);

    // 2018-11-04: clocks jumped from 00:00 to 01:00
    assertThat(trigger.next(at("2018-11-03T12:00-03:00[America/Sao_Paulo]")))
        .contains(at("2018-11-04T01:00-02:00[America/Sao_Paulo]"));
  }

  @Test
  void firesOnceOnTheDayAfterADayThatWasSkippedEntirely() {
    ZoneId apia = ZoneId.of("Pacific/Apia");
    DailyTrigger trigger = Trigger.daily(LocalTime.of(10, 0), apia);

    // Samoa skipped 2011-12-30: the fire of that day runs at the first instant after the gap
    assertThat(trigger.next(at("2011-12-29T10:00-10:00[Pacific/Apia]"), 2))
        .containsExactly(
            at("2011-12-31T00:00+14:00[Pacific/Apia]"), at("2011-12-31T10:00+14:00[Pacific/Apia]"));
  }

  @Test
  void behavesExactlyAsTheEquivalentCronExpression() {
    LocalTime[] times = {
      LocalTime.MIDNIGHT,
      LocalTime.of(0, 30),
      LocalTime.of(1, 30),
      LocalTime.of(2, 0),
      LocalTime.of(2, 30, 15),
      LocalTime.of(3, 0),
      LocalTime.of(23, 30),
      LocalTime.of(23, 59, 59)
    };
    for (ZoneId zone : TriggerTest.ZONES) {
      for (LocalTime time : times) {
        for (DstPolicy policy : DstPolicy.values()) {
          Cron cron =
              Cron.parse(
                      time.getSecond() + " " + time.getMinute() + " " + time.getHour() + " * * *",
                      Cron.Dialect.SPRING)
                  .withDstPolicy(policy);
          TriggerTest.assertSameFires(
              new DailyTrigger(time, zone, policy), new CronTrigger(cron, zone), 800);
        }
      }
    }
  }

  @Test
  void behavesAsTheEquivalentCronExpressionAcrossASkippedDay() {
    ZoneId apia = ZoneId.of("Pacific/Apia");
    for (int hour = 0; hour < 24; hour += 5) {
      for (DstPolicy policy : DstPolicy.values()) {
        Cron cron =
            Cron.parse("0 15 " + hour + " * * *", Cron.Dialect.SPRING).withDstPolicy(policy);
        TriggerTest.assertSameFires(
            new DailyTrigger(LocalTime.of(hour, 15), apia, policy),
            new CronTrigger(cron, apia),
            10,
            Instant.parse("2011-12-27T00:00:00Z"));
      }
    }
  }

  @Test
  void rejectsATimeWithAFractionOfASecond() {
    assertThatThrownBy(() -> Trigger.daily(LocalTime.of(2, 0, 0, 500_000_000), UTC))
        .isInstanceOf(ValidationException.class)
        .hasMessage("at must be a whole second, but was 02:00:00.500");
  }

  @Test
  void rejectsNulls() {
    assertThatThrownBy(() -> Trigger.daily(null, UTC))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("at");
    assertThatThrownBy(() -> Trigger.daily(LocalTime.NOON, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("zone");
    assertThatThrownBy(() -> new DailyTrigger(LocalTime.NOON, UTC, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dstPolicy");
    assertThatThrownBy(() -> Trigger.daily(LocalTime.NOON, UTC).next((ZonedDateTime) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("after");
  }

  @Test
  void usesTheDefaultDstPolicyUnlessTold() {
    assertThat(Trigger.daily(LocalTime.NOON, UTC).dstPolicy()).isEqualTo(DstPolicy.RUN_AFTER_GAP);
    assertThat(Trigger.daily(LocalTime.NOON, UTC))
        .isEqualTo(new DailyTrigger(LocalTime.NOON, UTC, DstPolicy.RUN_AFTER_GAP));
  }

  @Test
  void describesItselfInEnglish() {
    assertThat(Trigger.daily(LocalTime.of(2, 0), BERLIN).describe(Locale.GERMAN))
        .isEqualTo("every day at 02:00 (Europe/Berlin)");
  }
}
