package io.scripttask.remediation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.CompensationFailure;
import io.scripttask.remediation.Condition;
import io.scripttask.remediation.InterruptPolicy;
import io.scripttask.remediation.NotifyStep;
import io.scripttask.remediation.Op;
import io.scripttask.remediation.RateLimit;
import io.scripttask.remediation.ScriptStep;
import io.scripttask.remediation.Secret;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepRetry;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowTrigger;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkflowBuilderTest {

  private static Workflow.Builder diskSpace() {
    return Workflow.builder("disk-space")
        .name("Disk Space Management")
        .trigger(
            WorkflowTrigger.metric(Condition.threshold("diskUsagePercent", Op.GT, 85))
                .samples(3, 5))
        .step(
            Step.script("cleanup")
                .script("cleanup-temp-files")
                .retry(StepRetry.exponential(3, Duration.ofSeconds(30)))
                .idempotent()
                .onSuccess("verify")
                .onFailure("alert"))
        .step(
            Step.healthCheck("verify")
                .script("verify-disk-space")
                .interval(Duration.ofSeconds(30))
                .timeout(Duration.ofMinutes(5))
                .onFailure("alert"))
        .step(
            Step.notify("alert")
                .channel("slack")
                .url(Secret.of("https://hooks.slack.com/services/T/B/secret-token")))
        .cooldown(Duration.ofMinutes(30))
        .rateLimit(RateLimit.perPeriod(10, Duration.ofHours(1)).withMaxConcurrentNodes(3));
  }

  @Test
  void builtWorkflowHasTheGivenFieldsAndTheDefaults() {
    Workflow w = diskSpace().build();

    assertThat(w.id()).isEqualTo("disk-space");
    assertThat(w.name()).isEqualTo("Disk Space Management");
    assertThat(w.steps().keySet()).containsExactly("cleanup", "verify", "alert");
    assertThat(w.entryStep()).isEqualTo("cleanup");
    assertThat(w.entry()).isSameAs(w.steps().get("cleanup"));
    assertThat(w.step("verify"))
        .containsInstanceOf(io.scripttask.remediation.HealthCheckStep.class);
    assertThat(w.step("nope")).isEmpty();
    assertThat(w.cooldown()).contains(Duration.ofMinutes(30));
    assertThat(w.rateLimit()).contains(new RateLimit(10, Duration.ofHours(1), 3));
    assertThat(w.deadline()).isEmpty();
    assertThat(w.escalation()).isEmpty();
    assertThat(w.description()).isEmpty();
    assertThat(w.rollbackEnabled()).isFalse();
    assertThat(w.enabled()).isTrue();
    assertThat(w.onCompensationFailure()).isEqualTo(CompensationFailure.STOP_AND_ESCALATE);
    assertThat(w.tags()).isEmpty();

    Step alert = w.steps().get("alert");
    assertThat(alert.timeout()).isEqualTo(Step.DEFAULT_TIMEOUT);
    assertThat(alert.retry()).isEqualTo(StepRetry.NONE);
    assertThat(alert.interruptPolicy()).isEqualTo(InterruptPolicy.FAIL);
    assertThat(alert.onSuccess()).isNull();
    assertThat(alert.onFailure()).isNull();
    assertThat(alert.kind()).isEqualTo("notify");
    assertThat(w.steps().get("cleanup").interruptPolicy()).isEqualTo(InterruptPolicy.RERUN);
  }

  @Test
  void nameDefaultsToTheIdAndEntryToTheFirstStep() {
    Workflow w = Workflow.builder("w").step(Step.succeed("done")).build();

    assertThat(w.name()).isEqualTo("w");
    assertThat(w.entryStep()).isEqualTo("done");
    assertThat(w.trigger()).isEqualTo(WorkflowTrigger.manual());
  }

  @Test
  void theStepsMapKeepsTheirOrderAndCannotBeChanged() {
    Workflow w = diskSpace().build();

    assertThatThrownBy(() -> w.steps().remove("alert"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> w.tags().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toBuilderGivesAnEqualWorkflowWithTheSameVersion() {
    Workflow w = diskSpace().tags("disk", "linux").deadline(Duration.ofHours(1)).build();
    Workflow copy = w.toBuilder().build();

    assertThat(copy).isEqualTo(w).hasSameHashCodeAs(w);
    assertThat(copy.version()).isEqualTo(w.version());
  }

  @Test
  void toBuilderDerivesAChangedCopyWithANewVersion() {
    Workflow w = diskSpace().build();
    Workflow changed =
        w.toBuilder().replaceStep(Step.notify("alert").channel("teams").build()).build();

    assertThat(changed).isNotEqualTo(w);
    assertThat(((NotifyStep) changed.steps().get("alert")).channel()).isEqualTo("teams");
    assertThat(changed.steps().keySet()).containsExactly("cleanup", "verify", "alert");
    assertThat(changed.version()).isNotEqualTo(w.version());
  }

  @Test
  void theVersionIsAStableSha256OfTheContent() {
    Workflow a = diskSpace().build();
    Workflow b = diskSpace().build();

    assertThat(a.version()).matches("[0-9a-f]{64}").isEqualTo(b.version());
    assertThat(a.version()).isEqualTo(a.version());
  }

  @Test
  void theVersionChangesWithAnyDefinitionChangeButNotWithEnabled() {
    String base = diskSpace().build().version();

    assertThat(diskSpace().enabled(false).build().version()).isEqualTo(base);
    assertThat(diskSpace().rollbackEnabled(true).build().version()).isNotEqualTo(base);
    assertThat(diskSpace().cooldown(Duration.ofMinutes(31)).build().version()).isNotEqualTo(base);
    assertThat(diskSpace().tags("x").build().version()).isNotEqualTo(base);
    assertThat(
            diskSpace()
                .replaceStep(
                    Step.notify("alert")
                        .channel("slack")
                        .url(Secret.of("https://hooks.slack.com/services/T/B/other-token"))
                        .build())
                .build()
                .version())
        .as("a changed webhook URL is a changed definition")
        .isNotEqualTo(base);
  }

  @Test
  void theVersionDoesNotDependOnTheOrderOfEqualContent() {
    Workflow ab =
        Workflow.builder("w")
            .step(Step.script("a").script("x").onSuccess("b"), Step.succeed("b"))
            .build();
    Workflow ba =
        Workflow.builder("w")
            .step(Step.succeed("b"), Step.script("a").script("x").onSuccess("b"))
            .entry("a")
            .build();

    assertThat(ba).isEqualTo(ab);
    assertThat(ba.version()).isEqualTo(ab.version());
  }

  @Test
  void toStringShowsNoSecret() {
    Workflow w = diskSpace().build();

    assertThat(w.toString())
        .isEqualTo(
            "Workflow[id=disk-space, name=Disk Space Management, trigger=MetricThreshold,"
                + " steps=[cleanup, verify, alert], entry=cleanup]");
    assertThat(w.steps().get("alert").toString())
        .doesNotContain("secret-token")
        .contains("url=***");
  }

  @Test
  void nextSetsBothTransitions() {
    ScriptStep s = Step.script("a").script("x").next("b").build();

    assertThat(s.onSuccess()).isEqualTo("b");
    assertThat(s.onFailure()).isEqualTo("b");
  }

  @Test
  void everyStepKindHasItsJsonName() {
    assertThat(
            java.util.List.of(
                    Step.script("a").build(),
                    Step.command("a").build(),
                    Step.notify("a").build(),
                    Step.email("a").build(),
                    Step.delay("a", Duration.ofSeconds(1)).build(),
                    Step.condition("a", Condition.exitCode(0)).build(),
                    Step.healthCheck("a").build(),
                    Step.quarantine("a").build(),
                    Step.release("a").build(),
                    Step.approval("a").build(),
                    Step.escalate("a").build(),
                    Step.succeed("a").build(),
                    Step.fail("a").build())
                .stream()
                .map(Step::kind))
        .containsExactly(
            "script",
            "command",
            "notify",
            "email",
            "delay",
            "condition",
            "healthCheck",
            "quarantine",
            "release",
            "approval",
            "escalate",
            "succeed",
            "fail");
  }
}
