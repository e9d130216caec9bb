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
      compare(CronFuzzInputs.mutate(expression, random), DIALECTS[random.nextInt(DIALECTS.length)]);
    }
    assertThat(mismatches).isEmpty();
    assertThat(parsed).isGreaterThan(30_000);
  }

  @Test
  void randomTokenStringsParseAsBefore() {
    Random random = new Random(0xC0FFEEL);
    for (int i = 0; i < 150_000; i++) {
      compare(
          CronFuzzInputs.randomTokens(random, 4, 8, 3), DIALECTS[random.nextInt(DIALECTS.length)]);
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
          CronFuzzInputs.escape(expression)
              + " as "
              + dialect
              + ":\n    expected "
              + CronFuzzInputs.escape(expected.toString())
              + "\n    but was  "
              + CronFuzzInputs.escape(actual.toString()));
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
}
