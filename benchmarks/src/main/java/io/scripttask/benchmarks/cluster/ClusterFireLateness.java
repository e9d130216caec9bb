package io.scripttask.benchmarks.cluster;

import com.zaxxer.hikari.HikariDataSource;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.IntervalTrigger;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.spi.SchedulerStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fire lateness in cluster mode: {@code instances} (3) {@link Scheduler}s in this JVM, each with
 * its own instance id and its own {@link JdbcStore} and HikariCP pool, share one PostgreSQL schema
 * holding {@code m} (1,000) schedules that each fire every second ({@link IntervalTrigger} of 1 s),
 * their anchors spread over the second (schedule {@code i} at millisecond {@code i * 1000 / m}), so
 * the cluster has 1,000 fires per second to make, one per millisecond. The schedules are registered
 * through the API before the instances start; the fires that fall due meanwhile are misfires,
 * handled while the instances warm up ({@code warmup} seconds after their start, 5, rounded up to
 * the next whole second, not counted). Then {@code seconds} (25) seconds of fires are counted.
 * Every job does nothing (a no-op transport).
 *
 * <p>Lateness is read from the job table afterwards: {@code startedAt - fire time} of every job
 * whose fire time falls in the counted span (the job's {@code startedAt} is the instant of the
 * hand-over to the transport; there is no jitter, so the fire time is the due time). It is split
 * into the time to fire ({@code createdAt - fire time}: the job row was inserted by the pass that
 * started at {@code createdAt}) and the time to dispatch ({@code startedAt - createdAt}). The run
 * also checks exactly-once: one job per fire key (the unique index holds that; the harness counts
 * it again), every fire of the counted span present, and the transport handed each execution once.
 *
 * <p>System properties: {@code instances} (3), {@code m} (1000), {@code seconds} (25), {@code
 * overlap} ({@code SKIP}, the library default, or {@code ALLOW}), {@code lead} (20), {@code warmup}
 * (3), {@code poolSize} (per instance, 4).
 */
public final class ClusterFireLateness {

  private static final Clock CLOCK = Clock.systemUTC();

  private ClusterFireLateness() {}

  /**
   * Runs the measurement and prints the lateness percentiles and the exactly-once check.
   *
   * @param args ignored; see the class comment for the system properties
   * @throws Exception if a scheduler or the database fails
   */
  public static void main(String[] args) throws Exception {
    ClusterSupport.quietLogging();
    int instances = Integer.getInteger("instances", 3);
    int m = Integer.getInteger("m", 1000);
    int seconds = Integer.getInteger("seconds", 20);
    int warmup = Integer.getInteger("warmup", 3);
    int lead = Integer.getInteger("lead", 20);
    int poolSize = Integer.getInteger("poolSize", 4);
    OverlapPolicy overlap = OverlapPolicy.valueOf(System.getProperty("overlap", "SKIP"));
    ClusterSupport.printMachine(
        String.format(
            "ClusterFireLateness instances=%d m=%d seconds=%d (after %d s warm-up) overlap=%s"
                + " pool=%d per instance",
            instances, m, seconds, warmup, overlap, poolSize));

    String schema = Pg.createSchema("late");
    List<HikariDataSource> pools = new ArrayList<>();
    List<Scheduler> schedulers = new ArrayList<>();
    try {
      ClusterSupport.NoopTransport transport = new ClusterSupport.NoopTransport(CLOCK);
      List<SchedulerStore> stores = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        HikariDataSource pool = Pg.pool(schema, poolSize, "late-" + i);
        pools.add(pool);
        stores.add(
            JdbcStore.builder(pool).tablePrefix(OursThroughput.PREFIX).build().schedulerStore());
        schedulers.add(
            Scheduler.builder()
                .clock(CLOCK)
                .store(stores.get(i))
                .nodes(InMemoryNodeDirectory.of(ClusterSupport.nodes(1)))
                .transport(transport)
                .instanceId("late-" + i)
                .listener(e -> {})
                .build());
      }
      Scheduler first = schedulers.get(0);
      first.catalog().putScript(ClusterSupport.script());
      // schedule i first fires at millisecond i * 1000 / m of the second `lead` seconds from now,
      // then every second; registration must end before that
      Instant anchorBase = CLOCK.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(lead);
      long registerStart = System.nanoTime();
      ExecutorService registering = Executors.newFixedThreadPool(instances);
      try {
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < instances; t++) {
          Scheduler via = schedulers.get(t);
          int part = t;
          parts.add(
              registering.submit(
                  () -> {
                    for (int i = part; i < m; i += instances) {
                      Instant anchor = anchorBase.plusNanos((long) i * 1_000_000_000L / m);
                      via.schedules()
                          .create(
                              ScheduleSpec.named(String.format("every-second-%04d", i))
                                  .trigger(
                                      new IntervalTrigger(
                                          Duration.ofSeconds(1), anchor, ZoneOffset.UTC))
                                  .script(ClusterSupport.SCRIPT)
                                  .target(Target.nodes("n0"))
                                  .overlap(overlap)
                                  .build(),
                              "bench");
                    }
                    return null;
                  }));
        }
        for (Future<?> f : parts) {
          f.get();
        }
      } finally {
        registering.shutdown();
      }
      double registerSeconds = (System.nanoTime() - registerStart) / 1e9;
      System.out.printf(
          "registered %d schedules through the API (%d threads) in %.1f s%n",
          m, instances, registerSeconds);
      Instant started = CLOCK.instant();
      if (!started.isBefore(anchorBase)) {
        throw new IllegalStateException(
            "registering took " + registerSeconds + " s, longer than the lead of " + lead + " s");
      }
      for (Scheduler s : schedulers) {
        s.start();
      }
      Instant base = anchorBase.plusSeconds(warmup);
      Instant end = base.plusSeconds(seconds);
      Thread.sleep(Math.max(0, Duration.between(CLOCK.instant(), end).toMillis()) + 1000);
      long stopStart = System.nanoTime();
      List<Thread> stopping = new ArrayList<>();
      for (Scheduler s : schedulers) {
        Thread t = new Thread(() -> s.shutdown(Duration.ofSeconds(5)));
        t.start();
        stopping.add(t);
      }
      for (Thread t : stopping) {
        t.join();
      }
      schedulers.clear();
      System.out.printf(
          "instances started at %s, counted fires from %s to %s, shutdown took %.1f s%n",
          started, base, end, (System.nanoTime() - stopStart) / 1e9);
      report(stores.get(0), transport, base, end, m, seconds);
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

