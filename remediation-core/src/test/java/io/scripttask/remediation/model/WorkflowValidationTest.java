package io.scripttask.remediation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.Compensation;
import io.scripttask.remediation.Condition;
import io.scripttask.remediation.EscalationPolicy;
import io.scripttask.remediation.EscalationTier;
import io.scripttask.remediation.InterruptPolicy;
import io.scripttask.remediation.Op;
import io.scripttask.remediation.ScriptRef;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.Transitions;
import io.scripttask.remediation.Verification;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowTrigger;
import io.scripttask.remediation.WorkflowValidationException;
import io.scripttask.remediation.WorkflowValidationException.Problem;
import io.scripttask.scheduler.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class WorkflowValidationTest {

  private static List<Problem> problems(Workflow.Builder b) {
    try {
      b.build();
    } catch (WorkflowValidationException e) {
      return e.problems();
    }
    throw new AssertionError("expected the workflow to be rejected");
  }

  private static Workflow.Builder with(Step.Builder<?, ?>... steps) {
    return Workflow.builder("wf").step(steps);
  }

  private static Step.Builder<?, ?> script(String id) {
    return Step.script(id).script("s-" + id);
  }

  @Test
  void aWorkflowWithUnknownStepReferencesNamesStepFieldAndValue() {
    Workflow.Builder b =
        with(script("a").onSuccess("b").onFailure("nowhere"), script("b").onSuccess("gone"));

    assertThat(problems(b))
        .containsExactly(
            new Problem("a", "onFailure", "name a step", "\"nowhere\""),
            new Problem("b", "onSuccess", "name a step", "\"gone\""));
    assertThatThrownBy(b::build)
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "workflow 'wf' has 2 problems:\n"
                + "  step 'a': field 'onFailure' must name a step, but was \"nowhere\"\n"
                + "  step 'b': field 'onSuccess' must name a step, but was \"gone\"");
  }

  @Test
  void aSingleProblemIsReportedOnOneLineWithFieldRuleAndValueOfTheException() {
    Workflow.Builder b = with(script("a").onSuccess("nowhere"));

    assertThatThrownBy(b::build)
        .isInstanceOfSatisfying(
            WorkflowValidationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("onSuccess");
              assertThat(e.rule()).isEqualTo("name a step");
              assertThat(e.value()).isEqualTo("\"nowhere\"");
              assertThat(e.workflowId()).isEqualTo("wf");
            })
        .hasMessage(
            "workflow 'wf': step 'a': field 'onSuccess' must name a step, but was \"nowhere\"");
  }

  @Test
  void terminalMarkersAndAbsentTransitionsAreValid() {
    Workflow w =
        with(script("a").onSuccess(Transitions.SUCCEED).onFailure(Transitions.FAIL), script("b"))
            .entry("a")
            .step(Step.condition("c", Condition.exitCode(0)).whenTrue("a").whenFalse("b"))
            .entry("c")
            .build();

    assertThat(w.entryStep()).isEqualTo("c");
    assertThat(Transitions.isTerminal(null)).isTrue();
    assertThat(Transitions.isTerminal(Transitions.FAIL)).isTrue();
    assertThat(Transitions.isTerminal("a")).isFalse();
  }

  @Test
  void anUnknownDollarMarkerIsRejected() {
    assertThat(problems(with(script("a").onSuccess("$done"))))
        .containsExactly(
            new Problem("a", "onSuccess", "name a step, $succeed or $fail", "\"$done\""));
  }

  @Test
  void unreachableStepsAreReported() {
    Workflow.Builder b = with(script("a"), script("island").onSuccess("a"), script("b"));

    assertThat(problems(b))
        .containsExactly(
            new Problem(
                "island",
                "id",
                "be reachable from the entry step 'a' through onSuccess/onFailure",
                "unreachable"),
            new Problem(
                "b",
                "id",
                "be reachable from the entry step 'a' through onSuccess/onFailure",
                "unreachable"));
  }

  @Test
  void aCycleWithoutADelayOrHealthCheckIsRejectedAndSoIsALoopWithoutADeadline() {
    Workflow.Builder b = with(script("a").onSuccess("b"), script("b").onFailure("a"));

    assertThat(problems(b))
        .containsExactly(
            new Problem(
                "b",
                "onFailure",
                "not close a loop without a delay or health check step (loop a -> b -> a)",
                "\"a\""),
            new Problem(
                null,
                "deadline",
                "be set when steps loop (loop a -> b -> a) so that executions end",
                "null"));
  }

  @Test
  void aSelfLoopIsACycle() {
    Workflow.Builder b = with(script("a").onFailure("a")).deadline(Duration.ofHours(1));

    assertThat(problems(b))
        .containsExactly(
            new Problem(
                "a",
                "onFailure",
                "not close a loop without a delay or health check step (loop a -> a)",
                "\"a\""));
  }

  @Test
  void aCycleThroughADelayWithADeadlineIsAllowed() {
    Workflow w =
        with(
                script("probe").onSuccess(Transitions.SUCCEED).onFailure("wait"),
                Step.delay("wait", Duration.ofMinutes(1)).onSuccess("probe"))
            .deadline(Duration.ofMinutes(30))
            .build();

    assertThat(w.steps()).hasSize(2);
  }

  @Test
  void aCycleThroughAHealthCheckWithADeadlineIsAllowed() {
    Workflow w =
        with(
                script("fix").onSuccess("verify"),
                Step.healthCheck("verify")
                    .script("check")
                    .interval(Duration.ofSeconds(10))
                    .onFailure("fix"))
            .deadline(Duration.ofMinutes(30))
            .build();

    assertThat(w.entry().id()).isEqualTo("fix");
  }

  @Test
  void duplicateAndBlankAndMalformedStepIdsAreReported() {
    Workflow.Builder b =
        with(script("a").onSuccess("b"), script("b"), script("b"))
            .step(Step.succeed(" "), Step.succeed("has space"), Step.succeed("$x"));

    assertThat(problems(b))
        .contains(
            new Problem("b", "id", "be unique in the workflow", "\"b\" (step #3)"),
            new Problem(" ", "id", "not be blank", "\" \""),
            new Problem(
                "has space",
                "id",
                "be letters, digits, '.', '_' or '-' (not starting with '.' or '-')",
                "\"has space\""),
            new Problem(
                "$x",
                "id",
                "be letters, digits, '.', '_' or '-' (not starting with '.' or '-')",
                "\"$x\""));
  }

  @Test
  void missingRequiredFieldsOfEachStepKindAreReportedTogether() {
    Workflow.Builder b =
        with(
            Step.script("s").next("c"),
            Step.command("c").next("n"),
            Step.notify("n").next("e"),
            Step.email("e").next("d"),
            Step.delay("d", null).next("cond"),
            Step.condition("cond", null).whenTrue("h").whenFalse("h"),
            Step.healthCheck("h").next("ap"),
            Step.approval("ap").next("esc"),
            Step.escalate("esc"));

    assertThat(problems(b))
        .containsExactly(
            new Problem(
                "s", "scriptId", "be given (a library script id or an inline script)", "null"),
            new Problem("c", "commands", "name at least one command", "[]"),
            new Problem("n", "channel", "be given", "null"),
            new Problem("e", "to", "name at least one recipient", "[]"),
            new Problem("d", "duration", "be given", "null"),
            new Problem("cond", "condition", "be given", "null"),
            new Problem(
                "h", "scriptId", "be given (a library script id or an inline script)", "null"),
            new Problem("h", "interval", "be given", "null"),
            new Problem("ap", "ttl", "be given", "null"),
            new Problem(
                "esc", "policy", "be given when the workflow has no escalation policy", "null"));
  }

  @Test
  void anEscalateStepMayUseTheWorkflowsEscalationPolicy() {
    Workflow w =
        with(Step.escalate("esc"))
            .escalation(EscalationPolicy.of(EscalationTier.of("pager", Duration.ZERO)))
            .build();

    assertThat(w.escalation()).isPresent();
  }

  @Test
  void negativeAndZeroDurationsAreReported() {
    Workflow.Builder b =
        with(
                Step.script("s")
                    .script("x")
                    .timeout(Duration.ofSeconds(-1))
                    .compensation(new Compensation(ScriptRef.library("undo"), Duration.ZERO))
                    .next("d"),
                Step.delay("d", Duration.ofSeconds(-5)).next("ap"),
                Step.approval("ap").ttl(Duration.ZERO))
            .deadline(Duration.ZERO)
            .cooldown(Duration.ofMinutes(-1));

    assertThat(problems(b))
        .containsExactly(
            new Problem(null, "deadline", "be positive", "PT0S"),
            new Problem(null, "cooldown", "be positive", "PT-1M"),
            new Problem("s", "timeout", "be positive", "PT-1S"),
            new Problem("s", "rollbackTimeout", "be positive", "PT0S"),
            new Problem("d", "duration", "be positive", "PT-5S"),
            new Problem("ap", "ttl", "be positive", "PT0S"));
  }

  @Test
  void aHealthCheckIntervalLongerThanItsTimeoutIsReported() {
    Workflow.Builder b =
        with(
            Step.healthCheck("h")
                .script("probe")
                .interval(Duration.ofMinutes(10))
                .timeout(Duration.ofMinutes(5)));

    assertThat(problems(b))
        .containsExactly(
            new Problem("h", "interval", "be at most the step's timeout (PT5M)", "PT10M"));
  }

  @Test
  void terminalStepsCannotHaveTransitions() {
    Workflow.Builder b = with(Step.succeed("ok").onSuccess("ok"), Step.fail("no").onFailure("ok"));

    assertThat(problems(b))
        .contains(
            new Problem(
                "ok", "onSuccess", "be absent on a succeed step (it ends the workflow)", "\"ok\""),
            new Problem(
                "no", "onFailure", "be absent on a fail step (it ends the workflow)", "\"ok\""));
  }

  @Test
  void templatesMayOnlyUseKnownPlaceholdersAndExistingSteps() {
    Workflow.Builder b =
        with(
            script("check").onSuccess("n"),
            Step.notify("n")
                .channel("slack")
                .subject("${node.id}: ${step.check.exitCode} ${trigger.diskUsagePercent}")
                .body("${step.chek.stdout} ${node.ip} ${step.check.output}"));

    assertThat(problems(b))
        .containsExactly(
            new Problem(
                "n",
                "body",
                "name a step of the workflow in ${step.<id>.stdout}",
                "\"${step.chek.stdout}\""),
            new Problem(
                "n",
                "body",
                "be one of node.id, node.name, workflow.id, workflow.name, workflow.version,"
                    + " execution.id, step.id, step.<id>.<field> or trigger.<field>",
                "\"${node.ip}\""),
            new Problem(
                "n",
                "body",
                "use a step field: step.<id>.exitCode|stdout|stderr|status|timedOut",
                "\"${step.check.output}\""));
  }

  @Test
  void conditionsOnStepsMustNameExistingSteps() {
    Workflow.Builder b =
        with(
            script("a")
                .successCriteria(Condition.onStep("ghost", Condition.exitCode(0)))
                .onSuccess("c"),
            Step.condition("c", Condition.not(Condition.onStep("a", Condition.exitCode(0)))));

    assertThat(problems(b))
        .containsExactly(new Problem("a", "successCriteria.step", "name a step", "\"ghost\""));
  }

  @Test
  void triggerConditionsMayOnlyReadTriggerData() {
    Workflow.Builder b =
        with(script("a"))
            .trigger(
                WorkflowTrigger.metric(
                    Condition.threshold("cpu", Op.GT, 90).and(Condition.exitCode(0))));

    assertThat(problems(b))
        .containsExactly(
            new Problem(
                null,
                "trigger.condition",
                "use trigger data only (threshold, jsonPath on the trigger, and/or/not)",
                "\"exit code == 0\""));
  }

  @Test
  void emailRecipientsMustBeAddresses() {
    Workflow.Builder b = with(Step.email("mail").to("ops@example.com", "not an address"));

    assertThat(problems(b))
        .containsExactly(
            new Problem("mail", "to[1]", "be an e-mail address", "\"not an address\""));
  }

  @Test
  void anEmptyWorkflowAndABadEntryAreReported() {
    assertThat(problems(Workflow.builder("wf")))
        .containsExactly(new Problem(null, "steps", "name at least one step", "[]"));
    assertThat(problems(with(script("a")).entry("b")))
        .containsExactly(new Problem(null, "entry", "name a step", "\"b\""));
    assertThat(problems(Workflow.builder(" ").step(script("a"))))
        .containsExactly(new Problem(null, "id", "not be blank", "\" \""));
  }

  @Test
  void everyProblemIsCollectedNotJustTheFirst() {
    Workflow.Builder b =
        with(script("a").onSuccess("x").onFailure("y"), Step.delay("d", null), Step.notify("n"))
            .deadline(Duration.ZERO);

    List<Problem> problems = problems(b);

    assertThat(problems).hasSizeGreaterThanOrEqualTo(6);
    assertThat(problems)
        .extracting(Problem::field)
        .contains("onSuccess", "onFailure", "duration", "channel", "deadline", "id");
  }

  @Test
  void valuesValidatedWhereTheyAreBuiltThrowAtOnce() {
    Consumer<Runnable> rejects =
        r -> assertThatThrownBy(r::run).isInstanceOf(ValidationException.class);

    rejects.accept(() -> Condition.regex("("));
    rejects.accept(() -> Condition.jsonPath("$[", Op.EQ, 1));
    rejects.accept(() -> io.scripttask.remediation.StepRetry.builder().maxAttempts(0).build());
    rejects.accept(
        () -> WorkflowTrigger.metric(Condition.threshold("cpu", Op.GT, 1)).samples(4, 3));
  }

  @Test
  void verifyOnAScriptStepNeedsAProbeOrCriteriaThatDoNotReadItsOwnResult() {
    assertThat(
            problems(
                with(
                    script("a").interruptPolicy(InterruptPolicy.VERIFY).onSuccess("b"),
                    Step.command("b")
                        .commands("systemctl restart app")
                        .interruptPolicy(InterruptPolicy.VERIFY)
                        .successCriteria(
                            Condition.allOf(
                                Condition.threshold("cpu", Op.LT, 90),
                                Condition.outputContains("restarted"))))))
        .extracting(Problem::message)
        .containsExactly(
            "step 'a': field 'verifyScriptId' must be given when interruptPolicy is verify (a"
                + " probe that tells whether the step's work is done), but was null",
            "step 'b': field 'successCriteria' must not read the step's own result when"
                + " interruptPolicy is verify without verifyScriptId (declare a verification"
                + " probe), but was \"stdout contains \"restarted\"\"");
  }

  @Test
  void verifyIsAcceptedWithAProbeOrWithCriteriaOnTriggerDataAndOtherSteps() {
    Workflow w =
        with(
                script("a").onSuccess("b"),
                script("b").verify("b-done").onSuccess("c"),
                script("c")
                    .interruptPolicy(InterruptPolicy.VERIFY)
                    .successCriteria(
                        Condition.anyOf(
                            Condition.onStep("a", Condition.outputContains("already")),
                            Condition.threshold("disk", Op.LT, 80))))
            .build();

    assertThat(w.step("b").orElseThrow().interruptPolicy()).isEqualTo(InterruptPolicy.VERIFY);
    assertThat(w.step("b").orElseThrow().verification()).isEqualTo(Verification.script("b-done"));
    assertThat(w.step("c").orElseThrow().verification()).isNull();
  }

  @Test
  void aVerificationProbeIsOnlyForScriptAndCommandStepsUnderVerify() {
    assertThat(
            problems(
                with(
                    script("a").verify("a-done").interruptPolicy(InterruptPolicy.RERUN).next("n"),
                    Step.notify("n")
                        .channel("slack")
                        .subject("hi")
                        .verify(Verification.script("sent").withTimeout(Duration.ZERO)))))
        .containsExactly(
            new Problem(
                "a", "interruptPolicy", "be verify when verifyScriptId is declared", "rerun"),
            new Problem("n", "verifyTimeout", "be positive", "PT0S"),
            new Problem(
                "n",
                "verifyScriptId",
                "be declared only on a script or command step (this step is of kind notify)",
                "\"sent\""));
  }
}
