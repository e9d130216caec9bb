package io.scripttask.scheduler.internal.cron;

/**
 * A compiled cron expression: every field as a bit set plus the few day rules that depend on the
 * month ({@code L}, {@code W}, {@code #}). It answers "the first matching local time at or after"
 * and "the last matching local time at or before" a local epoch second, walking the calendar on
 * primitive ints without allocating. Local times here know nothing of zones; {@link FireTimes} maps
 * them to instants. Immutable and thread-safe.
 */
public final class CronSchedule {
  /** Returned by {@link #firstAtOrAfter(long)} when there is no matching time. */
  public static final long NONE_AFTER = Long.MAX_VALUE;

  /** Returned by {@link #lastAtOrBefore(long)} when there is no matching time. */
  public static final long NONE_BEFORE = Long.MIN_VALUE;

  /**
   * How many years a search scans without a year field before it gives up (a full Gregorian cycle,
   * so every schedule that can fire at all is found).
   */
  static final int SCAN_YEARS = 400;

  static final int MIN_YEAR = -999_999_999;
  static final int MAX_YEAR = 999_999_999;
  static final int FIRST_YEAR_FIELD = 1970;
  static final int LAST_YEAR_FIELD = 2099;

  static final int ALL_DAYS = 0xFFFF_FFFE; // bits 1..31

  private static final int[] LENGTH_MASKS = new int[32];

  /** Bits of the months with 31 days. */
  private static final int LONG_MONTHS =
      1 << 1 | 1 << 3 | 1 << 5 | 1 << 7 | 1 << 8 | 1 << 10 | 1 << 12;

  /** Bits of the months with 30 days. */
  private static final int SHORT_MONTHS = 1 << 4 | 1 << 6 | 1 << 9 | 1 << 11;

  static {
    for (int len = 0; len < 32; len++) {
      LENGTH_MASKS[len] = (int) ((1L << (len + 1)) - 2);
    }
  }

  private final long seconds;
  private final long minutes;
  private final int hours;
  private final int months;
  private final int domBits;
  private final int[] domLastOffsets;
  private final int[] domNearest;
  private final boolean domLastWeekday;
  private final boolean domAny;
  private final int dowBits;
  private final int[] dowLast;
  private final int[] dowNth;
  private final boolean dowAny;
  // dowBits repeated six times (bits 0..41): bit i is set when weekday i % 7 matches
  private final long dowRepeat;
  private final boolean orDays;
  private final boolean simpleDays;
  private final int simpleMask;
  private final long[] years;
  private final int firstYear;
  private final int lastYear;
  private final boolean fixedHour;
  private final boolean needsWeekday;

  /**
   * Creates the schedule. The arrays are taken over, not copied: the caller must not change them
   * afterwards (they may be shared empty arrays).
   */
  CronSchedule(
      long seconds,
      long minutes,
      int hours,
      int domBits,
      int[] domLastOffsets,
      int[] domNearest,
      boolean domLastWeekday,
      boolean domStar,
      int months,
      int dowBits,
      int[] dowLast,
      int[] dowNth,
      boolean dowStar,
      boolean unionOfDays,
      long[] years,
      boolean fixedHour) {
    this.seconds = seconds;
    this.minutes = minutes;
    this.hours = hours;
    this.months = months;
    this.domBits = domBits;
    this.domLastOffsets = domLastOffsets;
    this.domNearest = domNearest;
    this.domLastWeekday = domLastWeekday;
    boolean domSpecials = domLastOffsets.length > 0 || domNearest.length > 0 || domLastWeekday;
    this.domAny = domBits == ALL_DAYS;
    this.dowBits = dowBits;
    this.dowLast = dowLast;
    this.dowNth = dowNth;
    this.dowAny = dowBits == 0x7F;
    long week = dowBits & 0x7FL;
    this.dowRepeat = week | week << 7 | week << 14 | week << 21 | week << 28 | week << 35;
    // Vixie cron: when both day fields are restricted (neither starts with '*'), either may match.
    this.orDays = unionOfDays && !domStar && !dowStar;
    if (orDays) {
      this.simpleDays = domAny || dowAny;
      this.simpleMask = ALL_DAYS;
    } else {
      this.simpleDays = dowAny && !domSpecials;
      this.simpleMask = domBits;
    }
    this.years = years;
    int first = Integer.MAX_VALUE;
    int last = Integer.MIN_VALUE;
    if (years != null) {
      for (int w = 0; w < years.length; w++) {
        if (years[w] != 0) {
          int lo = FIRST_YEAR_FIELD + (w << 6) + Long.numberOfTrailingZeros(years[w]);
          int hi = FIRST_YEAR_FIELD + (w << 6) + 63 - Long.numberOfLeadingZeros(years[w]);
          first = Math.min(first, lo);
          last = Math.max(last, hi);
        }
      }
    }
    this.firstYear = first;
    this.lastYear = last;
    this.fixedHour = fixedHour;
    this.needsWeekday = !dowAny || domNearest.length > 0 || domLastWeekday;
  }

