package io.scripttask.jdbc.cluster;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.scripttask.jdbc.JdbcSchedulerStore;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Retry;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.SchedulerInstance;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One of three cluster instances, each in its own JVM on the shared PostgreSQL, is killed with
 * {@link Process#destroyForcibly()} while it runs jobs (every run takes {@value #RUN_MILLIS} ms;
 * leases last {@value #LEASE_MILLIS} ms).
 *
 * <p>What it proves:
 *
 * <ul>
 *   <li>the jobs the dead instance left RUNNING are recovered by the survivors once its lease has
 *       expired, per their retry policy: a job with attempts left runs again as its second attempt
 *       on a survivor (and succeeds), a job without is recorded FAILED, saying its owner lost its
 *       lease; no survivor starts one of them before the dead instance's lease ran out;
 *   <li>no fire key is duplicated and none is lost: every fire of the window has exactly one job on
 *       every node, the survivors keep firing after the kill, and every run (job and attempt) was
 *       started exactly once in the whole cluster;
 *   <li>the survivors' {@link Scheduler#instances()} show the dead instance expired (or removed)
 *       and themselves alive.
 * </ul>
 *
 * <p>The dead instance cannot report late results: it is gone; the refusal of a stale owner's
 * result is covered by the store's contract tests (fencing tokens).
 */
class ClusterCrashTest {

  /** The transport of the cluster members' nodes. */
  static final String TRANSPORT = "slow";

  /** How long each run takes on the cluster members. */
  static final long RUN_MILLIS = 2_000;

  private static final long LEASE_MILLIS = 3_000;
  private static final int WINDOW_SECONDS = 14;
  private static final List<String> MEMBERS = List.of("member-a", "member-b", "member-c");
  private static final String VICTIM = "member-b";
  private static final Clock CLOCK = Clock.systemUTC();

  /**
   * @return the nodes every cluster member knows
   */
  static List<Node> nodes() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      nodes.add(Node.of("c-" + i, TRANSPORT));
    }
    return nodes;
  }

  @Test
  void survivorsRecoverTheJobsOfAKilledInstanceWithoutLosingOrDuplicatingAFire(@TempDir Path dir)
      throws Exception {
    String url = SharedPostgres.url();
    String prefix = SharedPostgres.randomPrefix();
    List<ChildJvm> children = new ArrayList<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try (HikariDataSource pool = SharedPostgres.pool(url, "crash-test", 2)) {
      try {
        JdbcStore db = JdbcStore.builder(pool).tablePrefix(prefix).build();
        JdbcSchedulerStore store = db.schedulerStore();
        Map<String, ChildJvm> byId = new HashMap<>();
        for (String id : MEMBERS) {
          ChildJvm c =
              ChildJvm.start(
                  id,
                  ClusterMember.class,
                  dir,
                  url,
                  prefix,
                  id,
                  Long.toString(LEASE_MILLIS),
                  dir.resolve(id + ".runs").toString());
          children.add(c);
          byId.put(id, c);
        }
        for (ChildJvm c : children) {
          c.await("READY"::equals, Duration.ofSeconds(90));
        }

        // a scheduler that is never started, to create the schedules the members run
        Scheduler setup =
            Scheduler.builder()
                .store(store)
                .nodes(InMemoryNodeDirectory.of(nodes()))
                .transport(new RecordingTransport(TRANSPORT, timer, r -> 0, new NoRecorder()))
                .instanceId("setup")
                .build();
        setup.catalog().putScript(Script.builder("work").content("sleep 2").build());
        FireWindow window = FireWindow.from(CLOCK.instant().plusSeconds(2), WINDOW_SECONDS);
        setup
            .schedules()
            .create(spec("retrying", window, Retry.exponential(2, Duration.ofSeconds(1))), "it");
        setup.schedules().create(spec("failing", window, Retry.none()), "it");
        int expected = 2 * nodes().size() * WINDOW_SECONDS;

        // kill the victim while it runs jobs of both schedules that started less than a second ago
        await()
            .atMost(Duration.between(CLOCK.instant(), window.end()))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> {
                  Instant recent = CLOCK.instant().minusMillis(1_000);
                  Set<String> kinds =
                      StoredJobs.all(
                              store, JobQuery.all().statuses(JobStatus.RUNNING).owner(VICTIM))
                          .stream()
                          .filter(j -> j.startedAt().isAfter(recent))
                          .map(Job::scheduleId)
                          .collect(toSet());
                  return kinds.size() == 2
                      && CLOCK.instant().isAfter(window.start().plusSeconds(3));
                });
        byId.get(VICTIM).kill();
        Instant killedAt = CLOCK.instant();
        List<Job> orphaned =
            StoredJobs.all(store, JobQuery.all().statuses(JobStatus.RUNNING).owner(VICTIM));
        assertThat(orphaned.stream().map(Job::scheduleId).collect(toSet()))
            .as("the victim's RUNNING jobs at the kill")
            .containsExactlyInAnyOrder("retrying", "failing");

        await()
            .atMost(Duration.between(CLOCK.instant(), window.end()).plusSeconds(30))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> {
                  Map<JobStatus, Long> byStatus = store.countByStatus();
                  long finished =
                      byStatus.entrySet().stream()
                          .filter(e -> e.getKey().isFinal())
                          .mapToLong(Map.Entry::getValue)
                          .sum();
                  return finished == expected;
                });

        Instant now = CLOCK.instant();
        SchedulerInstance victimRow =
            store.instances().stream().filter(i -> i.id().equals(VICTIM)).findFirst().orElse(null);
        for (String id : MEMBERS) {
          if (id.equals(VICTIM)) {
            continue;
          }
          ChildJvm c = byId.get(id);
          c.send("instances");
          String line = c.awaitNext("INSTANCES ", Duration.ofSeconds(10));
          Map<String, Boolean> seen = new HashMap<>();
          for (String pair : line.substring("INSTANCES ".length()).split(",")) {
            String[] kv = pair.split("=");
            seen.put(kv[0], Boolean.parseBoolean(kv[1]));
          }
          assertThat(seen).as("instances seen by " + id).containsEntry("member-a", true);
          assertThat(seen).as("instances seen by " + id).containsEntry("member-c", true);
          assertThat(seen.getOrDefault(VICTIM, false))
              .as("the victim as seen by " + id + " (expired or removed)")
              .isFalse();
        }
        for (String id : MEMBERS) {
          if (!id.equals(VICTIM)) {
            byId.get(id).send("shutdown");
            assertThat(byId.get(id).awaitExit(Duration.ofSeconds(30))).as(id + " exit").isZero();
          }
        }

        List<Job> jobs = StoredJobs.all(store);
        List<RunLog.Entry> log = new ArrayList<>();
        for (String id : MEMBERS) {
          log.addAll(RunLog.read(dir.resolve(id + ".runs")));
        }
        System.out.printf(
            "crash: killed %s at %s with %d jobs running: %s; %d jobs; %d run log lines%n",
            VICTIM,
            killedAt,
            orphaned.size(),
            orphaned.stream().map(Job::id).toList(),
            jobs.size(),
            log.size());

        // every fire of the window exactly once on every node
        assertThat(jobs).hasSize(expected);
        Map<String, Map<String, List<Instant>>> fires =
            jobs.stream()
                .collect(
                    groupingBy(
                        Job::scheduleId,
                        groupingBy(Job::nodeId, mapping(j -> j.fireKey().fireTime(), toList()))));
        for (String schedule : List.of("retrying", "failing")) {
          for (Node n : nodes()) {
            assertThat(fires.get(schedule).get(n.id()))
                .as(schedule + " on " + n.id())
                .containsExactlyInAnyOrderElementsOf(window.fires());
          }
        }
        assertThat(
                jobs.stream().filter(j -> j.fireKey().fireTime().isAfter(killedAt.plusSeconds(1))))
            .as("fires after the kill")
            .isNotEmpty()
            .allSatisfy(j -> assertThat(j.owner()).isNotEqualTo(VICTIM));

        // every run started exactly once in the cluster
        Map<String, List<String>> startedBy =
            log.stream()
                .filter(RunLog.Entry::start)
                .collect(
                    groupingBy(
                        RunLog.Entry::executionId, mapping(RunLog.Entry::instance, toList())));
        assertThat(startedBy.values()).allSatisfy(by -> assertThat(by).hasSize(1));

        // the orphans were recovered per their retry policy, after the victim's lease ran out
        Set<String> orphanIds = new HashSet<>();
        orphaned.forEach(j -> orphanIds.add(j.id()));
        Map<String, Job> byJobId = new HashMap<>();
        jobs.forEach(j -> byJobId.put(j.id(), j));
        Instant leaseEnd = victimRow != null ? victimRow.leaseUntil() : killedAt;
        for (Job o : orphaned) {
          Job after = byJobId.get(o.id());
          // the victim may have died between storing its claim and starting the run
          assertThat(startedBy.getOrDefault(o.id() + "#1", List.of()))
              .as("first attempt of " + o.id())
              .isSubsetOf(VICTIM);
          if (o.scheduleId().equals("retrying")) {
            assertThat(after.status()).as(after.toString()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(after.attempt()).as(after.toString()).isEqualTo(2);
            assertThat(after.owner()).as(after.toString()).isNotEqualTo(VICTIM);
            assertThat(startedBy.get(o.id() + "#2"))
                .as("second attempt of " + o.id())
                .containsExactly(after.owner());
            Instant secondStart =
                log.stream()
                    .filter(e -> e.start() && e.executionId().equals(o.id() + "#2"))
                    .findFirst()
                    .orElseThrow()
                    .at();
            assertThat(secondStart)
                .as("second attempt of " + o.id() + " started after the victim's lease")
                .isAfterOrEqualTo(leaseEnd);
          } else {
            assertThat(after.status()).as(after.toString()).isEqualTo(JobStatus.FAILED);
            assertThat(after.attempt()).as(after.toString()).isEqualTo(1);
            assertThat(after.detail()).as(after.toString()).contains("lost its lease");
            assertThat(startedBy).doesNotContainKey(o.id() + "#2");
          }
        }
        // every other job ran once and succeeded
        assertThat(jobs.stream().filter(j -> !orphanIds.contains(j.id())))
            .allSatisfy(
                j -> {
                  assertThat(j.status()).as(j.toString()).isEqualTo(JobStatus.SUCCEEDED);
                  assertThat(j.attempt()).as(j.toString()).isEqualTo(1);
                  assertThat(startedBy.get(j.id() + "#1"))
                      .as(j.toString())
                      .containsExactly(j.owner());
                });
        assertThat(victimRow)
            .as("the victim's row (pruned only an hour after its lease)")
            .isNotNull();
        assertThat(victimRow.alive(now)).isFalse();
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

  private static ScheduleSpec spec(String name, FireWindow window, Retry retry) {
    return ScheduleSpec.named(name)
        .cron(window.cron())
        .zone(ZoneOffset.UTC)
        .script("work")
        .target(Target.nodes(nodes().stream().map(Node::id).toList()))
        .overlap(OverlapPolicy.ALLOW)
        .retry(retry)
        .build();
  }

  /** Records nothing: the setup scheduler never runs a job. */
  static final class NoRecorder implements RecordingTransport.Recorder {
    @Override
    public void started(io.scripttask.scheduler.spi.ExecutionRequest r, long startNanos) {}

    @Override
    public void ended(io.scripttask.scheduler.spi.ExecutionRequest r, long s, long e, boolean c) {}
  }
}
