package io.scripttask.remediation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.remediation.Condition;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.InterruptPolicy;
import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.RollbackStatus;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepAttempt.Kind;
import io.scripttask.remediation.StepStatus;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Durable execution: another engine on the same store (after a crash, or a cluster peer once the
 * owner's lease expired) continues an execution where it stopped. Engine "A" is abandoned (never
 * driven again) to model a process that died.
 */
class ResumeTest {

  /** a completes (with a compensation); b runs for ten minutes under {@code policy}. */
  private static Workflow twoSteps(InterruptPolicy policy) {
    return Workflow.builder("durable")
        .step(Step.script("a").script("do-a").rollbackScript("undo-a").onSuccess("b"))
        .step(
            Step.script("b")
                .script("do-b")
                .timeout(Duration.ofMinutes(30))
                .interruptPolicy(policy)
                .onSuccess("c"))
        .step(Step.script("c").script("do-c"))
        .rollbackEnabled(true)
        .build();
  }

  private static EngineFixture crashedDuringB(InterruptPolicy policy) {
    EngineFixture a = new EngineFixture().script("do-a", "do-b", "do-c", "undo-a").build();
    a.transport.script(
        "do-b", Outcome.succeed(Duration.ofMinutes(10)), Outcome.succeed(Duration.ofMinutes(1)));
    WorkflowExecution e = a.start(twoSteps(policy), "web-1", Map.of());
    a.driver.advance(Duration.ofMinutes(1));
    WorkflowExecution running = a.engine.execution(e.id()).orElseThrow();
    assertThat(running.progress().stepId()).isEqualTo("b");
    assertThat(running.status()).isEqualTo(ExecutionStatus.RUNNING);
    return a;
  }

  private static String only(EngineFixture f) {
    return f.store
        .executions(
            io.scripttask.remediation.ExecutionQuery.all(), io.scripttask.scheduler.Page.first(1))
        .items()
        .get(0)
        .id();
  }

  @Test
  void aPeerTakesOverOnlyAfterTheOwnersLeaseExpired() {
    EngineFixture a = crashedDuringB(InterruptPolicy.RERUN);
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");

    b.driver.advance(Duration.ofSeconds(10));
    assertThat(b.engine.ownedExecutions()).isEmpty();
    assertThat(b.engine.execution(id).orElseThrow().owner()).isEqualTo("engine-a");

    b.driver.advance(Duration.ofMinutes(1));
    WorkflowExecution taken = b.engine.execution(id).orElseThrow();
    assertThat(taken.owner()).isEqualTo("engine-b");
    assertThat(taken.fencingToken()).isEqualTo(1);
    assertThat(b.events(RemediationEvent.ExecutionResumed.class))
        .singleElement()
        .satisfies(r -> assertThat(r.previousOwner()).isEqualTo("engine-a"));
  }