  private static boolean yearBit(long[] years, int year) {
    int idx = year - FIRST_YEAR_FIELD;
    return (years[idx >> 6] & (1L << idx)) != 0;
  }

  /**
   * Whether the hour field is fixed (neither a wildcard nor a step), which selects the fixed-time
   * daylight-saving rules.
   *
   * @return true for a fixed hour field
   */
  public boolean fixedHour() {
    return fixedHour;
  }

  /**
   * Whether the schedule is restricted to the years of a year field.
   *
   * @return true when a year field restricts the years
   */
  public boolean hasYears() {
    return years != null;
  }

  // ---------------------------------------------------------------------------------------------
  // days

  /** Bits 1..31: the days of the month that match in the given year and month. */
  int dayMask(int year, int month) {
    int len = CalendarMath.monthLength(year, month);
    if (simpleDays) {
      return simpleMask & LENGTH_MASKS[len];
    }
    int firstDow = needsWeekday ? CalendarMath.dayOfWeek(CalendarMath.epochDay(year, month, 1)) : 0;
    int dom = domAny ? -1 : domMask(len, firstDow);
    int dow = dowAny ? -1 : dowMask(len, firstDow);
    return (orDays ? (dom | dow) : (dom & dow)) & LENGTH_MASKS[len];
  }

  private int domMask(int len, int firstDow) {
    int mask = domBits;
    for (int n : domLastOffsets) {
      int d = len - n;
      if (d >= 1) {
        mask |= 1 << d;
      }
    }
    for (int n : domNearest) {
      if (n <= len) {
        mask |= 1 << nearestWeekday(n, len, firstDow);
      }
    }
    if (domLastWeekday) {
      mask |= 1 << nearestWeekday(len, len, firstDow);
    }
    return mask;
  }

  /** Bits 1..31: the days whose weekday is in {@code dowBits}, the 1st being {@code firstDow}. */
  private int weekMask(int firstDow) {
    return (int) ((dowRepeat >>> firstDow) << 1);
  }

  private int dowMask(int len, int firstDow) {
    int mask = weekMask(firstDow);
    if (dowLast.length > 0) {
      int lastDow = (firstDow + len - 1) % 7;
      for (int w : dowLast) {
        mask |= 1 << (len - (lastDow - w + 7) % 7);
      }
    }
    for (int enc : dowNth) {
      int w = enc >> 3;
      int k = enc & 7;
      int d = 1 + (w - firstDow + 7) % 7 + 7 * (k - 1);
      if (d <= len) {
        mask |= 1 << d;
      }
    }
    return mask;
  }

  /** The weekday nearest to day {@code n} (1..len) without leaving the month. */
  private static int nearestWeekday(int n, int len, int firstDow) {
    int w = (firstDow + n - 1) % 7;
    if (w == 6) {
      return n == 1 ? 3 : n - 1;
    }
    if (w == 0) {
      return n == len ? n - 2 : n + 1;
    }
    return n;
  }

  /** Which day rules {@link #anyDayIn} considers. */
  enum DayRule {
    BOTH,
    DAY_OF_MONTH_ONLY,
    DAY_OF_WEEK_ONLY
  }

