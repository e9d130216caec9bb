package io.scripttask.scheduler;

/**
 * The root of the scheduler's own failures: everything the scheduler throws because of the state of
 * the world (an unknown node, a lost lease, a store that failed) rather than because of bad input.
 *
 * <p>Bad input is reported by {@link ValidationException}, an {@link IllegalArgumentException},
 * which is therefore not a subclass of this exception. Subclasses carry the ids they are about as
 * fields, so programs never have to parse messages.
 */
public class SchedulerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong
   */
  public SchedulerException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public SchedulerException(String message, Throwable cause) {
    super(message, cause);
  }
}
