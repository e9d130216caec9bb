package io.scripttask.jdbc.cluster;

import com.zaxxer.hikari.HikariDataSource;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.SchedulerInstance;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * The main class of one cluster instance in its own JVM, for {@link ClusterCrashTest}: a scheduler
 * on the shared PostgreSQL store whose runs take {@link ClusterCrashTest#RUN_MILLIS} each and are
 * written to a {@link RunLog}.
 *
 * <p>Arguments: JDBC URL, table prefix, instance id, lease in milliseconds, run log file. It prints
 * {@code READY} once started, then obeys lines on its standard input: {@code instances} prints
 * {@code INSTANCES id=alive,...} (its {@link Scheduler#instances()} as of now), {@code shutdown}
 * shuts it down gracefully, prints {@code STOPPED} and exits 0. It exits when its input ends.
 */
public final class ClusterMember {

  private ClusterMember() {}

  /**
   * @param args JDBC URL, table prefix, instance id, lease in milliseconds, run log file
   * @throws Exception if it cannot start
   */
  public static void main(String[] args) throws Exception {
    String url = args[0];
    String prefix = args[1];
    String id = args[2];
    Duration lease = Duration.ofMillis(Long.parseLong(args[3]));
    Path runLog = Path.of(args[4]);
    Clock clock = Clock.systemUTC();
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    try (HikariDataSource pool = SharedPostgres.pool(url, id, 4)) {
      JdbcStore db = JdbcStore.builder(pool).tablePrefix(prefix).build();
      Scheduler scheduler =
          Scheduler.builder()
              .store(db.schedulerStore())
              .nodes(InMemoryNodeDirectory.of(ClusterCrashTest.nodes()))
              .transport(
                  new RecordingTransport(
                      ClusterCrashTest.TRANSPORT,
                      timer,
                      r -> ClusterCrashTest.RUN_MILLIS,
                      new RunLog(runLog, id)))
              .instanceId(id)
              .leaseDuration(lease)
              .pollInterval(Duration.ofMillis(250))
              .build();
      scheduler.start();
      System.out.println("READY");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals("instances")) {
          Instant now = clock.instant();
          System.out.println(
              "INSTANCES "
                  + scheduler.instances().stream()
                      .map((SchedulerInstance i) -> i.id() + "=" + i.alive(now))
                      .collect(Collectors.joining(",")));
        } else if (line.equals("shutdown")) {
          break;
        }
      }
      scheduler.shutdown(Duration.ofSeconds(10));
      System.out.println("STOPPED");
    } finally {
      timer.shutdownNow();
    }
  }
}
