package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.CronPropertyTest.ExpressionGenerator;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz tests of {@link Cron#parse}: hundreds of thousands of seeded random strings built from the
 * cron alphabet and junk. Each either parses, or throws {@link InvalidCronExpressionException} with
 * a message of the documented shape that quotes the whole expression; nothing else. What parses
 * must answer {@code next} quickly (no unbounded search) and consistently with {@code matches}.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CronFuzzTest {

  private static final ZoneId[] ZONES = {
    ZoneId.of("UTC"), ZoneId.of("America/New_York"), ZoneId.of("Pacific/Chatham")
  };

  private final Map<String, List<String>> failures = new TreeMap<>();
  private final Map<String, Integer> failureCounts = new TreeMap<>();
  private int parsed;
  private int rejected;
  private long slowestNanos;

  @Test
  void randomTokenStringsParseOrThrowInvalidCronExpressionException() {
    Random random = new Random(0xC0FFEEL);
    for (int i = 0; i < 250_000; i++) {
      check(CronFuzzInputs.randomTokens(random, 0, 9, 0), random);
    }
    report("random tokens");
  }

  @Test
  void mutatedValidExpressionsParseOrThrowInvalidCronExpressionException() {
    Random random = new Random(0xBADC0DEL);
    ExpressionGenerator generator = new ExpressionGenerator(random);
    for (int i = 0; i < 150_000; i++) {
      Cron.Dialect dialect = Cron.Dialect.values()[random.nextInt(3)];
      String expression = CronFuzzInputs.mutate(generator.expression(dialect), random);
      check(expression, random);
    }
    report("mutated valid expressions");
    assertThat(parsed).as("mutations that still parse").isGreaterThan(10_000);
  }

  @Test
  void randomCharacterStringsParseOrThrowInvalidCronExpressionException() {
    Random random = new Random(42L);
    String alphabet = "0123456789*/,-?LW# \tABCDEFGHIJKLMNOPQRSTUVWXYZ@";
    for (int i = 0; i < 150_000; i++) {
      int length = random.nextInt(40);
      StringBuilder text = new StringBuilder();
      for (int k = 0; k < length; k++) {
        text.append(
            random.nextInt(50) == 0
                ? (char) random.nextInt(0x3000)
                : alphabet.charAt(random.nextInt(alphabet.length())));
      }
      check(text.toString(), random);
    }
    report("random characters");
  }

  @Test
  void hugeNumbersInEveryFieldAreRejectedWithTheFieldNamed() {
    // a huge step (*/99999999999) is not here: no rule bounds a step, it just keeps one value
    String[] huge = {
      "99999999999",
      "2147483648",
      "9223372036854775808",
      "-1",
      "1-99999999999",
      "99999999999/2",
      "99999999999-1",
      "99999999999W",
      "L-99999999999",
      "1#99999999999",
      "99999999999L"
    };
    int checked = 0;
    for (Cron.Dialect dialect : Cron.Dialect.values()) {
      int fields = dialect == Cron.Dialect.UNIX ? 5 : 6;
      for (int field = 0; field < fields; field++) {
        for (String value : huge) {
          String[] parts = new String[fields];
          for (int k = 0; k < fields; k++) {
            parts[k] = k == field ? value : "*";
          }
          if (dialect == Cron.Dialect.QUARTZ && field != fields - 1) {
            parts[fields - 1] = "?";
          }
          String expression = String.join(" ", parts);
          assertThatThrownBy(() -> Cron.parse(expression, dialect))
              .as("%s as %s", expression, dialect)
              .isInstanceOf(InvalidCronExpressionException.class)
              .hasMessageStartingWith("cron field '")
              .hasMessageContaining("\"" + expression + "\"");
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(150);
  }

  @Test
  void invalidExpressionMessageQuotesTheExpressionAsGiven() {
    // regression: the message quoted the expression with its whitespace normalized
    for (String expression : List.of("0  24 * * *", "0\t24 * * *", " 0 24 * * * ")) {
      assertThatThrownBy(() -> Cron.parse(expression))
          .as(CronFuzzInputs.escape(expression))
          .isInstanceOf(InvalidCronExpressionException.class)
          .hasMessage("cron field 'hour' must be 0-23, but was 24 in \"" + expression + "\"")
          .extracting(e -> ((InvalidCronExpressionException) e).expression())
          .isEqualTo(expression);
    }
  }

  @Test
  void rejectsNonBreakingSpacesAloneWithInvalidCronExpressionException() {
    // regression: "\u00a0" alone threw ArrayIndexOutOfBoundsException
    for (String blank : List.of("\u00a0", "\u00a0\u00a0", "\u2007", "\u202f", " \u00a0 ")) {
      assertThatThrownBy(() -> Cron.parse(blank))
          .as(CronFuzzInputs.escape(blank))
          .isInstanceOf(InvalidCronExpressionException.class)
          .hasMessageStartingWith("cron field '");
    }
  }

  @Test
  void toleratesTabsAndRunsOfSpacesBetweenFields() {
    ZonedDateTime after = ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC"));
    List<ZonedDateTime> expected = Cron.parse("0 2 * * *").next(after, 3);
    for (String spaced :
        List.of(" 0 2 * * *", "0\t2 * * *", "0  2\t\t*   * *  ", "\t0 2 * * *\n")) {
      assertThat(Cron.parse(spaced).next(after, 3))
          .as(CronFuzzInputs.escape(spaced))
          .isEqualTo(expected);
      assertThat(Cron.parse(spaced).dialect()).isEqualTo(Cron.Dialect.UNIX);
    }
  }

  @Test
  void emptyAndBlankExpressionsAreRejected() {
    for (String blank : List.of("", " ", "\t", "   \t  ", "\n")) {
      assertThatThrownBy(() -> Cron.parse(blank))
          .isInstanceOf(InvalidCronExpressionException.class)
          .hasMessageStartingWith("cron field '");
      for (Cron.Dialect dialect : Cron.Dialect.values()) {
        assertThatThrownBy(() -> Cron.parse(blank, dialect))
            .isInstanceOf(InvalidCronExpressionException.class)
            .hasMessageStartingWith("cron field '");
      }
    }
  }

  @Test
  void nullArgumentsThrowNullPointerException() {
    assertThatThrownBy(() -> Cron.parse(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Cron.parse(null, Cron.Dialect.UNIX))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Cron.parse("* * * * *", null))
        .isInstanceOf(NullPointerException.class);
    Cron cron = Cron.parse("* * * * *");
    assertThatThrownBy(() -> cron.next((ZonedDateTime) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cron.previous(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cron.matches(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cron.next(null, 3)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cron.next((Instant) null, ZoneId.of("UTC")))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cron.next(Instant.EPOCH, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cron.withDstPolicy(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cron.describe(null)).isInstanceOf(NullPointerException.class);
  }

  // ---------------------------------------------------------------------------------------------

  private void check(String expression, Random random) {
    Cron.Dialect dialect = random.nextBoolean() ? Cron.Dialect.values()[random.nextInt(3)] : null;
    Cron cron;
    try {
      cron = dialect != null ? Cron.parse(expression, dialect) : Cron.parse(expression);
    } catch (InvalidCronExpressionException e) {
      rejected++;
      String message = e.getMessage();
      if (message == null || !message.startsWith("cron field '")) {
        failure("message not starting with \"cron field '\"", expression, dialect, message);
      } else if (!message.contains("\"" + expression + "\"")) {
        failure("message not quoting the expression as given", expression, dialect, message);
      }
      if (!expression.equals(e.expression())) {
        failure("expression() not the expression as given", expression, dialect, e.expression());
      }
      return;
    } catch (Throwable e) {
      failure(
          "exception other than InvalidCronExpressionException", expression, dialect, e.toString());
      return;
    }
    parsed++;
    ZoneId zone = ZONES[random.nextInt(ZONES.length)];
    ZonedDateTime start = CronPropertyTest.randomStart(random, zone);
    try {
      long before = System.nanoTime();
      Optional<ZonedDateTime> next = cron.next(start);
      Optional<ZonedDateTime> previous = cron.previous(start);
      long elapsed = System.nanoTime() - before;
      slowestNanos = Math.max(slowestNanos, elapsed);
      if (elapsed > 500_000_000L) {
        failure("slow next/previous", expression, dialect, elapsed / 1_000_000 + " ms");
      }
      if (next.isPresent() && (!next.get().isAfter(start) || !cron.matches(next.get()))) {
        failure(
            "next not after start or not matching",
            expression,
            dialect,
            "next(" + start + ") = " + next.get());
      }
      if (previous.isPresent()
          && (!previous.get().isBefore(start) || !cron.matches(previous.get()))) {
        failure(
            "previous not before start or not matching",
            expression,
            dialect,
            "previous(" + start + ") = " + previous.get());
      }
      if (next.isEmpty() && cron.expression().split(" ").length < 7) {
        failure("no next fire without a year field", expression, dialect, "after " + start);
      }
    } catch (Throwable e) {
      failure("next/previous threw", expression, dialect, e.toString());
    }
  }

  private void failure(String category, String expression, Cron.Dialect dialect, String what) {
    failureCounts.merge(category, 1, Integer::sum);
    List<String> examples = failures.computeIfAbsent(category, k -> new ArrayList<>());
    if (examples.size() < 5) {
      examples.add(
          CronFuzzInputs.escape(expression)
              + (dialect == null ? "" : " as " + dialect)
              + ": "
              + CronFuzzInputs.escape(what));
    }
  }

  private void report(String name) {
    System.out.printf(
        "CronFuzzTest [%s]: %d parsed, %d rejected, slowest next+previous %.1f ms%n",
        name, parsed, rejected, slowestNanos / 1e6);
    StringBuilder text = new StringBuilder();
    failures.forEach(
        (category, examples) ->
            text.append(
                String.format(
                    "%n%s: %d, e.g.%n    %s",
                    category, failureCounts.get(category), String.join("\n    ", examples))));
    assertThat(failures).as("inputs that broke the parse or next contract:%s", text).isEmpty();
  }
}
