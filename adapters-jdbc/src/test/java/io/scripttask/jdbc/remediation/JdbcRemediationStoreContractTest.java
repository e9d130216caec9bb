package io.scripttask.jdbc.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.jdbc.Dialect;
import io.scripttask.jdbc.JdbcRemediationStore;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.jdbc.JdbcStoreException;
import io.scripttask.jdbc.TestDatabases;
import io.scripttask.remediation.Admission;
import io.scripttask.remediation.EscalationState;
import io.scripttask.remediation.ExecutionProgress;
import io.scripttask.remediation.ExecutionSignal;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.RefusalReason;
import io.scripttask.remediation.RemediationEngine;
import io.scripttask.remediation.RollbackStatus;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepStatus;
import io.scripttask.remediation.StoredWorkflow;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.remediation.json.WorkflowJson;
import io.scripttask.remediation.spi.RemediationStore;
import io.scripttask.remediation.testkit.RemediationDriver;
import io.scripttask.remediation.testkit.RemediationStoreContract;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.testkit.MutableClock;
import io.scripttask.scheduler.testkit.ScriptedTransport;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@link RemediationStoreContract} on a real database, plus what only a database store must
 * show: exact values, admission rules that hold under concurrency across two stores on one database
 * (two engines' connections), and an engine resuming another engine's execution through the
 * database. Each concrete class opens one store with its own random table prefix, clears its tables
 * before every test and drops them at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcRemediationStoreContractTest extends RemediationStoreContract {

  /** The store of this class. */
  protected JdbcStore jdbc;

  /** A second store on the same database and tables: another engine's, or another process's. */
  private JdbcStore peer;

  private JdbcConnectionPool ownedPool;

  /**
   * Opens the database store of this class.
   *
   * @param prefix a fresh random table prefix
   * @return the store, migrated
   */
  protected abstract JdbcStore open(String prefix);

  /**
   * @return the dialect the store must have detected or been given
   */
  protected abstract Dialect expectedDialect();

  /** Makes {@link #dropStore()} close an H2 pool the subclass opened. */
  protected void ownPool(JdbcConnectionPool pool) {
    this.ownedPool = pool;
  }

  /** Drops the tables of this class and closes its stores. */
  @AfterAll
  protected void dropStore() {
    if (jdbc != null) {
      TestDatabases.drop(jdbc.dataSource(), jdbc.dialect(), jdbc.tablePrefix());
      if (peer != null) {
        peer.close();
      }
      jdbc.close();
    }
    if (ownedPool != null) {
      ownedPool.dispose();
    }
  }

  /**
   * Opens the store on first use (so that a missing database skips, or fails, each test with the
   * reason), then empties its tables.
   */
  @Override
  protected RemediationStore newStore() {
    if (jdbc == null) {
      jdbc = open(TestDatabases.randomPrefix());
    }
    TestDatabases.clear(jdbc.dataSource(), jdbc.tablePrefix());
    return jdbc.remediationStore();
  }

  /** The race tests of the contract use more threads than the pools' connections would need. */
  @Override
  protected int raceThreads() {
    return 6;
  }

  private JdbcRemediationStore peerStore() {
    if (peer == null) {
      peer =
          JdbcStore.builder(jdbc.dataSource())
              .dialect(jdbc.dialect())
              .tablePrefix(jdbc.tablePrefix())
              .build();
    }
    return peer.remediationStore();
  }

  // ------------------------------------------------------------ schema and values

  @Test
  void storeRunsOnTheExpectedDialectWithTheCurrentSchema() {
    assertThat(jdbc.dialect()).isEqualTo(expectedDialect());
    assertThat(jdbc.schemaVersion()).isEqualTo(JdbcStore.schemaVersionOfCode());
    assertThat(jdbc.remediationStore().tablePrefix()).isEqualTo(jdbc.tablePrefix());
  }

  @Test
  void instantsTriggerDataProgressAndAttemptsComeBackExactly() {
    Instant at = T0.plusNanos(123_456_789);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("int", 91);
    data.put("long", 5L);
    data.put("maxLong", Long.MAX_VALUE);
    data.put("double", 0.1);
    data.put("nan", Double.NaN);
    data.put("float", 1.5f);
    data.put("short", (short) 3);
    data.put("byte", (byte) 2);
    data.put("decimal", new BigDecimal("1.50"));
    data.put("bigint", new BigInteger("123456789012345678901234567890"));
    data.put("text", "a \"quoted\" ünïcode ✓ text");
    data.put("flag", true);
    data.put("nothing", null);
    data.put("list", List.of(1, "two", List.of(3L, 4.5)));
    data.put("$long", "a caller's key that looks like a tag");
    data.put("nested", Map.of("$map", Map.of("k", 1), "other", false));
    data.put("tagLike", Map.of("$double", "not a number"));
    data.put("mapTagLike", Map.of("$map", Map.of("$long", 7L)));
    WorkflowExecution admitted =
        store
            .admit(
                execution("exact", "disk", "n1", at).toBuilder()
                    .triggerData(data)
                    .actor("alice")
                    .deadlineAt(Instant.parse("+10000-01-01T00:00:00.000000001Z"))
                    .leaseUntil(Instant.MAX)
                    .build(),
                Admission.DEDUP_ONLY)
            .orElseThrow();
    assertThat(store.execution("exact")).contains(admitted);
    assertThat(store.execution("exact").orElseThrow().triggerData()).isEqualTo(data);

    StepAttempt record =
        new StepAttempt(
            "exact",
            1,
            StepAttempt.Kind.STEP,
            "a",
            2,
            StepStatus.FAILED,
            at,
            at.plusNanos(1),
            3,
            new CapturedOutput("head...tail ✓\n", true, 1_000_000),
            new CapturedOutput("boom\n", false, 5),
            "exit code 3",
            "exit code == 0: false",
            "$fail");
    WorkflowExecution next =
        admitted.toBuilder()
            .status(ExecutionStatus.FAILED)
            .finishedAt(at.plusSeconds(1))
            .updatedAt(at.plusSeconds(1))
            .detail("step 'a' failed")
            .rollback(RollbackStatus.PARTIAL)
            .progress(
                ExecutionProgress.INITIAL.toBuilder()
                    .stepId("a")
                    .attempt(2)
                    .phase(ExecutionProgress.Phase.WAITING)
                    .stepStartedAt(at)
                    .wakeAt(Instant.ofEpochSecond(-1, 999_999_999))
                    .runStartedAt(Instant.MIN)
                    .completed(List.of("x", "y"))
                    .compensations(List.of("y"))
                    .outcome(ExecutionStatus.FAILED)
                    .results(Map.of("a", record))
                    .escalation(new EscalationState(null, 1, 2, at, "rollback failed"))
                    .records(1)
                    .build())
            .build();
    WorkflowExecution updated =
        store.update(next, admitted.version(), List.of(record)).orElseThrow();
    assertThat(store.execution("exact")).contains(updated);
    assertThat(store.attempts("exact")).containsExactly(record);
    assertThat(updated.isActive()).isTrue();
    assertThat(store.countActive("disk")).isEqualTo(1);
  }

  @Test
  void workflowsComeBackEqualWithTheirSecretsAndEveryVersionStaysReadable() {
    Workflow disk = WorkflowJson.read(seed("disk-space-management.json"));
    Workflow patch = WorkflowJson.read(seed("security-patch-application-complete.json"));
    StoredWorkflow s = store.putWorkflow(disk, RemediationStore.NEW, T0.plusNanos(7), null);
    assertThat(store.workflow(disk.id())).contains(s);
    assertThat(store.workflow(disk.id()).orElseThrow().workflow().version())
        .isEqualTo(disk.version());
    store.putWorkflow(patch, RemediationStore.NEW, T0, "bob");
    Workflow disabled = disk.toBuilder().enabled(false).build();
    store.putWorkflow(disabled, 0, T0.plusSeconds(1), "carol");
    assertThat(store.workflows())
        .extracting(StoredWorkflow::workflow)
        .containsExactly(disabled, patch);
    assertThat(store.workflowVersion(disk.id(), disk.version())).contains(disabled);
    assertThat(WorkflowJson.write(store.workflow(patch.id()).orElseThrow().workflow()))
        .isEqualTo(WorkflowJson.write(patch));
    // read through a second store, whose cache of parsed definitions is empty
    assertThat(peerStore().workflow(patch.id()).orElseThrow().workflow()).isEqualTo(patch);
  }

  @Test
  void rejectsIdsLongerThanTheColumnsAndFindsNothingUnderThem() {
    String longId = "x".repeat(JdbcRemediationStore.MAX_ID_LENGTH + 1);
    assertThatThrownBy(() -> store.admit(execution(longId, "disk", "n1", T0), Admission.DEDUP_ONLY))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("at most 255 characters");
    assertThatThrownBy(() -> store.admit(execution("e1", "disk", longId, T0), Admission.DEDUP_ONLY))
        .isInstanceOf(ValidationException.class);
    assertThat(store.execution(longId)).isEmpty();
    assertThat(store.claim(longId, "engine-b", T0, T0)).isEmpty();
    assertThat(store.workflow(longId)).isEmpty();
    assertThat(store.attempts(longId)).isEmpty();
  }

  @Test
  void deletingFinishedExecutionsAlsoDeletesTheirQueuedSignals() {
    WorkflowExecution e =
        store.admit(execution("e1", "disk", "n1", T0), Admission.DEDUP_ONLY).orElseThrow();
    store.postSignal(
        new ExecutionSignal(0, "e1", ExecutionSignal.Kind.ACKNOWLEDGE, null, "ops", null, T0));
    store.update(finished(e, T0.plusSeconds(1)), e.version(), List.of()).orElseThrow();
    // a later execution on the node, so that e1 is not the latest one (which retention keeps)
    WorkflowExecution later =
        store
            .admit(execution("e2", "disk", "n1", T0.plusMillis(1500)), Admission.DEDUP_ONLY)
            .orElseThrow();
    store.update(finished(later, T0.plusMillis(1600)), later.version(), List.of()).orElseThrow();
    assertThat(store.deleteFinishedBefore(T0.plusSeconds(2), 5)).isEqualTo(1);
    assertThat(store.execution("e1")).isEmpty();
    store.admit(execution("e1", "disk", "n1", T0.plusSeconds(3)), Admission.DEDUP_ONLY);
    assertThat(store.signals("engine-a")).isEmpty();
  }

  @Test
  void aClosedJdbcStoreRefusesRemediationOperationsAndLeavesTheDataForOthers() {
    store.admit(execution("e1", "disk", "n1", T0), Admission.DEDUP_ONLY).orElseThrow();
    JdbcStore other =
        JdbcStore.builder(jdbc.dataSource())
            .dialect(jdbc.dialect())
            .tablePrefix(jdbc.tablePrefix())
            .build();
    other.close();
    assertThatThrownBy(() -> other.remediationStore().execution("e1"))
        .isInstanceOf(JdbcStoreException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(
            () ->
                other
                    .remediationStore()
                    .admit(execution("e2", "disk", "n2", T0), Admission.DEDUP_ONLY))
        .isInstanceOf(JdbcStoreException.class);
    assertThat(store.execution("e1")).isPresent();
  }

  // ------------------------------------------------------------ admission under concurrency

  @Test
  void concurrentAdmissionsThroughTwoStoresNeverExceedTheNodeLimit() throws Exception {
    Admission rules = new Admission(Duration.ZERO, 0, Duration.ZERO, 2);
    RemediationStore[] stores = {store, peerStore()};
    List<Callable<WorkflowExecution>> calls = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      RemediationStore s = stores[i % 2];
      WorkflowExecution candidate = execution("e" + i, "disk", "n" + i, T0);
      calls.add(() -> s.admit(candidate, rules).orElseThrow());
    }
    List<WorkflowExecution> results = race(calls, 8);
    assertThat(results.stream().filter(e -> e.status() == ExecutionStatus.RUNNING)).hasSize(2);
    assertThat(results.stream().filter(e -> e.refusal() == RefusalReason.MAX_CONCURRENT_NODES))
        .hasSize(14);
    assertThat(store.countActive("disk")).isEqualTo(2);
  }

  @Test
  void concurrentAdmissionsOnOneNodeThroughTwoStoresAdmitExactlyOne() throws Exception {
    RemediationStore[] stores = {store, peerStore()};
    List<Callable<WorkflowExecution>> calls = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      RemediationStore s = stores[i % 2];
      WorkflowExecution candidate = execution("e" + i, "disk", "n1", T0);
      calls.add(() -> s.admit(candidate, Admission.DEDUP_ONLY).orElseThrow());
    }
    List<WorkflowExecution> results = race(calls, 8);
    assertThat(results.stream().filter(e -> e.status() == ExecutionStatus.RUNNING)).hasSize(1);
    assertThat(results.stream().filter(e -> e.refusal() == RefusalReason.ALREADY_ACTIVE))
        .hasSize(15);
  }

  @Test
  void concurrentAdmissionsThroughTwoStoresNeverExceedTheRateLimit() throws Exception {
    Admission rules = new Admission(Duration.ZERO, 3, Duration.ofMinutes(10), 0);
    RemediationStore[] stores = {store, peerStore()};
    List<Callable<WorkflowExecution>> calls = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      RemediationStore s = stores[i % 2];
      // one creation time: the window of each candidate then holds every other admission
      WorkflowExecution candidate = execution("e" + i, "disk", "n" + i, T0);
      calls.add(() -> s.admit(candidate, rules).orElseThrow());
    }
    List<WorkflowExecution> results = race(calls, 8);
    assertThat(results.stream().filter(e -> e.status() == ExecutionStatus.RUNNING)).hasSize(3);
    assertThat(results.stream().filter(e -> e.refusal() == RefusalReason.RATE_LIMITED)).hasSize(13);
  }

  /**
   * Threads admit and finish executions of one workflow (each on its own node) as fast as they can
   * through two stores. An admitted thread reads the number of active executions from the database
   * while its own is active; a count above the limit at any moment would be seen.
   */
  @Test
  void admissionsAndFinishesRacingNeverHaveMoreActiveThanTheNodeLimit() throws Exception {
    Admission rules = new Admission(Duration.ZERO, 0, Duration.ZERO, 2);
    RemediationStore[] stores = {store, peerStore()};
    int threads = 6;
    int rounds = 12;
    AtomicInteger admitted = new AtomicInteger();
    AtomicLong mostActiveSeen = new AtomicLong();
    List<Callable<Integer>> calls = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      RemediationStore s = stores[t % 2];
      String node = "n" + t;
      int thread = t;
      calls.add(
          () -> {
            int refused = 0;
            for (int r = 0; r < rounds; r++) {
              Instant at = T0.plusSeconds(r);
              WorkflowExecution e =
                  s.admit(execution("t" + thread + "-" + r, "disk", node, at), rules).orElseThrow();
              if (e.status() != ExecutionStatus.RUNNING) {
                assertThat(e.refusal()).isEqualTo(RefusalReason.MAX_CONCURRENT_NODES);
                refused++;
                continue;
              }
              admitted.incrementAndGet();
              mostActiveSeen.accumulateAndGet(s.countActive("disk"), Math::max);
              s.update(finished(e, at), e.version(), List.of()).orElseThrow();
            }
            return refused;
          });
    }
    List<Integer> refused = race(calls, threads);
    assertThat(admitted.get()).isPositive();
    assertThat(admitted.get() + refused.stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(threads * rounds);
    assertThat(mostActiveSeen.get()).isBetween(1L, 2L);
    assertThat(store.countActive("disk")).isZero();
  }

  // ------------------------------------------------------------ resuming through the database

  /**
   * Engine A starts an execution that waits in a delay, then stops being driven (a process that
   * died, or hangs). Engine B, on another store over the same tables, leaves it alone while A's
   * lease holds, takes it over once the lease expired, and completes it; A's late pass writes
   * nothing and A's stale write is refused.
   */
  @Test
  void anotherEngineResumesAnExecutionAfterItsOwnersLeaseExpiredAndTheStaleOwnerIsRefused() {
    MutableClock clock = MutableClock.at(T0);
    ScriptedTransport transport = new ScriptedTransport("scripted", clock);
    transport.script("do-b", Outcome.succeed(Duration.ofMinutes(5)));
    Workflow w =
        Workflow.builder("durable")
            .step(Step.script("a").script("do-a").onSuccess("wait"))
            .step(Step.delay("wait", Duration.ofMinutes(10)).onSuccess("b"))
            .step(Step.script("b").script("do-b").timeout(Duration.ofMinutes(30)).onSuccess("c"))
            .step(Step.script("c").script("do-c"))
            .build();
    RemediationEngine a = engine("engine-a", store, clock, transport);
    RemediationDriver driverA = new RemediationDriver(a, clock, transport);
    a.register(w, "alice");
    String id = a.startExecution("durable", "web-1", Map.of("reason", "disk"), "alice").id();
    driverA.advance(Duration.ofMinutes(1));
    WorkflowExecution waiting = store.execution(id).orElseThrow();
    assertThat(waiting.owner()).isEqualTo("engine-a");
    assertThat(waiting.progress().stepId()).isEqualTo("wait");
    assertThat(waiting.status()).isEqualTo(ExecutionStatus.WAITING);

    // A is abandoned here: nothing drives it any more
    RemediationEngine b = engine("engine-b", peerStore(), clock, transport);
    RemediationDriver driverB = new RemediationDriver(b, clock, transport);
    driverB.advance(Duration.ofSeconds(10));
    assertThat(b.ownedExecutions()).isEmpty();
    assertThat(store.execution(id).orElseThrow().owner()).isEqualTo("engine-a");

    driverB.advanceTo(T0.plus(Duration.ofMinutes(12)));
    WorkflowExecution taken = store.execution(id).orElseThrow();
    assertThat(b.ownedExecutions()).containsExactly(id);
    assertThat(taken.owner()).isEqualTo("engine-b");
    assertThat(taken.fencingToken()).isEqualTo(waiting.fencingToken() + 1);
    assertThat(taken.progress().stepId()).isEqualTo("b");
    int recorded = store.attempts(id).size();

    // A wakes up after its delay ended: it must stand down without writing anything
    a.runDueWork();
    assertThat(a.ownedExecutions()).isEmpty();
    assertThat(store.execution(id)).contains(taken);
    assertThat(store.attempts(id)).hasSize(recorded);
    WorkflowExecution staleWrite =
        waiting.toBuilder()
            .status(ExecutionStatus.SUCCEEDED)
            .finishedAt(clock.instant())
            .progress(ExecutionProgress.INITIAL)
            .build();
    assertThat(store.update(staleWrite, waiting.version(), List.of())).isEmpty();
    assertThat(store.update(staleWrite, taken.version(), List.of())).isEmpty();
    assertThat(store.renewLease(id, "engine-a", waiting.fencingToken(), T0.plusSeconds(9999)))
        .isFalse();

    WorkflowExecution done = driverB.runUntilDone(id, Duration.ofHours(1));
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.owner()).isEqualTo("engine-b");
    assertThat(transport.runs())
        .extracting(r -> r.request().script().id())
        .containsExactly("do-a", "do-b", "do-c");
    List<StepAttempt> record = store.attempts(id);
    assertThat(record)
        .filteredOn(r -> !r.stepId().equals("wait"))
        .extracting(r -> r.stepId() + ":" + r.status())
        .containsExactly("a:SUCCEEDED", "b:SUCCEEDED", "c:SUCCEEDED");
    for (int i = 0; i < record.size(); i++) {
      assertThat(record.get(i).sequence()).isEqualTo(i + 1);
    }
  }

  private static RemediationEngine engine(
      String instanceId, RemediationStore store, MutableClock clock, ScriptedTransport transport) {
    Map<String, Script> library = new LinkedHashMap<>();
    for (String s : List.of("do-a", "do-b", "do-c")) {
      library.put(s, Script.builder(s).content("echo " + s).build());
    }
    return RemediationEngine.builder()
        .clock(clock)
        .store(store)
        .nodes(InMemoryNodeDirectory.of(Node.of("web-1", "scripted")))
        .transport(transport)
        .scripts(id -> Optional.ofNullable(library.get(id)))
        .instanceId(instanceId)
        .eventExecutor(Runnable::run)
        .build();
  }

  // ------------------------------------------------------------ helpers

  private static String seed(String name) {
    try (InputStream in =
        JdbcRemediationStoreContractTest.class.getResourceAsStream("/seed/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> List<T> race(List<Callable<T>> calls, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> c : calls) {
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return c.call();
                }));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(50, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
