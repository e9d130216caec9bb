package io.scripttask.scheduler.internal.cron;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import io.scripttask.scheduler.Cron.Dialect;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Describes a parsed cron expression in words. cron-utils' {@link CronDescriptor} does the work
 * where it accepts the expression (in the dialect's own definition, or, for the grammar our Unix
 * dialect adds, as an equivalent Quartz expression); anything else gets an English description of
 * our own. Never throws for a parsed expression.
 */
public final class CronDescriber {
  private static final Map<CronType, com.cronutils.parser.CronParser> PARSERS =
      new EnumMap<>(CronType.class);

  static {
    for (CronType type : new CronType[] {CronType.UNIX, CronType.SPRING, CronType.QUARTZ}) {
      PARSERS.put(
          type,
          new com.cronutils.parser.CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)));
    }
  }

  private static final String[] DAYS = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"
  };
  private static final String[] MONTHS = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December"
  };
  private static final String[] DAY_CODES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  private static final String[] MONTH_CODES = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };

  private CronDescriber() {}

  /**
   * Describes an expression.
   *
   * @param parsed the parsed expression
   * @param locale the language of the description (cron-utils' locales; others get English)
   * @return the description, never blank
   */
  public static String describe(CronParser.Result parsed, Locale locale) {
    List<String> f = parsed.fields();
    String viaLibrary = null;
    int days = parsed.fieldsDialect() == Dialect.UNIX ? 2 : 3;
    boolean libraryUnderstands = !misreadByLibrary(f.get(days), f.get(days + 2));
    Dialect route = libraryUnderstands ? parsed.fieldsDialect() : null;
    if (route == Dialect.UNIX) {
      // cron-utils does not say that Unix fires when either restricted day field matches
      if (!bothDaysRestricted(f.get(2), f.get(4))) {
        viaLibrary = library(CronType.UNIX, String.join(" ", f), locale);
        if (viaLibrary == null) {
          viaLibrary = library(CronType.QUARTZ, asQuartz("0", f.subList(0, 5)), locale);
        }
      }
    } else if (route == Dialect.SPRING) {
      viaLibrary = library(CronType.SPRING, String.join(" ", f), locale);
      if (viaLibrary == null) {
        viaLibrary = library(CronType.QUARTZ, asQuartz(f.get(0), f.subList(1, 6)), locale);
      }
    } else if (route == Dialect.QUARTZ) {
      viaLibrary = library(CronType.QUARTZ, String.join(" ", f), locale);
    }
    if (viaLibrary != null) {
      return viaLibrary;
    }
    try {
      return english(parsed);
    } catch (RuntimeException e) {
      return "cron " + parsed.expression();
    }
  }

  /**
   * Day fields that cron-utils accepts but describes differently from how we evaluate them:
   * specials inside lists ({@code L,15}), {@code L} alone in day-of-week (Saturday for us) and
   * day-of-week steps (Spring counts them from Monday).
   */
  private static boolean misreadByLibrary(String dom, String dow) {
    String d = dom.toUpperCase(Locale.ROOT);
    String w = dow.toUpperCase(Locale.ROOT);
    boolean domSpecialInList = d.contains(",") && (d.contains("L") || d.contains("W"));
    boolean dowSpecialInList = w.contains(",") && (w.contains("L") || w.contains("#"));
    boolean plainL = ("," + w + ",").contains(",L,");
    return domSpecialInList || dowSpecialInList || plainL || w.contains("/");
  }

  private static boolean bothDaysRestricted(String dom, String dow) {
    return !(dom.startsWith("*")
        || dom.startsWith("?")
        || dow.startsWith("*")
        || dow.startsWith("?"));
  }

  private static String library(CronType type, String text, Locale locale) {
    if (text == null) {
      return null;
    }
    try {
      String d =
          CronDescriptor.instance(locale)
              .describe(PARSERS.get(type).parse(text))
              .replaceAll("\\s+", " ")
              .trim();
      return d.isEmpty() ? null : d;
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError) {
        throw (VirtualMachineError) e;
      }
      return null;
    }
  }

  /**
   * An equivalent Quartz expression for a seconds field and five Unix-style fields (day-of-week
   * 0-7, as in Unix and Spring) whose day fields are not both restricted, or null.
   */
  private static String asQuartz(String seconds, List<String> f) {
    String dom = f.get(2);
    String dow = f.get(4);
    boolean domAll = dom.equals("*") || dom.equals("?");
    boolean dowAll = dow.equals("*") || dow.equals("?");
    String qDom;
    String qDow;
    if (dowAll) {
      qDom = dom.equals("?") ? "*" : dom;
      qDow = "?";
    } else if (domAll) {
      qDom = "?";
      qDow = quartzDaysOfWeek(dow);
      if (qDow == null) {
        return null;
      }
    } else {
      return null;
    }
    return seconds + " " + f.get(0) + " " + f.get(1) + " " + qDom + " " + f.get(3) + " " + qDow;
  }

  /** Unix day-of-week (0-7, 0 and 7 Sunday) as Quartz (1-7, 1 Sunday), or null if not simple. */
  private static String quartzDaysOfWeek(String dow) {
    StringBuilder out = new StringBuilder();
    for (String item : dow.split(",")) {
      if (out.length() > 0) {
        out.append(',');
      }
      String upper = item.toUpperCase(Locale.ROOT);
      if (upper.matches("[0-7]")) {
        out.append(Integer.parseInt(upper) % 7 + 1);
      } else if (upper.matches("[0-7](L|#[1-5])")) {
        out.append(Integer.parseInt(upper.substring(0, 1)) % 7 + 1).append(upper.substring(1));
      } else if (upper.matches("[A-Z]{3}(L|#[1-5])?") || upper.equals("L")) {
        out.append(upper);
      } else if (upper.matches("[0-6]-[0-7]")) {
        int a = upper.charAt(0) - '0';
        int b = upper.charAt(2) - '0';
        if (a > b) {
          return null;
        }
        if (b < 7) {
          out.append(a + 1).append('-').append(b + 1);
        } else if (a == 0) {
          out.append("1-7");
        } else {
          out.append(a + 1).append("-7,1");
        }
      } else {
        return null;
      }
    }
    return out.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // our own English

  private static String english(CronParser.Result parsed) {
    List<String> f = parsed.fields();
    boolean seconds = parsed.fieldsDialect() != Dialect.UNIX;
    int k = 0;
    String sec = seconds ? f.get(k++) : "0";
    String min = f.get(k++);
    String hour = f.get(k++);
    String dom = f.get(k++).toUpperCase(Locale.ROOT);
    String month = f.get(k++).toUpperCase(Locale.ROOT);
    String dow = f.get(k++).toUpperCase(Locale.ROOT);
    String year = k < f.size() ? f.get(k) : "*";

    StringBuilder out = new StringBuilder();
    if (isNumber(sec) && isNumber(min) && isNumber(hour)) {
      out.append("at ").append(two(hour)).append(':').append(two(min));
      if (Integer.parseInt(sec) != 0) {
        out.append(':').append(two(sec));
      }
    } else {
      List<String> parts = new ArrayList<>();
      if (!sec.equals("0")) {
        parts.add(timeField(sec, "second"));
      }
      parts.add(timeField(min, "minute"));
      parts.add(timeField(hour, "hour"));
      out.append(String.join(", ", parts));
    }

    boolean domAll = dom.equals("*") || dom.equals("?");
    boolean dowAll = dow.equals("*") || dow.equals("?");
    String domText = domAll ? null : dayOfMonth(dom);
    String dowText = dowAll ? null : dayOfWeek(dow, parsed.fieldsDialect());
    if (domText == null && dowText == null) {
      out.append(" every day");
    } else if (domText != null && dowText != null) {
      boolean either =
          parsed.fieldsDialect() == Dialect.UNIX && !dom.startsWith("*") && !dow.startsWith("*");
      out.append(' ').append(domText).append(either ? " or " : " if it is ").append(dowText);
    } else {
      out.append(' ').append(domText != null ? domText : dowText);
    }
    if (!month.equals("*")) {
      out.append(" in ").append(names(month, MONTH_CODES, MONTHS, 1));
    }
    if (!year.equals("*")) {
      out.append(" in ").append(year);
    }
    return out.toString();
  }

  private static boolean isNumber(String s) {
    return s.matches("[0-9]{1,2}");
  }

  private static String two(String n) {
    return n.length() == 1 ? "0" + n : n;
  }

  private static String timeField(String text, String unit) {
    if (text.equals("*")) {
      return "every " + unit;
    }
    if (text.matches("\\*/[0-9]+")) {
      return "every " + text.substring(2) + " " + unit + "s";
    }
    return unit + " " + text.replace(",", ", ");
  }

  private static String dayOfMonth(String dom) {
    List<String> parts = new ArrayList<>();
    for (String item : dom.split(",")) {
      if (item.equals("L")) {
        parts.add("the last day of the month");
      } else if (item.equals("LW")) {
        parts.add("the last weekday of the month");
      } else if (item.startsWith("L-")) {
        parts.add(item.substring(2) + " days before the last day of the month");
      } else if (item.endsWith("W")) {
        parts.add("the weekday nearest day " + item.substring(0, item.length() - 1));
      } else {
        parts.add("day " + item);
      }
    }
    return "on " + String.join(" and ", parts);
  }

  private static String dayOfWeek(String dow, Dialect dialect) {
    List<String> parts = new ArrayList<>();
    int base = dialect == Dialect.QUARTZ ? 1 : 0;
    for (String item : dow.split(",")) {
      if (item.contains("/")) {
        parts.add(steppedDays(item, dialect));
      } else if (item.equals("L")) {
        parts.add("Saturday");
      } else if (item.endsWith("L")) {
        parts.add("the last " + day(item.substring(0, item.length() - 1), base) + " of the month");
      } else if (item.contains("#")) {
        String[] p = item.split("#", 2);
        parts.add("the " + ordinal(p[1]) + " " + day(p[0], base) + " of the month");
      } else {
        parts.add(names(item, DAY_CODES, DAYS, base));
      }
    }
    return "on " + String.join(" and ", parts);
  }

  /** The days of a stepped day-of-week item, by name; the item has been parsed, so it is valid. */
  private static String steppedDays(String item, Dialect dialect) {
    int base = dialect == Dialect.QUARTZ ? 1 : 0;
    String[] parts = item.split("/", 2);
    int step = (int) Math.min(Long.parseLong(parts[1]), 7);
    int from;
    int to = 7;
    if (parts[0].equals("*")) {
      from = dialect == Dialect.UNIX ? 0 : 1;
    } else {
      String[] range = parts[0].split("-", 2);
      from = dayNumber(range[0], base);
      if (range.length == 2) {
        to = dayNumber(range[1], base);
        if (to < from) {
          to += 7;
        }
      }
    }
    List<String> days = new ArrayList<>();
    for (int v = from; v <= to; v += step) {
      String name = DAYS[Math.floorMod(v - base, 7)];
      if (!days.contains(name)) {
        days.add(name);
      }
    }
    return String.join(", ", days);
  }

  private static int dayNumber(String token, int base) {
    for (int i = 0; i < DAY_CODES.length; i++) {
      if (DAY_CODES[i].equals(token)) {
        return i + base;
      }
    }
    return Integer.parseInt(token);
  }

  private static String day(String token, int base) {
    return names(token, DAY_CODES, DAYS, base);
  }

  private static String ordinal(String n) {
    switch (n) {
      case "1":
        return "first";
      case "2":
        return "second";
      case "3":
        return "third";
      case "4":
        return "fourth";
      default:
        return "fifth";
    }
  }

  /** Replaces numbers and codes by names in a simple token; leaves anything else as written. */
  private static String names(String token, String[] codes, String[] full, int base) {
    StringBuilder out = new StringBuilder();
    String[] items = token.split(",");
    for (int i = 0; i < items.length; i++) {
      if (i > 0) {
        out.append(", ");
      }
      String item = items[i];
      String[] range = item.split("-", 2);
      if (range.length == 2 && !item.contains("/")) {
        out.append(name(range[0], codes, full, base))
            .append(" through ")
            .append(name(range[1], codes, full, base));
      } else {
        out.append(name(item, codes, full, base));
      }
    }
    return out.toString();
  }

  private static String name(String token, String[] codes, String[] full, int base) {
    for (int i = 0; i < codes.length; i++) {
      if (codes[i].equals(token)) {
        return full[i];
      }
    }
    if (token.matches("[0-9]{1,2}")) {
      int idx = (Integer.parseInt(token) - base) % codes.length;
      if (idx >= 0) {
        return full[idx];
      }
    }
    return token;
  }
}
