package io.scripttask.scheduler;

/**
 * What a schedule does with fires it missed because the scheduler was down or blocked for longer
 * than the schedule's misfire threshold (the "missed job policy" users know from the MeshCentral
 * ScriptTask seed). Missed fires are derived from the store, never held only in memory.
 */
public enum MisfirePolicy {
  /** Drops the missed fires; the schedule continues with its next fire in the future. */
  SKIP,
  /** Runs one catch-up fire now for all the missed ones, then continues normally. */
  RUN_ONCE,
  /** Runs every missed fire, oldest first, at most the schedule's {@code maxCatchUp} of them. */
  RUN_ALL;

  /** The policy a schedule gets when none is given. */
  public static final MisfirePolicy DEFAULT = RUN_ONCE;
}
