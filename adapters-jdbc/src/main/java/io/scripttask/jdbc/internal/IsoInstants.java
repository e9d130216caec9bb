package io.scripttask.jdbc.internal;

import java.time.Instant;

/**
 * Instants as ISO-8601 text, the text of {@link Instant#toString()}, without the cost of {@link
 * java.time.format.DateTimeFormatter}.
 *
 * <p>{@link #format} returns exactly what {@link Instant#toString()} returns and {@link #parse}
 * returns exactly what {@link Instant#parse} returns (or throws what it throws). Both handle the
 * common shape {@code yyyy-MM-ddTHH:mm:ss[.fffffffff]Z} for the years 0000 to 9999 by hand and
 * leave everything else (other years, offsets, leap seconds, lower case, invalid text) to {@link
 * Instant}.
 */
public final class IsoInstants {
  private static final long SECONDS_PER_DAY = 86_400L;

  /** Days from 0000-01-01 to 1970-01-01 in the proleptic Gregorian calendar. */
  private static final long DAYS_0000_TO_1970 = 719_528L;

  /** 0000-01-01T00:00:00Z, the first second formatted by hand. */
  private static final long MIN_FAST_SECOND = -DAYS_0000_TO_1970 * SECONDS_PER_DAY;

  /** 9999-12-31T23:59:59Z, the last second formatted by hand. */
  private static final long MAX_FAST_SECOND = 253_402_300_799L;

  /** Days in a 400-year Gregorian cycle. */
  private static final int DAYS_PER_400_YEARS = 146_097;

  /** Days before the first of each month (index 1 to 12) in a common year. */
  private static final int[] DAYS_BEFORE_MONTH = {
    0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365
  };

  /** Powers of ten that scale a fraction of n digits (index n) to nanoseconds. */
  private static final int[] NANO_SCALE = {
    1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1
  };

  private IsoInstants() {}

  /**
   * Formats an instant as {@link Instant#toString()} does.
   *
   * @param t an instant
   * @return the same text as {@code t.toString()}
   * @throws NullPointerException if {@code t} is null
   */
  public static String format(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < MIN_FAST_SECOND || seconds > MAX_FAST_SECOND) {
      return t.toString();
    }
    int nano = t.getNano();

    // Days and seconds since 0000-01-01T00:00:00Z; both non-negative in the fast range.
    long sinceYearZero = seconds - MIN_FAST_SECOND;
    int dayNumber = (int) (sinceYearZero / SECONDS_PER_DAY);
    int secondOfDay = (int) (sinceYearZero % SECONDS_PER_DAY);

    int year = yearOfDayNumber(dayNumber);
    int dayOfYear = dayNumber - daysBeforeYear(year); // 0-based
    boolean leap = isLeap(year);
    int month = 1;
    while (month < 12 && dayOfYear >= daysBeforeMonth(month + 1, leap)) {
      month++;
    }
    int day = dayOfYear - daysBeforeMonth(month, leap) + 1;
    int hour = secondOfDay / 3600;
    int minute = secondOfDay / 60 % 60;
    int second = secondOfDay % 60;

    int fractionDigits;
    int fraction;
    if (nano == 0) {
      fractionDigits = 0;
      fraction = 0;
    } else if (nano % 1_000_000 == 0) {
      fractionDigits = 3;
      fraction = nano / 1_000_000;
    } else if (nano % 1_000 == 0) {
      fractionDigits = 6;
      fraction = nano / 1_000;
    } else {
      fractionDigits = 9;
      fraction = nano;
    }

