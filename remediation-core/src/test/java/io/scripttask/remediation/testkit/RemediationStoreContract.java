package io.scripttask.remediation.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.Admission;
import io.scripttask.remediation.EscalationState;
import io.scripttask.remediation.ExecutionProgress;
import io.scripttask.remediation.ExecutionQuery;
import io.scripttask.remediation.ExecutionSignal;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.RefusalReason;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepStatus;
import io.scripttask.remediation.StoredWorkflow;
import io.scripttask.remediation.TriggerSource;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.remediation.spi.RemediationStore;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.StaleVersionException;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.spi.CapturedOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link RemediationStore} keeps. An adapter's test extends this class and
 * implements {@link #newStore()}; every test then runs against the adapter, each on a fresh, empty
 * store.
 */
@Timeout(60)
public abstract class RemediationStoreContract {

  /** The instant most tests are relative to. */
  protected static final Instant T0 = Instant.parse("2025-03-03T08:00:00Z");

  /** The store under test. */
  protected RemediationStore store;

  /**
   * Creates a fresh, empty store.
   *
   * @return the store
   */
  protected abstract RemediationStore newStore();

  /**
   * @return how many threads the race tests use; 4 unless overridden
   */
  protected int raceThreads() {
    return 4;
  }

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  // ------------------------------------------------------------ fixtures

  /**
   * @param id the workflow id
   * @param scriptId the script its one step runs (changes the version)
   * @return a one-step workflow
   */
  protected static Workflow workflow(String id, String scriptId) {
    return Workflow.builder(id).step(Step.script("run").script(scriptId)).build();
  }

  /**
   * @param id the execution id
   * @param workflowId the workflow
   * @param nodeId the node
   * @param at when it is created
   * @return a running execution owned by "engine-a", lease 30 s
   */
  protected static WorkflowExecution execution(
      String id, String workflowId, String nodeId, Instant at) {
    return WorkflowExecution.builder(
            id, workflow(workflowId, "s"), nodeId, TriggerSource.MANUAL, at)
        .triggerData(Map.of("diskUsagePercent", 91, "mount", "/var"))
        .owner("engine-a")
        .leaseUntil(at.plus(Duration.ofSeconds(30)))
        .build();
  }

  /**
   * @param e an execution
   * @param at when it finished
   * @return a copy finished as succeeded
   */
  protected static WorkflowExecution finished(WorkflowExecution e, Instant at) {
    return e.toBuilder()
        .status(ExecutionStatus.SUCCEEDED)
        .finishedAt(at)
        .updatedAt(at)
        .progress(ExecutionProgress.INITIAL)
        .build();
  }

  /**
   * @param executionId the execution
   * @param sequence its place in the record
   * @param stepId the step
   * @param at when
   * @return a succeeded attempt with some output
   */
  protected static StepAttempt attempt(
      String executionId, int sequence, String stepId, Instant at) {
    return new StepAttempt(
        executionId,
        sequence,
        StepAttempt.Kind.STEP,
        stepId,
        1,
        StepStatus.SUCCEEDED,
        at,
        at.plusSeconds(2),
        0,
        new CapturedOutput("freed 3 GB\n", false, 11),
        CapturedOutput.EMPTY,
        null,
        "exit code 0 == 0",
        "$succeed");
  }

  private WorkflowExecution admitted(WorkflowExecution e) {
    WorkflowExecution stored = store.admit(e, Admission.DEDUP_ONLY).orElseThrow();
    assertThat(stored.status()).isEqualTo(ExecutionStatus.RUNNING);
    return stored;
  }

  private WorkflowExecution finishedAt(WorkflowExecution e, Instant at) {
    return store.update(finished(e, at), e.version(), List.of()).orElseThrow();
  }

  private static Admission cooldown(Duration d) {
    return new Admission(d, 0, Duration.ZERO, 0);
  }

  // ------------------------------------------------------------ workflows

  @Test
  void createsWorkflowAtRevisionZeroAndReadsItBack() {
    Workflow w = workflow("disk", "cleanup");
    StoredWorkflow s = store.putWorkflow(w, RemediationStore.NEW, T0, "alice");
    assertThat(s.revision()).isZero();
    assertThat(s.actor()).isEqualTo("alice");
    assertThat(store.workflow("disk")).contains(s);
    assertThat(store.workflow("disk").orElseThrow().workflow()).isEqualTo(w);
    assertThat(store.workflow("nope")).isEmpty();
  }

  @Test
  void replacesWorkflowOnlyAtTheExpectedRevision() {
    store.putWorkflow(workflow("disk", "a"), RemediationStore.NEW, T0, null);
    StoredWorkflow s1 = store.putWorkflow(workflow("disk", "b"), 0, T0.plusSeconds(1), "bob");
    assertThat(s1.revision()).isEqualTo(1);
    assertThatThrownBy(() -> store.putWorkflow(workflow("disk", "c"), 0, T0, null))
        .isInstanceOf(StaleVersionException.class)
        .satisfies(
            e -> {
              StaleVersionException s = (StaleVersionException) e;
              assertThat(s.kind()).isEqualTo("workflow");
              assertThat(s.expectedVersion()).isZero();
              assertThat(s.actualVersion()).isEqualTo(1);
            });
    assertThat(store.workflow("disk").orElseThrow().workflow()).isEqualTo(workflow("disk", "b"));
  }

  @Test
  void refusesToCreateAWorkflowTwiceOrToUpdateOneThatDoesNotExist() {
    store.putWorkflow(workflow("disk", "a"), RemediationStore.NEW, T0, null);
    assertThatThrownBy(
            () -> store.putWorkflow(workflow("disk", "b"), RemediationStore.NEW, T0, null))
        .isInstanceOf(StaleVersionException.class);
    assertThatThrownBy(() -> store.putWorkflow(workflow("other", "b"), 0, T0, null))
        .isInstanceOf(StaleVersionException.class);
  }

  @Test
  void keepsEveryStoredVersionReadableAfterReplaceAndDelete() {
    Workflow v1 = workflow("disk", "a");
    Workflow v2 = workflow("disk", "b");
    store.putWorkflow(v1, RemediationStore.NEW, T0, null);
    store.putWorkflow(v2, 0, T0, null);
    assertThat(store.deleteWorkflow("disk")).isTrue();
    assertThat(store.deleteWorkflow("disk")).isFalse();
    assertThat(store.workflow("disk")).isEmpty();
    assertThat(store.workflowVersion("disk", v1.version())).contains(v1);
    assertThat(store.workflowVersion("disk", v2.version())).contains(v2);
    assertThat(store.workflowVersion("disk", "0000")).isEmpty();
  }

  @Test
  void listsWorkflowsById() {
    store.putWorkflow(workflow("zeta", "a"), RemediationStore.NEW, T0, null);
    store.putWorkflow(workflow("alpha", "a"), RemediationStore.NEW, T0, null);
    store.putWorkflow(workflow("mid", "a"), RemediationStore.NEW, T0, null);
    assertThat(store.workflows())
        .extracting(StoredWorkflow::id)
        .containsExactly("alpha", "mid", "zeta");
  }

  // ------------------------------------------------------------ admission

  @Test
  void admitsWithIncreasingSequenceAndVersionZero() {
    WorkflowExecution a = admitted(execution("e1", "disk", "n1", T0));
    WorkflowExecution b = admitted(execution("e2", "disk", "n2", T0));
    assertThat(a.version()).isZero();
    assertThat(b.sequence()).isGreaterThan(a.sequence());
    assertThat(store.execution("e1")).contains(a);
    assertThat(a.triggerData())
        .containsEntry("diskUsagePercent", 91)
        .containsEntry("mount", "/var");
  }

  @Test
  void refusesASecondExecutionWithTheSameIdAndChangesNothing() {
    admitted(execution("cron:disk:1:n1", "disk", "n1", T0));
    assertThat(store.admit(execution("cron:disk:1:n1", "disk", "n9", T0), Admission.DEDUP_ONLY))
        .isEmpty();
    assertThat(store.execution("cron:disk:1:n1").orElseThrow().nodeId()).isEqualTo("n1");
    assertThat(store.executions(ExecutionQuery.all(), Page.first(10)).items()).hasSize(1);
  }

  @Test
  void refusesWhileAnExecutionOfTheWorkflowIsActiveOnTheNode() {
    admitted(execution("e1", "disk", "n1", T0));
    WorkflowExecution r =
        store
            .admit(execution("e2", "disk", "n1", T0.plusSeconds(5)), Admission.DEDUP_ONLY)
            .orElseThrow();
    assertThat(r.status()).isEqualTo(ExecutionStatus.REFUSED);
    assertThat(r.refusal()).isEqualTo(RefusalReason.ALREADY_ACTIVE);
    assertThat(r.finishedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(r.isActive()).isFalse();
    assertThat(admitted(execution("e3", "disk", "n2", T0)).nodeId()).isEqualTo("n2");
    assertThat(admitted(execution("e4", "other", "n1", T0)).workflowId()).isEqualTo("other");
  }

  @Test
  void refusesWithinTheCooldownAfterTheLastExecutionFinished() {
    WorkflowExecution e1 = admitted(execution("e1", "disk", "n1", T0));
    Instant end = T0.plusSeconds(600);
    store.update(finished(e1, end), e1.version(), List.of()).orElseThrow();
    assertCoolsDownForHalfAnHourAfter(end);
  }

  /**
   * Admits "disk" on n1 one minute before {@code end} + 30 minutes (refused: COOLDOWN) and at that
   * time (admitted), under a 30-minute cooldown.
   */
  private void assertCoolsDownForHalfAnHourAfter(Instant end) {
    Admission rules = cooldown(Duration.ofMinutes(30));
    WorkflowExecution early =
        store
            .admit(execution("e2", "disk", "n1", end.plus(Duration.ofMinutes(29))), rules)
            .orElseThrow();
    assertThat(early.status()).isEqualTo(ExecutionStatus.REFUSED);
    assertThat(early.refusal()).isEqualTo(RefusalReason.COOLDOWN);
    WorkflowExecution later =
        store
            .admit(execution("e3", "disk", "n1", end.plus(Duration.ofMinutes(30))), rules)
            .orElseThrow();
    assertThat(later.status()).isEqualTo(ExecutionStatus.RUNNING);
  }

  @Test
  void refusedExecutionsNeitherCoolDownNorCountTowardsTheRateLimit() {
    WorkflowExecution e1 = admitted(execution("e1", "disk", "n1", T0));
    store.admit(execution("r1", "disk", "n1", T0.plusSeconds(1)), Admission.DEDUP_ONLY);
    store.update(finished(e1, T0.plusSeconds(2)), e1.version(), List.of()).orElseThrow();
    Admission rules = new Admission(Duration.ofSeconds(5), 2, Duration.ofHours(1), 0);
    WorkflowExecution r2 =
        store.admit(execution("r2", "disk", "n1", T0.plusSeconds(6)), rules).orElseThrow();
    assertThat(r2.refusal()).isEqualTo(RefusalReason.COOLDOWN);
    WorkflowExecution e2 =
        store.admit(execution("e2", "disk", "n1", T0.plusSeconds(7)), rules).orElseThrow();
    assertThat(e2.status()).isEqualTo(ExecutionStatus.RUNNING);
  }

  @Test
  void refusesBeyondTheRateLimitInItsPeriod() {
    Admission rules = new Admission(Duration.ZERO, 2, Duration.ofHours(1), 0);
    assertThat(store.admit(execution("e1", "disk", "n1", T0), rules).orElseThrow().status())
        .isEqualTo(ExecutionStatus.RUNNING);
    assertThat(
            store
                .admit(execution("e2", "disk", "n2", T0.plusSeconds(60)), rules)
                .orElseThrow()
                .status())
        .isEqualTo(ExecutionStatus.RUNNING);
    WorkflowExecution third =
        store.admit(execution("e3", "disk", "n3", T0.plusSeconds(120)), rules).orElseThrow();
    assertThat(third.refusal()).isEqualTo(RefusalReason.RATE_LIMITED);
    WorkflowExecution otherWorkflow =
        store.admit(execution("e4", "other", "n3", T0.plusSeconds(120)), rules).orElseThrow();
    assertThat(otherWorkflow.status()).isEqualTo(ExecutionStatus.RUNNING);
    WorkflowExecution afterPeriod =
        store
            .admit(execution("e5", "disk", "n4", T0.plus(Duration.ofHours(1))), rules)
            .orElseThrow();
    assertThat(afterPeriod.status()).isEqualTo(ExecutionStatus.RUNNING);
  }

  @Test
  void refusesBeyondTheMostNodesInRemediationAtOnce() {
    Admission rules = new Admission(Duration.ZERO, 0, Duration.ZERO, 2);
    WorkflowExecution e1 = store.admit(execution("e1", "disk", "n1", T0), rules).orElseThrow();
    store.admit(execution("e2", "disk", "n2", T0), rules).orElseThrow();
    WorkflowExecution third = store.admit(execution("e3", "disk", "n3", T0), rules).orElseThrow();
    assertThat(third.refusal()).isEqualTo(RefusalReason.MAX_CONCURRENT_NODES);
    assertThat(store.countActive("disk")).isEqualTo(2);
    store.update(finished(e1, T0.plusSeconds(9)), e1.version(), List.of()).orElseThrow();
    WorkflowExecution fourth =
        store.admit(execution("e4", "disk", "n3", T0.plusSeconds(10)), rules).orElseThrow();
    assertThat(fourth.status()).isEqualTo(ExecutionStatus.RUNNING);
  }

  @Test
  void insertsACandidateRefusedByTheEngineAsItIs() {
    WorkflowExecution refused =
        execution("e1", "disk", "n1", T0).toBuilder()
            .status(ExecutionStatus.REFUSED)
            .refusal(RefusalReason.WORKFLOW_DISABLED)
            .finishedAt(T0)
            .build();
    WorkflowExecution stored = store.admit(refused, Admission.DEDUP_ONLY).orElseThrow();
    assertThat(stored.refusal()).isEqualTo(RefusalReason.WORKFLOW_DISABLED);
    assertThat(admitted(execution("e2", "disk", "n1", T0)).status())
        .isEqualTo(ExecutionStatus.RUNNING);
  }

  @Test
  void exactlyOneOfConcurrentAdmissionsForOneNodeIsAdmitted() throws Exception {
    int threads = raceThreads();
    List<Callable<WorkflowExecution>> calls = new ArrayList<>();
    for (int i = 0; i < threads * 4; i++) {
      String id = "e" + i;
      calls.add(
          () -> store.admit(execution(id, "disk", "n1", T0), Admission.DEDUP_ONLY).orElseThrow());
    }
    List<WorkflowExecution> results = race(calls);
    assertThat(results.stream().filter(e -> e.status() == ExecutionStatus.RUNNING)).hasSize(1);
    assertThat(results.stream().filter(e -> e.refusal() == RefusalReason.ALREADY_ACTIVE))
        .hasSize(threads * 4 - 1);
  }

  // ------------------------------------------------------------ update, claim, lease

  @Test
  void updatesAtTheExpectedVersionAndAppendsAttemptsInTheSameStep() {
    WorkflowExecution e = admitted(execution("e1", "disk", "n1", T0));
    WorkflowExecution next =
        e.toBuilder()
            .status(ExecutionStatus.WAITING)
            .progress(e.progress().toBuilder().records(2).build())
            .build();
    WorkflowExecution stored =
        store
            .update(
                next,
                e.version(),
                List.of(attempt("e1", 1, "check", T0), attempt("e1", 2, "cleanup", T0)))
            .orElseThrow();
    assertThat(stored.version()).isEqualTo(e.version() + 1);
    assertThat(stored.status()).isEqualTo(ExecutionStatus.WAITING);
    assertThat(stored.sequence()).isEqualTo(e.sequence());
    assertThat(store.attempts("e1"))
        .extracting(StepAttempt::stepId)
        .containsExactly("check", "cleanup");
    assertThat(store.attempts("e1").get(0).stdout().text()).isEqualTo("freed 3 GB\n");
    assertThat(store.update(next, e.version(), List.of(attempt("e1", 3, "x", T0)))).isEmpty();
    assertThat(store.attempts("e1")).hasSize(2);
    assertThat(store.update(next.toBuilder().build(), 77, List.of())).isEmpty();
  }

  @Test
  void refusesAttemptsThatBreakTheSequenceOrBelongElsewhere() {
    WorkflowExecution e = admitted(execution("e1", "disk", "n1", T0));
    assertThatThrownBy(() -> store.update(e, e.version(), List.of(attempt("e1", 2, "x", T0))))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.update(e, e.version(), List.of(attempt("e9", 1, "x", T0))))
        .isInstanceOf(ValidationException.class);
    assertThat(store.attempts("e1")).isEmpty();
    assertThat(store.execution("e1").orElseThrow().version()).isEqualTo(e.version());
  }

  @Test
  void refusesAnUpdateThatChangesTheExecutionsIdentity() {
    WorkflowExecution e = admitted(execution("e1", "disk", "n1", T0));
    WorkflowExecution moved =
        WorkflowExecution.builder("e1", workflow("disk", "s"), "n2", TriggerSource.MANUAL, T0)
            .owner("engine-a")
            .build();
    assertThatThrownBy(() -> store.update(moved, e.version(), List.of()))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void returnsEmptyWhenUpdatingAnUnknownExecution() {
    assertThat(store.update(execution("ghost", "disk", "n1", T0), 0, List.of())).isEmpty();
  }

  @Test
  void claimsAnExecutionWhoseLeaseExpiredAndIncrementsTheToken() {
    WorkflowExecution e = admitted(execution("e1", "disk", "n1", T0));
    assertThat(store.claim("e1", "engine-b", T0.plusSeconds(60), T0.plusSeconds(10))).isEmpty();
    WorkflowExecution c =
        store.claim("e1", "engine-b", T0.plusSeconds(90), T0.plusSeconds(30)).orElseThrow();
    assertThat(c.owner()).isEqualTo("engine-b");
    assertThat(c.leaseUntil()).isEqualTo(T0.plusSeconds(90));
    assertThat(c.fencingToken()).isEqualTo(e.fencingToken() + 1);
    assertThat(c.version()).isEqualTo(e.version() + 1);
  }

  @Test
  void theOwnerMayClaimItsOwnExecutionAgainAtAnyTime() {
    WorkflowExecution e = admitted(execution("e1", "disk", "n1", T0));
    WorkflowExecution c =
        store.claim("e1", "engine-a", T0.plusSeconds(60), T0.plusSeconds(1)).orElseThrow();
    assertThat(c.fencingToken()).isEqualTo(e.fencingToken() + 1);
  }

  @Test
  void refusesTheStaleOwnersWriteAfterAnotherEngineClaimedTheExecution() {
    WorkflowExecution e = admitted(execution("e1", "disk", "n1", T0));
    WorkflowExecution c =
        store.claim("e1", "engine-b", T0.plusSeconds(90), T0.plusSeconds(31)).orElseThrow();
    WorkflowExecution staleWrite =
        e.toBuilder().status(ExecutionStatus.SUCCEEDED).finishedAt(T0.plusSeconds(32)).build();
    assertThat(store.update(staleWrite, e.version(), List.of(attempt("e1", 1, "x", T0)))).isEmpty();
    assertThat(store.update(staleWrite, c.version(), List.of())).isEmpty();
    assertThat(store.attempts("e1")).isEmpty();
    assertThat(store.execution("e1").orElseThrow().status()).isEqualTo(ExecutionStatus.RUNNING);
    WorkflowExecution ownersWrite = c.toBuilder().status(ExecutionStatus.WAITING).build();
    assertThat(store.update(ownersWrite, c.version(), List.of())).isPresent();
  }

  @Test
  void doesNotClaimFinishedOrUnknownExecutions() {
    WorkflowExecution e = admitted(execution("e1", "disk", "n1", T0));
    store.update(finished(e, T0.plusSeconds(1)), e.version(), List.of()).orElseThrow();
    assertThat(store.claim("e1", "engine-b", T0.plusSeconds(999), T0.plusSeconds(500))).isEmpty();
    assertThat(store.claim("ghost", "engine-b", T0.plusSeconds(999), T0)).isEmpty();
  }

  @Test
  void renewsTheLeaseOnlyForTheOwnerWithItsTokenAndKeepsTheVersion() {
    WorkflowExecution e = admitted(execution("e1", "disk", "n1", T0));
    assertThat(store.renewLease("e1", "engine-a", e.fencingToken(), T0.plusSeconds(50))).isTrue();
    WorkflowExecution after = store.execution("e1").orElseThrow();
    assertThat(after.leaseUntil()).isEqualTo(T0.plusSeconds(50));
    assertThat(after.version()).isEqualTo(e.version());
    assertThat(store.renewLease("e1", "engine-b", e.fencingToken(), T0.plusSeconds(99))).isFalse();
    assertThat(store.renewLease("e1", "engine-a", e.fencingToken() + 5, T0.plusSeconds(99)))
        .isFalse();
    assertThat(store.execution("e1").orElseThrow().leaseUntil()).isEqualTo(T0.plusSeconds(50));
    WorkflowExecution keep = after.toBuilder().status(ExecutionStatus.WAITING).build();
    assertThat(store.update(keep, after.version(), List.of())).isPresent();
  }

  @Test
  void findsOwnAndOrphanedActiveExecutionsOldestFirst() {
    admitted(execution("mine", "disk", "n1", T0));
    WorkflowExecution other =
        execution("other-live", "disk", "n2", T0).toBuilder()
            .owner("engine-b")
            .leaseUntil(T0.plusSeconds(300))
            .build();
    admitted(other);
    WorkflowExecution orphan =
        execution("orphan", "disk", "n3", T0).toBuilder()
            .owner("engine-c")
            .leaseUntil(T0.plusSeconds(5))
            .build();
    admitted(orphan);
    WorkflowExecution done = admitted(execution("done", "disk", "n4", T0));
    store.update(finished(done, T0), done.version(), List.of()).orElseThrow();
    assertThat(store.resumable("engine-a", T0.plusSeconds(10), 10))
        .extracting(WorkflowExecution::id)
        .containsExactly("mine", "orphan");
    assertThat(store.resumable("engine-a", T0.plusSeconds(10), 1))
        .extracting(WorkflowExecution::id)
        .containsExactly("mine");
    assertThatThrownBy(() -> store.resumable("engine-a", T0, 0))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void aFinishedExecutionWithAnEscalationRunningStaysActive() {
    WorkflowExecution e = admitted(execution("e1", "disk", "n1", T0));
    WorkflowExecution failed =
        e.toBuilder()
            .status(ExecutionStatus.FAILED)
            .finishedAt(T0.plusSeconds(5))
            .progress(
                ExecutionProgress.INITIAL.toBuilder()
                    .escalation(
                        new EscalationState(null, 1, 1, T0.plusSeconds(300), "rollback failed"))
                    .build())
            .build();
    WorkflowExecution stored = store.update(failed, e.version(), List.of()).orElseThrow();
    assertThat(stored.isActive()).isTrue();
    assertThat(stored.progress().escalation().reason()).isEqualTo("rollback failed");
    assertThat(store.resumable("engine-z", T0.plusSeconds(60), 10))
        .extracting(WorkflowExecution::id)
        .containsExactly("e1");
    assertThat(store.countActive("disk")).isEqualTo(1);
  }

  @Test
  void exactlyOneOfConcurrentUpdatesAtOneVersionWins() throws Exception {
    WorkflowExecution e = admitted(execution("e1", "disk", "n1", T0));
    List<Callable<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < raceThreads() * 4; i++) {
      WorkflowExecution next =
          e.toBuilder()
              .detail("writer " + i)
              .progress(e.progress().toBuilder().records(1).build())
              .build();
      int n = i;
      calls.add(
          () ->
              store
                  .update(next, e.version(), List.of(attempt("e1", 1, "step-" + n, T0)))
                  .isPresent());
    }
    List<Boolean> results = race(calls);
    assertThat(results.stream().filter(b -> b)).hasSize(1);
    assertThat(store.attempts("e1")).hasSize(1);
    assertThat(store.execution("e1").orElseThrow().version()).isEqualTo(e.version() + 1);
  }

  @Test
  void exactlyOneOfConcurrentClaimsWins() throws Exception {
    admitted(execution("e1", "disk", "n1", T0));
    List<Callable<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < raceThreads() * 4; i++) {
      String owner = "engine-" + i;
      calls.add(
          () -> store.claim("e1", owner, T0.plusSeconds(120), T0.plusSeconds(60)).isPresent());
    }
    assertThat(race(calls).stream().filter(b -> b)).hasSize(1);
    assertThat(store.execution("e1").orElseThrow().fencingToken()).isEqualTo(1);
  }

  // ------------------------------------------------------------ listing and counts

  @Test
  void listsNewestFirstWithFiltersAndKeysetPages() {
    for (int i = 0; i < 7; i++) {
      admitted(execution("e" + i, i % 2 == 0 ? "disk" : "patch", "n" + i, T0.plusSeconds(i)));
    }
    List<String> seen = new ArrayList<>();
    Page page = Page.first(3);
    while (page != null) {
      PageResult<WorkflowExecution> r = store.executions(ExecutionQuery.all(), page);
      r.items().forEach(e -> seen.add(e.id()));
      page = r.nextPage();
    }
    assertThat(seen).containsExactly("e6", "e5", "e4", "e3", "e2", "e1", "e0");
    assertThat(store.executions(ExecutionQuery.all().workflow("disk"), Page.first(10)).items())
        .extracting(WorkflowExecution::id)
        .containsExactly("e6", "e4", "e2", "e0");
    assertThat(store.executions(ExecutionQuery.all().node("n3"), Page.first(10)).items())
        .extracting(WorkflowExecution::id)
        .containsExactly("e3");
    assertThat(
            store
                .executions(
                    ExecutionQuery.all().created(T0.plusSeconds(2), T0.plusSeconds(4)),
                    Page.first(10))
                .items())
        .extracting(WorkflowExecution::id)
        .containsExactly("e3", "e2");
  }

  @Test
  void filtersByStatusAndPagesWithoutDuplicatesWhileExecutionsArrive() {
    WorkflowExecution a = admitted(execution("a", "disk", "n1", T0));
    admitted(execution("b", "disk", "n2", T0));
    store.update(finished(a, T0.plusSeconds(1)), a.version(), List.of()).orElseThrow();
    assertThat(
            store
                .executions(ExecutionQuery.all().status(ExecutionStatus.SUCCEEDED), Page.first(5))
                .items())
        .extracting(WorkflowExecution::id)
        .containsExactly("a");
    PageResult<WorkflowExecution> first = store.executions(ExecutionQuery.all(), Page.first(1));
    admitted(execution("c", "disk", "n3", T0));
    PageResult<WorkflowExecution> second = store.executions(ExecutionQuery.all(), first.nextPage());
    assertThat(first.items()).extracting(WorkflowExecution::id).containsExactly("b");
    assertThat(second.items()).extracting(WorkflowExecution::id).containsExactly("a");
    assertThat(second.hasNext()).isFalse();
  }

  @Test
  void rejectsACursorItDidNotProduce() {
    assertThatThrownBy(() -> store.executions(ExecutionQuery.all(), Page.after("bogus", 5)))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void countsActiveExecutionsPerWorkflowAndListsNodesInRemediation() {
    WorkflowExecution a = admitted(execution("a", "disk", "n2", T0));
    admitted(execution("b", "disk", "n1", T0));
    admitted(execution("c", "patch", "n1", T0));
    admitted(execution("d", "patch", "n3", T0));
    assertThat(store.countActive("disk")).isEqualTo(2);
    assertThat(store.countActive("nothing")).isZero();
    assertThat(store.nodesInRemediation()).containsExactly("n1", "n2", "n3");
    store.update(finished(a, T0), a.version(), List.of()).orElseThrow();
    assertThat(store.countActive("disk")).isEqualTo(1);
    assertThat(store.nodesInRemediation()).containsExactly("n1", "n3");
  }

  @Test
  void deletesFinishedExecutionsBeforeTheCutOffWithTheirRecords() {
    WorkflowExecution old = admitted(execution("old", "disk", "n1", T0));
    store
        .update(
            finished(old, T0.plusSeconds(10)).toBuilder()
                .progress(ExecutionProgress.INITIAL.toBuilder().records(1).build())
                .build(),
            old.version(),
            List.of(attempt("old", 1, "run", T0)))
        .orElseThrow();
    // a later execution on the same node, so that "old" is not the latest one (which is kept)
    WorkflowExecution recent = admitted(execution("recent", "disk", "n1", T0.plusSeconds(20)));
    store.update(finished(recent, T0.plusSeconds(500)), recent.version(), List.of()).orElseThrow();
    admitted(execution("running", "disk", "n3", T0));
    assertThat(store.deleteFinishedBefore(T0.plusSeconds(100), 10)).isEqualTo(1);
    assertThat(store.execution("old")).isEmpty();
    assertThat(store.attempts("old")).isEmpty();
    assertThat(store.execution("recent")).isPresent();
    assertThat(store.execution("running")).isPresent();
  }

  @Test
  void deleteFinishedBeforeKeepsTheLatestFinishedExecutionOfEachWorkflowAndNode() {
    // disk on n1: three admitted, one after the other, then a refused one newer than all
    finishedAt(admitted(execution("d1a", "disk", "n1", T0)), T0.plusSeconds(10));
    finishedAt(admitted(execution("d1b", "disk", "n1", T0.plusSeconds(11))), T0.plusSeconds(20));
    finishedAt(admitted(execution("d1c", "disk", "n1", T0.plusSeconds(21))), T0.plusSeconds(30));
    WorkflowExecution refused =
        store
            .admit(
                execution("d1r", "disk", "n1", T0.plusSeconds(40)), cooldown(Duration.ofMinutes(5)))
            .orElseThrow();
    assertThat(refused.refusal()).isEqualTo(RefusalReason.COOLDOWN);
    // disk on n2: two admitted, the later one finished at the same instant, after a refused one
    store.admit(
        execution("d2r", "disk", "n2", T0.plusSeconds(1)).toBuilder()
            .status(ExecutionStatus.REFUSED)
            .refusal(RefusalReason.WORKFLOW_DISABLED)
            .finishedAt(T0.plusSeconds(1))
            .owner(null)
            .leaseUntil(null)
            .build(),
        Admission.DEDUP_ONLY);
    finishedAt(admitted(execution("d2a", "disk", "n2", T0.plusSeconds(2))), T0.plusSeconds(15));
    finishedAt(admitted(execution("d2b", "disk", "n2", T0.plusSeconds(15))), T0.plusSeconds(15));
    // patch on n1: a single one
    finishedAt(admitted(execution("p1a", "patch", "n1", T0.plusSeconds(3))), T0.plusSeconds(5));
    // still running: never deleted, and not counted as finished
    admitted(execution("p2x", "patch", "n2", T0));

    Instant cutoff = T0.plusSeconds(1000);
    assertThat(store.deleteFinishedBefore(cutoff, 2)).isEqualTo(2);
    assertThat(store.deleteFinishedBefore(cutoff, 2)).isEqualTo(2);
    assertThat(store.deleteFinishedBefore(cutoff, 2)).isEqualTo(1);
    assertThat(store.deleteFinishedBefore(cutoff, 2)).isZero();

    assertThat(store.executions(ExecutionQuery.all(), Page.first(100)).items())
        .extracting(WorkflowExecution::id)
        .containsExactlyInAnyOrder("d1c", "d2b", "p1a", "p2x");
  }

  @Test
  void deleteFinishedBeforeDeletesOldestFirstSkippingTheLatestOfEachWorkflowAndNode() {
    // patch on n1 finished first, but is the latest of its pair: the limit goes to disk's older
    // ones
    finishedAt(admitted(execution("p1", "patch", "n1", T0)), T0.plusSeconds(1));
    finishedAt(admitted(execution("d1", "disk", "n1", T0)), T0.plusSeconds(2));
    finishedAt(admitted(execution("d2", "disk", "n1", T0.plusSeconds(3))), T0.plusSeconds(4));
    finishedAt(admitted(execution("d3", "disk", "n1", T0.plusSeconds(5))), T0.plusSeconds(6));
    Instant cutoff = T0.plusSeconds(100);
    assertThat(store.deleteFinishedBefore(cutoff, 1)).isEqualTo(1);
    assertThat(store.execution("d1")).isEmpty();
    assertThat(store.execution("d2")).isPresent();
    assertThat(store.deleteFinishedBefore(cutoff, 1)).isEqualTo(1);
    assertThat(store.deleteFinishedBefore(cutoff, 1)).isZero();
    assertThat(store.execution("p1")).isPresent();
    assertThat(store.execution("d2")).isEmpty();
    assertThat(store.execution("d3")).isPresent();
  }

  @Test
  void cooldownStillRefusesAfterRetentionDeletedOlderHistory() {
    Admission rules = cooldown(Duration.ofMinutes(30));
    WorkflowExecution e1 = store.admit(execution("e1", "disk", "n1", T0), rules).orElseThrow();
    assertThat(e1.status()).isEqualTo(ExecutionStatus.RUNNING);
    Instant end = T0.plusSeconds(600);
    store.update(finished(e1, end), e1.version(), List.of()).orElseThrow();
    WorkflowExecution refused =
        store.admit(execution("r1", "disk", "n1", end.plusSeconds(60)), rules).orElseThrow();
    assertThat(refused.refusal()).isEqualTo(RefusalReason.COOLDOWN);

    // retention with a cut-off after every finish: the refused execution goes, e1 stays
    assertThat(store.deleteFinishedBefore(end.plus(Duration.ofMinutes(10)), 10)).isEqualTo(1);
    assertThat(store.execution("r1")).isEmpty();
    assertThat(store.execution("e1")).isPresent();

    assertCoolsDownForHalfAnHourAfter(end);
  }

  // ------------------------------------------------------------ signals

  @Test
  void queuesSignalsForTheOwnerOfTheirExecutionInPostingOrder() {
    admitted(execution("e1", "disk", "n1", T0));
    admitted(execution("e2", "disk", "n2", T0).toBuilder().owner("engine-b").build());
    ExecutionSignal s1 =
        store.postSignal(
            new ExecutionSignal(
                0, "e1", ExecutionSignal.Kind.APPROVE, "approve-step", "carol", null, T0));
    ExecutionSignal s2 =
        store.postSignal(
            new ExecutionSignal(0, "e2", ExecutionSignal.Kind.CANCEL, null, "dave", null, T0));
    ExecutionSignal s3 =
        store.postSignal(
            new ExecutionSignal(0, "e1", ExecutionSignal.Kind.CANCEL, null, "erin", "why", T0));
    assertThat(s1.id()).isPositive();
    assertThat(s3.id()).isGreaterThan(s1.id());
    assertThat(store.signals("engine-a")).containsExactly(s1, s3);
    assertThat(store.signals("engine-b")).containsExactly(s2);
    assertThat(store.deleteSignal(s1.id())).isTrue();
    assertThat(store.deleteSignal(s1.id())).isFalse();
    assertThat(store.signals("engine-a")).containsExactly(s3);
  }

  @Test
  void signalsFollowTheExecutionToItsNewOwner() {
    admitted(execution("e1", "disk", "n1", T0));
    ExecutionSignal s =
        store.postSignal(
            new ExecutionSignal(0, "e1", ExecutionSignal.Kind.CANCEL, null, "ops", null, T0));
    store.claim("e1", "engine-b", T0.plusSeconds(120), T0.plusSeconds(60)).orElseThrow();
    assertThat(store.signals("engine-a")).isEmpty();
    assertThat(store.signals("engine-b")).containsExactly(s);
  }

  // ------------------------------------------------------------ helpers

  private <T> List<T> race(List<Callable<T>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(raceThreads());
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
        out.add(f.get(30, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
