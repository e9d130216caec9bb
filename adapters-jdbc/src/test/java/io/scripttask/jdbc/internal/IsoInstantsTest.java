package io.scripttask.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ISO-8601 instants by hand: the very text of Instant.toString, the very result of parse. */
class IsoInstantsTest {

  /** 0000-01-01T00:00:00Z. */
  private static final long YEAR_0_START = -62_167_219_200L;

  /** 9999-12-31T23:59:59Z. */
  private static final long YEAR_9999_END = 253_402_300_799L;

  /**
   * Asserts that format agrees with toString and parse with Instant.parse, both ways.
   *
   * @param t the instant
   */
  private static void assertRoundTrip(Instant t) {
    String expected = t.toString();
    assertThat(IsoInstants.format(t)).isEqualTo(expected);
    assertThat(IsoInstants.parse(expected)).isEqualTo(t);
  }

  /**
   * Asserts that parse returns what Instant.parse returns, or that both throw
   * DateTimeParseException.
   *
   * @param text the text to parse
   */
  private static void assertParsesAsInstantParse(String text) {
    Instant expected;
    try {
      expected = Instant.parse(text);
    } catch (DateTimeParseException e) {
      assertThatThrownBy(() -> IsoInstants.parse(text))
          .as("parse(\"%s\")", text)
          .isInstanceOf(DateTimeParseException.class)
          .hasMessage(e.getMessage());
      return;
    }
    assertThat(IsoInstants.parse(text)).as("parse(\"%s\")", text).isEqualTo(expected);
  }

