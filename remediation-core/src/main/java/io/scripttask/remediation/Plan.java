package io.scripttask.remediation;

import io.scripttask.scheduler.Notification;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a dry run ({@link RemediationEngine#plan}) found: the real interpreter ran the workflow
 * against {@link ScriptedResults} on a virtual clock and a private in-memory store, touching no
 * node and sending nothing.
 *
 * @param workflowId the workflow
 * @param workflowVersion its version
 * @param nodeId the node it was planned for
 * @param status how the execution would end
 * @param rollback what its rollback would do
 * @param detail the execution's final explanation, or null
 * @param path the step attempts and probes in order, with their outcomes, decisions and next steps
 * @param notifications the notifications that would be sent (rendered), escalations included, in
 *     order
 * @param compensations the compensations that would run, in order, with their outcomes
 * @param escalations the escalation notices that would go out
 * @param nodeActions what would be done to the node ({@code quarantine: <reason>}, {@code release})
 * @param warnings problems the live engine would hit that scripted results hid (a script missing
 *     from the library)
 * @param record the whole execution record
 * @param duration how long the execution would take (virtual time)
 */
public record Plan(
    String workflowId,
    String workflowVersion,
    String nodeId,
    ExecutionStatus status,
    RollbackStatus rollback,
    String detail,
    List<StepAttempt> path,
    List<Notification> notifications,
    List<StepAttempt> compensations,
    List<StepAttempt> escalations,
    List<String> nodeActions,
    List<String> warnings,
    List<StepAttempt> record,
    Duration duration) {

  /**
   * Copies the lists.
   *
   * @throws NullPointerException if a field other than detail is null
   */
  public Plan {
    Objects.requireNonNull(workflowId, "workflowId");
    Objects.requireNonNull(workflowVersion, "workflowVersion");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(rollback, "rollback");
    path = List.copyOf(path);
    notifications = List.copyOf(notifications);
    compensations = List.copyOf(compensations);
    escalations = List.copyOf(escalations);
    nodeActions = List.copyOf(nodeActions);
    warnings = List.copyOf(warnings);
    record = List.copyOf(record);
    Objects.requireNonNull(duration, "duration");
  }

  /**
   * @return the ids of the steps taken, in order, each time it was entered (retries and probes of
   *     one step count once)
   */
  public List<String> stepsTaken() {
    return path.stream()
        .filter(
            a ->
                a.kind() == StepAttempt.Kind.STEP
                    && !"retry".equals(a.next())
                    && !"rerun".equals(a.next()))
        .map(StepAttempt::stepId)
        .toList();
  }

  /**
   * @return the ids of the steps whose compensations would succeed, in the order they would run
   */
  public List<String> compensated() {
    return compensations.stream()
        .filter(a -> a.status() == StepStatus.SUCCEEDED)
        .map(StepAttempt::stepId)
        .toList();
  }
}
