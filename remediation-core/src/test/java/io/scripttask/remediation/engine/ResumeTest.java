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
import io.scripttask.remediation.StepRetry;
import io.scripttask.remediation.StepStatus;
import io.scripttask.remediation.Verification;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.util.List;
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

  /** a, then b (ten minutes, verified by {@code probe}), then c; crashed while b runs. */
  private static EngineFixture crashedDuringVerifiedB(Verification probe, Outcome... probes) {
    Workflow w =
        twoSteps(InterruptPolicy.RERUN).toBuilder()
            .replaceStep(
                Step.script("b")
                    .script("do-b")
                    .timeout(Duration.ofMinutes(30))
                    .retry(StepRetry.fixed(3, Duration.ofSeconds(10)))
                    .verify(probe)
                    .onSuccess("c")
                    .build())
            .build();
    EngineFixture a =
        new EngineFixture().script("do-a", "do-b", "do-c", "undo-a", "b-done").build();
    a.transport.script(
        "do-b", Outcome.succeed(Duration.ofMinutes(10)), Outcome.succeed(Duration.ofMinutes(1)));
    if (probes.length > 0) {
      a.transport.script("b-done", probes);
    }
    a.start(w, "web-1", Map.of());
    a.driver.advance(Duration.ofMinutes(1));
    return a;
  }

  @Test
  void verifyRunsTheProbeOnTheStepsNodeAndContinuesWithoutRerunningWhenItIsHealthy() {
    EngineFixture a =
        crashedDuringVerifiedB(
            Verification.script("b-done"), Outcome.succeed(Duration.ofSeconds(2)));
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "b-done", "do-c");
    assertThat(b.transport.runs().get(2).request().node().id()).isEqualTo("web-1");
    assertThat(b.stepsRun(id, Kind.STEP))
        .containsExactly("a:SUCCEEDED", "b:INTERRUPTED", "b:SUCCEEDED", "c:SUCCEEDED");
    assertThat(b.stepsRun(id, Kind.PROBE)).containsExactly("b:SUCCEEDED");
    List<StepAttempt> attempts = b.attempts(id);
    assertThat(attempts.get(1).detail())
        .contains("policy VERIFY")
        .contains("verifying with script 'b-done'");
    StepAttempt probe = attempts.get(2);
    assertThat(probe.kind()).isEqualTo(Kind.PROBE);
    assertThat(probe.decision()).isEqualTo("exit code 0 == 0");
    assertThat(probe.detail()).isEqualTo("verification after interruption");
    StepAttempt verified = attempts.get(3);
    assertThat(verified.status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(verified.detail()).isEqualTo("verified after interruption");
    assertThat(verified.next()).isEqualTo("c");
    assertThat(verified.attempt()).isEqualTo(1);
    assertThat(e.progress().completed()).containsExactly("a", "b", "c");
  }

  @Test
  void verifyJudgesTheProbeByItsHealthyCriteria() {
    EngineFixture a =
        crashedDuringVerifiedB(
            Verification.script("b-done").withHealthyWhen(Condition.outputContains("installed")),
            new Outcome(0, Duration.ofSeconds(2), false, false, "kb5034441 installed\n"));
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "b-done", "do-c");
    assertThat(b.attempts(id).get(2).decision()).isEqualTo("stdout contains \"installed\": true");
  }

  @Test
  void verifyRerunsTheStepWhenTheProbeIsUnhealthy() {
    EngineFixture a =
        crashedDuringVerifiedB(
            Verification.script("b-done").withHealthyWhen(Condition.outputContains("installed")),
            new Outcome(0, Duration.ofSeconds(2), false, false, "pending\n"));
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "b-done", "do-b", "do-c");
    assertThat(b.stepsRun(id, Kind.STEP))
        .containsExactly("a:SUCCEEDED", "b:INTERRUPTED", "b:SUCCEEDED", "c:SUCCEEDED");
    StepAttempt probe = b.attempts(id).get(2);
    assertThat(probe.kind()).isEqualTo(Kind.PROBE);
    assertThat(probe.status()).isEqualTo(StepStatus.FAILED);
    assertThat(probe.decision()).isEqualTo("stdout contains \"installed\": false");
    assertThat(probe.next()).isEqualTo("rerun");
    assertThat(b.attempts(id).get(3).attempt()).isEqualTo(2);
  }

  @Test
  void aRerunAfterAFailedVerificationIsRetriedWithTheAttemptsLeft() {
    EngineFixture a =
        crashedDuringVerifiedB(
            Verification.script("b-done"), Outcome.exit(3, Duration.ofSeconds(2)));
    a.transport.script("do-b", Outcome.exit(1, Duration.ofSeconds(5)));
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    // attempt 1 was interrupted; attempts 2 and 3 ran and failed; the policy allows 3 in all
    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "b-done", "do-b", "do-b", "undo-a");
    assertThat(b.stepsRun(id, Kind.PROBE)).containsExactly("b:FAILED");
    assertThat(b.attempts(id).get(2).decision()).isEqualTo("exit code 3 != 0");
  }

  @Test
  void verifyRerunsTheStepWhenTheProbeCannotStart() {
    EngineFixture a = crashedDuringVerifiedB(Verification.script("not-in-library"));
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "do-b", "do-c");
    StepAttempt probe = b.attempts(id).get(2);
    assertThat(probe.kind()).isEqualTo(Kind.PROBE);
    assertThat(probe.status()).isEqualTo(StepStatus.FAILED);
    assertThat(probe.detail())
        .contains("verification script 'not-in-library' is not in the library")
        .endsWith("the step runs again");
  }

  @Test
  void verifyRerunsTheStepWhenTheTransportCannotStartTheProbe() {
    EngineFixture a = crashedDuringVerifiedB(Verification.script("b-done"), Outcome.startFailure());
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "b-done", "do-b", "do-c");
    assertThat(b.stepsRun(id, Kind.PROBE)).containsExactly("b:FAILED");
  }

  @Test
  void aProbeThatOutlivesItsTimeoutCountsAsUnhealthy() {
    EngineFixture a =
        crashedDuringVerifiedB(
            Verification.script("b-done").withTimeout(Duration.ofSeconds(30)), Outcome.hang());
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");

    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(b.stepsRun(id, Kind.PROBE)).containsExactly("b:TIMED_OUT");
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "b-done", "do-b", "do-c");
    assertThat(b.transport.runs().get(2).request().timeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aCrashDuringTheVerificationProbeProbesAgainOnTheNextResume() {
    EngineFixture a =
        crashedDuringVerifiedB(
            Verification.script("b-done"),
            Outcome.succeed(Duration.ofMinutes(10)),
            Outcome.succeed(Duration.ofSeconds(2)));
    String id = only(a);
    EngineFixture b = a.sibling("engine-b");
    b.driver.advance(Duration.ofMinutes(1));
    assertThat(b.engine.ownedExecutions()).containsExactly(id);
    assertThat(b.scriptsRun()).containsExactly("do-a", "do-b", "b-done");
    EngineFixture c = a.sibling("engine-c");

    WorkflowExecution e = c.driver.runUntilDone(id, Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(e.owner()).isEqualTo("engine-c");
    assertThat(c.scriptsRun()).containsExactly("do-a", "do-b", "b-done", "b-done", "do-c");
    assertThat(c.stepsRun(id, Kind.STEP))
        .containsExactly("a:SUCCEEDED", "b:INTERRUPTED", "b:SUCCEEDED", "c:SUCCEEDED");
    assertThat(c.stepsRun(id, Kind.PROBE)).containsExactly("b:INTERRUPTED", "b:SUCCEEDED");
    assertThat(c.attempts(id).get(2).detail()).contains("the engine running the probe stopped");
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
