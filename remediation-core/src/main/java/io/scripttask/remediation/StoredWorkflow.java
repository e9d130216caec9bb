package io.scripttask.remediation;

import io.scripttask.scheduler.ValidationException;
import java.time.Instant;
import java.util.Objects;

/**
 * A workflow as the store keeps it, with the store's revision (the compare-and-set version of
 * {@link io.scripttask.remediation.spi.RemediationStore#putWorkflow}).
 *
 * @param workflow the workflow
 * @param revision 0 when created, plus one per change
 * @param updatedAt when it was stored
 * @param actor who stored it, or null
 */
public record StoredWorkflow(Workflow workflow, long revision, Instant updatedAt, String actor) {

  /**
   * Validates the record.
   *
   * @throws NullPointerException if workflow or updatedAt is null
   * @throws ValidationException if revision is negative
   */
  public StoredWorkflow {
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (revision < 0) {
      throw new ValidationException("revision", "be at least 0", revision);
    }
  }

  /**
   * @return the workflow's id
   */
  public String id() {
    return workflow.id();
  }
}
