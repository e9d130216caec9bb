package io.scripttask.remediation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.remediation.Condition;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.Op;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepAttempt.Kind;
import io.scripttask.remediation.StepStatus;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.testkit.ScriptedTransport;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind of step, run by the engine under virtual time. */
class StepsTest {

  private static Outcome printing(int code, String stdout) {
    return new Outcome(code, Duration.ofSeconds(2), false, false, stdout);
  }

  @Test
  void branchesOnTriggerDataAndRecordsTheDecision() {
    Workflow w =
        Workflow.builder("branch")
            .step(
                Step.condition("hot", Condition.threshold("diskUsagePercent", Op.GT, 90))
                    .whenTrue("aggressive")
                    .whenFalse("gentle"))
            .step(Step.script("aggressive").script("purge-all"))
            .step(Step.script("gentle").script("purge-tmp"))
            .build();
    EngineFixture f = new EngineFixture().script("purge-all", "purge-tmp").build();

    WorkflowExecution hot = f.run(w, "web-1", Map.of("diskUsagePercent", 95));
    WorkflowExecution mild = f.run(w, "web-2", Map.of("diskUsagePercent", 87));

    assertThat(f.stepsRun(hot.id(), Kind.STEP))
        .containsExactly("hot:SUCCEEDED", "aggressive:SUCCEEDED");
    assertThat(f.stepsRun(mild.id(), Kind.STEP))
        .containsExactly("hot:SUCCEEDED", "gentle:SUCCEEDED");
    StepAttempt decision = f.attempts(hot.id()).get(0);
    assertThat(decision.decision()).contains("diskUsagePercent").endsWith(": true");
    assertThat(decision.next()).isEqualTo("aggressive");
    assertThat(f.attempts(mild.id()).get(0).decision()).endsWith(": false");
    assertThat(f.scriptsRun()).containsExactly("purge-all", "purge-tmp");
  }

  @Test
  void branchesOnTheJsonOutputOfThePreviousStep() {
    Workflow w =
        Workflow.builder("json-branch")
            .step(Step.script("measure").script("df-json").onSuccess("is-low"))
            .step(
                Step.condition("is-low", Condition.jsonPath("$.freeGb", Op.LT, 5))
                    .whenTrue("cleanup")
                    .whenFalse(io.scripttask.remediation.Transitions.SUCCEED))
            .step(Step.script("cleanup").script("purge-tmp"))
            .build();
    EngineFixture f = new EngineFixture().script("df-json", "purge-tmp").build();
    f.transport.script(
        "df-json",
        printing(0, "{\"freeGb\": 2, \"mount\": \"/var\"}"),
        printing(0, "{\"freeGb\": 40}"));

    WorkflowExecution low = f.run(w, "web-1");
    WorkflowExecution plenty = f.run(w, "web-2");

    assertThat(f.stepsRun(low.id(), Kind.STEP))
        .containsExactly("measure:SUCCEEDED", "is-low:SUCCEEDED", "cleanup:SUCCEEDED");
    assertThat(f.stepsRun(plenty.id(), Kind.STEP))
        .containsExactly("measure:SUCCEEDED", "is-low:SUCCEEDED");
    assertThat(plenty.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void successCriteriaDecideOverTheExitCode() {
    Workflow w =
        Workflow.builder("criteria")
            .step(
                Step.script("verify")
                    .script("verify-disk")
                    .successCriteria(Condition.exitCode(0).and(Condition.outputContains("OK")))
                    .onFailure("alert"))
            .step(
                Step.notify("alert")
                    .channel("slack")
                    .onSuccess(io.scripttask.remediation.Transitions.FAIL))
            .build();
    EngineFixture f = new EngineFixture().script("verify-disk").build();
    f.transport.script("verify-disk", printing(0, "usage still 93%\n"));

    WorkflowExecution e = f.run(w, "web-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    StepAttempt verify = f.attempts(e.id()).get(0);
    assertThat(verify.status()).isEqualTo(StepStatus.FAILED);
    assertThat(verify.exitCode()).isZero();
    assertThat(verify.decision()).endsWith(": false");
    assertThat(verify.stdout().text()).isEqualTo("usage still 93%\n");
  }

  @Test
  void notificationsRenderNodeStepAndTriggerPlaceholders() {
    Workflow w =
        Workflow.builder("notify")
            .step(Step.script("check").script("check-disk").onSuccess("tell"))
            .step(
                Step.notify("tell")
                    .channel("teams")
                    .subject("Disk on ${node.id} at ${trigger.diskUsagePercent}%")
                    .body("check exited ${step.check.exitCode}: ${step.check.stdout}"))
            .build();
    EngineFixture f = new EngineFixture().script("check-disk").build();
    f.transport.script("check-disk", printing(0, "/var 93%\n"));

    WorkflowExecution e = f.run(w, "web-3", Map.of("diskUsagePercent", 93));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(f.notifier("teams").sent())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.subject()).isEqualTo("Disk on web-3 at 93%");
              assertThat(n.body()).isEqualTo("check exited 0: /var 93%");
              assertThat(n.fields())
                  .containsEntry("step", "tell")
                  .containsEntry("execution", e.id());
            });
  }

