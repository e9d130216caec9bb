package io.scripttask.remediation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.Template;
import io.scripttask.scheduler.ValidationException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplateTest {

  @Test
  void rendersPlaceholdersFromTheMap() {
    Template t =
        Template.of(
            "Disk on ${node.id} at ${trigger.diskUsagePercent}%: exit ${step.check.exitCode}");

    assertThat(
            t.render(
                Map.of(
                    "node.id", "web-1", "trigger.diskUsagePercent", 91, "step.check.exitCode", 0)))
        .isEqualTo("Disk on web-1 at 91%: exit 0");
    assertThat(t.placeholders())
        .containsExactly("node.id", "trigger.diskUsagePercent", "step.check.exitCode");
  }

  @Test
  void aPlaceholderWithoutAValueIsLeftAsWritten() {
    assertThat(Template.of("on ${node.id} (${node.name})").render(Map.of("node.id", "db-1")))
        .isEqualTo("on db-1 (${node.name})");
  }

  @Test
  void aDoubledDollarWritesALiteralPlaceholder() {
    Template t = Template.of("cost $5, literal $${node.id}, real ${node.id}");

    assertThat(t.render(Map.of("node.id", "n1"))).isEqualTo("cost $5, literal ${node.id}, real n1");
    assertThat(t.placeholders()).containsExactly("node.id");
  }

  @Test
  void anUnclosedOrMalformedPlaceholderIsRejected() {
    assertThatThrownBy(() -> Template.of("on ${node.id"))
        .isInstanceOf(ValidationException.class)
        .hasMessage("template must close every '${' with '}', but was \"on ${node.id\"");
    assertThatThrownBy(() -> Template.of("on ${node id}"))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "template must name placeholders with letters, digits, '.', '_' or '-', but was"
                + " \"${node id}\" in \"on ${node id}\"");
    assertThatThrownBy(() -> Template.of("${}")).isInstanceOf(ValidationException.class);
  }

  @Test
  void knownNamesAreNodeWorkflowExecutionStepAndTriggerFields() {
    Set<String> steps = Set.of("check", "a.b");

    assertThat(Template.checkName("node.id", steps)).isNull();
    assertThat(Template.checkName("execution.id", steps)).isNull();
    assertThat(Template.checkName("step.id", steps)).as("the current step").isNull();
    assertThat(Template.checkName("trigger.anything.at.all", steps)).isNull();
    assertThat(Template.checkName("step.check.stdout", steps)).isNull();
    assertThat(Template.checkName("step.a.b.status", steps)).isNull();
    assertThat(Template.checkName("step.nope.stdout", steps))
        .isEqualTo("name a step of the workflow in ${step.<id>.stdout}");
    assertThat(Template.checkName("step.check.pid", steps)).startsWith("use a step field");
    assertThat(Template.checkName("trigger.", steps)).startsWith("be one of");
    assertThat(Template.checkName("env.HOME", steps)).startsWith("be one of");
  }

  @Test
  void templatesAreEqualByText() {
    assertThat(Template.of("a ${node.id}")).isEqualTo(Template.of("a ${node.id}"));
    assertThat(Template.of("")).isSameAs(Template.EMPTY);
    assertThat(Template.of("x").toString()).isEqualTo("x");
  }
}
