package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property tests of {@link Cron}: thousands of seeded random expressions in all three dialects and
 * in zones with daylight-saving time, checked for internal consistency (ordering, {@code matches},
 * {@code previous}, batch {@code next}) and against {@link ReferenceCron}, a slow and independent
 * evaluator written from the specification.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CronPropertyTest {

  /** Zones with and without daylight-saving time, incl. odd offsets and midnight transitions. */
  static final List<ZoneId> ZONES =
      List.of(
          ZoneId.of("UTC"),
          ZoneId.of("America/New_York"),
          ZoneId.of("Europe/Berlin"),
          ZoneId.of("Australia/Sydney"),
          ZoneId.of("Asia/Kolkata"),
          ZoneId.of("Pacific/Chatham"),
          ZoneId.of("Australia/Lord_Howe"),
          ZoneId.of("America/Sao_Paulo"));

  private static final int FIRES_PER_EXPRESSION = 20;

  // ---------------------------------------------------------------------------------------------
  // Properties that need no reference: ordering, matches, previous, batch next, Instant variant.
  // ---------------------------------------------------------------------------------------------

  @Test
  void consecutiveFiresAreStrictlyIncreasingMatchingAndLinkedByPrevious() {
    Random random = new Random(20240310L);
    ExpressionGenerator generator = new ExpressionGenerator(random);
    Failures failures = new Failures();
    int expressions = 0;
    int fires = 0;
    for (int i = 0; i < 3000; i++) {
      Cron.Dialect dialect = Cron.Dialect.values()[i % 3];
      String expression = generator.expression(dialect);
      ReferenceCron reference = ReferenceCron.parse(expression, dialect);
      if (!reference.isPossible()) {
        failures.check(() -> assertRejected(expression, dialect));
        continue;
      }
      Cron parsed = failures.parse(expression, dialect);
      if (parsed == null) {
        continue;
      }
      ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
      ZonedDateTime start = randomStart(random, zone);
      Cron cron = random.nextInt(4) == 0 ? parsed.withDstPolicy(DstPolicy.SKIP) : parsed;
      List<ZonedDateTime> sequence = iterate(cron, start, FIRES_PER_EXPRESSION);
      expressions++;
      fires += sequence.size();
      String context = describe(cron, start);
      failures.check(
          () -> {
            assertThat(cron.hasFixedHour())
                .as(context + " hasFixedHour")
                .isEqualTo(reference.fixedHour);
            ZonedDateTime previous = start;
            for (ZonedDateTime fire : sequence) {
              assertThat(fire.getZone()).as(context).isEqualTo(zone);
              assertThat(fire.getNano()).as(context).isZero();
              assertThat(fire.toInstant()).as(context).isAfter(previous.toInstant());
              assertThat(cron.matches(fire)).as(context + " matches(" + fire + ")").isTrue();
              previous = fire;
            }
            for (int k = 1; k < sequence.size(); k++) {
              assertThat(cron.previous(sequence.get(k)).map(ZonedDateTime::toInstant))
                  .as(context + " previous(" + sequence.get(k) + ")")
                  .contains(sequence.get(k - 1).toInstant());
            }
            if (!sequence.isEmpty()) {
              cron.previous(sequence.get(0))
                  .ifPresent(
                      p ->
                          assertThat(p.toInstant())
                              .as(context + " previous(first fire)")
                              .isBeforeOrEqualTo(start.toInstant()));
            }
            assertThat(cron.next(start, FIRES_PER_EXPRESSION))
                .as(context + " next(after, n)")
                .isEqualTo(sequence);
            assertThat(cron.next(start.toInstant(), zone))
                .as(context + " next(Instant, ZoneId)")
                .isEqualTo(sequence.stream().findFirst().map(ZonedDateTime::toInstant));
          });
    }
    System.out.printf(
        "CronPropertyTest: %d expressions, %d fires checked for order/matches/previous%n",
        expressions, fires);
    failures.assertNone();
    assertThat(expressions).isGreaterThan(2500);
  }

  @Test
  void nothingBetweenTwoConsecutiveFiresMatches() {
    Random random = new Random(77L);
    ExpressionGenerator generator = new ExpressionGenerator(random);
    long probes = 0;
    int expressions = 0;
    while (probes < 2_000_000) {
      Cron.Dialect dialect = Cron.Dialect.values()[expressions % 3];
      String expression = generator.denseExpression(dialect);
      ReferenceCron reference = ReferenceCron.parse(expression, dialect);
      if (!reference.isPossible()) {
        continue;
      }
      expressions++;
      Cron cron = parse(expression, dialect);
      ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
      ZonedDateTime start = nearTransition(random, zone);
      long resolution = dialect == Cron.Dialect.UNIX ? 60 : 1;
      List<ZonedDateTime> sequence = iterate(cron, start, 8);
      for (int k = 0; k + 1 < sequence.size(); k++) {
        long from = sequence.get(k).toEpochSecond();
        long to = sequence.get(k + 1).toEpochSecond();
        if ((to - from) / resolution > 20_000) {
          continue;
        }
        for (long t = from + resolution; t < to; t += resolution) {
          ZonedDateTime probe = Instant.ofEpochSecond(t).atZone(zone);
          if (cron.matches(probe)) {
            fail(
                "%s matches %s between consecutive fires %s and %s",
                describe(cron, start), probe, sequence.get(k), sequence.get(k + 1));
          }
          probes++;
        }
      }
    }
    System.out.printf(
        "CronPropertyTest: %d expressions, %d instants between fires probed%n",
        expressions, probes);
  }

  @Test
  void matchesIsFalseOffWholeSeconds() {
    Random random = new Random(5L);
    ExpressionGenerator generator = new ExpressionGenerator(random);
    int checked = 0;
    for (int i = 0; i < 300; i++) {
      Cron.Dialect dialect = Cron.Dialect.values()[i % 3];
      String expression = generator.expression(dialect);
      if (!ReferenceCron.parse(expression, dialect).isPossible()) {
        continue;
      }
      Cron cron = parse(expression, dialect);
      ZonedDateTime start = randomStart(random, ZONES.get(i % ZONES.size()));
      Optional<ZonedDateTime> fire = cron.next(start);
      if (fire.isPresent()) {
        assertThat(cron.matches(fire.get().plusNanos(1 + random.nextInt(999_999_999))))
            .as(describe(cron, start))
            .isFalse();
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(250);
  }

  // ---------------------------------------------------------------------------------------------
  // Comparison with the reference evaluator.
  // ---------------------------------------------------------------------------------------------

  @Test
  void nextAgreesWithReferenceAcrossDstTransitions() {
    Random random = new Random(1103L);
    ExpressionGenerator generator = new ExpressionGenerator(random);
    Failures failures = new Failures();
    int compared = 0;
    for (int i = 0; i < 1500; i++) {
      Cron.Dialect dialect = Cron.Dialect.values()[i % 3];
      String expression =
          i % 2 == 0 ? generator.expression(dialect) : generator.dstSensitiveExpression(dialect);
      DstPolicy policy = random.nextInt(3) == 0 ? DstPolicy.SKIP : DstPolicy.RUN_AFTER_GAP;
      ReferenceCron reference = ReferenceCron.parse(expression, dialect).withPolicy(policy);
      if (!reference.isPossible()) {
        continue;
      }
      Cron parsed = failures.parse(expression, dialect);
      if (parsed == null) {
        continue;
      }
      Cron cron = parsed.withDstPolicy(policy);
      ZoneId zone = ZONES.get(1 + random.nextInt(ZONES.size() - 1));
      ZonedDateTime start =
          random.nextBoolean() ? nearTransition(random, zone) : randomStart(random, zone);
      List<Instant> expected = reference.firstAfter(start.toInstant(), zone, 10);
      List<Instant> actual = toInstants(iterate(cron, start, 10));
      failures.check(() -> assertThat(actual).as(describe(cron, start)).isEqualTo(expected));
      compared += expected.size();
    }
    System.out.printf("CronPropertyTest: %d fires compared with the reference%n", compared);
    failures.assertNone();
    assertThat(compared).isGreaterThan(10_000);
  }

  @Test
  void previousAndMatchesAgreeWithReferenceAcrossDstTransitions() {
    Random random = new Random(3110L);
    ExpressionGenerator generator = new ExpressionGenerator(random);
    Failures failures = new Failures();
    int compared = 0;
    for (int i = 0; i < 800; i++) {
      Cron.Dialect dialect = Cron.Dialect.values()[i % 3];
      String expression =
          i % 2 == 0 ? generator.expression(dialect) : generator.dstSensitiveExpression(dialect);
      DstPolicy policy = random.nextInt(3) == 0 ? DstPolicy.SKIP : DstPolicy.RUN_AFTER_GAP;
      ReferenceCron reference = ReferenceCron.parse(expression, dialect).withPolicy(policy);
      if (!reference.isPossible()) {
        continue;
      }
      Cron parsed = failures.parse(expression, dialect);
      if (parsed == null) {
        continue;
      }
      Cron cron = parsed.withDstPolicy(policy);
      ZoneId zone = ZONES.get(1 + random.nextInt(ZONES.size() - 1));
      ZonedDateTime end = nearTransition(random, zone);
      String context = describe(cron, end);

      Optional<Instant> expectedPrevious = reference.lastBefore(end.toInstant(), zone);
      failures.check(
          () ->
              assertThat(cron.previous(end).map(ZonedDateTime::toInstant))
                  .as(context + " previous")
                  .isEqualTo(expectedPrevious));
      compared++;

      // matches() on the reference fires around the transition and on the seconds next to them
      for (Instant fire : reference.firstAfter(end.toInstant().minusSeconds(3 * 3600), zone, 6)) {
        for (long delta : new long[] {-60, -1, 0, 1, 60}) {
          Instant probe = fire.plusSeconds(delta);
          failures.check(
              () ->
                  assertThat(cron.matches(probe.atZone(zone)))
                      .as(context + " matches(" + probe.atZone(zone) + ")")
                      .isEqualTo(reference.matches(probe, zone)));
          compared++;
        }
      }
    }
    System.out.printf(
        "CronPropertyTest: %d previous/matches results compared with the reference%n", compared);
    failures.assertNone();
    assertThat(compared).isGreaterThan(5_000);
  }

  @Test
  void rejectsExactlyTheExpressionsThatCanNeverFire() {
    List<String[]> cases = new ArrayList<>();
    String[] months = {"2", "4", "6", "9", "11", "2,4", "4-6", "FEB", "11-2", "*"};
    String[] days = {"29", "30", "31", "30,31", "30-31", "28"};
    for (String month : months) {
      for (String day : days) {
        for (Cron.Dialect dialect : Cron.Dialect.values()) {
          String expression = ExpressionGenerator.render(dialect, "0", "0", "0", day, month, "?");
          cases.add(new String[] {expression, dialect.name()});
        }
      }
    }
    // Unix ORs two restricted day fields; Spring and Quartz AND them
    cases.add(new String[] {"0 0 31 2 MON", "UNIX"});
    cases.add(new String[] {"0 0 0 31 2 MON", "SPRING"});
    cases.add(new String[] {"0 0 0 5 * 2#3", "SPRING"});
    // the Quartz year field
    cases.add(new String[] {"0 0 0 29 2 ? 2025", "QUARTZ"});
    cases.add(new String[] {"0 0 0 29 2 ? 2025-2027", "QUARTZ"});
    cases.add(new String[] {"0 0 0 29 2 ? 2025-2028", "QUARTZ"});
    cases.add(new String[] {"0 0 0 ? 2 MON#5 2025-2027", "QUARTZ"});
    cases.add(new String[] {"0 0 0 ? 2 MON#5 2024", "QUARTZ"});
    int impossible = 0;
    int possible = 0;
    for (String[] c : cases) {
      String expression = c[0];
      Cron.Dialect dialect = Cron.Dialect.valueOf(c[1]);
      if (ReferenceCron.parse(expression, dialect).isPossible()) {
        possible++;
        assertThatCode(() -> Cron.parse(expression, dialect))
            .as("%s as %s", expression, dialect)
            .doesNotThrowAnyException();
      } else {
        impossible++;
        assertRejected(expression, dialect);
      }
    }
    assertThat(impossible).isGreaterThan(20);
    assertThat(possible).isGreaterThan(20);
  }

  // ---------------------------------------------------------------------------------------------
  // Directed cases from the DST contract (DESIGN.md contract 2), checked against literal times.
  // ---------------------------------------------------------------------------------------------

  @Test
  void runsGapFireAtFirstInstantAfterGap() {
    ZoneId newYork = ZoneId.of("America/New_York");
    Cron cron = Cron.parse("30 2 * * *");
    ZonedDateTime after = ZonedDateTime.of(2024, 3, 9, 12, 0, 0, 0, newYork);
    assertThat(cron.next(after, 2))
        .extracting(ZonedDateTime::toOffsetDateTime)
        .containsExactly(
            ZonedDateTime.of(2024, 3, 10, 3, 0, 0, 0, newYork).toOffsetDateTime(),
            ZonedDateTime.of(2024, 3, 11, 2, 30, 0, 0, newYork).toOffsetDateTime());
  }

  @Test
  void runsGapFireAtFirstInstantAfterGapInChathamWhereGapEndsAtQuarterTo() {
    ZoneId chatham = ZoneId.of("Pacific/Chatham");
    // 2024-09-29: clocks jump from 02:45 to 03:45 local
    Cron cron = Cron.parse("0 0 3 * * *", Cron.Dialect.SPRING);
    ZonedDateTime after = ZonedDateTime.of(2024, 9, 28, 12, 0, 0, 0, chatham);
    ZonedDateTime fire = cron.next(after).orElseThrow();
    assertThat(fire.toLocalDateTime()).isEqualTo(LocalDateTime.of(2024, 9, 29, 3, 45));
    assertThat(fire.getOffset()).isEqualTo(ZoneOffset.ofHoursMinutes(13, 45));
  }

  @Test
  void skipsGapFireWithSkipPolicy() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    Cron cron = Cron.parse("0 30 2 * * *", Cron.Dialect.SPRING).withDstPolicy(DstPolicy.SKIP);
    ZonedDateTime after = ZonedDateTime.of(2024, 3, 30, 12, 0, 0, 0, berlin);
    assertThat(cron.next(after).orElseThrow().toLocalDateTime())
        .isEqualTo(LocalDateTime.of(2024, 4, 1, 2, 30));
  }

  @Test
  void firesOnceInFallBackOverlapForFixedHour() {
    ZoneId newYork = ZoneId.of("America/New_York");
    Cron cron = Cron.parse("30 1 * * *");
    assertThat(cron.hasFixedHour()).isTrue();
    ZonedDateTime after = ZonedDateTime.of(2024, 11, 2, 12, 0, 0, 0, newYork);
    List<ZonedDateTime> fires = cron.next(after, 2);
    assertThat(fires.get(0).toOffsetDateTime())
        .isEqualTo(LocalDateTime.of(2024, 11, 3, 1, 30).atOffset(ZoneOffset.ofHours(-4)));
    assertThat(fires.get(1).toOffsetDateTime())
        .isEqualTo(LocalDateTime.of(2024, 11, 4, 1, 30).atOffset(ZoneOffset.ofHours(-5)));
  }

  @Test
  void firesInBothHalvesOfFallBackOverlapForWildcardAndStepHours() {
    ZoneId newYork = ZoneId.of("America/New_York");
    ZonedDateTime after = ZonedDateTime.of(2024, 11, 3, 0, 45, 0, 0, newYork);
    for (String expression : List.of("30 * * * *", "30 */1 * * *", "0 30 0/1 * * ?")) {
      Cron cron = Cron.parse(expression);
      assertThat(cron.hasFixedHour()).as(expression).isFalse();
      assertThat(cron.next(after, 3))
          .as(expression)
          .extracting(ZonedDateTime::toOffsetDateTime)
          .containsExactly(
              LocalDateTime.of(2024, 11, 3, 1, 30).atOffset(ZoneOffset.ofHours(-4)),
              LocalDateTime.of(2024, 11, 3, 1, 30).atOffset(ZoneOffset.ofHours(-5)),
              LocalDateTime.of(2024, 11, 3, 2, 30).atOffset(ZoneOffset.ofHours(-5)));
    }
  }

  @Test
  void firesWildcardHourByElapsedTimeAcrossTheGap() {
    ZoneId newYork = ZoneId.of("America/New_York");
    Cron cron = Cron.parse("30 * * * *");
    ZonedDateTime after = ZonedDateTime.of(2024, 3, 10, 1, 0, 0, 0, newYork);
    assertThat(cron.next(after, 2))
        .extracting(ZonedDateTime::toOffsetDateTime)
        .containsExactly(
            LocalDateTime.of(2024, 3, 10, 1, 30).atOffset(ZoneOffset.ofHours(-5)),
            LocalDateTime.of(2024, 3, 10, 3, 30).atOffset(ZoneOffset.ofHours(-4)));
  }

  @Test
  void unixOrsDayFieldsWhenBothAreRestricted() {
    ZonedDateTime after = ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC); // a Monday
    assertThat(Cron.parse("0 0 1 * MON").next(after, 3))
        .extracting(ZonedDateTime::toLocalDate)
        .containsExactly(
            LocalDate.of(2024, 1, 8), LocalDate.of(2024, 1, 15), LocalDate.of(2024, 1, 22));
    assertThat(Cron.parse("0 0 2 * MON").next(after, 2))
        .extracting(ZonedDateTime::toLocalDate)
        .containsExactly(LocalDate.of(2024, 1, 2), LocalDate.of(2024, 1, 8));
  }

  @Test
  void unixAndsDayFieldsWhenOneStartsWithStar() {
    ZonedDateTime after = ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    // odd days of the month that are Mondays
    assertThat(Cron.parse("0 0 */2 * MON").next(after, 3))
        .extracting(ZonedDateTime::toLocalDate)
        .containsExactly(
            LocalDate.of(2024, 1, 15), LocalDate.of(2024, 1, 29), LocalDate.of(2024, 2, 5));
    // the same expression in Spring and Quartz ANDs too
    assertThat(Cron.parse("0 0 0 */2 * MON").next(after).map(ZonedDateTime::toLocalDate))
        .contains(LocalDate.of(2024, 1, 15));
  }

  @Test
  void runsMidnightFireAtOneOClockWhenSaoPauloSkipsMidnight() {
    ZoneId saoPaulo = ZoneId.of("America/Sao_Paulo");
    // 2018-11-04: clocks jump from 00:00 to 01:00 local
    Cron cron = Cron.parse("@daily");
    ZonedDateTime after = ZonedDateTime.of(2018, 11, 3, 12, 0, 0, 0, saoPaulo);
    assertThat(cron.next(after).orElseThrow().toLocalDateTime())
        .isEqualTo(LocalDateTime.of(2018, 11, 4, 1, 0));
  }

  @Test
  void runsGapFireWhenSearchStartsJustBeforeTheGap() {
    // regression: from 01:59:59 EST the 02:30 fire (moved to 03:00 EDT) was skipped
    ZoneId newYork = ZoneId.of("America/New_York");
    Cron cron = Cron.parse("30 2 * * *");
    ZonedDateTime gapEnd = ZonedDateTime.of(2024, 3, 10, 3, 0, 0, 0, newYork);
    for (ZonedDateTime after :
        List.of(
            ZonedDateTime.of(2024, 3, 10, 1, 0, 0, 0, newYork),
            ZonedDateTime.of(2024, 3, 10, 1, 59, 0, 0, newYork),
            ZonedDateTime.of(2024, 3, 10, 1, 59, 59, 0, newYork))) {
      assertThat(cron.next(after)).as("next(" + after + ")").contains(gapEnd);
      assertThat(cron.next(after.toInstant(), newYork))
          .as("next(" + after.toInstant() + ")")
          .contains(gapEnd.toInstant());
    }
    assertThat(cron.matches(gapEnd)).isTrue();
  }

  @Test
  void dayOfWeekLAloneMeansSaturday() {
    // regression: "L" alone in day-of-week fired on the last Saturday of the month only
    ZonedDateTime after = ZonedDateTime.of(2023, 12, 4, 0, 0, 0, 0, ZoneOffset.UTC);
    List<LocalDate> saturdays =
        List.of(LocalDate.of(2023, 12, 9), LocalDate.of(2023, 12, 16), LocalDate.of(2023, 12, 23));
    assertThat(Cron.parse("0 0 * * L").next(after, 3))
        .extracting(ZonedDateTime::toLocalDate)
        .isEqualTo(saturdays);
    assertThat(Cron.parse("0 0 0 ? * L", Cron.Dialect.QUARTZ).next(after, 3))
        .extracting(ZonedDateTime::toLocalDate)
        .isEqualTo(saturdays);
  }

  @Test
  void dayOfWeekLInAListKeepsSaturday() {
    // regression: "L,1" dropped the L and fired on Mondays only
    ZonedDateTime after = ZonedDateTime.of(2023, 12, 4, 0, 0, 0, 0, ZoneOffset.UTC);
    assertThat(Cron.parse("0 0 * * L,1").next(after, 3))
        .extracting(ZonedDateTime::toLocalDate)
        .containsExactly(
            LocalDate.of(2023, 12, 9), LocalDate.of(2023, 12, 11), LocalDate.of(2023, 12, 16));
  }

  @Test
  void acceptsDayOfMonthTogetherWithSaturdayL() {
    // regression: rejected as "can never fire" because L was read as the last Saturday
    ZonedDateTime after = ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    assertThat(
            Cron.parse("0 0 0 5 * L", Cron.Dialect.SPRING)
                .next(after)
                .map(ZonedDateTime::toLocalDate))
        .contains(LocalDate.of(2024, 10, 5));
  }

  @Test
  void describesEveryGeneratedExpressionWithoutFailing() {
    Random random = new Random(8L);
    ExpressionGenerator generator = new ExpressionGenerator(random);
    int described = 0;
    for (int i = 0; i < 600; i++) {
      Cron.Dialect dialect = Cron.Dialect.values()[i % 3];
      String expression = generator.expression(dialect);
      if (!ReferenceCron.parse(expression, dialect).isPossible()) {
        continue;
      }
      Cron cron = parse(expression, dialect);
      assertThat(cron.describe(Locale.ENGLISH)).as(expression).isNotBlank();
      assertThat(cron.expression()).isEqualTo(expression);
      assertThat(cron.dialect()).isEqualTo(dialect);
      described++;
    }
    assertThat(described).isGreaterThan(500);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers shared with CronDifferentialTest and CronFuzzTest.
  // ---------------------------------------------------------------------------------------------

  /** Collects the first few failures of a randomized test, so that one run shows them all. */
  static final class Failures {
    private static final int MAX = 15;
    private final List<String> messages = new ArrayList<>();
    private int count;

    void check(Runnable assertion) {
      try {
        assertion.run();
      } catch (AssertionError e) {
        add(e.getMessage());
      }
    }

    /** Parses a valid expression, recording a failure (and returning null) if it is rejected. */
    Cron parse(String expression, Cron.Dialect dialect) {
      try {
        return Cron.parse(expression, dialect);
      } catch (RuntimeException e) {
        add("valid expression rejected: \"" + expression + "\" as " + dialect + ": " + e);
        return null;
      }
    }

    void add(String message) {
      count++;
      if (messages.size() < MAX) {
        messages.add(message.replaceAll("\\s+", " "));
      }
    }

    void assertNone() {
      if (count > 0) {
        fail("%d failures, the first %d:%n%s", count, messages.size(), String.join("\n", messages));
      }
    }
  }

  static Cron parse(String expression, Cron.Dialect dialect) {
    try {
      return Cron.parse(expression, dialect);
    } catch (RuntimeException e) {
      throw new AssertionError(
          "valid expression rejected: \"" + expression + "\" as " + dialect + ": " + e, e);
    }
  }

  static void assertRejected(String expression, Cron.Dialect dialect) {
    try {
      Cron.parse(expression, dialect);
    } catch (InvalidCronExpressionException expected) {
      assertThat(expected.getMessage()).startsWith("cron field '").contains(expression);
      return;
    }
    fail("impossible expression \"%s\" (%s) was accepted", expression, dialect);
  }

  static List<ZonedDateTime> iterate(Cron cron, ZonedDateTime start, int count) {
    List<ZonedDateTime> fires = new ArrayList<>();
    ZonedDateTime cursor = start;
    for (int i = 0; i < count; i++) {
      Optional<ZonedDateTime> next = cron.next(cursor);
      if (next.isEmpty()) {
        break;
      }
      fires.add(next.get());
      cursor = next.get();
    }
    return fires;
  }

  static List<Instant> toInstants(List<ZonedDateTime> times) {
    return times.stream().map(ZonedDateTime::toInstant).toList();
  }

  static String describe(Cron cron, ZonedDateTime start) {
    return "\""
        + cron.expression()
        + "\" ("
        + cron.dialect()
        + ", "
        + cron.dstPolicy()
        + ") after "
        + start;
  }

  /** A start time somewhere between 1995 and 2045, at a random second and sometimes nanos. */
  static ZonedDateTime randomStart(Random random, ZoneId zone) {
    long from = LocalDate.of(1995, 1, 1).toEpochDay() * 86_400L;
    long to = LocalDate.of(2045, 1, 1).toEpochDay() * 86_400L;
    long second = from + (long) (random.nextDouble() * (to - from));
    int nanos = random.nextInt(4) == 0 ? random.nextInt(1_000_000_000) : 0;
    return Instant.ofEpochSecond(second, nanos).atZone(zone);
  }

  /** A start time up to two days before (or just after) a DST transition of the zone. */
  static ZonedDateTime nearTransition(Random random, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    ZonedDateTime base = randomStart(random, zone);
    ZoneOffsetTransition transition = rules.nextTransition(base.toInstant());
    if (transition == null || transition.getInstant().getEpochSecond() > 2_400_000_000L) {
      return base;
    }
    long before = random.nextInt(2 * 86_400);
    if (random.nextInt(5) == 0) {
      before = -random.nextInt(4 * 3600);
    } else if (random.nextInt(3) == 0) {
      before = random.nextInt(4 * 3600);
    }
    return transition.getInstant().minusSeconds(before).atZone(zone);
  }

  /**
   * A deliberately slow, independent reference evaluator of cron expressions, written from the
   * specification in the task (not from the implementation). It keeps every field as a plain set of
   * values, matches days by brute force, and maps local times to instants with the DST rules:
   *
   * <ul>
   *   <li>a local time in a spring-forward gap fires, if the hour field is fixed, at the first
   *       instant after the gap (the transition instant), or not at all with {@link
   *       DstPolicy#SKIP}; with a wildcard or step hour the schedule runs by elapsed time and a
   *       local time that does not exist does not fire (DstPolicy: "what a fixed-time schedule
   *       does"; Vixie cron does not catch up wildcard jobs either);
   *   <li>a local time in a fall-back overlap fires at its earlier instant only if the hour field
   *       is fixed (no {@code *} and no {@code /}), at both instants otherwise;
   *   <li>fires are a set of instants: several local times mapping to one instant fire once.
   * </ul>
   */
  static final class ReferenceCron {
    private static final String[] MONTH_NAMES = {
      "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
    };
    private static final String[] DAY_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    final String expression;
    final Cron.Dialect dialect;
    final DstPolicy policy;
    final BitSet seconds = new BitSet();
    final BitSet minutes = new BitSet();
    final BitSet hours = new BitSet();
    final BitSet months = new BitSet();

    /** Days of month 1-31 given as plain values. */
    final BitSet daysOfMonth = new BitSet();

    /** Days of week as {@link DayOfWeek#getValue()} 1 (Monday) to 7 (Sunday). */
    final BitSet daysOfWeek = new BitSet();

    final List<Predicate<LocalDate>> dayOfMonthSpecials = new ArrayList<>();
    final List<Predicate<LocalDate>> dayOfWeekSpecials = new ArrayList<>();

    /** Null when there is no year field. */
    BitSet years;

    boolean dayOfMonthRestricted;
    boolean dayOfWeekRestricted;
    boolean fixedHour;

    private ReferenceCron(String expression, Cron.Dialect dialect, DstPolicy policy) {
      this.expression = expression;
      this.dialect = dialect;
      this.policy = policy;
    }

    /** Parses an expression of the grammar the generators emit (plus the macros). */
    static ReferenceCron parse(String expression, Cron.Dialect dialect) {
      ReferenceCron cron = new ReferenceCron(expression, dialect, DstPolicy.RUN_AFTER_GAP);
      String text = expression.trim();
      if (text.startsWith("@")) {
        text =
            switch (text.toLowerCase(Locale.ROOT)) {
              case "@yearly", "@annually" -> "0 0 1 1 *";
              case "@monthly" -> "0 0 1 * *";
              case "@weekly" -> "0 0 * * 0";
              case "@daily", "@midnight" -> "0 0 * * *";
              case "@hourly" -> "0 * * * *";
              default -> throw new IllegalArgumentException("unknown macro " + text);
            };
        if (dialect != Cron.Dialect.UNIX) {
          throw new IllegalArgumentException("macros are compared as UNIX only");
        }
      }
      String[] fields = text.split("\\s+");
      int expected = dialect == Cron.Dialect.UNIX ? 5 : 6;
      boolean hasYear = dialect == Cron.Dialect.QUARTZ && fields.length == 7;
      if (fields.length != expected && !hasYear) {
        throw new IllegalArgumentException("wrong field count in " + expression);
      }
      int i = 0;
      if (dialect == Cron.Dialect.UNIX) {
        cron.seconds.set(0);
      } else {
        cron.plain(fields[i++], 0, 59, 0, cron.seconds, false);
      }
      cron.plain(fields[i++], 0, 59, 0, cron.minutes, false);
      String hour = fields[i++];
      cron.plain(hour, 0, 23, 0, cron.hours, false);
      cron.fixedHour = !hour.contains("*") && !hour.contains("/");
      String dayOfMonth = fields[i++];
      cron.dayOfMonth(dayOfMonth);
      cron.plain(fields[i++], 1, 12, 1, cron.months, true);
      String dayOfWeek = fields[i++];
      cron.dayOfWeek(dayOfWeek);
      if (hasYear) {
        cron.years = new BitSet();
        cron.plain(fields[i], 1970, 2099, 1970, cron.years, false);
      }
      cron.dayOfMonthRestricted = !dayOfMonth.startsWith("*") && !dayOfMonth.startsWith("?");
      cron.dayOfWeekRestricted = !dayOfWeek.startsWith("*") && !dayOfWeek.startsWith("?");
      return cron;
    }

    ReferenceCron withPolicy(DstPolicy newPolicy) {
      ReferenceCron copy = parse(expression, dialect);
      ReferenceCron result = new ReferenceCron(expression, dialect, newPolicy);
      result.seconds.or(copy.seconds);
      result.minutes.or(copy.minutes);
      result.hours.or(copy.hours);
      result.months.or(copy.months);
      result.daysOfMonth.or(copy.daysOfMonth);
      result.daysOfWeek.or(copy.daysOfWeek);
      result.dayOfMonthSpecials.addAll(copy.dayOfMonthSpecials);
      result.dayOfWeekSpecials.addAll(copy.dayOfWeekSpecials);
      result.years = copy.years;
      result.dayOfMonthRestricted = copy.dayOfMonthRestricted;
      result.dayOfWeekRestricted = copy.dayOfWeekRestricted;
      result.fixedHour = copy.fixedHour;
      return result;
    }

    /**
     * Fields of plain values: lists of values, ranges, steps and (for months) names. A range whose
     * start is after its end wraps around the end of the field ({@code 22-2} is 22, 23, 0, 1, 2)
     * and a step counts along the wrapped range ({@code 22-2/2} is 22, 0, 2).
     */
    private void plain(String text, int min, int max, int starMin, BitSet out, boolean monthNames) {
      for (String item : text.split(",")) {
        int lo;
        int hi;
        int step = 1;
        String base = item;
        int slash = item.indexOf('/');
        if (slash >= 0) {
          base = item.substring(0, slash);
          step = Integer.parseInt(item.substring(slash + 1));
        }
        if (base.equals("*") || base.equals("?")) {
          lo = starMin;
          hi = max;
        } else if (base.contains("-")) {
          String[] bounds = base.split("-");
          lo = value(bounds[0], monthNames ? MONTH_NAMES : null, 1);
          hi = value(bounds[1], monthNames ? MONTH_NAMES : null, 1);
        } else {
          lo = value(base, monthNames ? MONTH_NAMES : null, 1);
          hi = slash >= 0 ? max : lo;
        }
        if (lo < min || hi > max || lo > max || hi < min || step < 1) {
          throw new IllegalArgumentException("bad item " + item + " in " + expression);
        }
        List<Integer> sequence = new ArrayList<>();
        if (lo <= hi) {
          for (int v = lo; v <= hi; v++) {
            sequence.add(v);
          }
        } else {
          for (int v = lo; v <= max; v++) {
            sequence.add(v);
          }
          for (int v = min; v <= hi; v++) {
            sequence.add(v);
          }
        }
        for (int k = 0; k < sequence.size(); k += step) {
          out.set(sequence.get(k));
        }
      }
    }

    private static int value(String text, String[] names, int firstNameValue) {
      if (names != null) {
        for (int n = 0; n < names.length; n++) {
          if (names[n].equalsIgnoreCase(text)) {
            return firstNameValue + n;
          }
        }
      }
      return Integer.parseInt(text);
    }

    private void dayOfMonth(String text) {
      for (String item : text.split(",")) {
        if (item.equals("L")) {
          dayOfMonthSpecials.add(d -> d.getDayOfMonth() == d.lengthOfMonth());
        } else if (item.equals("LW")) {
          dayOfMonthSpecials.add(d -> d.getDayOfMonth() == lastWeekday(d));
        } else if (item.startsWith("L-")) {
          int offset = Integer.parseInt(item.substring(2));
          dayOfMonthSpecials.add(d -> d.getDayOfMonth() == d.lengthOfMonth() - offset);
        } else if (item.endsWith("W")) {
          int day = Integer.parseInt(item.substring(0, item.length() - 1));
          dayOfMonthSpecials.add(
              d -> day <= d.lengthOfMonth() && d.getDayOfMonth() == nearestWeekday(d, day));
        } else {
          plain(item, 1, 31, 1, daysOfMonth, false);
        }
      }
    }

    /** The nearest weekday to {@code day} in d's month, never leaving the month (Quartz). */
    static int nearestWeekday(LocalDate d, int day) {
      DayOfWeek dow = d.withDayOfMonth(day).getDayOfWeek();
      if (dow == DayOfWeek.SATURDAY) {
        return day == 1 ? 3 : day - 1;
      }
      if (dow == DayOfWeek.SUNDAY) {
        return day == d.lengthOfMonth() ? day - 2 : day + 1;
      }
      return day;
    }

    static int lastWeekday(LocalDate d) {
      int last = d.lengthOfMonth();
      DayOfWeek dow = d.withDayOfMonth(last).getDayOfWeek();
      return dow == DayOfWeek.SATURDAY ? last - 1 : dow == DayOfWeek.SUNDAY ? last - 2 : last;
    }

    private void dayOfWeek(String text) {
      boolean quartz = dialect == Cron.Dialect.QUARTZ;
      for (String item : text.split(",")) {
        int hash = item.indexOf('#');
        if (item.equals("L")) {
          daysOfWeek.set(DayOfWeek.SATURDAY.getValue());
        } else if (hash >= 0) {
          DayOfWeek dow = dayOfWeek(value(item.substring(0, hash), DAY_NAMES, quartz ? 1 : 0));
          int nth = Integer.parseInt(item.substring(hash + 1));
          dayOfWeekSpecials.add(
              d -> d.getDayOfWeek() == dow && (d.getDayOfMonth() - 1) / 7 + 1 == nth);
        } else if (item.endsWith("L") && item.length() > 1) {
          DayOfWeek dow =
              dayOfWeek(value(item.substring(0, item.length() - 1), DAY_NAMES, quartz ? 1 : 0));
          dayOfWeekSpecials.add(
              d -> d.getDayOfWeek() == dow && d.getDayOfMonth() + 7 > d.lengthOfMonth());
        } else {
          BitSet raw = new BitSet();
          // "*": Vixie counts 0-7 (so */2 is Sun,Tue,Thu,Sat), Spring 1-7 (Mon,Wed,Fri,Sun),
          // Quartz 1-7 with 1 = Sunday (Sun,Tue,Thu,Sat).
          int starMin = dialect == Cron.Dialect.UNIX ? 0 : 1;
          int min = quartz ? 1 : 0;
          String numeric = item;
          for (int n = 0; n < DAY_NAMES.length; n++) {
            numeric =
                numeric.replaceAll("(?i)\\b" + DAY_NAMES[n] + "\\b", Integer.toString(n + min));
          }
          plain(numeric, min, 7, starMin, raw, false);
          raw.stream().forEach(v -> daysOfWeek.set(dayOfWeek(v).getValue()));
        }
      }
    }

    private DayOfWeek dayOfWeek(int value) {
      if (dialect == Cron.Dialect.QUARTZ) {
        return value == 1 ? DayOfWeek.SUNDAY : DayOfWeek.of(value - 1);
      }
      return value % 7 == 0 ? DayOfWeek.SUNDAY : DayOfWeek.of(value);
    }

    boolean dayMatches(LocalDate date) {
      if (!months.get(date.getMonthValue())) {
        return false;
      }
      if (years != null && !years.get(date.getYear())) {
        return false;
      }
      boolean dom = daysOfMonth.get(date.getDayOfMonth()) || anyMatch(dayOfMonthSpecials, date);
      boolean dow =
          daysOfWeek.get(date.getDayOfWeek().getValue()) || anyMatch(dayOfWeekSpecials, date);
      if (dialect == Cron.Dialect.UNIX && dayOfMonthRestricted && dayOfWeekRestricted) {
        return dom || dow;
      }
      return dom && dow;
    }

    private static boolean anyMatch(List<Predicate<LocalDate>> predicates, LocalDate date) {
      for (Predicate<LocalDate> p : predicates) {
        if (p.test(date)) {
          return true;
        }
      }
      return false;
    }

    /** Whether any local date-time at all matches (the calendar repeats every 400 years). */
    boolean isPossible() {
      LocalDate from = LocalDate.of(years == null ? 2000 : 1970, 1, 1);
      LocalDate to = years == null ? from.plusYears(400) : LocalDate.of(2100, 1, 1);
      for (LocalDate d = from; d.isBefore(to); d = d.plusDays(1)) {
        if (dayMatches(d)) {
          return true;
        }
      }
      return false;
    }

    /** All fire instants with epoch second in [lo, hi), in order. */
    TreeSet<Instant> firesBetween(long lo, long hi, ZoneId zone) {
      ZoneRules rules = zone.getRules();
      int minOffset = Integer.MAX_VALUE;
      int maxOffset = Integer.MIN_VALUE;
      List<ZoneOffset> offsets = new ArrayList<>();
      offsets.add(rules.getOffset(Instant.ofEpochSecond(lo - 1)));
      offsets.add(rules.getOffset(Instant.ofEpochSecond(lo)));
      ZoneOffsetTransition t = rules.nextTransition(Instant.ofEpochSecond(lo - 1));
      while (t != null && t.getInstant().getEpochSecond() <= hi) {
        offsets.add(t.getOffsetAfter());
        t = rules.nextTransition(t.getInstant());
      }
      for (ZoneOffset o : offsets) {
        minOffset = Math.min(minOffset, o.getTotalSeconds());
        maxOffset = Math.max(maxOffset, o.getTotalSeconds());
      }
      LocalDateTime localLo = LocalDateTime.ofEpochSecond(lo + minOffset, 0, ZoneOffset.UTC);
      LocalDateTime localHi = LocalDateTime.ofEpochSecond(hi + maxOffset, 0, ZoneOffset.UTC);
      TreeSet<Instant> fires = new TreeSet<>();
      for (LocalDate date = localLo.toLocalDate();
          !date.isAfter(localHi.toLocalDate());
          date = date.plusDays(1)) {
        if (!dayMatches(date)) {
          continue;
        }
        for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
          LocalDateTime hourStart = date.atTime(h, 0);
          if (hourStart.plusHours(1).isBefore(localLo) || hourStart.isAfter(localHi)) {
            continue;
          }
          for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
            LocalDateTime minuteStart = date.atTime(h, m);
            if (minuteStart.plusMinutes(1).isBefore(localLo) || minuteStart.isAfter(localHi)) {
              continue;
            }
            for (int s = seconds.nextSetBit(0); s >= 0; s = seconds.nextSetBit(s + 1)) {
              LocalDateTime local = LocalDateTime.of(date, LocalTime.of(h, m, s));
              if (local.isBefore(localLo) || local.isAfter(localHi)) {
                continue;
              }
              for (Instant fire : instantsOf(local, rules)) {
                if (fire.getEpochSecond() >= lo && fire.getEpochSecond() < hi) {
                  fires.add(fire);
                }
              }
            }
          }
        }
      }
      return fires;
    }

    /** The instants at which a matching local time fires, per the DST contract. */
    List<Instant> instantsOf(LocalDateTime local, ZoneRules rules) {
      List<ZoneOffset> valid = rules.getValidOffsets(local);
      if (valid.size() == 1) {
        return List.of(local.toInstant(valid.get(0)));
      }
      if (valid.isEmpty()) {
        return fixedHour && policy == DstPolicy.RUN_AFTER_GAP
            ? List.of(rules.getTransition(local).getInstant())
            : List.of();
      }
      Instant a = local.toInstant(valid.get(0));
      Instant b = local.toInstant(valid.get(1));
      Instant first = a.isBefore(b) ? a : b;
      Instant second = a.isBefore(b) ? b : a;
      return fixedHour ? List.of(first) : List.of(first, second);
    }

    /**
     * The first {@code count} fires strictly after {@code after}. Local date-times are enumerated
     * in increasing order; the enumeration stops once the local time is past {@code k + maxOffset},
     * where k is the count-th fire found so far and maxOffset the largest offset the zone has
     * between {@code after} and k: no later local time can map to an instant at or before k (a
     * normal or overlap time maps to {@code local - offset}, a gap time to a transition instant t
     * with {@code local < t + offsetAfter}).
     */
    List<Instant> firstAfter(Instant after, ZoneId zone, int count) {
      ZoneRules rules = zone.getRules();
      long lo = after.getEpochSecond() + 1;
      long localStart = lo + minOffset(rules, lo - 1, lo + 2 * 86_400);
      LocalDate last = horizonEnd(localStart);
      TreeSet<Instant> fires = new TreeSet<>();
      long[] stopAt = {Long.MAX_VALUE};
      Instant[] stopFor = {null};
      for (LocalDate date = localDate(localStart); !date.isAfter(last); date = date.plusDays(1)) {
        if (pastStop(fires, count, date.atStartOfDay(), rules, lo, stopAt, stopFor)) {
          break;
        }
        if (!dayMatches(date)) {
          continue;
        }
        for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
          if (epoch(date.atTime(h, 59, 59)) < localStart) {
            continue;
          }
          for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
            LocalDateTime minute = date.atTime(h, m);
            if (epoch(minute) + 59 < localStart) {
              continue;
            }
            if (pastStop(fires, count, minute, rules, lo, stopAt, stopFor)) {
              return fires.stream().limit(count).toList();
            }
            for (int s = seconds.nextSetBit(0); s >= 0; s = seconds.nextSetBit(s + 1)) {
              LocalDateTime local = minute.withSecond(s);
              if (epoch(local) < localStart) {
                continue;
              }
              for (Instant fire : instantsOf(local, rules)) {
                if (fire.getEpochSecond() >= lo) {
                  fires.add(fire);
                  if (fires.size() > count) {
                    fires.pollLast();
                  }
                }
              }
            }
          }
        }
      }
      return fires.stream().limit(count).toList();
    }

    private static boolean pastStop(
        TreeSet<Instant> fires,
        int count,
        LocalDateTime local,
        ZoneRules rules,
        long lo,
        long[] stopAt,
        Instant[] stopFor) {
      if (fires.size() < count) {
        return false;
      }
      Instant kth = fires.last();
      if (!kth.equals(stopFor[0])) {
        stopFor[0] = kth;
        stopAt[0] = kth.getEpochSecond() + maxOffset(rules, lo - 1, kth.getEpochSecond());
      }
      return epoch(local) > stopAt[0];
    }

    /**
     * The last fire strictly before {@code before}: local date-times are enumerated in decreasing
     * order; once a fire b is found, the enumeration stops below {@code b + 1 + minOffset}, where
     * minOffset is the smallest offset the zone has between b and {@code before}.
     */
    Optional<Instant> lastBefore(Instant before, ZoneId zone) {
      ZoneRules rules = zone.getRules();
      long hi = before.getEpochSecond() + (before.getNano() > 0 ? 1 : 0);
      long localEnd = hi + maxOffset(rules, hi - 2 * 86_400, hi + 1);
      LocalDate first = horizonStart(localEnd);
      Instant best = null;
      long stopBelow = Long.MIN_VALUE;
      for (LocalDate date = localDate(localEnd); !date.isBefore(first); date = date.minusDays(1)) {
        if (epoch(date.atTime(23, 59, 59)) < stopBelow) {
          break;
        }
        if (!dayMatches(date)) {
          continue;
        }
        for (int h = hours.previousSetBit(23); h >= 0; h = hours.previousSetBit(h - 1)) {
          if (epoch(date.atTime(h, 0)) > localEnd) {
            continue;
          }
          for (int m = minutes.previousSetBit(59); m >= 0; m = minutes.previousSetBit(m - 1)) {
            LocalDateTime minute = date.atTime(h, m);
            if (epoch(minute) > localEnd) {
              continue;
            }
            if (epoch(minute) + 59 < stopBelow) {
              return Optional.of(best);
            }
            for (int s = seconds.previousSetBit(59); s >= 0; s = seconds.previousSetBit(s - 1)) {
              LocalDateTime local = minute.withSecond(s);
              if (epoch(local) > localEnd) {
                continue;
              }
              for (Instant fire : instantsOf(local, rules)) {
                if (fire.getEpochSecond() < hi && (best == null || fire.isAfter(best))) {
                  best = fire;
                  stopBelow =
                      best.getEpochSecond() + 1 + minOffset(rules, best.getEpochSecond(), hi);
                }
              }
            }
          }
        }
      }
      return Optional.ofNullable(best);
    }

    /** The smallest offset (seconds) the zone has at any instant in [from, to]. */
    static int minOffset(ZoneRules rules, long from, long to) {
      int result = rules.getOffset(Instant.ofEpochSecond(from)).getTotalSeconds();
      ZoneOffsetTransition t = rules.nextTransition(Instant.ofEpochSecond(from));
      while (t != null && t.getInstant().getEpochSecond() <= to) {
        result = Math.min(result, t.getOffsetAfter().getTotalSeconds());
        t = rules.nextTransition(t.getInstant());
      }
      return result;
    }

    /** The largest offset (seconds) the zone has at any instant in [from, to]. */
    static int maxOffset(ZoneRules rules, long from, long to) {
      int result = rules.getOffset(Instant.ofEpochSecond(from)).getTotalSeconds();
      ZoneOffsetTransition t = rules.nextTransition(Instant.ofEpochSecond(from));
      while (t != null && t.getInstant().getEpochSecond() <= to) {
        result = Math.max(result, t.getOffsetAfter().getTotalSeconds());
        t = rules.nextTransition(t.getInstant());
      }
      return result;
    }

    private LocalDate horizonEnd(long localStart) {
      LocalDate limit = localDate(localStart).plusYears(401);
      if (years != null) {
        LocalDate lastYear = LocalDate.of(Math.max(years.length() - 1, 1970), 12, 31);
        return lastYear.isBefore(limit) ? lastYear : limit;
      }
      return limit;
    }

    private LocalDate horizonStart(long localEnd) {
      LocalDate limit = localDate(localEnd).minusYears(401);
      if (years != null) {
        LocalDate firstYear = LocalDate.of(Math.max(years.nextSetBit(0), 1970), 1, 1);
        return firstYear.isAfter(limit) ? firstYear : limit;
      }
      return limit;
    }

    private static long epoch(LocalDateTime local) {
      return local.toEpochSecond(ZoneOffset.UTC);
    }

    private static LocalDate localDate(long localEpochSecond) {
      return LocalDate.ofEpochDay(Math.floorDiv(localEpochSecond, 86_400));
    }

    boolean matches(Instant time, ZoneId zone) {
      return time.getNano() == 0
          && !firesBetween(time.getEpochSecond(), time.getEpochSecond() + 1, zone).isEmpty();
    }
  }

  /**
   * Seeded generator of valid expressions from the grammar in the task: lists, ranges, steps,
   * names, {@code ?}, {@code L}, {@code L-n}, {@code nW}, {@code LW}, {@code nL}, {@code n#k}, and
   * the Quartz year field, and (unless Spring-compatible) ranges that wrap around the end of the
   * field. The Spring-compatible generator stays inside what Spring's {@code CronExpression}
   * accepts with the same meaning: no wrapping ranges, no Sunday names inside ranges, {@code L-n}
   * with n at most 27 (so the day always exists), no {@code L} alone in the day of week. Neither
   * generator steps through a wrapping day-of-week range (0 and 7 are both Sunday, so the step
   * sequence is ambiguous).
   */
  static final class ExpressionGenerator {
    private static final String[] MONTH_NAMES = {
      "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
    };
    private static final String[] DAY_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private final Random random;
    private final boolean extended;

    /** A generator of the whole grammar. */
    ExpressionGenerator(Random random) {
      this(random, true);
    }

    private ExpressionGenerator(Random random, boolean extended) {
      this.random = random;
      this.extended = extended;
    }

    /** A generator of expressions that Spring accepts and reads as we do. */
    static ExpressionGenerator springCompatible(Random random) {
      return new ExpressionGenerator(random, false);
    }

    static String render(
        Cron.Dialect dialect,
        String second,
        String minute,
        String hour,
        String dayOfMonth,
        String month,
        String dayOfWeek) {
      if (dialect == Cron.Dialect.UNIX) {
        String dow = dayOfWeek.equals("?") ? "*" : dayOfWeek;
        return String.join(" ", minute, hour, dayOfMonth, month, dow);
      }
      return String.join(" ", second, minute, hour, dayOfMonth, month, dayOfWeek);
    }

    /** Any expression of the dialect; the day fields use every special form. */
    String expression(Cron.Dialect dialect) {
      String second = dialect == Cron.Dialect.UNIX ? "0" : timeField(0, 59, true);
      String minute = timeField(0, 59, false);
      String hour = timeField(0, 23, false);
      String month = monthField();
      String[] days = dayFields(dialect);
      return withYear(dialect, render(dialect, second, minute, hour, days[0], month, days[1]));
    }

    /** Dense expressions (seconds or minutes mostly wildcards), for gap probing. */
    String denseExpression(Cron.Dialect dialect) {
      String second =
          dialect == Cron.Dialect.UNIX ? "0" : pick("*", "*/5", "0", "0,30", "*/17", "7-9");
      String minute = pick("*", "*/15", "0", "30", "5-10", "*/7", "0,20,40");
      String hour = pick("*", "*/2", "1-3", "2", "1,2,3", "0/3", "*");
      return withYear(dialect, render(dialect, second, minute, hour, "*", "*", "?"));
    }

    /** Expressions that fire around transitions: hours 0-3 (gap/overlap hours everywhere). */
    String dstSensitiveExpression(Cron.Dialect dialect) {
      String second = dialect == Cron.Dialect.UNIX ? "0" : pick("0", "0", "30", "0/20");
      String minute = pick("0", "30", "45", "0,30", "*/15", "15-50/5", "*/20", "59");
      String hour =
          pick("2", "1", "0", "3", "2,3", "1-3", "*", "*/2", "*/1", "0/3", "1,2", "23", "0-2");
      String[] days = random.nextInt(3) == 0 ? dayFields(dialect) : new String[] {"*", "?"};
      if (dialect == Cron.Dialect.QUARTZ && days[0].equals("*") && days[1].equals("*")) {
        days[1] = "?";
      }
      return render(dialect, second, minute, hour, days[0], monthField(), days[1]);
    }

    private String withYear(Cron.Dialect dialect, String expression) {
      if (dialect != Cron.Dialect.QUARTZ || random.nextInt(3) != 0) {
        return expression;
      }
      int a = 1995 + random.nextInt(50);
      String year =
          switch (random.nextInt(5)) {
            case 0 -> "*";
            case 1 -> Integer.toString(a);
            case 2 -> a + "-" + (a + 1 + random.nextInt(30));
            case 3 -> a + "," + (a + 2) + "," + (a + 7);
            default -> a + "/" + (1 + random.nextInt(4));
          };
      return expression + " " + year;
    }

    private String pick(String... options) {
      return options[random.nextInt(options.length)];
    }

    private int between(int lo, int hi) {
      return lo + random.nextInt(hi - lo + 1);
    }

    private String timeField(int min, int max, boolean seconds) {
      int roll = random.nextInt(100);
      if (roll < (seconds ? 15 : 30)) {
        return "*";
      }
      if (roll < 55) {
        return Integer.toString(between(min, max));
      }
      if (roll < 65) {
        return list(() -> timeItem(min, max));
      }
      return timeItem(min, max);
    }

    private String timeItem(int min, int max) {
      if (extended && random.nextInt(8) == 0) {
        int a = between(min + 1, max);
        String wrap = a + "-" + between(min, a - 1);
        return random.nextBoolean() ? wrap : wrap + "/" + between(1, 5);
      }
      switch (random.nextInt(6)) {
        case 0:
          return Integer.toString(between(min, max));
        case 1:
          {
            int a = between(min, max - 1);
            return a + "-" + between(a + 1, max);
          }
        case 2:
          return "*/" + between(1, max / 2 + 1);
        case 3:
          return between(min, max) + "/" + between(1, max / 2 + 1);
        case 4:
          {
            int a = between(min, max - 1);
            return a + "-" + between(a + 1, max) + "/" + between(1, 10);
          }
        default:
          return Integer.toString(between(min, max));
      }
    }

    private String list(java.util.function.Supplier<String> item) {
      int n = 2 + random.nextInt(3);
      List<String> items = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        items.add(item.get());
      }
      return String.join(",", items);
    }

    private String monthField() {
      int roll = random.nextInt(100);
      if (roll < 50) {
        return "*";
      }
      if (roll < 60) {
        return MONTH_NAMES[random.nextInt(12)];
      }
      if (roll < 68) {
        if (extended && random.nextInt(3) == 0) {
          int a = between(1, 11);
          return MONTH_NAMES[a] + "-" + MONTH_NAMES[between(0, a - 1)];
        }
        int a = between(0, 10);
        return MONTH_NAMES[a] + "-" + MONTH_NAMES[between(a + 1, 11)];
      }
      if (roll < 80) {
        return list(() -> timeItem(1, 12));
      }
      return timeItem(1, 12);
    }

    /** {dayOfMonth, dayOfWeek}; Quartz gets "?" in one of them most of the time. */
    private String[] dayFields(Cron.Dialect dialect) {
      String dom = dayOfMonthField();
      String dow = dayOfWeekField(dialect);
      if (dialect == Cron.Dialect.QUARTZ && random.nextInt(10) != 0) {
        if (random.nextBoolean()) {
          dom = "?";
        } else {
          dow = "?";
        }
      }
      if (dialect == Cron.Dialect.UNIX && dom.equals("?") && dow.equals("?")) {
        dow = "*";
      }
      return new String[] {dom, dow};
    }

    private String dayOfMonthField() {
      int roll = random.nextInt(100);
      if (roll < 35) {
        return "*";
      }
      if (roll < 40) {
        return "?";
      }
      if (roll < 75) {
        return dayOfMonthItem();
      }
      return list(this::dayOfMonthItem);
    }

    private String dayOfMonthItem() {
      switch (random.nextInt(12)) {
        case 0:
          return "L";
        case 1:
          return "L-" + (extended ? between(0, 30) : between(1, 27));
        case 2:
          return between(1, 31) + "W";
        case 3:
          return "LW";
        case 4:
          return Integer.toString(between(1, 31));
        case 5:
          return Integer.toString(between(1, 28));
        case 6:
          {
            if (extended && random.nextInt(4) == 0) {
              int a = between(2, 31);
              return a + "-" + between(1, a - 1);
            }
            int a = between(1, 27);
            return a + "-" + between(a + 1, 31);
          }
        case 7:
          return "*/" + between(1, 16);
        case 8:
          return between(1, 28) + "/" + between(1, 10);
        default:
          return Integer.toString(between(1, 28));
      }
    }

    private String dayOfWeekField(Cron.Dialect dialect) {
      int roll = random.nextInt(100);
      if (roll < 45) {
        return "*";
      }
      if (roll < 52) {
        return "?";
      }
      if (roll < 85) {
        return dayOfWeekItem(dialect);
      }
      return list(() -> dayOfWeekItem(dialect));
    }

    private String dayOfWeekItem(Cron.Dialect dialect) {
      boolean quartz = dialect == Cron.Dialect.QUARTZ;
      int min = quartz ? 1 : 0;
      int max = 7;
      if (extended && random.nextInt(5) == 0) {
        switch (random.nextInt(5)) {
          case 0:
            return "L";
          case 1:
            return DAY_NAMES[random.nextInt(7)] + "L";
          case 2:
            {
              // any name range, Sunday included, wrapping or not
              return DAY_NAMES[random.nextInt(7)] + "-" + DAY_NAMES[random.nextInt(7)];
            }
          case 3:
            {
              int a = between(min + 1, max);
              return a + "-" + between(min, a - 1);
            }
          default:
            return between(min, max) + "L";
        }
      }
      switch (random.nextInt(9)) {
        case 0:
          return Integer.toString(between(min, max));
        case 1:
          return DAY_NAMES[random.nextInt(7)];
        case 2:
          {
            // a name range without Sunday: MON-SAT at most
            int a = between(1, 5);
            return DAY_NAMES[a] + "-" + DAY_NAMES[between(a + 1, 6)];
          }
        case 3:
          {
            int a = between(min, max - 1);
            return a + "-" + between(a + 1, max);
          }
        case 4:
          return between(min, max) + "L";
        case 5:
          return between(min, max) + "#" + between(1, 5);
        case 6:
          {
            int a = between(min, max - 2);
            return a + "-" + between(a + 1, max) + "/" + between(1, 3);
          }
        case 7:
          return "*/" + between(1, 4);
        default:
          return DAY_NAMES[random.nextInt(7)] + "#" + between(1, 4);
      }
    }
  }
}
