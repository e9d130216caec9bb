package io.scripttask.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.WaitReason;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.ClaimOutcome;
import io.scripttask.scheduler.spi.ClaimRequest;
import io.scripttask.scheduler.spi.FireOutcome;
import io.scripttask.scheduler.spi.FireRequest;
import io.scripttask.scheduler.spi.TransitionRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The batch methods of {@link JdbcSchedulerStore} on H2, PostgreSQL and MariaDB: each batch is one
 * transaction (one commit, counted on the connections), and each item keeps its own compare-and-set
 * and limits, in list order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcBatchTest {

  private static final Instant T0 = Instant.parse("2025-01-06T00:00:00Z");
  private static final Script SCRIPT =
      Script.builder("uptime").content("uptime").defaultTimeout(Duration.ofMinutes(1)).build();

  private final Map<Dialect, JdbcStore> stores = new EnumMap<>(Dialect.class);
  private final AtomicInteger commits = new AtomicInteger();
  private JdbcStore h2Base;

  @AfterAll
  void dropStores() {
    for (JdbcStore s : stores.values()) {
      TestDatabases.drop(s.dataSource(), s.dialect(), s.tablePrefix());
      s.close();
    }
    if (h2Base != null) {
      h2Base.close();
    }
  }

  /** A fresh, empty store of the dialect on connections whose commits are counted. */
  private JdbcSchedulerStore store(Dialect dialect) {
    JdbcStore s =
        stores.computeIfAbsent(
            dialect,
            d -> {
              String prefix = TestDatabases.randomPrefix();
              return switch (d) {
                case H2 -> {
                  h2Base = JdbcStore.h2InMemory("jb" + prefix);
                  yield JdbcStore.builder(counting(h2Base.dataSource()))
                      .dialect(Dialect.H2)
                      .tablePrefix(prefix)
                      .build();
                }
                case POSTGRESQL ->
                    JdbcStore.builder(counting(TestDatabases.postgres()))
                        .tablePrefix(prefix)
                        .build();
                default ->
                    JdbcStore.builder(counting(TestDatabases.mariadb()))
                        .tablePrefix(prefix)
                        .build();
              };
            });
    TestDatabases.clear(s.dataSource(), s.tablePrefix());
    commits.set(0);
    return s.schedulerStore();
  }

  private DataSource counting(DataSource target) {
    return (DataSource)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(target, method, args);
              return result instanceof Connection c ? countingConnection(c) : result;
            });
  }

  private Connection countingConnection(Connection target) {
    return (Connection)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("commit")) {
                commits.incrementAndGet();
              }
              return invoke(target, method, args);
            });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Schedule schedule(String id, Instant next) {
    ScheduleSpec spec =
        ScheduleSpec.named(id)
            .cron("* * * * *")
            .zone(ZoneId.of("UTC"))
            .script(SCRIPT)
            .target(Target.nodes("n1"))
            .build();
    return Schedule.create(spec, next, T0, "alice");
  }

  private static Job job(String id, String scheduleId, String node, Set<String> groups) {
    return Job.builder(id, scheduleId, new FireKey(scheduleId, T0, node))
        .script(SCRIPT)
        .sequence(1)
        .groups(groups)
        .createdAt(T0)
        .build();
  }

  private static Job queued(JdbcSchedulerStore store, String id, String node, String... groups) {
    Job j =
        Job.builder(id, "s", new FireKey("s", T0.plusSeconds(id.hashCode()), node))
            .script(SCRIPT)
            .sequence(1)
            .groups(Set.of(groups))
            .createdAt(T0)
            .build();
    assertThat(store.insert(j)).isTrue();
    return store.job(id).orElseThrow();
  }

  private static ClaimRequest claimOf(Job j, Limits limits) {
    return new ClaimRequest(j.running(T0, "inst-1", 7), j.status(), j.version(), limits);
  }

  @ParameterizedTest
  @EnumSource(names = {"H2", "POSTGRESQL", "MARIADB"})
  void claimAllCommitsOnceAndALostClaimDoesNotUndoTheOthers(Dialect dialect) {
    JdbcSchedulerStore store = store(dialect);
    Job a = queued(store, "a", "n1", "web");
    Job b = queued(store, "b", "n2");
    Job c = queued(store, "c", "n3", "db");
    commits.set(0);

    List<ClaimOutcome> outcomes =
        store.claimAll(
            List.of(
                claimOf(a, Limits.none()),
                new ClaimRequest(b.running(T0, "inst-1", 7), JobStatus.QUEUED, 5, Limits.none()),
                claimOf(c, Limits.none()),
                claimOf(a, Limits.none()),
                claimOf(job("missing", "s", "n9", Set.of()), Limits.none())));

    assertThat(commits).hasValue(1);
    assertThat(outcomes.get(0)).isInstanceOf(ClaimOutcome.Claimed.class);
    assertThat(outcomes.get(1)).isInstanceOf(ClaimOutcome.Lost.class);
    assertThat(outcomes.get(2)).isInstanceOf(ClaimOutcome.Claimed.class);
    assertThat(outcomes.get(3)).isInstanceOf(ClaimOutcome.Lost.class);
    assertThat(outcomes.get(4)).isInstanceOf(ClaimOutcome.Lost.class);
    assertThat(store.job("a").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    assertThat(store.job("a").orElseThrow().version()).isEqualTo(1);
    assertThat(store.job("b").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(store.job("c").orElseThrow())
        .isEqualTo(((ClaimOutcome.Claimed) outcomes.get(2)).job());
    assertThat(store.runningCounts().byGroup()).containsEntry("web", 1L).containsEntry("db", 1L);
  }

  @ParameterizedTest
  @EnumSource(names = {"H2", "POSTGRESQL", "MARIADB"})
  void claimAllCountsTheClaimsBeforeEachItemAgainstItsLimits(Dialect dialect) {
    JdbcSchedulerStore store = store(dialect);
    Job running = queued(store, "r", "n1", "web");
    assertThat(store.claim(running.running(T0, "inst-1", 1), JobStatus.QUEUED, 0, Limits.none()))
        .isInstanceOf(ClaimOutcome.Claimed.class);
    Job a = queued(store, "a", "n2", "web");
    Job b = queued(store, "b", "n2", "db");
    Job c = queued(store, "c", "n3", "web");
    Job d = queued(store, "d", "n4", "db");
    Job e = queued(store, "e", "n5", "ops");
    commits.set(0);

    List<ClaimOutcome> outcomes =
        store.claimAll(
            List.of(
                claimOf(a, Limits.perNode(1).perGroup(2)),
                claimOf(b, Limits.perNode(1)),
                claimOf(c, Limits.perNode(1).perGroup(2)),
                claimOf(d, Limits.none()),
                claimOf(e, Limits.none().global(3))));

    assertThat(commits).hasValue(1);
    assertThat(outcomes.get(0)).isInstanceOf(ClaimOutcome.Claimed.class);
    assertThat(outcomes.get(1))
        .isInstanceOfSatisfying(
            ClaimOutcome.Limited.class,
            l -> assertThat(l.reason()).isEqualTo(WaitReason.NODE_LIMIT));
    assertThat(outcomes.get(2))
        .isInstanceOfSatisfying(
            ClaimOutcome.Limited.class,
            l -> assertThat(l.reason()).isEqualTo(WaitReason.GROUP_LIMIT));
    assertThat(outcomes.get(3)).isInstanceOf(ClaimOutcome.Claimed.class);
    assertThat(outcomes.get(4))
        .isInstanceOfSatisfying(
            ClaimOutcome.Limited.class,
            l -> assertThat(l.reason()).isEqualTo(WaitReason.GLOBAL_LIMIT));
    assertThat(store.runningCounts().global()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(names = {"H2", "POSTGRESQL", "MARIADB"})
  void claimAllThatChangesAJobsIdentityFailsAndAppliesNothing(Dialect dialect) {
    JdbcSchedulerStore store = store(dialect);
    Job a = queued(store, "a", "n1");
    Job b = queued(store, "b", "n2");
    Job forged = b.toBuilder().sequence(99).build().running(T0, "inst-1", 7);

    assertThatThrownBy(
            () ->
                store.claimAll(
                    List.of(
                        claimOf(a, Limits.none()),
                        new ClaimRequest(forged, JobStatus.QUEUED, 0, Limits.none()))))
        .isInstanceOf(ValidationException.class);
    assertThat(store.job("a").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  @ParameterizedTest
  @EnumSource(names = {"H2", "POSTGRESQL", "MARIADB"})
  void fireAllCommitsOnceWithEachFireKeepingItsOwnOutcome(Dialect dialect) {
    JdbcSchedulerStore store = store(dialect);
    Instant next = T0.plusSeconds(60);
    store.create(schedule("s1", T0));
    store.create(schedule("s2", T0));
    store.create(schedule("s3", T0.minusSeconds(60)));
    Job j1 = job("j1", "s1", "n1", Set.of("web"));
    Job j2 = job("j2", "s2", "n1", Set.of());
    Job j2dup = job("j2b", "s2", "n1", Set.of());
    commits.set(0);

    List<FireOutcome> outcomes =
        store.fireAll(
            List.of(
                new FireRequest("s1", T0, next, List.of(j1)),
                new FireRequest("s3", T0, next, List.of(job("j3", "s3", "n1", Set.of()))),
                new FireRequest("s2", T0, next, List.of(j2, j2dup)),
                new FireRequest("s1", T0, next, List.of(job("j4", "s1", "n2", Set.of()))),
                new FireRequest("none", T0, next, List.of())));

    assertThat(commits).hasValue(1);
    assertThat(outcomes)
        .extracting(FireOutcome::status)
        .containsExactly(
            FireOutcome.Status.FIRED,
            FireOutcome.Status.STALE,
            FireOutcome.Status.FIRED,
            FireOutcome.Status.STALE,
            FireOutcome.Status.NOT_FOUND);
    assertThat(outcomes.get(0).inserted()).containsExactly(j1);
    assertThat(outcomes.get(2).inserted()).containsExactly(j2);
    assertThat(outcomes.get(2).ignored()).containsExactly(j2dup.fireKey());
    assertThat(outcomes.get(3).schedule()).isEqualTo(outcomes.get(0).schedule());
    assertThat(store.get("s1")).contains(outcomes.get(0).schedule());
    assertThat(store.get("s1").orElseThrow().nextFireTime()).isEqualTo(next);
    assertThat(store.get("s3").orElseThrow().version()).isZero();
    assertThat(store.job("j3")).isEmpty();
    assertThat(store.job("j4")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(names = {"H2", "POSTGRESQL", "MARIADB"})
  void transitionAllCommitsOnceAndAFailedChangeInsertsNoFollowJobs(Dialect dialect) {
    JdbcSchedulerStore store = store(dialect);
    Job a = run(store, queued(store, "a", "n1", "web"));
    Job b = run(store, queued(store, "b", "n2"));
    Job c = run(store, queued(store, "c", "n3", "db"));
    Job followA = job("fa", "f", "n1", Set.of());
    Job followB = job("fb", "f", "n2", Set.of());
    commits.set(0);

    List<Optional<Job>> results =
        store.transitionAll(
            List.of(
                new TransitionRequest(done(a), JobStatus.RUNNING, a.version(), List.of(followA)),
                new TransitionRequest(done(b), JobStatus.RUNNING, 42, List.of(followB)),
                TransitionRequest.of(done(c), JobStatus.RUNNING, c.version())));

    assertThat(commits).hasValue(1);
    assertThat(results.get(0)).isPresent();
    assertThat(results.get(1)).isEmpty();
    assertThat(results.get(2)).isPresent();
    assertThat(store.job("a")).isEqualTo(results.get(0));
    assertThat(store.job("b").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    assertThat(store.job("fa")).isPresent();
    assertThat(store.job("fb")).isEmpty();
    assertThat(store.runningCounts().byGroup()).doesNotContainKeys("web", "db");
    assertThat(store.runningCounts().global()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"H2", "POSTGRESQL", "MARIADB"})
  void transitionAllChangesTheSameJobTwiceInListOrder(Dialect dialect) {
    JdbcSchedulerStore store = store(dialect);
    Job a = queued(store, "a", "n1", "web");
    Job other = queued(store, "b", "n2");
    Job running = a.running(T0, "inst-1", 3);

    List<Optional<Job>> results =
        store.transitionAll(
            List.of(
                TransitionRequest.of(running, JobStatus.QUEUED, 0),
                TransitionRequest.of(done(running), JobStatus.RUNNING, 1),
                TransitionRequest.of(other.running(T0, "inst-1", 4), JobStatus.QUEUED, 0)));

    assertThat(results).allMatch(Optional::isPresent);
    assertThat(store.job("a").orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(store.job("a").orElseThrow().version()).isEqualTo(2);
    assertThat(store.runningCounts().byGroup()).doesNotContainKey("web");
    assertThat(store.runningCounts().global()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"H2", "POSTGRESQL", "MARIADB"})
  void nextSequencesReturnsAscendingNewNumbersInOneCall(Dialect dialect) {
    JdbcSchedulerStore store = store(dialect);
    long before = store.nextSequence();

    long[] numbers = store.nextSequences(50);

    assertThat(numbers).hasSize(50).doesNotHaveDuplicates().isSorted();
    assertThat(numbers[0]).isGreaterThan(before);
    assertThat(store.nextSequence()).isGreaterThan(numbers[49]);
    assertThatThrownBy(() -> store.nextSequences(0))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("count");
  }

  private static Job run(JdbcSchedulerStore store, Job queued) {
    ClaimOutcome o =
        store.claim(queued.running(T0, "inst-1", 1), JobStatus.QUEUED, 0, Limits.none());
    return ((ClaimOutcome.Claimed) o).job();
  }

  private static Job done(Job running) {
    return running.finished(
        JobStatus.SUCCEEDED, 0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, T0.plusSeconds(1));
  }
}
