package io.scripttask.benchmarks.engine;

import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.IntervalTrigger;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.Target;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Fire lateness at 1,000 fires per second on the real clock: {@code m} schedules each firing every
 * second ({@link IntervalTrigger}), their anchors either spread over the second ({@code
 * mode=spread}: schedule {@code i} at millisecond {@code i * 1000 / m}, one fire per millisecond)
 * or all on the same instant ({@code mode=burst}: {@code m} fires at every whole second). The
 * started scheduler runs for {@code seconds}; the first 3 seconds are warm-up and not counted.
 * Lateness is {@code job.startedAt() - job.dueAt()} (the engine's record, identical to the
 * JobStarted event's instant) and, separately, the instant the no-op transport was handed the run
 * minus {@code dueAt}.
 *
 * <p>With {@code peer=quartz} the same workload runs on Quartz 2.5.2 (RAMJobStore, {@code
 * quartzThreads} threads, default 8): lateness is the time the empty job's {@code execute} is
 * entered minus the trigger's scheduled fire time (Quartz keeps milliseconds).
 *
 * <p>System properties: {@code m} (1000), {@code seconds} (25), {@code mode} ({@code spread}),
 * {@code peer} ({@code ours} or {@code quartz}), {@code overlap} (ours; default {@code SKIP}, the
 * library default).
 */
public final class FireLateness {

  private FireLateness() {}

  private static final int WARMUP_SECONDS = 3;

  /** Records how late each Quartz run started, in nanoseconds. */
  static final ConcurrentLinkedQueue<Long> QUARTZ_LATENESS = new ConcurrentLinkedQueue<>();

  /** Quartz's side: records lateness and does nothing else. */
  public static final class LatenessJob implements org.quartz.Job {
    /** Creates the job (Quartz instantiates it per run). */
    public LatenessJob() {}

    /**
     * Records {@code now - scheduledFireTime}.
     *
     * @param context the run
     */
    @Override
    public void execute(JobExecutionContext context) {
      Instant now = Support.SYSTEM.instant();
      Instant scheduled = context.getScheduledFireTime().toInstant();
      long startOfCount = context.getMergedJobDataMap().getLong("countFrom");
      if (scheduled.toEpochMilli() >= startOfCount) {
        QUARTZ_LATENESS.add(Duration.between(scheduled, now).toNanos());
      }
    }
  }

  /**
   * Runs the measurement and prints the lateness percentiles.
   *
   * @param args ignored; see the class comment for the system properties
   * @throws Exception if a scheduler fails
   */
  public static void main(String[] args) throws Exception {
    Support.quietLogging();
    int m = Integer.getInteger("m", 1000);
    int seconds = Integer.getInteger("seconds", 25);
    boolean spread = !"burst".equals(System.getProperty("mode", "spread"));
    boolean quartz = "quartz".equals(System.getProperty("peer", "ours"));
    OverlapPolicy overlap = OverlapPolicy.valueOf(System.getProperty("overlap", "SKIP"));
    Support.printMachine(
        "FireLateness peer="
            + (quartz ? "quartz" : "ours")
            + " m="
            + m
            + " seconds="
            + seconds
            + " mode="
            + (spread ? "spread" : "burst")
            + (quartz ? "" : " overlap=" + overlap));
    if (quartz) {
      quartz(m, seconds, spread, Integer.getInteger("quartzThreads", 8));
    } else {
      ours(m, seconds, spread, overlap);
    }
  }

  private static Instant anchor(Instant base, int i, int m, boolean spread) {
    return spread ? base.plusNanos((long) i * 1_000_000_000L / m) : base;
  }

  private static void ours(int m, int seconds, boolean spread, OverlapPolicy overlap)
      throws InterruptedException {
    Clock clock = Clock.systemUTC();
    InMemorySchedulerStore store = new InMemorySchedulerStore();
    Support.NoopTransport transport = new Support.NoopTransport(clock, true);
    Scheduler scheduler =
        Scheduler.builder()
            .store(store)
            .nodes(InMemoryNodeDirectory.of(Node.of("n1", Support.NOOP)))
            .transport(transport)
            .listener(e -> {})
            .build();
    scheduler.catalog().putScript(Support.script());
    Instant base = Support.SYSTEM.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
    for (int i = 0; i < m; i++) {
      scheduler
          .schedules()
          .create(
              ScheduleSpec.named(String.format("every-second-%04d", i))
                  .trigger(
                      new IntervalTrigger(
                          Duration.ofSeconds(1), anchor(base, i, m, spread), ZoneOffset.UTC))
                  .script("noop")
                  .target(Target.nodes("n1"))
                  .overlap(overlap)
                  .build(),
              "bench");
    }
    if (Support.SYSTEM.instant().isAfter(base)) {
      throw new IllegalStateException("registering took longer than the 3 s lead");
    }
    scheduler.start();
    Instant end = base.plusSeconds(seconds);
    Thread.sleep(Math.max(0, Duration.between(Support.SYSTEM.instant(), end).toMillis()) + 500);
    scheduler.shutdown(Duration.ofSeconds(5));
    Instant countFrom = base.plusSeconds(WARMUP_SECONDS);
    List<Long> engine = new ArrayList<>();
    List<Long> handed = new ArrayList<>();
    Map<String, Long> handedAt = transport.handedAtNanos();
    int notStarted = 0;
    Page page = Page.first(5000);
    while (page != null) {
      PageResult<Job> r = store.jobs(JobQuery.all(), page);
      for (Job j : r.items()) {
        if (j.dueAt().isBefore(countFrom) || !j.dueAt().isBefore(end)) {
          continue;
        }
        if (j.startedAt() == null) {
          notStarted++;
          continue;
        }
        engine.add(Duration.between(j.dueAt(), j.startedAt()).toNanos());
        Long at = handedAt.get(j.id() + "#" + j.attempt());
        if (at != null) {
          long due = j.dueAt().getEpochSecond() * 1_000_000_000L + j.dueAt().getNano();
          handed.add(at - due);
        }
      }
      page = r.nextPage();
    }
    long expected = (long) m * (seconds - WARMUP_SECONDS);
    System.out.printf(
        "ours: %,d runs due in the counted %d s (expected %,d), %d not started; load %.2f%n",
        engine.size() + notStarted, seconds - WARMUP_SECONDS, expected, notStarted, Support.load());
    System.out.println("  lateness startedAt - dueAt:            " + summary(engine));
    System.out.println("  lateness handed to transport - dueAt:  " + summary(handed));
  }

  private static String summary(List<Long> values) {
    long[] a = new long[values.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = values.get(i);
    }
    return Support.latencySummary(a);
  }

  private static void quartz(int m, int seconds, boolean spread, int threads) throws Exception {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "lateness");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty(
        "org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(threads));
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
    org.quartz.Scheduler q = new StdSchedulerFactory(p).getScheduler();
    Instant base = Support.SYSTEM.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
    long countFrom = base.plusSeconds(WARMUP_SECONDS).toEpochMilli();
    for (int i = 0; i < m; i++) {
      q.scheduleJob(
          JobBuilder.newJob(LatenessJob.class)
              .withIdentity("job-" + i)
              .usingJobData("countFrom", countFrom)
              .build(),
          TriggerBuilder.newTrigger()
              .withIdentity("trigger-" + i)
              .startAt(Date.from(anchor(base, i, m, spread)))
              .withSchedule(
                  SimpleScheduleBuilder.simpleSchedule().withIntervalInSeconds(1).repeatForever())
              .build());
    }
    q.start();
    Instant end = base.plusSeconds(seconds);
    Thread.sleep(Math.max(0, Duration.between(Support.SYSTEM.instant(), end).toMillis()));
    q.standby();
    q.shutdown(true);
    List<Long> values = new ArrayList<>(QUARTZ_LATENESS);
    System.out.printf(
        "quartz threads=%d: %,d runs counted (about %,d due in the counted %d s); load %.2f%n",
        threads,
        values.size(),
        (long) m * (seconds - WARMUP_SECONDS),
        seconds - WARMUP_SECONDS,
        Support.load());
    System.out.println("  lateness execute() entered - scheduledFireTime: " + summary(values));
  }
}
