package io.scripttask.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves that {@link CronNextFireBenchmark} compares like with like: on the benchmark's own state
 * (same parsed objects, same start instants), every peer computes the same next fire as ScriptTask,
 * except where the search touches a DST transition day, where the peers differ by design (Spring
 * fires twice in a fall-back overlap, JobRunr shifts a gap time by the gap length, ScriptTask fires
 * once after the gap: contract 2 of the design). Those samples are excluded explicitly and counted.
 */
class PeersAgreeTest {

  private static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York");

  /** Excluded samples per case and zone stay a minority; the rest must agree exactly. */
  private static final double MIN_COMPARED_FRACTION = 0.75;

  static Stream<Arguments> casesAndZones() {
    return Arrays.stream(CronCase.values())
        .flatMap(c -> ZONES.stream().map(z -> Arguments.of(c, z)));
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("casesAndZones")
  void everyPeerComputesTheSameNextFireAsOursOutsideDstTransitionDays(CronCase c, String zone)
      throws Exception {
    CronNextFireBenchmark bench = new CronNextFireBenchmark();
    bench.expression = c.spring();
    bench.zone = zone;
    bench.setUp();
    ZoneId zoneId = ZoneId.of(zone);

    Map<String, Instant[]> results = new LinkedHashMap<>();
    results.put("oursZoned", run(bench, () -> toInstant(bench.oursZoned())));
    results.put("oursInstant", run(bench, () -> bench.oursInstant().orElse(null)));
    results.put("spring", run(bench, () -> toInstant(bench.spring())));
    results.put("quartz", run(bench, () -> toInstant(bench.quartz())));
    results.put("cronUtils", run(bench, () -> toInstant(bench.cronUtils())));
    results.put("jobRunr", run(bench, () -> bench.jobRunr()));
    Instant[] ours = results.get("oursZoned");

    int compared = 0;
    int excluded = 0;
    Map<String, Integer> differingOnDstDays = new LinkedHashMap<>();
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < StartInstants.COUNT; i++) {
      Instant start = bench.start(i);
      assertThat(ours[i]).as("ours after %s", start).isNotNull().isAfter(start);
      // The Instant fast path is ours too, so it must agree everywhere, DST days included.
      assertThat(results.get("oursInstant")[i])
          .as("oursInstant after %s", start)
          .isEqualTo(ours[i]);

      Instant latest = ours[i];
      for (Instant[] r : results.values()) {
        if (r[i] != null && r[i].isAfter(latest)) {
          latest = r[i];
        }
      }
      boolean onDstDay = touchesDstTransitionDay(zoneId, start, latest);
      if (onDstDay) {
        excluded++;
      } else {
        compared++;
      }
      for (Map.Entry<String, Instant[]> e : results.entrySet()) {
        Instant theirs = e.getValue()[i];
        if (theirs == null ? ours[i] == null : theirs.equals(ours[i])) {
          continue;
        }
        if (onDstDay) {
          differingOnDstDays.merge(e.getKey(), 1, Integer::sum);
        } else {
          mismatches.add(
              e.getKey()
                  + " after "
                  + start.atZone(zoneId)
                  + ": ours "
                  + ours[i].atZone(zoneId)
                  + ", theirs "
                  + (theirs == null ? null : theirs.atZone(zoneId)));
        }
      }
    }
    System.out.printf(
        "PeersAgreeTest %-22s %-17s compared %4d, excluded on DST transition days %3d,"
            + " of which differing per peer %s%n",
        c.spring(), zone, compared, excluded, differingOnDstDays);

    assertThat(mismatches).as("peers disagreeing with ours outside DST transition days").isEmpty();
    assertThat(excluded).as("samples on DST transition days (counted, not compared)").isPositive();
    assertThat(compared)
        .as("samples compared")
        .isGreaterThanOrEqualTo((int) (StartInstants.COUNT * MIN_COMPARED_FRACTION));
  }