    char[] out = new char[fractionDigits == 0 ? 20 : 21 + fractionDigits];
    writeDigits(out, 0, year, 4);
    out[4] = '-';
    writeDigits(out, 5, month, 2);
    out[7] = '-';
    writeDigits(out, 8, day, 2);
    out[10] = 'T';
    writeDigits(out, 11, hour, 2);
    out[13] = ':';
    writeDigits(out, 14, minute, 2);
    out[16] = ':';
    writeDigits(out, 17, second, 2);
    if (fractionDigits != 0) {
      out[19] = '.';
      writeDigits(out, 20, fraction, fractionDigits);
    }
    out[out.length - 1] = 'Z';
    return new String(out);
  }

  /**
   * Parses text as {@link Instant#parse} does.
   *
   * @param text ISO-8601 text such as {@code 2026-11-23T04:43:00.120Z}
   * @return the same instant as {@code Instant.parse(text)}
   * @throws java.time.format.DateTimeParseException if {@code Instant.parse(text)} throws it
   * @throws NullPointerException if {@code text} is null
   */
  public static Instant parse(CharSequence text) {
    Instant fast = text == null ? null : parseCommonShape(text);
    return fast != null ? fast : Instant.parse(text);
  }

  /**
   * Parses exactly {@code yyyy-MM-ddTHH:mm:ss[.f{1..9}]Z} with ASCII digits and valid fields.
   *
   * @return the instant, or null if the text has any other shape or an invalid field
   */
  private static Instant parseCommonShape(CharSequence text) {
    int length = text.length();
    if (length < 20 || length > 30 || length == 21) {
      return null;
    }
    if (text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(length - 1) != 'Z') {
      return null;
    }
    int year = readDigits(text, 0, 4);
    int month = readDigits(text, 5, 2);
    int day = readDigits(text, 8, 2);
    int hour = readDigits(text, 11, 2);
    int minute = readDigits(text, 14, 2);
    int second = readDigits(text, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int nano = 0;
    if (length > 20) {
      if (text.charAt(19) != '.') {
        return null;
      }
      int digits = length - 21; // 1..9, as 21 was rejected above
      int fraction = readDigits(text, 20, digits);
      if (fraction < 0) {
        return null;
      }
      nano = fraction * NANO_SCALE[digits];
    }
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    boolean leap = isLeap(year);
    if (day > daysBeforeMonth(month + 1, leap) - daysBeforeMonth(month, leap)) {
      return null;
    }
    long dayNumber = daysBeforeYear(year) + daysBeforeMonth(month, leap) + day - 1;
    long epochSecond =
        (dayNumber - DAYS_0000_TO_1970) * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second;
    return Instant.ofEpochSecond(epochSecond, nano);
  }

  /**
   * @return the value of {@code count} ASCII digits at {@code start}, or -1 if any is not one
   */
  private static int readDigits(CharSequence text, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      int digit = text.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  /**
   * Writes {@code value} as exactly {@code count} decimal digits, zero padded, at {@code start}.
   */
  private static void writeDigits(char[] out, int start, int value, int count) {
    for (int i = start + count - 1; i >= start; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * @param year a year from 0 on
   * @return whether the year has a February 29 in the proleptic Gregorian calendar
   */
  private static boolean isLeap(int year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  /**
   * @param year a year from 0 on
   * @return the days from 0000-01-01 to the first of January of the year
   */
  private static int daysBeforeYear(int year) {
    // Leap years among 0 .. year-1: multiples of 4, less multiples of 100, plus multiples of 400.
    int leapYears = (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400;
    return 365 * year + leapYears;
  }

  /**
   * @param dayNumber days since 0000-01-01, not negative
   * @return the year that day falls in
   */
  private static int yearOfDayNumber(int dayNumber) {
    // The mean Gregorian year gives an estimate within a year of the truth; correct it.
    int year = (int) (dayNumber * 400L / DAYS_PER_400_YEARS);
    while (daysBeforeYear(year) > dayNumber) {
      year--;
    }
    while (daysBeforeYear(year + 1) <= dayNumber) {
      year++;
    }
    return year;
  }

  /**
   * @param month 1 to 13, where 13 stands for the end of the year
   * @param leap whether the year is a leap year
   * @return the days from the first of January to the first of the month
   */
  private static int daysBeforeMonth(int month, boolean leap) {
    return DAYS_BEFORE_MONTH[month] + (leap && month > 2 ? 1 : 0);
  }
}
