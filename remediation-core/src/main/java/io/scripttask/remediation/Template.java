package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A message text with {@code ${name}} placeholders, rendered by the engine for notify, e-mail,
 * approval and escalation messages.
 *
 * <p>The names a workflow may use (checked when the workflow is built):
 *
 * <ul>
 *   <li>{@code ${node.id}}, {@code ${node.name}}: the node the execution runs for;
 *   <li>{@code ${workflow.id}}, {@code ${workflow.name}}, {@code ${workflow.version}}, {@code
 *       ${execution.id}}, {@code ${step.id}} (the id of the step being run);
 *   <li>{@code ${step.<id>.exitCode}}, {@code ${step.<id>.stdout}}, {@code ${step.<id>.stderr}},
 *       {@code ${step.<id>.status}}, {@code ${step.<id>.timedOut}}: a step's latest result;
 *   <li>{@code ${trigger.<field>}}: a trigger data field (any name).
 * </ul>
 *
 * A name is letters, digits and {@code . _ -}. <code>$${</code> writes a literal <code>${</code>.
 * Immutable and thread-safe; equal when the text is.
 */
public final class Template {

  /** The empty template. */
  public static final Template EMPTY = new Template("");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  /** The fields a {@code ${step.<id>.<field>}} placeholder may name. */
  public static final Set<String> STEP_FIELDS =
      Collections.unmodifiableSet(
          new LinkedHashSet<>(List.of("exitCode", "stdout", "stderr", "status", "timedOut")));

  /** The placeholders that need no step or trigger: node, workflow and execution fields. */
  public static final Set<String> FIXED_NAMES =
      Collections.unmodifiableSet(
          new LinkedHashSet<>(
              List.of(
                  "node.id",
                  "node.name",
                  "workflow.id",
                  "workflow.name",
                  "workflow.version",
                  "execution.id",
                  "step.id")));

  private final String text;

  /** Alternating literal text and placeholder names: literal, name, literal, ..., literal. */
  private final List<String> parts;

  private Template(String text) {
    this.text = text;
    this.parts = parse(text);
  }

  /**
   * @param text the template text
   * @return the template
   * @throws NullPointerException if {@code text} is null
   * @throws ValidationException naming {@code template} if a <code>${</code> is not closed or a
   *     name is empty or has characters other than letters, digits and {@code . _ -}
   */
  public static Template of(String text) {
    Objects.requireNonNull(text, "text");
    return text.isEmpty() ? EMPTY : new Template(text);
  }

  private static List<String> parse(String text) {
    List<String> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith("$${", i)) {
        literal.append("${");
        i += 3;
      } else if (text.startsWith("${", i)) {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          throw new ValidationException("template", "close every '${' with '}'", quoted(text));
        }
        String name = text.substring(i + 2, end);
        if (!NAME.matcher(name).matches()) {
          throw new ValidationException(
              "template",
              "name placeholders with letters, digits, '.', '_' or '-'",
              "\"${" + name + "}\" in " + quoted(text));
        }
        parts.add(literal.toString());
        literal.setLength(0);
        parts.add(name);
        i = end + 1;
      } else {
        literal.append(text.charAt(i));
        i++;
      }
    }
    parts.add(literal.toString());
    return List.copyOf(parts);
  }

  /**
   * @return the template text as written
   */
  public String text() {
    return text;
  }

  /**
   * @return the placeholder names in order of first use, e.g. {@code [node.id, step.check.stdout]}
   */
  public List<String> placeholders() {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 1; i < parts.size(); i += 2) {
      names.add(parts.get(i));
    }
    return List.copyOf(names);
  }

  /**
   * Renders the template. A placeholder without a value is left as written ({@code ${name}}), so a
   * missing value shows rather than vanishes.
   *
   * @param values values by placeholder name; {@code String.valueOf} renders each
   * @return the text
   * @throws NullPointerException if {@code values} is null
   */
  public String render(Map<String, ?> values) {
    Objects.requireNonNull(values, "values");
    StringBuilder out = new StringBuilder(text.length() + 32);
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      if (i % 2 == 0) {
        out.append(part);
      } else if (values.containsKey(part)) {
        out.append(values.get(part));
      } else {
        out.append("${").append(part).append('}');
      }
    }
    return out.toString();
  }

  /**
   * Checks a placeholder name against the names a workflow may use.
   *
   * @param name a placeholder name
   * @param stepIds the workflow's step ids
   * @return null if the name is known, otherwise the rule it breaks (completing "must ...")
   */
  public static String checkName(String name, Set<String> stepIds) {
    if (FIXED_NAMES.contains(name)) {
      return null;
    }
    if (name.startsWith("trigger.") && name.length() > "trigger.".length()) {
      return null;
    }
    if (name.startsWith("step.")) {
      int dot = name.lastIndexOf('.');
      String field = name.substring(dot + 1);
      String id = dot > 5 ? name.substring(5, dot) : "";
      if (!STEP_FIELDS.contains(field) || id.isEmpty()) {
        return "use a step field: step.<id>." + String.join("|", STEP_FIELDS);
      }
      if (!stepIds.contains(id)) {
        return "name a step of the workflow in ${step.<id>." + field + "}";
      }
      return null;
    }
    return "be one of " + String.join(", ", FIXED_NAMES) + ", step.<id>.<field> or trigger.<field>";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Template t && t.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }

  private static String quoted(String s) {
    String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return "\"" + shown + "\"";
  }
}
