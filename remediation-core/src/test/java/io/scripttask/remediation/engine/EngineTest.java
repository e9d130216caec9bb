package io.scripttask.remediation.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.ExecutionQuery;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.RemediationEngine;
import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt.Kind;
import io.scripttask.remediation.StoredWorkflow;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.StaleVersionException;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.testkit.ScriptedTransport;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Events, workflow versions, lifecycle and builder rules. */
class EngineTest {

  private static final Workflow TWO =
      Workflow.builder("two")
          .step(Step.script("a").script("do-a").onSuccess("b"))
          .step(Step.script("b").script("do-b"))
          .build();

  @Test
  void publishesEventsInTheOrderThingsHappened() {
    EngineFixture f = new EngineFixture().script("do-a", "do-b").build();

    WorkflowExecution e = f.run(TWO, "web-1");

    assertThat(f.events)
        .extracting(ev -> ev.getClass().getSimpleName())
        .containsExactly(
            "ExecutionStarted",
            "StepStarted",
            "StepFinished",
            "StepStarted",
            "StepFinished",
            "ExecutionFinished");
    assertThat(f.events).allMatch(ev -> ev.executionId().equals(e.id()));
    RemediationEvent.ExecutionFinished end =
        f.events(RemediationEvent.ExecutionFinished.class).get(0);
    assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(end.at()).isEqualTo(EngineFixture.T0.plusSeconds(2));
  }

