package io.scripttask.remediation.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.CompensationFailure;
import io.scripttask.remediation.Condition;
import io.scripttask.remediation.EscalationPolicy;
import io.scripttask.remediation.EscalationTier;
import io.scripttask.remediation.ExecutionStateException;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.RollbackStatus;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepAttempt.Kind;
import io.scripttask.remediation.StepStatus;
import io.scripttask.remediation.Transitions;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rollback (compensations in reverse order), failing compensations, escalation tiers. */
class RollbackAndEscalationTest {

  private static final EscalationPolicy ONCALL_THEN_PAGER =
      new EscalationPolicy(
          List.of(
              EscalationTier.of("oncall", Duration.ofMinutes(1)),
              EscalationTier.of("pager", Duration.ofMinutes(5))),
          2);

  /** a, b, c, d complete (c has no compensation), then e fails. */
  private static Workflow.Builder fourThenFail() {
    return Workflow.builder("saga")
        .step(Step.script("a").script("do-a").rollbackScript("undo-a").onSuccess("b"))
        .step(Step.script("b").script("do-b").rollbackScript("undo-b").onSuccess("c"))
        .step(Step.script("c").script("do-c").onSuccess("d"))
        .step(Step.script("d").script("do-d").rollbackScript("undo-d").onSuccess("e"))
        .step(Step.script("e").script("do-e"))
        .rollbackEnabled(true)
        .escalation(ONCALL_THEN_PAGER);
  }

  private static EngineFixture fixture() {
    EngineFixture f =
        new EngineFixture()
            .script("do-a", "do-b", "do-c", "do-d", "do-e", "undo-a", "undo-b", "undo-d")
            .build();
    f.transport.script("do-e", Outcome.exit(1, Duration.ofSeconds(1)));
    return f;
  }

  private static List<String> compensationScripts(EngineFixture f) {
    return f.scriptsRun().stream().filter(s -> s.startsWith("undo-")).toList();
  }

