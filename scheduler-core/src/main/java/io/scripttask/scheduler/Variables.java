package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.template.TemplateRenderer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable set of {@link Variable}s, and the rules that turn them into a run's values.
 *
 * <h2>Scopes</h2>
 *
 * For a script on a node, {@link #resolve(Script, Node)} applies the global variables, then the
 * script's, then those of the node's groups, then the node's own; a later one replaces an earlier
 * one of the same name ({@code GLOBAL < SCRIPT < GROUP < NODE}). When a node is in several groups
 * that define the same name, the groups are applied in ascending order of their ids ({@link
 * String#compareTo}), so the group whose id sorts last wins: a node in {@code db} and {@code web}
 * gets {@code web}'s value. Nothing depends on the order in which groups or variables were given.
 *
 * <h2>Environment variables first</h2>
 *
 * The engine hands the resolved values to the script as environment variables, which no value can
 * turn into code: prefer {@code "$NAME"} (sh), {@code $env:NAME} (PowerShell), {@code %NAME%}
 * (cmd), {@code os.environ["NAME"]} (Python) in scripts. {@link #render} exists for scripts written
 * for MeshCentral ScriptTask's {@code #name#} replacement.
 *
 * <h2>Templates</h2>
 *
 * {@link #render(String, Shell, Map)} replaces each {@code #name#} ({@code name} matching {@code
 * [A-Za-z_][A-Za-z0-9_]*}) with the value quoted for the shell as one literal token, so that the
 * script receives the value exactly and the value cannot run anything (the quoting rules per shell
 * are those of {@code io.scripttask.scheduler.internal.template.Quoting}: single quotes for sh,
 * bash and PowerShell, a Python string literal, double quotes for cmd, which rejects values with
 * {@code " % ! ^}, line breaks or non-ASCII characters). Because the value arrives already quoted,
 * a placeholder must stand where the shell reads code, as a word of its own or part of one:
 *
 * <pre>{@code
 * printf '%s\n' #GREETING#          ->  printf '%s\n' 'it'\''s'
 * echo "Disk: "#DISK#               ->  echo "Disk: "'/dev/sda'
 * }</pre>
 *
 * <ul>
 *   <li>A placeholder that names no variable is an error.
 *   <li>In a comment, placeholders are left as they are.
 *   <li>Inside a quoted string, a here-document, a here-string and the like, where the value would
 *       not come out as one literal, a placeholder of a known variable is an error (move it out of
 *       the quotes, as above); other {@code #word#} text there is left as it is. Backticks, {@code
 *       ${...}}, {@code $((...))} and f-strings count as such places; {@code $(...)} is code.
 *   <li>{@code ##} has no special meaning: {@code #} is a comment sign and an operator in every
 *       supported shell (for example <code>${path##*&#47;}</code>), so it is left alone. A text
 *       that looks like a placeholder but must stay literal belongs in quotes or a comment.
 *   <li>A {@code #} immediately followed by a name and a {@code #} is always a placeholder in code,
 *       even where the shell would have started a comment ({@code #TODO#}).
 * </ul>
 *
 * <p>The scanners follow each shell's quoting closely enough for ordinary scripts and refuse
 * constructs they cannot follow safely, but they are not full parsers: keep placeholders in plain
 * commands and assignments.
 */
public final class Variables {

  private static final Comparator<Variable> ORDER =
      Comparator.comparing(Variable::scope)
          .thenComparing(Variable::scopeId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(Variable::name);

  private static final Variables EMPTY = new Variables(List.of());

  /** Sorted by {@link #ORDER}: scope, scope id, name; which is also the order of precedence. */
  private final List<Variable> variables;

  private Variables(List<Variable> sorted) {
    this.variables = sorted;
  }

  /**
   * @return a set with no variables
   */
  public static Variables empty() {
    return EMPTY;
  }

  /**
   * @param variables the variables
   * @return a set of the variables
   * @throws NullPointerException if a variable is null
   * @throws ValidationException if two variables have the same scope, scope id and name
   */
  public static Variables of(Variable... variables) {
    return of(Arrays.asList(Objects.requireNonNull(variables, "variables")));
  }

  /**
   * @param variables the variables
   * @return a set of the variables
   * @throws NullPointerException if the collection or a variable is null
   * @throws ValidationException if two variables have the same scope, scope id and name
   */
  public static Variables of(Collection<Variable> variables) {
    Objects.requireNonNull(variables, "variables");
    List<Variable> sorted = new ArrayList<>(variables.size());
    for (Variable variable : variables) {
      sorted.add(Objects.requireNonNull(variable, "variable"));
    }
    sorted.sort(ORDER);
    for (int i = 1; i < sorted.size(); i++) {
      if (ORDER.compare(sorted.get(i - 1), sorted.get(i)) == 0) {
        throw new ValidationException(
            "variables", "not define a name twice in one scope", key(sorted.get(i)) + " twice");
      }
    }
    return new Variables(List.copyOf(sorted));
  }

  /**
   * @param variable a variable
   * @return a set with the variable added, replacing one of the same scope, scope id and name
   * @throws NullPointerException if {@code variable} is null
   */
  public Variables with(Variable variable) {
    Objects.requireNonNull(variable, "variable");
    List<Variable> copy = new ArrayList<>(variables.size() + 1);
    for (Variable v : variables) {
      if (ORDER.compare(v, variable) != 0) {
        copy.add(v);
      }
    }
    copy.add(variable);
    copy.sort(ORDER);
    return new Variables(List.copyOf(copy));
  }

  /**
   * @return the variables, ordered by scope, scope id and name
   */
  public List<Variable> list() {
    return variables;
  }

  /**
   * @return how many variables there are
   */
  public int size() {
    return variables.size();
  }

  /**
   * @return whether there are no variables
   */
  public boolean isEmpty() {
    return variables.isEmpty();
  }

  /**
   * The variables that apply to a script on a node, by name, after precedence: for each name the
   * one of the latest scope (see the class comment).
   *
   * @param script the script
   * @param node the node
   * @return the winning variable of each name, sorted by name
   * @throws NullPointerException if an argument is null
   */
  public SortedMap<String, Variable> effective(Script script, Node node) {
    Objects.requireNonNull(script, "script");
    Objects.requireNonNull(node, "node");
    TreeMap<String, Variable> winners = new TreeMap<>();
    // variables are sorted by scope, then scope id, which is exactly the order of precedence
    for (Variable variable : variables) {
      if (applies(variable, script, node)) {
        winners.put(variable.name(), variable);
      }
    }
    return Collections.unmodifiableSortedMap(winners);
  }

  /**
   * The values for a script on a node: global &lt; script &lt; group &lt; node, groups in ascending
   * order of id (see the class comment).
   *
   * @param script the script
   * @param node the node
   * @return the value of each name, sorted by name
   * @throws NullPointerException if an argument is null
   */
  public SortedMap<String, String> resolve(Script script, Node node) {
    if (variables.isEmpty()) {
      Objects.requireNonNull(script, "script");
      Objects.requireNonNull(node, "node");
      return Collections.emptySortedMap();
    }
    TreeMap<String, String> values = new TreeMap<>();
    effective(script, node).forEach((name, variable) -> values.put(name, variable.value()));
    return Collections.unmodifiableSortedMap(values);
  }

  /**
   * Replaces the {@code #name#} placeholders of a template with values quoted for a shell (see the
   * class comment for the rules).
   *
   * @param template the template, for example a script's content
   * @param shell the shell that will run the result
   * @param values the values by name, for example from {@link #resolve(Script, Node)}
   * @return the rendered text
   * @throws NullPointerException if an argument, or a name or value in {@code values}, is null
   * @throws ValidationException naming the placeholder if it names no variable, if a known
   *     variable's placeholder stands inside quotes or another place where its value would not be
   *     read as one literal, or if a value cannot be quoted for the shell (a NUL character, an
   *     unpaired surrogate, or for cmd any of {@code " % ! ^}, a line break or a non-ASCII
   *     character); the message never contains a value
   */
  public static String render(String template, Shell shell, Map<String, String> values) {
    return TemplateRenderer.render(template, shell, values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Variables other && variables.equals(other.variables);
  }

  @Override
  public int hashCode() {
    return variables.hashCode();
  }

  /**
   * @return the variables, secret values masked
   */
  @Override
  public String toString() {
    return "Variables" + variables;
  }

  private static boolean applies(Variable variable, Script script, Node node) {
    return switch (variable.scope()) {
      case GLOBAL -> true;
      case SCRIPT -> variable.scopeId().equals(script.id());
      case GROUP -> node.groups().contains(variable.scopeId());
      case NODE -> variable.scopeId().equals(node.id());
    };
  }

  private static String key(Variable variable) {
    return variable.scope()
        + (variable.scopeId() == null ? "" : " " + variable.scopeId())
        + " "
        + variable.name();
  }
}
