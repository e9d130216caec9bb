package io.scripttask.scheduler;

/**
 * What a fixed-time schedule does when its local fire time falls into a daylight-saving
 * spring-forward gap (for example 02:30 on the night clocks jump from 02:00 to 03:00).
 *
 * <p>Fall-back overlaps are not configurable: a fixed-time schedule fires once, at the first
 * occurrence of the repeated local time, and a schedule whose hour field is a wildcard or a step
 * fires by elapsed time in both halves of the overlap.
 */
public enum DstPolicy {
  /** Fire once at the first instant after the gap (03:00 in the example). The default. */
  RUN_AFTER_GAP,
  /** Do not fire for a local time that does not exist that day. */
  SKIP;

  /** The policy a schedule gets when none is given. */
  public static final DstPolicy DEFAULT = RUN_AFTER_GAP;
}
