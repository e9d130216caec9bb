package io.scripttask.remediation;

/** Why a trigger did not start an execution. */
public enum RefusalReason {
  /** The workflow is disabled. */
  WORKFLOW_DISABLED,
  /** An execution of the workflow on the node is still active (dedup). */
  ALREADY_ACTIVE,
  /** An execution of the workflow on the node finished less than the cooldown ago. */
  COOLDOWN,
  /** The workflow started its maximum number of executions in the rate limit's period. */
  RATE_LIMITED,
  /** The workflow already remediates its maximum number of nodes at once. */
  MAX_CONCURRENT_NODES,
  /** The node directory does not know the node. */
  UNKNOWN_NODE
}
