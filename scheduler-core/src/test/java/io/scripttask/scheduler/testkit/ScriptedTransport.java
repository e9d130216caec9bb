package io.scripttask.scheduler.testkit;

import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Transport} for engine tests under virtual time: runs take scripted virtual durations and
 * end with scripted outcomes; nothing happens until {@link #completeDue(Instant)} (called by {@link
 * VirtualTimeDriver}) or {@link #complete(String, int)} says so. It tracks how many runs go at
 * once, in all and per node, so tests can check limits from the transport's side.
 *
 * <p>Outcomes are scripted per script id, optionally per node; a list of outcomes is used in turn
 * (the last one repeats). The default outcome is {@link Outcome#succeed(Duration)} of one second.
 * Timeouts follow the request: a run longer than its timeout ends {@code TIMED_OUT} at start plus
 * timeout. Thread-safe.
 */
public final class ScriptedTransport implements Transport {

  /**
   * How one run ends.
   *
   * @param exitCode the exit code when it exits
   * @param duration how long it runs (virtual time); null for never ending by itself
   * @param ignoresTimeout whether it keeps running past its timeout (for shutdown tests)
   * @param failToStart whether it fails to start
   * @param stdout what it prints
   */
  public record Outcome(
      int exitCode, Duration duration, boolean ignoresTimeout, boolean failToStart, String stdout) {

    /**
     * @param after how long it runs
     * @return a run that exits 0
     */
    public static Outcome succeed(Duration after) {
      return new Outcome(0, after, false, false, "ok\n");
    }

    /**
     * @param code the exit code
     * @param after how long it runs
     * @return a run that exits with {@code code}
     */
    public static Outcome exit(int code, Duration after) {
      return new Outcome(code, after, false, false, "exit " + code + "\n");
    }

    /**
     * @return a run that never ends by itself: it times out (or is cancelled)
     */
    public static Outcome hang() {
      return new Outcome(0, null, false, false, "");
    }

    /**
     * @return a run that ignores its timeout: only a cancel ends it
     */
    public static Outcome stuck() {
      return new Outcome(0, null, true, false, "");
    }

    /**
     * @return a run that cannot start
     */
    public static Outcome startFailure() {
      return new Outcome(0, Duration.ZERO, false, true, "");
    }
  }

  /** A run the transport was asked for. */
  public final class Run implements Execution {
    private final ExecutionRequest request;
    private final Instant startedAt;
    private final Outcome outcome;
    private final Instant endsAt;
    private final CompletableFuture<ExecutionResult> result = new CompletableFuture<>();

    private Run(ExecutionRequest request, Instant startedAt, Outcome outcome) {
      this.request = request;
      this.startedAt = startedAt;
      this.outcome = outcome;
      Instant end = outcome.duration() == null ? null : startedAt.plus(outcome.duration());
      Instant timeoutAt = startedAt.plus(request.timeout());
      if (!outcome.ignoresTimeout() && (end == null || end.isAfter(timeoutAt))) {
        end = timeoutAt;
      }
      this.endsAt = end;
    }

    /**
     * @return the request
     */
    public ExecutionRequest request() {
      return request;
    }

    /**
     * @return when it started (virtual time)
     */
    public Instant startedAt() {
      return startedAt;
    }

    /**
     * @return when it ends by itself, or empty if never
     */
    public Optional<Instant> endsAt() {
      return Optional.ofNullable(endsAt);
    }

    @Override
    public CompletableFuture<ExecutionResult> result() {
      return result;
    }

    @Override
    public boolean cancel() {
      return finish(ExecutionResult.Outcome.CANCELLED, null, clock.instant());
    }

    private boolean finish(ExecutionResult.Outcome kind, Integer code, Instant at) {
      synchronized (ScriptedTransport.this) {
        if (result.isDone()) {
          return false;
        }
        running.remove(this);
      }
      String text = kind == ExecutionResult.Outcome.EXITED ? outcome.stdout() : "";
      CapturedOutput out =
          new CapturedOutput(text, false, text.getBytes(StandardCharsets.UTF_8).length);
      Instant end = at.isBefore(startedAt) ? startedAt : at;
      return result.complete(
          new ExecutionResult(
              kind,
              code,
              out,
              CapturedOutput.EMPTY,
              startedAt,
              end,
              kind == ExecutionResult.Outcome.FAILED_TO_START ? "scripted start failure" : null));
    }
  }

  private final String name;
  private final Clock clock;
  private final Map<String, Deque<Outcome>> byScript = new HashMap<>();
  private final Map<String, Deque<Outcome>> byScriptAndNode = new HashMap<>();
  private final List<Run> all = new ArrayList<>();
  private final List<Run> running = new ArrayList<>();
  private int maxRunning;
  private final Map<String, Integer> maxRunningByNode = new HashMap<>();

  /**
   * @param name the transport's name (nodes name it)
   * @param clock the virtual clock
   */
  public ScriptedTransport(String name, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Scripts the outcomes of a script's runs, in turn; the last repeats.
   *
   * @param scriptId the script
   * @param outcomes the outcomes
   * @return this transport
   */
  public synchronized ScriptedTransport script(String scriptId, Outcome... outcomes) {
    byScript.put(scriptId, new ArrayDeque<>(List.of(outcomes)));
    return this;
  }

  /**
   * Scripts the outcomes of a script's runs on one node, in turn; the last repeats.
   *
   * @param scriptId the script
   * @param nodeId the node
   * @param outcomes the outcomes
   * @return this transport
   */
  public synchronized ScriptedTransport script(
      String scriptId, String nodeId, Outcome... outcomes) {
    byScriptAndNode.put(scriptId + "\u0000" + nodeId, new ArrayDeque<>(List.of(outcomes)));
    return this;
  }

  private static Outcome next(Deque<Outcome> q) {
    return q.size() > 1 ? q.pollFirst() : q.peekFirst();
  }

  @Override
  public Execution execute(ExecutionRequest request) {
    Run run;
    synchronized (this) {
      Deque<Outcome> q =
          byScriptAndNode.get(request.script().id() + "\u0000" + request.node().id());
      if (q == null) {
        q = byScript.get(request.script().id());
      }
      Outcome outcome = q == null ? Outcome.succeed(Duration.ofSeconds(1)) : next(q);
      run = new Run(request, clock.instant(), outcome);
      all.add(run);
      if (outcome.failToStart()) {
        run.finish(ExecutionResult.Outcome.FAILED_TO_START, null, clock.instant());
        return run;
      }
      running.add(run);
      maxRunning = Math.max(maxRunning, running.size());
      String node = request.node().id();
      maxRunningByNode.merge(node, runningOn(node), Math::max);
    }
    return run;
  }

  private int runningOn(String nodeId) {
    int n = 0;
    for (Run r : running) {
      if (r.request.node().id().equals(nodeId)) {
        n++;
      }
    }
    return n;
  }

  /**
   * @return the earliest instant a running run ends by itself, or empty
   */
  public synchronized Optional<Instant> nextCompletion() {
    return running.stream()
        .map(r -> r.endsAt)
        .filter(Objects::nonNull)
        .min(Comparator.naturalOrder());
  }

  /**
   * Ends every run whose end is at or before {@code now}, earliest first.
   *
   * @param now the virtual time
   * @return how many ended
   */
  public int completeDue(Instant now) {
    List<Run> due = new ArrayList<>();
    synchronized (this) {
      for (Run r : running) {
        if (r.endsAt != null && !r.endsAt.isAfter(now)) {
          due.add(r);
        }
      }
    }
    due.sort(Comparator.comparing((Run r) -> r.endsAt));
    int n = 0;
    for (Run r : due) {
      boolean timedOut =
          r.outcome.duration() == null || r.endsAt.isBefore(r.startedAt.plus(r.outcome.duration()));
      boolean done =
          timedOut
              ? r.finish(ExecutionResult.Outcome.TIMED_OUT, null, r.endsAt)
              : r.finish(ExecutionResult.Outcome.EXITED, r.outcome.exitCode(), r.endsAt);
      if (done) {
        n++;
      }
    }
    return n;
  }

  /**
   * Ends a running run now with an exit code, whatever was scripted.
   *
   * @param executionId the request's execution id
   * @param exitCode the exit code
   * @return whether a running run was ended
   */
  public boolean complete(String executionId, int exitCode) {
    Run target = null;
    synchronized (this) {
      for (Run r : running) {
        if (r.request.executionId().equals(executionId)) {
          target = r;
        }
      }
    }
    return target != null
        && target.finish(ExecutionResult.Outcome.EXITED, exitCode, clock.instant());
  }

  /**
   * @return every run asked for, in order
   */
  public synchronized List<Run> runs() {
    return List.copyOf(all);
  }

  /**
   * @return the runs going now
   */
  public synchronized List<Run> running() {
    return List.copyOf(running);
  }

  /**
   * @return the most runs that went at once
   */
  public synchronized int maxRunning() {
    return maxRunning;
  }

  /**
   * @param nodeId a node
   * @return the most runs that went at once on that node
   */
  public synchronized int maxRunningOn(String nodeId) {
    return maxRunningByNode.getOrDefault(nodeId, 0);
  }
}
