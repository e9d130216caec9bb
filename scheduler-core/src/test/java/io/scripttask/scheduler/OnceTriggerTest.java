package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class OnceTriggerTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final Instant AT = Instant.parse("2025-10-26T14:30:00Z");

  @Test
  void firesOnceAtTheInstant() {
    OnceTrigger trigger = Trigger.once(AT, BERLIN);

    assertThat(trigger.next(AT.minusSeconds(1))).contains(AT);
    assertThat(trigger.next(Instant.parse("2000-01-01T00:00:00Z"))).contains(AT);
    assertThat(trigger.next(AT.minusSeconds(1).atZone(ZoneId.of("UTC"))))
        .contains(ZonedDateTime.parse("2025-10-26T15:30+01:00[Europe/Berlin]"));
  }

  @Test
  void neverFiresFromTheInstantOn() {
    OnceTrigger trigger = Trigger.once(AT, BERLIN);

    assertThat(trigger.next(AT)).isEmpty();
    assertThat(trigger.next(AT.plusNanos(1))).isEmpty();
    assertThat(trigger.next(AT.atZone(BERLIN))).isEmpty();
    assertThat(trigger.next(AT.minusNanos(1).atZone(BERLIN), 3)).containsExactly(AT.atZone(BERLIN));
  }

  @Test
  void takesTheZoneOfAZonedTime() {
    OnceTrigger trigger =
        Trigger.once(ZonedDateTime.parse("2025-10-26T14:30-04:00[America/New_York]"));

    assertThat(trigger.at()).isEqualTo(Instant.parse("2025-10-26T18:30:00Z"));
    assertThat(trigger.zone()).isEqualTo(ZoneId.of("America/New_York"));
  }

  @Test
  void describesItselfInEnglish() {
    assertThat(Trigger.once(AT, BERLIN).describe(Locale.ENGLISH))
        .isEqualTo("once at 2025-10-26T15:30+01:00[Europe/Berlin]");
  }
}
