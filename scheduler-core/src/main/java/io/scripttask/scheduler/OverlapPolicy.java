package io.scripttask.scheduler;

/** What a fire does on a node where the previous run of the same schedule is still going. */
public enum OverlapPolicy {
  /** Skips the new run on that node, recording the skip (the default). */
  SKIP,
  /** Queues the new run; it waits until the previous run on that node has finished. */
  QUEUE,
  /** Runs the new run alongside the previous one. */
  ALLOW;

  /** The policy a schedule gets when none is given. */
  public static final OverlapPolicy DEFAULT = SKIP;
}
