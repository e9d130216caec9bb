package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.CronPropertyTest.ExpressionGenerator;
import io.scripttask.scheduler.internal.cron.CronParser;
import io.scripttask.scheduler.internal.cron.CronSchedule;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The parser's fast path against its general parser ({@link CronParser#parseWithoutFastPath}),
 * which was the whole parser before the fast path was added: for every input and dialect both give
 * the same normalized expression, dialect, fields and compiled schedule (compared field by field),
 * or both throw the same exception with the same message.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CronParserEquivalenceTest {

  private static final String[] TOKENS = {
    "0",
    "1",
    "2",
    "5",
    "6",
    "7",
    "8",
    "9",
    "10",
    "12",
    "13",
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
    "l",
    "W",
    "w",
    "#",
    "LW",
    "lw",
    "L-",
    "L-3",
    "l-30",
    "L-31",
    "5L",
    "5l",
    "7L",
    "0L",
    "3#2",
    "3#5",
    "3#6",
    "MON#1",
    "fri#2",
    "FRIL",
    "satl",
    "15W",
    "15w",
    "31W",
    "0W",
    "*/",
    "/0",
    "#0",
    "#6",
    "JAN",
    "jan",
    "Feb",
    "DEC",
    "JUL",
    "MON",
    "mon",
    "fri",
    "SUN",
    "SAT",
    "Sat",
    "FOO",
    "JANUARY",
    "MONDAY",
    "@",
    "@daily",
    "@HOURLY",
    "@weekly",
    "@yearly",
    "@reboot",
    "A",
    "Z",
    "H",
    "+",
    ".",
    "e",
    "1e3",
    "0x1F",
    "٣",
    "３",
    "é",
    "ß",
    "İ",
    "ı",
    "ſ",
    "ſun",
    "\u212a",
    "\u0000",
    "\u007f",
    "\u00a0",
    "\u2003",
    "\u200b",
    "🙂",
    "\ud800",
    "\r",
    "\n",
    "\f",
    "\u000b",
    "\u001c",
    "\u001f"
  };
  private static final String[] SEPARATORS = {" ", " ", " ", " ", "  ", "\t", " \t", "", "\u001e"};
  private static final Cron.Dialect[] DIALECTS = {
    null, Cron.Dialect.UNIX, Cron.Dialect.SPRING, Cron.Dialect.QUARTZ
  };

  private int parsed;
  private int rejected;
  private final List<String> mismatches = new ArrayList<>();

  @Test
  void handPickedInputsParseAsBefore() {
    List<String> inputs =
        List.of(
            "0 */5 * * * *",
            "0 0 9-17 * * MON-FRI",
            "0 0 0 L * *",
            "0 30 2 * * *",
            "* * * * *",
            "*/7 */5 */3 */2 */4",
            "0 0 9-17 * * mon-fri",
            "0 0 0 l * *",
            "0 0 0 lw * *",
            "0 0 0 L-3,15,15W * *",
            "0 0 0 L,L-0,LW,1W,31w * *",
            "0 0 0 ? * 5L,FRI#2,L,1",
            "0 0 0 ? * 6L,6#5,L,1 2024",
            "0 0 0 ? * 6L,6#5,L,1 *",
            "0 0 0 ? * 7,0,SUN",
            "0 0 0 * * 7-1",
            "0 0 0 * * 7-0",
            "0 0 0 * * FRI-MON/2",
            "0 0 22-2/2 * NOV-FEB *",
            "5-3 59-0 23-22 31-1 12-1 6-0",
            "0 0 0 30 2 *",
            "0 0 0 31 4,6,9,11 *",
            "0 0 0 29 2 *",
            "0 0 0 31 2 * 2024",
            "0 0 0 ? 2 * 2024-2030/3",
            "0 0 0 1 1 ? 2031-2030",
            "0 0 31 2 * 2021",
            "0 0 31 2 mon",
            "0 0 30 2 ? 5L",
            " 0  2\t* * * ",
            "0\t2 * * *\n",
            "0\u00a02 * * *",
            "0 2 * * ſun",
            "0 2 * * \u212aAN",
            "@daily",
            " @Hourly ",
            "@daily *",
            "@nope",
            "",
            " ",
            "*/99999999999 * * * *",
            "0-59/2147483648 * * * *",
            "1-99999999999 * * * *",
            "?,1 * * * *",
            "* * ?,1 * *",
            "* * ? * ?",
            "* * ? * L-3",
            "* * L-W * *",
            "* * W * *",
            "* * 1-L * *",
            "* * * JAN-FOO *",
            "* * * * MON#",
            "* * * * #1",
            "* * * * 1-2#1",
            "* * * * 1/2#1",
            "* * * * 1#2#3",
            "* * * * LL",
            "* * * * 1-2L",
            "* * * * JUL",
            "* * * * /5",
            "* * * * 5/",
            "* * * * 5-",
            "* * * * -5",
            "* * * * 1-2-3",
            "* * * * 1,,2",
            "* * * * ,1",
            "* * * * 1,",
            "* * * * *,*",
            "0 0 * * * * * *",
            "0 0 * *");
    for (String input : inputs) {
      for (Cron.Dialect dialect : DIALECTS) {
        compare(input, dialect);
      }
    }
    assertThat(mismatches).isEmpty();
    assertThat(parsed).isGreaterThan(50);
    assertThat(rejected).isGreaterThan(50);
  }

  @Test
  void generatedExpressionsParseAsBefore() {
    Random random = new Random(0x5EED_CAFEL);
    ExpressionGenerator generator = new ExpressionGenerator(random);
    for (int i = 0; i < 60_000; i++) {
      Cron.Dialect dialect = Cron.Dialect.values()[random.nextInt(3)];
      String expression = generator.expression(dialect);
      if (random.nextInt(4) == 0) {
        expression = expression.toLowerCase(java.util.Locale.ROOT);
      }
      compare(expression, DIALECTS[random.nextInt(DIALECTS.length)]);
      compare(mutate(expression, random), DIALECTS[random.nextInt(DIALECTS.length)]);
    }
    assertThat(mismatches).isEmpty();
    assertThat(parsed).isGreaterThan(30_000);
  }

  @Test
  void randomTokenStringsParseAsBefore() {
    Random random = new Random(0xC0FFEEL);
    for (int i = 0; i < 150_000; i++) {
      int fields = 4 + random.nextInt(5);
      StringBuilder text = new StringBuilder();
      if (random.nextInt(8) == 0) {
        text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
      }
      for (int f = 0; f < fields; f++) {
        if (f > 0) {
          text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
        }
        if (random.nextInt(3) == 0) {
          text.append('*');
          continue;
        }
        int tokens = 1 + (random.nextInt(3) == 0 ? random.nextInt(6) : 0);
        for (int t = 0; t < tokens; t++) {
          text.append(TOKENS[random.nextInt(TOKENS.length)]);
        }
      }
      if (random.nextInt(8) == 0) {
        text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
      }
      compare(text.toString(), DIALECTS[random.nextInt(DIALECTS.length)]);
    }
    assertThat(mismatches).isEmpty();
    assertThat(parsed).isGreaterThan(200);
  }

  @Test
  void randomCharacterStringsParseAsBefore() {
    Random random = new Random(42L);
    String alphabet = "0123456789*/,-?LWlw# \tABCDEFGHIJKLMNOPQRSTUVWXYZ@";
    for (int i = 0; i < 150_000; i++) {
      int length = random.nextInt(40);
      StringBuilder text = new StringBuilder();
      for (int k = 0; k < length; k++) {
        text.append(
            random.nextInt(50) == 0
                ? (char) random.nextInt(0x3000)
                : alphabet.charAt(random.nextInt(alphabet.length())));
      }
      compare(text.toString(), DIALECTS[random.nextInt(DIALECTS.length)]);
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void impossibleDayCheckMatchesTheCalendarForEveryMonthSet() {
    // the check works on bit masks; here every day against every set of months, by java.time
    int checked = 0;
    for (int months = 1; months < 1 << 12; months++) {
      StringBuilder list = new StringBuilder();
      int longest = 0;
      for (int m = 1; m <= 12; m++) {
        if ((months & (1 << (m - 1))) != 0) {
          list.append(list.length() == 0 ? "" : ",").append(m);
          longest = Math.max(longest, java.time.Month.of(m).maxLength());
        }
      }
      for (int day = 1; day <= 31; day++) {
        String expression = "0 0 " + day + " " + list + " *";
        boolean valid;
        try {
          Cron.parse(expression);
          valid = true;
        } catch (InvalidCronExpressionException e) {
          valid = false;
        }
        if (valid != day <= longest && mismatches.size() < 20) {
          mismatches.add(expression + (valid ? " parsed" : " was rejected"));
        }
        checked++;
      }
    }
    assertThat(mismatches).isEmpty();
    assertThat(checked).isEqualTo(4095 * 31);
  }

  // ---------------------------------------------------------------------------------------------

  private void compare(String expression, Cron.Dialect dialect) {
    Object expected = outcome(() -> describe(CronParser.parseWithoutFastPath(expression, dialect)));
    Object actual = outcome(() -> describe(CronParser.parse(expression, dialect)));
    if (actual instanceof String && ((String) actual).startsWith("parsed")) {
      parsed++;
    } else {
      rejected++;
    }
    if (!expected.equals(actual) && mismatches.size() < 20) {
      mismatches.add(
          escape(expression)
              + " as "
              + dialect
              + ":\n    expected "
              + escape(expected.toString())
              + "\n    but was  "
              + escape(actual.toString()));
    }
  }

  private static Object outcome(java.util.function.Supplier<String> parse) {
    try {
      return parse.get();
    } catch (InvalidCronExpressionException e) {
      return "threw " + e.getClass().getName() + ": " + e.getMessage() + " / " + e.expression();
    } catch (RuntimeException e) {
      return "threw " + e;
    }
  }

  private static String describe(CronParser.Result r) {
    return describe(r.expression(), r.dialect(), r.fields(), r.fieldsDialect(), r.schedule());
  }

  private static String describe(
      String expression,
      Cron.Dialect dialect,
      List<String> fields,
      Cron.Dialect fieldsDialect,
      CronSchedule schedule) {
    return "parsed "
        + expression
        + " | "
        + dialect
        + " | "
        + fields
        + " | "
        + fieldsDialect
        + " | "
        + state(schedule);
  }

  /** Every instance field of the schedule, arrays by content. */
  private static String state(CronSchedule schedule) {
    StringBuilder out = new StringBuilder();
    for (Field field : CronSchedule.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      field.setAccessible(true);
      Object value;
      try {
        value = field.get(schedule);
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
      String text;
      if (value instanceof int[]) {
        text = Arrays.toString((int[]) value);
      } else if (value instanceof long[]) {
        text = Arrays.toString((long[]) value);
      } else {
        text = String.valueOf(value);
      }
      out.append(field.getName()).append('=').append(text).append(' ');
    }
    return out.toString();
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
            text.setCharAt(at, "0123456789*/,-?LWlw# ".charAt(random.nextInt(21)));
          }
        }
        case 3 -> text.insert(at, SEPARATORS[random.nextInt(SEPARATORS.length)]);
        default -> text.insert(at, Integer.toString(random.nextInt(100)));
      }
    }
    return text.toString();
  }

  private static String escape(String text) {
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
}