  @Test
  void rerunsAnInterruptedIdempotentStepAndNeverRerunsACompletedOne() {
    EngineFixture a = crashedDuringB(InterruptPolicy.RERUN);
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "do-b", "do-c");
    assertThat(b.stepsRun(id, Kind.STEP))
        .containsExactly("a:SUCCEEDED", "b:INTERRUPTED", "b:SUCCEEDED", "c:SUCCEEDED");
    StepAttempt interrupted = b.attempts(id).get(1);
    assertThat(interrupted.detail()).contains("policy RERUN");
    assertThat(interrupted.startedAt()).isEqualTo(EngineFixture.T0.plusSeconds(1));
    assertThat(b.attempts(id).get(2).attempt()).isEqualTo(2);
  }

  @Test
  void anEngineRestartedWithTheSameIdResumesAtOnce() {
    EngineFixture a = crashedDuringB(InterruptPolicy.RERUN);
    String id = only(a);
    EngineFixture restarted = a.sibling("engine-a");

    restarted.driver.runDueWork();

    assertThat(restarted.engine.ownedExecutions()).containsExactly(id);
    assertThat(restarted.stepsRun(id, Kind.STEP)).containsExactly("a:SUCCEEDED", "b:INTERRUPTED");
    assertThat(restarted.driver.runUntilDone(id, Duration.ofHours(1)).status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void takesTheFailurePathOfAnInterruptedStepUnderTheFailPolicyAndRollsBack() {
    EngineFixture a = crashedDuringB(InterruptPolicy.FAIL);
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(e.detail()).isEqualTo("step 'b' was interrupted");
    assertThat(e.rollback()).isEqualTo(RollbackStatus.COMPLETED);
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "undo-a");
    assertThat(b.stepsRun(id, Kind.STEP)).containsExactly("a:SUCCEEDED", "b:INTERRUPTED");
  }

  @Test
  void verifyRerunsAStepWhoseSuccessCriteriaDoNotHoldWithoutItsOutput() {
    Workflow w =
        twoSteps(InterruptPolicy.VERIFY).toBuilder()
            .replaceStep(
                Step.script("b")
                    .script("do-b")
                    .timeout(Duration.ofMinutes(30))
                    .interruptPolicy(InterruptPolicy.VERIFY)
                    .successCriteria(Condition.outputContains("patched"))
                    .onSuccess("c")
                    .build())
            .build();
    EngineFixture a = new EngineFixture().script("do-a", "do-b", "do-c", "undo-a").build();
    a.transport.script(
        "do-b",
        Outcome.succeed(Duration.ofMinutes(10)),
        new Outcome(0, Duration.ofMinutes(1), false, false, "patched\n"));
    String id = a.start(w, "web-1", Map.of()).id();
    a.driver.advance(Duration.ofMinutes(1));
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    StepAttempt interrupted = b.attempts(id).get(1);
    assertThat(interrupted.status()).isEqualTo(StepStatus.INTERRUPTED);
    assertThat(interrupted.detail()).contains("verification").contains("false, runs again");
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "do-b", "do-c");
  }

  @Test
  void verifyTreatsAStepAsDoneWhenItsCriteriaHoldOnWhatIsKnown() {
    Workflow w =
        Workflow.builder("verify-done")
            .step(Step.script("a").script("do-a").onSuccess("b"))
            .step(
                Step.script("b")
                    .script("do-b")
                    .timeout(Duration.ofMinutes(30))
                    .interruptPolicy(InterruptPolicy.VERIFY)
                    .successCriteria(Condition.onStep("a", Condition.outputContains("already")))
                    .onSuccess("c"))
            .step(Step.script("c").script("do-c"))
            .build();
    EngineFixture a = new EngineFixture().script("do-a", "do-b", "do-c").build();
    a.transport.script("do-a", new Outcome(0, Duration.ofSeconds(1), false, false, "already\n"));
    a.transport.script("do-b", Outcome.succeed(Duration.ofMinutes(10)));
    String id = a.start(w, "web-1", Map.of()).id();
    a.driver.advance(Duration.ofMinutes(1));
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "do-c");
    StepAttempt verified = b.attempts(id).get(1);
    assertThat(verified.status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(verified.detail()).isEqualTo("interrupted, then verified");
  }

  @Test
  void verifyProbesAnInterruptedHealthCheckAgainWithinItsTimeout() {
    Workflow w =
        Workflow.builder("hc")
            .step(Step.script("a").script("do-a").onSuccess("up"))
            .step(
                Step.healthCheck("up")
                    .script("probe")
                    .interval(Duration.ofSeconds(30))
                    .probeTimeout(Duration.ofMinutes(5))
                    .timeout(Duration.ofMinutes(20))
                    .interruptPolicy(InterruptPolicy.VERIFY))
            .build();
    EngineFixture a = new EngineFixture().script("do-a", "probe").build();
    a.transport.script(
        "probe", Outcome.succeed(Duration.ofMinutes(4)), Outcome.succeed(Duration.ofSeconds(1)));
    String id = a.start(w, "web-1", Map.of()).id();
    a.driver.advance(Duration.ofMinutes(1));
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(b.stepsRun(id, Kind.PROBE)).containsExactly("up:INTERRUPTED", "up:SUCCEEDED");
    assertThat(b.scriptsRun()).containsExactly("do-a", "probe", "probe");
  }

  @Test
  void anApprovalWaitSurvivesARestart() {
    Workflow w =
        Workflow.builder("gate")
            .step(Step.approval("gate").ttl(Duration.ofHours(4)).onSuccess("go"))
            .step(Step.script("go").script("do-a"))
            .build();
    EngineFixture a = new EngineFixture().script("do-a").build();
    String id = a.start(w, "web-1", Map.of()).id();
    a.driver.advance(Duration.ofMinutes(1));
    EngineFixture restarted = a.sibling("engine-a");
    restarted.driver.runDueWork();

    restarted.engine.approve(id, "gate", "carol");
    WorkflowExecution e = restarted.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(restarted.stepsRun(id, Kind.STEP)).containsExactly("gate:SUCCEEDED", "go:SUCCEEDED");
  }

  @Test
  void theStaleOwnerStandsDownOnItsNextPassWithoutWritingAnything() {
    EngineFixture a = crashedDuringB(InterruptPolicy.RERUN);
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");
    b.driver.advance(Duration.ofSeconds(45));
    assertThat(b.engine.ownedExecutions()).containsExactly(id);

    // A was only paused: its first run of b ends at 10:01 and A runs a pass afterwards
    b.driver.advanceTo(EngineFixture.T0.plus(Duration.ofMinutes(11)));
    a.engine.runDueWork();

    assertThat(a.engine.ownedExecutions()).isEmpty();
    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));
    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(e.owner()).isEqualTo("engine-b");
    assertThat(b.stepsRun(id, Kind.STEP))
        .containsExactly("a:SUCCEEDED", "b:INTERRUPTED", "b:SUCCEEDED", "c:SUCCEEDED");
    assertThat(b.attempts(id)).extracting(StepAttempt::sequence).containsExactly(1, 2, 3, 4);
  }

  @Test
  void aResultWrittenAfterAnotherEngineClaimedTheExecutionIsRefused() {
    EngineFixture a = new EngineFixture().script("do-a", "do-b", "do-c", "undo-a").build();
    a.transport.script("do-b", Outcome.succeed(Duration.ofSeconds(5)));
    String id = a.start(twoSteps(InterruptPolicy.RERUN), "web-1", Map.of()).id();
    a.driver.advance(Duration.ofSeconds(3));
    // another engine claims it (as if A's lease had expired on B's clock)
    WorkflowExecution claimed =
        a.store
            .claim(
                id,
                "engine-b",
                EngineFixture.T0.plusSeconds(600),
                EngineFixture.T0.plusSeconds(600))
            .orElseThrow();

    a.driver.advance(Duration.ofSeconds(5));

    assertThat(a.engine.ownedExecutions()).isEmpty();
    WorkflowExecution e = a.engine.execution(id).orElseThrow();
    assertThat(e.version()).isEqualTo(claimed.version());
    assertThat(e.owner()).isEqualTo("engine-b");
    assertThat(a.stepsRun(id, Kind.STEP)).containsExactly("a:SUCCEEDED");
    assertThat(a.transport.runs().get(1).result().join().succeeded()).isTrue();
  }
}
