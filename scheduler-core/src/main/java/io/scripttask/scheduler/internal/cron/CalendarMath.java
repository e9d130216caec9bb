package io.scripttask.scheduler.internal.cron;

/** Proleptic Gregorian calendar arithmetic on primitive ints, without allocation. */
final class CalendarMath {
  static final int SECONDS_PER_DAY = 86_400;

  private CalendarMath() {}

  /** Days from 1970-01-01 to the given date (month 1-12, day 1-31). */
  static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? (long) year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    int mp = month > 2 ? month - 3 : month + 9;
    long doy = (153L * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }

  /** Local epoch seconds of the given date and time. */
  static long epochSecond(int year, int month, int day, int hour, int minute, int second) {
    return epochDay(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
  }

  static boolean isLeap(int year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  static int monthLength(int year, int month) {
    if (month == 2) {
      return isLeap(year) ? 29 : 28;
    }
    return 30 + ((month + (month >> 3)) & 1);
  }

  /** Day of week of an epoch day, 0 = Sunday ... 6 = Saturday. */
  static int dayOfWeek(long epochDay) {
    return (int) Math.floorMod(epochDay + 4, 7L);
  }

  /**
   * Packs the civil date of an epoch day as {@code year << 9 | month << 5 | day}; unpack with
   * {@link #year}, {@link #month}, {@link #day}.
   */
  static long civil(long epochDay) {
    long z = epochDay + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    return (y << 9) | (m << 5) | d;
  }

  static int year(long civil) {
    return (int) (civil >> 9);
  }

  static int month(long civil) {
    return (int) ((civil >> 5) & 15);
  }

  static int day(long civil) {
    return (int) (civil & 31);
  }
}
