package io.scripttask.remediation.internal.engine;

import io.scripttask.remediation.ScriptedResults;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Notification;
import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The effects of a dry run: runs end with scripted results on the virtual clock, notifications and
 * node actions are recorded, nothing is sent and no node is touched. Nodes, targets, scripts and
 * channels are read (never changed) from the live engine, so the plan meets the same missing script
 * or channel as a real run would. Thread-safe.
 */
public final class PlanEffects implements Effects {
  private final VirtualClock clock;
  private final LiveEffects live;
  private final ScriptedResults results;
  private final OutputPolicy output;
  private final List<Pending> pending = new ArrayList<>();
  private final List<Notification> notifications = new ArrayList<>();
  private final List<String> nodeActions = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  /**
   * @param clock the virtual clock
   * @param live the live engine's effects, only read
   * @param results the scripted results
   * @param output the output policy
   */
  public PlanEffects(
      VirtualClock clock, LiveEffects live, ScriptedResults results, OutputPolicy output) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.live = Objects.requireNonNull(live, "live");
    this.results = Objects.requireNonNull(results, "results");
    this.output = Objects.requireNonNull(output, "output");
  }

  private final class Pending implements Execution {
    final ExecutionRequest request;
    final Instant endsAt;
    final boolean timesOut;
    final ScriptedResults.Result result;
    final Instant startedAt;
    final CompletableFuture<ExecutionResult> future = new CompletableFuture<>();

    Pending(ExecutionRequest request, ScriptedResults.Result result, Instant now) {
      this.request = request;
      this.result = result;
      this.startedAt = now;
      Instant timeoutAt = now.plus(request.timeout());
      Instant end = result.duration() == null ? null : now.plus(result.duration());
      this.timesOut = end == null || end.isAfter(timeoutAt);
      this.endsAt = timesOut ? timeoutAt : end;
    }

    void end(Instant at) {
      if (timesOut) {
        future.complete(
            new ExecutionResult(
                ExecutionResult.Outcome.TIMED_OUT,
                null,
                Capping.cap(result.stdout(), output),
                Capping.cap(result.stderr(), output),
                startedAt,
                at,
                null));
      } else {
        future.complete(
            new ExecutionResult(
                ExecutionResult.Outcome.EXITED,
                result.exitCode(),
                Capping.cap(result.stdout(), output),
                Capping.cap(result.stderr(), output),
                startedAt,
                at,
                null));
      }
    }

    @Override
    public CompletableFuture<ExecutionResult> result() {
      return future;
    }

    @Override
    public boolean cancel() {
      synchronized (PlanEffects.this) {
        pending.remove(this);
      }
      Instant now = clock.instant();
      return future.complete(
          new ExecutionResult(
              ExecutionResult.Outcome.CANCELLED,
              null,
              CapturedOutput.EMPTY,
              CapturedOutput.EMPTY,
              startedAt,
              now.isBefore(startedAt) ? startedAt : now,
              null));
    }
  }

  @Override
  public Optional<Node> node(String nodeId) {
    return Optional.of(live.node(nodeId).orElseGet(() -> Node.of(nodeId, "plan")));
  }

  @Override
  public List<Node> resolve(Target target) {
    return live.resolve(target);
  }

  @Override
  public synchronized Optional<Script> script(String scriptId) {
    Optional<Script> s = live.script(scriptId);
    if (s.isPresent()) {
      return s;
    }
    String w = "script '" + scriptId + "' is not in the library";
    if (!warnings.contains(w)) {
      warnings.add(w);
    }
    return Optional.of(
        Script.builder(scriptId)
            .content("# dry run: '" + scriptId + "' is not in the library")
            .build());
  }

  @Override
  public Execution run(
      ExecutionRequest request, String stepId, StepAttempt.Kind kind, int attempt) {
    Optional<ScriptedResults.Result> scripted =
        kind == StepAttempt.Kind.COMPENSATION
            ? results.compensation(stepId, attempt)
            : results.step(stepId, attempt);
    ScriptedResults.Result r = scripted.orElse(ScriptedResults.Result.ok());
    Instant now = clock.instant();
    if (r.failsToStart()) {
      return Runs.done(
          new ExecutionResult(
              ExecutionResult.Outcome.FAILED_TO_START,
              null,
              CapturedOutput.EMPTY,
              CapturedOutput.EMPTY,
              now,
              now,
              "scripted start failure"));
    }
    Pending p = new Pending(request, r, now);
    if (!p.endsAt.isAfter(now)) {
      p.end(now);
      return p;
    }
    synchronized (this) {
      pending.add(p);
    }
    return p;
  }

  /**
   * Ends the runs due at or before {@code now}.
   *
   * @param now the virtual time
   */
  public void completeDue(Instant now) {
    List<Pending> due = new ArrayList<>();
    synchronized (this) {
      for (Pending p : pending) {
        if (!p.endsAt.isAfter(now)) {
          due.add(p);
        }
      }
      pending.removeAll(due);
    }
    due.sort(Comparator.comparing(p -> p.endsAt));
    for (Pending p : due) {
      p.end(p.endsAt);
    }
  }

  /**
   * @return when the next run ends, if one is going
   */
  public synchronized Optional<Instant> nextCompletion() {
    return pending.stream().map(p -> p.endsAt).min(Comparator.naturalOrder());
  }

  @Override
  public boolean hasChannel(String channel) {
    return live.hasChannel(channel);
  }

  @Override
  public synchronized CompletionStage<Void> send(Notification notification) {
    notifications.add(notification);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized void quarantine(String nodeId, String reason) {
    nodeActions.add("quarantine " + nodeId + ": " + reason);
  }

  @Override
  public synchronized void release(String nodeId) {
    nodeActions.add("release " + nodeId);
  }

  /**
   * @return the notifications that would have been sent
   */
  public synchronized List<Notification> notifications() {
    return List.copyOf(notifications);
  }

  /**
   * @return what would have been done to nodes
   */
  public synchronized List<String> nodeActions() {
    return List.copyOf(nodeActions);
  }

  /**
   * @return the problems met
   */
  public synchronized List<String> warnings() {
    return List.copyOf(warnings);
  }
}
