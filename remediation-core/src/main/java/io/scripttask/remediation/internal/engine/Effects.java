package io.scripttask.remediation.internal.engine;

import io.scripttask.remediation.StepAttempt;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Notification;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Everything the interpreter does to the world, behind one interface: the live engine runs scripts
 * through transports, sends through notifiers and quarantines through the node directory; a dry run
 * answers from scripted results and records what would have been done, touching nothing.
 */
public interface Effects {

  /**
   * @param nodeId a node id
   * @return the node, or empty if unknown
   */
  Optional<Node> node(String nodeId);

  /**
   * @param target a target
   * @return the nodes it matches, by id
   */
  List<Node> resolve(Target target);

  /**
   * @param scriptId a library script id
   * @return the script, or empty if unknown
   */
  Optional<Script> script(String scriptId);

  /**
   * Starts a run. Never throws for a run that cannot start: its result says {@code
   * FAILED_TO_START}.
   *
   * @param request what to run where
   * @param stepId the step it belongs to
   * @param kind the kind of attempt
   * @param attempt the attempt number
   * @return the run
   */
  Execution run(ExecutionRequest request, String stepId, StepAttempt.Kind kind, int attempt);

  /**
   * @param channel a channel name
   * @return whether a notifier serves it
   */
  boolean hasChannel(String channel);

  /**
   * Sends a notification on its channel.
   *
   * @param notification the notification
   * @return completes when sent, exceptionally when sending failed
   */
  CompletionStage<Void> send(Notification notification);

  /**
   * Quarantines a node.
   *
   * @param nodeId the node
   * @param reason why
   */
  void quarantine(String nodeId, String reason);

  /**
   * Releases a node.
   *
   * @param nodeId the node
   */
  void release(String nodeId);
}
