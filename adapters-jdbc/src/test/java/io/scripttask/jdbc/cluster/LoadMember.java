package io.scripttask.jdbc.cluster;

import com.zaxxer.hikari.HikariDataSource;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.Scheduler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The main class of one cluster instance in its own JVM, for {@link ClusterExactlyOnceTest}: a
 * scheduler on the shared PostgreSQL store, with {@link ClusterExactlyOnceTest#nodes()}, whose runs
 * take {@link ClusterExactlyOnceTest#RUN_MILLIS} each and are written to a {@link RunLog}.
 *
 * <p>Arguments: JDBC URL, table prefix, instance id, run log file. It prints {@code READY} once
 * started; the line {@code shutdown} on its standard input (or the end of it) shuts it down
 * gracefully, then it prints {@code STOPPED} and exits 0.
 */
public final class LoadMember {

  private LoadMember() {}

  /**
   * @param args JDBC URL, table prefix, instance id, run log file
   * @throws Exception if it cannot start
   */
  public static void main(String[] args) throws Exception {
    String url = args[0];
    String prefix = args[1];
    String id = args[2];
    Path runLog = Path.of(args[3]);
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    try (HikariDataSource pool = SharedPostgres.pool(url, id, 4)) {
      JdbcStore db = JdbcStore.builder(pool).tablePrefix(prefix).build();
      Scheduler scheduler =
          Scheduler.builder()
              .store(db.schedulerStore())
              .nodes(InMemoryNodeDirectory.of(ClusterExactlyOnceTest.nodes()))
              .transport(
                  new RecordingTransport(
                      ClusterExactlyOnceTest.TRANSPORT,
                      timer,
                      r -> ClusterExactlyOnceTest.RUN_MILLIS,
                      new RunLog(runLog, id)))
              .instanceId(id)
              .pollInterval(Duration.ofMillis(250))
              .build();
      scheduler.start();
      System.out.println("READY");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("shutdown")) {
        // only "shutdown" is understood
      }
      scheduler.shutdown(Duration.ofSeconds(10));
      System.out.println("STOPPED");
    } finally {
      timer.shutdownNow();
    }
  }
}
