package io.scripttask.scheduler.internal.cron;

import io.scripttask.scheduler.Cron.Dialect;
import io.scripttask.scheduler.InvalidCronExpressionException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The cron parser as it was before the fast path, kept unchanged (but for its name) as the oracle
 * of {@code io.scripttask.scheduler.CronParserEquivalenceTest}.
 *
 * <p>Parses cron text in the {@link Dialect#UNIX}, {@link Dialect#SPRING} and {@link
 * Dialect#QUARTZ} dialects into a {@link CronSchedule}. Every fault becomes an {@link
 * InvalidCronExpressionException} that names the field; no other exception escapes for any input.
 */
public final class LegacyCronParser {

  /**
   * The outcome of a parse.
   *
   * @param expression the expression, trimmed and with runs of whitespace collapsed to one space
   * @param dialect the dialect, detected or forced
   * @param fields the expression as fields (a macro expanded to its five Unix fields)
   * @param fieldsDialect the dialect in which {@code fields} are written ({@link Dialect#UNIX} for
   *     an expanded macro)
   * @param schedule the compiled schedule
   */
  public record Result(
      String expression,
      Dialect dialect,
      List<String> fields,
      Dialect fieldsDialect,
      CronSchedule schedule) {
    /**
     * Creates the result, copying the list.
     *
     * @param expression the normalized expression
     * @param dialect the dialect
     * @param fields the fields
     * @param fieldsDialect the dialect of the fields
     * @param schedule the compiled schedule
     */
    public Result {
      fields = List.copyOf(fields);
    }
  }

  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private static final String[] MONTH_NAMES = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAY_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private static final String SECOND = "second";
  private static final String MINUTE = "minute";
  private static final String HOUR = "hour";
  private static final String DAY_OF_MONTH = "day-of-month";
  private static final String MONTH = "month";
  private static final String DAY_OF_WEEK = "day-of-week";
  private static final String YEAR = "year";
  private static final String EXPRESSION = "expression";

  private LegacyCronParser() {}

  /**
   * Parses an expression.
   *
   * @param expression the cron text
   * @param forced the dialect to use, or {@code null} to detect it from the number of fields
   * @return the parsed expression
   * @throws NullPointerException if {@code expression} is null
   * @throws InvalidCronExpressionException if the text is not a valid expression
   */
  public static Result parse(String expression, Dialect forced) {
    Objects.requireNonNull(expression, "expression");
    String[] parts = fields(expression);
    if (parts.length == 0) {
      throw new InvalidCronExpressionException(expression, EXPRESSION, "not be blank", "\"\"");
    }
    String normalized = String.join(" ", parts);
    if (parts[0].startsWith("@")) {
      if (parts.length != 1) {
        throw new InvalidCronExpressionException(
            expression, EXPRESSION, "be a macro alone, without other fields", normalized);
      }
      String macro = MACROS.get(parts[0].toLowerCase(Locale.ROOT));
      if (macro == null) {
        throw new InvalidCronExpressionException(
            expression,
            EXPRESSION,
            "be one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly",
            parts[0]);
      }
      String[] fields = macro.split(" ");
      CronSchedule schedule = compile(expression, Dialect.UNIX, fields);
      return new Result(
          normalized,
          forced == null ? Dialect.UNIX : forced,
          List.of(fields),
          Dialect.UNIX,
          schedule);
    }
    Dialect dialect = forced;
    if (dialect == null) {
      switch (parts.length) {
        case 5:
          dialect = Dialect.UNIX;
          break;
        case 6:
          dialect = Dialect.SPRING;
          break;
        case 7:
          dialect = Dialect.QUARTZ;
          break;
        default:
          throw new InvalidCronExpressionException(
              expression, EXPRESSION, "have 5, 6 or 7 fields", String.valueOf(parts.length));
      }
    } else {
      boolean ok;
      String rule;
      switch (dialect) {
        case UNIX:
          ok = parts.length == 5;
          rule = "have 5 fields in the UNIX dialect";
          break;
        case SPRING:
          ok = parts.length == 6;
          rule = "have 6 fields in the SPRING dialect";
          break;
        default:
          ok = parts.length == 6 || parts.length == 7;
          rule = "have 6 or 7 fields in the QUARTZ dialect";
      }
      if (!ok) {
        throw new InvalidCronExpressionException(
            expression, EXPRESSION, rule, String.valueOf(parts.length));
      }
    }
    CronSchedule schedule = compile(expression, dialect, parts);
    return new Result(normalized, dialect, List.of(parts), dialect, schedule);
  }

