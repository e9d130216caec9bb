package io.scripttask.remediation;

/**
 * The root of remediation-core's own failures: what the engine throws because of the state of the
 * world (an unknown workflow or execution, an execution not in the state an operation needs) rather
 * than because of bad input, which is a {@link io.scripttask.scheduler.ValidationException}.
 * Subclasses carry the ids they are about as fields.
 */
public class RemediationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong
   */
  public RemediationException(String message) {
    super(message);
  }
}
