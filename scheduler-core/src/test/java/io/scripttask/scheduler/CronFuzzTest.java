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

  private static final String[] TOKENS = {
    "0",
    "1",
    "2",
    "5",
    "7",
    "9",
    "10",
    "12",
    "15",
    "23",
    "24",
    "29",
    "30",
    "31",
    "32",
    "59",
    "60",
    "99",
    "1970",
    "2024",
    "2099",
    "2100",
    "99999999999",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-1",
    "00",
    "007",
    "*",
    "*",
    "/",
    "/",
    ",",
    ",",
    "-",
    "-",
    "?",
    "L",
    "W",
    "#",
    "LW",
    "L-",
    "L-3",
    "5L",
    "3#2",
    "15W",
    "*/",
    "/0",
    "#0",
    "#6",
    "JAN",
    "FEB",
    "DEC",
    "MON",
    "fri",
    "SUN",
    "SAT",
    "FOO",
    "JANUARY",
    "MONDAY",
    "@",
    "@daily",
    "@hourly",
    "@weekly",
    "@yearly",
    "@reboot",
    "@every",
    "A",
    "Z",
    "Q",
    "X",
    "H",
    "R",
    "+",
    ".",
    ":",
    ";",
    "\\",
    "\"",
    "'",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "%",
    "$",
    "^",
    "&",
    "|",
    "~",
    "=",
    "e",
    "1e3",
    "0x1F",
    "٣",
    "३",
    "３",
    "é",
    "ß",
    "İ",
    "ı",
    "\u0000",
    "\u00a0",
    "\u2003",
    "\u200b",
    "🙂",
    "\ud800",
    "\r",
    "\n",
    "\f",
    "\u000b"
  };
  private static final String[] SEPARATORS = {" ", " ", " ", " ", "  ", "\t", " \t", ""};
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
      check(randomTokens(random), random);
    }
    report("random tokens");
  }

  @Test
  void mutatedValidExpressionsParseOrThrowInvalidCronExpressionException() {
    Random random = new Random(0xBADC0DEL);
    ExpressionGenerator generator = new ExpressionGenerator(random);
    for (int i = 0; i < 150_000; i++) {
      Cron.Dialect dialect = Cron.Dialect.values()[random.nextInt(3)];
      String expression = mutate(generator.expression(dialect), random);
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
          .as(escape(expression))
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
          .as(escape(blank))
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
      assertThat(Cron.parse(spaced).next(after, 3)).as(escape(spaced)).isEqualTo(expected);
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

  private static String randomTokens(Random random) {
    int fields = random.nextInt(10);
    StringBuilder text = new StringBuilder();
    if (random.nextInt(8) == 0) {
      text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
    }
    for (int f = 0; f < fields; f++) {
      if (f > 0) {
        text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
      }
      int tokens = 1 + (random.nextInt(3) == 0 ? random.nextInt(6) : 0);
      for (int t = 0; t < tokens; t++) {
        text.append(TOKENS[random.nextInt(TOKENS.length)]);
      }
    }
    if (random.nextInt(8) == 0) {
      text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
    }
    return text.toString();
  }

  private static String mutate(String expression, Random random) {
    StringBuilder text = new StringBuilder(expression);
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      int at = random.nextInt(text.length() + 1);
      switch (random.nextInt(5)) {
        case 0 -> text.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 1 -> {
          if (at < text.length()) {
            text.deleteCharAt(at);
          }
        }
        case 2 -> {
          if (at < text.length()) {
            text.setCharAt(at, "0123456789*/,-?LW# ".charAt(random.nextInt(19)));
          }
        }
        case 3 -> text.insert(at, SEPARATORS[random.nextInt(SEPARATORS.length)]);
        default -> text.insert(at, Integer.toString(random.nextInt(100)));
      }
    }
    return text.toString();
  }

  private void failure(String category, String expression, Cron.Dialect dialect, String what) {
    failureCounts.merge(category, 1, Integer::sum);
    List<String> examples = failures.computeIfAbsent(category, k -> new ArrayList<>());
    if (examples.size() < 5) {
      examples.add(
          escape(expression) + (dialect == null ? "" : " as " + dialect) + ": " + escape(what));
    }
  }

  private static String escape(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
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
