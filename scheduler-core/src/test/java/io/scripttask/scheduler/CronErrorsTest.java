package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Exact messages for every kind of bad expression, and that nothing else ever escapes. */
class CronErrorsTest {

  private static void assertRejected(String expression, String message) {
    assertThatThrownBy(() -> Cron.parse(expression))
        .isInstanceOf(InvalidCronExpressionException.class)
        .hasMessage(message);
  }

  private static void assertRejected(String expression, Cron.Dialect dialect, String message) {
    assertThatThrownBy(() -> Cron.parse(expression, dialect))
        .isInstanceOf(InvalidCronExpressionException.class)
        .hasMessage(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 24 * * *          | hour         | 0-23      | 24",
        "60 * * * *          | minute       | 0-59      | 60",
        "60 0 0 * * *        | second       | 0-59      | 60",
        "0 0 32 * *          | day-of-month | 1-31      | 32",
        "0 0 0 * *           | day-of-month | 1-31      | 0",
        "0 0 * 13 *          | month        | 1-12      | 13",
        "0 0 * 0 *           | month        | 1-12      | 0",
        "0 0 * * 8           | day-of-week  | 0-7       | 8",
        "0 0 0 * * 8         | day-of-week  | 0-7       | 8",
        "0 0 0 ? * 0 *       | day-of-week  | 1-7       | 0",
        "0 0 0 1 1 ? 2100    | year         | 1970-2099 | 2100",
        "0 0 0 1 1 ? 1969    | year         | 1970-2099 | 1969",
        "99999999999 * * * * | minute       | 0-59      | 99999999999",
        "x * * * *           | minute       | 0-59      | x",
        "? * * * *           | minute       | 0-59      | ?",
        "5- * * * *          | minute       | 0-59      | 5-",
        "-5 * * * *          | minute       | 0-59      | -5",
        "0 1-25 * * *        | hour         | 0-23      | 25",
      })
  void outOfRangeValuesNameTheFieldAndTheRange(
      String expression, String field, String range, String value) {
    assertRejected(
        expression,
        "cron field '"
            + field
            + "' must be "
            + range
            + ", but was "
            + value
            + " in \""
            + expression
            + "\"");
  }

