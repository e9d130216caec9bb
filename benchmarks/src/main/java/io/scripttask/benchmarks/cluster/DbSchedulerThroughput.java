package io.scripttask.benchmarks.cluster;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The peer's side of {@link ClusterThroughput}: db-scheduler (com.github.kagkarlsson:db-scheduler)
 * on PostgreSQL, the workload of its own {@code docs/performance.md}: {@code n} one-time executions
 * of a no-op task are inserted, all due now, while no scheduler runs; then {@code instances}
 * schedulers start in this JVM, each with its own HikariCP pool and its own scheduler name,
 * competing for the executions; the clock stops when the last execution has completed (its row
 * deleted: db-scheduler's {@code onExecutionComplete} listener fires after the completion handler
 * removed the row).
 *
 * <p>Settings (the fast ones its performance doc recommends): polling strategy {@code
 * lock-and-fetch} ({@code SELECT … FOR UPDATE SKIP LOCKED} in one {@code UPDATE … RETURNING}
 * statement), {@code threads} executor threads per instance, lower/upper limits as fractions of the
 * threads, a pool of {@code threads + 2} connections per instance, immediate execution off (nothing
 * is scheduled while it runs), polling interval {@code pollMillis}.
 */
final class DbSchedulerThroughput {

  private DbSchedulerThroughput() {}

  /** db-scheduler's settings for a run. */
  record Settings(int threads, double lower, double upper, Duration pollingInterval) {
    String describe() {
      return String.format(
          "lock-and-fetch, threads=%d, lowerLimit=%.1f, upperLimit=%.1f (batch %d-%d),"
              + " pollingInterval=%dms, pool=%d per instance",
          threads,
          lower,
          upper,
          (int) (threads * lower),
          (int) (threads * upper),
          pollingInterval.toMillis(),
          threads + 2);
    }
  }

  /** The table, as db-scheduler's PostgreSQL table definition gives it. */
  private static final String DDL =
      """
      CREATE TABLE scheduled_tasks (
        task_name TEXT NOT NULL,
        task_instance TEXT NOT NULL,
        task_data BYTEA,
        execution_time TIMESTAMP WITH TIME ZONE NOT NULL,
        picked BOOLEAN NOT NULL,
        picked_by TEXT,
        last_success TIMESTAMP WITH TIME ZONE,
        last_failure TIMESTAMP WITH TIME ZONE,
        consecutive_failures INT,
        last_heartbeat TIMESTAMP WITH TIME ZONE,
        version BIGINT NOT NULL,
        priority SMALLINT,
        PRIMARY KEY (task_name, task_instance)
      );
      CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
      CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
      CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
      """;

  /**
   * Runs one round.
   *
   * @param n how many executions
   * @param instances how many schedulers
   * @param settings db-scheduler's settings
   * @param counter counts statements when not null (profile mode)
   * @return the result
   */
  static RoundResult run(int n, int instances, Settings settings, SqlCounter counter)
      throws Exception {
    String schema = Pg.createSchema("dbs");
    List<HikariDataSource> pools = new ArrayList<>();
    List<Scheduler> schedulers = new ArrayList<>();
    try {
      HikariDataSource setupPool = Pg.pool(schema, 2, "dbs-setup");
      pools.add(setupPool);
      try (Connection c = setupPool.getConnection();
          Statement s = c.createStatement()) {
        s.execute(DDL);
      }
      Map<String, AtomicInteger> executed = new ConcurrentHashMap<>();
      OneTimeTask<Void> task =
          Tasks.oneTime("noop")
              .execute(
                  (instance, ctx) ->
                      executed
                          .computeIfAbsent(instance.getId(), k -> new AtomicInteger())
                          .incrementAndGet());

      // insert the due executions with the client's batch insert (not timed)
      SchedulerClient client = SchedulerClient.Builder.create(setupPool, task).build();
      Instant due = java.time.Clock.systemUTC().instant();
      List<TaskInstance<?>> batch = new ArrayList<>(1000);
      for (int i = 0; i < n; i++) {
        batch.add(task.instance("e" + i));
        if (batch.size() == 1000 || i == n - 1) {
          client.scheduleBatch(batch, due);
          batch.clear();
        }
      }
      long inserted = Pg.queryLong(schema, "SELECT COUNT(*) FROM scheduled_tasks");
      if (inserted != n) {
        throw new IllegalStateException("inserted " + inserted + " executions, expected " + n);
      }

      CountDownLatch done = new CountDownLatch(n);
      AtomicInteger failed = new AtomicInteger();
      AbstractSchedulerListener listener =
          new AbstractSchedulerListener() {
            @Override
            public void onExecutionComplete(ExecutionComplete complete) {
              if (complete.getResult() == ExecutionComplete.Result.OK) {
                done.countDown();
              } else {
                failed.incrementAndGet();
              }
            }
          };
      for (int i = 0; i < instances; i++) {
        HikariDataSource pool = Pg.pool(schema, settings.threads() + 2, "dbs-" + i);
        pools.add(pool);
        DataSource ds = counter == null ? pool : counter.wrap(pool);
        schedulers.add(
            Scheduler.create(ds, task)
                .schedulerName(new SchedulerName.Fixed("dbs-" + i))
                .threads(settings.threads())
                .pollUsingLockAndFetch(settings.lower(), settings.upper())
                .pollingInterval(settings.pollingInterval())
                .addSchedulerListener(listener)
                .shutdownMaxWait(Duration.ofSeconds(5))
                .build());
      }
      if (counter != null) {
        counter.reset();
      }
      long cpu0 = ClusterSupport.processCpuNanos();
      long db0 = ClusterSupport.postgresCpuNanos();
      long start = System.nanoTime();
      for (Scheduler s : schedulers) {
        s.start();
      }
      if (!done.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            "db-scheduler did not finish: " + done.getCount() + " left, " + failed + " failed");
      }
      long nanos = System.nanoTime() - start;
      long cpu = ClusterSupport.processCpuNanos() - cpu0;
      long db1 = ClusterSupport.postgresCpuNanos();
      long dbCpu = db0 < 0 || db1 < 0 ? -1 : db1 - db0;
      for (Scheduler s : schedulers) {
        s.stop();
      }
      schedulers.clear();

      // verification: every execution ran exactly once, and its row is gone
      long left = Pg.queryLong(schema, "SELECT COUNT(*) FROM scheduled_tasks");
      long twice = executed.values().stream().filter(c -> c.get() > 1).count();
      String check =
          String.format(
              "executed %,d distinct, %d twice, %d failed, %d rows left",
              executed.size(), twice, failed.get(), left);
      boolean ok = executed.size() == n && twice == 0 && failed.get() == 0 && left == 0;
      return new RoundResult(n, nanos, cpu, dbCpu, ok, check);
    } finally {
      for (Scheduler s : schedulers) {
        s.stop();
      }
      for (HikariDataSource p : pools) {
        p.close();
      }
      Pg.dropSchema(schema);
    }
  }
}
