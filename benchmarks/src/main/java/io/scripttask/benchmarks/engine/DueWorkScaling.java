package io.scripttask.benchmarks.engine;

import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.IntervalTrigger;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.Target;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The cost of finding due work as registered schedules grow: {@code n} schedules on a manual clock
 * ({@code Support.ManualClock}), arranged so that exactly {@code k} of them are due in every second
 * (schedule {@code i} fires every {@code ceil(n/k)} seconds from {@code T0 + 1s + i/k seconds}).
 * Each tick moves the clock one second and runs one engine pass ({@link Scheduler#runDueWork()}, on
 * this thread; the scheduler is not started), which fires the {@code k} due schedules, dispatches
 * their jobs to a no-op transport and records the results of the previous tick's jobs. The harness
 * times every pass after a warm-up, and separately times the store's due query ({@code
 * dueSchedules(now, 256)}) alone. The tick sequence is identical for every {@code n}, so the job
 * history (which grows by {@code k} per tick) is the same too.
 *
 * <p>System properties: {@code counts} (default {@code 10000,100000,1000000}), {@code k} (4),
 * {@code warmup} (3000 ticks), {@code ticks} (5000), {@code overlap} (our overlap policy, default
 * {@code ALLOW}; {@code SKIP} is the library default).
 */
public final class DueWorkScaling {

  private DueWorkScaling() {}

  private static final Instant T0 = Instant.parse("2030-01-07T00:00:00Z");

  /**
   * Runs the measurement and prints one line per count.
   *
   * @param args ignored; see the class comment for the system properties
   */
  public static void main(String[] args) {
    Support.quietLogging();
    String[] counts = System.getProperty("counts", "10000,100000,1000000").split(",");
    int k = Integer.getInteger("k", 4);
    int warmup = Integer.getInteger("warmup", 3000);
    int ticks = Integer.getInteger("ticks", 5000);
    OverlapPolicy overlap = OverlapPolicy.valueOf(System.getProperty("overlap", "ALLOW"));
    Support.printMachine(
        "DueWorkScaling k=" + k + " warmup=" + warmup + " ticks=" + ticks + " overlap=" + overlap);
    double first = 0;
    for (String c : counts) {
      double median = measure(Integer.parseInt(c.trim()), k, warmup, ticks, overlap);
      if (first == 0) {
        first = median;
      } else {
        System.out.printf("  ratio of median tick to the first count: %.2fx%n", median / first);
      }
    }
  }

  private static double measure(int n, int k, int warmup, int ticks, OverlapPolicy overlap) {
    Support.ManualClock clock = new Support.ManualClock(T0);
    InMemorySchedulerStore store = new InMemorySchedulerStore();
    Scheduler scheduler =
        Scheduler.builder()
            .clock(clock)
            .store(store)
            .nodes(InMemoryNodeDirectory.of(Node.of("n1", Support.NOOP)))
            .transport(new Support.NoopTransport(clock, false))
            .eventExecutor(Runnable::run)
            .build();
    scheduler.catalog().putScript(Support.script());
    long period = (n + k - 1) / k;
    long createStart = System.nanoTime();
    for (int i = 0; i < n; i++) {
      ScheduleSpec spec =
          ScheduleSpec.named(String.format("s-%07d", i))
              .trigger(
                  new IntervalTrigger(
                      Duration.ofSeconds(period), T0.plusSeconds(1 + i / k), ZoneOffset.UTC))
              .script("noop")
              .target(Target.nodes("n1"))
              .overlap(overlap)
              .build();
      store.create(Schedule.create(spec, spec.trigger().next(T0).orElse(null), T0, "bench"));
    }
    double createSeconds = (System.nanoTime() - createStart) / 1e9;
    for (int t = 0; t < warmup; t++) {
      clock.advance(Duration.ofSeconds(1));
      scheduler.runDueWork();
    }
    long[] tickNanos = new long[ticks];
    long[] queryNanos = new long[ticks];
    long[] cpuNanos = new long[ticks];
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int t = 0; t < ticks; t++) {
      clock.advance(Duration.ofSeconds(1));
      Instant now = clock.instant();
      long q0 = System.nanoTime();
      List<Schedule> due = store.dueSchedules(now, 256);
      long q1 = System.nanoTime();
      sink += due.size();
      long c0 = threads.getCurrentThreadCpuTime();
      long q2 = System.nanoTime();
      scheduler.runDueWork();
      long t1 = System.nanoTime();
      cpuNanos[t] = threads.getCurrentThreadCpuTime() - c0;
      queryNanos[t] = q1 - q0;
      tickNanos[t] = t1 - q2;
    }
    long succeeded = store.countByStatus().get(JobStatus.SUCCEEDED);
    long expectedAtLeast = (long) k * (warmup + ticks - 1);
    if (sink != (long) k * ticks || succeeded < expectedAtLeast) {
      throw new IllegalStateException(
          "expected "
              + k
              + " due per tick and "
              + expectedAtLeast
              + " succeeded; saw "
              + sink
              + " due, "
              + store.countByStatus());
    }
    long[] sortedTicks = tickNanos.clone();
    java.util.Arrays.sort(sortedTicks);
    double median = Support.percentile(sortedTicks, 50);
    System.out.printf(
        "n=%,9d  tick (fire %d + dispatch %d + record %d): median %.1f us  mean %.1f us  p99 %.1f"
            + " us | thread cpu per tick: median %.1f us  p99 %.1f us | dueSchedules alone: median %.2f us  p99 %.2f us | %,d jobs in store"
            + " (registered in %.1f s; load %.2f)%n",
        n,
        k,
        k,
        k,
        median / 1e3,
        mean(tickNanos) / 1e3,
        Support.percentile(sortedTicks, 99) / 1e3,
        medianOf(cpuNanos) / 1e3,
        p99(cpuNanos) / 1e3,
        medianOf(queryNanos) / 1e3,
        p99(queryNanos) / 1e3,
        succeeded,
        createSeconds,
        Support.load());
    return median;
  }

  private static double mean(long[] v) {
    double s = 0;
    for (long x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double medianOf(long[] v) {
    long[] c = v.clone();
    java.util.Arrays.sort(c);
    return Support.percentile(c, 50);
  }

  private static double p99(long[] v) {
    long[] c = v.clone();
    java.util.Arrays.sort(c);
    return Support.percentile(c, 99);
  }
}
