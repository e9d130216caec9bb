package io.scripttask.samples;

import io.scripttask.scheduler.MaintenanceCalendar;
import io.scripttask.scheduler.MaintenanceWindow;
import io.scripttask.scheduler.Priority;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.WindowScope;
import java.io.PrintStream;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The demo a host application's developer runs first: a few schedules in different zones, in
 * words, with their next fire times, and whether now is inside the maintenance windows.
 *
 * <p>Run it with {@code ./mvnw -B -q -pl samples/plain-java -am compile exec:java}.
 */
public final class Demo {
  private static final DateTimeFormatter FIRE =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss xxx '['VV']'", Locale.ENGLISH);

  private final Clock clock;
  private final PrintStream out;

  /**
   * Creates the demo.
   *
   * @param clock the one clock everything reads "now" from
   * @param out where the demo prints
   */
  public Demo(Clock clock, PrintStream out) {
    this.clock = clock;
    this.out = out;
  }

  /**
   * Runs the demo on the system clock and prints to standard output.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    new Demo(Clock.systemUTC(), System.out).run();
  }

  /** Prints the schedules, their next fires and the maintenance windows' state at the clock's now. */
  public void run() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    out.println("ScriptTask for Java: demo at " + now);
    out.println();

    Map<String, Trigger> schedules = new LinkedHashMap<>();
    schedules.put(
        "security-scan (Unix cron, New York)",
        Trigger.cron("30 2 * * *", ZoneId.of("America/New_York")));
    schedules.put(
        "disk-check (Spring cron, Berlin)",
        Trigger.cron("0 */30 * * * *", ZoneId.of("Europe/Berlin")));
    schedules.put(
        "month-end report (Quartz cron, Sydney)",
        Trigger.cron("0 0 18 LW * ? *", ZoneId.of("Australia/Sydney")));
    schedules.put(
        "patch Tuesday (Quartz cron, London)",
        Trigger.cron("0 0 3 ? * TUE#2", ZoneId.of("Europe/London")));
    schedules.put(
        "backup (weekly, Tokyo)",
        Trigger.weekly(
            EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.THURSDAY),
            LocalTime.of(1, 15),
            ZoneId.of("Asia/Tokyo")));
    schedules.put(
        "billing export (monthly on the 31st, clamped, UTC)",
        Trigger.monthly(31, LocalTime.of(23, 0), ZoneId.of("UTC")));
    schedules.put(
        "heartbeat (every 90 s)",
        Trigger.every(Duration.ofSeconds(90), Instant.EPOCH, ZoneId.of("UTC")));

    for (Map.Entry<String, Trigger> e : schedules.entrySet()) {
      Trigger trigger = e.getValue();
      out.println(e.getKey());
      out.println("  " + trigger.describe(Locale.ENGLISH));
      List<ZonedDateTime> fires = trigger.next(now.atZone(trigger.zone()), 3);
      for (ZonedDateTime fire : fires) {
        out.println("  next: " + FIRE.format(fire));
      }
      out.println();
    }

    MaintenanceWindow nightlyBlackout =
        MaintenanceWindow.builder("nightly-blackout")
            .name("Nightly database maintenance")
            .cron("0 1 * * *")
            .zone(ZoneId.of("Europe/Berlin"))
            .duration(Duration.ofHours(3))
            .kind(MaintenanceWindow.Kind.BLACKOUT)
            .allowedPriorities(Priority.CRITICAL)
            .scope(WindowScope.groups("databases"))
            .build();
    MaintenanceWindow weekendPatching =
        MaintenanceWindow.builder("weekend-patching")
            .name("Weekend patch window")
            .cron("0 22 * * SAT")
            .zone(ZoneId.of("America/New_York"))
            .duration(Duration.ofHours(6))
            .kind(MaintenanceWindow.Kind.ALLOW)
            .scope(WindowScope.groups("web"))
            .build();
    MaintenanceCalendar calendar = MaintenanceCalendar.of(nightlyBlackout, weekendPatching);

    out.println("Maintenance windows at " + now);
    for (MaintenanceWindow w : calendar.windows()) {
      boolean open = w.isOpen(now);
      out.println(
          "  "
              + w.id()
              + " ("
              + w.kind()
              + ", "
              + w.cron().describe(Locale.ENGLISH)
              + ", for "
              + w.duration()
              + ", "
              + w.zone()
              + "): "
              + (open ? "OPEN, closes " + w.nextClosing(now).map(Instant::toString).orElse("never")
                  : "closed, opens " + w.nextOpening(now).map(Instant::toString).orElse("never")));
    }
    Set<String> dbGroups = Set.of("databases");
    for (Priority p : List.of(Priority.CRITICAL, Priority.NORMAL)) {
      boolean admitted = calendar.admits(p, now, "db-1", dbGroups);
      out.println(
          "  a "
              + p
              + " job on db-1 (group databases) "
              + (admitted
                  ? "may run now"
                  : "is held until "
                      + calendar
                          .nextAdmission(p, now, "db-1", dbGroups)
                          .map(Instant::toString)
                          .orElse("(no admission within the search horizon)")));
    }
  }
}