  /**
   * Splits on whitespace and space characters (including no-break spaces), dropping empty parts.
   */
  private static String[] fields(String expression) {
    List<String> parts = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= expression.length(); i++) {
      boolean separator = i == expression.length() || isSeparator(expression.charAt(i));
      if (separator) {
        if (start >= 0) {
          parts.add(expression.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    return parts.toArray(new String[0]);
  }

  private static boolean isSeparator(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  // ---------------------------------------------------------------------------------------------

  private static final class Field {
    final String name;
    final int min;
    final int max;
    final String[] names;
    final int nameBase;
    final boolean wraps;
    final int starMin;

    Field(String name, int min, int max, String[] names, int nameBase, boolean wraps, int starMin) {
      this.name = name;
      this.min = min;
      this.max = max;
      this.names = names;
      this.nameBase = nameBase;
      this.wraps = wraps;
      this.starMin = starMin;
    }

    String rangeRule() {
      String rule = "be " + min + "-" + max;
      if (names != null) {
        rule += " or " + names[0] + "-" + names[names.length - 1];
      }
      return rule;
    }
  }

  private static final Field SECOND_FIELD = new Field(SECOND, 0, 59, null, 0, true, 0);
  private static final Field MINUTE_FIELD = new Field(MINUTE, 0, 59, null, 0, true, 0);
  private static final Field HOUR_FIELD = new Field(HOUR, 0, 23, null, 0, true, 0);
  private static final Field DOM_FIELD = new Field(DAY_OF_MONTH, 1, 31, null, 0, true, 1);
  private static final Field MONTH_FIELD = new Field(MONTH, 1, 12, MONTH_NAMES, 1, true, 1);
  private static final Field YEAR_FIELD =
      new Field(
          YEAR,
          CronSchedule.FIRST_YEAR_FIELD,
          CronSchedule.LAST_YEAR_FIELD,
          null,
          0,
          false,
          CronSchedule.FIRST_YEAR_FIELD);
  private static final Field UNIX_DOW_FIELD = new Field(DAY_OF_WEEK, 0, 7, DAY_NAMES, 0, true, 0);
  // Spring steps a '*' day-of-week from Monday (its range is ISO 1-7), otherwise as Unix.
  private static final Field SPRING_DOW_FIELD = new Field(DAY_OF_WEEK, 0, 7, DAY_NAMES, 0, true, 1);
  private static final Field QUARTZ_DOW_FIELD = new Field(DAY_OF_WEEK, 1, 7, DAY_NAMES, 1, true, 1);

  /** The day specials of a day field, collected while parsing. */
  private static final class DaySpecials {
    final List<Integer> lastOffsets = new ArrayList<>();
    final List<Integer> nearest = new ArrayList<>();
    boolean lastWeekday;
    final List<Integer> lastWeekdays = new ArrayList<>();
    final List<Integer> nth = new ArrayList<>();
  }

  private static CronSchedule compile(String expr, Dialect dialect, String[] f) {
    boolean seconds = dialect != Dialect.UNIX;
    int k = 0;
    long secondBits = seconds ? toLong(parseField(expr, f[k++], SECOND_FIELD, null)) : 1L;
    long minuteBits = toLong(parseField(expr, f[k++], MINUTE_FIELD, null));
    String hourText = f[k];
    int hourBits = (int) toLong(parseField(expr, f[k++], HOUR_FIELD, null));
    String domText = f[k];
    DaySpecials domSpecials = new DaySpecials();
    int domBits = (int) toLong(parseField(expr, f[k++], DOM_FIELD, domSpecials));
    int monthBits = (int) toLong(parseField(expr, f[k++], MONTH_FIELD, null));
    String dowText = f[k];
    Field dowField =
        dialect == Dialect.QUARTZ
            ? QUARTZ_DOW_FIELD
            : dialect == Dialect.SPRING ? SPRING_DOW_FIELD : UNIX_DOW_FIELD;
    DaySpecials dowSpecials = new DaySpecials();
    BitSet dowRaw = parseField(expr, f[k++], dowField, dowSpecials);
    int dowBits = 0;
    for (int v = dowRaw.nextSetBit(0); v >= 0; v = dowRaw.nextSetBit(v + 1)) {
      dowBits |= 1 << toWeekday(v, dialect);
    }
    long[] years = null;
    String yearText = null;
    if (k < f.length) {
      yearText = f[k];
      if (!yearText.equals("*")) {
        BitSet raw = parseField(expr, yearText, YEAR_FIELD, null);
        years = new long[3];
        for (int y = raw.nextSetBit(0); y >= 0; y = raw.nextSetBit(y + 1)) {
          int idx = y - CronSchedule.FIRST_YEAR_FIELD;
          years[idx >> 6] |= 1L << idx;
        }
      }
    }
    boolean domStar = domText.startsWith("*") || domText.startsWith("?");
    boolean dowStar = dowText.startsWith("*") || dowText.startsWith("?");
    boolean fixedHour = hourText.indexOf('*') < 0 && hourText.indexOf('/') < 0;
    CronSchedule schedule =
        new CronSchedule(
            secondBits,
            minuteBits,
            hourBits,
            domBits,
            ints(domSpecials.lastOffsets),
            ints(domSpecials.nearest),
            domSpecials.lastWeekday,
            domStar,
            monthBits,
            dowBits,
            ints(dowSpecials.lastWeekdays),
            ints(dowSpecials.nth),
            dowStar,
            dialect == Dialect.UNIX,
            years,
            fixedHour);
    if (!schedule.anyDayIn(CronSchedule.DayRule.BOTH)) {
      String where = years == null ? "the given months" : "the given months and years";
      boolean domRestricted = !(domText.equals("*") || domText.equals("?"));
      boolean dowRestricted = !(dowText.equals("*") || dowText.equals("?"));
      if (domRestricted && !schedule.anyDayIn(CronSchedule.DayRule.DAY_OF_MONTH_ONLY)) {
        throw new InvalidCronExpressionException(
            expr, DAY_OF_MONTH, "be a day that exists in " + where, domText);
      }
      if (dowRestricted && !schedule.anyDayIn(CronSchedule.DayRule.DAY_OF_WEEK_ONLY)) {
        throw new InvalidCronExpressionException(
            expr, DAY_OF_WEEK, "be a day that exists in " + where, dowText);
      }
      throw new InvalidCronExpressionException(
          expr,
          EXPRESSION,
          "have day-of-month and day-of-week fields that share a day in " + where,
          domText + " and " + dowText);
    }
    return schedule;
  }

  private static int toWeekday(int value, Dialect dialect) {
    return dialect == Dialect.QUARTZ ? value - 1 : value % 7;
  }

  private static int[] ints(List<Integer> list) {
    int[] a = new int[list.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = list.get(i);
    }
    return a;
  }

  private static long toLong(BitSet bits) {
    long[] words = bits.toLongArray();
    return words.length == 0 ? 0 : words[0];
  }

  private static BitSet parseField(String expr, String text, Field field, DaySpecials specials) {
    BitSet bits = new BitSet();
    boolean dayField = field == DOM_FIELD || field.name.equals(DAY_OF_WEEK);
    if (text.equals("?") && dayField) {
      bits.set(field.min, field.max + 1);
      return bits;
    }
    if (text.startsWith(",") || text.endsWith(",") || text.contains(",,")) {
      throw new InvalidCronExpressionException(
          expr, field.name, "not have an empty list item", text);
    }
    for (String item : text.split(",")) {
      if (item.equals("?") && dayField) {
        throw new InvalidCronExpressionException(
            expr, field.name, "use ? only as the whole field", text);
      }
      String upper = item.toUpperCase(Locale.ROOT);
      if (field == DOM_FIELD && (upper.indexOf('L') >= 0 || upper.indexOf('W') >= 0)) {
        parseDomSpecial(expr, upper, specials);
        continue;
      }
      if (specials != null && field != DOM_FIELD && upper.equals("L")) {
        bits.set(field == QUARTZ_DOW_FIELD ? 7 : 6); // L alone: the last day of the week, Saturday
        continue;
      }
      if (specials != null
          && field != DOM_FIELD
          && (upper.indexOf('#') >= 0 || upper.endsWith("L"))) {
        parseDowSpecial(expr, upper, field, specials);
        continue;
      }
      parseItem(expr, item, field, bits);
    }
    return bits;
  }

  private static void parseItem(String expr, String item, Field field, BitSet bits) {
    int slash = item.indexOf('/');
    String base = slash < 0 ? item : item.substring(0, slash);
    int step = 1;
    if (slash >= 0) {
      String stepText = item.substring(slash + 1);
      long s = number(stepText);
      if (s < 1) {
        throw new InvalidCronExpressionException(
            expr,
            field.name,
            "have a step that is a whole number of at least 1",
            stepText.isEmpty() ? item : stepText);
      }
      step = (int) Math.min(s, Integer.MAX_VALUE);
    }
    int from;
    int to;
    if (base.equals("*")) {
      from = slash < 0 ? field.min : field.starMin;
      to = field.max;
    } else {
      int dash = base.indexOf('-', 1);
      if (dash < 0) {
        from = value(expr, base.isEmpty() ? item : base, field);
        to = slash < 0 ? from : field.max;
      } else {
        String toText = base.substring(dash + 1);
        from = value(expr, base.substring(0, dash), field);
        to = value(expr, toText.isEmpty() ? base : toText, field);
      }
    }
    if (from <= to) {
      for (long v = from; v <= to; v += step) {
        bits.set((int) v);
      }
      return;
    }
    if (!field.wraps) {
      throw new InvalidCronExpressionException(
          expr, field.name, "have a range whose start is not after its end", base);
    }
    boolean weekdays = field.name.equals(DAY_OF_WEEK);
    int size = weekdays ? 7 : field.max - field.min + 1;
    int cycleMin = field.min;
    long span = Math.floorMod(to - from, size);
    for (long off = 0; off <= span; off += step) {
      bits.set(cycleMin + (int) Math.floorMod(from - cycleMin + off, (long) size));
    }
  }

  /** A non-negative decimal number, saturated at Long.MAX_VALUE / 2; -1 if not ASCII digits. */
  private static long number(String text) {
    if (text.isEmpty()) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = Math.min(n * 10 + (c - '0'), Long.MAX_VALUE / 20);
    }
    return n;
  }

  private static int value(String expr, String token, Field field) {
    long n = number(token);
    if (n >= 0) {
      if (n < field.min || n > field.max) {
        throw new InvalidCronExpressionException(
            expr, field.name, "be " + field.min + "-" + field.max, token);
      }
      return (int) n;
    }
    if (field.names != null) {
      String upper = token.toUpperCase(Locale.ROOT);
      for (int i = 0; i < field.names.length; i++) {
        if (field.names[i].equals(upper)) {
          return i + field.nameBase;
        }
      }
    }
    throw new InvalidCronExpressionException(expr, field.name, field.rangeRule(), token);
  }

  private static void parseDomSpecial(String expr, String item, DaySpecials specials) {
    if (item.equals("L")) {
      specials.lastOffsets.add(0);
    } else if (item.equals("LW")) {
      specials.lastWeekday = true;
    } else if (item.startsWith("L-")) {
      long n = number(item.substring(2));
      if (n < 0 || n > 30) {
        throw new InvalidCronExpressionException(
            expr, DAY_OF_MONTH, "have an offset 0-30 after L-", item);
      }
      specials.lastOffsets.add((int) n);
    } else if (item.endsWith("W") && number(item.substring(0, item.length() - 1)) >= 0) {
      long n = number(item.substring(0, item.length() - 1));
      if (n < 1 || n > 31) {
        throw new InvalidCronExpressionException(
            expr, DAY_OF_MONTH, "have a day 1-31 before W", item);
      }
      specials.nearest.add((int) n);
    } else {
      throw new InvalidCronExpressionException(
          expr, DAY_OF_MONTH, "use L and W only as L, L-n, nW (n a single day) or LW", item);
    }
  }

  private static void parseDowSpecial(String expr, String item, Field field, DaySpecials specials) {
    Dialect dialect = field == QUARTZ_DOW_FIELD ? Dialect.QUARTZ : Dialect.UNIX;
    int hash = item.indexOf('#');
    if (hash >= 0) {
      String dayText = item.substring(0, hash);
      String nthText = item.substring(hash + 1);
      if (dayText.isEmpty() || dayText.indexOf('-') >= 0 || dayText.indexOf('/') >= 0) {
        throw new InvalidCronExpressionException(
            expr, DAY_OF_WEEK, "have a single day before #", item);
      }
      int day = toWeekday(value(expr, dayText, field), dialect);
      long nth = number(nthText);
      if (nth < 1 || nth > 5) {
        throw new InvalidCronExpressionException(
            expr, DAY_OF_WEEK, "have an occurrence 1-5 after #", item);
      }
      specials.nth.add(day << 3 | (int) nth);
      return;
    }
    String dayText = item.substring(0, item.length() - 1);
    if (dayText.indexOf('-') >= 0 || dayText.indexOf('/') >= 0 || dayText.indexOf('L') >= 0) {
      throw new InvalidCronExpressionException(
          expr, DAY_OF_WEEK, "use L only as L or nL (n a single day)", item);
    }
    specials.lastWeekdays.add(toWeekday(value(expr, dayText, field), dialect));
  }
}
