package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CronTriggerTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void readsTheExpressionInTheTriggersZoneWhateverZoneAfterIsIn() {
    CronTrigger trigger = Trigger.cron("0 2 * * *", BERLIN);

    // 2025-05-31T23:30Z is 01:30 in Berlin
    Optional<ZonedDateTime> next = trigger.next(ZonedDateTime.parse("2025-05-31T23:30Z[UTC]"));

    assertThat(next).contains(ZonedDateTime.parse("2025-06-01T02:00+02:00[Europe/Berlin]"));
    assertThat(next.get().getZone()).isEqualTo(BERLIN);
    assertThat(trigger.next(Instant.parse("2025-06-01T00:00:00Z")))
        .as("02:00 in Berlin, strictly after which comes the next day")
        .contains(Instant.parse("2025-06-02T00:00:00Z"));
  }

  @Test
  void isTheCronsNextFireInTheZone() {
    Cron cron = Cron.parse("0 */15 9-17 * * MON-FRI");
    CronTrigger trigger = Trigger.cron(cron, BERLIN);
    ZonedDateTime after = ZonedDateTime.parse("2025-10-24T17:50+02:00[Europe/Berlin]");

    assertThat(trigger.next(after, 5)).isEqualTo(cron.next(after, 5));
    assertThat(trigger.next(after))
        .contains(ZonedDateTime.parse("2025-10-27T09:00+01:00[Europe/Berlin]"));
  }

  @Test
  void keepsTheCronsDaylightSavingContract() {
    CronTrigger trigger = Trigger.cron("30 2 * * *", BERLIN);
    CronTrigger skipping =
        Trigger.cron(Cron.parse("30 2 * * *").withDstPolicy(DstPolicy.SKIP), BERLIN);

    assertThat(trigger.next(Instant.parse("2025-03-29T12:00:00Z")))
        .contains(Instant.parse("2025-03-30T01:00:00Z"));
    assertThat(skipping.next(Instant.parse("2025-03-29T12:00:00Z")))
        .contains(Instant.parse("2025-03-31T00:30:00Z"));
  }

  @Test
  void rejectsAnInvalidExpression() {
    assertThatThrownBy(() -> Trigger.cron("0 24 * * *", BERLIN))
        .isInstanceOf(InvalidCronExpressionException.class)
        .hasMessage("cron field 'hour' must be 0-23, but was 24 in \"0 24 * * *\"");
  }

  @Test
  void rejectsNulls() {
    assertThatThrownBy(() -> new CronTrigger(Cron.parse("0 2 * * *"), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("zone");
    assertThatThrownBy(() -> Trigger.cron("0 2 * * *", BERLIN).next((ZonedDateTime) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("after");
  }

  @Test
  void describesItselfWithTheCronsDescriptionAndTheZone() {
    Cron cron = Cron.parse("0 2 * * *");

    assertThat(Trigger.cron(cron, BERLIN).describe(Locale.ENGLISH))
        .isEqualTo(cron.describe(Locale.ENGLISH) + " (Europe/Berlin)");
  }
}
