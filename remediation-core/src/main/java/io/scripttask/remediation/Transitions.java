package io.scripttask.remediation;

/**
 * Transition targets of a {@link Step}: {@link Step#onSuccess()} and {@link Step#onFailure()} name
 * a step id, one of the terminal markers below, or nothing.
 *
 * <ul>
 *   <li>absent ({@code null}): the workflow ends; after a success it {@code SUCCEEDED}, after a
 *       failure it {@code FAILED} (which runs the compensations when rollback is enabled);
 *   <li>{@link #SUCCEED}: the workflow ends and succeeds, whatever the step's outcome;
 *   <li>{@link #FAIL}: the workflow ends and fails, whatever the step's outcome.
 * </ul>
 *
 * Step ids cannot start with {@code $}, so the markers never clash with a step.
 */
public final class Transitions {
  /** End the workflow as succeeded. */
  public static final String SUCCEED = "$succeed";

  /** End the workflow as failed (rollback runs when enabled). */
  public static final String FAIL = "$fail";

  private Transitions() {}

  /**
   * @param target a transition target, may be null
   * @return whether the target ends the workflow: null, {@link #SUCCEED} or {@link #FAIL}
   */
  public static boolean isTerminal(String target) {
    return target == null || SUCCEED.equals(target) || FAIL.equals(target);
  }
}
