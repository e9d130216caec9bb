package io.scripttask.scheduler.internal.cron;

import io.scripttask.scheduler.Cron.Dialect;
import io.scripttask.scheduler.InvalidCronExpressionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Parses cron text in the {@link Dialect#UNIX}, {@link Dialect#SPRING} and {@link Dialect#QUARTZ}
 * dialects into a {@link CronSchedule}. Every fault becomes an {@link
 * InvalidCronExpressionException} that names the field; no other exception escapes for any input.
 */
public final class CronParser {

  /**
   * The outcome of a parse. The fields are split from the expression when first asked for (only
   * {@link CronDescriber} needs them), so a parse does not allocate them.
   */
  public static final class Result {
    private final String expression;
    private final Dialect dialect;
    private final Dialect fieldsDialect;
    private final CronSchedule schedule;
    private List<String> fields; // null until first asked for; racy but safe (immutable list)

    /**
     * Creates the result.
     *
     * @param expression the normalized expression
     * @param dialect the dialect
     * @param fields the fields, or {@code null} when they are the fields of {@code expression}
     * @param fieldsDialect the dialect of the fields
     * @param schedule the compiled schedule
     */
    Result(
        String expression,
        Dialect dialect,
        List<String> fields,
        Dialect fieldsDialect,
        CronSchedule schedule) {
      this.expression = expression;
      this.dialect = dialect;
      this.fields = fields == null ? null : List.copyOf(fields);
      this.fieldsDialect = fieldsDialect;
      this.schedule = schedule;
    }

    /**
     * The expression, trimmed and with runs of whitespace collapsed to one space.
     *
     * @return the normalized expression
     */
    public String expression() {
      return expression;
    }

    /**
     * The dialect, detected or forced.
     *
     * @return the dialect
     */
    public Dialect dialect() {
      return dialect;
    }

    /**
     * The expression as fields (a macro expanded to its five Unix fields).
     *
     * @return the fields, immutable
     */
    public List<String> fields() {
      List<String> f = fields;
      if (f == null) {
        f = List.of(expression.split(" "));
        fields = f;
      }
      return f;
    }

    /**
     * The dialect in which {@link #fields()} are written ({@link Dialect#UNIX} for an expanded
     * macro).
     *
     * @return the dialect of the fields
     */
    public Dialect fieldsDialect() {
      return fieldsDialect;
    }

    /**
     * The compiled schedule.
     *
     * @return the schedule
     */
    public CronSchedule schedule() {
      return schedule;
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

  private CronParser() {}

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
    Result fast = FastPath.parse(expression, forced);
    return fast != null ? fast : parseGeneral(expression, forced);
  }

  /**
   * The general parser: every input, every error message. {@link FastPath} answers the common valid
   * inputs first and leaves everything else, including every invalid input, to this.
   */
  /**
   * Parses without the fast path: the general parser every input that the fast path declines goes
   * to. For tests that hold the fast path to the general parser's results; same contract as {@link
   * #parse}.
   *
   * @param expression the cron text
   * @param forced the dialect, or null to detect it
   * @return the parsed expression
   * @throws InvalidCronExpressionException if the text is not a valid expression
   */
  public static Result parseWithoutFastPath(String expression, Dialect forced) {
    return parseGeneral(expression, forced);
  }

  private static Result parseGeneral(String expression, Dialect forced) {
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

  // ---------------------------------------------------------------------------------------------

  /**
   * A single pass over the characters of the common valid inputs, without splitting, boxing or
   * substrings: ASCII text, a field count that fits the dialect, no macro and no year field other
   * than {@code *}. It answers {@code null} for anything else, for any error and for a schedule
   * that can never fire, and {@link #parseGeneral} then parses from scratch, so the accepted
   * grammar, the results and every error message are the general parser's. Every rule here mirrors
   * the general parser's rule for the same input.
   */
  private static final class FastPath {
    /**
     * The field bits when a field or item is left to the general parser (no valid field has it).
     */
    private static final long FAIL = Long.MIN_VALUE;

    private static final int[] EMPTY = {};
    private static final int[] MONTH_KEYS = keys(MONTH_NAMES);
    private static final int[] DAY_KEYS = keys(DAY_NAMES);

    private FastPath() {}

    private static int[] keys(String[] names) {
      int[] keys = new int[names.length];
      for (int i = 0; i < names.length; i++) {
        keys[i] = key(names[i].charAt(0), names[i].charAt(1), names[i].charAt(2));
      }
      return keys;
    }

    private static int key(char a, char b, char c) {
      return upper(a) << 16 | upper(b) << 8 | upper(c);
    }

    /** An ASCII character in upper case (as {@code toUpperCase(Locale.ROOT)} for ASCII). */
    private static char upper(char c) {
      return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
    }

    /** {@link #isSeparator} for an ASCII character. */
    private static boolean separator(char c) {
      return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= '\u001f');
    }

    /** The day specials of a day field, in the order the general parser collects them. */
    private static final class Specials {
      int[] lastOffsets = EMPTY;
      int[] nearest = EMPTY;
      boolean lastWeekday;
      int[] lastWeekdays = EMPTY;
      int[] nth = EMPTY;

      static int[] add(int[] a, int v) {
        int[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
      }
    }

    static Result parse(String s, Dialect forced) {
      int n = s.length();
      int count = 0;
      boolean regular = true; // fields separated by single spaces, nothing around them
      boolean inField = false;
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          return null; // Unicode separators and case mapping: the general parser's job
        }
        if (separator(c)) {
          if (c != ' ' || !inField) {
            regular = false;
          }
          inField = false;
        } else if (!inField) {
          if (count == 0 && c == '@') {
            return null;
          }
          inField = true;
          count++;
        }
      }
      if (!inField) {
        regular = false;
      }
      Dialect dialect;
      if (forced == null) {
        if (count == 5) {
          dialect = Dialect.UNIX;
        } else if (count == 6) {
          dialect = Dialect.SPRING;
        } else if (count == 7) {
          dialect = Dialect.QUARTZ;
        } else {
          return null;
        }
      } else {
        dialect = forced;
        boolean ok =
            dialect == Dialect.UNIX
                ? count == 5
                : dialect == Dialect.SPRING ? count == 6 : count == 6 || count == 7;
        if (!ok) {
          return null;
        }
      }

      int a = skip(s, 0);
      int b;
      long secondBits = 1L;
      if (dialect != Dialect.UNIX) {
        b = end(s, a);
        secondBits = field(s, a, b, SECOND_FIELD, null);
        if (secondBits == FAIL) {
          return null;
        }
        a = skip(s, b);
      }
      b = end(s, a);
      long minuteBits = field(s, a, b, MINUTE_FIELD, null);
      if (minuteBits == FAIL) {
        return null;
      }
      a = skip(s, b);
      b = end(s, a);
      long hourBits = field(s, a, b, HOUR_FIELD, null);
      if (hourBits == FAIL) {
        return null;
      }
      boolean fixedHour = indexOf(s, a, b, '*') < 0 && indexOf(s, a, b, '/') < 0;
      a = skip(s, b);
      b = end(s, a);
      Specials domSpecials = hasDomSpecial(s, a, b) ? new Specials() : null;
      long domBits = field(s, a, b, DOM_FIELD, domSpecials);
      if (domBits == FAIL) {
        return null;
      }
      boolean domStar = s.charAt(a) == '*' || s.charAt(a) == '?';
      a = skip(s, b);
      b = end(s, a);
      long monthBits = field(s, a, b, MONTH_FIELD, null);
      if (monthBits == FAIL) {
        return null;
      }
      a = skip(s, b);
      b = end(s, a);
      boolean quartz = dialect == Dialect.QUARTZ;
      Field dowField =
          quartz ? QUARTZ_DOW_FIELD : dialect == Dialect.SPRING ? SPRING_DOW_FIELD : UNIX_DOW_FIELD;
      Specials dowSpecials = hasDowSpecial(s, a, b) ? new Specials() : null;
      long dowRaw = field(s, a, b, dowField, dowSpecials);
      if (dowRaw == FAIL) {
        return null;
      }
      boolean dowStar = s.charAt(a) == '*' || s.charAt(a) == '?';
      if (count == 7) {
        a = skip(s, b);
        if (end(s, a) != a + 1 || s.charAt(a) != '*') {
          return null; // a year field
        }
      }
      // raw day-of-week values to weekdays: Quartz 1-7 to 0-6, otherwise 0-7 with 7 as 0
      int dowBits = quartz ? (int) (dowRaw >>> 1) : (int) ((dowRaw & 0x7F) | (dowRaw >>> 7 & 1));
      CronSchedule schedule =
          new CronSchedule(
              secondBits,
              minuteBits,
              (int) hourBits,
              (int) domBits,
              domSpecials == null ? EMPTY : domSpecials.lastOffsets,
              domSpecials == null ? EMPTY : domSpecials.nearest,
              domSpecials != null && domSpecials.lastWeekday,
              domStar,
              (int) monthBits,
              dowBits,
              dowSpecials == null ? EMPTY : dowSpecials.lastWeekdays,
              dowSpecials == null ? EMPTY : dowSpecials.nth,
              dowStar,
              dialect == Dialect.UNIX,
              null,
              fixedHour);
      if (!schedule.anyDayIn(CronSchedule.DayRule.BOTH)) {
        return null; // the general parser says which field is at fault
      }
      return new Result(regular ? s : normalize(s), dialect, null, dialect, schedule);
    }

    /** The fields joined by single spaces. */
    private static String normalize(String s) {
      StringBuilder out = new StringBuilder(s.length());
      int a = skip(s, 0);
      while (a < s.length()) {
        int b = end(s, a);
        if (out.length() > 0) {
          out.append(' ');
        }
        out.append(s, a, b);
        a = skip(s, b);
      }
      return out.toString();
    }

    /** The first non-separator at or after {@code i}, or the length. */
    private static int skip(String s, int i) {
      int n = s.length();
      while (i < n && separator(s.charAt(i))) {
        i++;
      }
      return i;
    }

    /** The first separator at or after {@code i}, or the length. */
    private static int end(String s, int i) {
      int n = s.length();
      while (i < n && !separator(s.charAt(i))) {
        i++;
      }
      return i;
    }

    private static int indexOf(String s, int a, int b, char c) {
      for (int i = a; i < b; i++) {
        if (s.charAt(i) == c) {
          return i;
        }
      }
      return -1;
    }

    /** Whether some item of a day-of-month field may be a special (has L or W in any case). */
    private static boolean hasDomSpecial(String s, int a, int b) {
      for (int i = a; i < b; i++) {
        char c = upper(s.charAt(i));
        if (c == 'L' || c == 'W') {
          return true;
        }
      }
      return false;
    }

    /** Whether some item of a day-of-week field may be a special (has L in any case, or #). */
    private static boolean hasDowSpecial(String s, int a, int b) {
      for (int i = a; i < b; i++) {
        char c = upper(s.charAt(i));
        if (c == 'L' || c == '#') {
          return true;
        }
      }
      return false;
    }

    /** The raw value bits of the field {@code s[a, b)}, or {@link #FAIL}; as {@code parseField}. */
    private static long field(String s, int a, int b, Field field, Specials specials) {
      boolean dayField = field == DOM_FIELD || isDayOfWeek(field);
      if (dayField && b - a == 1 && s.charAt(a) == '?') {
        return range(field.min, field.max);
      }
      long bits = 0;
      int i = a;
      while (true) {
        int j = indexOf(s, i, b, ',');
        if (j < 0) {
          j = b;
        }
        if (j == i) {
          return FAIL; // an empty list item
        }
        long item = item(s, i, j, field, dayField, specials);
        if (item == FAIL) {
          return FAIL;
        }
        bits |= item;
        if (j == b) {
          return bits;
        }
        i = j + 1;
      }
    }

    private static boolean isDayOfWeek(Field field) {
      return field == UNIX_DOW_FIELD || field == SPRING_DOW_FIELD || field == QUARTZ_DOW_FIELD;
    }

    /** Bits {@code from..to}. */
    private static long range(int from, int to) {
      return (-1L >>> (63 - to)) & (-1L << from);
    }

    private static long item(
        String s, int a, int b, Field field, boolean dayField, Specials specials) {
      if (dayField && b - a == 1 && s.charAt(a) == '?') {
        return FAIL;
      }
      if (specials != null) {
        if (field == DOM_FIELD) {
          if (hasDomSpecial(s, a, b)) {
            return domSpecial(s, a, b, specials) ? 0 : FAIL;
          }
        } else {
          char last = upper(s.charAt(b - 1));
          if (b - a == 1 && last == 'L') {
            return 1L << (field == QUARTZ_DOW_FIELD ? 7 : 6); // Saturday
          }
          if (last == 'L' || indexOf(s, a, b, '#') >= 0) {
            return dowSpecial(s, a, b, field, specials) ? 0 : FAIL;
          }
        }
      }
      return plainItem(s, a, b, field);
    }

    private static boolean domSpecial(String s, int a, int b, Specials specials) {
      char first = upper(s.charAt(a));
      if (b - a == 1 && first == 'L') {
        specials.lastOffsets = Specials.add(specials.lastOffsets, 0);
        return true;
      }
      if (b - a == 2 && first == 'L' && upper(s.charAt(a + 1)) == 'W') {
        specials.lastWeekday = true;
        return true;
      }
      if (b - a >= 2 && first == 'L' && s.charAt(a + 1) == '-') {
        long n = number(s, a + 2, b);
        if (n < 0 || n > 30) {
          return false;
        }
        specials.lastOffsets = Specials.add(specials.lastOffsets, (int) n);
        return true;
      }
      if (upper(s.charAt(b - 1)) == 'W') {
        long n = number(s, a, b - 1);
        if (n < 1 || n > 31) {
          return false;
        }
        specials.nearest = Specials.add(specials.nearest, (int) n);
        return true;
      }
      return false;
    }

    private static boolean dowSpecial(String s, int a, int b, Field field, Specials specials) {
      boolean quartz = field == QUARTZ_DOW_FIELD;
      int hash = indexOf(s, a, b, '#');
      if (hash >= 0) {
        if (hash == a || indexOf(s, a, hash, '-') >= 0 || indexOf(s, a, hash, '/') >= 0) {
          return false;
        }
        int day = value(s, a, hash, field);
        long nth = number(s, hash + 1, b);
        if (day < 0 || nth < 1 || nth > 5) {
          return false;
        }
        specials.nth = Specials.add(specials.nth, weekday(day, quartz) << 3 | (int) nth);
        return true;
      }
      int dayEnd = b - 1; // before the L
      for (int i = a; i < dayEnd; i++) {
        char c = upper(s.charAt(i));
        if (c == '-' || c == '/' || c == 'L') {
          return false;
        }
      }
      int day = value(s, a, dayEnd, field);
      if (day < 0) {
        return false;
      }
      specials.lastWeekdays = Specials.add(specials.lastWeekdays, weekday(day, quartz));
      return true;
    }

    private static int weekday(int value, boolean quartz) {
      return quartz ? value - 1 : value % 7;
    }

    /** The bits of a list item without specials, or {@link #FAIL}; as {@code parseItem}. */
    private static long plainItem(String s, int a, int b, Field field) {
      int slash = indexOf(s, a, b, '/');
      int baseEnd = slash < 0 ? b : slash;
      int step = 1;
      if (slash >= 0) {
        long n = number(s, slash + 1, b);
        if (n < 1) {
          return FAIL;
        }
        step = (int) Math.min(n, Integer.MAX_VALUE);
      }
      int from;
      int to;
      if (baseEnd - a == 1 && s.charAt(a) == '*') {
        from = slash < 0 ? field.min : field.starMin;
        to = field.max;
      } else {
        int dash = indexOf(s, a + 1, baseEnd, '-');
        if (dash < 0) {
          from = value(s, a, baseEnd, field);
          to = slash < 0 ? from : field.max;
        } else {
          from = value(s, a, dash, field);
          to = value(s, dash + 1, baseEnd, field);
        }
        if (from < 0 || to < 0) {
          return FAIL;
        }
      }
      if (from <= to) {
        if (step == 1) {
          return range(from, to);
        }
        long bits = 0;
        for (long v = from; v <= to; v += step) {
          bits |= 1L << v;
        }
        return bits;
      }
      if (!field.wraps) {
        return FAIL;
      }
      int size = isDayOfWeek(field) ? 7 : field.max - field.min + 1;
      int cycleMin = field.min;
      long span = Math.floorMod(to - from, size);
      long bits = 0;
      for (long off = 0; off <= span; off += step) {
        bits |= 1L << (cycleMin + (int) Math.floorMod(from - cycleMin + off, (long) size));
      }
      return bits;
    }

    /** As {@link CronParser#number(String)} for {@code s[a, b)}. */
    private static long number(String s, int a, int b) {
      if (a >= b) {
        return -1;
      }
      long n = 0;
      for (int i = a; i < b; i++) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        n = Math.min(n * 10 + (c - '0'), Long.MAX_VALUE / 20);
      }
      return n;
    }

    /** The value of a number or name {@code s[a, b)} in the field, or -1; as {@code value}. */
    private static int value(String s, int a, int b, Field field) {
      long n = number(s, a, b);
      if (n >= 0) {
        return n < field.min || n > field.max ? -1 : (int) n;
      }
      if (field.names != null && b - a == 3) {
        int key = key(s.charAt(a), s.charAt(a + 1), s.charAt(a + 2));
        int[] keys = field.names == MONTH_NAMES ? MONTH_KEYS : DAY_KEYS;
        for (int i = 0; i < keys.length; i++) {
          if (keys[i] == key) {
            return i + field.nameBase;
          }
        }
      }
      return -1;
    }
  }
}
