package io.scripttask.remediation.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.ExecutionStateException;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.NoSuchExecutionException;
import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepAttempt.Kind;
import io.scripttask.remediation.StepStatus;
import io.scripttask.remediation.Transitions;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.ValidationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Approval steps: approve, reject, expire; who may decide. */
class ApprovalTest {

  private static final Workflow W =
      Workflow.builder("approve-reboot")
          .step(
              Step.approval("ok-to-reboot")
                  .approvers("carol", "dave")
                  .message("Reboot ${node.id}?")
                  .channel("slack")
                  .ttl(Duration.ofMinutes(30))
                  .onSuccess("reboot")
                  .onFailure("skip"))
          .step(Step.script("reboot").script("reboot"))
          .step(Step.notify("skip").channel("teams").onSuccess(Transitions.FAIL))
          .build();

  private EngineFixture f;
  private WorkflowExecution e;

  private void startAndWait() {
    f = new EngineFixture().script("reboot").build();
    e = f.start(W, "db-1", Map.of());
    f.driver.advance(Duration.ofMinutes(1));
  }

  @Test
  void waitsForADecisionAndAnnouncesIt() {
    startAndWait();

    WorkflowExecution waiting = f.engine.execution(e.id()).orElseThrow();
    assertThat(waiting.status()).isEqualTo(ExecutionStatus.WAITING);
    assertThat(waiting.progress().stepId()).isEqualTo("ok-to-reboot");
    assertThat(f.events(RemediationEvent.ApprovalRequested.class))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.expiresAt()).isEqualTo(EngineFixture.T0.plus(Duration.ofMinutes(30))));
    assertThat(f.notifier("slack").sent())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.body()).isEqualTo("Reboot db-1?");
              assertThat(n.fields()).containsEntry("approvers", "carol, dave");
            });
    assertThat(f.transport.runs()).isEmpty();
  }

  @Test
  void anApprovalTakesTheSuccessPath() {
    startAndWait();

    f.engine.approve(e.id(), "ok-to-reboot", "carol");
    e = f.driver.runUntilDone(e.id(), Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(f.scriptsRun()).containsExactly("reboot");
    StepAttempt decision = f.attempts(e.id()).get(0);
    assertThat(decision.status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(decision.detail()).isEqualTo("approved by carol");
    assertThat(decision.duration()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aRejectionTakesTheFailurePath() {
    startAndWait();

    f.engine.reject(e.id(), "ok-to-reboot", "dave", "peak hours");
    e = f.driver.runUntilDone(e.id(), Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(f.transport.runs()).isEmpty();
    assertThat(f.attempts(e.id()).get(0).detail()).isEqualTo("rejected by dave: peak hours");
    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly("ok-to-reboot:FAILED", "skip:SUCCEEDED");
  }

  @Test
  void anApprovalNobodyDecidesExpiresOntoTheFailurePath() {
    startAndWait();

    e = f.driver.runUntilDone(e.id(), Duration.ofHours(1));

    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly("ok-to-reboot:TIMED_OUT", "skip:SUCCEEDED");
    assertThat(f.attempts(e.id()).get(0).finishedAt())
        .isEqualTo(EngineFixture.T0.plus(Duration.ofMinutes(30)));
    assertThat(f.transport.runs()).isEmpty();
  }

  @Test
  void refusesDecisionsFromOthersThanTheApprovers() {
    startAndWait();

    assertThatThrownBy(() -> f.engine.approve(e.id(), "ok-to-reboot", "mallory"))
        .isInstanceOf(ValidationException.class)
        .hasMessage("actor must be one of the approvers [carol, dave], but was mallory");
  }

  @Test
  void refusesDecisionsForAStepTheExecutionDoesNotWaitAt() {
    startAndWait();

    assertThatThrownBy(() -> f.engine.approve(e.id(), "reboot", "carol"))
        .isInstanceOf(ExecutionStateException.class)
        .hasMessageContaining("must wait at approval step 'reboot'");
    assertThatThrownBy(() -> f.engine.approve("no-such-id", "ok-to-reboot", "carol"))
        .isInstanceOf(NoSuchExecutionException.class);
  }

  @Test
  void aDecisionAfterTheApprovalExpiredIsRefused() {
    startAndWait();
    f.driver.runUntilDone(e.id(), Duration.ofHours(1));

    assertThatThrownBy(() -> f.engine.approve(e.id(), "ok-to-reboot", "carol"))
        .isInstanceOf(ExecutionStateException.class);
  }
}
