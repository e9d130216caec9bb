package io.scripttask.benchmarks.engine;

import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.IntervalTrigger;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.Target;
import java.lang.ref.Reference;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.util.Multiset;

/**
 * Heap per registered schedule: builds a scheduler with the in-memory store, measures the used heap
 * (after repeated {@code System.gc()}, through the {@code MemoryMXBean}), registers {@code n}
 * schedules, measures again and divides. Each schedule is built the way a user builds one: its own
 * name, its own cron expression parsed from text ({@code "m h * * *"}, 1,440 distinct ones), its
 * own target object ({@code Target.groups("web")}), the shared script, defaults otherwise.
 *
 * <p>System properties: {@code counts} (comma list, default {@code 100000,1000000}), {@code via}
 * ({@code api}: {@code scheduler.schedules().create}, or {@code store} (default): {@link
 * InMemorySchedulerStore#create} with {@link Schedule#create}, which stores exactly the object the
 * API stores after its validation, see the report for why), {@code trigger} ({@code cron} (default)
 * or {@code interval}: an hourly {@link IntervalTrigger} with its own anchor), {@code jol} (a
 * count, default 10000, for a per-class footprint breakdown with JOL; 0 for none).
 */
public final class HeapPerSchedule {

  private HeapPerSchedule() {}

  /**
   * Runs the measurement and prints one line per count.
   *
   * @param args ignored; see the class comment for the system properties
   */
  public static void main(String[] args) {
    Support.quietLogging();
    // lets JOL walk lambdas (hidden classes) such as the store's comparators
    System.setProperty("jol.magicFieldOffset", "true");
    String[] counts = System.getProperty("counts", "100000,1000000").split(",");
    boolean viaApi = "api".equals(System.getProperty("via", "store"));
    boolean cron = !"interval".equals(System.getProperty("trigger", "cron"));
    int jol = Integer.getInteger("jol", 10_000);
    Support.printMachine(
        "HeapPerSchedule via="
            + (viaApi ? "api" : "store")
            + " trigger="
            + (cron ? "cron" : "interval"));
    for (String c : counts) {
      measure(Integer.parseInt(c.trim()), viaApi, cron);
    }
    if (jol > 0) {
      breakdown(jol, cron);
    }
  }

  private static Scheduler newScheduler(InMemorySchedulerStore store) {
    Scheduler scheduler =
        Scheduler.builder()
            .store(store)
            .nodes(InMemoryNodeDirectory.of(Node.of("n1", Support.NOOP).withGroups(Set.of("web"))))
            .transport(new Support.NoopTransport(java.time.Clock.systemUTC(), false))
            .eventExecutor(Runnable::run)
            .build();
    scheduler.catalog().putScript(Support.script());
    return scheduler;
  }

  private static ScheduleSpec spec(int i, boolean cron, Instant anchor) {
    ScheduleSpec.Builder b = ScheduleSpec.named(String.format("schedule-%07d", i));
    if (cron) {
      b.cron((i % 60) + " " + ((i / 60) % 24) + " * * *");
    } else {
      b.trigger(
          new IntervalTrigger(Duration.ofHours(1), anchor.plusSeconds(i % 3600), ZoneOffset.UTC));
    }
    return b.script("noop").target(Target.groups("web")).build();
  }

  private static void register(
      Scheduler scheduler, InMemorySchedulerStore store, int n, boolean viaApi, boolean cron) {
    Instant anchor = Instant.parse("2030-01-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      ScheduleSpec spec = spec(i, cron, anchor);
      if (viaApi) {
        scheduler.schedules().create(spec, "bench");
      } else {
        Instant now = Support.SYSTEM.instant();
        store.create(Schedule.create(spec, spec.trigger().next(now).orElse(null), now, "bench"));
      }
    }
  }

  private static void measure(int n, boolean viaApi, boolean cron) {
    InMemorySchedulerStore store = new InMemorySchedulerStore();
    Scheduler scheduler = newScheduler(store);
    long before = Support.settledUsedHeap();
    long start = System.nanoTime();
    register(scheduler, store, n, viaApi, cron);
    long took = System.nanoTime() - start;
    long after = Support.settledUsedHeap();
    if (store.scheduleCount() != n) {
      throw new IllegalStateException("expected " + n + " schedules, got " + store.scheduleCount());
    }
    System.out.printf(
        "n=%,d  heap before %,d B  after %,d B  => %.1f bytes/schedule  (registering took %.1f s,"
            + " %,.0f/s; load %.2f)%n",
        n,
        before,
        after,
        (after - before) / (double) n,
        took / 1e9,
        n / (took / 1e9),
        Support.load());
    Reference.reachabilityFence(scheduler);
    Reference.reachabilityFence(store);
  }

  private static void breakdown(int n, boolean cron) {
    InMemorySchedulerStore empty = new InMemorySchedulerStore();
    newScheduler(empty);
    InMemorySchedulerStore store = new InMemorySchedulerStore();
    Scheduler scheduler = newScheduler(store);
    register(scheduler, store, n, false, cron);
    GraphLayout full = GraphLayout.parseInstance(store);
    GraphLayout base = GraphLayout.parseInstance(empty);
    System.out.printf(
        "# JOL: the store with %,d schedules holds %,d bytes => %.1f bytes/schedule (empty store"
            + " %,d bytes); per class, divided by %,d:%n",
        n,
        full.totalSize(),
        (full.totalSize() - base.totalSize()) / (double) n,
        base.totalSize(),
        n);
    Multiset<Class<?>> sizes = full.getClassSizes();
    Multiset<Class<?>> counts = full.getClassCounts();
    java.util.List<Class<?>> classes = new java.util.ArrayList<>(full.getClasses());
    classes.sort((a, b) -> Long.compare(sizes.count(b), sizes.count(a)));
    for (Class<?> k : classes) {
      double per = sizes.count(k) / (double) n;
      if (per >= 0.5) {
        System.out.printf(
            "  %8.1f B  %6.2f objects  %s%n", per, counts.count(k) / (double) n, k.getName());
      }
    }
    Reference.reachabilityFence(scheduler);
  }
}
