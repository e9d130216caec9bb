package io.scripttask.remediation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.remediation.Condition;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepAttempt.Kind;
import io.scripttask.remediation.StepRetry;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.testkit.ScriptedTransport;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retries of a failing step: backoff, retry-on predicate, budget, attempts. */
class RetryTest {

  private static Workflow retrying(StepRetry retry) {
    return Workflow.builder("retry")
        .step(Step.script("install").script("install").retry(retry).onFailure("alert"))
        .step(
            Step.notify("alert")
                .channel("slack")
                .onSuccess(io.scripttask.remediation.Transitions.FAIL))
        .build();
  }

  private static StepRetry exponential(int attempts) {
    return StepRetry.builder()
        .maxAttempts(attempts)
        .initialBackoff(Duration.ofSeconds(10))
        .multiplier(2)
        .jitter(0)
        .build();
  }

  @Test
  void retriesWithExponentialBackoffBetweenAttempts() {
    EngineFixture f = new EngineFixture().script("install").build();
    f.transport.script("install", Outcome.exit(1, Duration.ofSeconds(1)));

    WorkflowExecution e = f.run(retrying(exponential(4)), "web-1");

    List<Instant> starts =
        f.transport.runs().stream().map(ScriptedTransport.Run::startedAt).toList();
    assertThat(starts)
        .containsExactly(
            EngineFixture.T0,
            EngineFixture.T0.plusSeconds(1 + 10),
            EngineFixture.T0.plusSeconds(12 + 20),
            EngineFixture.T0.plusSeconds(33 + 40));
    assertThat(f.events(RemediationEvent.StepRetried.class))
        .extracting(RemediationEvent.StepRetried::nextAttempt)
        .containsExactly(2, 3, 4);
    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly(
            "install:FAILED",
            "install:FAILED",
            "install:FAILED",
            "install:FAILED",
            "alert:SUCCEEDED");
    List<StepAttempt> a = f.attempts(e.id());
    assertThat(a.subList(0, 3)).allMatch(x -> "retry".equals(x.next()));
    assertThat(a.get(3).next()).isEqualTo("alert");
    assertThat(a.get(3).detail()).contains("attempts spent (4)");
    assertThat(a).extracting(StepAttempt::attempt).startsWith(1, 2, 3, 4);
    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
  }

  @Test
  void waitsInWaitingStatusDuringTheBackoff() {
    EngineFixture f = new EngineFixture().script("install").build();
    f.transport.script("install", Outcome.exit(1, Duration.ofSeconds(1)));
    WorkflowExecution e = f.start(retrying(exponential(2)), "web-1", Map.of());

    f.driver.advance(Duration.ofSeconds(5));

    WorkflowExecution waiting = f.engine.execution(e.id()).orElseThrow();
    assertThat(waiting.status()).isEqualTo(ExecutionStatus.WAITING);
    assertThat(waiting.progress().attempt()).isEqualTo(2);
    assertThat(waiting.progress().wakeAt()).isEqualTo(EngineFixture.T0.plusSeconds(11));
  }

  @Test
  void succeedsOnALaterAttemptAndGoesOn() {
    EngineFixture f = new EngineFixture().script("install").build();
    f.transport.script(
        "install",
        Outcome.exit(1, Duration.ofSeconds(1)),
        Outcome.exit(1, Duration.ofSeconds(1)),
        Outcome.succeed(Duration.ofSeconds(1)));

    WorkflowExecution e = f.run(retrying(exponential(3)), "web-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly("install:FAILED", "install:FAILED", "install:SUCCEEDED");
    assertThat(f.notifier("slack").sent()).isEmpty();
  }

  @Test
  void retriesOnlyFailuresTheRetryOnPredicateAccepts() {
    StepRetry onlyTempFail =
        StepRetry.builder()
            .maxAttempts(5)
            .initialBackoff(Duration.ofSeconds(5))
            .jitter(0)
            .retryOn(Condition.exitCode(75))
            .build();
    EngineFixture f = new EngineFixture().script("install").build();
    f.transport.script(
        "install", Outcome.exit(75, Duration.ofSeconds(1)), Outcome.exit(2, Duration.ofSeconds(1)));

    WorkflowExecution e = f.run(retrying(onlyTempFail), "web-1");

    assertThat(f.transport.runs()).hasSize(2);
    StepAttempt last = f.attempts(e.id()).get(1);
    assertThat(last.exitCode()).isEqualTo(2);
    assertThat(last.detail()).startsWith("not retried: exit code == 75: false");
    assertThat(last.next()).isEqualTo("alert");
  }

  @Test
  void stopsRetryingWhenTheRetryBudgetIsSpent() {
    StepRetry budgeted =
        StepRetry.builder()
            .maxAttempts(10)
            .initialBackoff(Duration.ofSeconds(10))
            .multiplier(2)
            .jitter(0)
            .budget(Duration.ofSeconds(25))
            .build();
    EngineFixture f = new EngineFixture().script("install").build();
    f.transport.script("install", Outcome.exit(1, Duration.ofSeconds(1)));

    WorkflowExecution e = f.run(retrying(budgeted), "web-1");

    // waits of 10 s then 20 s would make 30 s > 25 s: only the first retry fits
    assertThat(f.transport.runs()).hasSize(2);
    assertThat(f.attempts(e.id()).get(1).detail()).contains("retry budget PT25S spent");
    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
  }

  @Test
  void aStepWithoutARetryPolicyRunsOnce() {
    EngineFixture f = new EngineFixture().script("install").build();
    f.transport.script("install", Outcome.exit(1, Duration.ofSeconds(1)));

    WorkflowExecution e = f.run(retrying(StepRetry.none()), "web-1");

    assertThat(f.transport.runs()).hasSize(1);
    assertThat(f.attempts(e.id()).get(0).detail()).isNull();
    assertThat(f.events(RemediationEvent.StepRetried.class)).isEmpty();
  }
}
