package io.scripttask.benchmarks.engine;

import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OnceTrigger;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.Target;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobListener;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Fire → dispatch → complete throughput, ours against Quartz 2.5.2 with its RAMJobStore, in the
 * same JVM, rounds alternating. The workload is the same for both: {@code n} one-shot
 * schedules/jobs all due at the same instant, registered while the scheduler is stopped; the clock
 * starts when the scheduler starts and stops when the {@code n}-th run has completed (counted by an
 * event listener for ours, a global {@link JobListener} for Quartz). Runs do nothing: ours through
 * a transport whose result is complete before {@code execute} returns, Quartz's through a {@link
 * Job} whose {@code execute} is empty.
 *
 * <p>System properties: {@code n} (default 20000), {@code rounds} (3), {@code warmup} (at least 3
 * rounds and 60,000 runs: {@code max(3, ceil(60000 / n))}), {@code nodes} (100), {@code
 * quartzThreads} (comma list, default {@code 2,8,32}), {@code overlap} (comma list of our overlap
 * policies, default {@code ALLOW,SKIP}), {@code create} ({@code store} (default): register
 * schedules through {@link InMemorySchedulerStore#create}, exactly what the API does after its
 * validation; or {@code api}: through {@code scheduler.schedules().create}).
 *
 * <p><b>Warm-up.</b> Before the measured rounds, every configuration (ours and each Quartz one)
 * runs {@code warmup} unreported rounds of the same size, alternating as the measured rounds do, so
 * that both sides are measured after the JIT compiler has finished with their hot code: the measure
 * is steady-state throughput, not how fast each side warms up. {@code -Dwarmup=0} gives the
 * earlier, shorter warm-up: one round of {@code min(n, 5000)} per configuration.
 */
public final class ThroughputVsQuartz {

  private ThroughputVsQuartz() {}

  /** Does nothing: the Quartz side of the no-op work. */
  public static final class NoopJob implements Job {
    /** Creates the job (Quartz instantiates it per run). */
    public NoopJob() {}

    /**
     * Does nothing.
     *
     * @param context ignored
     * @throws JobExecutionException never
     */
    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {}
  }

  /**
   * Runs the comparison and prints one line per round and a summary.
   *
   * @param args ignored; see the class comment for the system properties
   * @throws Exception if a scheduler fails
   */
  public static void main(String[] args) throws Exception {
    Support.quietLogging();
    int n = Integer.getInteger("n", 20_000);
    int rounds = Integer.getInteger("rounds", 3);
    int nodes = Integer.getInteger("nodes", 100);
    String[] quartzThreads = System.getProperty("quartzThreads", "2,8,32").split(",");
    String[] overlaps = System.getProperty("overlap", "ALLOW,SKIP").split(",");
    boolean viaApi = "api".equals(System.getProperty("create", "store"));
    int warmup = Integer.getInteger("warmup", Math.max(3, (60_000 + n - 1) / n));
    Support.printMachine("ThroughputVsQuartz n=" + n + " rounds=" + rounds + " warmup=" + warmup);

    // warm-up, not reported: the same for every configuration (see the class comment)
    System.out.println("# warm-up");
    int warmupSize = warmup == 0 ? Math.min(n, 5_000) : n;
    for (int w = 0; w < Math.max(1, warmup); w++) {
      for (String o : overlaps) {
        ours(warmupSize, nodes, OverlapPolicy.valueOf(o.trim()), viaApi);
      }
      for (String t : quartzThreads) {
        quartz(warmupSize, Integer.parseInt(t.trim()));
      }
    }
    System.out.println("# measured");

    Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
    for (int r = 1; r <= rounds; r++) {
      for (String o : overlaps) {
        double rate = ours(n, nodes, OverlapPolicy.valueOf(o.trim()), viaApi);
        rates.computeIfAbsent("ours overlap=" + o.trim(), k -> new ArrayList<>()).add(rate);
      }
      for (String t : quartzThreads) {
        double rate = quartz(n, Integer.parseInt(t.trim()));
        rates.computeIfAbsent("quartz threads=" + t.trim(), k -> new ArrayList<>()).add(rate);
      }
    }
    System.out.println("# summary (executions/s; median of " + rounds + " rounds, all rounds)");
    double bestQuartz = 0;
    for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
      double median = median(e.getValue());
      if (e.getKey().startsWith("quartz")) {
        bestQuartz = Math.max(bestQuartz, median);
      }
      System.out.printf("%-22s median %,10.0f  %s%n", e.getKey(), median, format(e.getValue()));
    }
    for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
      if (e.getKey().startsWith("ours")) {
        System.out.printf(
            "%s / best quartz = %.1fx%n", e.getKey(), median(e.getValue()) / bestQuartz);
      }
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }

  private static String format(List<Double> values) {
    StringBuilder sb = new StringBuilder("[");
    for (double v : values) {
      sb.append(sb.length() > 1 ? ", " : "").append(String.format("%,.0f", v));
    }
    return sb.append(']').toString();
  }

  /**
   * @return executions per second
   */
  static double ours(int n, int nodeCount, OverlapPolicy overlap, boolean viaApi)
      throws InterruptedException {
    Support.OffsetClock clock = new Support.OffsetClock();
    List<Node> nodeList = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      nodeList.add(Node.of("n" + i, Support.NOOP));
    }
    InMemorySchedulerStore store = new InMemorySchedulerStore();
    CountDownLatch done = new CountDownLatch(n);
    Scheduler scheduler =
        Scheduler.builder()
            .clock(clock)
            .store(store)
            .nodes(InMemoryNodeDirectory.of(nodeList))
            .transport(new Support.NoopTransport(clock, false))
            .listener(
                e -> {
                  if (e instanceof SchedulerEvent.JobFinished f && f.retryAt() == null) {
                    done.countDown();
                  }
                })
            .build();
    scheduler.catalog().putScript(Support.script());
    Instant due =
        Support.SYSTEM.instant().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    long createStart = System.nanoTime();
    for (int i = 0; i < n; i++) {
      ScheduleSpec spec =
          ScheduleSpec.named("once-" + i)
              .trigger(new OnceTrigger(due, ZoneOffset.UTC))
              .script("noop")
              .target(Target.nodes("n" + (i % nodeCount)))
              .overlap(overlap)
              .build();
      if (viaApi) {
        scheduler.schedules().create(spec, "bench");
      } else {
        Instant now = clock.instant();
        store.create(Schedule.create(spec, spec.trigger().next(now).orElse(null), now, "bench"));
      }
    }
    long createNanos = System.nanoTime() - createStart;
    clock.offset(Duration.between(Support.SYSTEM.instant(), due));
    long cpu0 = Support.processCpuNanos();
    long start = System.nanoTime();
    scheduler.start();
    if (!done.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("ours did not finish: " + store.countByStatus());
    }
    long nanos = System.nanoTime() - start;
    long cpu = Support.processCpuNanos() - cpu0;
    scheduler.shutdown(Duration.ofSeconds(5));
    long succeeded = store.countByStatus().get(JobStatus.SUCCEEDED);
    if (succeeded != n) {
      throw new IllegalStateException("expected " + n + " succeeded, got " + store.countByStatus());
    }
    double rate = n / (nanos / 1e9);
    System.out.printf(
        "ours   overlap=%-5s n=%d  %8.1f ms  %,10.0f exec/s  %6.1f us cpu/exec  (registering"
            + " took %.1f s via %s; load %.2f)%n",
        overlap,
        n,
        nanos / 1e6,
        rate,
        cpu / 1e3 / n,
        createNanos / 1e9,
        viaApi ? "api" : "store",
        Support.load());
    return rate;
  }

  /**
   * @return executions per second
   */
  static double quartz(int n, int threads) throws Exception {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "bench-" + System.nanoTime());
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty(
        "org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(threads));
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "600000");
    org.quartz.Scheduler q = new StdSchedulerFactory(p).getScheduler();
    CountDownLatch done = new CountDownLatch(n);
    q.getListenerManager()
        .addJobListener(
            new JobListener() {
              @Override
              public String getName() {
                return "counter";
              }

              @Override
              public void jobToBeExecuted(JobExecutionContext context) {}

              @Override
              public void jobExecutionVetoed(JobExecutionContext context) {}

              @Override
              public void jobWasExecuted(
                  JobExecutionContext context, JobExecutionException jobException) {
                done.countDown();
              }
            });
    Date due = new Date();
    Map<JobDetail, Set<? extends Trigger>> all = new HashMap<>();
    for (int i = 0; i < n; i++) {
      JobDetail job = JobBuilder.newJob(NoopJob.class).withIdentity("job-" + i).build();
      Trigger trigger =
          TriggerBuilder.newTrigger()
              .withIdentity("trigger-" + i)
              .startAt(due)
              .withSchedule(SimpleScheduleBuilder.simpleSchedule())
              .build();
      all.put(job, Set.of(trigger));
    }
    q.scheduleJobs(all, false);
    long cpu0 = Support.processCpuNanos();
    long start = System.nanoTime();
    q.start();
    if (!done.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("quartz did not finish");
    }
    long nanos = System.nanoTime() - start;
    long cpu = Support.processCpuNanos() - cpu0;
    q.shutdown(true);
    double rate = n / (nanos / 1e9);
    System.out.printf(
        "quartz threads=%-3d  n=%d  %8.1f ms  %,10.0f exec/s  %6.1f us cpu/exec"
            + "  (batchTriggerAcquisitionMaxCount=%d, misfireThreshold=600000; load %.2f)%n",
        threads, n, nanos / 1e6, rate, cpu / 1e3 / n, threads, Support.load());
    return rate;
  }
}