  private static void report(
      SchedulerStore store,
      ClusterSupport.NoopTransport transport,
      Instant base,
      Instant end,
      int m,
      int seconds) {
    Instant countFrom = base;
    List<Long> lateness = new ArrayList<>();
    List<Long> toFire = new ArrayList<>();
    List<Long> toDispatch = new ArrayList<>();
    Map<JobStatus, Long> statuses = new EnumMap<>(JobStatus.class);
    Map<String, Long> owners = new TreeMap<>();
    Map<String, Long> reasons = new TreeMap<>();
    Set<String> keys = new HashSet<>();
    long duplicateKeys = 0;
    long notStarted = 0;
    Page page = Page.first(5000);
    while (page != null) {
      PageResult<Job> r = store.jobs(JobQuery.all(), page);
      for (Job j : r.items()) {
        Instant fire = j.fireKey().fireTime();
        if (fire.isBefore(countFrom) || !fire.isBefore(end)) {
          continue;
        }
        if (!keys.add(j.fireKey().scheduleId() + "@" + fire + "@" + j.nodeId())) {
          duplicateKeys++;
        }
        statuses.merge(j.status(), 1L, Long::sum);
        if (j.status() != JobStatus.SUCCEEDED) {
          reasons.merge(j.status() + " " + j.skipReason() + ": " + j.detail(), 1L, Long::sum);
        }
        owners.merge(j.owner() == null ? "-" : j.owner(), 1L, Long::sum);
        toFire.add(Duration.between(fire, j.createdAt()).toNanos());
        if (j.startedAt() == null) {
          notStarted++;
          continue;
        }
        lateness.add(Duration.between(fire, j.startedAt()).toNanos());
        toDispatch.add(Duration.between(j.createdAt(), j.startedAt()).toNanos());
      }
      page = r.nextPage();
    }
    long expected = (long) m * seconds;
    System.out.printf(
        "%,d of the %,d fires due in the counted %d s were fired (%,d not fired before the"
            + " shutdown: the cluster fell behind), %d duplicate fire keys, %d not started;"
            + " statuses %s; by owner %s; transport: %d executions handed over twice; load %.2f%n",
        keys.size(),
        expected,
        seconds,
        expected - keys.size(),
        duplicateKeys,
        notStarted,
        statuses,
        owners,
        transport.duplicates(),
        ClusterSupport.load());
    reasons.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(5)
        .forEach(e -> System.out.printf("  %,d jobs %s%n", e.getValue(), e.getKey()));
    System.out.println("  lateness startedAt - fire time:   " + summary(lateness));
    System.out.println("    of which createdAt - fire time: " + summary(toFire));
    System.out.println("    of which startedAt - createdAt: " + summary(toDispatch));
    long[] sorted = lateness.stream().mapToLong(Long::longValue).sorted().toArray();
    long p99 = ClusterSupport.percentile(sorted, 99);
    long skipped = statuses.getOrDefault(JobStatus.SKIPPED, 0L);
    boolean met =
        p99 <= 50_000_000L
            && expected == keys.size()
            && duplicateKeys == 0
            && notStarted == skipped
            && sorted.length > 0;
    System.out.printf(
        "  target p99 <= 50 ms with every fire run once: %s (p99 %.2f ms over %,d started jobs;"
            + " %,d fires not started, %,d of them SKIPPED)%n",
        met ? "MET" : "MISSED", p99 / 1e6, sorted.length, notStarted, skipped);
  }

  private static String summary(List<Long> values) {
    return ClusterSupport.latencySummary(values.stream().mapToLong(Long::longValue).toArray());
  }
}