  @Test
  void epochFormatsAndParsesAsInstant() {
    assertThat(IsoInstants.format(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(IsoInstants.parse("1970-01-01T00:00:00Z")).isEqualTo(Instant.EPOCH);
    assertRoundTrip(Instant.EPOCH);
    assertRoundTrip(Instant.ofEpochSecond(-1));
    assertRoundTrip(Instant.ofEpochSecond(-1, 999_999_999));
  }

  @Test
  void minAndMaxFallBackToInstantAndMatchIt() {
    assertRoundTrip(Instant.MIN);
    assertRoundTrip(Instant.MAX);
  }

  @Test
  void yearBoundariesOfTheFastPathMatchInstant() {
    assertRoundTrip(Instant.parse("0000-01-01T00:00:00Z"));
    assertRoundTrip(Instant.ofEpochSecond(YEAR_0_START - 1, 999_999_999));
    assertRoundTrip(Instant.parse("9999-12-31T23:59:59.999999999Z"));
    assertRoundTrip(Instant.parse("+10000-01-01T00:00:00Z"));
    assertThat(IsoInstants.format(Instant.parse("0000-01-01T00:00:00Z")))
        .isEqualTo("0000-01-01T00:00:00Z");
    assertThat(IsoInstants.format(Instant.parse("9999-12-31T23:59:59.999999999Z")))
        .isEqualTo("9999-12-31T23:59:59.999999999Z");
    assertThat(IsoInstants.format(Instant.ofEpochSecond(YEAR_9999_END + 1)))
        .isEqualTo("+10000-01-01T00:00:00Z");
  }

  @Test
  void negativeYearsMatchInstant() {
    assertRoundTrip(Instant.parse("-0001-12-31T23:59:59.999Z"));
    assertRoundTrip(Instant.parse("-0004-02-29T12:00:00Z"));
    assertRoundTrip(Instant.parse("-10000-01-01T00:00:00Z"));
    assertRoundTrip(Instant.parse("-999999999-01-01T00:00:00Z"));
  }

  @Test
  void leapDaysFormatAndParse() {
    for (String text :
        List.of(
            "2024-02-29T00:00:00Z",
            "2024-03-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "0000-02-29T00:00:00Z",
            "0400-02-29T00:00:00Z",
            "2024-12-31T23:59:59Z",
            "1900-02-28T23:59:59Z",
            "1900-03-01T00:00:00Z")) {
      Instant t = Instant.parse(text);
      assertThat(IsoInstants.parse(text)).isEqualTo(t);
      assertThat(IsoInstants.format(t)).isEqualTo(text);
    }
    assertParsesAsInstantParse("1900-02-29T00:00:00Z");
    assertParsesAsInstantParse("2023-02-29T00:00:00Z");
    assertParsesAsInstantParse("2100-02-29T00:00:00Z");
  }

  @Test
  void fractionsOfEveryLengthParseAsInstantParse() {
    String digits = "123456789";
    for (int n = 1; n <= 9; n++) {
      String text = "2026-11-23T04:43:00." + digits.substring(0, n) + "Z";
      assertParsesAsInstantParse(text);
      assertThat(IsoInstants.parse(text)).isEqualTo(Instant.parse(text));
    }
    assertThat(IsoInstants.parse("2026-11-23T04:43:00.1Z").getNano()).isEqualTo(100_000_000);
    assertThat(IsoInstants.parse("2026-11-23T04:43:00.000000001Z").getNano()).isEqualTo(1);
    assertThat(IsoInstants.parse("2026-11-23T04:43:00.000000000Z").getNano()).isZero();
  }

  @Test
  void nanosFormatWithThreeSixOrNineDigits() {
    Instant base = Instant.parse("2026-11-23T04:43:00Z");
    assertThat(IsoInstants.format(base)).isEqualTo("2026-11-23T04:43:00Z");
    assertThat(IsoInstants.format(base.plusNanos(120_000_000)))
        .isEqualTo("2026-11-23T04:43:00.120Z");
    assertThat(IsoInstants.format(base.plusNanos(123_000)))
        .isEqualTo("2026-11-23T04:43:00.000123Z");
    assertThat(IsoInstants.format(base.plusNanos(123_456_789)))
        .isEqualTo("2026-11-23T04:43:00.123456789Z");
    assertThat(IsoInstants.format(base.plusNanos(1))).isEqualTo("2026-11-23T04:43:00.000000001Z");
    for (int nano : new int[] {1, 10, 999, 1_000, 999_000, 1_000_000, 999_000_000, 999_999_999}) {
      assertRoundTrip(base.plusNanos(nano));
    }
  }

  @Test
  void everyDayOfYears0To9999FormatsAndParsesAsInstant() {
    Random random = new Random(20261123L);
    for (long second = YEAR_0_START; second <= YEAR_9999_END; second += 86_400L) {
      Instant midnight = Instant.ofEpochSecond(second);
      String text = midnight.toString();
      assertThat(IsoInstants.format(midnight)).isEqualTo(text);
      assertThat(IsoInstants.parse(text)).isEqualTo(midnight);
      Instant lastSecond = Instant.ofEpochSecond(second + 86_399L, random.nextInt(1_000_000_000));
      assertThat(IsoInstants.format(lastSecond)).isEqualTo(lastSecond.toString());
    }
  }

  @Test
  void randomInstantsInAWideRangeMatchInstant() {
    Random random = new Random(42L);
    long low = YEAR_0_START - 10_000_000_000L;
    long high = YEAR_9999_END + 10_000_000_000L;
    for (int i = 0; i < 200_000; i++) {
      long second = low + (long) (random.nextDouble() * (high - low + 1));
      int nano =
          switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(second, nano);
      String text = t.toString();
      if (!IsoInstants.format(t).equals(text)) {
        assertThat(IsoInstants.format(t)).as("format of %s", text).isEqualTo(text);
      }
      if (!IsoInstants.parse(text).equals(t)) {
        assertThat(IsoInstants.parse(text)).as("parse of %s", text).isEqualTo(t);
      }
    }
  }

  @Test
  void invalidTextThrowsExactlyWhenInstantParseThrows() {
    for (String text :
        List.of(
            "2026-02-30T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-11-00T00:00:00Z",
            "2026-11-23T24:00:00Z",
            "2026-11-23T24:00:01Z",
            "2026-11-23T23:60:00Z",
            "2026-11-23T23:59:60Z",
            "2026-11-23 04:43:00Z",
            "2026-11-23T04:43:00",
            "2026-11-23T04:43Z",
            "",
            "Z",
            "2026-11-23T04:43:00.Z",
            "2026-11-23T04:43:00.1234567890Z",
            "2026-11-23T04:43:00,123Z",
            "2026-11-23T04:43:0aZ",
            "2026-1a-23T04:43:00Z",
            "2026-11-23T04:43:00.12a4Z",
            "２026-11-23T04:43:00Z",
            "+2026-11-23T04:43:00Z",
            "-2026-11-23T04:43:00Z",
            "10000-01-01T00:00:00Z",
            "+10000-01-01T00:00:00Z",
            "2026-11-23t04:43:00z",
            "2026-11-23T04:43:00ZZ")) {
      assertParsesAsInstantParse(text);
    }
    assertThatThrownBy(() -> IsoInstants.parse("2026-02-30T00:00:00Z"))
        .isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> IsoInstants.parse("")).isInstanceOf(DateTimeParseException.class);
  }

  @Test
  void offsetTextFallsBackToInstantParse() {
    for (String text :
        List.of(
            "2026-11-23T04:43:00+01:00",
            "2026-11-23T04:43:00.5-05:30",
            "2026-11-23T04:43:00+00:00",
            "2026-11-23T00:30:00+01:00")) {
      assertParsesAsInstantParse(text);
    }
    assertThat(IsoInstants.parse("2026-11-23T04:43:00+01:00"))
        .isEqualTo(Instant.parse("2026-11-23T03:43:00Z"));
  }

  @Test
  void nullIsRejectedAsInstantRejectsIt() {
    assertThatThrownBy(() -> IsoInstants.parse(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> IsoInstants.format(null)).isInstanceOf(NullPointerException.class);
  }
}
