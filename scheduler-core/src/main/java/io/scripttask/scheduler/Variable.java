package io.scripttask.scheduler;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named value handed to scripts, by default as an environment variable (see {@link Variables}).
 *
 * <p>A secret variable (a password, a token) has its value masked as {@code ***} by {@link
 * #toString()} and in exception messages; the engine still hands the real value to the script.
 *
 * @param scope where the variable applies
 * @param scopeId the script, group or node id it applies to; {@code null} for {@link
 *     VariableScope#GLOBAL}
 * @param name the name, a valid environment variable name ({@code [A-Za-z_][A-Za-z0-9_]*})
 * @param value the value (may be empty)
 * @param secret whether the value must never be shown
 */
public record Variable(
    VariableScope scope, String scopeId, String name, String value, boolean secret) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Validates the variable.
   *
   * @throws NullPointerException if scope, name or value is null, or scopeId is null for a scope
   *     other than {@link VariableScope#GLOBAL}
   * @throws ValidationException if a global variable has a scope id, if the scope id is blank, if
   *     the name is not a valid environment variable name, or if the value contains a NUL character
   *     or an unpaired surrogate (no environment can carry either)
   */
  public Variable {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (scope == VariableScope.GLOBAL) {
      if (scopeId != null) {
        throw new ValidationException("scopeId", "be null for a GLOBAL variable", scopeId);
      }
    } else {
      Objects.requireNonNull(scopeId, "scopeId");
      if (scopeId.isBlank()) {
        throw new ValidationException("scopeId", "not be blank", "\"" + scopeId + "\"");
      }
    }
    if (!NAME.matcher(name).matches()) {
      throw new ValidationException("name", "match [A-Za-z_][A-Za-z0-9_]*", "\"" + name + "\"");
    }
    String problem = problemWith(value);
    if (problem != null) {
      throw new ValidationException(
          "value of " + name,
          "be text an environment variable can carry",
          "a value containing " + problem);
    }
  }

  /**
   * A variable for every run.
   *
   * @param name the name
   * @param value the value
   * @return the variable
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if the name or value is invalid
   */
  public static Variable global(String name, String value) {
    return new Variable(VariableScope.GLOBAL, null, name, value, false);
  }

  /**
   * A variable for the runs of one script.
   *
   * @param scriptId the script's id
   * @param name the name
   * @param value the value
   * @return the variable
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if the script id is blank or the name or value is invalid
   */
  public static Variable script(String scriptId, String name, String value) {
    return new Variable(VariableScope.SCRIPT, scriptId, name, value, false);
  }

  /**
   * A variable for the runs on the nodes of one group.
   *
   * @param groupId the group's id
   * @param name the name
   * @param value the value
   * @return the variable
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if the group id is blank or the name or value is invalid
   */
  public static Variable group(String groupId, String name, String value) {
    return new Variable(VariableScope.GROUP, groupId, name, value, false);
  }

  /**
   * A variable for the runs on one node.
   *
   * @param nodeId the node's id
   * @param name the name
   * @param value the value
   * @return the variable
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if the node id is blank or the name or value is invalid
   */
  public static Variable node(String nodeId, String name, String value) {
    return new Variable(VariableScope.NODE, nodeId, name, value, false);
  }

  /**
   * @return a copy of this variable marked secret
   */
  public Variable asSecret() {
    return new Variable(scope, scopeId, name, value, true);
  }

  /**
   * @return the variable, with its value shown as {@code ***} if it is secret
   */
  @Override
  public String toString() {
    return "Variable[scope="
        + scope
        + ", scopeId="
        + scopeId
        + ", name="
        + name
        + ", value="
        + (secret ? ValidationException.MASK : value)
        + ", secret="
        + secret
        + "]";
  }

  /**
   * @return a description of the first character no environment can carry, or null
   */
  private static String problemWith(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\0') {
        return "a NUL character";
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        return "an unpaired surrogate";
      }
      if (Character.isLowSurrogate(c)) {
        return "an unpaired surrogate";
      }
    }
    return null;
  }
}
