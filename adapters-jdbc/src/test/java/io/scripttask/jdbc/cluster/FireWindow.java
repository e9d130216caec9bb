package io.scripttask.jdbc.cluster;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A span of whole seconds in which a schedule fires every second, and then not again for at least
 * half a minute: a 6-field cron expression in UTC whose first fire is {@link #start()} and whose
 * last is {@code end() - 1s}. A test counts exactly which fire keys must exist, whenever its
 * scheduler instances start and stop.
 *
 * @param start the first fire
 * @param seconds how many fires, one per second, 1-30
 */
record FireWindow(Instant start, int seconds) {

  FireWindow {
    if (seconds < 1 || seconds > 30) {
      throw new IllegalArgumentException("seconds must be 1-30, but was " + seconds);
    }
    if (start.getNano() != 0) {
      throw new IllegalArgumentException("start must be a whole second, but was " + start);
    }
  }

  /**
   * The first window starting at or after {@code earliest} that does not cross an hour.
   *
   * @param earliest the earliest first fire
   * @param seconds how many fires
   * @return the window
   */
  static FireWindow from(Instant earliest, int seconds) {
    Instant s = earliest.truncatedTo(ChronoUnit.SECONDS);
    if (s.isBefore(earliest)) {
      s = s.plusSeconds(1);
    }
    ZonedDateTime z = s.atZone(ZoneOffset.UTC);
    ZonedDateTime last = z.plusSeconds(seconds - 1L);
    if (last.getHour() != z.getHour()) {
      s = last.truncatedTo(ChronoUnit.HOURS).toInstant();
    }
    return new FireWindow(s, seconds);
  }

  /**
   * @return the instant after the last fire
   */
  Instant end() {
    return start.plusSeconds(seconds);
  }

  /**
   * @return the next fire after the window: at least 30 seconds after {@link #end()}
   */
  Instant nextFireAfter() {
    ZonedDateTime a = start.atZone(ZoneOffset.UTC);
    ZonedDateTime b = end().minusSeconds(1).atZone(ZoneOffset.UTC);
    return a.getMinute() == b.getMinute()
        ? a.plusYears(1).toInstant()
        : b.truncatedTo(ChronoUnit.MINUTES).withSecond(a.getSecond()).toInstant();
  }

  /**
   * @return the cron expression: seconds, minutes, hour, day of month, month, any day of week
   */
  String cron() {
    ZonedDateTime a = start.atZone(ZoneOffset.UTC);
    ZonedDateTime b = end().minusSeconds(1).atZone(ZoneOffset.UTC);
    String secondsAndMinutes =
        a.getMinute() == b.getMinute()
            ? a.getSecond() + "-" + b.getSecond() + " " + a.getMinute()
            : a.getSecond() + "-59,0-" + b.getSecond() + " " + a.getMinute() + "," + b.getMinute();
    return secondsAndMinutes
        + " "
        + a.getHour()
        + " "
        + a.getDayOfMonth()
        + " "
        + a.getMonthValue()
        + " *";
  }

  /**
   * @return every fire of the window, in order
   */
  List<Instant> fires() {
    List<Instant> all = new ArrayList<>(seconds);
    for (int i = 0; i < seconds; i++) {
      all.add(start.plus(Duration.ofSeconds(i)));
    }
    return all;
  }

  /**
   * @param fire a fire instant
   * @return whether it lies in the window
   */
  boolean contains(Instant fire) {
    return !fire.isBefore(start) && fire.isBefore(end());
  }
}
