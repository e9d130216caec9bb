package io.scripttask.remediation.condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.Condition;
import io.scripttask.remediation.ConditionContext;
import io.scripttask.remediation.Op;
import io.scripttask.remediation.OutputSource;
import io.scripttask.remediation.StepResult;
import io.scripttask.scheduler.ValidationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionTest {

  private static ConditionContext result(Integer exit, String stdout, String stderr) {
    return ConditionContext.of(new StepResult(exit, stdout, stderr, false));
  }

  private static ConditionContext trigger(Map<String, ?> data) {
    return ConditionContext.ofTrigger(data);
  }

  // ---------------------------------------------------------------- exit code

  @ParameterizedTest(name = "exit {0} {1} {2} -> {3}")
  @CsvSource({
    "0, EQ, 0, true",
    "1, EQ, 0, false",
    "1, NE, 0, true",
    "0, NE, 0, false",
    "2, GT, 1, true",
    "1, GT, 1, false",
    "1, GTE, 1, true",
    "0, LT, 1, true",
    "1, LT, 1, false",
    "1, LTE, 1, true",
    "2, LTE, 1, false"
  })
  void exitCodeComparesWithEveryOperator(int exit, Op op, int value, boolean expected) {
    assertThat(Condition.exitCode(op, value).test(result(exit, "", ""))).isEqualTo(expected);
  }

  @Test
  void exitCodeIsFalseWithoutAResultOrWithoutAnExitCode() {
    Condition ok = Condition.exitCode(0);
    assertThat(ok.test(ConditionContext.EMPTY)).isFalse();
    assertThat(ok.test(ConditionContext.of(StepResult.timedOut("", "")))).isFalse();
    assertThat(Condition.exitCode(Op.NE, 0).test(ConditionContext.of(StepResult.EMPTY))).isFalse();
  }

  // ---------------------------------------------------------------- output contains

  @Test
  void outputContainsLooksAtTheChosenStream() {
    ConditionContext ctx = result(0, "patched 3 packages", "warning: reboot required");

    assertThat(Condition.outputContains("patched").test(ctx)).isTrue();
    assertThat(Condition.outputContains("reboot").test(ctx)).isFalse();
    assertThat(Condition.outputContains("reboot", OutputSource.STDERR, false).test(ctx)).isTrue();
    assertThat(Condition.outputContains("patched", OutputSource.STDERR, false).test(ctx)).isFalse();
    assertThat(Condition.outputContains("reboot", OutputSource.ANY, false).test(ctx)).isTrue();
    assertThat(Condition.outputContains("patched", OutputSource.ANY, false).test(ctx)).isTrue();
  }

  @Test
  void outputContainsIgnoresCaseOnlyWhenAsked() {
    ConditionContext ctx = result(0, "Status: OK", "");

    assertThat(Condition.outputContains("status: ok").test(ctx)).isFalse();
    assertThat(Condition.outputContains("status: ok", OutputSource.STDOUT, true).test(ctx))
        .isTrue();
  }

  @Test
  void outputContainsRejectsAnEmptyText() {
    assertThatThrownBy(() -> Condition.outputContains(""))
        .isInstanceOf(ValidationException.class)
        .hasMessage("text must not be empty, but was \"\"");
  }

  // ---------------------------------------------------------------- regex

  @Test
  void regexIsFoundAnywhereInTheStream() {
    ConditionContext ctx = result(0, "disk /var at 42%\n", "E: lock held");

    assertThat(Condition.regex("at \\d+%").test(ctx)).isTrue();
    assertThat(Condition.regex("^disk").test(ctx)).isTrue();
    assertThat(Condition.regex("at 9\\d%").test(ctx)).isFalse();
    assertThat(Condition.regex("^E: ", OutputSource.STDERR).test(ctx)).isTrue();
    assertThat(Condition.regex("lock", OutputSource.ANY).test(ctx)).isTrue();
  }

  @Test
  void aBadRegexIsRejectedWhenTheConditionIsCreatedNamingPatternAndValue() {
    assertThatThrownBy(() -> Condition.regex("disk (at"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("pattern");
              assertThat(e.value()).isEqualTo("\"disk (at\"");
            })
        .hasMessageStartingWith("pattern must be a valid regular expression (Unclosed group")
        .hasMessageEndingWith("but was \"disk (at\"");
  }

  @Test
  void regexConditionsAreEqualByPatternAndStream() {
    assertThat(Condition.regex("a+")).isEqualTo(Condition.regex("a+"));
    assertThat(Condition.regex("a+").hashCode()).isEqualTo(Condition.regex("a+").hashCode());
    assertThat(Condition.regex("a+")).isNotEqualTo(Condition.regex("a+", OutputSource.STDERR));
  }

  // ---------------------------------------------------------------- JSON path

  @Test
  void jsonPathReadsTheStandardOutputAsJson() {
    ConditionContext ctx =
        result(
            0, "{\"status\":\"ok\",\"free\":12.5,\"checks\":[{\"ok\":true},{\"ok\":false}]}", "");

    assertThat(Condition.jsonPath("$.status", Op.EQ, "ok").test(ctx)).isTrue();
    assertThat(Condition.jsonPath("$.status", Op.NE, "ok").test(ctx)).isFalse();
    assertThat(Condition.jsonPath("$.free", Op.GT, 10).test(ctx)).isTrue();
    assertThat(Condition.jsonPath("$.free", Op.LTE, 12.5).test(ctx)).isTrue();
    assertThat(Condition.jsonPath("$.checks[0].ok", Op.EQ, true).test(ctx)).isTrue();
    assertThat(Condition.jsonPath("$.checks[1].ok", Op.EQ, true).test(ctx)).isFalse();
  }

  @Test
  void jsonPathOnOutputThatIsNotJsonIsFalseNotAnError() {
    Condition c = Condition.jsonPath("$.status", Op.EQ, "ok");

    assertThat(c.test(result(0, "status: ok", ""))).isFalse();
    assertThat(c.test(result(0, "{\"status\": ", ""))).isFalse();
    assertThat(c.test(result(0, "", ""))).isFalse();
    assertThat(Condition.jsonPath("$.status", Op.NE, "ok").test(result(0, "not json", "")))
        .isFalse();
  }

  @Test
  void jsonPathThatFindsNothingIsFalse() {
    ConditionContext ctx = result(0, "{\"status\":\"ok\"}", "");

    assertThat(Condition.jsonPath("$.missing", Op.EQ, "ok").test(ctx)).isFalse();
    assertThat(Condition.jsonPath("$.missing", Op.NE, "ok").test(ctx)).isFalse();
    assertThat(Condition.jsonPath("$.status", Op.EQ, "ok").test(ConditionContext.EMPTY)).isFalse();
  }

  @Test
  void jsonPathWithAnIndefinitePathHoldsWhenAnyValueMatches() {
    ConditionContext ctx = result(0, "{\"disks\":[{\"used\":50},{\"used\":95}]}", "");

    assertThat(Condition.jsonPath("$.disks[*].used", Op.GT, 90).test(ctx)).isTrue();
    assertThat(Condition.jsonPath("$.disks[*].used", Op.GT, 99).test(ctx)).isFalse();
    assertThat(Condition.jsonPath("$..used", Op.EQ, 50).test(ctx)).isTrue();
  }

  @Test
  void jsonPathCanReadTheTriggerData() {
    Map<String, Object> data = new HashMap<>();
    data.put("disk", Map.of("usage", 91, "mount", "/var"));
    ConditionContext ctx = trigger(data);

    assertThat(Condition.jsonPathOnTrigger("$.disk.usage", Op.GTE, 90).test(ctx)).isTrue();
    assertThat(Condition.jsonPathOnTrigger("$.disk.mount", Op.EQ, "/var").test(ctx)).isTrue();
    assertThat(Condition.jsonPath("$.disk.usage", Op.GTE, 90).test(ctx)).isFalse();
  }

  @Test
  void aBadJsonPathIsRejectedWhenTheConditionIsCreatedNamingPathAndValue() {
    assertThatThrownBy(() -> Condition.jsonPath("$.checks[?(@.ok ==", Op.EQ, true))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("path"))
        .hasMessageStartingWith("path must be a valid JSON path")
        .hasMessageEndingWith("but was \"$.checks[?(@.ok ==\"");
    assertThatThrownBy(() -> Condition.jsonPath("", Op.EQ, true))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("path must be a JSON path");
  }

  @Test
  void jsonPathValuesAreNormalizedSoIntegersAndLongsAreEqual() {
    assertThat(Condition.jsonPath("$.a", Op.EQ, 5)).isEqualTo(Condition.jsonPath("$.a", Op.EQ, 5L));
    assertThat(((Condition.JsonPath) Condition.jsonPath("$.a", Op.EQ, 5)).value()).isEqualTo(5L);
    assertThatThrownBy(() -> Condition.jsonPath("$.a", Op.EQ, List.of(1)))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("value must be a number, a string or a boolean");
  }

  // ---------------------------------------------------------------- threshold

  @ParameterizedTest(name = "{0} {1} 85 -> {2}")
  @CsvSource({
    "91, GT, true",
    "85, GT, false",
    "85, GTE, true",
    "84.9, LT, true",
    "85, LTE, true",
    "85.0, EQ, true",
    "86, NE, true",
    "85, NE, false"
  })
  void thresholdComparesATriggerFieldNumerically(double actual, Op op, boolean expected) {
    assertThat(
            Condition.threshold("diskUsagePercent", op, 85)
                .test(trigger(Map.of("diskUsagePercent", actual))))
        .isEqualTo(expected);
  }

  @Test
  void thresholdReadsNumericStringsAndNestedFieldsAndIsFalseWhenMissing() {
    Condition hot = Condition.threshold("diskUsagePercent", Op.GT, 85);

    assertThat(hot.test(trigger(Map.of("diskUsagePercent", "91")))).isTrue();
    assertThat(hot.test(trigger(Map.of("diskUsagePercent", "full")))).isFalse();
    assertThat(hot.test(trigger(Map.of("cpu", 99)))).isFalse();
    assertThat(hot.test(ConditionContext.EMPTY)).isFalse();
    assertThat(
            Condition.threshold("disk.usage", Op.GT, 85)
                .test(trigger(Map.of("disk", Map.of("usage", 90)))))
        .isTrue();
    assertThat(Condition.threshold("disk.usage", Op.GT, 85).test(trigger(Map.of("disk.usage", 90))))
        .isTrue();
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("diskUsagePercent", null);
    assertThat(hot.test(trigger(withNull))).isFalse();
    assertThat(Condition.threshold("diskUsagePercent", Op.NE, 85).test(trigger(withNull)))
        .isFalse();
  }

  @Test
  void thresholdRejectsABlankFieldAndANonFiniteValue() {
    assertThatThrownBy(() -> Condition.threshold(" ", Op.GT, 1))
        .isInstanceOf(ValidationException.class)
        .hasMessage("field must not be blank, but was \" \"");
    assertThatThrownBy(() -> Condition.threshold("x", Op.GT, Double.NaN))
        .isInstanceOf(ValidationException.class)
        .hasMessage("value must be a finite number, but was NaN");
  }

  // ---------------------------------------------------------------- and / or / not / step

  @Test
  void andOrNotCombineConditions() {
    ConditionContext ctx = result(0, "ok", "");
    Condition t = Condition.exitCode(0);
    Condition f = Condition.outputContains("error");

    assertThat(Condition.allOf(t, t).test(ctx)).isTrue();
    assertThat(Condition.allOf(t, f).test(ctx)).isFalse();
    assertThat(Condition.anyOf(f, t).test(ctx)).isTrue();
    assertThat(Condition.anyOf(f, f).test(ctx)).isFalse();
    assertThat(Condition.not(f).test(ctx)).isTrue();
    assertThat(t.and(f.negate()).test(ctx)).isTrue();
    assertThat(f.or(t).test(ctx)).isTrue();
  }

  @Test
  void andAndOrNeedAtLeastOneCondition() {
    assertThatThrownBy(() -> Condition.allOf())
        .isInstanceOf(ValidationException.class)
        .hasMessage("conditions must name at least one condition, but was []");
    assertThatThrownBy(() -> Condition.anyOf())
        .isInstanceOf(ValidationException.class)
        .hasMessage("conditions must name at least one condition, but was []");
  }

  @Test
  void onStepJudgesAnEarlierStepsResult() {
    ConditionContext ctx =
        new ConditionContext(
            StepResult.of(1, "current"),
            Map.of("check", StepResult.of(0, "{\"used\": 93}")),
            Map.of());
    Condition checkPassed = Condition.onStep("check", Condition.exitCode(0));

    assertThat(checkPassed.test(ctx)).isTrue();
    assertThat(Condition.exitCode(0).test(ctx)).isFalse();
    assertThat(Condition.onStep("check", Condition.jsonPath("$.used", Op.GT, 90)).test(ctx))
        .isTrue();
    assertThat(Condition.onStep("never-ran", Condition.exitCode(0)).test(ctx)).isFalse();
  }

  // ---------------------------------------------------------------- describe

  @Test
  void describeGivesReadableText() {
    assertThat(Condition.exitCode(0).describe()).isEqualTo("exit code == 0");
    assertThat(Condition.outputContains("done", OutputSource.ANY, true).describe())
        .isEqualTo("output contains \"done\" (ignoring case)");
    assertThat(Condition.regex("\\d+%").describe()).isEqualTo("stdout matches /\\d+%/");
    assertThat(Condition.jsonPath("$.status", Op.EQ, "ok").describe())
        .isEqualTo("stdout $.status == \"ok\"");
    assertThat(Condition.jsonPathOnTrigger("$.load", Op.GT, 2.5).describe())
        .isEqualTo("trigger $.load > 2.5");
    assertThat(Condition.threshold("diskUsagePercent", Op.GT, 85).describe())
        .isEqualTo("diskUsagePercent > 85");
    assertThat(
            Condition.allOf(
                    Condition.exitCode(0),
                    Condition.anyOf(Condition.outputContains("a"), Condition.outputContains("b")))
                .describe())
        .isEqualTo("exit code == 0 and (stdout contains \"a\" or stdout contains \"b\")");
    assertThat(
            Condition.not(Condition.allOf(Condition.exitCode(0), Condition.exitCode(1))).describe())
        .isEqualTo("not (exit code == 0 and exit code == 1)");
    assertThat(Condition.onStep("check", Condition.exitCode(Op.NE, 0)).describe())
        .isEqualTo("step 'check': exit code != 0");
  }

  // ---------------------------------------------------------------- operators

  @Test
  void operatorsCompareNumbersNumericallyAndOtherValuesOnlyForEquality() {
    assertThat(Op.EQ.test(85, 85.0)).isTrue();
    assertThat(Op.EQ.test("85", 85)).isTrue();
    assertThat(Op.GT.test("abc", "abb")).isFalse();
    assertThat(Op.EQ.test("abc", "abc")).isTrue();
    assertThat(Op.NE.test("abc", "abd")).isTrue();
    assertThat(Op.EQ.test(true, true)).isTrue();
    assertThat(Op.NE.test(null, 1)).isFalse();
  }

  @Test
  void operatorsAreFoundByTheirJsonNamesAndSymbols() {
    assertThat(Op.fromJson("gt")).isEqualTo(Op.GT);
    assertThat(Op.fromJson("GTE")).isEqualTo(Op.GTE);
    assertThat(Op.fromJson("<=")).isEqualTo(Op.LTE);
    assertThat(Op.fromJson("ne")).isEqualTo(Op.NE);
    assertThatThrownBy(() -> Op.fromJson("bigger"))
        .isInstanceOf(ValidationException.class)
        .hasMessage("operator must be one of gt, gte, lt, lte, eq, ne, but was \"bigger\"");
  }
}
