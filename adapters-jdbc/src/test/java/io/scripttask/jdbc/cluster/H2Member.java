package io.scripttask.jdbc.cluster;

import io.scripttask.jdbc.JdbcStore;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.MisfirePolicy;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Retry;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.spi.ExecutionRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The main class of the single scheduler instance of {@link H2RestartTest}, in its own JVM, on an
 * H2 file ({@link JdbcStore#h2(Path)}), with the default lease. Each schedule has a node of its own
 * named like it, so that the run log tells the schedules apart.
 *
 * <p>Arguments: H2 file, instance id, run log file, {@code plan} or {@code run}. With {@code plan}
 * it first creates the scripts and the schedules of {@link #specs(Instant)} around a base instant
 * {@code P} (the next whole second at least two seconds ahead) and prints {@code PLAN <P>}. It
 * prints {@code READY} once started, and on the input line {@code shutdown} shuts down gracefully,
 * prints {@code STOPPED} and exits 0.
 */
public final class H2Member {

  /** The every-second schedule: catch-up of every missed fire ({@code RUN_ALL}). */
  static final String STEADY = "steady";

  /** Fires once at P+1; its run takes a minute at the first attempt; one retry. */
  static final String SLOW_RETRY = "slow-retry";

  /** Fires once at P+1; its run takes a minute; no retry. */
  static final String SLOW_FAIL = "slow-fail";

  /** Fires once while the instance is down; {@code RUN_ONCE}. */
  static final String MISSED_ONCE = "missed-once";

  /** Fires once while the instance is down; {@code SKIP}. */
  static final String MISSED_SKIP = "missed-skip";

  /** When the test kills the first process, in seconds after P. */
  static final int KILL_AFTER = 4;

  /** When the missed schedules fire, in seconds after P: while the instance is down. */
  static final int MISSED_AT = KILL_AFTER + 2;

  /** The misfire threshold of the schedules. */
  static final Duration THRESHOLD = Duration.ofSeconds(1);

  private static final String TRANSPORT = "local-noop";

  private H2Member() {}

  /**
   * @return one node per schedule, named like it
   */
  static List<Node> nodes() {
    return List.of(STEADY, SLOW_RETRY, SLOW_FAIL, MISSED_ONCE, MISSED_SKIP).stream()
        .map(n -> Node.of(n, TRANSPORT))
        .toList();
  }

  /**
   * @param p the base instant
   * @return the schedules
   */
  static List<ScheduleSpec> specs(Instant p) {
    return List.of(
        spec(STEADY, "quick")
            .trigger(Trigger.every(Duration.ofSeconds(1), p, ZoneOffset.UTC))
            .misfire(MisfirePolicy.RUN_ALL)
            .maxCatchUp(100)
            .retry(Retry.exponential(3, Duration.ofSeconds(1)))
            .build(),
        spec(SLOW_RETRY, "slow")
            .trigger(Trigger.once(p.plusSeconds(1), ZoneOffset.UTC))
            .retry(Retry.exponential(2, Duration.ofSeconds(1)))
            .build(),
        spec(SLOW_FAIL, "slow").trigger(Trigger.once(p.plusSeconds(1), ZoneOffset.UTC)).build(),
        spec(MISSED_ONCE, "quick")
            .trigger(Trigger.once(p.plusSeconds(MISSED_AT), ZoneOffset.UTC))
            .misfire(MisfirePolicy.RUN_ONCE)
            .build(),
        spec(MISSED_SKIP, "quick")
            .trigger(Trigger.once(p.plusSeconds(MISSED_AT), ZoneOffset.UTC))
            .misfire(MisfirePolicy.SKIP)
            .build());
  }

  private static ScheduleSpec.Builder spec(String name, String script) {
    return ScheduleSpec.named(name)
        .script(script)
        .target(Target.nodes(name))
        .misfireThreshold(THRESHOLD)
        .overlap(OverlapPolicy.ALLOW);
  }

  /** A first attempt of the slow script takes a minute, anything else a moment. */
  private static long millis(ExecutionRequest r) {
    boolean first = r.executionId().endsWith("#1");
    return r.script().id().equals("slow") && first ? 60_000 : 50;
  }

  /**
   * @param args H2 file, instance id, run log file, {@code plan} or {@code run}
   * @throws Exception if it cannot start
   */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String id = args[1];
    Path runLog = Path.of(args[2]);
    boolean plan = args[3].equals("plan");
    Clock clock = Clock.systemUTC();
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    try (JdbcStore db = JdbcStore.h2(file)) {
      Scheduler scheduler =
          Scheduler.builder()
              .store(db.schedulerStore())
              .nodes(InMemoryNodeDirectory.of(nodes()))
              .transport(
                  new RecordingTransport(
                      TRANSPORT, timer, H2Member::millis, new RunLog(runLog, id)))
              .instanceId(id)
              .pollInterval(Duration.ofMillis(250))
              .build();
      if (plan) {
        scheduler.catalog().putScript(Script.builder("quick").content("true").build());
        scheduler.catalog().putScript(Script.builder("slow").content("sleep 60").build());
        Instant p = clock.instant().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        for (ScheduleSpec spec : specs(p)) {
          scheduler.schedules().create(spec, "it");
        }
        System.out.println("PLAN " + p);
      }
      scheduler.start();
      System.out.println("READY");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("shutdown")) {
        // wait for the word
      }
      scheduler.shutdown(Duration.ofSeconds(10));
      System.out.println("STOPPED");
    } finally {
      timer.shutdownNow();
    }
  }
}
