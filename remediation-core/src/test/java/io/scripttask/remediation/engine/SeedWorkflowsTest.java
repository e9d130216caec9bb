package io.scripttask.remediation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.RollbackStatus;
import io.scripttask.remediation.StepAttempt.Kind;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.remediation.json.WorkflowJson;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The seed's two example workflows, loaded from their JSON, run end to end through the engine with
 * a scripted transport. The "Security Patch Application" example names three steps it never
 * defines; the "-complete" file adds them (see rem-model's JSON tests).
 */
class SeedWorkflowsTest {

  static Workflow seed(String name) {
    try (InputStream in = SeedWorkflowsTest.class.getResourceAsStream("/seed/" + name)) {
      return WorkflowJson.read(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static EngineFixture diskFixture() {
    return new EngineFixture()
        .script("check-disk-usage", "cleanup-temp-files", "verify-disk-space")
        .build();
  }

  private static EngineFixture patchFixture() {
    return new EngineFixture()
        .script(
            "create-backup",
            "restore-backup",
            "install-security-patch",
            "verify-installation",
            "cleanup-temp-files")
        .build();
  }

  @Test
  void diskSpaceManagementRunsFromAMetricSampleToTheSuccessNotification() {
    EngineFixture f = diskFixture();
    Workflow w = seed("disk-space-management.json");
    f.engine.register(w, "alice");

    assertThat(f.engine.onMetric("web-1", Map.of("diskUsagePercent", 80))).isEmpty();
    List<WorkflowExecution> started = f.engine.onMetric("web-1", Map.of("diskUsagePercent", 91));
    assertThat(started).hasSize(1);
    WorkflowExecution e = f.driver.runUntilDone(started.get(0).id(), Duration.ofHours(1));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly(
            "check:SUCCEEDED", "cleanup:SUCCEEDED", "verify:SUCCEEDED", "notify-success:SUCCEEDED");
    assertThat(f.scriptsRun())
        .containsExactly("check-disk-usage", "cleanup-temp-files", "verify-disk-space");
    assertThat(f.notifier("slack").sent()).hasSize(1);
    assertThat(f.notifier("slack").sent().get(0).fields()).containsEntry("node", "web-1");
    assertThat(e.triggerData()).containsEntry("diskUsagePercent", 91);
  }

  @Test
  void diskSpaceManagementAlertsWhenCleanupFails() {
    EngineFixture f = diskFixture();
    f.transport.script("cleanup-temp-files", Outcome.exit(2, Duration.ofSeconds(3)));
    WorkflowExecution e = f.run(seed("disk-space-management.json"), "web-2");

    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly("check:SUCCEEDED", "cleanup:FAILED", "alert:SUCCEEDED");
    assertThat(f.attempts(e.id()).get(1).exitCode()).isEqualTo(2);
    assertThat(f.attempts(e.id()).get(1).next()).isEqualTo("alert");
    assertThat(f.notifier("slack").sent()).hasSize(1);
    // the seed's alert step has no onSuccess: after it the workflow ends (as the model defines it)
    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void diskSpaceManagementEmailsTheAdminWhenVerificationFails() {
    EngineFixture f = diskFixture();
    f.transport.script("verify-disk-space", Outcome.exit(1, Duration.ofSeconds(1)));
    WorkflowExecution e = f.run(seed("disk-space-management.json"), "web-1");

    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly(
            "check:SUCCEEDED", "cleanup:SUCCEEDED", "verify:FAILED", "escalate:SUCCEEDED");
    assertThat(f.notifier("email").sent()).hasSize(1);
    assertThat(f.notifier("email").sent().get(0).subject())
        .isEqualTo("Critical: Disk cleanup failed");
    assertThat(f.notifier("email").sent().get(0).fields()).containsEntry("to", "admin@company.com");
  }

  @Test
  void securityPatchApplicationSucceedsAndNotifies() {
    EngineFixture f = patchFixture();
    WorkflowExecution e = f.run(seed("security-patch-application-complete.json"), "db-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(e.rollback()).isEqualTo(RollbackStatus.NONE);
    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly(
            "backup:SUCCEEDED",
            "install-patch:SUCCEEDED",
            "verify-patch:SUCCEEDED",
            "cleanup:SUCCEEDED",
            "notify-success:SUCCEEDED");
    assertThat(f.notifier("slack").sent())
        .singleElement()
        .satisfies(n -> assertThat(n.subject()).isEqualTo("Security patch applied on db-1"));
    assertThat(f.scriptsRun()).doesNotContain("restore-backup");
  }

  @Test
  void securityPatchApplicationRetriesTheInstallThenRollsTheBackupBack() {
    EngineFixture f = patchFixture();
    f.transport.script("install-security-patch", Outcome.exit(1, Duration.ofSeconds(30)));
    WorkflowExecution e = f.run(seed("security-patch-application-complete.json"), "db-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(e.rollback()).isEqualTo(RollbackStatus.COMPLETED);
    assertThat(e.detail()).contains("rolling back");
    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly(
            "backup:SUCCEEDED",
            "install-patch:FAILED",
            "install-patch:FAILED",
            "install-patch:FAILED",
            "rollback-trigger:FAILED");
    assertThat(f.stepsRun(e.id(), Kind.COMPENSATION)).containsExactly("backup:SUCCEEDED");
    assertThat(f.scriptsRun())
        .containsExactly(
            "create-backup",
            "install-security-patch",
            "install-security-patch",
            "install-security-patch",
            "restore-backup");
    // "delaySeconds": 60, exponential, default jitter 0.2: about 60 s, then about 120 s
    List<RemediationEvent.StepRetried> retries = f.events(RemediationEvent.StepRetried.class);
    assertThat(retries).hasSize(2);
    assertThat(Duration.between(retries.get(0).at(), retries.get(0).retryAt()))
        .isBetween(Duration.ofSeconds(48), Duration.ofSeconds(72));
    assertThat(Duration.between(retries.get(1).at(), retries.get(1).retryAt()))
        .isBetween(Duration.ofSeconds(96), Duration.ofSeconds(144));
    assertThat(f.events(RemediationEvent.RolledBack.class))
        .singleElement()
        .satisfies(r -> assertThat(r.succeeded()).isTrue());
  }

  @Test
  void securityPatchApplicationNotifiesAndChangesNothingWhenTheBackupFails() {
    EngineFixture f = patchFixture();
    f.transport.script("create-backup", Outcome.exit(1, Duration.ofSeconds(5)));
    WorkflowExecution e = f.run(seed("security-patch-application-complete.json"), "db-1");

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(e.rollback()).isEqualTo(RollbackStatus.NONE);
    assertThat(f.stepsRun(e.id(), Kind.STEP))
        .containsExactly("backup:FAILED", "notify-failure:SUCCEEDED");
    assertThat(f.scriptsRun()).containsExactly("create-backup");
    assertThat(f.notifier("slack").sent().get(0).subject())
        .isEqualTo("Security patch on db-1: backup failed, nothing was changed");
  }
}
