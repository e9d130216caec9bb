package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class IntervalTriggerTest {

  static final ZoneId UTC = ZoneId.of("UTC");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final Instant ANCHOR = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void firesAtTheAnchorAndEveryIntervalAfterIt() {
    IntervalTrigger trigger = Trigger.every(Duration.ofMinutes(90), ANCHOR, UTC);

    assertThat(trigger.next(Instant.parse("2024-12-31T00:00:00Z"))).contains(ANCHOR);
    assertThat(trigger.next(ANCHOR)).contains(Instant.parse("2025-01-01T01:30:00Z"));
    assertThat(trigger.next(Instant.parse("2025-01-01T02:59:59.999Z")))
        .contains(Instant.parse("2025-01-01T03:00:00Z"));
    assertThat(trigger.next(Instant.parse("2025-01-01T03:00:00Z")))
        .contains(Instant.parse("2025-01-01T04:30:00Z"));
  }

  @Test
  void neverFiresBeforeTheAnchor() {
    IntervalTrigger trigger = Trigger.every(Duration.ofHours(1), ANCHOR, UTC);

    assertThat(trigger.next(ZonedDateTime.parse("2024-12-31T22:30Z[UTC]"), 2))
        .containsExactly(
            ZonedDateTime.parse("2025-01-01T00:00Z[UTC]"),
            ZonedDateTime.parse("2025-01-01T01:00Z[UTC]"));
  }

  @Test
  void keepsTheAnchorsFractionOfASecond() {
    Instant anchor = Instant.parse("2025-01-01T00:00:00.500Z");
    IntervalTrigger trigger = Trigger.every(Duration.ofSeconds(10), anchor, UTC);

    assertThat(trigger.next(Instant.parse("2025-01-01T00:00:10.499Z")))
        .contains(Instant.parse("2025-01-01T00:00:10.500Z"));
    assertThat(trigger.next(Instant.parse("2025-01-01T00:00:10.500Z")))
        .contains(Instant.parse("2025-01-01T00:00:20.500Z"));
    assertThat(trigger.next(Instant.parse("2025-01-01T00:00:10.600Z")))
        .contains(Instant.parse("2025-01-01T00:00:20.500Z"));
  }

  @Test
  void worksWithAnchorsBeforeTheEpoch() {
    IntervalTrigger trigger =
        Trigger.every(Duration.ofHours(1), Instant.parse("1900-01-01T00:00:00Z"), UTC);

    assertThat(trigger.next(Instant.parse("1950-06-15T10:30:00Z")))
        .contains(Instant.parse("1950-06-15T11:00:00Z"));
  }

  @Test
  void countsElapsedTimeAcrossSpringForward() {
    IntervalTrigger trigger =
        Trigger.every(Duration.ofHours(1), Instant.parse("2025-03-30T00:00:00Z"), BERLIN);

    // 01:00 CET, then 03:00, 04:00, 05:00 CEST: one hour of elapsed time apart
    assertThat(trigger.next(ZonedDateTime.parse("2025-03-30T00:30+01:00[Europe/Berlin]"), 3))
        .containsExactly(
            ZonedDateTime.parse("2025-03-30T01:00+01:00[Europe/Berlin]"),
            ZonedDateTime.parse("2025-03-30T03:00+02:00[Europe/Berlin]"),
            ZonedDateTime.parse("2025-03-30T04:00+02:00[Europe/Berlin]"));
  }

  @Test
  void firesInBothHalvesOfFallBackOverlap() {
    IntervalTrigger trigger =
        Trigger.every(Duration.ofHours(1), Instant.parse("2025-10-26T00:00:00Z"), BERLIN);

    assertThat(trigger.next(ZonedDateTime.parse("2025-10-26T01:30+02:00[Europe/Berlin]"), 2))
        .containsExactly(
            ZonedDateTime.parse("2025-10-26T02:00+02:00[Europe/Berlin]"),
            ZonedDateTime.parse("2025-10-26T02:00+01:00[Europe/Berlin]"));
  }

  @Test
  void computesFarFromTheAnchorWithoutLooping() {
    IntervalTrigger trigger = Trigger.every(Duration.ofSeconds(1), Instant.EPOCH, UTC);
    IntervalTrigger daily = Trigger.every(Duration.ofDays(1), Instant.EPOCH, UTC);

    assertThat(trigger.next(Instant.parse("+999999999-06-01T00:00:00.5Z")))
        .contains(Instant.parse("+999999999-06-01T00:00:01Z"));
    assertThat(daily.next(Instant.parse("9999-12-31T12:00:00Z")))
        .contains(Instant.parse("+10000-01-01T00:00:00Z"));
  }

  @Test
  void returnsEmptyInsteadOfOverflowingPastTheLastInstant() {
    Instant nearTheEnd =
        Instant.MAX.minusSeconds(10).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    IntervalTrigger hourly = Trigger.every(Duration.ofHours(1), nearTheEnd, UTC);
    IntervalTrigger huge = Trigger.every(Duration.ofSeconds(Long.MAX_VALUE), ANCHOR, UTC);

    assertThat(hourly.next(nearTheEnd.minusSeconds(1))).contains(nearTheEnd);
    assertThat(hourly.next(nearTheEnd)).isEmpty();
    assertThat(huge.next(ANCHOR.minusSeconds(1))).contains(ANCHOR);
    assertThat(huge.next(ANCHOR)).isEmpty();
    assertThat(huge.next(ANCHOR.atZone(UTC))).isEmpty();
  }

  @Test
  void rejectsAnIntervalThatIsNotPositive() {
    assertThatThrownBy(() -> Trigger.every(Duration.ZERO, ANCHOR, UTC))
        .isInstanceOf(ValidationException.class)
        .hasMessage("interval must be positive, but was PT0S");
    assertThatThrownBy(() -> Trigger.every(Duration.ofHours(-1), ANCHOR, UTC))
        .isInstanceOf(ValidationException.class)
        .hasMessage("interval must be positive, but was PT-1H");
  }

  @Test
  void rejectsAnIntervalShorterThanASecondOrWithAFraction() {
    assertThatThrownBy(() -> Trigger.every(Duration.ofMillis(500), ANCHOR, UTC))
        .isInstanceOf(ValidationException.class)
        .hasMessage("interval must be at least 1 second, but was PT0.5S");
    assertThatThrownBy(() -> Trigger.every(Duration.ofMillis(1500), ANCHOR, UTC))
        .isInstanceOf(ValidationException.class)
        .hasMessage("interval must be whole seconds, but was PT1.5S");
  }

  @Test
  void describesItselfInEnglish() {
    assertThat(Trigger.every(Duration.ofMinutes(90), ANCHOR, UTC).describe(Locale.ENGLISH))
        .isEqualTo("every 1 hour 30 minutes from 2025-01-01T00:00Z[UTC]");
    assertThat(Trigger.every(Duration.ofDays(1).plusSeconds(1), ANCHOR, UTC).describe(Locale.ROOT))
        .isEqualTo("every 1 day 1 second from 2025-01-01T00:00Z[UTC]");
  }
}
