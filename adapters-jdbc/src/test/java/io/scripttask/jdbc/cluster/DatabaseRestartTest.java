package io.scripttask.jdbc.cluster;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.MisfirePolicy;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.SchedulerInstance;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.spi.ExecutionRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A scheduler runs on a PostgreSQL that the test started itself ({@link LocalPostgres}: its own
 * data directory and port); mid-run the server is stopped ({@code pg_ctl stop -m fast}, which cuts
 * every session) for about five seconds, longer than the instance's lease, and started again.
 * Schedules fire every second over an 18-second window; runs take {@value #RUN_MILLIS} ms, so some
 * are going when the server goes away.
 *
 * <p>What it proves:
 *
 * <ul>
 *   <li>the scheduler survives the outage: it logs the failures, keeps running (no crash, its
 *       engine thread goes on), reconnects through its pool when the server is back, and renews its
 *       lease;
 *   <li>nothing is lost or duplicated: every fire of the window has exactly one job on every
 *       schedule, with the default misfire policy ({@code RUN_ONCE}, threshold one minute: the
 *       outage is shorter, so every fire counts as on time) and with {@code RUN_ALL} and a
 *       one-second threshold (every missed fire caught up); every job succeeded, including those
 *       whose run was going when the server stopped (their results are kept and recorded after the
 *       restart), and every run was started once.
 * </ul>
 *
 * <p>Skipped, saying why, where no PostgreSQL binaries are installed.
 */
class DatabaseRestartTest {

  private static final long RUN_MILLIS = 300;
  private static final int WINDOW_SECONDS = 18;
  private static final int STEADY = 10;
  private static final int CATCH_UP = 5;
  private static final Duration OUTAGE = Duration.ofSeconds(5);
  private static final Duration LEASE = Duration.ofSeconds(4);
  private static final Clock CLOCK = Clock.systemUTC();

  @Test
  void schedulerReconnectsAfterTheDatabaseRestartsAndLosesNoFire() throws Exception {
    Optional<String> why = LocalPostgres.unavailable();
    Assumptions.assumeTrue(
        why.isEmpty(), () -> "no PostgreSQL server can be started by the test: " + why.get());
    Logger engineLog = Logger.getLogger("io.scripttask");
    ConcurrentLinkedQueue<String> warnings = new ConcurrentLinkedQueue<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
              warnings.add(r.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    engineLog.addHandler(capture);
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
    Scheduler scheduler = null;
    try (LocalPostgres pg = LocalPostgres.start();
        HikariDataSource pool = pool(pg.url())) {
      JdbcStore db = JdbcStore.builder(pool).build();
      scheduler =
          Scheduler.builder()
              .store(db.schedulerStore())
              .nodes(InMemoryNodeDirectory.of(Node.of("r-0", "noop"), Node.of("r-1", "noop")))
              .transport(
                  new RecordingTransport(
                      "noop",
                      timer,
                      r -> RUN_MILLIS,
                      new RecordingTransport.Recorder() {
                        @Override
                        public void started(ExecutionRequest r, long startNanos) {
                          starts
                              .computeIfAbsent(r.executionId(), k -> new AtomicInteger())
                              .incrementAndGet();
                        }

                        @Override
                        public void ended(ExecutionRequest r, long s, long e, boolean c) {}
                      }))
              .instanceId("db-restart")
              .leaseDuration(LEASE)
              .pollInterval(Duration.ofMillis(250))
              .build();
      scheduler.catalog().putScript(Script.builder("work").content("true").build());
      FireWindow window = FireWindow.from(CLOCK.instant().plusSeconds(2), WINDOW_SECONDS);
      for (int i = 0; i < STEADY + CATCH_UP; i++) {
        ScheduleSpec.Builder b =
            ScheduleSpec.named(i < STEADY ? "steady-" + i : "catch-up-" + i)
                .cron(window.cron())
                .zone(ZoneOffset.UTC)
                .script("work")
                .target(Target.nodes("r-0", "r-1"))
                .overlap(OverlapPolicy.ALLOW);
        if (i >= STEADY) {
          b.misfire(MisfirePolicy.RUN_ALL).misfireThreshold(Duration.ofSeconds(1)).maxCatchUp(100);
        }
        scheduler.schedules().create(b.build(), "it");
      }
      int expected = (STEADY + CATCH_UP) * 2 * WINDOW_SECONDS;
      scheduler.start();

      Instant stopAt = window.start().plusSeconds(5);
      await().atMost(Duration.ofSeconds(30)).until(() -> !CLOCK.instant().isBefore(stopAt));
      pg.stopServer();
      Instant stoppedAt = CLOCK.instant();
      int warningsBefore = warnings.size();
      Instant restartAt = stoppedAt.plus(OUTAGE);
      await().atMost(Duration.ofSeconds(30)).until(() -> !CLOCK.instant().isBefore(restartAt));
      int warningsDuringOutage = warnings.size() - warningsBefore;
      assertThat(scheduler.isRunning()).as("running through the outage").isTrue();
      pg.startServer();
      Instant startedAt = CLOCK.instant();

      Scheduler s = scheduler;
      await()
          .atMost(Duration.between(CLOCK.instant(), window.end()).plusSeconds(25))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(
              () -> {
                Map<JobStatus, Long> byStatus = db.schedulerStore().countByStatus();
                long finished =
                    byStatus.entrySet().stream()
                        .filter(e -> e.getKey().isFinal())
                        .mapToLong(Map.Entry::getValue)
                        .sum();
                return finished >= expected && !CLOCK.instant().isBefore(window.end());
              });
      Instant now = CLOCK.instant();
      List<SchedulerInstance> instances = s.instances();
      assertThat(instances).extracting(SchedulerInstance::id).containsExactly("db-restart");
      assertThat(instances.get(0).alive(now)).as("lease renewed after the restart").isTrue();
      assertThat(scheduler.isRunning()).isTrue();
      scheduler.shutdown(Duration.ofSeconds(5));

      List<Job> jobs = StoredJobs.all(db.schedulerStore());
      System.out.printf(
          "db restart: stopped %s, started %s; %d warnings logged while down; %d jobs%n",
          stoppedAt, startedAt, warningsDuringOutage, jobs.size());
      assertThat(warningsDuringOutage).as("failures logged while the server was down").isPositive();
      assertThat(jobs).hasSize(expected);
      Map<String, Map<String, List<Instant>>> fires =
          jobs.stream()
              .collect(
                  groupingBy(
                      Job::scheduleId,
                      groupingBy(Job::nodeId, mapping(j -> j.fireKey().fireTime(), toList()))));
      assertThat(fires).hasSize(STEADY + CATCH_UP);
      fires.forEach(
          (schedule, byNode) -> {
            assertThat(byNode.keySet()).as(schedule).containsExactlyInAnyOrder("r-0", "r-1");
            byNode.forEach(
                (node, times) ->
                    assertThat(times)
                        .as(schedule + " on " + node)
                        .containsExactlyInAnyOrderElementsOf(window.fires()));
          });
      assertThat(jobs)
          .allSatisfy(
              j -> {
                assertThat(j.status()).as(j.toString()).isEqualTo(JobStatus.SUCCEEDED);
                assertThat(starts.get(j.id() + "#" + j.attempt())).as(j.toString()).hasValue(1);
              });
      assertThat(jobs)
          .filteredOn(j -> j.fireKey().fireTime().isAfter(startedAt))
          .as("fires after the restart ran")
          .isNotEmpty();
      List<String> doubles = new ArrayList<>();
      starts.forEach(
          (id, n) -> {
            if (n.get() != 1) {
              doubles.add(id + " x" + n.get());
            }
          });
      assertThat(doubles).as("runs started more than once").isEmpty();
    } finally {
      if (scheduler != null) {
        scheduler.shutdown(Duration.ZERO);
      }
      timer.shutdownNow();
      engineLog.removeHandler(capture);
    }
  }

  /** A pool that gives up on a connection within a second, as a pool in production should. */
  private static HikariDataSource pool(String url) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setPoolName("db-restart");
    c.setMaximumPoolSize(4);
    c.setMinimumIdle(1);
    c.setConnectionTimeout(1_000);
    c.setValidationTimeout(500);
    return new HikariDataSource(c);
  }
}
