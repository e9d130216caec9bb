package io.scripttask.scheduler.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.DuplicateScheduleException;
import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.MaintenanceWindow;
import io.scripttask.scheduler.NoSuchScheduleException;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.Priority;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleQuery;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.ScheduleState;
import io.scripttask.scheduler.SchedulerInstance;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.SkipReason;
import io.scripttask.scheduler.StaleVersionException;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.TriggeredBy;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.Variable;
import io.scripttask.scheduler.VariableScope;
import io.scripttask.scheduler.WaitReason;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.ClaimOutcome;
import io.scripttask.scheduler.spi.ClaimRequest;
import io.scripttask.scheduler.spi.DispatchShare;
import io.scripttask.scheduler.spi.FireOutcome;
import io.scripttask.scheduler.spi.FireRequest;
import io.scripttask.scheduler.spi.RunningCounts;
import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.spi.TransitionRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link SchedulerStore} keeps. An adapter's test extends this class and
 * implements {@link #newStore()}; every test here then runs against the adapter. Each test gets a
 * fresh, empty store.
 */
@Timeout(60)
public abstract class SchedulerStoreContract {

  /** A fixed instant most tests are relative to. */
  protected static final Instant T0 = Instant.parse("2025-01-06T00:00:00Z");

  /** The script the fixtures run. */
  protected static final Script SCRIPT =
      Script.builder("uptime").content("uptime").defaultTimeout(Duration.ofMinutes(1)).build();

  /** The store under test. */
  protected SchedulerStore store;

  /**
   * Creates a fresh, empty store.
   *
   * @return the store
   */
  protected abstract SchedulerStore newStore();

  /**
   * @return how many threads the race tests use; 4 unless overridden
   */
  protected int raceThreads() {
    return 4;
  }

  /**
   * @return whether the store applies a {@link DispatchShare} (the SPI lets a store ignore it); a
   *     store that several instances share overrides this to return true, and the contract then
   *     checks that it reads exactly the share
   */
  protected boolean appliesDispatchShares() {
    return false;
  }

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  // ------------------------------------------------------------ fixtures

  /**
   * @param name the schedule's name (and id)
   * @return a spec firing every minute on node "n1"
   */
  protected static ScheduleSpec spec(String name) {
    return ScheduleSpec.named(name)
        .cron("* * * * *")
        .zone(ZoneId.of("UTC"))
        .script(SCRIPT)
        .target(Target.nodes("n1"))
        .tags("t-" + name.length())
        .build();
  }

  /**
   * @param id the schedule id
   * @param next its next fire time, or null
   * @return an active schedule, version 0
   */
  protected static Schedule schedule(String id, Instant next) {
    return Schedule.create(spec(id), next, T0, "alice");
  }

  /**
   * @param id the job id
   * @param scheduleId the schedule
   * @param fireTime the fire time
   * @param node the node
   * @param priority the priority
   * @param sequence the sequence
   * @return a queued job due at its fire time
   */
  protected static Job job(
      String id,
      String scheduleId,
      Instant fireTime,
      String node,
      Priority priority,
      long sequence) {
    return Job.builder(id, scheduleId, new FireKey(scheduleId, fireTime, node))
        .script(SCRIPT)
        .priority(priority)
        .sequence(sequence)
        .groups(Set.of("g-" + node))
        .createdAt(fireTime)
        .build();
  }

  private Job insertQueued(String id, String scheduleId, Instant fireTime, String node, long seq) {
    Job j = job(id, scheduleId, fireTime, node, Priority.NORMAL, seq);
    assertThat(store.insert(j)).isTrue();
    return store.job(id).orElseThrow();
  }

  private Job finish(Job j, JobStatus status, Instant at) {
    Job running =
        store.transition(j.running(at, "inst-1", 1), j.status(), j.version()).orElseThrow();
    return store
        .transition(
            running.finished(
                status,
                status == JobStatus.SUCCEEDED ? 0 : 1,
                new CapturedOutput("out", false, 3),
                CapturedOutput.EMPTY,
                at),
            JobStatus.RUNNING,
            running.version())
        .orElseThrow();
  }

  private static <T> T race(int threads, Callable<T> task, List<T> results) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      for (Future<T> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return null;
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------ schedules

  @Test
  void createStoresScheduleWithVersionZeroAndGetReturnsIt() {
    Schedule created = store.create(schedule("a", T0).withVersion(7));
    assertThat(created.version()).isZero();
    assertThat(store.get("a")).contains(created);
    assertThat(store.get("missing")).isEmpty();
    assertThat(store.scheduleCount()).isEqualTo(1);
  }

  @Test
  void getAllReturnsTheExistingSchedulesByIdAndLeavesOutTheMissingOnes() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      store.create(schedule("s" + i, T0.plusSeconds(i)));
      ids.add("s" + i);
    }
    ids.add("missing");
    ids.add("s7"); // a duplicate is read once
    Map<String, Schedule> all = store.getAll(ids);
    assertThat(all).hasSize(1_200).doesNotContainKey("missing");
    for (int i = 0; i < 1_200; i++) {
      assertThat(all.get("s" + i)).isEqualTo(store.get("s" + i).orElseThrow());
    }
    assertThat(store.getAll(List.of())).isEmpty();
    List<String> withNull = new ArrayList<>(List.of("s1"));
    withNull.add(null);
    assertThatThrownBy(() -> store.getAll(withNull)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void createWithTakenIdThrowsDuplicateScheduleException() {
    store.create(schedule("a", T0));
    assertThatThrownBy(() -> store.create(schedule("a", T0.plusSeconds(60))))
        .isInstanceOf(DuplicateScheduleException.class)
        .satisfies(e -> assertThat(((DuplicateScheduleException) e).scheduleId()).isEqualTo("a"));
    assertThat(store.get("a").orElseThrow().nextFireTime()).isEqualTo(T0);
  }

  @Test
  void updateWithCurrentVersionStoresChangeAndIncrementsVersion() {
    Schedule created = store.create(schedule("a", T0));
    Schedule paused = created.withState(ScheduleState.PAUSED, T0.plusSeconds(5), "bob");
    Schedule stored = store.update(paused, 0);
    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored.state()).isEqualTo(ScheduleState.PAUSED);
    assertThat(stored.updatedBy()).isEqualTo("bob");
    assertThat(store.get("a")).contains(stored);
    assertThat(store.update(stored.withConsecutiveFailures(2), 1).version()).isEqualTo(2);
  }

  @Test
  void updateWithStaleVersionThrowsAndChangesNothing() {
    Schedule created = store.create(schedule("a", T0));
    store.update(created.withConsecutiveFailures(1), 0);
    assertThatThrownBy(() -> store.update(created.withConsecutiveFailures(5), 0))
        .isInstanceOf(StaleVersionException.class)
        .satisfies(
            e -> {
              StaleVersionException s = (StaleVersionException) e;
              assertThat(s.id()).isEqualTo("a");
              assertThat(s.expectedVersion()).isZero();
              assertThat(s.actualVersion()).isEqualTo(1);
            });
    assertThat(store.get("a").orElseThrow().consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void updateOfMissingScheduleThrowsNoSuchSchedule() {
    assertThatThrownBy(() -> store.update(schedule("ghost", T0), 0))
        .isInstanceOf(NoSuchScheduleException.class)
        .hasMessageContaining("ghost");
  }

  @Test
  void concurrentUpdatesOfSameVersionLetExactlyOneWin() throws Exception {
    Schedule created = store.create(schedule("a", T0));
    List<Boolean> results = new ArrayList<>();
    race(
        raceThreads(),
        () -> {
          try {
            store.update(created.withConsecutiveFailures(3), 0);
            return true;
          } catch (StaleVersionException e) {
            return false;
          }
        },
        results);
    assertThat(results.stream().filter(b -> b).count()).isEqualTo(1);
    assertThat(store.get("a").orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void deleteRemovesScheduleFromReadsAndDueButKeepsItsJobs() {
    store.create(schedule("a", T0));
    store.insert(job("j1", "a", T0, "n1", Priority.NORMAL, 1));
    assertThat(store.delete("a")).isTrue();
    assertThat(store.delete("a")).isFalse();
    assertThat(store.get("a")).isEmpty();
    assertThat(store.dueSchedules(T0.plusSeconds(3600), 10)).isEmpty();
    assertThat(store.job("j1")).isPresent();
    assertThat(store.scheduleCount()).isZero();
  }

  @Test
  void dueSchedulesReturnsOnlyActiveDueOnesOrderedByNextFireThenIdWithinLimit() {
    store.create(schedule("late", T0.plusSeconds(30)));
    store.create(schedule("b", T0));
    store.create(schedule("a", T0));
    store.create(schedule("future", T0.plusSeconds(61)));
    store.create(schedule("exhausted", null));
    Schedule paused = store.create(schedule("paused", T0));
    store.update(paused.withState(ScheduleState.PAUSED, T0, "bob"), 0);
    Schedule auto = store.create(schedule("auto", T0));
    store.update(auto.withState(ScheduleState.AUTO_PAUSED, T0, "scheduler"), 0);

    assertThat(store.dueSchedules(T0.plusSeconds(60), 10))
        .extracting(Schedule::id)
        .containsExactly("a", "b", "late");
    assertThat(store.dueSchedules(T0.plusSeconds(60), 2))
        .extracting(Schedule::id)
        .containsExactly("a", "b");
    assertThat(store.dueSchedules(T0.minusSeconds(1), 10)).isEmpty();
    assertThatThrownBy(() -> store.dueSchedules(T0, 0))
        .isInstanceOf(ValidationException.class)
        .hasMessage("limit must be at least 1, but was 0");
  }

  @Test
  void dueSchedulesFollowsUpdatesOfNextFireAndState() {
    Schedule a = store.create(schedule("a", T0));
    Schedule moved = store.update(a.withNextFireTime(T0.plusSeconds(600)), 0);
    assertThat(store.dueSchedules(T0.plusSeconds(60), 10)).isEmpty();
    assertThat(store.dueSchedules(T0.plusSeconds(600), 10)).containsExactly(moved);
    Schedule paused = store.update(moved.withState(ScheduleState.PAUSED, T0, "bob"), 1);
    assertThat(store.dueSchedules(T0.plusSeconds(600), 10)).isEmpty();
    store.update(paused.withState(ScheduleState.ACTIVE, T0, "bob"), 2);
    assertThat(store.dueSchedules(T0.plusSeconds(600), 10))
        .extracting(Schedule::id)
        .containsExactly("a");
  }

  @Test
  void listFiltersByStateTagAndScriptAndPagesByIdWithoutGapsOrDuplicates() {
    for (int i = 0; i < 23; i++) {
      Schedule s = store.create(schedule(String.format("s%02d", i), T0));
      if (i % 3 == 0) {
        store.update(s.withState(ScheduleState.PAUSED, T0, "bob"), 0);
      }
    }
    List<String> seen = new ArrayList<>();
    Page page = Page.first(5);
    int pages = 0;
    while (page != null) {
      PageResult<Schedule> result = store.list(ScheduleQuery.all(), page);
      result.items().forEach(s -> seen.add(s.id()));
      page = result.next().orElse(null);
      pages++;
    }
    assertThat(pages).isEqualTo(5);
    assertThat(seen).hasSize(23).doesNotHaveDuplicates().isSorted();

    PageResult<Schedule> paused =
        store.list(ScheduleQuery.all().states(ScheduleState.PAUSED), Page.first(100));
    assertThat(paused.items()).hasSize(8).allMatch(s -> s.state() == ScheduleState.PAUSED);
    assertThat(paused.hasNext()).isFalse();
    assertThat(store.list(ScheduleQuery.all().tag("t-3"), Page.first(100)).items()).hasSize(23);
    assertThat(store.list(ScheduleQuery.all().tag("nope"), Page.first(100)).items()).isEmpty();
    assertThat(store.list(ScheduleQuery.all().script("uptime"), Page.first(100)).items())
        .hasSize(23);
  }

  @Test
  void listRejectsACursorItDidNotProduce() {
    assertThatThrownBy(() -> store.list(ScheduleQuery.all(), Page.after("garbage", 5)))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.jobs(JobQuery.all(), Page.after("garbage", 5)))
        .isInstanceOf(ValidationException.class);
  }

  // ------------------------------------------------------------ fire

  @Test
  void fireAdvancesScheduleAndInsertsJobsAtomically() {
    store.create(schedule("a", T0));
    Instant next = T0.plusSeconds(60);
    FireOutcome outcome =
        store.fire(
            "a",
            T0,
            next,
            List.of(
                job("j1", "a", T0, "n1", Priority.NORMAL, 1),
                job("j2", "a", T0, "n2", Priority.NORMAL, 2)));
    assertThat(outcome.fired()).isTrue();
    assertThat(outcome.status()).isEqualTo(FireOutcome.Status.FIRED);
    assertThat(outcome.inserted()).extracting(Job::id).containsExactly("j1", "j2");
    assertThat(outcome.ignored()).isEmpty();
    Schedule after = store.get("a").orElseThrow();
    assertThat(after).isEqualTo(outcome.schedule());
    assertThat(after.nextFireTime()).isEqualTo(next);
    assertThat(after.lastFireTime()).isEqualTo(T0);
    assertThat(after.version()).isEqualTo(1);
    assertThat(store.job("j1")).contains(outcome.inserted().get(0));
    assertThat(store.dueSchedules(T0, 10)).isEmpty();
    assertThat(store.dueSchedules(next, 10)).containsExactly(after);
  }

  @Test
  void fireWithExhaustedTriggerRemovesScheduleFromDue() {
    store.create(schedule("once", T0));
    FireOutcome outcome = store.fire("once", T0, null, List.of());
    assertThat(outcome.fired()).isTrue();
    assertThat(outcome.schedule().nextFireTime()).isNull();
    assertThat(store.dueSchedules(Instant.MAX, 10)).isEmpty();
  }

  @Test
  void fireWithStaleExpectedTimeChangesNothing() {
    store.create(schedule("a", T0));
    store.fire("a", T0, T0.plusSeconds(60), List.of(job("j1", "a", T0, "n1", Priority.NORMAL, 1)));
    FireOutcome again =
        store.fire(
            "a", T0, T0.plusSeconds(60), List.of(job("j9", "a", T0, "n9", Priority.NORMAL, 9)));
    assertThat(again.status()).isEqualTo(FireOutcome.Status.STALE);
    assertThat(again.fired()).isFalse();
    assertThat(again.inserted()).isEmpty();
    assertThat(again.schedule().version()).isEqualTo(1);
    assertThat(store.job("j9")).isEmpty();
  }

  @Test
  void fireOfPausedOrMissingScheduleChangesNothing() {
    Schedule a = store.create(schedule("a", T0));
    store.update(a.withState(ScheduleState.PAUSED, T0, "bob"), 0);
    FireOutcome paused =
        store.fire(
            "a", T0, T0.plusSeconds(60), List.of(job("j1", "a", T0, "n1", Priority.NORMAL, 1)));
    assertThat(paused.status()).isEqualTo(FireOutcome.Status.NOT_ACTIVE);
    assertThat(store.job("j1")).isEmpty();
    assertThat(store.get("a").orElseThrow().nextFireTime()).isEqualTo(T0);

    FireOutcome missing = store.fire("ghost", T0, T0.plusSeconds(60), List.of());
    assertThat(missing.status()).isEqualTo(FireOutcome.Status.NOT_FOUND);
    assertThat(missing.current()).isEmpty();
  }

  @Test
  void fireIgnoresJobsWhoseFireKeyOrIdAlreadyExists() {
    store.create(schedule("a", T0));
    store.insert(job("early", "a", T0, "n1", Priority.NORMAL, 1));
    FireOutcome outcome =
        store.fire(
            "a",
            T0,
            T0.plusSeconds(60),
            List.of(
                job("dup-key", "a", T0, "n1", Priority.NORMAL, 2),
                job("fresh", "a", T0, "n2", Priority.NORMAL, 3),
                job("early", "a", T0, "n3", Priority.NORMAL, 4)));
    assertThat(outcome.fired()).isTrue();
    assertThat(outcome.inserted()).extracting(Job::id).containsExactly("fresh");
    assertThat(outcome.ignored())
        .containsExactly(new FireKey("a", T0, "n1"), new FireKey("a", T0, "n3"));
    assertThat(store.job("dup-key")).isEmpty();
    assertThat(store.jobs(JobQuery.all(), Page.first(10)).items()).hasSize(2);
  }

  @Test
  void fireRejectsForeignJobsAndANextFireNotAfterTheExpectedOneBeforeChangingAnything() {
    store.create(schedule("a", T0));
    assertThatThrownBy(
            () ->
                store.fire(
                    "a",
                    T0,
                    T0.plusSeconds(60),
                    List.of(job("x", "b", T0, "n1", Priority.NORMAL, 1))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("jobs must");
    assertThatThrownBy(() -> store.fire("a", T0, T0, List.of()))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("newNextFire must be after expectedNextFire");
    assertThat(store.get("a").orElseThrow().version()).isZero();
    assertThat(store.job("x")).isEmpty();
  }

  @Test
  void twoThreadsFiringTheSameScheduleLetExactlyOneWin() throws Exception {
    for (int round = 0; round < 25; round++) {
      String id = "race" + round;
      store.create(schedule(id, T0));
      List<FireOutcome> outcomes = new ArrayList<>();
      race(
          2,
          () ->
              store.fire(
                  id,
                  T0,
                  T0.plusSeconds(60),
                  List.of(
                      job(
                          id + "-" + Thread.currentThread().getId(),
                          id,
                          T0,
                          "n1",
                          Priority.NORMAL,
                          store.nextSequence()))),
          outcomes);
      assertThat(outcomes.stream().filter(FireOutcome::fired).count()).isEqualTo(1);
      assertThat(outcomes.stream().filter(o -> o.status() == FireOutcome.Status.STALE).count())
          .isEqualTo(1);
      assertThat(store.jobs(JobQuery.all().schedule(id), Page.first(10)).items()).hasSize(1);
      assertThat(store.get(id).orElseThrow().version()).isEqualTo(1);
    }
  }

  @Test
  void instancesFiringConcurrentlyInALoopRunEveryFireKeyExactlyOnce() throws Exception {
    int schedules = 20;
    int fires = 15;
    for (int i = 0; i < schedules; i++) {
      store.create(schedule("loop" + i, T0));
    }
    Instant end = T0.plusSeconds(60L * fires);
    List<Integer> firedCounts = new ArrayList<>();
    race(
        raceThreads(),
        () -> {
          int fired = 0;
          String me = "i" + Thread.currentThread().getId();
          while (true) {
            List<Schedule> dueNow = store.dueSchedules(end.minusSeconds(1), 7);
            if (dueNow.isEmpty()) {
              return fired;
            }
            for (Schedule s : dueNow) {
              Instant t = s.nextFireTime();
              Job j =
                  job(
                      me + "-" + store.nextSequence(),
                      s.id(),
                      t,
                      "n1",
                      Priority.NORMAL,
                      store.nextSequence());
              if (store.fire(s.id(), t, t.plusSeconds(60), List.of(j)).fired()) {
                fired++;
              }
            }
          }
        },
        firedCounts);
    assertThat(firedCounts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(schedules * fires);
    List<Job> all = new ArrayList<>();
    Page page = Page.first(100);
    while (page != null) {
      PageResult<Job> r = store.jobs(JobQuery.all(), page);
      all.addAll(r.items());
      page = r.next().orElse(null);
    }
    assertThat(all).hasSize(schedules * fires);
    assertThat(all.stream().map(Job::fireKey).collect(Collectors.toSet()))
        .hasSize(schedules * fires);
    for (int i = 0; i < schedules; i++) {
      assertThat(store.get("loop" + i).orElseThrow().nextFireTime()).isEqualTo(end);
    }
  }

  // ------------------------------------------------------------ jobs

  @Test
  void insertStoresVersionZeroAndRefusesDuplicateFireKeyOrId() {
    Job j = job("j1", "a", T0, "n1", Priority.NORMAL, 1).toBuilder().version(5).build();
    assertThat(store.insert(j)).isTrue();
    assertThat(store.job("j1").orElseThrow().version()).isZero();
    assertThat(store.insert(job("j2", "a", T0, "n1", Priority.HIGH, 2))).isFalse();
    assertThat(store.insert(job("j1", "a", T0.plusSeconds(1), "n1", Priority.HIGH, 3))).isFalse();
    assertThat(store.job("j2")).isEmpty();
    assertThat(store.job("j1").orElseThrow().priority()).isEqualTo(Priority.NORMAL);
  }

  @Test
  void adHocJobsWithTheSameRequestTimeDoNotCollide() {
    Job a =
        Job.builder("h1", "a", FireKey.adHoc("h1", T0, "n1"))
            .script(SCRIPT)
            .triggeredBy(TriggeredBy.user("bob"))
            .build();
    Job b =
        Job.builder("h2", null, FireKey.adHoc("h2", T0, "n1"))
            .script(SCRIPT)
            .triggeredBy(TriggeredBy.user("bob"))
            .build();
    assertThat(store.insert(a)).isTrue();
    assertThat(store.insert(b)).isTrue();
    assertThat(store.jobs(JobQuery.all().schedule("a"), Page.first(10)).items())
        .extracting(Job::id)
        .containsExactly("h1");
  }

  @Test
  void dispatchableOrdersByPriorityThenDueTimeThenSequence() {
    store.insert(job("low-early", "a", T0, "n1", Priority.LOW, 1));
    store.insert(job("normal-late", "a", T0.plusSeconds(20), "n2", Priority.NORMAL, 2));
    store.insert(job("normal-early-seq9", "a", T0.plusSeconds(10), "n3", Priority.NORMAL, 9));
    store.insert(job("normal-early-seq3", "a", T0.plusSeconds(10), "n4", Priority.NORMAL, 3));
    store.insert(job("critical-late", "a", T0.plusSeconds(30), "n5", Priority.CRITICAL, 5));
    store.insert(job("high", "a", T0.plusSeconds(25), "n6", Priority.HIGH, 6));

    assertThat(store.dispatchable(T0.plusSeconds(60), 10))
        .extracting(Job::id)
        .containsExactly(
            "critical-late",
            "high",
            "normal-early-seq3",
            "normal-early-seq9",
            "normal-late",
            "low-early");
    assertThat(store.dispatchable(T0.plusSeconds(60), 3))
        .extracting(Job::id)
        .containsExactly("critical-late", "high", "normal-early-seq3");
  }

  @Test
  void dispatchablePagesContinueAfterTheLastJobInDispatchOrder() {
    store.insert(job("low-early", "a", T0, "n1", Priority.LOW, 1));
    store.insert(job("normal-late", "a", T0.plusSeconds(20), "n2", Priority.NORMAL, 2));
    store.insert(job("normal-early-seq9", "a", T0.plusSeconds(10), "n3", Priority.NORMAL, 9));
    store.insert(job("normal-early-seq3", "a", T0.plusSeconds(10), "n4", Priority.NORMAL, 3));
    store.insert(job("normal-early-seq3b", "a", T0.plusSeconds(10), "n7", Priority.NORMAL, 3));
    store.insert(job("critical-late", "a", T0.plusSeconds(30), "n5", Priority.CRITICAL, 5));
    store.insert(job("high", "a", T0.plusSeconds(25), "n6", Priority.HIGH, 6));
    store.insert(job("future", "a", T0.plusSeconds(90), "n8", Priority.CRITICAL, 10));

    List<String> paged = new ArrayList<>();
    List<Job> page = store.dispatchable(T0.plusSeconds(60), 2);
    while (!page.isEmpty()) {
      page.forEach(j -> paged.add(j.id()));
      page = store.dispatchable(T0.plusSeconds(60), page.get(page.size() - 1), 2);
    }
    assertThat(paged)
        .containsExactly(
            "critical-late",
            "high",
            "normal-early-seq3",
            "normal-early-seq3b",
            "normal-early-seq9",
            "normal-late",
            "low-early");

    // the page after a job claimed meanwhile still continues from its order key
    Job high = store.job("high").orElseThrow();
    claimed(high, Limits.NONE);
    assertThat(store.dispatchable(T0.plusSeconds(60), high, 3))
        .extracting(Job::id)
        .containsExactly("normal-early-seq3", "normal-early-seq3b", "normal-early-seq9");
    assertThatThrownBy(() -> store.dispatchable(T0, high, 0))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void dispatchableInAShareReadsTheShareAndEveryJobReadyBeforeItOpensInDispatchOrder() {
    // sequences 1..8; the share of index 1 of 3 holds sequences 1, 4 and 7, and every job ready at
    // or before T0 + 10 s
    store.insert(job("old-seq2", "a", T0, "n1", Priority.NORMAL, 2));
    store.insert(job("old-seq3-low", "a", T0.plusSeconds(10), "n2", Priority.LOW, 3));
    store.insert(job("seq1", "a", T0.plusSeconds(20), "n3", Priority.NORMAL, 1));
    store.insert(job("seq4-critical", "a", T0.plusSeconds(30), "n4", Priority.CRITICAL, 4));
    store.insert(job("seq5", "a", T0.plusSeconds(20), "n5", Priority.NORMAL, 5));
    store.insert(job("seq6-critical", "a", T0.plusSeconds(30), "n6", Priority.CRITICAL, 6));
    store.insert(job("seq7", "a", T0.plusSeconds(40), "n7", Priority.NORMAL, 7));
    store.insert(job("seq8-future", "a", T0.plusSeconds(90), "n8", Priority.NORMAL, 8));
    Instant now = T0.plusSeconds(60);
    DispatchShare share = new DispatchShare(1, 3, T0.plusSeconds(10));

    List<String> paged = new ArrayList<>();
    List<Job> page = store.dispatchable(now, null, 2, share);
    while (!page.isEmpty()) {
      page.forEach(j -> paged.add(j.id()));
      page = store.dispatchable(now, page.get(page.size() - 1), 2, share);
    }
    List<Job> ready = store.dispatchable(now, 10);
    List<String> whole = ready.stream().map(Job::id).collect(Collectors.toList());
    List<String> inShare =
        ready.stream().filter(share::includes).map(Job::id).collect(Collectors.toList());
    assertThat(inShare)
        .containsExactly("seq4-critical", "old-seq2", "seq1", "seq7", "old-seq3-low");
    if (appliesDispatchShares()) {
      assertThat(paged).isEqualTo(inShare);
      assertThat(store.dispatchable(now, null, 3, share))
          .extracting(Job::id)
          .containsExactly("seq4-critical", "old-seq2", "seq1");
    } else {
      assertThat(paged).isEqualTo(whole);
    }
    assertThatThrownBy(() -> store.dispatchable(now, null, 0, share))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void aDispatchShareNamesTheFieldTheRuleAndTheValueItBreaks() {
    assertThatThrownBy(() -> new DispatchShare(0, 1, T0))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("count")
        .hasMessageContaining("at least 2")
        .hasMessageContaining("1");
    assertThatThrownBy(() -> new DispatchShare(3, 3, T0))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("index")
        .hasMessageContaining("below count 3");
    assertThatThrownBy(() -> new DispatchShare(-1, 3, T0))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("index");
    assertThatThrownBy(() -> new DispatchShare(0, 2, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("openFrom");
  }

  @Test
  void dispatchableLeavesOutFutureRunningAndFinishedJobsAndUsesTheRetryTime() {
    Job due = insertQueued("due", "a", T0, "n1", 1);
    insertQueued("future", "a", T0.plusSeconds(120), "n2", 2);
    Job running = insertQueued("running", "a", T0, "n3", 3);
    store.transition(running.running(T0, "inst-1", 1), JobStatus.QUEUED, 0).orElseThrow();
    Job done = insertQueued("done", "a", T0, "n4", 4);
    finish(done, JobStatus.SUCCEEDED, T0.plusSeconds(1));
    Job waiting = insertQueued("waiting", "a", T0, "n5", 5);
    store
        .transition(waiting.waiting(WaitReason.NODE_LIMIT, "n5 busy"), JobStatus.QUEUED, 0)
        .orElseThrow();
    assertThat(
            store.insert(
                job("retried", "a", T0, "n6", Priority.NORMAL, 6).toBuilder()
                    .maxAttempts(3)
                    .build()))
        .isTrue();
    Job attempt1 = finishRunning(store.job("retried").orElseThrow());
    Job attempt2 =
        store
            .transition(attempt1.retryAt(T0.plusSeconds(90)), JobStatus.RUNNING, attempt1.version())
            .orElseThrow();
    assertThat(attempt2.attempt()).isEqualTo(2);
    assertThat(attempt2.readyAt()).isEqualTo(T0.plusSeconds(90));

    assertThat(store.dispatchable(T0.plusSeconds(60), 10))
        .extracting(Job::id)
        .containsExactly("due", "waiting");
    assertThat(store.dispatchable(T0.plusSeconds(120), 10))
        .extracting(Job::id)
        .containsExactly("due", "waiting", "retried", "future");
    assertThat(due.status()).isEqualTo(JobStatus.QUEUED);
  }

  private Job finishRunning(Job queued) {
    return store
        .transition(queued.running(T0, "inst-1", 1), JobStatus.QUEUED, queued.version())
        .orElseThrow();
  }

  @Test
  void transitionIsACompareAndSetOnStatusAndVersion() {
    Job j = insertQueued("j1", "a", T0, "n1", 1);
    Optional<Job> claimed = store.transition(j.running(T0, "inst-1", 7), JobStatus.QUEUED, 0);
    assertThat(claimed).isPresent();
    assertThat(claimed.get().version()).isEqualTo(1);
    assertThat(claimed.get().owner()).isEqualTo("inst-1");
    assertThat(claimed.get().fencingToken()).isEqualTo(7);
    assertThat(store.job("j1")).isEqualTo(claimed);

    assertThat(store.transition(j.running(T0, "inst-2", 8), JobStatus.QUEUED, 0)).isEmpty();
    assertThat(store.transition(j.running(T0, "inst-2", 8), JobStatus.QUEUED, 1)).isEmpty();
    assertThat(store.transition(j.running(T0, "inst-2", 8), JobStatus.RUNNING, 0)).isEmpty();
    Job ghost = job("ghost", "a", T0, "n9", Priority.NORMAL, 9);
    assertThat(store.transition(ghost, JobStatus.QUEUED, 0)).isEmpty();
    assertThat(store.job("j1").orElseThrow().owner()).isEqualTo("inst-1");
  }

  @Test
  void concurrentClaimsOfOneJobLetExactlyOneWin() throws Exception {
    for (int round = 0; round < 25; round++) {
      Job j = insertQueued("c" + round, "a", T0.plusSeconds(round), "n1", round);
      List<Optional<Job>> claims = new ArrayList<>();
      long token = round + 1L;
      race(
          raceThreads(),
          () ->
              store.transition(
                  j.running(T0, "inst-" + Thread.currentThread().getId(), token),
                  JobStatus.QUEUED,
                  j.version()),
          claims);
      assertThat(claims.stream().filter(Optional::isPresent).count()).isEqualTo(1);
      Job winner = claims.stream().flatMap(Optional::stream).findFirst().orElseThrow();
      assertThat(store.job(j.id())).contains(winner);
    }
    assertThat(store.runningCounts().global()).isEqualTo(25);
  }

  @Test
  void transitionRefusesToChangeAJobsIdentity() {
    Job j = insertQueued("j1", "a", T0, "n1", 1);
    Job moved =
        Job.builder("j1", "a", new FireKey("a", T0, "n2")).script(SCRIPT).sequence(1).build();
    assertThatThrownBy(() -> store.transition(moved, JobStatus.QUEUED, 0))
        .isInstanceOf(ValidationException.class);
    assertThat(store.job("j1")).contains(j);
  }

  @Test
  void runningCountsCountRunningJobsByNodeGroupAndSchedule() {
    assertThat(store.runningCounts()).isEqualTo(RunningCounts.NONE);
    Job a1 = insertQueued("a1", "a", T0, "n1", 1);
    Job a2 = insertQueued("a2", "a", T0, "n2", 2);
    Job b1 = insertQueued("b1", "b", T0, "n1", 3);
    insertQueued("b2", "b", T0, "n2", 4);
    Job ra1 = finishRunning(a1);
    finishRunning(a2);
    finishRunning(b1);

    RunningCounts counts = store.runningCounts();
    assertThat(counts.global()).isEqualTo(3);
    assertThat(counts.node("n1")).isEqualTo(2);
    assertThat(counts.node("n2")).isEqualTo(1);
    assertThat(counts.group("g-n1")).isEqualTo(2);
    assertThat(counts.schedule("a")).isEqualTo(2);
    assertThat(counts.schedule("b")).isEqualTo(1);
    assertThat(counts.node("nowhere")).isZero();

    store.transition(
        ra1.finished(JobStatus.SUCCEEDED, 0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, T0),
        JobStatus.RUNNING,
        ra1.version());
    counts = store.runningCounts();
    assertThat(counts.global()).isEqualTo(2);
    assertThat(counts.node("n1")).isEqualTo(1);
    assertThat(counts.schedule("a")).isEqualTo(1);
  }

  @Test
  void countByStatusCountsEveryStatus() {
    insertQueued("q", "a", T0, "n1", 1);
    Job w = insertQueued("w", "a", T0, "n2", 2);
    store.transition(w.waiting(WaitReason.MAINTENANCE_WINDOW, null), JobStatus.QUEUED, 0);
    Job s = insertQueued("s", "a", T0, "n3", 3);
    store.transition(
        s.skipped(SkipReason.NODE_QUARANTINED, "quarantined", T0), JobStatus.QUEUED, 0);
    finish(insertQueued("ok", "a", T0, "n4", 4), JobStatus.SUCCEEDED, T0);
    finish(insertQueued("ko", "a", T0, "n5", 5), JobStatus.FAILED, T0);

    Map<JobStatus, Long> counts = store.countByStatus();
    assertThat(counts).hasSize(JobStatus.values().length);
    assertThat(counts.get(JobStatus.QUEUED)).isEqualTo(1);
    assertThat(counts.get(JobStatus.WAITING)).isEqualTo(1);
    assertThat(counts.get(JobStatus.SKIPPED)).isEqualTo(1);
    assertThat(counts.get(JobStatus.SUCCEEDED)).isEqualTo(1);
    assertThat(counts.get(JobStatus.FAILED)).isEqualTo(1);
    assertThat(counts.get(JobStatus.RUNNING)).isZero();
    assertThat(counts.get(JobStatus.CANCELLED)).isZero();
  }

  @Test
  void jobsQueryFiltersAndPagesNewestFirstWithoutGapsOrDuplicates() {
    for (int i = 1; i <= 40; i++) {
      Job j =
          insertQueued("j" + i, i % 2 == 0 ? "even" : "odd", T0.plusSeconds(i), "n" + (i % 4), i);
      if (i % 5 == 0) {
        finish(j, JobStatus.FAILED, T0.plusSeconds(100 + i));
      }
    }
    List<String> seen = new ArrayList<>();
    Page page = Page.first(7);
    while (page != null) {
      PageResult<Job> r = store.jobs(JobQuery.all(), page);
      r.items().forEach(j -> seen.add(j.id()));
      page = r.next().orElse(null);
    }
    List<String> expected = new ArrayList<>();
    for (int i = 40; i >= 1; i--) {
      expected.add("j" + i);
    }
    assertThat(seen).isEqualTo(expected);

    assertThat(store.jobs(JobQuery.all().statuses(JobStatus.FAILED), Page.first(100)).items())
        .extracting(Job::id)
        .containsExactly("j40", "j35", "j30", "j25", "j20", "j15", "j10", "j5");
    assertThat(store.jobs(JobQuery.all().schedule("even").node("n0"), Page.first(100)).items())
        .extracting(Job::id)
        .containsExactly("j40", "j36", "j32", "j28", "j24", "j20", "j16", "j12", "j8", "j4");
    assertThat(
            store
                .jobs(
                    JobQuery.all().createdBetween(T0.plusSeconds(10), T0.plusSeconds(13)),
                    Page.first(100))
                .items())
        .extracting(Job::id)
        .containsExactly("j12", "j11", "j10");
    assertThat(
            store
                .jobs(
                    JobQuery.all().finishedBetween(T0.plusSeconds(120), T0.plusSeconds(131)),
                    Page.first(100))
                .items())
        .extracting(Job::id)
        .containsExactly("j30", "j25", "j20");
    assertThat(store.jobs(JobQuery.all().owner("inst-1"), Page.first(100)).items()).hasSize(8);
  }

  @Test
  void jobPagesNeitherRepeatNorSkipWhenJobsAreAddedBetweenPages() {
    for (int i = 1; i <= 10; i++) {
      insertQueued("j" + i, "a", T0, "n" + i, i);
    }
    PageResult<Job> first = store.jobs(JobQuery.all(), Page.first(4));
    insertQueued("j11", "a", T0, "n11", 11);
    List<String> rest = new ArrayList<>();
    Page page = first.next().orElseThrow();
    while (page != null) {
      PageResult<Job> r = store.jobs(JobQuery.all(), page);
      r.items().forEach(j -> rest.add(j.id()));
      page = r.next().orElse(null);
    }
    assertThat(first.items()).extracting(Job::id).containsExactly("j10", "j9", "j8", "j7");
    assertThat(rest).containsExactly("j6", "j5", "j4", "j3", "j2", "j1");
  }

  @Test
  void lastFinishedReturnsTheLatestFinishedJobOfTheScheduleOnTheNode() {
    assertThat(store.lastFinished("a", "n1")).isEmpty();
    finish(insertQueued("old", "a", T0, "n1", 1), JobStatus.SUCCEEDED, T0.plusSeconds(10));
    Job latest =
        finish(
            insertQueued("new", "a", T0.plusSeconds(60), "n1", 2),
            JobStatus.FAILED,
            T0.plusSeconds(70));
    finish(
        insertQueued("other-node", "a", T0.plusSeconds(90), "n2", 3),
        JobStatus.SUCCEEDED,
        T0.plusSeconds(95));
    finish(
        insertQueued("other-schedule", "b", T0.plusSeconds(90), "n1", 4),
        JobStatus.SUCCEEDED,
        T0.plusSeconds(95));
    insertQueued("pending", "a", T0.plusSeconds(120), "n1", 5);

    assertThat(store.lastFinished("a", "n1")).contains(latest);
    assertThat(store.lastFinished("a", "n2").orElseThrow().id()).isEqualTo("other-node");
    assertThat(store.lastFinished("c", "n1")).isEmpty();
  }

  @Test
  void earliestUnfinishedReturnsTheEarliestFireAmongTheGivenStatusesOfTheScheduleOnTheNode() {
    Set<JobStatus> unfinished = Set.of(JobStatus.QUEUED, JobStatus.WAITING, JobStatus.RUNNING);
    assertThat(store.earliestUnfinished("a", "n1", unfinished)).isEmpty();
    Job later = insertQueued("later", "a", T0.plusSeconds(120), "n1", 1);
    Job earlier = insertQueued("earlier", "a", T0.plusSeconds(60), "n1", 2);
    insertQueued("other-node", "a", T0, "n2", 3);
    insertQueued("other-schedule", "b", T0, "n1", 4);
    finish(insertQueued("finished", "a", T0, "n1", 5), JobStatus.SUCCEEDED, T0.plusSeconds(5));

    assertThat(store.earliestUnfinished("a", "n1", unfinished)).contains(earlier);
    assertThat(store.earliestUnfinished("a", "n1", Set.of(JobStatus.RUNNING))).isEmpty();

    Job running =
        store
            .transition(later.running(T0, "inst-1", 9), JobStatus.QUEUED, later.version())
            .orElseThrow();
    assertThat(store.earliestUnfinished("a", "n1", Set.of(JobStatus.RUNNING))).contains(running);
    assertThat(store.earliestUnfinished("a", "n1", unfinished)).contains(earlier);

    Job waiting =
        store
            .transition(
                earlier.waiting(WaitReason.OVERLAP, "busy"), JobStatus.QUEUED, earlier.version())
            .orElseThrow();
    assertThat(store.earliestUnfinished("a", "n1", Set.of(JobStatus.QUEUED))).isEmpty();
    assertThat(store.earliestUnfinished("a", "n1", Set.of(JobStatus.WAITING))).contains(waiting);

    finish(running, JobStatus.FAILED, T0.plusSeconds(130));
    store.transition(
        waiting.skipped(SkipReason.OVERLAP, "busy", T0), JobStatus.WAITING, waiting.version());
    assertThat(store.earliestUnfinished("a", "n1", unfinished)).isEmpty();
    assertThat(store.earliestUnfinished("a", "n2", unfinished).orElseThrow().id())
        .isEqualTo("other-node");
  }

  @Test
  void earliestUnfinishedRejectsFinalOrNoStatuses() {
    assertThatThrownBy(() -> store.earliestUnfinished("a", "n1", Set.of()))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(
            () ->
                store.earliestUnfinished("a", "n1", Set.of(JobStatus.RUNNING, JobStatus.SUCCEEDED)))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void triggeredAfterListsTheSchedulesRunAfterAnUpstreamAndFollowsChanges() {
    store.create(schedule("up", T0));
    Schedule c = store.create(Schedule.create(after("c", "up"), null, T0, "alice"));
    store.create(Schedule.create(after("b", "up"), null, T0, "alice"));
    store.create(Schedule.create(after("x", "other"), null, T0, "alice"));

    assertThat(store.triggeredAfter("up")).extracting(Schedule::id).containsExactly("b", "c");
    assertThat(store.triggeredAfter("other")).extracting(Schedule::id).containsExactly("x");
    assertThat(store.triggeredAfter("nobody")).isEmpty();

    Schedule paused = store.update(c.withState(ScheduleState.PAUSED, T0, "bob"), c.version());
    assertThat(store.triggeredAfter("up")).contains(paused);
    store.update(paused.withSpec(after("c", "other"), T0, "bob"), paused.version());
    assertThat(store.triggeredAfter("up")).extracting(Schedule::id).containsExactly("b");
    assertThat(store.triggeredAfter("other")).extracting(Schedule::id).containsExactly("c", "x");
    store.delete("b");
    assertThat(store.triggeredAfter("up")).isEmpty();
    assertThatThrownBy(() -> store.triggeredAfter("up").clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static ScheduleSpec after(String name, String upstream) {
    return ScheduleSpec.named(name)
        .trigger(Trigger.afterCompletionOf(upstream))
        .script(SCRIPT)
        .target(Target.nodes("n1"))
        .build();
  }

  @Test
  void deleteFinishedBeforeDeletesOldestFinishedJobsInBatches() {
    for (int i = 1; i <= 7; i++) {
      finish(
          insertQueued("f" + i, "a", T0.plusSeconds(i), "n1", i),
          JobStatus.SUCCEEDED,
          T0.plusSeconds(100 + i));
    }
    insertQueued("pending", "a", T0, "n2", 20);
    Instant cutoff = T0.plusSeconds(106);

    assertThat(store.deleteFinishedBefore(cutoff, 2)).isEqualTo(2);
    assertThat(store.job("f1")).isEmpty();
    assertThat(store.job("f2")).isEmpty();
    assertThat(store.job("f3")).isPresent();
    assertThat(store.deleteFinishedBefore(cutoff, 2)).isEqualTo(2);
    assertThat(store.deleteFinishedBefore(cutoff, 2)).isEqualTo(1);
    assertThat(store.deleteFinishedBefore(cutoff, 2)).isZero();
    assertThat(store.jobs(JobQuery.all(), Page.first(100)).items())
        .extracting(Job::id)
        .containsExactly("pending", "f7", "f6");
    assertThat(store.countByStatus().get(JobStatus.SUCCEEDED)).isEqualTo(2);
    assertThat(store.lastFinished("a", "n1").orElseThrow().id()).isEqualTo("f7");
    assertThatThrownBy(() -> store.deleteFinishedBefore(cutoff, 0))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void deleteFinishedBeforeKeepsTheLatestFinishedJobOfEachScheduleAndNode() {
    finish(
        insertQueued("a1", "a", T0.plusSeconds(1), "n1", 1),
        JobStatus.SUCCEEDED,
        T0.plusSeconds(10));
    finish(
        insertQueued("a2", "a", T0.plusSeconds(2), "n1", 2), JobStatus.FAILED, T0.plusSeconds(20));
    finish(
        insertQueued("a3", "a", T0.plusSeconds(3), "n2", 3),
        JobStatus.SUCCEEDED,
        T0.plusSeconds(30));
    Instant cutoff = T0.plusSeconds(1000);

    assertThat(store.deleteFinishedBefore(cutoff, 10)).isEqualTo(1);
    assertThat(store.deleteFinishedBefore(cutoff, 10)).isZero();

    assertThat(store.job("a1")).isEmpty();
    assertThat(store.lastFinished("a", "n1").orElseThrow().id()).isEqualTo("a2");
    assertThat(store.lastFinished("a", "n2").orElseThrow().id()).isEqualTo("a3");
  }

  @Test
  void nextSequenceIsStrictlyIncreasingAndUniqueAcrossThreads() throws Exception {
    long first = store.nextSequence();
    assertThat(first).isPositive();
    assertThat(store.nextSequence()).isGreaterThan(first);
    List<List<Long>> perThread = new ArrayList<>();
    race(
        raceThreads(),
        () -> {
          List<Long> mine = new ArrayList<>();
          for (int i = 0; i < 500; i++) {
            mine.add(store.nextSequence());
          }
          return mine;
        },
        perThread);
    Set<Long> all = new HashSet<>();
    for (List<Long> mine : perThread) {
      assertThat(mine).isSorted();
      all.addAll(mine);
    }
    assertThat(all).hasSize(raceThreads() * 500).allMatch(v -> v > first);
  }

  // ------------------------------------------------------------ windows, scripts, variables

  @Test
  void windowsCanBePutReplacedListedAndRemoved() {
    MaintenanceWindow w1 =
        MaintenanceWindow.builder("w1")
            .cron("0 22 * * *")
            .zone(ZoneId.of("UTC"))
            .duration(Duration.ofHours(2))
            .build();
    MaintenanceWindow w0 =
        MaintenanceWindow.builder("w0")
            .cron("0 1 * * *")
            .zone(ZoneId.of("UTC"))
            .duration(Duration.ofHours(1))
            .build();
    assertThat(store.putWindow(w1)).isEmpty();
    assertThat(store.putWindow(w0)).isEmpty();
    MaintenanceWindow w1b = w1.toBuilder().duration(Duration.ofHours(3)).build();
    assertThat(store.putWindow(w1b)).contains(w1);
    assertThat(store.windows()).containsExactly(w0, w1b);
    assertThat(store.removeWindow("w0")).isTrue();
    assertThat(store.removeWindow("w0")).isFalse();
    assertThat(store.windows()).containsExactly(w1b);
  }

  @Test
  void scriptsCanBePutReplacedReadListedAndRemoved() {
    Script b = Script.builder("b").content("echo b").build();
    assertThat(store.putScript(SCRIPT)).isEmpty();
    assertThat(store.putScript(b)).isEmpty();
    Script b2 = Script.builder("b").content("echo b2").build();
    assertThat(store.putScript(b2)).contains(b);
    assertThat(store.script("b")).contains(b2);
    assertThat(store.script("nope")).isEmpty();
    assertThat(store.scripts()).containsExactly(b2, SCRIPT);
    assertThat(store.removeScript("b")).isTrue();
    assertThat(store.removeScript("b")).isFalse();
    assertThat(store.scripts()).containsExactly(SCRIPT);
  }

  @Test
  void variablesAreKeyedByScopeScopeIdAndName() {
    Variable global = Variable.global("REGION", "eu");
    Variable node = Variable.node("n1", "REGION", "us");
    Variable secret = Variable.group("web", "TOKEN", "s3cr3t").asSecret();
    assertThat(store.putVariable(node)).isEmpty();
    assertThat(store.putVariable(secret)).isEmpty();
    assertThat(store.putVariable(global)).isEmpty();
    Variable global2 = Variable.global("REGION", "ap");
    assertThat(store.putVariable(global2)).contains(global);
    assertThat(store.variables()).containsExactly(global2, secret, node);
    assertThat(store.variables().get(1).value()).isEqualTo("s3cr3t");
    assertThat(store.removeVariable(VariableScope.NODE, "n1", "REGION")).isTrue();
    assertThat(store.removeVariable(VariableScope.NODE, "n1", "REGION")).isFalse();
    assertThat(store.removeVariable(VariableScope.GLOBAL, null, "REGION")).isTrue();
    assertThat(store.variables()).containsExactly(secret);
  }

  // ------------------------------------------------------------ claims (contract 6)

  /**
   * @return a queued job of schedule {@code scheduleId} on {@code node} in {@code groups}
   */
  private Job insertIn(String id, String scheduleId, String node, long seq, String... groups) {
    Job j =
        Job.builder(id, scheduleId, new FireKey(scheduleId, T0.plusSeconds(seq), node))
            .script(SCRIPT)
            .sequence(seq)
            .groups(Set.of(groups))
            .createdAt(T0)
            .build();
    assertThat(store.insert(j)).isTrue();
    return store.job(id).orElseThrow();
  }

  private ClaimOutcome claim(Job j, String owner, Limits limits) {
    return store.claim(j.running(T0, owner, j.sequence() + 100), j.status(), j.version(), limits);
  }

  private Job claimed(Job j, Limits limits) {
    ClaimOutcome outcome = claim(j, "inst-1", limits);
    assertThat(outcome).isInstanceOf(ClaimOutcome.Claimed.class);
    return ((ClaimOutcome.Claimed) outcome).job();
  }

  private void assertLimited(ClaimOutcome outcome, WaitReason reason) {
    assertThat(outcome).isInstanceOf(ClaimOutcome.Limited.class);
    ClaimOutcome.Limited limited = (ClaimOutcome.Limited) outcome;
    assertThat(limited.reason()).isEqualTo(reason);
    assertThat(limited.detail()).isNotBlank();
  }

  @Test
  void claimStoresTheRunningJobWithTheNextVersionWhenTheLimitsLeaveRoom() {
    Job j = insertQueued("j1", "a", T0, "n1", 1);
    ClaimOutcome outcome =
        store.claim(j.running(T0, "inst-1", 7), JobStatus.QUEUED, 0, Limits.perNode(1));
    assertThat(outcome).isInstanceOf(ClaimOutcome.Claimed.class);
    Job stored = ((ClaimOutcome.Claimed) outcome).job();
    assertThat(stored.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored.owner()).isEqualTo("inst-1");
    assertThat(stored.fencingToken()).isEqualTo(7);
    assertThat(stored.startedAt()).isEqualTo(T0);
    assertThat(store.job("j1")).contains(stored);
    assertThat(store.runningCounts().node("n1")).isEqualTo(1);
    assertThat(store.dispatchable(T0.plusSeconds(60), 10)).isEmpty();
  }

  @Test
  void claimOfAWaitingJobClearsItsWaitReason() {
    Job j = insertQueued("j1", "a", T0, "n1", 1);
    Job waiting =
        store
            .transition(j.waiting(WaitReason.NODE_LIMIT, "full"), JobStatus.QUEUED, 0)
            .orElseThrow();
    Job stored = claimed(waiting, Limits.NONE);
    assertThat(stored.version()).isEqualTo(2);
    assertThat(stored.waitReason()).isNull();
    assertThat(store.countByStatus().get(JobStatus.WAITING)).isZero();
  }

  @Test
  void claimOfAChangedOrMissingJobIsLostAndChangesNothing() {
    Job j = insertQueued("j1", "a", T0, "n1", 1);
    assertThat(store.claim(j.running(T0, "inst-1", 7), JobStatus.QUEUED, 1, Limits.NONE))
        .isInstanceOf(ClaimOutcome.Lost.class);
    assertThat(store.claim(j.running(T0, "inst-1", 7), JobStatus.WAITING, 0, Limits.NONE))
        .isInstanceOf(ClaimOutcome.Lost.class);
    Job ghost = job("ghost", "a", T0, "n9", Priority.NORMAL, 9);
    assertThat(store.claim(ghost.running(T0, "inst-1", 8), JobStatus.QUEUED, 0, Limits.NONE))
        .isInstanceOf(ClaimOutcome.Lost.class);
    assertThat(store.job("j1")).contains(j);
    assertThat(store.job("ghost")).isEmpty();

    claimed(j, Limits.NONE);
    assertThat(claim(j, "inst-2", Limits.NONE)).isInstanceOf(ClaimOutcome.Lost.class);
    assertThat(store.job("j1").orElseThrow().owner()).isEqualTo("inst-1");
  }

  @Test
  void claimOfAChangedJobIsLostEvenWhenALimitIsFull() {
    claimed(insertIn("r", "a", "n1", 1, "g"), Limits.NONE);
    Job j = insertIn("q", "a", "n1", 2, "g");
    assertThat(store.claim(j.running(T0, "inst-1", 9), JobStatus.QUEUED, 5, Limits.perNode(1)))
        .isInstanceOf(ClaimOutcome.Lost.class);
  }

  @Test
  void claimRejectsContentThatIsNotRunningAPendingExpectedStatusOrAChangedIdentity() {
    Job j = insertQueued("j1", "a", T0, "n1", 1);
    assertThatThrownBy(() -> store.claim(j, JobStatus.QUEUED, 0, Limits.NONE))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(
            () -> store.claim(j.running(T0, "inst-1", 1), JobStatus.RUNNING, 0, Limits.NONE))
        .isInstanceOf(ValidationException.class);
    Job moved =
        Job.builder("j1", "a", new FireKey("a", T0, "n2"))
            .script(SCRIPT)
            .sequence(1)
            .build()
            .running(T0, "inst-1", 1);
    assertThatThrownBy(() -> store.claim(moved, JobStatus.QUEUED, 0, Limits.NONE))
        .isInstanceOf(ValidationException.class);
    assertThat(store.job("j1")).contains(j);
  }

  @Test
  void claimIsLimitedByTheRunningJobsOfAnyScheduleOnTheNode() {
    claimed(insertIn("other", "b", "n1", 1, "g1"), Limits.NONE);
    Job j = insertIn("j", "a", "n1", 2, "g2");
    assertLimited(claim(j, "inst-2", Limits.perNode(1)), WaitReason.NODE_LIMIT);
    assertThat(store.job("j")).contains(j);
    assertThat(store.runningCounts().global()).isEqualTo(1);
    assertThat(claim(j, "inst-2", Limits.perNode(2))).isInstanceOf(ClaimOutcome.Claimed.class);
  }

  @Test
  void claimIsLimitedByTheRunningJobsOfEachGroupOfTheNode() {
    claimed(insertIn("other", "b", "n1", 1, "web"), Limits.NONE);
    Job j = insertIn("j", "a", "n2", 2, "db", "web");
    assertLimited(claim(j, "inst-2", Limits.NONE.perGroup(1)), WaitReason.GROUP_LIMIT);
    assertThat(store.job("j")).contains(j);
    Job k = insertIn("k", "a", "n3", 3, "db");
    assertThat(claim(k, "inst-2", Limits.NONE.perGroup(1)))
        .isInstanceOf(ClaimOutcome.Claimed.class);
    assertLimited(claim(j, "inst-2", Limits.NONE.perGroup(1)), WaitReason.GROUP_LIMIT);
    assertThat(claim(j, "inst-2", Limits.NONE.perGroup(2)))
        .isInstanceOf(ClaimOutcome.Claimed.class);
    assertThat(store.runningCounts().group("web")).isEqualTo(2);
  }

  @Test
  void claimIsLimitedByTheRunningJobsOfTheScheduleOnAnyNode() {
    claimed(insertIn("first", "a", "n1", 1, "g1"), Limits.NONE);
    Job j = insertIn("j", "a", "n2", 2, "g2");
    assertLimited(claim(j, "inst-2", Limits.NONE.perSchedule(1)), WaitReason.SCHEDULE_LIMIT);
    assertThat(store.job("j")).contains(j);
    Job other = insertIn("other", "b", "n3", 3, "g3");
    assertThat(claim(other, "inst-2", Limits.NONE.perSchedule(1)))
        .isInstanceOf(ClaimOutcome.Claimed.class);
  }

  @Test
  void claimOfABareAdHocJobSkipsTheScheduleLimit() {
    claimed(insertIn("first", "a", "n1", 1, "g1"), Limits.NONE);
    Job bare =
        Job.builder("bare", null, FireKey.adHoc("bare", T0, "n2"))
            .script(SCRIPT)
            .triggeredBy(TriggeredBy.user("alice"))
            .sequence(2)
            .createdAt(T0)
            .build();
    assertThat(store.insert(bare)).isTrue();
    assertThat(claim(store.job("bare").orElseThrow(), "inst-1", Limits.NONE.perSchedule(1)))
        .isInstanceOf(ClaimOutcome.Claimed.class);
  }

  @Test
  void claimIsLimitedByAllRunningJobsUnderTheGlobalLimit() {
    claimed(insertIn("a1", "a", "n1", 1, "g1"), Limits.NONE);
    claimed(insertIn("b1", "b", "n2", 2, "g2"), Limits.NONE);
    Job j = insertIn("j", "c", "n3", 3, "g3");
    assertLimited(claim(j, "inst-2", Limits.NONE.global(2)), WaitReason.GLOBAL_LIMIT);
    assertThat(store.job("j")).contains(j);
    assertThat(claim(j, "inst-2", Limits.NONE.global(3))).isInstanceOf(ClaimOutcome.Claimed.class);
  }

  @Test
  void claimReportsTheFirstFullLimitInTheOrderNodeGroupScheduleGlobal() {
    claimed(insertIn("r", "a", "n1", 1, "g"), Limits.NONE);
    Job j = insertIn("j", "a", "n1", 2, "g");
    Limits all = new Limits(1, 1, 1, 1);
    assertLimited(claim(j, "inst-1", all), WaitReason.NODE_LIMIT);
    assertLimited(claim(j, "inst-1", all.withPerNode(0)), WaitReason.GROUP_LIMIT);
    assertLimited(claim(j, "inst-1", new Limits(0, 0, 1, 1)), WaitReason.SCHEDULE_LIMIT);
    assertLimited(claim(j, "inst-1", new Limits(0, 0, 0, 1)), WaitReason.GLOBAL_LIMIT);
    assertThat(store.job("j")).contains(j);
    assertThat(claim(j, "inst-1", new Limits(0, 0, 0, 0))).isInstanceOf(ClaimOutcome.Claimed.class);
  }

  @Test
  void claimFreesTheSlotOfAJobThatStoppedRunning() {
    Job r = claimed(insertIn("r", "a", "n1", 1, "g"), Limits.NONE);
    Job j = insertIn("j", "a", "n1", 2, "g");
    assertLimited(claim(j, "inst-1", Limits.perNode(1)), WaitReason.NODE_LIMIT);
    store.transition(
        r.finished(JobStatus.SUCCEEDED, 0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, T0),
        JobStatus.RUNNING,
        r.version());
    assertThat(claim(j, "inst-1", Limits.perNode(1))).isInstanceOf(ClaimOutcome.Claimed.class);
  }

  /** One case of {@link #concurrentClaimsFromManyThreadsNeverExceedALimit}. */
  private record LimitCase(Limits limits, long max, ToLongFunction<RunningCounts> count) {}

  /**
   * Many threads (cluster instances) claim from one pool of jobs under one limit at a time, and
   * finish what they claimed, reading the running counts after each claim. The limit never
   * overflows and every job runs exactly once.
   */
  @Test
  void concurrentClaimsFromManyThreadsNeverExceedALimit() throws Exception {
    List<LimitCase> cases =
        List.of(
            new LimitCase(Limits.perNode(2), 2, c -> c.node("n1")),
            new LimitCase(Limits.NONE.perGroup(3), 3, c -> c.group("shared")),
            new LimitCase(Limits.NONE.perSchedule(2), 2, c -> c.schedule("s")),
            new LimitCase(Limits.NONE.global(3), 3, RunningCounts::global));
    for (int round = 1; round <= cases.size(); round++) {
      LimitCase c = cases.get(round - 1);
      List<Job> pool = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        // one node for the node case, one schedule for the schedule case; spread otherwise
        String node = round == 1 ? "n1" : "n" + (i % 7);
        String schedule = round == 3 ? "s" : "s" + (i % 5);
        pool.add(insertIn("c" + round + "-" + i, schedule, node, round * 1000L + i, "shared"));
      }
      AtomicLong maxSeen = new AtomicLong();
      AtomicLong claims = new AtomicLong();
      List<Integer> ran = new ArrayList<>();
      race(
          raceThreads(),
          () -> {
            String me = "inst-" + Thread.currentThread().getId();
            int mine = 0;
            boolean pending = true;
            for (int pass = 0; pending && pass < 10_000; pass++) {
              pending = false;
              for (Job j : pool) {
                Job current = store.job(j.id()).orElseThrow();
                if (!current.status().isPending()) {
                  continue;
                }
                pending = true;
                ClaimOutcome o =
                    store.claim(
                        current.running(T0, me, store.nextSequence()),
                        current.status(),
                        current.version(),
                        c.limits());
                if (o instanceof ClaimOutcome.Claimed won) {
                  claims.incrementAndGet();
                  maxSeen.accumulateAndGet(c.count().applyAsLong(store.runningCounts()), Math::max);
                  mine++;
                  Job r = won.job();
                  store.transition(
                      r.finished(
                          JobStatus.SUCCEEDED, 0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, T0),
                      JobStatus.RUNNING,
                      r.version());
                }
              }
            }
            return mine;
          },
          ran);
      assertThat(maxSeen.get()).isBetween(1L, c.max());
      assertThat(claims.get()).isEqualTo(pool.size());
      assertThat(ran.stream().mapToInt(Integer::intValue).sum()).isEqualTo(pool.size());
      for (Job j : pool) {
        assertThat(store.job(j.id()).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
      }
    }
  }

  @Test
  void concurrentClaimsOfTheLastFreeSlotLetExactlyOneIn() throws Exception {
    for (int round = 0; round < 25; round++) {
      List<Job> candidates = new ArrayList<>();
      for (int i = 0; i < raceThreads(); i++) {
        candidates.add(insertIn("last" + round + "-" + i, "a", "n" + round, round * 100L + i, "g"));
      }
      AtomicInteger next = new AtomicInteger();
      List<ClaimOutcome> outcomes = new ArrayList<>();
      race(
          raceThreads(),
          () -> {
            Job j = candidates.get(next.getAndIncrement());
            return store.claim(
                j.running(T0, "inst-" + Thread.currentThread().getId(), j.sequence()),
                JobStatus.QUEUED,
                j.version(),
                Limits.perNode(1));
          },
          outcomes);
      assertThat(outcomes.stream().filter(o -> o instanceof ClaimOutcome.Claimed).count())
          .isEqualTo(1);
      assertThat(outcomes.stream().filter(o -> o instanceof ClaimOutcome.Limited).count())
          .isEqualTo(raceThreads() - 1L);
      assertThat(store.runningCounts().node("n" + round)).isEqualTo(1);
    }
  }

  // ------------------------------------------------------------ transition with follow-up jobs

  @Test
  void transitionWithFollowStoresTheChangeAndTheFollowJobsTogether() {
    Job r = finishRunning(insertQueued("up", "a", T0, "n1", 1));
    Job done = r.finished(JobStatus.SUCCEEDED, 0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, T0);
    Job down1 = job("down1", "b", T0.plusSeconds(5), "n1", Priority.NORMAL, 2);
    Job down2 =
        job("down2", "c", T0.plusSeconds(5), "n1", Priority.HIGH, 3).toBuilder().version(4).build();
    Optional<Job> stored =
        store.transition(done, JobStatus.RUNNING, r.version(), List.of(down1, down2));
    assertThat(stored).isPresent();
    assertThat(stored.get().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(stored.get().version()).isEqualTo(r.version() + 1);
    assertThat(store.job("up")).isEqualTo(stored);
    assertThat(store.job("down1")).contains(down1);
    assertThat(store.job("down2").orElseThrow().version()).isZero();
    assertThat(store.dispatchable(T0.plusSeconds(5), 10))
        .extracting(Job::id)
        .containsExactly("down2", "down1");
  }

  @Test
  void transitionWithFollowInsertsNothingWhenTheCompareAndSetFails() {
    Job r = finishRunning(insertQueued("up", "a", T0, "n1", 1));
    Job done = r.finished(JobStatus.SUCCEEDED, 0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, T0);
    Job down = job("down", "b", T0.plusSeconds(5), "n1", Priority.NORMAL, 2);
    assertThat(store.transition(done, JobStatus.RUNNING, r.version() + 1, List.of(down))).isEmpty();
    assertThat(store.transition(done, JobStatus.QUEUED, r.version(), List.of(down))).isEmpty();
    Job ghost = job("ghost", "a", T0, "n9", Priority.NORMAL, 9);
    assertThat(store.transition(ghost, JobStatus.QUEUED, 0, List.of(down))).isEmpty();
    assertThat(store.job("down")).isEmpty();
    assertThat(store.job("up")).contains(r);
  }

  @Test
  void transitionWithFollowSkipsFollowJobsWhoseFireKeyOrIdExists() {
    Job r = finishRunning(insertQueued("up", "a", T0, "n1", 1));
    insertQueued("existing", "b", T0.plusSeconds(5), "n1", 2);
    Job done = r.finished(JobStatus.SUCCEEDED, 0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, T0);
    List<Job> follow =
        List.of(
            job("same-key", "b", T0.plusSeconds(5), "n1", Priority.NORMAL, 3),
            job("existing", "c", T0.plusSeconds(5), "n1", Priority.NORMAL, 4),
            job("fresh", "c", T0.plusSeconds(5), "n2", Priority.NORMAL, 5),
            job("fresh-again", "c", T0.plusSeconds(5), "n2", Priority.NORMAL, 6));
    assertThat(store.transition(done, JobStatus.RUNNING, r.version(), follow)).isPresent();
    assertThat(store.job("same-key")).isEmpty();
    assertThat(store.job("existing").orElseThrow().scheduleId()).isEqualTo("b");
    assertThat(store.job("fresh")).isPresent();
    assertThat(store.job("fresh-again")).isEmpty();
    assertThat(store.jobs(JobQuery.all(), Page.first(10)).items()).hasSize(3);
  }

  @Test
  void transitionWithFollowRefusesToChangeAJobsIdentityAndInsertsNothing() {
    insertQueued("j1", "a", T0, "n1", 1);
    Job moved =
        Job.builder("j1", "a", new FireKey("a", T0, "n2")).script(SCRIPT).sequence(1).build();
    Job down = job("down", "b", T0.plusSeconds(5), "n1", Priority.NORMAL, 2);
    assertThatThrownBy(() -> store.transition(moved, JobStatus.QUEUED, 0, List.of(down)))
        .isInstanceOf(ValidationException.class);
    assertThat(store.job("down")).isEmpty();
  }

  @Test
  void concurrentCompletionsWithTheSameFollowJobStoreItOnce() throws Exception {
    for (int round = 0; round < 25; round++) {
      Job r = finishRunning(insertQueued("up" + round, "a", T0.plusSeconds(round), "n1", round));
      Job done = r.finished(JobStatus.SUCCEEDED, 0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, T0);
      List<Optional<Job>> results = new ArrayList<>();
      int at = round;
      race(
          raceThreads(),
          () ->
              store.transition(
                  done,
                  JobStatus.RUNNING,
                  r.version(),
                  List.of(
                      job(
                          "down" + at + "-" + Thread.currentThread().getId(),
                          "b",
                          T0.plusSeconds(at),
                          "n1",
                          Priority.NORMAL,
                          1000 + at))),
          results);
      assertThat(results.stream().filter(Optional::isPresent).count()).isEqualTo(1);
      assertThat(
              store.jobs(JobQuery.all().schedule("b"), Page.first(100)).items().stream()
                  .filter(j -> j.fireKey().fireTime().equals(T0.plusSeconds(at))))
          .hasSize(1);
    }
  }

  // ------------------------------------------------------------ batches

  @Test
  void fireAllGivesTheOutcomesOfFiringEachInTurn() {
    store.create(schedule("a", T0));
    store.create(schedule("b", T0));
    Schedule p = store.create(schedule("p", T0));
    store.update(p.withState(ScheduleState.PAUSED, T0, "bob"), 0);
    store.insert(job("early", "b", T0, "n1", Priority.NORMAL, 1));
    Instant next = T0.plusSeconds(60);
    List<FireOutcome> outcomes =
        store.fireAll(
            List.of(
                new FireRequest(
                    "a", T0, next, List.of(job("a1", "a", T0, "n1", Priority.NORMAL, 2))),
                // the same fire again: the first one advanced the schedule, so this one is stale
                new FireRequest(
                    "a", T0, next, List.of(job("a2", "a", T0, "n2", Priority.NORMAL, 3))),
                new FireRequest(
                    "b",
                    T0,
                    next,
                    List.of(
                        job("b-dup", "b", T0, "n1", Priority.NORMAL, 4),
                        job("b1", "b", T0, "n2", Priority.NORMAL, 5))),
                new FireRequest(
                    "p", T0, next, List.of(job("p1", "p", T0, "n1", Priority.NORMAL, 6))),
                new FireRequest("ghost", T0, next, List.of()),
                // the next fire of a, as advanced by the first request of this batch
                new FireRequest(
                    "a",
                    next,
                    next.plusSeconds(60),
                    List.of(job("a3", "a", next, "n1", Priority.NORMAL, 7)))));
    assertThat(outcomes)
        .extracting(FireOutcome::status)
        .containsExactly(
            FireOutcome.Status.FIRED,
            FireOutcome.Status.STALE,
            FireOutcome.Status.FIRED,
            FireOutcome.Status.NOT_ACTIVE,
            FireOutcome.Status.NOT_FOUND,
            FireOutcome.Status.FIRED);
    assertThat(outcomes.get(0).inserted()).extracting(Job::id).containsExactly("a1");
    assertThat(outcomes.get(1).schedule().version()).isEqualTo(1);
    assertThat(outcomes.get(2).inserted()).extracting(Job::id).containsExactly("b1");
    assertThat(outcomes.get(2).ignored()).containsExactly(new FireKey("b", T0, "n1"));
    assertThat(outcomes.get(5).schedule().version()).isEqualTo(2);
    assertThat(outcomes.get(5).schedule().lastFireTime()).isEqualTo(next);
    assertThat(store.get("a").orElseThrow()).isEqualTo(outcomes.get(5).schedule());
    assertThat(store.job("a2")).isEmpty();
    assertThat(store.job("p1")).isEmpty();
    assertThat(store.get("p").orElseThrow().nextFireTime()).isEqualTo(T0);
    assertThat(store.jobs(JobQuery.all(), Page.first(10)).items())
        .extracting(Job::id)
        .containsExactlyInAnyOrder("early", "a1", "b1", "a3");
    assertThat(outcomes.get(0).inserted().get(0)).isEqualTo(store.job("a1").orElseThrow());
    assertThat(store.fireAll(List.of())).isEmpty();
  }

  @Test
  void fireRequestRejectsWhatFireRejects() {
    assertThatThrownBy(
            () ->
                new FireRequest(
                    "a",
                    T0,
                    T0.plusSeconds(60),
                    List.of(job("x", "b", T0, "n1", Priority.NORMAL, 1))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("jobs must");
    assertThatThrownBy(() -> new FireRequest("a", T0, T0, List.of()))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("newNextFire must be after expectedNextFire");
  }

  @Test
  void claimAllCountsTheClaimsBeforeItInTheBatchAgainstTheLimitsAndComparesEachVersion() {
    Job a = insertIn("a", "s", "n1", 1, "g");
    Job b = insertIn("b", "s", "n1", 2, "g");
    Job c = insertIn("c", "s", "n2", 3, "g");
    Job d = insertIn("d", "t", "n3", 4, "g");
    Limits limits = Limits.perNode(1).perGroup(3);
    List<ClaimOutcome> outcomes =
        store.claimAll(
            List.of(
                new ClaimRequest(a.running(T0, "inst-1", 11), JobStatus.QUEUED, 0, limits),
                new ClaimRequest(b.running(T0, "inst-1", 12), JobStatus.QUEUED, 0, limits),
                // a again: the first request changed it, so this one is lost
                new ClaimRequest(a.running(T0, "inst-2", 13), JobStatus.QUEUED, 0, limits),
                new ClaimRequest(c.running(T0, "inst-1", 14), JobStatus.QUEUED, 5, limits),
                new ClaimRequest(c.running(T0, "inst-1", 15), JobStatus.QUEUED, 0, limits),
                new ClaimRequest(d.running(T0, "inst-1", 16), JobStatus.QUEUED, 0, limits)));
    assertThat(outcomes.get(0)).isInstanceOf(ClaimOutcome.Claimed.class);
    assertLimited(outcomes.get(1), WaitReason.NODE_LIMIT);
    assertThat(outcomes.get(2)).isInstanceOf(ClaimOutcome.Lost.class);
    assertThat(outcomes.get(3)).isInstanceOf(ClaimOutcome.Lost.class);
    assertThat(outcomes.get(4)).isInstanceOf(ClaimOutcome.Claimed.class);
    // a and c run in group g (limit 3): d still fits, after it the group is full
    assertThat(outcomes.get(5)).isInstanceOf(ClaimOutcome.Claimed.class);
    Job claimedA = ((ClaimOutcome.Claimed) outcomes.get(0)).job();
    assertThat(claimedA.version()).isEqualTo(1);
    assertThat(claimedA.owner()).isEqualTo("inst-1");
    assertThat(claimedA.fencingToken()).isEqualTo(11);
    assertThat(store.job("a")).contains(claimedA);
    assertThat(store.job("b")).contains(b);
    assertThat(store.runningCounts().global()).isEqualTo(3);
    assertThat(store.runningCounts().group("g")).isEqualTo(3);
    Job e = insertIn("e", "u", "n4", 5, "g");
    assertLimited(
        store
            .claimAll(
                List.of(new ClaimRequest(e.running(T0, "inst-1", 17), JobStatus.QUEUED, 0, limits)))
            .get(0),
        WaitReason.GROUP_LIMIT);
    assertThat(store.claimAll(List.of())).isEmpty();
  }

  @Test
  void claimRequestRejectsWhatClaimRejectsAndClaimAllRejectsAChangedIdentity() {
    Job j = insertQueued("j1", "a", T0, "n1", 1);
    assertThatThrownBy(() -> new ClaimRequest(j, JobStatus.QUEUED, 0, Limits.NONE))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(
            () -> new ClaimRequest(j.running(T0, "i", 1), JobStatus.RUNNING, 0, Limits.NONE))
        .isInstanceOf(ValidationException.class);
    Job moved =
        Job.builder("j1", "a", new FireKey("a", T0, "n2"))
            .script(SCRIPT)
            .sequence(1)
            .build()
            .running(T0, "inst-1", 2);
    assertThatThrownBy(
            () ->
                store.claimAll(List.of(new ClaimRequest(moved, JobStatus.QUEUED, 0, Limits.NONE))))
        .isInstanceOf(ValidationException.class);
    assertThat(store.job("j1")).contains(j);
  }

  @Test
  void concurrentClaimBatchesNeverExceedALimit() throws Exception {
    List<Job> pool = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      pool.add(insertIn("p" + i, "s" + (i % 4), "n" + (i % 3), i + 1, "shared"));
    }
    Limits limits = Limits.perNode(2).perGroup(4);
    AtomicLong maxNode = new AtomicLong();
    AtomicLong maxGroup = new AtomicLong();
    List<Integer> ran = new ArrayList<>();
    race(
        raceThreads(),
        () -> {
          String me = "inst-" + Thread.currentThread().getId();
          int mine = 0;
          boolean pending = true;
          for (int pass = 0; pending && pass < 10_000; pass++) {
            pending = false;
            List<ClaimRequest> batch = new ArrayList<>();
            for (Job j : pool) {
              Job current = store.job(j.id()).orElseThrow();
              if (current.status().isPending()) {
                pending = true;
                batch.add(
                    new ClaimRequest(
                        current.running(T0, me, store.nextSequence()),
                        current.status(),
                        current.version(),
                        limits));
              }
            }
            for (ClaimOutcome o : store.claimAll(batch)) {
              if (o instanceof ClaimOutcome.Claimed won) {
                RunningCounts counts = store.runningCounts();
                maxNode.accumulateAndGet(
                    Math.max(counts.node("n0"), Math.max(counts.node("n1"), counts.node("n2"))),
                    Math::max);
                maxGroup.accumulateAndGet(counts.group("shared"), Math::max);
                mine++;
                Job r = won.job();
                store.transition(
                    r.finished(
                        JobStatus.SUCCEEDED, 0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, T0),
                    JobStatus.RUNNING,
                    r.version());
              }
            }
          }
          return mine;
        },
        ran);
    assertThat(maxNode.get()).isBetween(1L, 2L);
    assertThat(maxGroup.get()).isBetween(1L, 4L);
    assertThat(ran.stream().mapToInt(Integer::intValue).sum()).isEqualTo(pool.size());
    for (Job j : pool) {
      assertThat(store.job(j.id()).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    }
  }

  @Test
  void transitionAllGivesTheResultsOfEachTransitionInTurnWithItsFollowJobs() {
    Job r1 = finishRunning(insertQueued("r1", "a", T0, "n1", 1));
    Job q2 = insertQueued("q2", "a", T0, "n2", 2);
    Job done1 = r1.finished(JobStatus.SUCCEEDED, 0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, T0);
    Job down = job("down", "b", T0.plusSeconds(5), "n1", Priority.NORMAL, 3);
    Job lostDown = job("lost-down", "b", T0.plusSeconds(5), "n2", Priority.NORMAL, 4);
    Job waiting = q2.waiting(WaitReason.NODE_LIMIT, "full");
    List<Optional<Job>> results =
        store.transitionAll(
            List.of(
                new TransitionRequest(done1, JobStatus.RUNNING, r1.version(), List.of(down)),
                // r1 again, on the version it had: the first request changed it
                new TransitionRequest(done1, JobStatus.RUNNING, r1.version(), List.of(lostDown)),
                TransitionRequest.of(waiting, JobStatus.QUEUED, 0),
                // q2 once more, on the version the previous request stored
                TransitionRequest.of(
                    waiting.skipped(SkipReason.OVERLAP, "busy", T0), JobStatus.WAITING, 1)));
    assertThat(results.get(0)).isPresent();
    assertThat(results.get(0).get().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(results.get(0).get().version()).isEqualTo(r1.version() + 1);
    assertThat(results.get(1)).isEmpty();
    assertThat(results.get(2).orElseThrow().version()).isEqualTo(1);
    assertThat(results.get(3).orElseThrow().status()).isEqualTo(JobStatus.SKIPPED);
    assertThat(results.get(3).get().version()).isEqualTo(2);
    assertThat(store.job("q2")).isEqualTo(results.get(3));
    assertThat(store.job("down").orElseThrow().version()).isZero();
    assertThat(store.job("lost-down")).isEmpty();
    assertThat(store.countByStatus().get(JobStatus.SKIPPED)).isEqualTo(1);
    assertThat(store.transitionAll(List.of())).isEmpty();
  }

  @Test
  void transitionAllRejectsAChangedIdentityAndDoesNotApplyThatRequest() {
    insertQueued("j1", "a", T0, "n1", 1);
    Job moved =
        Job.builder("j1", "a", new FireKey("a", T0, "n2")).script(SCRIPT).sequence(1).build();
    Job down = job("down", "b", T0.plusSeconds(5), "n1", Priority.NORMAL, 2);
    assertThatThrownBy(
            () ->
                store.transitionAll(
                    List.of(new TransitionRequest(moved, JobStatus.QUEUED, 0, List.of(down)))))
        .isInstanceOf(ValidationException.class);
    assertThat(store.job("down")).isEmpty();
    assertThat(store.job("j1").orElseThrow().version()).isZero();
  }

  @Test
  void nextSequencesReturnsAscendingNumbersAboveEveryEarlierOne() {
    long before = store.nextSequence();
    long[] numbers = store.nextSequences(5);
    assertThat(numbers).hasSize(5);
    for (int i = 0; i < numbers.length; i++) {
      assertThat(numbers[i]).isGreaterThan(i == 0 ? before : numbers[i - 1]);
    }
    assertThat(store.nextSequence()).isGreaterThan(numbers[4]);
    assertThatThrownBy(() -> store.nextSequences(0))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("count must be at least 1");
  }

  // ------------------------------------------------------------ cluster membership

  @Test
  void heartbeatCreatesTheRowThenRefreshesItKeepingTheStartTime() {
    SchedulerInstance first = store.heartbeat("inst-1", T0, T0.plusSeconds(30));
    assertThat(first).isEqualTo(new SchedulerInstance("inst-1", T0, T0, T0.plusSeconds(30)));
    SchedulerInstance again = store.heartbeat("inst-1", T0.plusSeconds(10), T0.plusSeconds(40));
    assertThat(again)
        .isEqualTo(new SchedulerInstance("inst-1", T0, T0.plusSeconds(10), T0.plusSeconds(40)));
    assertThat(store.instances()).containsExactly(again);
    assertThat(again.alive(T0.plusSeconds(39))).isTrue();
    assertThat(again.alive(T0.plusSeconds(40))).isFalse();
  }

  @Test
  void heartbeatRejectsABlankIdOrALeaseNotAfterNow() {
    assertThatThrownBy(() -> store.heartbeat(" ", T0, T0.plusSeconds(30)))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.heartbeat("inst-1", T0, T0))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("leaseUntil must be after now");
    assertThat(store.instances()).isEmpty();
  }

  @Test
  void instancesListsEveryRowByIdUntilItIsRemoved() {
    store.heartbeat("inst-b", T0, T0.plusSeconds(30));
    store.heartbeat("inst-a", T0.plusSeconds(1), T0.plusSeconds(2));
    store.heartbeat("inst-c", T0, T0.plusSeconds(30));
    assertThat(store.instances())
        .extracting(SchedulerInstance::id)
        .containsExactly("inst-a", "inst-b", "inst-c");
    assertThat(store.removeInstance("inst-b")).isTrue();
    assertThat(store.removeInstance("inst-b")).isFalse();
    assertThat(store.removeInstance("ghost")).isFalse();
    assertThat(store.instances())
        .extracting(SchedulerInstance::id)
        .containsExactly("inst-a", "inst-c");
    assertThatThrownBy(() -> store.instances().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    SchedulerInstance back = store.heartbeat("inst-b", T0.plusSeconds(50), T0.plusSeconds(80));
    assertThat(back.startedAt()).isEqualTo(T0.plusSeconds(50));
  }

  private Job runningOf(String id, String owner, long seq) {
    Job j = insertQueued(id, "a", T0.plusSeconds(seq), "n" + seq, seq);
    return store.transition(j.running(T0, owner, seq), JobStatus.QUEUED, 0).orElseThrow();
  }

  @Test
  void orphanedListsRunningJobsOfOwnersWithoutARowOrWithAnExpiredLease() {
    Instant now = T0.plusSeconds(100);
    store.heartbeat("live", T0.plusSeconds(90), now.plusSeconds(1));
    store.heartbeat("expired", T0, now.minusSeconds(1));
    store.heartbeat("ends-now", T0, now);
    runningOf("j-live", "live", 1);
    runningOf("j-expired", "expired", 2);
    runningOf("j-gone", "gone", 3);
    runningOf("j-ends-now", "ends-now", 4);
    insertQueued("j-queued", "a", T0, "n9", 5);
    Job finished = runningOf("j-finished", "gone", 6);
    store.transition(
        finished.finished(JobStatus.FAILED, 1, CapturedOutput.EMPTY, CapturedOutput.EMPTY, now),
        JobStatus.RUNNING,
        finished.version());

    assertThat(store.orphaned(now, 10))
        .extracting(Job::id)
        .containsExactly("j-expired", "j-gone", "j-ends-now");
    assertThat(store.orphaned(now.minusSeconds(2), 10))
        .extracting(Job::id)
        .containsExactly("j-gone");
    assertThat(store.orphaned(now.plusSeconds(1), 10))
        .extracting(Job::id)
        .containsExactly("j-live", "j-expired", "j-gone", "j-ends-now");
  }

  @Test
  void orphanedIsOrderedBySequenceAcrossOwnersAndHonoursTheLimit() {
    runningOf("j5", "x", 5);
    runningOf("j2", "y", 2);
    runningOf("j9", "x", 9);
    runningOf("j1", "z", 1);
    runningOf("j7", "y", 7);
    assertThat(store.orphaned(T0, 10))
        .extracting(Job::id)
        .containsExactly("j1", "j2", "j5", "j7", "j9");
    assertThat(store.orphaned(T0, 3)).extracting(Job::id).containsExactly("j1", "j2", "j5");
    assertThat(store.orphaned(T0, 1)).extracting(Job::id).containsExactly("j1");
    assertThatThrownBy(() -> store.orphaned(T0, 0)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.orphaned(T0, 10).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void orphanedFollowsRenewalsRemovalsAndRecoveries() {
    store.heartbeat("a", T0, T0.plusSeconds(30));
    Job j = runningOf("j1", "a", 1);
    assertThat(store.orphaned(T0.plusSeconds(29), 10)).isEmpty();
    assertThat(store.orphaned(T0.plusSeconds(30), 10)).containsExactly(j);
    store.heartbeat("a", T0.plusSeconds(25), T0.plusSeconds(55));
    assertThat(store.orphaned(T0.plusSeconds(30), 10)).isEmpty();
    store.removeInstance("a");
    assertThat(store.orphaned(T0.plusSeconds(30), 10)).containsExactly(j);
    Job recovered =
        store
            .transition(
                j.toBuilder().maxAttempts(2).build().retryAt(T0.plusSeconds(30)),
                JobStatus.RUNNING,
                j.version())
            .orElseThrow();
    assertThat(recovered.owner()).isNull();
    assertThat(store.orphaned(T0.plusSeconds(30), 10)).isEmpty();
    Job reclaimed =
        store
            .transition(
                recovered.running(T0.plusSeconds(31), "b", 99),
                JobStatus.QUEUED,
                recovered.version())
            .orElseThrow();
    assertThat(store.orphaned(T0.plusSeconds(31), 10)).containsExactly(reclaimed);
    store.heartbeat("b", T0.plusSeconds(31), T0.plusSeconds(61));
    assertThat(store.orphaned(T0.plusSeconds(31), 10)).isEmpty();
  }

  // ------------------------------------------------------------ snapshots

  @Test
  void returnedObjectsAreImmutableSnapshots() {
    store.create(schedule("a", T0));
    insertQueued("j1", "a", T0, "n1", 1);
    store.putScript(SCRIPT);
    List<Schedule> due = store.dueSchedules(T0, 10);
    List<Job> ready = store.dispatchable(T0, 10);
    PageResult<Job> page = store.jobs(JobQuery.all(), Page.first(10));
    Map<JobStatus, Long> counts = store.countByStatus();
    Job before = store.job("j1").orElseThrow();

    assertThatThrownBy(() -> due.add(schedule("b", T0)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ready.clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> page.items().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> counts.put(JobStatus.QUEUED, 99L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> store.scripts().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> store.windows().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> store.variables().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> before.groups().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> store.runningCounts().byNode().put("x", 1L))
        .isInstanceOf(UnsupportedOperationException.class);

    store.transition(before.running(T0, "inst-1", 1), JobStatus.QUEUED, 0);
    store.fire("a", T0, T0.plusSeconds(60), List.of());
    assertThat(before.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(ready.get(0).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(due.get(0).nextFireTime()).isEqualTo(T0);
    assertThat(counts.get(JobStatus.QUEUED)).isEqualTo(1);
    assertThat(store.countByStatus().get(JobStatus.QUEUED)).isZero();
  }
}
