package io.scripttask.jdbc.cluster;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scripttask.jdbc.JdbcSchedulerStore;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Schedule;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single scheduler instance on an H2 file, in its own JVM, is killed with {@link
 * Process#destroyForcibly()} while two jobs run, stays down for a few seconds, and is started again
 * in a new JVM on the same file with the same instance id (see {@link H2Member} for the schedules).
 *
 * <p>What it proves (contract 8: with the JDBC store a {@code kill -9} loses nothing):
 *
 * <ul>
 *   <li>the misfire policy is applied, from the store, to the fires missed while down: a {@code
 *       RUN_ONCE} schedule whose only fire was missed gets exactly one catch-up job, run by the new
 *       process; a {@code SKIP} schedule gets none and is done; a {@code RUN_ALL} every-second
 *       schedule has a job for every second, also for those missed while down;
 *   <li>the jobs that were RUNNING at the kill are recovered at once by the restarted instance
 *       (same id: it does not wait for its old lease to expire), per their retry policy: the one
 *       with a retry runs its second attempt and succeeds, the one without is FAILED;
 *   <li>nothing is duplicated: one job per fire key, each run (job and attempt) started once over
 *       both processes, and the file opens after a kill.
 * </ul>
 *
 * <p>Remediation executions are not covered: there is no JDBC remediation store yet.
 */
class H2RestartTest {

  private static final Clock CLOCK = Clock.systemUTC();
  private static final String ID = "solo";

  @Test
  void restartOnTheSameFileAppliesMisfirePoliciesAndRecoversTheKilledRuns(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("scripttask");
    Path log1 = dir.resolve("first.runs");
    Path log2 = dir.resolve("second.runs");
    Instant p;
    Instant killedAt;
    Instant restartedAt;
    Instant readyAgainAt;
    try (ChildJvm first =
        ChildJvm.start(
            "first", H2Member.class, dir, file.toString(), ID, log1.toString(), "plan")) {
      p =
          Instant.parse(
              first.await(l -> l.startsWith("PLAN "), Duration.ofSeconds(90)).substring(5));
      first.await("READY"::equals, Duration.ofSeconds(30));
      // kill once both slow runs are going and P + KILL_AFTER has come
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                Set<String> started = new HashSet<>();
                for (RunLog.Entry e : RunLog.read(log1)) {
                  if (e.start()) {
                    started.add(e.nodeId());
                  }
                }
                return started.contains(H2Member.SLOW_RETRY)
                    && started.contains(H2Member.SLOW_FAIL)
                    && !CLOCK.instant().isBefore(p.plusSeconds(H2Member.KILL_AFTER));
              });
      first.kill();
      killedAt = CLOCK.instant();
    }
    assertThat(killedAt)
        .as("killed before the missed fires")
        .isBefore(p.plusSeconds(H2Member.MISSED_AT));
    // stay down until the missed fires are later than the threshold and then some
    Instant upAgain = p.plusSeconds(H2Member.MISSED_AT + 3);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !CLOCK.instant().isBefore(upAgain));
    restartedAt = CLOCK.instant();
    try (ChildJvm second =
        ChildJvm.start(
            "second", H2Member.class, dir, file.toString(), ID, log2.toString(), "run")) {
      second.await("READY"::equals, Duration.ofSeconds(90));
      readyAgainAt = CLOCK.instant();
      // the recovered slow run retries after 1 s and takes 50 ms; the catch-up runs are at once
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  RunLog.read(log2).stream()
                      .anyMatch(
                          e ->
                              !e.start()
                                  && e.nodeId().equals(H2Member.SLOW_RETRY)
                                  && e.executionId().endsWith("#2")));
      Instant settled = CLOCK.instant().plusSeconds(2);
      await().pollInterval(Duration.ofMillis(50)).until(() -> CLOCK.instant().isAfter(settled));
      second.send("shutdown");
      assertThat(second.awaitExit(Duration.ofSeconds(30))).isZero();
    }

    List<RunLog.Entry> runs = new ArrayList<>(RunLog.read(log1));
    runs.addAll(RunLog.read(log2));
    try (JdbcStore db = JdbcStore.h2(file)) {
      JdbcSchedulerStore store = db.schedulerStore();
      List<Job> jobs = StoredJobs.all(store);
      Map<String, List<Job>> bySchedule = jobs.stream().collect(groupingBy(Job::scheduleId));
      System.out.printf(
          "h2 restart: P=%s killed=%s restarted=%s ready=%s; %d jobs%n",
          p, killedAt, restartedAt, readyAgainAt, jobs.size());

      // nothing duplicated
      assertThat(jobs.stream().map(Job::fireKey).distinct().count()).isEqualTo(jobs.size());
      Map<String, List<String>> startedIn =
          runs.stream()
              .filter(RunLog.Entry::start)
              .collect(
                  groupingBy(RunLog.Entry::executionId, mapping(RunLog.Entry::instance, toList())));
      assertThat(startedIn.values()).allSatisfy(v -> assertThat(v).hasSize(1));

      // the runs going at the kill: recovered at once, per their retry policy
      Job slowRetry = only(bySchedule, H2Member.SLOW_RETRY);
      assertThat(slowRetry.fireKey().fireTime()).isEqualTo(p.plusSeconds(1));
      assertThat(slowRetry.status()).as(slowRetry.toString()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(slowRetry.attempt()).isEqualTo(2);
      assertThat(slowRetry.finishedAt())
          .as("recovered without waiting for the old lease (30 s)")
          .isBefore(readyAgainAt.plusSeconds(10));
      assertThat(runs)
          .filteredOn(e -> e.start() && e.nodeId().equals(H2Member.SLOW_RETRY))
          .extracting(RunLog.Entry::attempt)
          .containsExactly(1, 2);
      Job slowFail = only(bySchedule, H2Member.SLOW_FAIL);
      assertThat(slowFail.status()).as(slowFail.toString()).isEqualTo(JobStatus.FAILED);
      assertThat(slowFail.attempt()).isEqualTo(1);
      assertThat(slowFail.detail()).contains("restarted");

      // misfires: RUN_ONCE catches up once, SKIP not at all
      Job once = only(bySchedule, H2Member.MISSED_ONCE);
      assertThat(once.fireKey().fireTime()).isEqualTo(p.plusSeconds(H2Member.MISSED_AT));
      assertThat(once.createdAt()).as("created by the restarted process").isAfter(restartedAt);
      assertThat(once.status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(bySchedule.get(H2Member.MISSED_SKIP)).as("jobs of the SKIP schedule").isNull();
      Schedule skip = store.get(H2Member.MISSED_SKIP).orElseThrow();
      assertThat(skip.nextFire()).as("the SKIP schedule's missed fire is consumed").isEmpty();
      assertThat(store.get(H2Member.MISSED_ONCE).orElseThrow().nextFire()).isEmpty();

      // RUN_ALL every second: one job per second from P up to the next fire, none lost
      Schedule steady = store.get(H2Member.STEADY).orElseThrow();
      Instant next = steady.nextFireTime();
      List<Instant> expected = new ArrayList<>();
      for (Instant t = p; t.isBefore(next); t = t.plusSeconds(1)) {
        expected.add(t);
      }
      List<Job> steadyJobs = bySchedule.get(H2Member.STEADY);
      assertThat(steadyJobs.stream().map(j -> j.fireKey().fireTime()).toList())
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(steadyJobs)
          .filteredOn(j -> j.fireKey().fireTime().isAfter(killedAt.plusSeconds(1)))
          .filteredOn(j -> j.fireKey().fireTime().isBefore(restartedAt))
          .as("catch-up jobs of the fires missed while down")
          .isNotEmpty()
          .allSatisfy(j -> assertThat(j.createdAt()).isAfter(restartedAt));
      assertThat(steadyJobs)
          .filteredOn(j -> j.fireKey().fireTime().isBefore(readyAgainAt.minusSeconds(1)))
          .allSatisfy(j -> assertThat(j.status()).as(j.toString()).isEqualTo(JobStatus.SUCCEEDED));
      assertThat(steadyJobs)
          .as("after a graceful shutdown a job is finished or still queued for the next start")
          .allSatisfy(
              j -> assertThat(j.status().isFinal() || j.status() == JobStatus.QUEUED).isTrue());
    }
  }

  private static Job only(Map<String, List<Job>> bySchedule, String schedule) {
    assertThat(bySchedule.get(schedule)).as("jobs of " + schedule).hasSize(1);
    return bySchedule.get(schedule).get(0);
  }
}
