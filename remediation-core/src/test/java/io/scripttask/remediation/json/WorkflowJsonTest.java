package io.scripttask.remediation.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.CommandStep;
import io.scripttask.remediation.Compensation;
import io.scripttask.remediation.CompensationFailure;
import io.scripttask.remediation.Condition;
import io.scripttask.remediation.EmailStep;
import io.scripttask.remediation.EscalationPolicy;
import io.scripttask.remediation.EscalationTier;
import io.scripttask.remediation.InterruptPolicy;
import io.scripttask.remediation.NotifyStep;
import io.scripttask.remediation.Op;
import io.scripttask.remediation.OutputSource;
import io.scripttask.remediation.RateLimit;
import io.scripttask.remediation.ScriptRef;
import io.scripttask.remediation.Secret;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepRetry;
import io.scripttask.remediation.Template;
import io.scripttask.remediation.Transitions;
import io.scripttask.remediation.Verification;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowTrigger;
import io.scripttask.remediation.WorkflowValidationException;
import io.scripttask.remediation.WorkflowValidationException.Problem;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Notification.Severity;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.ValidationException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkflowJsonTest {

  private static List<Problem> problems(String json) {
    try {
      WorkflowJson.read(json);
    } catch (WorkflowValidationException e) {
      return e.problems();
    }
    throw new AssertionError("expected the JSON to be rejected");
  }

  /** A workflow that uses every step kind, trigger option, condition kind and workflow field. */
  static Workflow everything() {
    Condition hot = Condition.threshold("diskUsagePercent", Op.GT, 85.5);
    return Workflow.builder("everything")
        .name("Every step kind")
        .description("exercises the whole JSON format")
        .trigger(
            WorkflowTrigger.metric(hot)
                .clearWhen(Condition.jsonPathOnTrigger("$.diskUsagePercent", Op.LT, 70))
                .samples(3, 5))
        .step(
            Step.script("check")
                .description("measure")
                .script("check-disk-usage")
                .env("MOUNT", "${trigger.mount}")
                .timeout(Duration.ofMillis(1500))
                .retry(
                    StepRetry.builder()
                        .maxAttempts(4)
                        .initialBackoff(Duration.ofSeconds(5))
                        .multiplier(3)
                        .maxBackoff(Duration.ofMinutes(2))
                        .jitter(0.1)
                        .budget(Duration.ofMinutes(10))
                        .retryOn(Condition.exitCode(Op.GTE, 100))
                        .build())
                .successCriteria(
                    Condition.allOf(
                        Condition.exitCode(0),
                        Condition.anyOf(
                            Condition.outputContains("OK", OutputSource.ANY, true),
                            Condition.regex("free=\\d+", OutputSource.STDERR)),
                        Condition.not(Condition.jsonPath("$.errors", Op.GT, 0))))
                .verify(
                    Verification.script("probe-disk")
                        .withHealthyWhen(Condition.outputContains("clean"))
                        .withTimeout(Duration.ofSeconds(20)))
                .onSuccess("branch")
                .onFailure("alert"))
        .step(
            Step.condition(
                    "branch",
                    Condition.onStep("check", Condition.jsonPath("$.mount", Op.EQ, "/var")))
                .whenTrue("cleanup")
                .whenFalse("commands"))
        .step(
            Step.script("cleanup")
                .script(
                    Script.builder("inline-cleanup")
                        .name("Clean temp")
                        .shell(Shell.BASH)
                        .content("rm -rf /tmp/cache/*")
                        .defaultTimeout(Duration.ofMinutes(2))
                        .build())
                .target(Target.groups("web").andNodes("db-1").andTags("linux", "prod"))
                .compensation(
                    new Compensation(ScriptRef.library("restore-cache"), Duration.ofMinutes(3)))
                .idempotent()
                .next("wait"))
        .step(
            Step.command("commands")
                .commands("df -h", "du -sh /var/log")
                .stopOnFailure(false)
                .shell(Shell.POWERSHELL)
                .target(Target.all())
                .env("LEVEL", "2")
                .compensation(
                    Compensation.of(
                        ScriptRef.inline(Script.builder("undo").commands("echo undo").build())))
                .onSuccess("wait"))
        .step(Step.delay("wait", Duration.ofSeconds(30)).onSuccess("verify"))
        .step(
            Step.healthCheck("verify")
                .script("verify-disk-space")
                .interval(Duration.ofSeconds(10))
                .probeTimeout(Duration.ofSeconds(5))
                .timeout(Duration.ofMinutes(2))
                .successCriteria(Condition.jsonPath("$.free", Op.GTE, 20.5))
                .env("THRESHOLD", "80")
                .onSuccess("release")
                .onFailure("quarantine"))
        .step(Step.release("release").onSuccess("notify-ok"))
        .step(
            Step.notify("notify-ok")
                .channel("chat")
                .severity(Severity.INFO)
                .subject("fixed ${node.id}")
                .body("exit ${step.check.exitCode}: ${step.check.stdout}")
                .onSuccess(Transitions.SUCCEED))
        .step(
            Step.quarantine("quarantine")
                .reason("disk still full on ${node.id}")
                .onSuccess("approve"))
        .step(
            Step.approval("approve")
                .approvers("alice", "bob")
                .message("wipe ${node.id}?")
                .ttl(Duration.ofHours(4))
                .channel("chat")
                .onSuccess("mail")
                .onFailure("escalate"))
        .step(
            Step.email("mail")
                .to("ops@example.com", "oncall@example.com")
                .subject("wiped ${node.id}")
                .body("done")
                .channel("smtp")
                .severity(Severity.CRITICAL)
                .onSuccess("done"))
        .step(
            Step.escalate("escalate")
                .policy(
                    new EscalationPolicy(
                        List.of(
                            EscalationTier.of("chat", Duration.ZERO),
                            new EscalationTier(
                                "pager",
                                Duration.ofMinutes(15),
                                Severity.WARNING,
                                Template.of("still full: ${node.id}"))),
                        2))
                .onSuccess("failed"))
        .step(
            Step.notify("alert")
                .channel("teams")
                .url(Secret.of("https://example.webhook.office.com/webhookb2/secret-token"))
                .method("POST")
                .severity(Severity.CRITICAL)
                .next(Transitions.FAIL))
        .step(Step.succeed("done").message("all good"))
        .step(Step.fail("failed").message("gave up"))
        .deadline(Duration.ofHours(2))
        .rollbackEnabled(true)
        .onCompensationFailure(CompensationFailure.CONTINUE)
        .escalation(EscalationPolicy.of(EscalationTier.of("pager", Duration.ofMinutes(5))))
        .cooldown(Duration.ofMinutes(30))
        .rateLimit(new RateLimit(10, Duration.ofHours(1), 3))
        .enabled(false)
        .tags("disk", "linux")
        .build();
  }

  @Test
  void aWorkflowWithEveryStepKindSurvivesARoundTripWithTheSameVersion() {
    Workflow w = everything();

    String json = WorkflowJson.write(w);
    Workflow back = WorkflowJson.read(json);

    assertThat(back).isEqualTo(w);
    assertThat(back.steps()).isEqualTo(w.steps());
    assertThat(back.version()).isEqualTo(w.version());
    assertThat(WorkflowJson.write(back)).isEqualTo(json);
    assertThat(json).contains("\"version\" : \"" + w.version() + "\"");
  }

  @Test
  void readingFromAStreamGivesTheSameWorkflow() {
    Workflow w = everything();
    byte[] bytes = WorkflowJson.write(w).getBytes(StandardCharsets.UTF_8);

    assertThat(WorkflowJson.read(new ByteArrayInputStream(bytes))).isEqualTo(w);
  }

  @Test
  void everyTriggerKindSurvivesARoundTrip() {
    Workflow.Builder base = Workflow.builder("t").step(Step.succeed("ok"));
    List<WorkflowTrigger> triggers =
        List.of(
            WorkflowTrigger.manual(),
            WorkflowTrigger.metric(Condition.threshold("cpu", Op.GTE, 95)),
            WorkflowTrigger.jobFailed(),
            WorkflowTrigger.jobFailed("backup"),
            new WorkflowTrigger.JobFailed(null, Set.of(JobStatus.CANCELLED, JobStatus.SKIPPED)),
            WorkflowTrigger.cron("0 3 * * *", ZoneId.of("America/New_York"), Target.nodes("n1")));

    for (WorkflowTrigger t : triggers) {
      Workflow w = base.trigger(t).build();
      Workflow back = WorkflowJson.read(WorkflowJson.write(w));
      assertThat(back.trigger()).as(t.toString()).isEqualTo(t);
      assertThat(back.version()).isEqualTo(w.version());
    }
  }

  @Test
  void theIdIsDerivedFromTheNameWhenAbsent() {
    Workflow w =
        WorkflowJson.read(
            "{\"name\": \"  Disk Space: Clean-up (v2)!\", \"steps\": [{\"id\": \"a\", \"type\":"
                + " \"succeed\"}]}");

    assertThat(w.id()).isEqualTo("disk-space-clean-up-v2");
    assertThat(w.name()).isEqualTo("  Disk Space: Clean-up (v2)!");
  }

  @Test
  void aWorkflowWithoutIdOrNameIsRejected() {
    assertThat(problems("{\"steps\": [{\"id\": \"a\", \"type\": \"succeed\"}]}"))
        .containsExactly(new Problem(null, "id", "be given, or a name to derive it from", "null"));
  }

  @Test
  void durationsAreSecondsOrIso8601() {
    Workflow w =
        WorkflowJson.read(
            "{\"id\": \"d\", \"steps\": [{\"id\": \"a\", \"type\": \"delay\", \"duration\":"
                + " \"PT1M30S\", \"onSuccess\": \"b\"}, {\"id\": \"b\", \"type\": \"delay\","
                + " \"duration\": 2.5, \"timeout\": 60}], \"deadline\": \"PT2H\"}");

    assertThat(((io.scripttask.remediation.DelayStep) w.steps().get("a")).duration())
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(((io.scripttask.remediation.DelayStep) w.steps().get("b")).duration())
        .isEqualTo(Duration.ofMillis(2500));
    assertThat(w.steps().get("b").timeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(w.deadline()).contains(Duration.ofHours(2));
  }

  @Test
  void nextSetsBothTransitions() {
    Workflow w =
        WorkflowJson.read(
            "{\"id\": \"n\", \"steps\": [{\"id\": \"a\", \"type\": \"script\", \"scriptId\":"
                + " \"x\", \"next\": \"b\"}, {\"id\": \"b\", \"type\": \"succeed\"}]}");

    assertThat(w.steps().get("a").onSuccess()).isEqualTo("b");
    assertThat(w.steps().get("a").onFailure()).isEqualTo("b");
  }

  @Test
  void aFixedBackoffFromJsonHasNoMultiplierOrJitter() {
    Workflow w =
        WorkflowJson.read(
            "{\"id\": \"r\", \"steps\": [{\"id\": \"a\", \"type\": \"script\", \"scriptId\":"
                + " \"x\", \"retryPolicy\": {\"maxAttempts\": 5, \"backoffType\": \"fixed\","
                + " \"delaySeconds\": 20}}]}");

    assertThat(w.steps().get("a").retry()).isEqualTo(StepRetry.fixed(5, Duration.ofSeconds(20)));
  }

  @Test
  void anEmailRecipientMayBeOneTextOrAList() {
    Workflow w =
        WorkflowJson.read(
            "{\"id\": \"e\", \"steps\": [{\"id\": \"a\", \"type\": \"email\", \"to\":"
                + " \"ops@example.com\", \"onSuccess\": \"b\"}, {\"id\": \"b\", \"type\":"
                + " \"email\", \"to\": [\"a@example.com\", \"b@example.com\"]}]}");

    assertThat(((EmailStep) w.steps().get("a")).to()).containsExactly("ops@example.com");
    assertThat(((EmailStep) w.steps().get("b")).to())
        .containsExactly("a@example.com", "b@example.com");
  }

  @Test
  void aWebhookWithoutATypeGoesToTheWebhookChannel() {
    Workflow w =
        WorkflowJson.read(
            "{\"id\": \"w\", \"steps\": [{\"id\": \"a\", \"type\": \"webhook\", \"url\":"
                + " \"https://example.com/hook\"}]}");

    NotifyStep n = (NotifyStep) w.steps().get("a");
    assertThat(n.channel()).isEqualTo(NotifyStep.DEFAULT_WEBHOOK_CHANNEL);
    assertThat(n.urlIfSet()).contains(Secret.of("https://example.com/hook"));
  }

  // ---------------------------------------------------------------- errors

  @Test
  void anUnknownPropertyIsRejectedNamingIt() {
    List<Problem> problems =
        problems(
            "{\"id\": \"u\", \"color\": \"red\", \"steps\": [{\"id\": \"a\", \"type\":"
                + " \"script\", \"scriptId\": \"x\", \"onFailur\": \"b\"}]}");

    assertThat(problems).extracting(Problem::field).containsExactly("color", "onFailur");
    assertThat(problems.get(1).stepId()).isEqualTo("a");
    assertThat(problems.get(1).message())
        .startsWith("step 'a': field 'onFailur' must be a known property of a script step (")
        .contains("onFailure")
        .endsWith(", but was unknown");
  }

  @Test
  void unknownPropertiesInsideConditionsAndRetryPoliciesAreRejectedToo() {
    List<Problem> problems =
        problems(
            "{\"id\": \"u\", \"steps\": [{\"id\": \"a\", \"type\": \"script\", \"scriptId\":"
                + " \"x\", \"retryPolicy\": {\"maxAttempts\": 2, \"maxRetries\": 3},"
                + " \"successCriteria\": {\"type\": \"exitCode\", \"exitCode\": 0, \"code\":"
                + " 1}}]}");

    assertThat(problems)
        .extracting(Problem::field)
        .containsExactly("retryPolicy.maxRetries", "successCriteria.code");
  }

  @Test
  void badValuesAreReportedWithStepFieldAndValueAllAtOnce() {
    List<Problem> problems =
        problems(
            "{\"id\": \"bad\", \"steps\": ["
                + "{\"id\": \"a\", \"type\": \"script\", \"scriptId\": \"x\", \"timeout\": \"soon\","
                + " \"retryPolicy\": {\"maxAttempts\": 0}, \"onSuccess\": \"b\"},"
                + "{\"id\": \"b\", \"type\": \"condition\", \"condition\": {\"type\": \"regex\","
                + " \"pattern\": \"disk (\"}, \"onSuccess\": \"c\", \"onFailure\": \"c\"},"
                + "{\"id\": \"c\", \"type\": \"script\", \"scriptId\": \"y\", \"successCriteria\":"
                + " {\"type\": \"jsonPath\", \"path\": \"$[\", \"operator\": \"eq\", \"value\": 1},"
                + " \"onSuccess\": \"d\"},"
                + "{\"id\": \"d\", \"type\": \"teleport\", \"onSuccess\": \"e\"},"
                + "{\"id\": \"e\", \"type\": \"threshold\"}"
                + "], \"trigger\": {\"type\": \"threshold\", \"condition\": {\"type\":"
                + " \"threshold\", \"field\": \"cpu\", \"operator\": \"above\", \"value\": 1},"
                + " \"m\": 4, \"n\": 2}}");

    assertThat(problems)
        .extracting(Problem::message)
        .containsExactly(
            "field 'trigger.condition.operator' must be one of gt, gte, lt, lte, eq, ne, but was"
                + " \"above\"",
            "step 'a': field 'timeout' must be a number of seconds or an ISO-8601 duration such"
                + " as \"PT5M\", but was \"soon\"",
            "step 'a': field 'retryPolicy.maxAttempts' must be 1 to 100, but was 0",
            "step 'b': field 'condition.pattern' must be a valid regular expression (Unclosed"
                + " group near index 6), but was \"disk (\"",
            "step 'c': field 'successCriteria.path' must be a valid JSON path (it does not"
                + " parse), but was \"$[\"",
            "step 'd': field 'type' must be one of script, command, webhook, notify, email,"
                + " delay, condition, healthCheck, quarantine, release, approval, escalate,"
                + " succeed, fail, but was \"teleport\"",
            "step 'e': field 'type' must be one of script, command, webhook, notify, email,"
                + " delay, condition, healthCheck, quarantine, release, approval, escalate,"
                + " succeed, fail, but was \"threshold\"");
    assertThat(problems.get(4).value()).isEqualTo("\"$[\"");
  }

  @Test
  void anMGreaterThanNInAMetricTriggerIsReported() {
    assertThat(
            problems(
                "{\"id\": \"m\", \"trigger\": {\"type\": \"threshold\", \"condition\": {\"type\":"
                    + " \"threshold\", \"field\": \"cpu\", \"operator\": \"gt\", \"value\": 90},"
                    + " \"m\": 4, \"n\": 3}, \"steps\": [{\"id\": \"a\", \"type\": \"succeed\"}]}"))
        .containsExactly(new Problem(null, "trigger.m", "be at most n (3)", "4"));
  }

  @Test
  void missingStepIdAndTypeAreReported() {
    assertThat(
            problems(
                "{\"id\": \"x\", \"steps\": [{\"type\": \"succeed\"}, {\"id\": \"b\"},"
                    + " {\"id\": \"c\", \"type\": \"delay\"}]}"))
        .extracting(Problem::message)
        .containsExactly(
            "field 'steps[0].id' must be given, but was null",
            "step 'b': field 'type' must be given: one of script, command, webhook, notify,"
                + " email, delay, condition, healthCheck, quarantine, release, approval,"
                + " escalate, succeed, fail, but was null",
            "step 'c': field 'duration' must be given, but was null",
            "step 'c': field 'id' must be reachable from the entry step 'b' through"
                + " onSuccess/onFailure, but was unreachable");
  }

  @Test
  void malformedJsonIsRejectedWithItsPositionButNotItsText() {
    assertThatThrownBy(
            () -> WorkflowJson.read("{\"id\": \"x\", \"steps\": [ {\"url\": https://secret"))
        .isInstanceOf(ValidationException.class)
        .isNotInstanceOf(WorkflowValidationException.class)
        .hasMessageStartingWith("json must be well-formed JSON, but was malformed at line 1")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> WorkflowJson.read("[1, 2]"))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessage("workflow: field 'json' must be a JSON object, but was a list");
  }

  @Test
  void aRepeatedPropertyIsRejected() {
    assertThatThrownBy(
            () ->
                WorkflowJson.read(
                    "{\"id\": \"x\", \"id\": \"y\", \"steps\": [{\"id\": \"a\", \"type\":"
                        + " \"succeed\"}]}"))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("json must not repeat a property (Duplicate field 'id'), but was")
        .hasMessageContaining("line 1");
  }

  @Test
  void aWebhookUrlNeverAppearsInMessagesOrToString() {
    String json =
        "{\"id\": \"s\", \"steps\": [{\"id\": \"a\", \"type\": \"webhook\", \"url\":"
            + " \"https://hooks.slack.com/services/T0/B0/topsecret\", \"webhookType\": \"slack\","
            + " \"method\": \"PO ST\", \"onSuccess\": \"nowhere\"}]}";

    assertThatThrownBy(() -> WorkflowJson.read(json))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("field 'method' must be an HTTP method such as POST")
        .hasMessageContaining("field 'onSuccess' must name a step")
        .hasMessageNotContaining("topsecret");

    List<Problem> wrongType =
        problems(
            "{\"id\": \"s\", \"steps\": [{\"id\": \"a\", \"type\": \"webhook\", \"url\": [\"https://x/topsecret\"]}]}");
    assertThat(wrongType).containsExactly(new Problem("a", "url", "be a text", "***"));

    Workflow ok = WorkflowJson.read(json.replace("PO ST", "POST").replace("\"nowhere\"", "null"));
    assertThat(ok.steps().get("a").toString()).doesNotContain("topsecret");
    assertThat(ok.toString()).doesNotContain("topsecret");
    assertThat(WorkflowJson.canonical(ok)).doesNotContain("topsecret");
    assertThat(WorkflowJson.write(ok)).contains("topsecret");
  }

  @Test
  void theVersionIgnoresAVersionPropertyInTheDocument() {
    Workflow w = everything();
    String json = WorkflowJson.write(w).replace(w.version(), "0000");

    assertThat(WorkflowJson.read(json).version()).isEqualTo(w.version());
  }

  @Test
  void inlineScriptsAreCheckedLikeLibraryScripts() {
    assertThat(
            problems(
                "{\"id\": \"i\", \"steps\": [{\"id\": \"a\", \"type\": \"script\", \"script\":"
                    + " {\"id\": \"s\", \"content\": \"echo\", \"commands\": [\"ls\"]}}]}"))
        .containsExactly(
            new Problem(
                "a", "script.content", "not be given together with commands", "1 commands"));
    assertThat(
            problems(
                "{\"id\": \"i\", \"steps\": [{\"id\": \"a\", \"type\": \"script\", \"scriptId\":"
                    + " \"x\", \"script\": {\"id\": \"s\", \"content\": \"echo\"}}]}"))
        .containsExactly(
            new Problem("a", "script", "not be given together with scriptId", "an inline script"));
  }

  @Test
  void aCommandStepReadsItsShellAndCommands() {
    Workflow w =
        WorkflowJson.read(
            "{\"id\": \"c\", \"steps\": [{\"id\": \"a\", \"type\": \"command\", \"commands\":"
                + " [\"uptime\"], \"shell\": \"bash\"}]}");

    CommandStep c = (CommandStep) w.steps().get("a");
    assertThat(c.commands()).containsExactly("uptime");
    assertThat(c.shell()).isEqualTo(Shell.BASH);
    assertThat(c.stopOnFailure()).isTrue();
  }

  @Test
  void aVerificationProbeIsReadWrittenAndPartOfTheVersion() {
    String json =
        "{\"id\": \"v\", \"steps\": [{\"id\": \"patch\", \"type\": \"script\","
            + " \"scriptId\": \"apply-patch\", \"verifyScriptId\": \"patch-installed\","
            + " \"verifyCriteria\": {\"type\": \"outputContains\", \"text\": \"installed\"},"
            + " \"verifyTimeout\": 30}]}";

    Workflow w = WorkflowJson.read(json);

    Step patch = w.steps().get("patch");
    assertThat(patch.interruptPolicy()).isEqualTo(InterruptPolicy.VERIFY);
    assertThat(patch.verification())
        .isEqualTo(
            Verification.script("patch-installed")
                .withHealthyWhen(Condition.outputContains("installed"))
                .withTimeout(Duration.ofSeconds(30)));
    String written = WorkflowJson.write(w);
    assertThat(written)
        .contains("\"verifyScriptId\" : \"patch-installed\"")
        .contains("\"verifyCriteria\"")
        .contains("\"interruptPolicy\" : \"verify\"");
    Workflow back = WorkflowJson.read(written);
    assertThat(back).isEqualTo(w);
    assertThat(back.version()).isEqualTo(w.version());

    Workflow otherProbe =
        WorkflowJson.read(json.replace("\"patch-installed\"", "\"patch-listed\""));
    assertThat(otherProbe.version()).isNotEqualTo(w.version());
  }

  @Test
  void anInlineVerificationScriptSurvivesARoundTrip() {
    Workflow w =
        Workflow.builder("inline-verify")
            .step(
                Step.command("restart")
                    .commands("systemctl restart nginx")
                    .verify(
                        ScriptRef.inline(
                            Script.builder("nginx-active")
                                .content("systemctl is-active nginx")
                                .build())))
            .build();

    String json = WorkflowJson.write(w);

    assertThat(json).contains("\"verifyScript\"").doesNotContain("verifyScriptId");
    assertThat(WorkflowJson.read(json)).isEqualTo(w);
  }

  @Test
  void verifyCriteriaOrTimeoutWithoutAVerificationScriptAreReported() {
    assertThat(
            problems(
                "{\"id\": \"v\", \"steps\": [{\"id\": \"a\", \"type\": \"script\","
                    + " \"scriptId\": \"x\", \"verifyTimeout\": 30}]}"))
        .extracting(Problem::message)
        .containsExactly(
            "step 'a': field 'verifyTimeout' must come with verifyScriptId or verifyScript, but"
                + " was PT30S");
  }

  @Test
  void verifyWithoutAProbeOnAScriptStepIsReportedNamingStepFieldAndValue() {
    assertThat(
            problems(
                "{\"id\": \"v\", \"steps\": [{\"id\": \"a\", \"type\": \"script\","
                    + " \"scriptId\": \"x\", \"interruptPolicy\": \"verify\"}]}"))
        .extracting(Problem::message)
        .containsExactly(
            "step 'a': field 'verifyScriptId' must be given when interruptPolicy is verify (a"
                + " probe that tells whether the step's work is done), but was null");
  }
}
