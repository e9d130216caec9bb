package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The daylight-saving contract (DESIGN.md contract 2) in four zones, both transitions, fixed and
 * wildcard/step hour fields. Expected times are written with the offset the zone has then, worked
 * out from the 2025 transition dates:
 *
 * <ul>
 *   <li>America/New_York: 2025-03-09 02:00 EST -> 03:00 EDT; 2025-11-02 02:00 EDT -> 01:00 EST.
 *   <li>Europe/London: 2025-03-30 01:00 GMT -> 02:00 BST; 2025-10-26 02:00 BST -> 01:00 GMT.
 *   <li>Europe/Berlin: 2025-03-30 02:00 CET -> 03:00 CEST; 2025-10-26 03:00 CEST -> 02:00 CET.
 *   <li>Australia/Sydney: 2025-04-06 03:00 AEDT -> 02:00 AEST; 2025-10-05 02:00 AEST -> 03:00 AEDT.
 * </ul>
 */
class CronDstTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId SYDNEY = ZoneId.of("Australia/Sydney");

  /** Local date-time in the zone; for an ambiguous time, the earlier offset. */
  private static ZonedDateTime at(String local, ZoneId zone) {
    return LocalDateTime.parse(local).atZone(zone);
  }

  private static List<OffsetDateTime> next(Cron cron, String after, ZoneId zone, int count) {
    return cron.next(at(after, zone), count).stream()
        .map(ZonedDateTime::toOffsetDateTime)
        .collect(Collectors.toList());
  }

  private static List<OffsetDateTime> next(String cron, String after, ZoneId zone, int count) {
    return next(Cron.parse(cron), after, zone, count);
  }

  private static List<OffsetDateTime> previous(Cron cron, ZonedDateTime before, int count) {
    List<OffsetDateTime> out = new ArrayList<>();
    ZonedDateTime cursor = before;
    for (int i = 0; i < count; i++) {
      cursor = cron.previous(cursor).orElseThrow();
      out.add(cursor.toOffsetDateTime());
    }
    return out;
  }

  private static List<OffsetDateTime> times(String... isoOffset) {
    return Arrays.stream(isoOffset).map(OffsetDateTime::parse).collect(Collectors.toList());
  }

  private static ZonedDateTime zoned(String isoOffset, ZoneId zone) {
    return OffsetDateTime.parse(isoOffset).atZoneSameInstant(zone);
  }

  @Nested
  class NewYork {
    @Test
    void fixedTimeInTheGapRunsOnceAtTheGapEnd() {
      assertThat(next("0 30 2 * * *", "2025-03-08T12:00", NEW_YORK, 3))
          .isEqualTo(
              times("2025-03-09T03:00-04:00", "2025-03-10T02:30-04:00", "2025-03-11T02:30-04:00"));
    }

    @Test
    void skipPolicyDropsTheFireInTheGap() {
      Cron cron = Cron.parse("0 30 2 * * *").withDstPolicy(DstPolicy.SKIP);
      assertThat(next(cron, "2025-03-08T12:00", NEW_YORK, 2))
          .isEqualTo(times("2025-03-10T02:30-04:00", "2025-03-11T02:30-04:00"));
      assertThat(cron.matches(zoned("2025-03-09T03:00-04:00", NEW_YORK))).isFalse();
    }

    @Test
    void severalFireTimesInOneGapCollapseIntoOne() {
      assertThat(next("0 */15 2 * * *", "2025-03-09T00:00", NEW_YORK, 2))
          .isEqualTo(times("2025-03-09T03:00-04:00", "2025-03-10T02:00-04:00"));
    }

    @Test
    void genuineFireAtTheGapEndIsNotRepeated() {
      assertThat(next("0 0,30 2,3 * * *", "2025-03-09T00:00", NEW_YORK, 3))
          .isEqualTo(
              times("2025-03-09T03:00-04:00", "2025-03-09T03:30-04:00", "2025-03-10T02:00-04:00"));
    }

    @Test
    void wildcardHourHasNoFiresInsideTheGap() {
      assertThat(next("0 */30 * * * *", "2025-03-09T01:00", NEW_YORK, 3))
          .isEqualTo(
              times("2025-03-09T01:30-05:00", "2025-03-09T03:00-04:00", "2025-03-09T03:30-04:00"));
    }

    @Test
    void fixedTimeInTheOverlapFiresOnceAtTheFirstOccurrence() {
      assertThat(next("0 30 1 * * *", "2025-11-01T12:00", NEW_YORK, 2))
          .isEqualTo(times("2025-11-02T01:30-04:00", "2025-11-03T01:30-05:00"));
      assertThat(next("0 0,30 1 * * *", "2025-11-02T00:00", NEW_YORK, 3))
          .isEqualTo(
              times("2025-11-02T01:00-04:00", "2025-11-02T01:30-04:00", "2025-11-03T01:00-05:00"));
    }

    @Test
    void fixedHourRangeFiresOnceInTheOverlap() {
      assertThat(next("0 15 1-2 * * *", "2025-11-02T00:00", NEW_YORK, 3))
          .isEqualTo(
              times("2025-11-02T01:15-04:00", "2025-11-02T02:15-05:00", "2025-11-03T01:15-05:00"));
    }

    @Test
    void wildcardHourFiresInBothHalvesOfTheOverlap() {
      assertThat(next("0 */30 * * * *", "2025-11-02T00:40", NEW_YORK, 5))
          .isEqualTo(
              times(
                  "2025-11-02T01:00-04:00",
                  "2025-11-02T01:30-04:00",
                  "2025-11-02T01:00-05:00",
                  "2025-11-02T01:30-05:00",
                  "2025-11-02T02:00-05:00"));
    }

    @Test
    void stepHourFiresInBothHalvesOfTheOverlap() {
      assertThat(next("0 0 1-23/2 * * *", "2025-11-02T00:30", NEW_YORK, 3))
          .isEqualTo(
              times("2025-11-02T01:00-04:00", "2025-11-02T01:00-05:00", "2025-11-02T03:00-05:00"));
    }

    @Test
    void startingInsideTheSecondHalfOfTheOverlap() {
      ZonedDateTime secondHalf = zoned("2025-11-02T01:10-05:00", NEW_YORK);
      assertThat(Cron.parse("0 30 1 * * *").next(secondHalf).map(ZonedDateTime::toOffsetDateTime))
          .contains(OffsetDateTime.parse("2025-11-03T01:30-05:00"));
      assertThat(Cron.parse("0 30 * * * *").next(secondHalf).map(ZonedDateTime::toOffsetDateTime))
          .contains(OffsetDateTime.parse("2025-11-02T01:30-05:00"));
    }

    @Test
    void previousWalksBackAcrossBothTransitions() {
      assertThat(previous(Cron.parse("0 30 2 * * *"), at("2025-03-10T00:00", NEW_YORK), 2))
          .isEqualTo(times("2025-03-09T03:00-04:00", "2025-03-08T02:30-05:00"));
      assertThat(previous(Cron.parse("0 30 1 * * *"), at("2025-11-03T00:00", NEW_YORK), 2))
          .isEqualTo(times("2025-11-02T01:30-04:00", "2025-11-01T01:30-04:00"));
      assertThat(previous(Cron.parse("0 30 1 * * *"), zoned("2025-11-02T01:45-05:00", NEW_YORK), 1))
          .isEqualTo(times("2025-11-02T01:30-04:00"));
      assertThat(
              previous(Cron.parse("0 */30 * * * *"), zoned("2025-11-02T02:10-05:00", NEW_YORK), 6))
          .isEqualTo(
              times(
                  "2025-11-02T02:00-05:00",
                  "2025-11-02T01:30-05:00",
                  "2025-11-02T01:00-05:00",
                  "2025-11-02T01:30-04:00",
                  "2025-11-02T01:00-04:00",
                  "2025-11-02T00:30-04:00"));
      assertThat(
              previous(
                  Cron.parse("0 0,30 2,3 * * *"), zoned("2025-03-09T03:30-04:00", NEW_YORK), 2))
          .isEqualTo(times("2025-03-09T03:00-04:00", "2025-03-08T03:30-05:00"));
    }

    @Test
    void matchesTheShiftedFireButNotTheRepeatedTime() {
      Cron gap = Cron.parse("0 30 2 * * *");
      assertThat(gap.matches(zoned("2025-03-09T03:00-04:00", NEW_YORK))).isTrue();
      assertThat(gap.matches(zoned("2025-03-09T03:30-04:00", NEW_YORK))).isFalse();
      Cron overlap = Cron.parse("0 30 1 * * *");
      assertThat(overlap.matches(zoned("2025-11-02T01:30-04:00", NEW_YORK))).isTrue();
      assertThat(overlap.matches(zoned("2025-11-02T01:30-05:00", NEW_YORK))).isFalse();
      Cron wildcard = Cron.parse("0 */30 * * * *");
      assertThat(wildcard.matches(zoned("2025-11-02T01:30-05:00", NEW_YORK))).isTrue();
      assertThat(wildcard.matches(zoned("2025-03-09T03:00-04:00", NEW_YORK))).isTrue();
    }

    @Test
    void instantFastPathAgreesWithZonedTimes() {
      Cron cron = Cron.parse("0 30 2 * * *");
      assertThat(cron.next(Instant.parse("2025-03-08T17:00:00Z"), NEW_YORK))
          .contains(Instant.parse("2025-03-09T07:00:00Z"));
      Cron overlap = Cron.parse("0 30 1 * * *");
      assertThat(overlap.next(Instant.parse("2025-11-02T05:30:00Z"), NEW_YORK))
          .contains(Instant.parse("2025-11-03T06:30:00Z"));
    }
  }

  @Nested
  class London {
    @Test
    void fixedTimeInTheGapRunsAtTheGapEnd() {
      assertThat(next("0 30 1 * * *", "2025-03-29T12:00", LONDON, 2))
          .isEqualTo(times("2025-03-30T02:00+01:00", "2025-03-31T01:30+01:00"));
    }

    @Test
    void fixedTimeInTheOverlapFiresOnce() {
      assertThat(next("0 30 1 * * *", "2025-10-25T12:00", LONDON, 2))
          .isEqualTo(times("2025-10-26T01:30+01:00", "2025-10-27T01:30Z"));
    }

    @Test
    void wildcardHourAcrossBothTransitions() {
      assertThat(next("0 0/30 * * * *", "2025-03-30T00:45", LONDON, 2))
          .isEqualTo(times("2025-03-30T02:00+01:00", "2025-03-30T02:30+01:00"));
      assertThat(next("0 0/30 * * * *", "2025-10-26T00:45", LONDON, 5))
          .isEqualTo(
              times(
                  "2025-10-26T01:00+01:00",
                  "2025-10-26T01:30+01:00",
                  "2025-10-26T01:00Z",
                  "2025-10-26T01:30Z",
                  "2025-10-26T02:00Z"));
    }
  }

  @Nested
  class Berlin {
    @Test
    void fixedTimeInTheGapRunsAtTheGapEndOrIsSkipped() {
      assertThat(next("0 30 2 * * *", "2025-03-29T12:00", BERLIN, 2))
          .isEqualTo(times("2025-03-30T03:00+02:00", "2025-03-31T02:30+02:00"));
      assertThat(
              next(
                  Cron.parse("0 30 2 * * *").withDstPolicy(DstPolicy.SKIP),
                  "2025-03-29T12:00",
                  BERLIN,
                  1))
          .isEqualTo(times("2025-03-31T02:30+02:00"));
    }

    @Test
    void fixedTimeInTheOverlapFiresOnce() {
      assertThat(next("30 2 * * *", "2025-10-25T12:00", BERLIN, 2))
          .isEqualTo(times("2025-10-26T02:30+02:00", "2025-10-27T02:30+01:00"));
    }

    @Test
    void hourlyScheduleFollowsElapsedTime() {
      assertThat(next("0 * * * *", "2025-03-30T01:30", BERLIN, 2))
          .isEqualTo(times("2025-03-30T03:00+02:00", "2025-03-30T04:00+02:00"));
      assertThat(next("0 * * * *", "2025-10-26T01:30", BERLIN, 3))
          .isEqualTo(
              times("2025-10-26T02:00+02:00", "2025-10-26T02:00+01:00", "2025-10-26T03:00+01:00"));
    }

    @Test
    void previousAndMatchesAroundTheOverlap() {
      Cron cron = Cron.parse("30 2 * * *");
      assertThat(previous(cron, zoned("2025-10-26T02:45+01:00", BERLIN), 1))
          .isEqualTo(times("2025-10-26T02:30+02:00"));
      assertThat(cron.matches(zoned("2025-10-26T02:30+01:00", BERLIN))).isFalse();
      assertThat(cron.matches(zoned("2025-03-30T03:00+02:00", BERLIN))).isTrue();
    }
  }

  @Nested
  class Sydney {
    @Test
    void fixedTimeInTheOctoberGapRunsAtTheGapEnd() {
      assertThat(next("0 30 2 * * *", "2025-10-04T12:00", SYDNEY, 2))
          .isEqualTo(times("2025-10-05T03:00+11:00", "2025-10-06T02:30+11:00"));
    }

    @Test
    void fixedTimeInTheAprilOverlapFiresOnce() {
      assertThat(next("0 30 2 * * *", "2025-04-05T12:00", SYDNEY, 2))
          .isEqualTo(times("2025-04-06T02:30+11:00", "2025-04-07T02:30+10:00"));
    }

    @Test
    void wildcardHourAcrossBothTransitions() {
      assertThat(next("0 */30 * * * *", "2025-04-06T01:45", SYDNEY, 5))
          .isEqualTo(
              times(
                  "2025-04-06T02:00+11:00",
                  "2025-04-06T02:30+11:00",
                  "2025-04-06T02:00+10:00",
                  "2025-04-06T02:30+10:00",
                  "2025-04-06T03:00+10:00"));
      assertThat(next("0 */30 * * * *", "2025-10-05T01:45", SYDNEY, 2))
          .isEqualTo(times("2025-10-05T03:00+11:00", "2025-10-05T03:30+11:00"));
    }

    @Test
    void previousIsTheInverseOfNextThroughBothTransitions() {
      for (String expression : new String[] {"0 30 2 * * *", "0 */30 * * * *", "0 15 1-3 * * *"}) {
        Cron cron = Cron.parse(expression);
        for (String start : new String[] {"2025-04-05T00:00", "2025-10-04T00:00"}) {
          List<ZonedDateTime> fires = cron.next(at(start, SYDNEY), 30);
          for (int i = 1; i < fires.size(); i++) {
            assertThat(cron.previous(fires.get(i))).as(expression).contains(fires.get(i - 1));
            assertThat(cron.matches(fires.get(i))).as(expression).isTrue();
          }
        }
      }
    }
  }

  @Test
  void fixedOffsetZonesHaveNoTransitions() {
    ZoneId plusTwo = ZoneId.of("+02:00");
    assertThat(next("0 30 2 * * *", "2025-03-29T12:00", plusTwo, 2))
        .isEqualTo(times("2025-03-30T02:30+02:00", "2025-03-31T02:30+02:00"));
    assertThat(next("0 30 2 * * *", "2025-03-29T12:00", ZoneId.of("Etc/GMT-2"), 1))
        .isEqualTo(times("2025-03-30T02:30+02:00"));
  }

  @Test
  void yearsBeyondTheCachedTableStillFollowTheRules() {
    // the zone's shared table ends in 2300; later years use the zone rules directly
    Cron cron = Cron.parse("0 30 2 * * *");
    assertThat(next(cron, "2400-03-25T12:00", BERLIN, 1))
        .isEqualTo(times("2400-03-26T03:00+02:00"));
    assertThat(next(cron, "2400-10-28T12:00", BERLIN, 2))
        .isEqualTo(times("2400-10-29T02:30+02:00", "2400-10-30T02:30+01:00"));
    assertThat(cron.previous(at("2400-03-27T00:00", BERLIN)).map(ZonedDateTime::toOffsetDateTime))
        .contains(OffsetDateTime.parse("2400-03-26T03:00+02:00"));
  }
}