  @Test
  void aListenerThatThrowsNeitherStopsTheEngineNorOtherListeners() {
    List<RemediationEvent> seen = new ArrayList<>();
    EngineFixture f =
        new EngineFixture()
            .script("do-a", "do-b")
            .build(
                "engine-a",
                b ->
                    b.listener(
                        ev -> {
                          throw new IllegalStateException("listener bug");
                        },
                        seen::add));

    WorkflowExecution e = f.run(TWO, "web-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(seen).hasSize(6);
    assertThat(f.events).hasSize(6);
  }

  @Test
  void aRunningExecutionKeepsTheWorkflowVersionItStartedWith() {
    Workflow v1 =
        Workflow.builder("evolving")
            .step(Step.delay("wait", Duration.ofMinutes(5)).onSuccess("act"))
            .step(Step.script("act").script("do-a"))
            .build();
    Workflow v2 = v1.toBuilder().replaceStep(Step.script("act").script("do-b").build()).build();
    EngineFixture f = new EngineFixture().script("do-a", "do-b").build();
    WorkflowExecution e = f.start(v1, "web-1", Map.of());

    StoredWorkflow stored = f.engine.register(v2, "bob");
    e = f.driver.runUntilDone(e.id(), Duration.ofHours(1));
    WorkflowExecution next = f.run(v2, "web-2");

    assertThat(stored.revision()).isEqualTo(1);
    assertThat(e.workflowVersion()).isEqualTo(v1.version());
    assertThat(next.workflowVersion()).isEqualTo(v2.version());
    assertThat(f.scriptsRun()).containsExactly("do-a", "do-b");
  }

  @Test
  void updatesWorkflowsByCompareAndSetAndRemovesThem() {
    EngineFixture f = new EngineFixture().build();
    StoredWorkflow s = f.engine.update(TWO, -1, "alice");

    assertThatThrownBy(() -> f.engine.update(TWO, 5, "bob"))
        .isInstanceOf(StaleVersionException.class);
    assertThat(f.engine.workflow("two")).contains(s);
    assertThat(f.engine.workflows()).containsExactly(s);
    assertThat(f.engine.remove("two")).isTrue();
    assertThat(f.engine.workflows()).isEmpty();
  }

  @Test
  void shutdownCancelsWhatRunsAndHandsItsExecutionsOverAtOnce() {
    Workflow w =
        Workflow.builder("handover")
            .step(Step.script("a").script("do-a").onSuccess("b"))
            .step(Step.script("b").script("do-b").idempotent())
            .build();
    EngineFixture a = new EngineFixture().script("do-a", "do-b").build();
    a.transport.script(
        "do-b", Outcome.succeed(Duration.ofHours(1)), Outcome.succeed(Duration.ofSeconds(1)));
    String id = a.start(w, "web-1", Map.of()).id();
    a.driver.advance(Duration.ofMinutes(1));

    a.engine.shutdown(Duration.ZERO);
    EngineFixture b = a.sibling("engine-b");
    b.driver.runDueWork();

    assertThat(a.transport.runs().get(1).result().join().outcome())
        .isEqualTo(ExecutionResult.Outcome.CANCELLED);
    assertThat(b.engine.ownedExecutions()).containsExactly(id);
    WorkflowExecution e = b.driver.runUntilDone(id, Duration.ofHours(2));
    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(b.stepsRun(id, Kind.STEP))
        .containsExactly("a:SUCCEEDED", "b:INTERRUPTED", "b:SUCCEEDED");
    assertThat(a.engine.isRunning()).isFalse();
  }

  @Test
  void listsExecutionsByWorkflowNodeAndStatus() {
    EngineFixture f = new EngineFixture().script("do-a", "do-b").build();
    WorkflowExecution first = f.run(TWO, "web-1");
    WorkflowExecution second = f.run(TWO, "web-2");

    assertThat(f.engine.executions(ExecutionQuery.all().workflow("two"), Page.first(10)).items())
        .extracting(WorkflowExecution::id)
        .containsExactly(second.id(), first.id());
    assertThat(f.engine.executions(ExecutionQuery.all().node("web-1"), Page.first(10)).items())
        .extracting(WorkflowExecution::id)
        .containsExactly(first.id());
    assertThat(
            f.engine
                .executions(ExecutionQuery.all().status(ExecutionStatus.RUNNING), Page.first(10))
                .items())
        .isEmpty();
  }

  @Test
  void runDueWorkIsOnlyForEnginesThatWereNotStarted() {
    EngineFixture f = new EngineFixture().build();
    f.engine.start();
    try {
      assertThatThrownBy(() -> f.engine.runDueWork()).isInstanceOf(IllegalStateException.class);
      assertThat(f.engine.isRunning()).isTrue();
    } finally {
      f.engine.shutdown(Duration.ofSeconds(1));
    }
    assertThatThrownBy(() -> f.engine.start()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theBuilderNamesWhatIsWrong() {
    ScriptedTransport t = new ScriptedTransport("same", java.time.Clock.systemUTC());
    assertThatThrownBy(() -> RemediationEngine.builder().build())
        .isInstanceOf(ValidationException.class)
        .hasMessage("nodes must be given, but was null");
    assertThatThrownBy(
            () ->
                RemediationEngine.builder()
                    .nodes(new InMemoryNodeDirectory())
                    .transport(t, new ScriptedTransport("same", java.time.Clock.systemUTC()))
                    .build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("transport 'same'");
    assertThatThrownBy(
            () ->
                RemediationEngine.builder()
                    .nodes(new InMemoryNodeDirectory())
                    .leaseDuration(Duration.ZERO)
                    .build())
        .isInstanceOf(ValidationException.class)
        .hasMessage("leaseDuration must be positive, but was PT0S");
    assertThatThrownBy(
            () ->
                RemediationEngine.builder()
                    .nodes(new InMemoryNodeDirectory())
                    .instanceId(" ")
                    .build())
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void rejectsTriggerDataThatIsNotJsonLikeAndBlankNodes() {
    EngineFixture f = new EngineFixture().build();
    f.engine.register(TWO, null);

    assertThatThrownBy(
            () -> f.engine.startExecution("two", "web-1", Map.of("when", new Object()), null))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "triggerData.when must be a string, number, boolean, null, list or map");
    assertThatThrownBy(() -> f.engine.onMetric(" ", Map.of()))
        .isInstanceOf(ValidationException.class)
        .hasMessage("nodeId must not be blank, but was \" \"");
  }
}