  @Test
  void exceptionCarriesItsParts() {
    assertThatThrownBy(() -> Cron.parse("0 24 * * *"))
        .isInstanceOfSatisfying(
            InvalidCronExpressionException.class,
            e -> {
              assertThat(e.field()).isEqualTo("hour");
              assertThat(e.rule()).isEqualTo("be 0-23");
              assertThat(e.value()).isEqualTo("24");
              assertThat(e.expression()).isEqualTo("0 24 * * *");
            })
        .isInstanceOf(ValidationException.class)
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badNamesListTheAcceptedNames() {
    assertRejected(
        "0 0 * FOO *",
        "cron field 'month' must be 1-12 or JAN-DEC, but was FOO in \"0 0 * FOO *\"");
    assertRejected(
        "0 0 * * FUN",
        "cron field 'day-of-week' must be 0-7 or SUN-SAT, but was FUN in \"0 0 * * FUN\"");
    assertRejected(
        "0 0 0 ? * MONDAY *",
        "cron field 'day-of-week' must be 1-7 or SUN-SAT, but was MONDAY in \"0 0 0 ? * MONDAY"
            + " *\"");
    assertRejected(
        "0 0 * JAN-FOO *",
        "cron field 'month' must be 1-12 or JAN-DEC, but was FOO in \"0 0 * JAN-FOO *\"");
  }

  @Test
  void badSteps() {
    String rule = "must have a step that is a whole number of at least 1, but was ";
    assertRejected("*/0 * * * *", "cron field 'minute' " + rule + "0 in \"*/0 * * * *\"");
    assertRejected("*/-1 * * * *", "cron field 'minute' " + rule + "-1 in \"*/-1 * * * *\"");
    assertRejected("0 */x * * *", "cron field 'hour' " + rule + "x in \"0 */x * * *\"");
    assertRejected("0 0 1/ * *", "cron field 'day-of-month' " + rule + "1/ in \"0 0 1/ * *\"");
  }

  @Test
  void reversedYearRangeIsRejectedBecauseYearsDoNotWrap() {
    assertRejected(
        "0 0 0 1 1 ? 2030-2020",
        "cron field 'year' must have a range whose start is not after its end, but was 2030-2020"
            + " in \"0 0 0 1 1 ? 2030-2020\"");
  }

  @Test
  void wrongFieldCounts() {
    assertRejected(
        "* * * *", "cron field 'expression' must have 5, 6 or 7 fields, but was 4 in \"* * * *\"");
    assertRejected(
        "* * * * * * * *",
        "cron field 'expression' must have 5, 6 or 7 fields, but was 8 in \"* * * * * * * *\"");
    assertRejected(
        "0 0 * * * *",
        Cron.Dialect.UNIX,
        "cron field 'expression' must have 5 fields in the UNIX dialect, but was 6 in \"0 0 * * *"
            + " *\"");
    assertRejected(
        "0 * * * *",
        Cron.Dialect.SPRING,
        "cron field 'expression' must have 6 fields in the SPRING dialect, but was 5 in \"0 * * *"
            + " *\"");
    assertRejected(
        "0 0 0 * * ? 2030",
        Cron.Dialect.SPRING,
        "cron field 'expression' must have 6 fields in the SPRING dialect, but was 7 in"
            + " \"0 0 0 * * ? 2030\"");
    assertRejected(
        "0 * * * *",
        Cron.Dialect.QUARTZ,
        "cron field 'expression' must have 6 or 7 fields in the QUARTZ dialect, but was 5 in"
            + " \"0 * * * *\"");
  }

  @Test
  void impossibleSchedulesAreRejected() {
    assertRejected(
        "0 0 30 2 *",
        "cron field 'day-of-month' must be a day that exists in the given months, but was 30 in"
            + " \"0 0 30 2 *\"");
    assertRejected(
        "0 0 31 4 *",
        "cron field 'day-of-month' must be a day that exists in the given months, but was 31 in"
            + " \"0 0 31 4 *\"");
    assertRejected(
        "0 0 31 2,4,6,9,11 *",
        "cron field 'day-of-month' must be a day that exists in the given months, but was 31 in"
            + " \"0 0 31 2,4,6,9,11 *\"");
    assertRejected(
        "0 0 0 30 2 ?",
        "cron field 'day-of-month' must be a day that exists in the given months, but was 30 in"
            + " \"0 0 0 30 2 ?\"");
    assertRejected(
        "0 0 0 30W 2 ?",
        "cron field 'day-of-month' must be a day that exists in the given months, but was 30W in"
            + " \"0 0 0 30W 2 ?\"");
    assertRejected(
        "0 0 L-30 2 *",
        "cron field 'day-of-month' must be a day that exists in the given months, but was L-30 in"
            + " \"0 0 L-30 2 *\"");
  }

  @Test
  void impossibleSchedulesWithAYearField() {
    assertRejected(
        "0 0 0 29 2 ? 2025-2027",
        "cron field 'day-of-month' must be a day that exists in the given months and years, but"
            + " was 29 in \"0 0 0 29 2 ? 2025-2027\"");
    // no February from 2025 to 2030 has five Mondays
    assertRejected(
        "0 0 0 ? 2 2#5 2025-2030",
        "cron field 'day-of-week' must be a day that exists in the given months and years, but"
            + " was 2#5 in \"0 0 0 ? 2 2#5 2025-2030\"");
  }

  @Test
  void dayFieldsThatNeverMeetAreRejected() {
    // Spring ANDs the day fields: the 1st is never the second Tuesday
    assertRejected(
        "0 0 0 1 * 2#2",
        "cron field 'expression' must have day-of-month and day-of-week fields that share a day in"
            + " the given months, but was 1 and 2#2 in \"0 0 0 1 * 2#2\"");
  }

  @Test
  void validSchedulesThatLookImpossibleAreAccepted() {
    assertThat(Cron.parse("0 0 29 2 *").dialect()).isEqualTo(Cron.Dialect.UNIX);
    assertThat(Cron.parse("0 0 31 2 MON").dialect()).isEqualTo(Cron.Dialect.UNIX); // OR-ed
    assertThat(Cron.parse("0 0 0 ? 2 2#5").dialect()).isEqualTo(Cron.Dialect.SPRING);
  }

  @Test
  void badSpecials() {
    assertRejected(
        "0 0 * * MON#6",
        "cron field 'day-of-week' must have an occurrence 1-5 after #, but was MON#6 in"
            + " \"0 0 * * MON#6\"");
    assertRejected(
        "0 0 * * 1#0",
        "cron field 'day-of-week' must have an occurrence 1-5 after #, but was 1#0 in"
            + " \"0 0 * * 1#0\"");
    assertRejected(
        "0 0 * * 1-2#1",
        "cron field 'day-of-week' must have a single day before #, but was 1-2#1 in"
            + " \"0 0 * * 1-2#1\"");
    assertRejected(
        "0 0 * * 9#1", "cron field 'day-of-week' must be 0-7, but was 9 in \"0 0 * * 9#1\"");
    assertRejected(
        "0 0 * * 1-5L",
        "cron field 'day-of-week' must use L only as L or nL (n a single day), but was 1-5L in"
            + " \"0 0 * * 1-5L\"");
    assertRejected(
        "0 0 1-5W * *",
        "cron field 'day-of-month' must use L and W only as L, L-n, nW (n a single day) or LW, but"
            + " was 1-5W in \"0 0 1-5W * *\"");
    assertRejected(
        "0 0 L/2 * *",
        "cron field 'day-of-month' must use L and W only as L, L-n, nW (n a single day) or LW, but"
            + " was L/2 in \"0 0 L/2 * *\"");
    assertRejected(
        "0 0 32W * *",
        "cron field 'day-of-month' must have a day 1-31 before W, but was 32W in \"0 0 32W * *\"");
    assertRejected(
        "0 0 L-31 * *",
        "cron field 'day-of-month' must have an offset 0-30 after L-, but was L-31 in"
            + " \"0 0 L-31 * *\"");
  }

  @Test
  void questionMarksAndEmptyListItems() {
    assertRejected(
        "0 0 1,? * *",
        "cron field 'day-of-month' must use ? only as the whole field, but was 1,? in"
            + " \"0 0 1,? * *\"");
    assertRejected(
        "1,,2 * * * *",
        "cron field 'minute' must not have an empty list item, but was 1,,2 in \"1,,2 * * * *\"");
    assertRejected(
        "0 0 1, * *",
        "cron field 'day-of-month' must not have an empty list item, but was 1, in \"0 0 1, * *\"");
  }

  @Test
  void unknownMacrosAndMacrosWithFields() {
    assertRejected(
        "@reboot",
        "cron field 'expression' must be one of @yearly, @annually, @monthly, @weekly, @daily,"
            + " @midnight, @hourly, but was @reboot in \"@reboot\"");
    assertRejected(
        "@daily 5",
        "cron field 'expression' must be a macro alone, without other fields, but was @daily 5 in"
            + " \"@daily 5\"");
  }

  @Test
  void nullAndBlank() {
    assertThatThrownBy(() -> Cron.parse(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("expression");
    assertThatThrownBy(() -> Cron.parse(null, Cron.Dialect.UNIX))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("expression");
    assertThatThrownBy(() -> Cron.parse("* * * * *", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dialect");
    assertRejected("", "cron field 'expression' must not be blank, but was \"\" in \"\"");
    assertRejected(" \t\n", "cron field 'expression' must not be blank, but was \"\" in \" \t\n\"");
  }

  @Test
  void messageQuotesTheExpressionAsGiven() {
    assertRejected(
        "0  24\t* * *", "cron field 'hour' must be 0-23, but was 24 in \"0  24\t* * *\"");
  }

  @Test
  void noBreakSpacesSeparateFieldsAndAloneAreBlank() {
    assertThat(Cron.parse("0\u00a02 * * *").expression()).isEqualTo("0 2 * * *");
    assertRejected(
        "\u00a0", "cron field 'expression' must not be blank, but was \"\" in \"\u00a0\"");
  }

  @Test
  void randomTextEitherParsesOrThrowsInvalidCronExpression() {
    String[][] pools = {
      {"0", "*/15", "30", "59"},
      {"*", "0", "*/5", "5/15", "1-10/3", "58-1", "0,30"},
      {"*", "2", "22-2", "*/6", "9-17", "1-3"},
      {"*", "?", "1", "15", "L", "L-3", "LW", "15W", "31", "L,15", "29"},
      {"*", "1", "JAN", "NOV-FEB", "2", "*/4"},
      {"*", "?", "MON", "FRI-MON", "5L", "MON#2", "L", "0", "7", "*/2", "1#5"},
      {"*", "2030", "2025-2027", "2030/10"}
    };
    String garbage = "0123456789*/,-?LW#@ abcdefjmnorstuyJANFEBMONSUNSAT\t";
    Random random = new Random(20250305L);
    ZonedDateTime start = ZonedDateTime.of(2025, 3, 5, 10, 0, 0, 0, ZoneId.of("Europe/Berlin"));
    int parsed = 0;
    for (int i = 0; i < 20_000; i++) {
      int fields = 4 + random.nextInt(5);
      int first = fields == 5 ? 1 : 0;
      List<String> parts = new ArrayList<>();
      for (int f = 0; f < fields; f++) {
        String[] pool = pools[Math.min(first + f, pools.length - 1)];
        parts.add(pool[random.nextInt(pool.length)]);
      }
      if (random.nextInt(3) == 0) {
        StringBuilder junk = new StringBuilder();
        for (int c = random.nextInt(6); c >= 0; c--) {
          junk.append(garbage.charAt(random.nextInt(garbage.length())));
        }
        parts.set(random.nextInt(fields), junk.toString());
      }
      String text = String.join(" ", parts);
      String expression = text;
      try {
        Cron cron = Cron.parse(expression);
        parsed++;
        cron.next(start);
        cron.previous(start);
        cron.describe(Locale.ENGLISH);
      } catch (InvalidCronExpressionException expected) {
        assertThat(expected.getMessage()).startsWith("cron field '");
      } catch (RuntimeException | StackOverflowError e) {
        fail("'" + expression + "' threw " + e, e);
      }
    }
    assertThat(parsed).isPositive();
  }
}
