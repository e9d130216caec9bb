package io.scripttask.jdbc.cluster;

import com.zaxxer.hikari.HikariDataSource;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.SchedulerInstance;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * The main class of one cluster instance in its own JVM: a scheduler on the shared PostgreSQL store
 * whose runs are written to a {@link RunLog}. For {@link ClusterCrashTest} (the default) it knows
 * that test's nodes and its runs take {@link ClusterCrashTest#RUN_MILLIS} each; for {@link
 * ClusterExactlyOnceTest} ({@code load}) it knows that test's nodes and its runs take {@link
 * ClusterExactlyOnceTest#RUN_MILLIS} each.
 *
 * <p>Arguments: JDBC URL, table prefix, instance id, lease in milliseconds, run log file, and
 * optionally the test it serves ({@code crash} or {@code load}). It prints {@code READY} once
 * started, then obeys lines on its standard input: {@code instances} prints {@code INSTANCES
 * id=alive,...} (its {@link Scheduler#instances()} as of now), {@code shutdown} shuts it down
 * gracefully, prints {@code STOPPED} and exits 0. It exits when its input ends.
 */
public final class ClusterMember {

  private ClusterMember() {}

  /**
   * @param args JDBC URL, table prefix, instance id, lease in milliseconds, run log file, and
   *     optionally {@code crash} (the default) or {@code load}
   * @throws Exception if it cannot start
   */
  public static void main(String[] args) throws Exception {
    String url = args[0];
    String prefix = args[1];
    String id = args[2];
    Duration lease = Duration.ofMillis(Long.parseLong(args[3]));
    Path runLog = Path.of(args[4]);
    boolean load = args.length > 5 && args[5].equals("load");
    List<Node> nodes = load ? ClusterExactlyOnceTest.nodes() : ClusterCrashTest.nodes();
    String transport = load ? ClusterExactlyOnceTest.TRANSPORT : ClusterCrashTest.TRANSPORT;
    long runMillis = load ? ClusterExactlyOnceTest.RUN_MILLIS : ClusterCrashTest.RUN_MILLIS;
    Clock clock = Clock.systemUTC();
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    try (HikariDataSource pool = SharedPostgres.pool(url, id, 4)) {
      JdbcStore db = JdbcStore.builder(pool).tablePrefix(prefix).build();
      Scheduler scheduler =
          Scheduler.builder()
              .store(db.schedulerStore())
              .nodes(InMemoryNodeDirectory.of(nodes))
              .transport(
                  new RecordingTransport(transport, timer, r -> runMillis, new RunLog(runLog, id)))
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
