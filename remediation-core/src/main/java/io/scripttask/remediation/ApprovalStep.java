package io.scripttask.remediation;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Waits for a person: the execution pauses until one of {@code approvers} (anyone, when empty)
 * approves ({@code onSuccess}) or rejects ({@code onFailure}) through the engine's API. When {@code
 * ttl} passes first, the step takes {@code onFailure}. The request is announced on {@code channel}
 * when one is given.
 *
 * @param common the common fields
 * @param approvers who may decide; empty = anyone allowed by the host
 * @param message the request message (a template)
 * @param ttl how long to wait for a decision; positive, required (checked when the workflow is
 *     built)
 * @param channel a notifier channel announcing the request, or null
 */
public record ApprovalStep(
    Step.Common common, Set<String> approvers, Template message, Duration ttl, String channel)
    implements Step {

  /** The message of an approval step that gives none. */
  public static final Template DEFAULT_MESSAGE =
      Template.of("Approve step of workflow ${workflow.name} on node ${node.id}?");

  /**
   * @throws NullPointerException if {@code common}, {@code approvers}, an approver or {@code
   *     message} is null
   */
  public ApprovalStep {
    Objects.requireNonNull(common, "common");
    approvers =
        java.util.Collections.unmodifiableSortedSet(
            new TreeSet<>(Objects.requireNonNull(approvers, "approvers")));
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String kind() {
    return "approval";
  }

  /**
   * @param actor who decides
   * @return whether that actor may approve or reject this step
   */
  public boolean mayDecide(String actor) {
    return approvers.isEmpty() || approvers.contains(actor);
  }

  /** Builds an {@link ApprovalStep}. */
  public static final class Builder extends Step.Builder<Builder, ApprovalStep> {
    private Set<String> approvers = Set.of();
    private Template message = DEFAULT_MESSAGE;
    private Duration ttl;
    private String channel;

    Builder(String id) {
      super(id);
    }

    /**
     * @param approvers who may decide
     * @return this builder
     */
    public Builder approvers(String... approvers) {
      this.approvers = Set.copyOf(Arrays.asList(approvers));
      return this;
    }

    /**
     * @param approvers who may decide
     * @return this builder
     */
    public Builder approvers(Set<String> approvers) {
      this.approvers = Set.copyOf(approvers);
      return this;
    }

    /**
     * @param message the request (a template)
     * @return this builder
     */
    public Builder message(String message) {
      this.message = Template.of(message);
      return this;
    }

    /**
     * @param ttl how long to wait for a decision
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    /**
     * @param channel a notifier channel announcing the request
     * @return this builder
     */
    public Builder channel(String channel) {
      this.channel = channel;
      return this;
    }

    @Override
    public ApprovalStep build() {
      return new ApprovalStep(common(), approvers, message, ttl, channel);
    }
  }
}
