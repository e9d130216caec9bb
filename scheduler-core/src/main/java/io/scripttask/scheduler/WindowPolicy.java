package io.scripttask.scheduler;

/** What happens to a job that a {@link MaintenanceWindow} does not let run when it is due. */
public enum WindowPolicy {
  /** Holds the job; it runs when the window lets it (the default). */
  HOLD,
  /** Skips the job, recording the window as the reason. */
  SKIP;

  /** The policy a schedule gets when none is given. */
  public static final WindowPolicy DEFAULT = HOLD;
}