  @Test
  void aNotifyStepFailsWhenItsChannelHasNoNotifierOrSendingFails() {
    Workflow w =
        Workflow.builder("channels")
            .step(Step.notify("nowhere").channel("carrier-pigeon").onFailure("slack"))
            .step(Step.notify("slack").channel("slack").onFailure("done"))
            .step(Step.succeed("done"))
            .build();
    EngineFixture f = new EngineFixture().build();
    f.notifier("slack").failing(true);

    WorkflowExecution e = f.run(w, "web-1");

    List<StepAttempt> a = f.attempts(e.id());
    assertThat(a.get(0).status()).isEqualTo(StepStatus.FAILED);
    assertThat(a.get(0).detail()).contains("no notifier on channel 'carrier-pigeon'");
    assertThat(a.get(1).status()).isEqualTo(StepStatus.FAILED);
    assertThat(a.get(1).stderr().text()).contains("sending failed");
    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void aDelayWaitsBeforeTheNextStep() {
    Workflow w =
        Workflow.builder("delay")
            .step(Step.script("first").script("a").onSuccess("pause"))
            .step(Step.delay("pause", Duration.ofMinutes(10)).onSuccess("second"))
            .step(Step.script("second").script("b"))
            .build();
    EngineFixture f = new EngineFixture().script("a", "b").build();

    WorkflowExecution e = f.start(w, "web-1", Map.of());
    f.driver.advance(Duration.ofMinutes(5));
    assertThat(f.engine.execution(e.id()).orElseThrow().status())
        .isEqualTo(ExecutionStatus.WAITING);
    assertThat(f.scriptsRun()).containsExactly("a");
    e = f.driver.runUntilDone(e.id(), Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    List<ScriptedTransport.Run> runs = f.transport.runs();
    assertThat(Duration.between(runs.get(0).startedAt(), runs.get(1).startedAt()))
        .isEqualTo(Duration.ofSeconds(1).plus(Duration.ofMinutes(10)));
  }

  @Test
  void aCommandStepRunsItsCommandListOnTheNode() {
    Workflow w =
        Workflow.builder("commands")
            .step(Step.command("clean").commands("rm -rf /tmp/cache/*", "sync").stopOnFailure(true))
            .build();
    EngineFixture f = new EngineFixture().build();

    WorkflowExecution e = f.run(w, "db-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    ExecutionRequest req = f.transport.runs().get(0).request();
    assertThat(req.script().isCommandList()).isTrue();
    assertThat(req.script().commands()).containsExactly("rm -rf /tmp/cache/*", "sync");
    assertThat(req.node().id()).isEqualTo("db-1");
  }

  @Test
  void aStepWithATargetRunsOnEveryNodeAndFailsIfOneFails() {
    Workflow w =
        Workflow.builder("fleet")
            .step(Step.script("restart").script("restart-nginx").target(Target.groups("web")))
            .build();
    EngineFixture f = new EngineFixture().script("restart-nginx").build();
    f.transport.script("restart-nginx", "web-2", Outcome.exit(3, Duration.ofSeconds(4)));

    WorkflowExecution e = f.run(w, "db-1");

    assertThat(f.transport.runs())
        .extracting(r -> r.request().node().id())
        .containsExactly("web-1", "web-2", "web-3");
    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    StepAttempt a = f.attempts(e.id()).get(0);
    assertThat(a.exitCode()).isEqualTo(3);
    assertThat(a.stdout().text()).contains("[web-1]").contains("[web-2] exit 3");
  }

  @Test
  void passesTriggerDataAndStepEnvironmentToTheScript() {
    Workflow w =
        Workflow.builder("env")
            .step(Step.script("clean").script("purge").env("MOUNT", "${trigger.mount}"))
            .build();
    EngineFixture f = new EngineFixture().script("purge").build();

    WorkflowExecution e = f.run(w, "web-1", Map.of("mount", "/var", "diskUsagePercent", 92));

    Map<String, String> env = f.transport.runs().get(0).request().environment();
    assertThat(env)
        .containsEntry("MOUNT", "/var")
        .containsEntry("ST_NODE_ID", "web-1")
        .containsEntry("ST_EXECUTION_ID", e.id())
        .containsEntry("ST_STEP_ID", "clean")
        .containsEntry("ST_ATTEMPT", "1")
        .containsEntry("ST_TRIGGER_DISKUSAGEPERCENT", "92");
  }

  @Test
  void aScriptMissingFromTheLibraryFailsTheStepWithoutRunningAnything() {
    Workflow w = Workflow.builder("missing").step(Step.script("run").script("nope")).build();
    EngineFixture f = new EngineFixture().build();

    WorkflowExecution e = f.run(w, "web-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(f.attempts(e.id()).get(0).detail())
        .isEqualTo("failed to start: script 'nope' is not in the library");
    assertThat(f.transport.runs()).isEmpty();
  }

  @Test
  void aStepPastItsTimeoutTimesOut() {
    Workflow w =
        Workflow.builder("slow")
            .step(Step.script("hang").script("hang").timeout(Duration.ofMinutes(2)))
            .build();
    EngineFixture f = new EngineFixture().script("hang").build();
    f.transport.script("hang", Outcome.hang());

    WorkflowExecution e = f.run(w, "web-1");

    StepAttempt a = f.attempts(e.id()).get(0);
    assertThat(a.status()).isEqualTo(StepStatus.TIMED_OUT);
    assertThat(a.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
  }

  @Test
  void quarantinesAndReleasesTheNodeThroughTheNodeDirectory() {
    Workflow w =
        Workflow.builder("isolate")
            .step(
                Step.quarantine("isolate")
                    .reason("disk full (${trigger.diskUsagePercent}%)")
                    .onSuccess("wait"))
            .step(Step.delay("wait", Duration.ofMinutes(5)).onSuccess("release"))
            .step(Step.release("release"))
            .build();
    EngineFixture f = new EngineFixture().build();

    WorkflowExecution e = f.start(w, "web-2", Map.of("diskUsagePercent", 99));
    f.driver.advance(Duration.ofMinutes(1));
    assertThat(f.nodes.find("web-2").orElseThrow().quarantined()).isTrue();
    assertThat(f.nodes.quarantineReason("web-2")).contains("disk full (99%)");

    e = f.driver.runUntilDone(e.id(), Duration.ofHours(1));
    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(f.nodes.find("web-2").orElseThrow().quarantined()).isFalse();
    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly("isolate:SUCCEEDED", "wait:SUCCEEDED", "release:SUCCEEDED");
  }

  @Test
  void aHealthCheckProbesUntilHealthy() {
    Workflow w =
        Workflow.builder("health")
            .step(
                Step.healthCheck("up")
                    .script("probe")
                    .interval(Duration.ofSeconds(30))
                    .timeout(Duration.ofMinutes(5))
                    .successCriteria(Condition.outputContains("healthy")))
            .build();
    EngineFixture f = new EngineFixture().script("probe").build();
    f.transport.script(
        "probe", printing(0, "starting"), printing(0, "starting"), printing(0, "healthy"));

    WorkflowExecution e = f.run(w, "web-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(f.stepsRun(e.id(), Kind.PROBE))
        .containsExactly("up:FAILED", "up:FAILED", "up:SUCCEEDED");
    StepAttempt step =
        f.attempts(e.id()).stream().filter(a -> a.kind() == Kind.STEP).findFirst().orElseThrow();
    assertThat(step.detail()).isEqualTo("healthy after 3 probes");
    List<ScriptedTransport.Run> runs = f.transport.runs();
    assertThat(Duration.between(runs.get(0).startedAt(), runs.get(1).startedAt()))
        .isEqualTo(Duration.ofSeconds(32));
  }

  @Test
  void aHealthCheckThatNeverBecomesHealthyTimesOutOnItsFailurePath() {
    Workflow w =
        Workflow.builder("health")
            .step(
                Step.healthCheck("up")
                    .script("probe")
                    .interval(Duration.ofSeconds(30))
                    .timeout(Duration.ofMinutes(2))
                    .onFailure("page"))
            .step(
                Step.notify("page")
                    .channel("pager")
                    .onSuccess(io.scripttask.remediation.Transitions.FAIL))
            .build();
    EngineFixture f = new EngineFixture().script("probe").build();
    f.transport.script("probe", Outcome.exit(1, Duration.ofSeconds(1)));

    WorkflowExecution e = f.run(w, "web-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(f.stepsRun(e.id(), Kind.STEP)).containsExactly("up:TIMED_OUT", "page:SUCCEEDED");
    assertThat(f.stepsRun(e.id(), Kind.PROBE))
        .hasSizeBetween(4, 5)
        .allMatch(s -> s.endsWith("FAILED"));
    assertThat(f.notifier("pager").sent()).hasSize(1);
  }
}
