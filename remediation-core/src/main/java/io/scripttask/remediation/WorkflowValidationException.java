package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.util.List;
import java.util.Objects;

/**
 * Thrown when a workflow (built in code or read from JSON) breaks rules: it carries every problem
 * found, not just the first, each naming the step (when it is about a step), the field, the rule
 * and the value. The message lists them, one a line:
 *
 * <pre>
 * workflow 'security-patch-application' has 3 problems:
 *   step 'backup': field 'onFailure' must name a step, but was "notify-failure"
 *   ...
 * </pre>
 *
 * {@link #field()}, {@link #rule()} and {@link #value()} are those of the first problem.
 */
public class WorkflowValidationException extends ValidationException {
  private static final long serialVersionUID = 1L;

  private final String workflowId;
  private final transient List<Problem> problems;

  /**
   * @param workflowId the workflow's id (or name) as far as known, may be null
   * @param problems the problems, at least one
   * @throws IllegalArgumentException if there is no problem
   */
  public WorkflowValidationException(String workflowId, List<Problem> problems) {
    super(
        first(problems).field(),
        first(problems).rule(),
        first(problems).value(),
        message(workflowId, problems));
    this.workflowId = workflowId;
    this.problems = List.copyOf(problems);
  }

  private static Problem first(List<Problem> problems) {
    Objects.requireNonNull(problems, "problems");
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    return problems.get(0);
  }

  private static String message(String workflowId, List<Problem> problems) {
    String who = workflowId == null ? "workflow" : "workflow '" + workflowId + "'";
    if (problems.size() == 1) {
      return who + ": " + problems.get(0).message();
    }
    StringBuilder sb = new StringBuilder(who).append(" has ").append(problems.size());
    sb.append(" problems:");
    for (Problem p : problems) {
      sb.append("\n  ").append(p.message());
    }
    return sb.toString();
  }

  /**
   * @return the workflow's id (or name) as far as known, may be null
   */
  public String workflowId() {
    return workflowId;
  }

  /**
   * @return every problem found, in the order of the definition
   */
  public List<Problem> problems() {
    return problems;
  }

  /**
   * One broken rule.
   *
   * @param stepId the step it is about, or null for the workflow itself
   * @param field the field, as in JSON ({@code onFailure}, {@code retryPolicy.maxAttempts}, ...)
   * @param rule what the field must be, completing "must ..."
   * @param value the offending value as text (strings quoted; secrets {@code ***})
   */
  public record Problem(String stepId, String field, String rule, String value) {
    /**
     * @throws NullPointerException if field or rule is null
     */
    public Problem {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(rule, "rule");
    }

    /**
     * @param stepId the step, or null
     * @param e a validation exception about one of the step's values
     * @param prefix the path of the value (e.g. {@code retryPolicy}), or empty
     * @return the problem, with the exception's field under the prefix
     */
    public static Problem of(String stepId, String prefix, ValidationException e) {
      String field = prefix.isEmpty() ? e.field() : prefix + "." + e.field();
      if (!prefix.isEmpty() && prefix.equals(e.field())) {
        field = prefix;
      }
      return new Problem(stepId, field, e.rule(), e.value());
    }

    /**
     * @return e.g. {@code step 'install-patch': field 'onFailure' must name a step, but was
     *     "rollback-trigger"}
     */
    public String message() {
      String where = stepId == null ? "" : "step '" + stepId + "': ";
      return where + "field '" + field + "' must " + rule + ", but was " + value;
    }

    @Override
    public String toString() {
      return message();
    }
  }
}