  @Test
  void startInstantsAreDistinctWholeSecondsInTheYearAndIncludeEveryDstTransitionDay() {
    for (String zone : ZONES) {
      ZoneId zoneId = ZoneId.of(zone);
      Instant[] starts = StartInstants.forZone(zoneId);
      assertThat(starts).hasSize(StartInstants.COUNT).doesNotContainNull();
      assertThat(new HashSet<>(Arrays.asList(starts))).hasSize(StartInstants.COUNT);
      assertThat(starts).allSatisfy(s -> assertThat(s.getNano()).isZero());
      assertThat(starts)
          .allSatisfy(s -> assertThat(s.atZone(zoneId).getYear()).isEqualTo(StartInstants.YEAR));
      assertThat(StartInstants.forZone(zoneId)).as("deterministic").containsExactly(starts);

      Instant yearStart = LocalDate.of(StartInstants.YEAR, 1, 1).atStartOfDay(zoneId).toInstant();
      Instant yearEnd = LocalDate.of(StartInstants.YEAR + 1, 1, 1).atStartOfDay(zoneId).toInstant();
      List<ZoneOffsetTransition> transitions =
          StartInstants.transitions(zoneId.getRules(), yearStart, yearEnd);
      assertThat(transitions).as("DST transitions of %s", zone).hasSize(2);
      for (ZoneOffsetTransition t : transitions) {
        LocalDate day = t.getInstant().atZone(zoneId).toLocalDate();
        assertThat(Arrays.stream(starts).filter(s -> s.atZone(zoneId).toLocalDate().equals(day)))
            .as("start instants on %s in %s", day, zone)
            .hasSizeGreaterThanOrEqualTo(6);
      }
      // spread: every month of the year has start instants
      assertThat(Arrays.stream(starts).map(s -> s.atZone(zoneId).getMonth()).distinct())
          .hasSize(12);
    }
  }

  @Test
  void everyParseBenchmarkMethodReturnsAnExpressionForEveryCase() throws Exception {
    for (CronCase c : CronCase.values()) {
      CronParseBenchmark bench = new CronParseBenchmark();
      bench.expression = c.spring();
      bench.setUp();
      Instant after = Instant.parse("2025-06-14T10:15:30Z");
      ZoneId utc = ZoneId.of("UTC");
      Instant expected = bench.ours().next(after.atZone(utc)).orElseThrow().toInstant();
      assertThat(bench.spring().next(after.atZone(utc)).toInstant()).isEqualTo(expected);
      org.quartz.CronExpression quartz = bench.quartz();
      quartz.setTimeZone(TimeZone.getTimeZone(utc));
      assertThat(quartz.getNextValidTimeAfter(Date.from(after)).toInstant()).isEqualTo(expected);
      assertThat(bench.cronUtils().nextExecution(after.atZone(utc)).orElseThrow().toInstant())
          .isEqualTo(expected);
      assertThat(bench.jobRunr().next(after, after, utc)).isEqualTo(expected);
    }
  }

  @Test
  void bySpringFormRejectsAnExpressionThatIsNoCase() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CronCase.bySpringForm("0 0 * * * *"))
        .withMessage("expression must be the Spring form of a CronCase, but was 0 0 * * * *");
  }

  /**
   * Whether a DST transition lies between the start of the local day of {@code start} and the end
   * of the local day of {@code latest}: the days on which the implementations differ by design.
   */
  private static boolean touchesDstTransitionDay(ZoneId zone, Instant start, Instant latest) {
    Instant from = start.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
    Instant to = latest.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
    return !StartInstants.transitions(zone.getRules(), from, to).isEmpty();
  }

  private static Instant[] run(CronNextFireBenchmark bench, Supplier<Instant> method) {
    bench.rewind();
    Instant[] out = new Instant[StartInstants.COUNT];
    for (int i = 0; i < out.length; i++) {
      out[i] = method.get();
    }
    return out;
  }

  private static Instant toInstant(Optional<ZonedDateTime> time) {
    return time.map(ZonedDateTime::toInstant).orElse(null);
  }

  private static Instant toInstant(ZonedDateTime time) {
    return time == null ? null : time.toInstant();
  }

  private static Instant toInstant(Date time) {
    return time == null ? null : time.toInstant();
  }
}
