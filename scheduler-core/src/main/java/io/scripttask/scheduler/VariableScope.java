package io.scripttask.scheduler;

/**
 * Where a {@link Variable} applies. When several variables of the same name apply to a run, the one
 * of the later scope wins: {@code GLOBAL < SCRIPT < GROUP < NODE} (the order of the constants).
 */
public enum VariableScope {
  /** Applies to every run. */
  GLOBAL,
  /** Applies to the runs of one script; its scope id is the script's id. */
  SCRIPT,
  /** Applies to the runs on the nodes of one group; its scope id is the group's id. */
  GROUP,
  /** Applies to the runs on one node; its scope id is the node's id. */
  NODE
}
