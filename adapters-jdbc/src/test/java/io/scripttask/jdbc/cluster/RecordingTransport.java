package io.scripttask.jdbc.cluster;

import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.Transport;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

/**
 * A transport that runs nothing: each run "takes" a duration chosen per request (0 completes it
 * before {@link #execute} returns), exits 0, and is reported to a {@link Recorder} when it starts
 * and when it ends, so a test can tell which runs happened, where, when, and how often.
 *
 * <p>A run starts after its job's claim was stored and ends before its result is recorded, so its
 * [start, end] lies inside the span in which the store holds the job RUNNING: runs that overlap
 * here overlapped in the store too.
 */
public final class RecordingTransport implements Transport {

  /** Hears about runs; called from the engine's thread (start) and timer threads (end). */
  public interface Recorder {

    /**
     * @param request the run that starts
     * @param startNanos {@link System#nanoTime()} at its start
     */
    void started(ExecutionRequest request, long startNanos);

    /**
     * @param request the run that ended
     * @param startNanos {@link System#nanoTime()} at its start
     * @param endNanos {@link System#nanoTime()} at its end
     * @param cancelled whether it ended by {@link Execution#cancel()}
     */
    void ended(ExecutionRequest request, long startNanos, long endNanos, boolean cancelled);
  }

  private final String name;
  private final ScheduledExecutorService timer;
  private final ToLongFunction<ExecutionRequest> millis;
  private final Recorder recorder;
  private final Clock clock = Clock.systemUTC();

  /**
   * @param name the transport's name, as nodes name it
   * @param timer completes the runs that take time
   * @param millis how long a run takes, in milliseconds
   * @param recorder hears about every run
   */
  public RecordingTransport(
      String name,
      ScheduledExecutorService timer,
      ToLongFunction<ExecutionRequest> millis,
      Recorder recorder) {
    this.name = Objects.requireNonNull(name, "name");
    this.timer = Objects.requireNonNull(timer, "timer");
    this.millis = Objects.requireNonNull(millis, "millis");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Execution execute(ExecutionRequest request) {
    long start = System.nanoTime();
    Instant startedAt = clock.instant();
    recorder.started(request, start);
    Run run = new Run(request, start, startedAt);
    long ms = millis.applyAsLong(request);
    if (ms <= 0) {
      run.end(false);
    } else {
      run.pending = timer.schedule(() -> run.end(false), ms, TimeUnit.MILLISECONDS);
    }
    return run;
  }

  private final class Run implements Execution {
    private final ExecutionRequest request;
    private final long start;
    private final Instant startedAt;
    private final CompletableFuture<ExecutionResult> result = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile ScheduledFuture<?> pending;

    Run(ExecutionRequest request, long start, Instant startedAt) {
      this.request = request;
      this.start = start;
      this.startedAt = startedAt;
    }

    boolean end(boolean cancelled) {
      if (!ended.compareAndSet(false, true)) {
        return false;
      }
      recorder.ended(request, start, System.nanoTime(), cancelled);
      Instant at = clock.instant();
      result.complete(
          new ExecutionResult(
              cancelled ? ExecutionResult.Outcome.CANCELLED : ExecutionResult.Outcome.EXITED,
              cancelled ? null : 0,
              CapturedOutput.EMPTY,
              CapturedOutput.EMPTY,
              startedAt,
              at.isBefore(startedAt) ? startedAt : at,
              null));
      return true;
    }

    @Override
    public CompletableFuture<ExecutionResult> result() {
      return result;
    }

    @Override
    public boolean cancel() {
      ScheduledFuture<?> p = pending;
      if (p != null) {
        p.cancel(false);
      }
      return end(true);
    }
  }
}
