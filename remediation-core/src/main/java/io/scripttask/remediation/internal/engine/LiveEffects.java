package io.scripttask.remediation.internal.engine;

import io.scripttask.remediation.StepAttempt;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Notification;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.NodeDirectory;
import io.scripttask.scheduler.spi.Notifier;
import io.scripttask.scheduler.spi.Transport;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** The live engine's effects: transports by name, notifiers by channel, the node directory. */
public final class LiveEffects implements Effects {
  private final Clock clock;
  private final NodeDirectory nodes;
  private final Map<String, Transport> transports;
  private final Map<String, Notifier> notifiers;
  private final Function<String, Optional<Script>> scripts;

  /**
   * @param clock the engine's clock
   * @param nodes the node directory
   * @param transports transports by name
   * @param notifiers notifiers by channel
   * @param scripts the script library
   */
  public LiveEffects(
      Clock clock,
      NodeDirectory nodes,
      Map<String, Transport> transports,
      Map<String, Notifier> notifiers,
      Function<String, Optional<Script>> scripts) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.transports = Map.copyOf(transports);
    this.notifiers = Map.copyOf(notifiers);
    this.scripts = Objects.requireNonNull(scripts, "scripts");
  }

  /**
   * @return the node directory
   */
  public NodeDirectory nodes() {
    return nodes;
  }

  /**
   * @return the notifiers by channel
   */
  public Map<String, Notifier> notifiers() {
    return notifiers;
  }

  /**
   * @return the script library
   */
  public Function<String, Optional<Script>> scripts() {
    return scripts;
  }

  @Override
  public Optional<Node> node(String nodeId) {
    return nodes.find(nodeId);
  }

  @Override
  public List<Node> resolve(Target target) {
    return nodes.resolve(target);
  }

  @Override
  public Optional<Script> script(String scriptId) {
    return scripts.apply(scriptId);
  }

  @Override
  public Execution run(
      ExecutionRequest request, String stepId, StepAttempt.Kind kind, int attempt) {
    Transport t = transports.get(request.node().transport());
    if (t == null) {
      return failedToStart("no transport named '" + request.node().transport() + "'");
    }
    try {
      return t.execute(request);
    } catch (RuntimeException e) {
      return failedToStart("transport '" + t.name() + "' failed: " + e.getClass().getSimpleName());
    }
  }

  private Execution failedToStart(String why) {
    var now = clock.instant();
    ExecutionResult r =
        new ExecutionResult(
            ExecutionResult.Outcome.FAILED_TO_START,
            null,
            CapturedOutput.EMPTY,
            CapturedOutput.EMPTY,
            now,
            now,
            why);
    return Runs.done(r);
  }

  @Override
  public boolean hasChannel(String channel) {
    return notifiers.containsKey(channel);
  }

  @Override
  public CompletionStage<Void> send(Notification notification) {
    Notifier n = notifiers.get(notification.channel());
    if (n == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("no notifier on channel '" + notification.channel() + "'"));
    }
    try {
      return n.send(notification);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void quarantine(String nodeId, String reason) {
    nodes.quarantine(nodeId, reason);
  }

  @Override
  public void release(String nodeId) {
    nodes.release(nodeId);
  }
}
