package io.scripttask.remediation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.remediation.EscalationPolicy;
import io.scripttask.remediation.EscalationTier;
import io.scripttask.remediation.ExecutionQuery;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.Plan;
import io.scripttask.remediation.RollbackStatus;
import io.scripttask.remediation.ScriptedResults;
import io.scripttask.remediation.ScriptedResults.Decision;
import io.scripttask.remediation.ScriptedResults.Result;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepStatus;
import io.scripttask.remediation.Workflow;
import io.scripttask.scheduler.Page;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dry runs: the real interpreter on scripted results, touching nothing. */
class DryRunTest {

  private static EngineFixture fixture() {
    return new EngineFixture()
        .script("create-backup", "restore-backup", "install-security-patch", "verify-installation")
        .build();
  }

  private static void assertTouchedNothing(EngineFixture f) {
    assertThat(f.transport.runs()).isEmpty();
    f.notifiers.values().forEach(n -> assertThat(n.sent()).isEmpty());
    assertThat(f.engine.executions(ExecutionQuery.all(), Page.first(10)).items()).isEmpty();
    assertThat(f.engine.workflows()).isEmpty();
    assertThat(f.nodes.list()).noneMatch(n -> n.quarantined());
    assertThat(f.events).isEmpty();
    assertThat(f.clock.instant()).isEqualTo(EngineFixture.T0);
  }

