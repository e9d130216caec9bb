package io.scripttask.remediation.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.Compensation;
import io.scripttask.remediation.Condition;
import io.scripttask.remediation.EmailStep;
import io.scripttask.remediation.FailStep;
import io.scripttask.remediation.NotifyStep;
import io.scripttask.remediation.Op;
import io.scripttask.remediation.ScriptRef;
import io.scripttask.remediation.ScriptStep;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepRetry;
import io.scripttask.remediation.Transitions;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowTrigger;
import io.scripttask.remediation.WorkflowValidationException;
import io.scripttask.remediation.WorkflowValidationException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The two example workflows of the MeshCentral ScriptTask v2 seed ("Disk Space Management" and
 * "Security Patch Application"), kept verbatim in {@code src/test/resources/seed/}.
 */
class SeedWorkflowsTest {

  static String resource(String name) {
    try (InputStream in = SeedWorkflowsTest.class.getResourceAsStream("/seed/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void diskSpaceManagementLoadsAsWrittenInTheSeed() {
    Workflow w = WorkflowJson.read(resource("disk-space-management.json"));

    assertThat(w.id()).isEqualTo("disk-space-management");
    assertThat(w.name()).isEqualTo("Disk Space Management");
    assertThat(w.steps().keySet())
        .containsExactly("check", "cleanup", "verify", "notify-success", "alert", "escalate");
    assertThat(w.entryStep()).isEqualTo("check");
    assertThat(w.trigger())
        .isEqualTo(WorkflowTrigger.metric(Condition.threshold("diskUsagePercent", Op.GT, 85)));
    assertThat(w.rollbackEnabled()).isFalse();
    assertThat(w.enabled()).isTrue();

    ScriptStep check = (ScriptStep) w.steps().get("check");
    assertThat(check.script()).isEqualTo(ScriptRef.library("check-disk-usage"));
    assertThat(check.onSuccess()).isEqualTo("cleanup");
    assertThat(check.onFailure()).isEqualTo("alert");
    assertThat(check.timeout()).isEqualTo(Step.DEFAULT_TIMEOUT);
    assertThat(check.retry()).isEqualTo(StepRetry.NONE);

    NotifyStep alert = (NotifyStep) w.steps().get("alert");
    assertThat(alert.channel()).isEqualTo("slack");
    assertThat(alert.method()).isEqualTo("POST");
    assertThat(alert.url().reveal()).isEqualTo("https://hooks.slack.com/...");
    assertThat(alert.onSuccess()).isNull();

    EmailStep escalate = (EmailStep) w.steps().get("escalate");
    assertThat(escalate.to()).containsExactly("admin@company.com");
    assertThat(escalate.subject().text()).isEqualTo("Critical: Disk cleanup failed");
    assertThat(escalate.channel()).isEqualTo(EmailStep.DEFAULT_CHANNEL);
  }

  @Test
  void diskSpaceManagementDoesNotShowItsWebhookUrlsInToString() {
    Workflow w = WorkflowJson.read(resource("disk-space-management.json"));

    assertThat(w.steps().get("alert").toString())
        .doesNotContain("hooks.slack.com")
        .contains("url=***");
    assertThat(w.toString()).doesNotContain("hooks.slack.com");
  }

  /**
   * The seed's "Security Patch Application" example names three steps it never defines
   * ("notify-failure", "rollback-trigger", "notify-success"): strict validation rejects the
   * verbatim file, naming exactly those three references.
   */
  @Test
  void securityPatchApplicationAsWrittenIsRejectedForItsThreeUndefinedSteps() {
    String json = resource("security-patch-application.json");

    assertThatThrownBy(() -> WorkflowJson.read(json))
        .isInstanceOfSatisfying(
            WorkflowValidationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new Problem("backup", "onFailure", "name a step", "\"notify-failure\""),
                        new Problem(
                            "install-patch", "onFailure", "name a step", "\"rollback-trigger\""),
                        new Problem(
                            "verify-patch", "onFailure", "name a step", "\"rollback-trigger\""),
                        new Problem("cleanup", "onSuccess", "name a step", "\"notify-success\"")))
        .hasMessageContaining(
            "step 'install-patch': field 'onFailure' must name a step, but was"
                + " \"rollback-trigger\"")
        .hasMessageContaining(
            "step 'backup': field 'onFailure' must name a step, but was \"notify-failure\"")
        .hasMessageContaining(
            "step 'cleanup': field 'onSuccess' must name a step, but was \"notify-success\"")
        .hasMessageStartingWith("workflow 'security-patch-application' has 4 problems:");
  }

  /**
   * DEVIATION from the seed, on purpose: security-patch-application-complete.json is the seed's
   * example plus the three steps it references without defining: "notify-failure" (a Slack webhook,
   * then the workflow fails: the backup failed, nothing to undo), "rollback-trigger" (a {@code
   * fail} step: the workflow fails and, with rollbackEnabled, the completed steps' compensations
   * run, i.e. restore-backup) and "notify-success" (a Slack webhook).
   */
  @Test
  void securityPatchApplicationCompletedWithItsThreeMissingStepsLoads() {
    Workflow w = WorkflowJson.read(resource("security-patch-application-complete.json"));

    assertThat(w.id()).isEqualTo("security-patch-application");
    assertThat(w.trigger()).isEqualTo(WorkflowTrigger.manual());
    assertThat(w.rollbackEnabled()).isTrue();
    assertThat(w.steps().keySet())
        .containsExactly(
            "backup",
            "install-patch",
            "verify-patch",
            "cleanup",
            "notify-failure",
            "rollback-trigger",
            "notify-success");

    Step backup = w.steps().get("backup");
    assertThat(backup.timeout()).isEqualTo(Duration.ofSeconds(600));
    assertThat(backup.compensation()).isEqualTo(Compensation.script("restore-backup"));

    Step install = w.steps().get("install-patch");
    assertThat(install.timeout()).isEqualTo(Duration.ofSeconds(900));
    assertThat(install.retry().maxAttempts()).isEqualTo(3);
    assertThat(install.retry().initialBackoff()).isEqualTo(Duration.ofSeconds(60));
    assertThat(install.retry().multiplier()).isEqualTo(2.0);

    assertThat(w.steps().get("verify-patch").successCriteria()).isEqualTo(Condition.exitCode(0));
    assertThat(w.steps().get("rollback-trigger")).isInstanceOf(FailStep.class);
    assertThat(w.steps().get("notify-failure").onSuccess()).isEqualTo(Transitions.FAIL);
    assertThat(((NotifyStep) w.steps().get("notify-success")).channel()).isEqualTo("slack");
  }

  @Test
  void bothSeedWorkflowsSurviveAWriteReadRoundTripWithTheSameVersion() {
    for (String name :
        new String[] {"disk-space-management.json", "security-patch-application-complete.json"}) {
      Workflow w = WorkflowJson.read(resource(name));
      String written = WorkflowJson.write(w);
      Workflow back = WorkflowJson.read(written);

      assertThat(back).as(name).isEqualTo(w);
      assertThat(back.version()).as(name).isEqualTo(w.version());
      assertThat(WorkflowJson.write(back)).as(name).isEqualTo(written);
    }
  }
}
