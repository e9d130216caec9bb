package io.scripttask.benchmarks.cluster;

import com.zaxxer.hikari.HikariDataSource;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OnceTrigger;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.TriggeredBy;
import io.scripttask.scheduler.spi.SchedulerStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Our side of {@link ClusterThroughput}: {@code instances} {@link Scheduler}s in this JVM, each
 * with its own instance id, on one {@link JdbcStore} on PostgreSQL (table prefix {@code stb_} in a
 * scratch schema), a no-op transport whose result is complete before {@code execute} returns, and
 * 100 nodes. The clock stops when the last job has been recorded finished ({@link
 * SchedulerEvent.JobFinished}, published after the store recorded it).
 *
 * <p>Two workloads:
 *
 * <ul>
 *   <li>{@code jobs} (the closest equivalent of db-scheduler's "executions due now"): {@code n}
 *       ad-hoc jobs (a bare script run each, as {@code runNow} would create them: {@code
 *       FireKey.adHoc}, status {@code QUEUED}, due now, node {@code n<i % 100>}) are inserted
 *       through {@link SchedulerStore#insert} before the schedulers start; each is then claimed,
 *       handed to the transport and recorded {@code SUCCEEDED}.
 *   <li>{@code fires}: {@code n} one-shot schedules ({@link OnceTrigger}) all due now are created
 *       through {@link SchedulerStore#create}; each is fired (its job inserted), claimed, run and
 *       recorded: one step more per execution than {@code jobs}.
 * </ul>
 *
 * <p>The check afterwards reads the job table: every job {@code SUCCEEDED} in its first attempt,
 * none in any other status, and the transport was handed each execution exactly once.
 */
final class OursThroughput {

  /** The table prefix of our store in the scratch schema. */
  static final String PREFIX = "stb_";

  private static final Clock CLOCK = Clock.systemUTC();

  private OursThroughput() {}

  /** Our settings for a run. */
  record Settings(String workload, boolean poolPerInstance, int poolSize) {
    String describe() {
      return String.format(
          "workload=%s, %s, engine defaults (one engine thread per instance, pollInterval %ds,"
              + " lease %ds), overlap ALLOW, no limits",
          workload,
          poolPerInstance
              ? "one JdbcStore + HikariCP pool of " + poolSize + " per instance"
              : "one JdbcStore shared by all instances, HikariCP pool of " + poolSize,
          Scheduler.DEFAULT_POLL_INTERVAL.toSeconds(),
          Scheduler.DEFAULT_LEASE_DURATION.toSeconds());
    }
  }

  /**
   * Runs one round.
   *
   * @param n how many executions
   * @param instances how many schedulers
   * @param settings our settings
   * @param counter counts statements when not null (profile mode)
   * @return the result
   */
  static RoundResult run(int n, int instances, Settings settings, SqlCounter counter)
      throws Exception {
    String schema = Pg.createSchema("ours");
    List<HikariDataSource> pools = new ArrayList<>();
    List<Scheduler> schedulers = new ArrayList<>();
    try {
      HikariDataSource setupPool = Pg.pool(schema, 4, "ours-setup");
      pools.add(setupPool);
      SchedulerStore setupStore =
          JdbcStore.builder(setupPool).tablePrefix(PREFIX).build().schedulerStore();
      Script script = ClusterSupport.script();
      setupStore.putScript(script);
      List<Node> nodes = ClusterSupport.nodes(100);
      prepare(setupStore, n, settings.workload(), script);

      List<SchedulerStore> stores = new ArrayList<>();
      for (int i = 0; i < (settings.poolPerInstance() ? instances : 1); i++) {
        HikariDataSource pool = Pg.pool(schema, settings.poolSize(), "ours-" + i);
        pools.add(pool);
        DataSource ds = counter == null ? pool : counter.wrap(pool);
        stores.add(
            JdbcStore.builder(ds)
                .tablePrefix(PREFIX)
                .migrateOnStart(false)
                .build()
                .schedulerStore());
      }
      CountDownLatch done = new CountDownLatch(n);
      ClusterSupport.NoopTransport transport = new ClusterSupport.NoopTransport(CLOCK);
      for (int i = 0; i < instances; i++) {
        schedulers.add(
            Scheduler.builder()
                .clock(CLOCK)
                .store(stores.get(settings.poolPerInstance() ? i : 0))
                .nodes(InMemoryNodeDirectory.of(nodes))
                .transport(transport)
                .instanceId("ours-" + i)
                .listener(
                    e -> {
                      if (e instanceof SchedulerEvent.JobFinished f && f.retryAt() == null) {
                        done.countDown();
                      }
                    })
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
            "ours did not finish: " + done.getCount() + " left, " + setupStore.countByStatus());
      }
      long nanos = System.nanoTime() - start;
      long cpu = ClusterSupport.processCpuNanos() - cpu0;
      long db1 = ClusterSupport.postgresCpuNanos();
      long dbCpu = db0 < 0 || db1 < 0 ? -1 : db1 - db0;
      for (Scheduler s : schedulers) {
        s.shutdown(Duration.ofSeconds(5));
      }
      schedulers.clear();
      return verify(schema, n, nanos, cpu, dbCpu, transport);
    } finally {
      for (Scheduler s : schedulers) {
        s.shutdown(Duration.ZERO);
      }
      for (HikariDataSource p : pools) {
        p.close();
      }
      Pg.dropSchema(schema);
    }
  }

  /** Inserts the due work with 4 threads (not timed). */
  private static void prepare(SchedulerStore store, int n, String workload, Script script)
      throws Exception {
    Instant now = CLOCK.instant();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int part = t;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = part; i < n; i += 4) {
                    String node = "n" + (i % 100);
                    if ("fires".equals(workload)) {
                      ScheduleSpec spec =
                          ScheduleSpec.named("once-" + i)
                              .trigger(new OnceTrigger(now, ZoneOffset.UTC))
                              .script(ClusterSupport.SCRIPT)
                              .target(Target.nodes(node))
                              .overlap(OverlapPolicy.ALLOW)
                              .build();
                      store.create(Schedule.create(spec, now, now, "bench"));
                    } else {
                      String id = "job-" + i;
                      Job job =
                          Job.builder(id, null, FireKey.adHoc(id, now, node))
                              .script(script)
                              .dueAt(now)
                              .createdAt(now)
                              .sequence(store.nextSequence())
                              .triggeredBy(TriggeredBy.user("bench"))
                              .build();
                      if (!store.insert(job)) {
                        throw new IllegalStateException("job " + id + " exists");
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : parts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static RoundResult verify(
      String schema,
      int n,
      long nanos,
      long cpu,
      long dbCpu,
      ClusterSupport.NoopTransport transport)
      throws Exception {
    Map<String, Long> byStatus = new TreeMap<>();
    Map<String, Long> byOwner = new TreeMap<>();
    long firstAttempt;
    long schedulesLeft = 0;
    try (Connection c = Pg.connect();
        Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + schema);
      try (ResultSet rs =
          s.executeQuery("SELECT status, COUNT(*) FROM " + PREFIX + "job GROUP BY status")) {
        while (rs.next()) {
          byStatus.put(rs.getString(1), rs.getLong(2));
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT COALESCE(owner, '-'), COUNT(*) FROM " + PREFIX + "job GROUP BY owner")) {
        while (rs.next()) {
          byOwner.put(rs.getString(1), rs.getLong(2));
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT COUNT(*) FROM "
                  + PREFIX
                  + "job WHERE status = 'SUCCEEDED' AND attempt = 1 AND finished_at IS NOT NULL")) {
        rs.next();
        firstAttempt = rs.getLong(1);
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT COUNT(*) FROM " + PREFIX + "schedule WHERE next_fire_time IS NOT NULL")) {
        rs.next();
        schedulesLeft = rs.getLong(1);
      }
    }
    long succeeded = byStatus.getOrDefault(JobStatus.SUCCEEDED.name(), 0L);
    long total = byStatus.values().stream().mapToLong(Long::longValue).sum();
    boolean ok =
        succeeded == n
            && total == n
            && firstAttempt == n
            && transport.distinct() == n
            && transport.duplicates() == 0
            && schedulesLeft == 0;
    String check =
        String.format(
            "jobs %s, %,d SUCCEEDED in attempt 1; transport ran %,d distinct, %d twice;"
                + " by owner %s",
            byStatus, firstAttempt, transport.distinct(), transport.duplicates(), byOwner);
    if (schedulesLeft != 0) {
      check += "; " + schedulesLeft + " schedules still due";
    }
    return new RoundResult(n, nanos, cpu, dbCpu, ok, check);
  }
}