  @Test
  void plansTheSeedPatchWorkflowsRetriesAndRollbackWithoutRunningAnything() {
    EngineFixture f = fixture();
    Workflow w = SeedWorkflowsTest.seed("security-patch-application-complete.json");

    Plan plan =
        f.engine.plan(
            w,
            "db-1",
            Map.of(),
            ScriptedResults.builder()
                .step("install-patch", Result.exit(1, "dpkg: error").after(Duration.ofSeconds(30)))
                .build());

    assertThat(plan.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(plan.rollback()).isEqualTo(RollbackStatus.COMPLETED);
    assertThat(plan.stepsTaken()).containsExactly("backup", "install-patch", "rollback-trigger");
    assertThat(plan.path())
        .extracting(a -> a.stepId() + ":" + a.status())
        .containsExactly(
            "backup:SUCCEEDED",
            "install-patch:FAILED",
            "install-patch:FAILED",
            "install-patch:FAILED",
            "rollback-trigger:FAILED");
    assertThat(plan.path().get(1).stdout().text()).isEqualTo("dpkg: error");
    assertThat(plan.compensated()).containsExactly("backup");
    assertThat(plan.notifications()).isEmpty();
    assertThat(plan.duration()).isBetween(Duration.ofMinutes(3), Duration.ofMinutes(5));
    assertTouchedNothing(f);
  }

  @Test
  void returnsTheRenderedNotificationsThatWouldBeSent() {
    EngineFixture f =
        new EngineFixture()
            .script("check-disk-usage", "cleanup-temp-files", "verify-disk-space")
            .build();
    Workflow w = SeedWorkflowsTest.seed("disk-space-management.json");

    Plan plan =
        f.engine.plan(
            w,
            "web-1",
            Map.of("diskUsagePercent", 91),
            ScriptedResults.builder().step("verify", Result.exit(1)).build());

    assertThat(plan.stepsTaken()).containsExactly("check", "cleanup", "verify", "escalate");
    assertThat(plan.notifications())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.channel()).isEqualTo("email");
              assertThat(n.subject()).isEqualTo("Critical: Disk cleanup failed");
              assertThat(n.body()).contains("web-1");
            });
    assertTouchedNothing(f);
  }

  @Test
  void followsTheScriptedApprovalDecisions() {
    Workflow w =
        Workflow.builder("gate")
            .step(Step.approval("ok").ttl(Duration.ofHours(2)).onSuccess("go").onFailure("stop"))
            .step(Step.script("go").script("create-backup"))
            .step(Step.fail("stop").message("not approved"))
            .build();
    EngineFixture f = fixture();

    Plan approved = f.engine.plan(w, "web-1", Map.of(), ScriptedResults.none());
    Plan rejected =
        f.engine.plan(
            w,
            "web-1",
            Map.of(),
            ScriptedResults.builder().approval("ok", Decision.REJECT).build());
    Plan expired =
        f.engine.plan(
            w,
            "web-1",
            Map.of(),
            ScriptedResults.builder().approval("ok", Decision.EXPIRE).build());

    assertThat(approved.stepsTaken()).containsExactly("ok", "go");
    assertThat(approved.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(rejected.stepsTaken()).containsExactly("ok", "stop");
    assertThat(rejected.path().get(0).status()).isEqualTo(StepStatus.FAILED);
    assertThat(expired.path().get(0).status()).isEqualTo(StepStatus.TIMED_OUT);
    assertThat(expired.duration()).isEqualTo(Duration.ofHours(2));
    assertThat(expired.detail()).isEqualTo("not approved");
    assertTouchedNothing(f);
  }

  @Test
  void recordsNodeActionsInsteadOfQuarantining() {
    Workflow w =
        Workflow.builder("isolate")
            .step(Step.quarantine("q").reason("suspicious").onSuccess("r"))
            .step(Step.release("r"))
            .build();
    EngineFixture f = fixture();

    Plan plan = f.engine.plan(w, "web-2", Map.of(), ScriptedResults.none());

    assertThat(plan.nodeActions()).containsExactly("quarantine web-2: suspicious", "release web-2");
    assertTouchedNothing(f);
  }

  @Test
  void warnsAboutScriptsMissingFromTheLibraryAndUsesTheScriptedResult() {
    Workflow w =
        Workflow.builder("draft")
            .step(Step.script("new").script("not-written-yet").onFailure("tell"))
            .step(Step.notify("tell").channel("no-such-channel"))
            .build();
    EngineFixture f = fixture();

    Plan plan =
        f.engine.plan(
            w,
            "nowhere-1",
            Map.of(),
            ScriptedResults.builder().step("new", Result.exit(3)).build());

    assertThat(plan.warnings()).containsExactly("script 'not-written-yet' is not in the library");
    assertThat(plan.path())
        .extracting(StepAttempt::status)
        .containsExactly(StepStatus.FAILED, StepStatus.FAILED);
    assertThat(plan.path().get(1).detail()).contains("no notifier on channel 'no-such-channel'");
    assertThat(plan.status()).isEqualTo(ExecutionStatus.FAILED);
    assertTouchedNothing(f);
  }

  @Test
  void includesEscalationsAndHealthCheckProbes() {
    Workflow w =
        Workflow.builder("escalating")
            .step(
                Step.escalate("raise")
                    .policy(
                        new EscalationPolicy(
                            List.of(
                                EscalationTier.of("oncall", Duration.ofMinutes(1)),
                                EscalationTier.of("pager", Duration.ofMinutes(10))),
                            1))
                    .onSuccess("up"))
            .step(
                Step.healthCheck("up")
                    .script("verify-installation")
                    .interval(Duration.ofMinutes(1))
                    .timeout(Duration.ofMinutes(30)))
            .build();
    EngineFixture f = fixture();

    Plan plan =
        f.engine.plan(
            w,
            "web-1",
            Map.of(),
            ScriptedResults.builder()
                .step("up", Result.exit(1), Result.exit(1), Result.exit(1), Result.ok())
                .build());

    assertThat(plan.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(plan.path().stream().filter(a -> a.kind() == StepAttempt.Kind.PROBE)).hasSize(4);
    assertThat(plan.escalations())
        .extracting(StepAttempt::status)
        .containsExactly(StepStatus.SUCCEEDED, StepStatus.CANCELLED);
    assertThat(plan.notifications()).extracting(n -> n.channel()).containsExactly("oncall");
    assertTouchedNothing(f);
  }
}