  /**
   * Whether some day in the allowed months (and years) matches, considering the given rule. Without
   * a year field, the 28 years 2001-2028 hold every one of the 14 possible calendars.
   */
  boolean anyDayIn(DayRule rule) {
    if (rule == DayRule.BOTH && simpleDays && years == null) {
      // the day mask depends only on the month length; the longest allowed month decides
      return (simpleMask & LENGTH_MASKS[longestMonth(months)]) != 0;
    }
    int from = years == null ? 2001 : firstYear;
    int to = years == null ? 2028 : lastYear;
    for (int y = from; y <= to; y++) {
      if (years != null && !yearBit(years, y)) {
        continue;
      }
      for (int m = 1; m <= 12; m++) {
        if ((months & (1 << m)) == 0) {
          continue;
        }
        int len = CalendarMath.monthLength(y, m);
        int firstDow = CalendarMath.dayOfWeek(CalendarMath.epochDay(y, m, 1));
        int mask;
        switch (rule) {
          case DAY_OF_MONTH_ONLY:
            mask = domMask(len, firstDow);
            break;
          case DAY_OF_WEEK_ONLY:
            mask = dowMask(len, firstDow);
            break;
          default:
            mask = dayMask(y, m);
        }
        if ((mask & LENGTH_MASKS[len]) != 0) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The longest length in 2001-2028 of a month in a month mask (bits 1..12), 0 for no month: 31 if
   * a 31-day month is allowed, else 30 if a 30-day month is, else 29 for February (a leap year is
   * in the range).
   */
  private static int longestMonth(int months) {
    if ((months & LONG_MONTHS) != 0) {
      return 31;
    }
    if ((months & SHORT_MONTHS) != 0) {
      return 30;
    }
    return (months & (1 << 2)) != 0 ? 29 : 0;
  }

  // ---------------------------------------------------------------------------------------------
  // years

  private int nextYear(int y) {
    if (y > lastYear) {
      return Integer.MAX_VALUE;
    }
    if (y < firstYear) {
      return firstYear;
    }
    int idx = y - FIRST_YEAR_FIELD;
    int word = idx >> 6;
    long bits = years[word] & (-1L << idx);
    while (bits == 0) {
      if (++word == years.length) {
        return Integer.MAX_VALUE;
      }
      bits = years[word];
    }
    return FIRST_YEAR_FIELD + (word << 6) + Long.numberOfTrailingZeros(bits);
  }

  private int previousYear(int y) {
    if (y < firstYear) {
      return Integer.MIN_VALUE;
    }
    if (y > lastYear) {
      return lastYear;
    }
    int idx = y - FIRST_YEAR_FIELD;
    int word = idx >> 6;
    long bits = years[word] & (-1L >>> (63 - (idx & 63)));
    while (bits == 0) {
      if (--word < 0) {
        return Integer.MIN_VALUE;
      }
      bits = years[word];
    }
    return FIRST_YEAR_FIELD + (word << 6) + 63 - Long.numberOfLeadingZeros(bits);
  }

  // ---------------------------------------------------------------------------------------------
  // search

  /**
   * The first matching local time at or after {@code local}.
   *
   * @param local a local date-time as seconds since 1970-01-01T00:00 (no zone)
   * @return the matching local time in the same unit, or {@link #NONE_AFTER}
   */
  public long firstAtOrAfter(long local) {
    long days = Math.floorDiv(local, CalendarMath.SECONDS_PER_DAY);
    int sod = (int) (local - days * CalendarMath.SECONDS_PER_DAY);
    long civil = CalendarMath.civil(days);
    int y = CalendarMath.year(civil);
    int mo = CalendarMath.month(civil);
    int d = CalendarMath.day(civil);
    int h = sod / 3600;
    int mi = (sod / 60) % 60;
    int s = sod % 60;
    if (y > MAX_YEAR) {
      return NONE_AFTER;
    }
    if (y < MIN_YEAR) {
      y = MIN_YEAR;
      mo = 1;
      d = 1;
      h = 0;
      mi = 0;
      s = 0;
    }
    int limit = years != null ? lastYear : (int) Math.min((long) y + SCAN_YEARS, MAX_YEAR);
    while (y <= limit) {
      if (years != null) {
        int y2 = nextYear(y);
        if (y2 > limit) {
          return NONE_AFTER;
        }
        if (y2 != y) {
          y = y2;
          mo = 1;
          d = 1;
          h = 0;
          mi = 0;
          s = 0;
        }
      }
      while (mo <= 12) {
        int m2 = Integer.numberOfTrailingZeros(months & (-1 << mo));
        if (m2 > 12) {
          break;
        }
        if (m2 != mo) {
          mo = m2;
          d = 1;
          h = 0;
          mi = 0;
          s = 0;
        }
        int dayMask = dayMask(y, mo);
        while (d <= 31) {
          int d2 = Integer.numberOfTrailingZeros(dayMask & (-1 << d));
          if (d2 > 31) {
            break;
          }
          if (d2 != d) {
            d = d2;
            h = 0;
            mi = 0;
            s = 0;
          }
          while (h <= 23) {
            int h2 = Integer.numberOfTrailingZeros(hours & (-1 << h));
            if (h2 > 23) {
              break;
            }
            if (h2 != h) {
              h = h2;
              mi = 0;
              s = 0;
            }
            while (mi <= 59) {
              int mi2 = Long.numberOfTrailingZeros(minutes & (-1L << mi));
              if (mi2 > 59) {
                break;
              }
              if (mi2 != mi) {
                mi = mi2;
                s = 0;
              }
              int s2 = Long.numberOfTrailingZeros(seconds & (-1L << s));
              if (s2 <= 59) {
                return CalendarMath.epochSecond(y, mo, d, h, mi, s2);
              }
              mi++;
              s = 0;
            }
            h++;
            mi = 0;
            s = 0;
          }
          d++;
          h = 0;
          mi = 0;
          s = 0;
        }
        mo++;
        d = 1;
        h = 0;
        mi = 0;
        s = 0;
      }
      y++;
      mo = 1;
      d = 1;
      h = 0;
      mi = 0;
      s = 0;
    }
    return NONE_AFTER;
  }

  /**
   * The last matching local time at or before {@code local}.
   *
   * @param local a local date-time as seconds since 1970-01-01T00:00 (no zone)
   * @return the matching local time in the same unit, or {@link #NONE_BEFORE}
   */
  public long lastAtOrBefore(long local) {
    long days = Math.floorDiv(local, CalendarMath.SECONDS_PER_DAY);
    int sod = (int) (local - days * CalendarMath.SECONDS_PER_DAY);
    long civil = CalendarMath.civil(days);
    int y = CalendarMath.year(civil);
    int mo = CalendarMath.month(civil);
    int d = CalendarMath.day(civil);
    int h = sod / 3600;
    int mi = (sod / 60) % 60;
    int s = sod % 60;
    if (y < MIN_YEAR) {
      return NONE_BEFORE;
    }
    if (y > MAX_YEAR) {
      y = MAX_YEAR;
      mo = 12;
      d = 31;
      h = 23;
      mi = 59;
      s = 59;
    }
    int limit = years != null ? firstYear : (int) Math.max((long) y - SCAN_YEARS, MIN_YEAR);
    while (y >= limit) {
      if (years != null) {
        int y2 = previousYear(y);
        if (y2 < limit) {
          return NONE_BEFORE;
        }
        if (y2 != y) {
          y = y2;
          mo = 12;
          d = 31;
          h = 23;
          mi = 59;
          s = 59;
        }
      }
      while (mo >= 1) {
        int m2 = 31 - Integer.numberOfLeadingZeros(months & ((2 << mo) - 1));
        if (m2 < 1) {
          break;
        }
        if (m2 != mo) {
          mo = m2;
          d = 31;
          h = 23;
          mi = 59;
          s = 59;
        }
        int dayMask = dayMask(y, mo);
        while (d >= 1) {
          int d2 = 31 - Integer.numberOfLeadingZeros(dayMask & ((2 << d) - 1));
          if (d2 < 1) {
            break;
          }
          if (d2 != d) {
            d = d2;
            h = 23;
            mi = 59;
            s = 59;
          }
          while (h >= 0) {
            int h2 = 31 - Integer.numberOfLeadingZeros(hours & ((2 << h) - 1));
            if (h2 < 0) {
              break;
            }
            if (h2 != h) {
              h = h2;
              mi = 59;
              s = 59;
            }
            while (mi >= 0) {
              int mi2 = 63 - Long.numberOfLeadingZeros(minutes & ((2L << mi) - 1));
              if (mi2 < 0) {
                break;
              }
              if (mi2 != mi) {
                mi = mi2;
                s = 59;
              }
              int s2 = 63 - Long.numberOfLeadingZeros(seconds & ((2L << s) - 1));
              if (s2 >= 0) {
                return CalendarMath.epochSecond(y, mo, d, h, mi, s2);
              }
              mi--;
              s = 59;
            }
            h--;
            mi = 59;
            s = 59;
          }
          d--;
          h = 23;
          mi = 59;
          s = 59;
        }
        mo--;
        d = 31;
        h = 23;
        mi = 59;
        s = 59;
      }
      y--;
      mo = 12;
      d = 31;
      h = 23;
      mi = 59;
      s = 59;
    }
    return NONE_BEFORE;
  }
}
