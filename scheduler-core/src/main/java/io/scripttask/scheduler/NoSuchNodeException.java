package io.scripttask.scheduler;

import java.util.Objects;

/**
 * Thrown when an operation names a node that the {@link io.scripttask.scheduler.spi.NodeDirectory}
 * does not know, for example when quarantining or releasing it. Resolving a {@link Target} never
 * throws it: unknown ids in a target are ignored, since nodes come and go.
 */
public class NoSuchNodeException extends SchedulerException {
  private static final long serialVersionUID = 1L;

  private final String nodeId;

  /**
   * Creates the exception.
   *
   * @param nodeId the id that no node has
   * @throws NullPointerException if {@code nodeId} is null
   */
  public NoSuchNodeException(String nodeId) {
    super(
        "nodeId must name a node known to the directory, but was \""
            + Objects.requireNonNull(nodeId, "nodeId")
            + "\"");
    this.nodeId = nodeId;
  }

  /**
   * @return the id that no node has
   */
  public String nodeId() {
    return nodeId;
  }
}
