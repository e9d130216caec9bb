package io.scripttask.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.Priority;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.SkipReason;
import io.scripttask.scheduler.TriggeredBy;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.WaitReason;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.ClaimOutcome;
import io.scripttask.scheduler.spi.FireOutcome;
import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.testkit.SchedulerStoreContract;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@link SchedulerStoreContract} on a real database, plus what only a database store must show:
 * exact instants, limits and fires under concurrency across connections, retention by count. Each
 * concrete class opens one store with its own random table prefix, clears its tables before every
 * test and drops them at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcSchedulerStoreContractTest extends SchedulerStoreContract {

  /** The store of this class. */
  protected JdbcStore jdbc;

  /**
   * Opens the database store of this class.
   *
   * @param prefix a fresh random table prefix (ignored by in-memory H2)
   * @return the store, migrated
   */
  protected abstract JdbcStore open(String prefix);

  /**
   * @return the dialect the store must have detected or been given
   */
  protected abstract Dialect expectedDialect();

  /** Drops the tables of this class and closes its store. */
  @AfterAll
  protected void dropStore() {
    if (jdbc != null) {
      TestDatabases.drop(jdbc.dataSource(), jdbc.dialect(), jdbc.tablePrefix());
      jdbc.close();
    }
  }

  /**
   * Opens the store on first use (so that a missing database skips, or fails, each test with the
   * reason), then empties its tables.
   */
  /** Instances of a cluster share the database: it reads only an instance's share. */
  @Override
  protected boolean appliesDispatchShares() {
    return true;
  }

  @Override
  protected SchedulerStore newStore() {
    if (jdbc == null) {
      jdbc = open(TestDatabases.randomPrefix());
    }
    TestDatabases.clear(jdbc.dataSource(), jdbc.tablePrefix());
    return jdbc.schedulerStore();
  }

  @Test
  void storeRunsOnTheExpectedDialectWithTheCurrentSchema() {
    assertThat(jdbc.dialect()).isEqualTo(expectedDialect());
    assertThat(jdbc.schemaVersion()).isEqualTo(JdbcStore.schemaVersionOfCode());
  }

  @Test
  void instantsComeBackToTheNanosecondWhateverTheirRange() {
    Instant nanos = T0.plusNanos(123_456_789);
    List<Instant> edges =
        List.of(
            nanos,
            Instant.ofEpochSecond(0, 1),
            Instant.ofEpochSecond(-1, 999_999_999),
            Instant.parse("1600-02-29T23:59:59.999999999Z"),
            Instant.parse("+10000-01-01T00:00:00.000000001Z"),
            Instant.MAX,
            Instant.MIN);
    int i = 0;
    for (Instant t : edges) {
      String id = "s" + i++;
      Schedule created = store.create(Schedule.create(spec(id), t, nanos, "alice"));
      assertThat(store.get(id)).contains(created);
      assertThat(store.get(id).orElseThrow().nextFireTime()).isEqualTo(t);
    }
    assertThat(store.dueSchedules(nanos.minusNanos(1), 100))
        .extracting(Schedule::id)
        .containsExactly("s6", "s3", "s2", "s1");
    assertThat(store.dueSchedules(nanos, 100))
        .extracting(Schedule::id)
        .containsExactly("s6", "s3", "s2", "s1", "s0");
    assertThat(store.dueSchedules(Instant.MAX, 100)).hasSize(edges.size());

    Job j =
        Job.builder("j", "s0", new FireKey("s0", nanos, "n1"))
            .script(SCRIPT)
            .dueAt(nanos.plusNanos(1))
            .maxAttempts(2)
            .createdAt(nanos.plusNanos(2))
            .sequence(1)
            .build();
    store.insert(j);
    assertThat(store.job("j")).contains(j);
    Job running =
        store
            .transition(j.running(nanos.plusNanos(3), "inst-1", 5), JobStatus.QUEUED, 0)
            .orElseThrow();
    Job retried =
        store
            .transition(running.retryAt(nanos.plusNanos(4)), JobStatus.RUNNING, running.version())
            .orElseThrow();
    assertThat(store.job("j")).contains(retried);
    assertThat(store.dispatchable(nanos.plusNanos(3), 10)).isEmpty();
    assertThat(store.dispatchable(nanos.plusNanos(4), 10)).containsExactly(retried);
    // the fire key compares to the nanosecond: one nanosecond later is another key
    assertThat(
            store.insert(
                Job.builder("j2", "s0", new FireKey("s0", nanos.plusNanos(1), "n1"))
                    .script(SCRIPT)
                    .build()))
        .isTrue();
    assertThat(
            store.insert(
                Job.builder("j3", "s0", new FireKey("s0", nanos, "n1")).script(SCRIPT).build()))
        .isFalse();
  }

  @Test
  void everyFieldOfAJobSurvivesTheStore() {
    Job full =
        Job.builder("full", "a", new FireKey("a", T0, "n1"))
            .script("s-1", "hash-1")
            .groups(List.of("g2", "g1"))
            .priority(Priority.CRITICAL)
            .dueAt(T0.plusMillis(1500))
            .sequence(42)
            .maxAttempts(3)
            .attempt(2)
            .detail("why")
            .exitCode(7)
            .stdout(new CapturedOutput("out\u00e9\ud83d\ude00", true, 1_000_000))
            .stderr(new CapturedOutput("err", false, 3))
            .createdAt(T0.minusSeconds(1))
            .nextAttemptAt(T0.plusSeconds(30))
            .triggeredBy(TriggeredBy.user("bob"))
            .fencingToken(9)
            .build();
    assertThat(store.insert(full)).isTrue();
    assertThat(store.job("full")).contains(full);
    Job waiting =
        store
            .transition(
                full.waiting(WaitReason.MAINTENANCE_WINDOW, "window w1"), JobStatus.QUEUED, 0)
            .orElseThrow();
    assertThat(store.job("full")).contains(waiting);
    Job skipped =
        store
            .transition(
                waiting.skipped(SkipReason.WINDOW, "window w1", T0.plusSeconds(60)),
                JobStatus.WAITING,
                1)
            .orElseThrow();
    assertThat(store.job("full")).contains(skipped);
    Job adHoc =
        Job.builder("h1", null, FireKey.adHoc("h1", T0, "n1"))
            .script(SCRIPT)
            .triggeredBy(new TriggeredBy(TriggeredBy.Kind.WORKFLOW, "wf-1"))
            .build();
    assertThat(store.insert(adHoc)).isTrue();
    assertThat(store.job("h1")).contains(adHoc);
  }

  /**
   * Eight threads, each claiming through its own connection with {@code perNode = 2}, finish every
   * job of the node without ever having more than two running: the running count read right after
   * each claim, and the claims each thread holds at once, never exceed the limit.
   */
  @Test
  void eightThreadsClaimingOnOneNodeNeverRunMoreThanTheNodeLimit() throws Exception {
    int jobs = 48;
    for (int i = 0; i < jobs; i++) {
      assertThat(
              store.insert(
                  job("c" + i, "s" + (i % 3), T0.plusSeconds(i), "n1", Priority.NORMAL, i + 1)))
          .isTrue();
    }
    AtomicInteger holding = new AtomicInteger();
    AtomicLong maxHolding = new AtomicLong();
    AtomicLong maxCounted = new AtomicLong();
    AtomicInteger limited = new AtomicInteger();
    List<Integer> claimed =
        race(
            8,
            () -> {
              String me = "inst-" + Thread.currentThread().getId();
              int mine = 0;
              for (int pass = 0; pass < 10_000; pass++) {
                List<Job> ready = store.dispatchable(T0.plusSeconds(jobs), 8);
                if (ready.isEmpty()) {
                  return mine;
                }
                for (Job j : ready) {
                  ClaimOutcome o =
                      store.claim(
                          j.running(T0, me, store.nextSequence()),
                          j.status(),
                          j.version(),
                          Limits.perNode(2));
                  if (o instanceof ClaimOutcome.Limited) {
                    limited.incrementAndGet();
                  } else if (o instanceof ClaimOutcome.Claimed won) {
                    maxHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
                    maxCounted.accumulateAndGet(store.runningCounts().node("n1"), Math::max);
                    mine++;
                    Job r = won.job();
                    // released before the finish commits: the store still counts it running
                    holding.decrementAndGet();
                    store
                        .transition(
                            r.finished(
                                JobStatus.SUCCEEDED,
                                0,
                                CapturedOutput.EMPTY,
                                CapturedOutput.EMPTY,
                                T0),
                            JobStatus.RUNNING,
                            r.version())
                        .orElseThrow();
                  }
                }
              }
              return mine;
            });
    assertThat(claimed.stream().mapToInt(Integer::intValue).sum()).isEqualTo(jobs);
    assertThat(maxHolding.get()).isBetween(1L, 2L);
    assertThat(maxCounted.get()).isBetween(1L, 2L);
    assertThat(store.countByStatus().get(JobStatus.SUCCEEDED)).isEqualTo(jobs);
    assertThat(store.runningCounts().global()).isZero();
  }

  /** Runs {@code task} on {@code threads} threads started together; returns their results. */
  private static <T> List<T> race(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void fourThreadsFiringTheSameScheduleLetExactlyOneFire() throws Exception {
    for (int round = 0; round < 20; round++) {
      String id = "four" + round;
      store.create(schedule(id, T0));
      AtomicInteger thread = new AtomicInteger();
      List<FireOutcome> outcomes =
          race(
              4,
              () ->
                  store.fire(
                      id,
                      T0,
                      T0.plusSeconds(60),
                      List.of(
                          job(
                              id + "-t" + thread.incrementAndGet(),
                              id,
                              T0,
                              "n1",
                              Priority.NORMAL,
                              store.nextSequence()))));
      assertThat(outcomes.stream().filter(FireOutcome::fired).count()).isEqualTo(1);
      assertThat(outcomes.stream().filter(o -> o.status() == FireOutcome.Status.STALE).count())
          .isEqualTo(3);
      assertThat(store.countByStatus().get(JobStatus.QUEUED)).isEqualTo(round + 1L);
      assertThat(store.get(id).orElseThrow().version()).isEqualTo(1);
    }
  }

  /**
   * A row another connection holds (an instance firing or claiming it) is skipped, not waited for:
   * the fire is STALE and the claim Lost while the lock is held (a wait would hang this test until
   * its timeout), and both succeed once it is released.
   */
  @Test
  void fireAndClaimDoNotWaitForARowAnotherTransactionHolds() throws Exception {
    store.create(schedule("busy", T0));
    Job j = job("j1", "busy", T0, "n1", Priority.NORMAL, 1);
    store.insert(j);
    String prefix = jdbc.tablePrefix();
    try (Connection other = jdbc.dataSource().getConnection()) {
      other.setAutoCommit(false);
      try (Statement st = other.createStatement()) {
        st.executeQuery("SELECT id FROM " + prefix + "schedule WHERE id = 'busy' FOR UPDATE")
            .close();
        st.executeQuery("SELECT id FROM " + prefix + "job WHERE id = 'j1' FOR UPDATE").close();
      }
      FireOutcome skipped = store.fire("busy", T0, T0.plusSeconds(60), List.of());
      assertThat(skipped.status()).isEqualTo(FireOutcome.Status.STALE);
      assertThat(skipped.schedule().nextFireTime()).isEqualTo(T0);
      assertThat(store.claim(j.running(T0, "inst-1", 2), JobStatus.QUEUED, 0, Limits.perNode(1)))
          .isInstanceOf(ClaimOutcome.Lost.class);
      other.rollback();
    }
    assertThat(store.fire("busy", T0, T0.plusSeconds(60), List.of()).fired()).isTrue();
    assertThat(store.claim(j.running(T0, "inst-1", 2), JobStatus.QUEUED, 0, Limits.perNode(1)))
        .isInstanceOf(ClaimOutcome.Claimed.class);
  }

  @Test
  void deleteFinishedBeyondKeepsTheNewestFinishedJobsOfEachScheduleAndTheLatestPerNode() {
    JdbcSchedulerStore s = jdbc.schedulerStore();
    // schedule a: 5 finished on n1, then 1 (older than all of n1's) on n2; schedule b: 2 finished
    finishAt(insert("a-n2", "a", "n2", 1), T0.plusSeconds(1));
    for (int i = 1; i <= 5; i++) {
      finishAt(insert("a" + i, "a", "n1", 10 + i), T0.plusSeconds(10 + i));
    }
    finishAt(insert("b1", "b", "n1", 30), T0.plusSeconds(30));
    finishAt(insert("b2", "b", "n1", 31), T0.plusSeconds(31));
    insert("a-pending", "a", "n1", 40);
    Job bare =
        Job.builder("bare", null, FireKey.adHoc("bare", T0, "n1"))
            .script(SCRIPT)
            .triggeredBy(TriggeredBy.user("bob"))
            .sequence(50)
            .build();
    store.insert(bare);
    finishAt(bare, T0);

    assertThat(s.deleteFinishedBeyond(2, 2)).isEqualTo(2);
    assertThat(store.job("a1")).isEmpty();
    assertThat(store.job("a2")).isEmpty();
    assertThat(s.deleteFinishedBeyond(2, 2)).isEqualTo(1);
    assertThat(s.deleteFinishedBeyond(2, 2)).isZero();
    // a keeps its 2 newest (a5, a4) and the latest of n2 (a-n2, however old)
    assertThat(store.job("a3")).isEmpty();
    assertThat(store.job("a4")).isPresent();
    assertThat(store.job("a5")).isPresent();
    assertThat(store.job("a-n2")).isPresent();
    assertThat(store.job("b1")).isPresent();
    assertThat(store.job("a-pending")).isPresent();
    assertThat(store.job("bare")).isPresent();
    assertThatThrownBy(() -> s.deleteFinishedBeyond(0, 10))
        .isInstanceOf(ValidationException.class)
        .hasMessage("keep must be at least 1, but was 0");
  }

  @Test
  void idsLongerThanTheColumnsAreRefusedWithTheField() {
    String longId = "x".repeat(JdbcSchedulerStore.MAX_ID_LENGTH + 1);
    assertThatThrownBy(() -> store.insert(job("j", "a", T0, longId, Priority.NORMAL, 1)))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "nodeId must be at most 255 characters in a JDBC store, but was 256 characters");
    Job longest =
        job("j", "a", T0, "x".repeat(255), Priority.NORMAL, 1).toBuilder()
            .groups(List.of("g".repeat(255)))
            .build();
    assertThat(store.insert(longest)).isTrue();
    assertThat(store.job("j")).contains(longest);
    assertThat(store.job("j").orElseThrow().nodeId()).hasSize(255);
    assertThatThrownBy(
            () ->
                store.create(
                    Schedule.create(spec("a").toBuilder().tags(longId).build(), T0, T0, "alice")))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("spec.tags must be at most 255");
  }

  @Test
  void idsDifferingOnlyInCaseAreDifferentIds() {
    store.create(schedule("Daily", T0));
    store.create(schedule("daily", T0.plusSeconds(1)));
    assertThat(store.get("Daily").orElseThrow().nextFireTime()).isEqualTo(T0);
    assertThat(store.get("daily").orElseThrow().nextFireTime()).isEqualTo(T0.plusSeconds(1));
    assertThat(store.scheduleCount()).isEqualTo(2);
  }

  private Job insert(String id, String scheduleId, String node, long seq) {
    Job j = job(id, scheduleId, T0.plusSeconds(seq), node, Priority.NORMAL, seq);
    assertThat(store.insert(j)).isTrue();
    return store.job(id).orElseThrow();
  }

  private void finishAt(Job j, Instant at) {
    Job current = store.job(j.id()).orElseThrow();
    Job running =
        store
            .transition(current.running(at, "inst-1", 1), current.status(), current.version())
            .orElseThrow();
    store
        .transition(
            running.finished(
                JobStatus.SUCCEEDED, 0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, at),
            JobStatus.RUNNING,
            running.version())
        .orElseThrow();
  }
}
