package io.scripttask.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Instants as epoch nanoseconds: exact at every range, ordered as the instants. */
class TimesTest {

  private static final List<Instant> INSTANTS =
      List.of(
          Instant.MIN,
          Instant.parse("-0001-01-01T00:00:00.000000001Z"),
          Instant.ofEpochSecond(-1, 999_999_999),
          Instant.EPOCH,
          Instant.ofEpochSecond(0, 1),
          Instant.parse("2025-01-06T00:00:00.123456789Z"),
          Instant.parse("2262-04-11T23:47:16.854775808Z"),
          Instant.MAX);

  @Test
  void everyInstantComesBackExactly() {
    for (Instant t : INSTANTS) {
      assertThat(Times.fromDb(Times.toDb(t))).isEqualTo(t);
      assertThat(Times.toDb(t).precision()).isLessThanOrEqualTo(28);
    }
    assertThat(Times.toDb(null)).isNull();
    assertThat(Times.fromDb(null)).isNull();
    assertThat(Times.toDb(Instant.ofEpochSecond(1, 5))).isEqualTo(new BigDecimal("1000000005"));
  }

  @Test
  void theLongFastPathGivesTheSameNumbersAsExactArithmeticAtAndAroundItsEdges() {
    List<Instant> instants = new ArrayList<>();
    for (long edge : new long[] {-9_000_000_000L, 0L, 9_000_000_000L}) {
      for (long s = edge - 2; s <= edge + 2; s++) {
        for (int nano : new int[] {0, 1, 999_999_999}) {
          instants.add(Instant.ofEpochSecond(s, nano));
        }
      }
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 100_000; i++) {
      long s =
          random.nextLong(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond())
              / (i % 2 == 0 ? 1 : 1_000_000L);
      instants.add(Instant.ofEpochSecond(s, random.nextInt(1_000_000_000)));
    }
    for (Instant t : instants) {
      BigDecimal exact =
          new BigDecimal(
              BigInteger.valueOf(t.getEpochSecond())
                  .multiply(BigInteger.valueOf(1_000_000_000L))
                  .add(BigInteger.valueOf(t.getNano())));
      assertThat(Times.toDb(t)).isEqualTo(exact);
      assertThat(Times.fromDb(exact)).isEqualTo(t);
      // as a database may hand it back: the same number with a scale
      assertThat(Times.fromDb(exact.setScale(2))).isEqualTo(t);
    }
  }

  @Test
  void theNumbersSortAsTheInstants() {
    List<BigDecimal> numbers = new ArrayList<>();
    for (Instant t : INSTANTS) {
      numbers.add(Times.toDb(t));
    }
    List<BigDecimal> sorted = new ArrayList<>(numbers);
    sorted.sort(Comparator.naturalOrder());
    assertThat(sorted).isEqualTo(numbers);
  }
}
