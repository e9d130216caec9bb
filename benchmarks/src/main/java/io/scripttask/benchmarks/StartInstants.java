package io.scripttask.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The start instants every next-fire benchmark cycles through, the same for every implementation.
 *
 * <p>For a zone, {@link #COUNT} instants are spread over the year {@link #YEAR} (one per equal
 * slot, at a pseudo-random whole second inside the slot; every third one is truncated to the whole
 * hour so that "strictly after a fire time" is exercised too), plus a few instants around each of
 * the zone's daylight-saving transitions of that year. The array is shuffled with a fixed seed so
 * the order is neither sorted nor different between runs. The result is a pure function of the
 * zone.
 */
public final class StartInstants {

  /**
   * How many start instants a benchmark cycles through; a power of two, so an index can be masked.
   */
  public static final int COUNT = 1024;

  /** The calendar year (in the zone) that the start instants cover. */
  public static final int YEAR = 2025;

  /** The offsets from each DST transition at which an extra start instant is placed. */
  private static final List<Duration> AROUND_TRANSITION =
      List.of(
          Duration.ofHours(-3),
          Duration.ofMinutes(-90),
          Duration.ofMinutes(-61),
          Duration.ofMinutes(-30),
          Duration.ofSeconds(-1),
          Duration.ZERO,
          Duration.ofMinutes(30),
          Duration.ofMinutes(90));

  private static final long SEED = 0x5C2197A5C0FFEEL;

  private StartInstants() {}

  /**
   * Returns the {@link #COUNT} start instants for {@code zone}, as a fresh array.
   *
   * @param zone the zone whose year and DST transitions the instants cover
   * @return a new array of {@link #COUNT} instants, all at whole seconds
   * @throws NullPointerException if {@code zone} is null
   */
  public static Instant[] forZone(ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    Instant yearStart = LocalDate.of(YEAR, 1, 1).atStartOfDay(zone).toInstant();
    Instant yearEnd = LocalDate.of(YEAR + 1, 1, 1).atStartOfDay(zone).toInstant();

    List<Instant> aroundTransitions = new ArrayList<>();
    for (ZoneOffsetTransition t : transitions(zone.getRules(), yearStart, yearEnd)) {
      for (Duration d : AROUND_TRANSITION) {
        aroundTransitions.add(t.getInstant().plus(d));
      }
    }

    SplittableRandom random = new SplittableRandom(SEED ^ zone.getId().hashCode());
    int spread = COUNT - aroundTransitions.size();
    long slotSeconds = Duration.between(yearStart, yearEnd).getSeconds() / spread;
    Instant[] starts = new Instant[COUNT];
    for (int i = 0; i < spread; i++) {
      Instant start = yearStart.plusSeconds(i * slotSeconds + random.nextLong(slotSeconds));
      starts[i] = i % 3 == 0 ? start.truncatedTo(ChronoUnit.HOURS) : start;
    }
    for (int i = 0; i < aroundTransitions.size(); i++) {
      starts[spread + i] = aroundTransitions.get(i);
    }
    for (int i = COUNT - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Instant swap = starts[i];
      starts[i] = starts[j];
      starts[j] = swap;
    }
    return starts;
  }

  /**
   * Returns the offset transitions of {@code rules} in {@code [from, to)}.
   *
   * @param rules the zone rules
   * @param from the first instant to look at, inclusive
   * @param to the end, exclusive
   * @return the transitions in chronological order, possibly none
   * @throws NullPointerException if an argument is null
   */
  public static List<ZoneOffsetTransition> transitions(ZoneRules rules, Instant from, Instant to) {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    List<ZoneOffsetTransition> result = new ArrayList<>();
    ZoneOffsetTransition t = rules.nextTransition(from.minusNanos(1));
    while (t != null && t.getInstant().isBefore(to)) {
      result.add(t);
      t = rules.nextTransition(t.getInstant());
    }
    return result;
  }
}
