package io.scripttask.jdbc.cluster;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.scripttask.jdbc.JdbcSchedulerStore;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.MisfirePolicy;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Priority;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.spi.RunningCounts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster instances, each in its own JVM ({@link ClusterMember}), share one PostgreSQL store
 * holding {@value #SCHEDULES} schedules that each fire every second for {@value #SECONDS} seconds
 * ({@value #SCHEDULES} fires per second, {@code 15,000} fire keys), on {@value #NODES} nodes in
 * {@value #GROUPS} groups, every run taking {@value #RUN_MILLIS} ms, under limits that bind: at
 * most {@value #PER_NODE} run per node, {@value #PER_GROUP} per group and {@value #GLOBAL} in the
 * whole cluster (each second's fires need at least {@code 500 * 10 ms / 20 = 250 ms} of the global
 * limit).
 *
 * <p>What it proves, from the job table and from the runs the transports recorded:
 *
 * <ul>
 *   <li>every fire key {@code (schedule, fire instant, node)} of the window has exactly one job,
 *       none is missing, every job SUCCEEDED in its first attempt, and the transports started each
 *       run exactly once in the whole cluster, on the instance that owns the job;
 *   <li>the limits were never exceeded: neither in the job table (its running counts, read every 20
 *       ms while the cluster works, each a snapshot of one statement) nor by the runs the
 *       transports made (a run lies inside the span in which the store holds its job RUNNING), and
 *       they were reached (the global and node limits bound).
 * </ul>
 */
class ClusterExactlyOnceTest {

  /** The transport of the members' nodes. */
  static final String TRANSPORT = "load";

  /** How long each run takes on the members. */
  static final long RUN_MILLIS = 10;

  private static final int SCHEDULES = 500;
  private static final int SECONDS = 30;
  private static final int NODES = 50;
  private static final int GROUPS = 5;
  private static final int PER_NODE = 1;
  private static final int PER_GROUP = 5;
  private static final int GLOBAL = 20;
  private static final List<String> MEMBERS = List.of("load-a", "load-b", "load-c");
  private static final Clock CLOCK = Clock.systemUTC();

  /**
   * @return the nodes every member knows: {@code l-0} to {@code l-49}, node {@code i} in group
   *     {@code g-(i % 5)}
   */
  static List<Node> nodes() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      nodes.add(Node.of("l-" + i, TRANSPORT).withGroups(Set.of(group(i))));
    }
    return nodes;
  }

  private static String group(int node) {
    return "g-" + (node % GROUPS);
  }

  @Test
  void threeInstancesRunEveryFireOfFiveHundredSchedulesExactlyOnceWithinTheLimits(@TempDir Path dir)
      throws Exception {
    String url = SharedPostgres.url();
    String prefix = SharedPostgres.randomPrefix();
    List<ChildJvm> children = new ArrayList<>();
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    try (HikariDataSource pool = SharedPostgres.pool(url, "load-test", 3)) {
      try {
        JdbcSchedulerStore store =
            JdbcStore.builder(pool).tablePrefix(prefix).build().schedulerStore();
        for (String id : MEMBERS) {
          children.add(
              ChildJvm.start(
                  id,
                  ClusterMember.class,
                  dir,
                  url,
                  prefix,
                  id,
                  Long.toString(Scheduler.DEFAULT_LEASE_DURATION.toMillis()),
                  dir.resolve(id + ".runs").toString(),
                  "load"));
        }
        for (ChildJvm c : children) {
          c.await("READY"::equals, Duration.ofSeconds(90));
        }

        // a scheduler that is never started, to create the schedules through the API
        Scheduler setup =
            Scheduler.builder()
                .store(store)
                .nodes(InMemoryNodeDirectory.of(nodes()))
                .transport(
                    new RecordingTransport(
                        TRANSPORT, timer, r -> 0, new ClusterCrashTest.NoRecorder()))
                .instanceId("setup")
                .build();
        setup.catalog().putScript(Script.builder("tick").content("true").build());
        // a window inside one minute: its cron then fires nowhere else (a window across a minute
        // boundary fires in the other minute's seconds too)
        Instant start = FireWindow.from(CLOCK.instant().plusSeconds(4), SECONDS).start();
        if (start.atZone(ZoneOffset.UTC).getSecond() + SECONDS > 60) {
          start = start.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
        }
        FireWindow window = new FireWindow(start, SECONDS);
        for (int i = 0; i < SCHEDULES; i++) {
          setup.schedules().create(spec(i, window), "it");
        }
        assertThat(CLOCK.instant())
            .as("all schedules created before the window starts")
            .isBefore(window.start());

        // the job table's running counts, sampled while the cluster works
        Map<String, Long> maxByNode = new ConcurrentHashMap<>();
        Map<String, Long> maxByGroup = new ConcurrentHashMap<>();
        AtomicLong maxGlobal = new AtomicLong();
        AtomicInteger samples = new AtomicInteger();
        var sampler =
            timer.scheduleWithFixedDelay(
                () -> {
                  RunningCounts c = store.runningCounts();
                  samples.incrementAndGet();
                  maxGlobal.accumulateAndGet(c.global(), Math::max);
                  c.byNode().forEach((k, v) -> maxByNode.merge(k, v, Math::max));
                  c.byGroup().forEach((k, v) -> maxByGroup.merge(k, v, Math::max));
                },
                0,
                20,
                TimeUnit.MILLISECONDS);

        int expected = SCHEDULES * SECONDS;
        await()
            .atMost(Duration.between(CLOCK.instant(), window.end()).plusSeconds(150))
            .pollInterval(Duration.ofMillis(500))
            .conditionEvaluationListener(
                c -> {
                  if (c.getElapsedTimeInMS() / 500 % 10 == 0) {
                    System.out.println(
                        "exactly-once: at " + CLOCK.instant() + " " + store.countByStatus());
                  }
                })
            .until(
                () ->
                    store.countByStatus().entrySet().stream()
                            .filter(e -> e.getKey().isFinal())
                            .mapToLong(Map.Entry::getValue)
                            .sum()
                        >= expected);
        Instant allDone = CLOCK.instant();
        sampler.cancel(false);
        for (ChildJvm c : children) {
          c.send("shutdown");
        }
        for (ChildJvm c : children) {
          assertThat(c.awaitExit(Duration.ofSeconds(30))).as("exit code").isZero();
        }

        List<Job> jobs = StoredJobs.all(store);
        List<RunLog.Entry> log = new ArrayList<>();
        for (String id : MEMBERS) {
          log.addAll(RunLog.read(dir.resolve(id + ".runs")));
        }
        Map<String, Long> byOwner = new HashMap<>();
        jobs.forEach(j -> byOwner.merge(String.valueOf(j.owner()), 1L, Long::sum));
        List<Double> lateness =
            jobs.stream()
                .filter(j -> j.startedAt() != null)
                .map(j -> Duration.between(j.fireKey().fireTime(), j.startedAt()).toNanos() / 1e6)
                .sorted()
                .toList();
        System.out.printf(
            "exactly-once: %d jobs, %d run log lines, by owner %s, all finished %.1f s after the"
                + " window's last fire; start - fire time p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                + " %d job-table samples%n",
            jobs.size(),
            log.size(),
            byOwner,
            Duration.between(window.end().minusSeconds(1), allDone).toMillis() / 1e3,
            percentile(lateness, 0.50),
            percentile(lateness, 0.99),
            percentile(lateness, 1.0),
            samples.get());

        // every fire key exactly once, none lost, each run once
        assertThat(jobs).hasSize(expected);
        Map<String, List<Instant>> fires =
            jobs.stream()
                .collect(
                    groupingBy(Job::scheduleId, mapping(j -> j.fireKey().fireTime(), toList())));
        assertThat(fires).hasSize(SCHEDULES);
        for (int i = 0; i < SCHEDULES; i++) {
          assertThat(fires.get("s-" + i))
              .as("fires of s-" + i)
              .containsExactlyInAnyOrderElementsOf(window.fires());
        }
        assertThat(jobs)
            .allSatisfy(
                j -> {
                  assertThat(j.status()).as(j.toString()).isEqualTo(JobStatus.SUCCEEDED);
                  assertThat(j.attempt()).as(j.toString()).isEqualTo(1);
                  assertThat(j.nodeId())
                      .as(j.toString())
                      .isEqualTo("l-" + Integer.parseInt(j.scheduleId().substring(2)) % NODES);
                  assertThat(MEMBERS).as(j.toString()).contains(j.owner());
                });
        Map<String, List<String>> startedBy =
            log.stream()
                .filter(RunLog.Entry::start)
                .collect(
                    groupingBy(
                        RunLog.Entry::executionId, mapping(RunLog.Entry::instance, toList())));
        assertThat(startedBy).hasSize(expected);
        Map<String, String> ownerOf = new HashMap<>();
        jobs.forEach(j -> ownerOf.put(j.id() + "#1", j.owner()));
        startedBy.forEach(
            (execution, by) ->
                assertThat(by)
                    .as("starts of " + execution)
                    .containsExactly(ownerOf.get(execution)));

        // the limits: never exceeded in the job table, nor by the runs; reached
        assertThat(samples.get()).as("job-table samples").isGreaterThan(100);
        assertThat(maxGlobal.get()).as("running in the job table").isLessThanOrEqualTo(GLOBAL);
        assertThat(maxByNode.values())
            .as("running per node in the job table")
            .allSatisfy(v -> assertThat(v).isLessThanOrEqualTo((long) PER_NODE));
        assertThat(maxByGroup.values())
            .as("running per group in the job table")
            .allSatisfy(v -> assertThat(v).isLessThanOrEqualTo((long) PER_GROUP));

        List<Run> runs = runs(log);
        assertThat(runs).hasSize(expected);
        int global = Overlaps.max(runs.stream().map(Run::span).toList());
        int perNode = maxOverlap(runs, Run::node);
        int perGroup = maxOverlap(runs, r -> group(Integer.parseInt(r.node().substring(2))));
        System.out.printf(
            "exactly-once: most runs at once: %d in the cluster (limit %d), %d on a node (limit"
                + " %d), %d in a group (limit %d); in the job table: %d, %d, %d%n",
            global,
            GLOBAL,
            perNode,
            PER_NODE,
            perGroup,
            PER_GROUP,
            maxGlobal.get(),
            maxByNode.values().stream().mapToLong(Long::longValue).max().orElse(0),
            maxByGroup.values().stream().mapToLong(Long::longValue).max().orElse(0));
        assertThat(global).as("runs at once in the cluster").isLessThanOrEqualTo(GLOBAL);
        assertThat(perNode).as("runs at once on a node").isLessThanOrEqualTo(PER_NODE);
        assertThat(perGroup).as("runs at once in a group").isLessThanOrEqualTo(PER_GROUP);
        // the limits bound: reached, as the runs or the job table show
        assertThat(Math.max(global, maxGlobal.get())).as("most running at once").isEqualTo(GLOBAL);
        assertThat(perNode).as("most runs at once on a node").isEqualTo(PER_NODE);
      } finally {
        for (ChildJvm c : children) {
          c.close();
        }
        SharedPostgres.dropAll(prefix);
      }
    } finally {
      timer.shutdownNow();
    }
  }

  private static ScheduleSpec spec(int i, FireWindow window) {
    return ScheduleSpec.named("s-" + i)
        .cron(window.cron())
        .zone(ZoneOffset.UTC)
        .script("tick")
        .target(Target.nodes("l-" + (i % NODES)))
        .priority(Priority.values()[i % Priority.values().length])
        .limits(Limits.perNode(PER_NODE).perGroup(PER_GROUP).global(GLOBAL))
        // every fire must run: no fire dropped as a misfire, none skipped as an overlap
        .misfire(MisfirePolicy.RUN_ALL)
        .maxCatchUp(SECONDS)
        .overlap(OverlapPolicy.ALLOW)
        .build();
  }

  /** One run as the transports recorded it. */
  private record Run(String node, Overlaps.Span span) {}

  private static List<Run> runs(List<RunLog.Entry> log) {
    Map<String, RunLog.Entry> starts = new HashMap<>();
    List<Run> runs = new ArrayList<>();
    for (RunLog.Entry e : log) {
      if (e.start()) {
        starts.put(e.executionId(), e);
      }
    }
    for (RunLog.Entry e : log) {
      if (!e.start()) {
        RunLog.Entry s = starts.get(e.executionId());
        assertThat(s).as("start of " + e.executionId()).isNotNull();
        runs.add(new Run(e.nodeId(), new Overlaps.Span(nanos(s.at()), nanos(e.at()))));
      }
    }
    return runs;
  }

  private static long nanos(Instant at) {
    return at.getEpochSecond() * 1_000_000_000L + at.getNano();
  }

  private static int maxOverlap(List<Run> runs, Function<Run, String> key) {
    return runs.stream().collect(groupingBy(key, mapping(Run::span, toList()))).values().stream()
        .mapToInt(Overlaps::max)
        .max()
        .orElse(0);
  }

  private static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
