package io.scripttask.samples;

import io.scripttask.scheduler.ConsoleNotifier;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.LocalProcessTransport;
import io.scripttask.scheduler.MaintenanceCalendar;
import io.scripttask.scheduler.MaintenanceWindow;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.NotificationRule;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Priority;
import io.scripttask.scheduler.Retry;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Statistics;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.Variable;
import io.scripttask.scheduler.WindowScope;
import java.io.PrintStream;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * The demo a host application's developer runs first, in three parts.
 *
 * <ol>
 *   <li>{@link #run()}, the time model: a few schedules in different zones, in words, with their
 *       next fire times, and whether now is inside the maintenance windows.
 *   <li>{@link #runEngine(Duration)}, the engine: a handful of schedules firing every few seconds
 *       run real {@code sh} scripts through {@link LocalProcessTransport} on three "localhost"
 *       nodes ({@code web-1}, {@code web-2}, {@code db-1}), with different priorities, one job at a
 *       time per node, a blackout window on the databases that only CRITICAL jobs pass, a
 *       dependency, a failing script that is retried and then notified; every job state change is
 *       printed as one line. Then the scheduler shuts down gracefully.
 *   <li>{@link RemediationDemo}, remediation: a disk-space workflow on a local node, triggered by
 *       metric samples, that branches, retries, notifies the console, and rolls back when told to
 *       fail.
 * </ol>
 *
 * <p>Run it with {@code ./mvnw -B -q -pl samples/plain-java -am compile exec:java}; it exits by
 * itself, about 35 seconds later.
 */
public final class Demo {
  private static final DateTimeFormatter FIRE =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss xxx '['VV']'", Locale.ENGLISH);

  /** The zone of the engine part's schedules and window. */
  private static final ZoneId UTC = ZoneId.of("UTC");

  /** How long {@link #main} lets the engine run. */
  static final Duration ENGINE_RUN = Duration.ofSeconds(20);

  /** How long the database blackout stays open after the engine part starts. */
  static final Duration BLACKOUT = Duration.ofSeconds(6);

  /** How long running jobs may still take when the scheduler shuts down. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

  private final Clock clock;
  private final PrintStream out;

  /**
   * Creates the demo.
   *
   * @param clock the one clock everything reads "now" from; {@link #runEngine(Duration)} needs one
   *     that ticks with real time
   * @param out where the demo prints
   * @throws NullPointerException if an argument is null
   */
  public Demo(Clock clock, PrintStream out) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Runs the three parts of the demo on the system clock, printing to standard output, and returns
   * when the remediation engine has shut down.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Demo demo = new Demo(Clock.systemUTC(), System.out);
    demo.run();
    System.out.println();
    demo.runEngine(ENGINE_RUN);
    System.out.println();
    new RemediationDemo(Clock.systemUTC(), System.out).run();
  }

  /**
   * Prints the schedules, their next fires and the maintenance windows' state at the clock's now.
   */
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
              + (open
                  ? "OPEN, closes " + w.nextClosing(now).map(Instant::toString).orElse("never")
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

  /**
   * Runs the engine part: builds a scheduler on three local nodes, lets its schedules fire for
   * {@code runFor}, then shuts it down with a grace of {@link #SHUTDOWN_GRACE} and prints a
   * summary. Blocks until the scheduler has shut down, so at most about {@code runFor} plus the
   * grace. Every line after the header is printed by an {@link EventPrinter} (one per event) or by
   * the {@link ConsoleNotifier}; the offsets count from the clock's instant when this method
   * starts.
   *
   * <p>What it shows:
   *
   * <ul>
   *   <li><b>Window</b>: {@code db-blackout}, a {@code BLACKOUT} on group {@code databases} whose
   *       daily cron opening is the start second and whose duration ends it {@link #BLACKOUT} after
   *       the start: CRITICAL {@code db-health} runs on {@code db-1} in it, NORMAL {@code
   *       disk-check} waits ({@code WAITING MAINTENANCE_WINDOW}) and runs when it closes, and runs
   *       on the web nodes meanwhile.
   *   <li><b>Node limit</b>: every schedule has {@code Limits.perNode(1)}, so jobs firing together
   *       on one node wait ({@code WAITING NODE_LIMIT}) and start one after the other, highest
   *       priority first.
   *   <li><b>Dependency</b>: {@code reload-app} runs on a web node only after {@code fetch-config}
   *       (which takes a second) succeeded there ({@code WAITING DEPENDENCY} meanwhile).
   *   <li><b>Retry and notification</b>: {@code report-upload}, once two seconds after the start,
   *       exits 3 on each of its three attempts (exponential backoff from 500 ms); the final
   *       failure is sent to the {@code console} notifier channel.
   *   <li><b>Variables</b>: {@code ENVIRONMENT} (global) and {@code ROLE} (node-scoped) reach the
   *       scripts as environment variables ({@code $ENVIRONMENT}, {@code $ROLE}).
   * </ul>
   *
   * @param runFor how long schedules fire before the shutdown starts, positive; at least 8 seconds
   *     for every behaviour above to show up
   * @throws NullPointerException if {@code runFor} is null
   * @throws ValidationException if {@code runFor} is not positive
   */
  public void runEngine(Duration runFor) {
    Objects.requireNonNull(runFor, "runFor");
    if (runFor.isNegative() || runFor.isZero()) {
      throw new ValidationException("runFor", "be positive", runFor);
    }
    Instant start = clock.instant();
    EventPrinter printer = new EventPrinter(start, out);

    List<Node> nodeList =
        List.of(
            Node.of("web-1", LocalProcessTransport.DEFAULT_NAME).withGroups(Set.of("web")),
            Node.of("web-2", LocalProcessTransport.DEFAULT_NAME).withGroups(Set.of("web")),
            Node.of("db-1", LocalProcessTransport.DEFAULT_NAME).withGroups(Set.of("databases")));
    InMemoryNodeDirectory nodes = InMemoryNodeDirectory.of(nodeList);

    InMemorySchedulerStore store = new InMemorySchedulerStore();
    List<Variable> variables =
        List.of(
            Variable.global("ENVIRONMENT", "staging"),
            Variable.node("web-1", "ROLE", "web frontend"),
            Variable.node("web-2", "ROLE", "web frontend"),
            Variable.node("db-1", "ROLE", "primary database"));
    variables.forEach(store::putVariable);

    MaintenanceWindow blackout = blackoutFrom(start);

    out.println("ScriptTask for Java: the engine, on real processes, for " + seconds(runFor));
    out.println("  started " + start + "; the times below are offsets from it");
    StringJoiner nodeLine = new StringJoiner(", ", "  nodes: ", ", all on transport \"local\"");
    nodeList.forEach(n -> nodeLine.add(n.id() + " (group " + String.join(",", n.groups()) + ")"));
    out.println(nodeLine);
    StringJoiner variableLine = new StringJoiner(", ", "  variables: ", "");
    variables.forEach(
        v ->
            variableLine.add(
                v.name()
                    + "=\""
                    + v.value()
                    + "\" ("
                    + v.scope().name().toLowerCase(Locale.ROOT)
                    + (v.scopeId() == null ? "" : " " + v.scopeId())
                    + ")"));
    out.println(variableLine);
    out.println(
        "  window "
            + blackout.id()
            + ": "
            + blackout.kind()
            + " on group databases, opens daily at cron \""
            + blackoutCron(start)
            + "\" (UTC) for "
            + seconds(blackout.duration())
            + ": "
            + (blackout.isOpen(start) ? "open now" : "closed now")
            + ", closes at "
            + blackout.nextClosing(start).map(printer::offset).orElse("never")
            + "; only CRITICAL jobs run in it");
    out.println("  every schedule: Limits.perNode(1), so a node runs one job at a time");
    out.println("  columns: offset, schedule, node, priority, job, status, details");
    out.println();

    try (LocalProcessTransport local = LocalProcessTransport.builder().clock(clock).build()) {
      Scheduler scheduler =
          Scheduler.builder()
              .clock(clock)
              .store(store)
              .nodes(nodes)
              .transport(local)
              .notifier(new ConsoleNotifier("console", out))
              .listener(printer)
              // deliver events on the thread that caused them: lines and notifications in order
              .eventExecutor(Runnable::run)
              .pollInterval(Duration.ofSeconds(1))
              .instanceId("demo")
              .build();
      scheduler.catalog().putWindow(blackout);
      addSchedules(scheduler, start);

      scheduler.start();
      pause(runFor);
      out.printf(
          Locale.ROOT,
          "%8s  %s%n",
          printer.offset(clock.instant()),
          "shutting down: no more fires or dispatches; running jobs get "
              + seconds(SHUTDOWN_GRACE)
              + " to finish");
      scheduler.shutdown(SHUTDOWN_GRACE);

      Statistics stats = scheduler.statistics(0);
      StringJoiner counts = new StringJoiner(", ");
      for (JobStatus status : JobStatus.values()) {
        long n = stats.jobsByStatus().getOrDefault(status, 0L);
        if (n > 0) {
          counts.add(n + " " + status);
        }
      }
      out.printf(
          Locale.ROOT,
          "%8s  %s%n",
          printer.offset(clock.instant()),
          "shut down; jobs: "
              + (counts.length() == 0 ? "none" : counts.toString())
              + (stats.queued() > 0 ? " (pending jobs stay in the store for the next start)" : ""));
    }
  }

  /** The 6-field (Spring) cron that opens the blackout daily at the start's second, in UTC. */
  private static String blackoutCron(Instant start) {
    ZonedDateTime opening = start.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneOffset.UTC);
    return opening.getSecond() + " " + opening.getMinute() + " " + opening.getHour() + " * * *";
  }

  /**
   * A blackout of group {@code databases}, open from the start's second (its cron's opening) until
   * {@link #BLACKOUT} after the start, letting CRITICAL jobs through.
   */
  private static MaintenanceWindow blackoutFrom(Instant start) {
    Instant opening = start.truncatedTo(ChronoUnit.SECONDS);
    return MaintenanceWindow.builder("db-blackout")
        .name("Database maintenance")
        .cron(blackoutCron(start))
        .zone(UTC)
        .duration(Duration.between(opening, start.plus(BLACKOUT)))
        .kind(MaintenanceWindow.Kind.BLACKOUT)
        .allowedPriorities(Priority.CRITICAL)
        .scope(WindowScope.groups("databases"))
        .build();
  }

  private static void addSchedules(Scheduler scheduler, Instant start) {
    Limits oneAtATime = Limits.perNode(1);
    scheduler
        .catalog()
        .putScript(
            Script.builder("db-health")
                .content("echo \"replication healthy on the $ROLE ($ENVIRONMENT)\"\n" + "uptime\n")
                .build());
    scheduler
        .catalog()
        .putScript(Script.builder("disk-check").content("df -h / | tail -n 1\n").build());
    scheduler
        .catalog()
        .putScript(
            Script.builder("fetch-config")
                .content("echo \"fetched $ENVIRONMENT config for the $ROLE\"\nsleep 1\n")
                .build());
    scheduler
        .catalog()
        .putScript(
            Script.builder("reload-app")
                .content("echo \"reloaded the $ROLE with the new config\"\n")
                .build());
    scheduler
        .catalog()
        .putScript(
            Script.builder("report-upload")
                .content(
                    "echo \"uploading the $ENVIRONMENT report\"\n"
                        + "echo \"upload failed: server answered 503\" >&2\n"
                        + "exit 3\n")
                .build());

    scheduler
        .schedules()
        .create(
            ScheduleSpec.named("db-health")
                .cron("*/4 * * * * *")
                .zone(UTC)
                .script("db-health")
                .target(Target.nodes("db-1"))
                .priority(Priority.CRITICAL)
                .limits(oneAtATime)
                .description("on db-1 (passes the blackout)")
                .build(),
            "demo");
    scheduler
        .schedules()
        .create(
            ScheduleSpec.named("disk-check")
                .cron("*/5 * * * * *")
                .zone(UTC)
                .script("disk-check")
                .target(Target.groups("web", "databases"))
                .priority(Priority.NORMAL)
                .limits(oneAtATime)
                .overlap(OverlapPolicy.QUEUE)
                .description("on every node (held on db-1 by the blackout)")
                .build(),
            "demo");
    scheduler
        .schedules()
        .create(
            ScheduleSpec.named("fetch-config")
                .cron("*/5 * * * * *")
                .zone(UTC)
                .script("fetch-config")
                .target(Target.groups("web"))
                .priority(Priority.HIGH)
                .limits(oneAtATime)
                .description("on the web nodes, takes 1 s")
                .build(),
            "demo");
    scheduler
        .schedules()
        .create(
            ScheduleSpec.named("reload-app")
                .cron("*/5 * * * * *")
                .zone(UTC)
                .script("reload-app")
                .target(Target.groups("web"))
                .priority(Priority.NORMAL)
                .limits(oneAtATime)
                .dependsOn("fetch-config")
                .description("on the web nodes, after fetch-config succeeded there")
                .build(),
            "demo");
    scheduler
        .schedules()
        .create(
            ScheduleSpec.named("report-upload")
                .trigger(Trigger.once(start.truncatedTo(ChronoUnit.SECONDS).plusSeconds(2), UTC))
                .script("report-upload")
                .target(Target.nodes("web-2"))
                .priority(Priority.NORMAL)
                .limits(oneAtATime)
                .retry(Retry.exponential(3, Duration.ofMillis(500)))
                .notify(NotificationRule.on("console", NotificationRule.Event.JOB_FAILED))
                .description("on web-2, exits 3; 3 attempts, then notifies channel console")
                .build(),
            "demo");
  }

  /** Waits {@code d} of elapsed time; an interrupt ends the wait early (and stays set). */
  private static void pause(Duration d) {
    try {
      TimeUnit.NANOSECONDS.sleep(d.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
