package io.scripttask.scheduler.internal.cron;

/**
 * Maps the local times a {@link CronSchedule} matches to fire instants in a zone, with the
 * daylight-saving contract of {@link io.scripttask.scheduler.Cron}:
 *
 * <ul>
 *   <li>Within a segment of constant offset, every matching local time fires at {@code local -
 *       offset} (elapsed-time semantics).
 *   <li>Fall-back overlap: a fixed-hour schedule does not fire for the repeated local times after
 *       the transition (it already fired at their first occurrence).
 *   <li>Spring-forward gap: matching local times inside the gap fire nowhere, except that a
 *       fixed-hour schedule with {@code RUN_AFTER_GAP} fires once at the transition instant (the
 *       first instant after the gap) if any of its local times fell in the gap.
 * </ul>
 *
 * <p>All times are epoch seconds; the methods do not allocate unless a search leaves the years the
 * zone's shared table covers.
 */
public final class FireTimes {
  /** Returned when there is no fire time. */
  public static final long NONE = Long.MIN_VALUE;

  /** The largest offset java.time allows, in seconds. */
  private static final int MAX_OFFSET = 18 * 3600;

  private FireTimes() {}

  /**
   * The first fire at or after an instant.
   *
   * @param cron the compiled schedule
   * @param runAfterGap whether a fixed-hour schedule fires at the end of a spring-forward gap
   * @param timeline the zone timeline
   * @param first the earliest epoch second that may be returned
   * @return the fire epoch second, or {@link #NONE}
   */
  public static long next(
      CronSchedule cron, boolean runAfterGap, ZoneTimeline timeline, long first) {
    if (timeline.isFixed()) {
      int off = timeline.offset(0);
      long local = cron.firstAtOrAfter(first + off);
      return local == CronSchedule.NONE_AFTER ? NONE : local - off;
    }
    boolean fixed = cron.fixedHour();
    boolean gapFire = fixed && runAfterGap;
    ZoneTimeline tl = timeline.at(first);
    int i = tl.index(first);
    long lo = first + tl.offset(i);
    long known = 0;
    long knownFrom = Long.MAX_VALUE; // known is the first match at or after knownFrom
    if (gapFire && tl.start(i) == first && tl.offset(i - 1) < tl.offset(i)) {
      // starting exactly at the end of a gap: the fire moved there from inside the gap counts
      knownFrom = first + tl.offset(i - 1);
      known = cron.firstAtOrAfter(knownFrom);
      if (known < lo) {
        return first;
      }
    }
    while (true) {
      int off = tl.offset(i);
      long start = tl.start(i);
      if (fixed && start != Long.MIN_VALUE) {
        int before = tl.offset(i - 1);
        if (before > off) {
          lo = Math.max(lo, start + before);
        }
      }
      long local;
      if (lo >= knownFrom && known >= lo) {
        local = known;
      } else {
        local = cron.firstAtOrAfter(lo);
        known = local;
        knownFrom = lo;
      }
      if (local == CronSchedule.NONE_AFTER) {
        return NONE;
      }
      long end = tl.end(i);
      if (end == Long.MAX_VALUE || local - off < end) {
        return local - off;
      }
      int after = tl.offset(i + 1);
      if (gapFire && after > off && local < end + after) {
        return end;
      }
      long target = local - MAX_OFFSET; // no fire from this match can be earlier
      if (target > end + MAX_OFFSET && cron.firstAtOrAfter(end - MAX_OFFSET) == local) {
        // far ahead, and nothing matches from the earliest local time after end until local:
        // no segment (nor gap) before target can fire, so jump there
        tl = tl.at(target);
        i = tl.index(target);
        lo = target + tl.offset(i);
        known = local;
        knownFrom = lo;
        continue;
      }
      if (tl.hasNext(i)) {
        i++;
      } else {
        tl = tl.at(end);
        i = tl.index(end);
      }
      lo = end + tl.offset(i);
    }
  }

  /**
   * The last fire at or before an instant.
   *
   * @param cron the compiled schedule
   * @param runAfterGap whether a fixed-hour schedule fires at the end of a spring-forward gap
   * @param timeline the zone timeline
   * @param last the latest epoch second that may be returned
   * @return the fire epoch second, or {@link #NONE}
   */
  public static long previous(
      CronSchedule cron, boolean runAfterGap, ZoneTimeline timeline, long last) {
    if (timeline.isFixed()) {
      int off = timeline.offset(0);
      long local = cron.lastAtOrBefore(last + off);
      return local == CronSchedule.NONE_BEFORE ? NONE : local - off;
    }
    boolean fixed = cron.fixedHour();
    boolean gapFire = fixed && runAfterGap;
    ZoneTimeline tl = timeline.at(last);
    int i = tl.index(last);
    long hi = last + tl.offset(i);
    long known = 0;
    long knownTo = Long.MIN_VALUE; // known is the last match at or before knownTo
    while (true) {
      int off = tl.offset(i);
      long start = tl.start(i);
      long low = Long.MIN_VALUE;
      boolean gapAtStart = false;
      int before = 0;
      if (start != Long.MIN_VALUE) {
        before = tl.offset(i - 1);
        low = start + (fixed && before > off ? before : off);
        gapAtStart = before < off;
      }
      long local;
      if (hi <= knownTo && known <= hi) {
        local = known;
      } else {
        local = cron.lastAtOrBefore(hi);
        known = local;
        knownTo = hi;
        if (local == CronSchedule.NONE_BEFORE
            && cron.lastAtOrBefore(last + MAX_OFFSET) == CronSchedule.NONE_BEFORE) {
          // every fire at or before last has a local time at or before last + MAX_OFFSET
          return NONE;
        }
      }
      if (local != CronSchedule.NONE_BEFORE) {
        if (local >= low) {
          return local - off;
        }
        // local < low = start + off here, so it is also the last match before the gap's end
        if (gapFire && gapAtStart && local >= start + before) {
          return start;
        }
      }
      if (start == Long.MIN_VALUE) {
        return NONE;
      }
      if (local != CronSchedule.NONE_BEFORE) {
        long target = local + MAX_OFFSET; // no fire from this match can be later
        if (target < start - 1 - MAX_OFFSET
            && cron.lastAtOrBefore(start - 1 + MAX_OFFSET) == local) {
          // far behind, and nothing matches from local up to the latest local time before start:
          // no segment (nor gap) after target can fire, so jump there
          tl = tl.at(target);
          i = tl.index(target);
          hi = target + tl.offset(i);
          known = local;
          knownTo = hi;
          continue;
        }
      }
      long t = start - 1;
      if (tl.hasPrevious(i)) {
        i--;
      } else {
        tl = tl.at(t);
        i = tl.index(t);
      }
      hi = t + tl.offset(i);
    }
  }
}
