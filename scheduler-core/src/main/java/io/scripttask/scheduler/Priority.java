package io.scripttask.scheduler;

/**
 * The priority of a schedule and of its jobs. Jobs are dispatched by priority first ({@link
 * #CRITICAL} before {@link #LOW}), then by due time, then by sequence; a maintenance window of kind
 * {@link MaintenanceWindow.Kind#BLACKOUT} may let chosen priorities through.
 */
public enum Priority {
  /** Runs before everything else; the usual choice to let through a blackout window. */
  CRITICAL,
  /** Runs before {@link #NORMAL} and {@link #LOW}. */
  HIGH,
  /** The default priority. */
  NORMAL,
  /** Runs when nothing more urgent is waiting. */
  LOW;

  /** The priority a schedule gets when none is given. */
  public static final Priority DEFAULT = NORMAL;
}
