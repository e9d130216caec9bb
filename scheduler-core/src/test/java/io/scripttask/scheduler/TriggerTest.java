package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What all triggers share: the factories, the default methods, and the closed set of kinds. */
class TriggerTest {

  /** Zones with and without daylight saving, incl. a 30-minute shift and a midnight transition. */
  static final List<ZoneId> ZONES =
      List.of(
          ZoneId.of("UTC"),
          ZoneId.of("Europe/Berlin"),
          ZoneId.of("America/New_York"),
          ZoneId.of("Australia/Lord_Howe"),
          ZoneId.of("America/Sao_Paulo"),
          ZoneId.of("Asia/Kolkata"));

  /** Where the differential walks start: two years with two transitions each in most zones. */
  static final Instant WALK_START = Instant.parse("2024-01-01T00:00:00Z");

  /**
   * Walks {@code fires} consecutive fires of both triggers from {@link #WALK_START} and checks they
   * are the same instants, in the same zone.
   */
  static void assertSameFires(Trigger trigger, CronTrigger reference, int fires) {
    assertSameFires(trigger, reference, fires, WALK_START);
  }

  /** Like {@link #assertSameFires(Trigger, CronTrigger, int)}, walking from {@code start}. */
  static void assertSameFires(Trigger trigger, CronTrigger reference, int fires, Instant start) {
    List<ZonedDateTime> actual = new ArrayList<>();
    List<ZonedDateTime> expected = new ArrayList<>();
    ZonedDateTime a = start.atZone(trigger.zone());
    ZonedDateTime e = start.atZone(reference.zone());
    for (int i = 0; i < fires; i++) {
      Optional<ZonedDateTime> nextA = trigger.next(a);
      Optional<ZonedDateTime> nextE = reference.next(e);
      if (nextA.isEmpty() || nextE.isEmpty()) {
        assertThat(nextA.isPresent())
            .as("%s vs %s", trigger, reference)
            .isEqualTo(nextE.isPresent());
        break;
      }
      a = nextA.get();
      e = nextE.get();
      actual.add(a);
      expected.add(e);
    }
    assertThat(actual).as("%s vs %s", trigger, reference.cron().expression()).isEqualTo(expected);
  }

  @Test
  void theKindsOfTriggerAreAClosedSet() {
    assertThat(Trigger.class.isSealed()).isTrue();
    assertThat(Trigger.class.getPermittedSubclasses())
        .containsExactlyInAnyOrder(
            CronTrigger.class,
            OnceTrigger.class,
            DailyTrigger.class,
            WeeklyTrigger.class,
            MonthlyTrigger.class,
            IntervalTrigger.class,
            AfterCompletionTrigger.class);
  }

  @Test
  void factoriesCreateTheMatchingRecords() {
    ZoneId zone = ZoneId.of("Europe/Berlin");
    Instant instant = Instant.parse("2025-10-26T14:30:00Z");

    assertThat(Trigger.once(instant, zone)).isEqualTo(new OnceTrigger(instant, zone));
    assertThat(Trigger.once(instant.atZone(zone))).isEqualTo(new OnceTrigger(instant, zone));
    assertThat(Trigger.daily(LocalTime.of(3, 0), zone))
        .isEqualTo(new DailyTrigger(LocalTime.of(3, 0), zone, DstPolicy.DEFAULT));
    assertThat(Trigger.weekly(Set.of(DayOfWeek.MONDAY), LocalTime.of(3, 0), zone))
        .isEqualTo(
            new WeeklyTrigger(
                EnumSet.of(DayOfWeek.MONDAY), LocalTime.of(3, 0), zone, DstPolicy.DEFAULT));
    assertThat(Trigger.monthly(1, LocalTime.MIDNIGHT, zone))
        .isEqualTo(new MonthlyTrigger(1, LocalTime.MIDNIGHT, zone, DstPolicy.DEFAULT));
    assertThat(Trigger.every(Duration.ofMinutes(5), instant, zone))
        .isEqualTo(new IntervalTrigger(Duration.ofMinutes(5), instant, zone));
  }

  @Test
  void nextWithACountReturnsConsecutiveFires() {
    Trigger trigger = Trigger.daily(LocalTime.of(2, 0), ZoneId.of("UTC"));

    assertThat(trigger.next(ZonedDateTime.parse("2025-01-01T12:00Z[UTC]"), 3))
        .containsExactly(
            ZonedDateTime.parse("2025-01-02T02:00Z[UTC]"),
            ZonedDateTime.parse("2025-01-03T02:00Z[UTC]"),
            ZonedDateTime.parse("2025-01-04T02:00Z[UTC]"));
    assertThat(trigger.next(ZonedDateTime.parse("2025-01-01T12:00Z[UTC]"), 0)).isEmpty();
  }

  @Test
  void nextWithACountStopsWhenTheTriggerStopsFiring() {
    Trigger trigger = Trigger.once(Instant.parse("2025-01-01T00:00:00Z"), ZoneId.of("UTC"));

    assertThat(trigger.next(ZonedDateTime.parse("2024-01-01T00:00Z[UTC]"), 5))
        .containsExactly(ZonedDateTime.parse("2025-01-01T00:00Z[UTC]"));
  }

  @Test
  void nextWithACountRejectsANegativeCount() {
    Trigger trigger = Trigger.daily(LocalTime.of(2, 0), ZoneId.of("UTC"));

    assertThatThrownBy(() -> trigger.next(ZonedDateTime.parse("2025-01-01T12:00Z[UTC]"), -1))
        .isInstanceOf(ValidationException.class)
        .hasMessage("count must be at least 0, but was -1");
  }

  @Test
  void nextOfAnInstantIsTheInstantOfTheNextFire() {
    Trigger trigger = Trigger.daily(LocalTime.of(2, 0), ZoneId.of("America/New_York"));

    assertThat(trigger.next(Instant.parse("2025-07-01T00:00:00Z")))
        .contains(Instant.parse("2025-07-01T06:00:00Z"));
  }

  @Test
  void cronFactoryParsesTheExpression() {
    CronTrigger trigger = Trigger.cron("0 2 * * *", ZoneId.of("UTC"));

    assertThat(trigger.cron().expression()).isEqualTo("0 2 * * *");
    assertThat(trigger.zone()).isEqualTo(ZoneId.of("UTC"));
  }

  @Test
  void factoriesRejectNulls() {
    ZoneId utc = ZoneId.of("UTC");
    assertThatThrownBy(() -> Trigger.cron((String) null, utc)).hasMessage("expression");
    assertThatThrownBy(() -> Trigger.cron((Cron) null, utc)).hasMessage("cron");
    assertThatThrownBy(() -> Trigger.once(null, utc)).hasMessage("at");
    assertThatThrownBy(() -> Trigger.once((ZonedDateTime) null)).hasMessage("at");
    assertThatThrownBy(() -> Trigger.once(Instant.EPOCH, null)).hasMessage("zone");
    assertThatThrownBy(() -> Trigger.every(null, Instant.EPOCH, utc)).hasMessage("interval");
    assertThatThrownBy(() -> Trigger.every(Duration.ofHours(1), null, utc)).hasMessage("anchor");
    assertThatThrownBy(() -> Trigger.weekly(null, LocalTime.NOON, utc)).hasMessage("days");
  }
}