  @Test
  void runsTheCompensationsOfCompletedStepsInReverseOrder() {
    EngineFixture f = fixture();

    WorkflowExecution e = f.run(fourThenFail().build(), "web-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(e.rollback()).isEqualTo(RollbackStatus.COMPLETED);
    assertThat(compensationScripts(f)).containsExactly("undo-d", "undo-b", "undo-a");
    assertThat(f.stepsRun(e.id(), Kind.COMPENSATION))
        .containsExactly("d:SUCCEEDED", "b:SUCCEEDED", "a:SUCCEEDED");
    assertThat(f.events(RemediationEvent.RolledBack.class)).hasSize(3);
    assertThat(f.attempts(e.id()).stream().filter(a -> a.kind() == Kind.ESCALATION)).isEmpty();
    assertThat(e.isActive()).isFalse();
  }

  @Test
  void runsNoCompensationWhenRollbackIsDisabled() {
    EngineFixture f = fixture();

    WorkflowExecution e = f.run(fourThenFail().rollbackEnabled(false).build(), "web-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(e.rollback()).isEqualTo(RollbackStatus.NONE);
    assertThat(compensationScripts(f)).isEmpty();
  }

  @Test
  void aFailingCompensationStopsTheUnwindingAndEscalatesByDefault() {
    EngineFixture f = fixture();
    f.transport.script("undo-b", Outcome.exit(1, Duration.ofSeconds(1)));

    WorkflowExecution e = f.start(fourThenFail().build(), "web-1", Map.of());
    e = f.driver.runUntilFinal(e.id(), Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(e.rollback()).isEqualTo(RollbackStatus.FAILED);
    assertThat(compensationScripts(f)).containsExactly("undo-d", "undo-b");
    assertThat(e.detail())
        .contains("compensation of step 'b' failed")
        .contains("not compensated: [a]");
    assertThat(e.isActive()).as("escalating").isTrue();
    assertThat(e.progress().escalation().reason()).contains("rollback stopped");

    e = f.driver.runUntilDone(e.id(), Duration.ofHours(1));
    assertThat(e.isActive()).isFalse();
    assertThat(f.notifier("oncall").sent()).hasSize(2);
    assertThat(f.notifier("pager").sent()).hasSize(2);
    assertThat(f.events(RemediationEvent.Escalated.class))
        .extracting(RemediationEvent.Escalated::channel)
        .containsExactly("oncall", "pager", "oncall", "pager");
  }

  @Test
  void continuesTheUnwindingPastAFailingCompensationWhenConfigured() {
    EngineFixture f = fixture();
    f.transport.script("undo-b", Outcome.exit(1, Duration.ofSeconds(1)));

    WorkflowExecution e =
        f.run(fourThenFail().onCompensationFailure(CompensationFailure.CONTINUE).build(), "web-1");

    assertThat(compensationScripts(f)).containsExactly("undo-d", "undo-b", "undo-a");
    assertThat(e.rollback()).isEqualTo(RollbackStatus.PARTIAL);
    assertThat(f.stepsRun(e.id(), Kind.COMPENSATION))
        .containsExactly("d:SUCCEEDED", "b:FAILED", "a:SUCCEEDED");
    assertThat(f.notifier("oncall").sent()).isNotEmpty();
  }

  @Test
  void retriesAFailingCompensationWhenConfigured() {
    EngineFixture f = fixture();
    f.transport.script(
        "undo-b", Outcome.exit(1, Duration.ofSeconds(1)), Outcome.succeed(Duration.ofSeconds(1)));

    WorkflowExecution e =
        f.run(fourThenFail().onCompensationFailure(CompensationFailure.RETRY).build(), "web-1");

    assertThat(compensationScripts(f)).containsExactly("undo-d", "undo-b", "undo-b", "undo-a");
    assertThat(e.rollback()).isEqualTo(RollbackStatus.COMPLETED);
    assertThat(f.stepsRun(e.id(), Kind.COMPENSATION))
        .containsExactly("d:SUCCEEDED", "b:FAILED", "b:SUCCEEDED", "a:SUCCEEDED");
    assertThat(f.notifier("oncall").sent()).isEmpty();
  }

  @Test
  void recordsAnEscalationWithNoPolicyToNotifyAnyone() {
    EngineFixture f = fixture();
    f.transport.script("undo-d", Outcome.exit(1, Duration.ofSeconds(1)));
    Workflow w = fourThenFail().escalation(null).build();

    WorkflowExecution e = f.run(w, "web-1");

    StepAttempt esc =
        f.attempts(e.id()).stream()
            .filter(a -> a.kind() == Kind.ESCALATION)
            .findFirst()
            .orElseThrow();
    assertThat(esc.status()).isEqualTo(StepStatus.FAILED);
    assertThat(esc.detail()).contains("no escalation policy");
    assertThat(e.isActive()).isFalse();
  }

  @Test
  void theEnginesDefaultEscalationServesWorkflowsWithoutOne() {
    EngineFixture f =
        new EngineFixture()
            .script("do-a", "do-b", "do-c", "do-d", "do-e", "undo-a", "undo-b", "undo-d")
            .build(
                "engine-a",
                b ->
                    b.defaultEscalation(
                        EscalationPolicy.of(EscalationTier.of("pager", Duration.ZERO))));
    f.transport.script("do-e", Outcome.exit(1, Duration.ofSeconds(1)));
    f.transport.script("undo-d", Outcome.exit(1, Duration.ofSeconds(1)));

    f.run(fourThenFail().escalation(null).build(), "web-1");

    assertThat(f.notifier("pager").sent()).hasSize(1);
    assertThat(f.notifier("pager").sent().get(0).fields()).containsEntry("tier", "1");
  }

  @Test
  void escalationTiersRunInOrderWithTheirDelaysRepeatedTheGivenTimes() {
    Workflow w =
        Workflow.builder("escalating")
            .step(Step.escalate("raise").policy(ONCALL_THEN_PAGER).onSuccess("decide"))
            .step(Step.approval("decide").ttl(Duration.ofHours(2)))
            .build();
    EngineFixture f = new EngineFixture().build();

    WorkflowExecution e = f.run(w, "db-1");

    Instant t0 = EngineFixture.T0;
    assertThat(f.notifier("oncall").sentAt())
        .containsExactly(t0.plus(Duration.ofMinutes(1)), t0.plus(Duration.ofMinutes(7)));
    assertThat(f.notifier("pager").sentAt())
        .containsExactly(t0.plus(Duration.ofMinutes(6)), t0.plus(Duration.ofMinutes(12)));
    assertThat(f.notifier("pager").sent().get(1).fields())
        .containsEntry("tier", "2")
        .containsEntry("round", "2");
    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly("raise:SUCCEEDED", "decide:TIMED_OUT");
  }

  @Test
  void anEscalationStopsWhenTheExecutionSucceeds() {
    Workflow w =
        Workflow.builder("recovering")
            .step(Step.escalate("raise").policy(ONCALL_THEN_PAGER).onSuccess("wait-healthy"))
            .step(
                Step.healthCheck("wait-healthy")
                    .script("probe")
                    .interval(Duration.ofSeconds(30))
                    .timeout(Duration.ofMinutes(30)))
            .build();
    EngineFixture f = new EngineFixture().script("probe").build();
    Outcome sick = Outcome.exit(1, Duration.ofSeconds(1));
    f.transport.script(
        "probe", sick, sick, sick, sick, sick, sick, Outcome.succeed(Duration.ofSeconds(1)));

    WorkflowExecution e = f.run(w, "web-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(e.isActive()).isFalse();
    assertThat(f.notifier("oncall").sent()).hasSize(1);
    assertThat(f.notifier("pager").sent()).isEmpty();
    StepAttempt stopped =
        f.attempts(e.id()).stream()
            .filter(a -> a.kind() == Kind.ESCALATION && a.status() == StepStatus.CANCELLED)
            .findFirst()
            .orElseThrow();
    assertThat(stopped.detail()).isEqualTo("stopped: the execution succeeded");
  }

  @Test
  void anAcknowledgedEscalationNotifiesNoFurtherTier() {
    EngineFixture f = fixture();
    f.transport.script("undo-d", Outcome.exit(1, Duration.ofSeconds(1)));
    WorkflowExecution e = f.start(fourThenFail().build(), "web-1", Map.of());
    f.driver.runUntilFinal(e.id(), Duration.ofHours(1));
    f.driver.advance(Duration.ofMinutes(2));
    assertThat(f.notifier("oncall").sent()).hasSize(1);

    f.engine.acknowledge(e.id(), "carol");
    e = f.driver.runUntilDone(e.id(), Duration.ofHours(2));

    assertThat(e.isActive()).isFalse();
    assertThat(f.notifier("pager").sent()).isEmpty();
    assertThat(f.notifier("oncall").sent()).hasSize(1);
    assertThat(f.attempts(e.id()).get(f.attempts(e.id()).size() - 1).detail())
        .isEqualTo("acknowledged by carol");
    String id = e.id();
    assertThatThrownBy(() -> f.engine.acknowledge(id, "carol"))
        .isInstanceOf(ExecutionStateException.class);
  }

  @Test
  void aDeadlineCancelsTheRunningStepAndRollsBack() {
    Workflow w =
        Workflow.builder("deadline")
            .step(Step.script("a").script("do-a").rollbackScript("undo-a").onSuccess("b"))
            .step(Step.script("b").script("do-b").timeout(Duration.ofHours(2)))
            .rollbackEnabled(true)
            .deadline(Duration.ofMinutes(10))
            .build();
    EngineFixture f = new EngineFixture().script("do-a", "do-b", "undo-a").build();
    f.transport.script("do-b", Outcome.succeed(Duration.ofHours(1)));

    WorkflowExecution e = f.run(w, "web-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
    assertThat(e.rollback()).isEqualTo(RollbackStatus.COMPLETED);
    assertThat(e.finishedAt())
        .isEqualTo(EngineFixture.T0.plus(Duration.ofMinutes(10)).plusSeconds(1));
    StepAttempt b = f.attempts(e.id()).get(1);
    assertThat(b.stepId()).isEqualTo("b");
    assertThat(b.status()).isEqualTo(StepStatus.CANCELLED);
    assertThat(b.detail()).contains("deadline");
    assertThat(f.transport.runs().get(1).result().join().outcome())
        .isEqualTo(io.scripttask.scheduler.spi.ExecutionResult.Outcome.CANCELLED);
    assertThat(compensationScripts(f)).containsExactly("undo-a");
  }

  @Test
  void cancellingRunsTheCompensationsAndEndsCancelled() {
    Workflow w =
        Workflow.builder("cancel")
            .step(Step.script("a").script("do-a").rollbackScript("undo-a").onSuccess("wait"))
            .step(Step.delay("wait", Duration.ofHours(1)).onSuccess("b"))
            .step(Step.script("b").script("do-b"))
            .rollbackEnabled(true)
            .build();
    EngineFixture f = new EngineFixture().script("do-a", "do-b", "undo-a").build();
    WorkflowExecution e = f.start(w, "web-1", Map.of());
    f.driver.advance(Duration.ofMinutes(3));

    f.engine.cancel(e.id(), "bob");
    e = f.driver.runUntilDone(e.id(), Duration.ofHours(2));

    assertThat(e.status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(e.detail()).isEqualTo("cancelled by bob");
    assertThat(e.rollback()).isEqualTo(RollbackStatus.COMPLETED);
    assertThat(f.scriptsRun()).containsExactly("do-a", "undo-a");
    assertThat(f.stepsRun(e.id(), Kind.STEP)).containsExactly("a:SUCCEEDED", "wait:CANCELLED");
    String id = e.id();
    assertThatThrownBy(() -> f.engine.cancel(id, "bob"))
        .isInstanceOf(ExecutionStateException.class);
  }

  @Test
  void aFailTransitionAfterAConditionRollsBack() {
    Workflow w =
        Workflow.builder("guarded")
            .step(Step.script("a").script("do-a").rollbackScript("undo-a").onSuccess("is-ok"))
            .step(
                Step.condition("is-ok", Condition.outputContains("ok"))
                    .whenTrue(Transitions.SUCCEED)
                    .whenFalse(Transitions.FAIL))
            .rollbackEnabled(true)
            .build();
    EngineFixture f = new EngineFixture().script("do-a", "undo-a").build();
    f.transport.script("do-a", new Outcome(0, Duration.ofSeconds(1), false, false, "degraded\n"));

    WorkflowExecution e = f.run(w, "web-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(compensationScripts(f)).containsExactly("undo-a");
  }
}
