package io.scripttask.scheduler.internal.process;

import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.ExecutionResult.Outcome;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run of a script as a local process: prepares the script file, starts the interpreter, drains
 * its output, enforces the timeout, kills the process tree on timeout or cancel, and completes the
 * result exactly once, never exceptionally.
 *
 * <p>States: {@code PENDING} (accepted, process not started yet), {@code RUNNING} (process started,
 * result not decided), {@code FINISHED} (result decided). A stop (timeout with kill, cancel,
 * transport close) is decided in {@code RUNNING}: the outcome is recorded, the tree is sent SIGTERM
 * and, after the kill grace, SIGKILL; the result completes with that outcome once the process has
 * exited and its output is drained (bounded by the grace periods).
 *
 * <p>Threads: the launch task (on the context's executor) prepares and starts the process and then
 * waits for it to exit; two more executor tasks pump stdout and stderr; the context's timer fires
 * the timeout and the forced kill and hands the work (killing the tree, completing the result) to
 * the executor, so it never runs callers' callbacks or long scans. A cancel kills on the executor
 * too and returns at once.
 *
 * <p>{@link #toString()} shows the execution id and state only: environment values are secrets.
 */
public final class ProcessRun implements Execution {

  /**
   * What a run needs from its transport.
   *
   * @param transportName the transport's name; a node reached by another transport fails to start
   * @param clock the clock of {@code startedAt} and {@code finishedAt}
   * @param baseEnvironment the environment every run starts from (the request's variables win)
   * @param workingDirectory the working directory of every run, or null for a fresh temporary
   *     directory per run
   * @param executor runs the launch task and the output pumps; must run each task on a thread of
   *     its own without delay (a cached thread pool), as the tasks block on the process
   * @param timer fires timeouts and forced kills; its tasks never block
   * @param killGrace how long a stopped tree gets between SIGTERM and SIGKILL
   * @param drainGrace how long the output is drained after the process exited, for children that
   *     outlive it while holding its pipes
   * @param windows whether this host runs Windows
   * @param onDone called once the run is over and cleaned up (process exited, files removed)
   */
  public record Context(
      String transportName,
      Clock clock,
      Map<String, String> baseEnvironment,
      Path workingDirectory,
      Executor executor,
      ScheduledExecutorService timer,
      Duration killGrace,
      Duration drainGrace,
      boolean windows,
      Consumer<ProcessRun> onDone) {

    /**
     * Validates the context.
     *
     * @throws NullPointerException if a field other than workingDirectory is null
     */
    public Context {
      Objects.requireNonNull(transportName, "transportName");
      Objects.requireNonNull(clock, "clock");
      baseEnvironment = Map.copyOf(Objects.requireNonNull(baseEnvironment, "baseEnvironment"));
      Objects.requireNonNull(executor, "executor");
      Objects.requireNonNull(timer, "timer");
      Objects.requireNonNull(killGrace, "killGrace");
      Objects.requireNonNull(drainGrace, "drainGrace");
      Objects.requireNonNull(onDone, "onDone");
    }

    @Override
    public String toString() {
      return "Context[transportName="
          + transportName
          + ", workingDirectory="
          + workingDirectory
          + ", baseEnvironment="
          + baseEnvironment.keySet()
          + " (values hidden)]";
    }
  }

  private enum State {
    PENDING,
    RUNNING,
    FINISHED
  }

  /**
   * The environment variable that marks every process of a run (a random value per run), so that
   * its processes are found when the run is killed even after they left its process tree.
   */
  public static final String MARK_VARIABLE = "SCRIPTTASK_RUN_MARK";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");
  private static final int PUMP_BUFFER = 16 * 1024;

  private final ExecutionRequest request;
  private final Context context;
  private final HeadTailCapture stdout;
  private final HeadTailCapture stderr;
  private final CompletableFuture<ExecutionResult> result = new CompletableFuture<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final CountDownLatch pumps = new CountDownLatch(2);

  private final Object lock = new Object();
  // guarded by lock
  private State state = State.PENDING;
  private Instant startedAt;
  private ProcessTreeKiller killer;
  private Outcome stopOutcome;
  private ScheduledFuture<?> timeoutTask;

  // touched by the launch thread only
  private Path runDirectory;

  /**
   * Creates a run; {@link #start()} starts it.
   *
   * @param request what to run
   * @param context what the transport provides
   * @throws NullPointerException if an argument is null
   */
  public ProcessRun(ExecutionRequest request, Context context) {
    this.request = Objects.requireNonNull(request, "request");
    this.context = Objects.requireNonNull(context, "context");
    OutputPolicy policy = request.output();
    this.stdout = new HeadTailCapture(policy);
    this.stderr = new HeadTailCapture(policy);
  }

  /** Hands the launch to the executor; returns at once. */
  public void start() {
    try {
      context.executor().execute(this::launch);
    } catch (RejectedExecutionException e) {
      failToStart("transport is closed");
    }
  }

  /**
   * Completes the run at once as {@code FAILED_TO_START} without starting anything.
   *
   * @param error the reason, never a secret
   */
  public void failToStart(String error) {
    ExecutionResult r = null;
    synchronized (lock) {
      if (state == State.PENDING) {
        state = State.FINISHED;
        Instant now = context.clock().instant();
        Instant start = startedAt != null ? startedAt : now;
        r =
            new ExecutionResult(
                Outcome.FAILED_TO_START,
                null,
                CapturedOutput.EMPTY,
                CapturedOutput.EMPTY,
                start,
                notBefore(now, start),
                error);
      }
    }
    deleteRunDirectory();
    if (r != null) {
      result.complete(r);
    }
    markDone();
  }

  @Override
  public CompletableFuture<ExecutionResult> result() {
    return result;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Before the process started, nothing is started and the result completes {@code CANCELLED} at
   * once. While it runs, the tree is killed (SIGTERM, then SIGKILL after the kill grace) and the
   * result completes {@code CANCELLED}, with a null exit code, once the process has exited. Returns
   * false once the result is decided (also while a timeout is killing the run).
   */
  @Override
  public boolean cancel() {
    ExecutionResult r;
    synchronized (lock) {
      switch (state) {
        case PENDING:
          state = State.FINISHED;
          Instant now = context.clock().instant();
          Instant start = startedAt != null ? startedAt : now;
          r =
              new ExecutionResult(
                  Outcome.CANCELLED,
                  null,
                  CapturedOutput.EMPTY,
                  CapturedOutput.EMPTY,
                  start,
                  notBefore(now, start),
                  null);
          break;
        case RUNNING:
          if (stopOutcome != null) {
            return false;
          }
          beginStop(Outcome.CANCELLED);
          return true;
        default:
          return false;
      }
    }
    result.complete(r);
    return true;
  }

  /**
   * Stops the run because its transport closes: a pending run is cancelled, a running one is killed
   * as by {@link #cancel()}, and a run that timed out but was left running is killed too.
   */
  public void shutdown() {
    if (cancel()) {
      return;
    }
    ProcessTreeKiller k;
    synchronized (lock) {
      k = killer;
    }
    if (k != null) {
      k.terminate();
    }
  }

  /** Kills what is left of the tree at once (SIGKILL). */
  public void forceKill() {
    ProcessTreeKiller k;
    synchronized (lock) {
      k = killer;
    }
    if (k != null) {
      k.forceKill();
    }
  }

  /**
   * Completes the result now if it is still pending, with the stop's outcome (or {@code
   * CANCELLED}): the last resort of a closing transport, so that no result stays pending.
   */
  public void abandon() {
    ExecutionResult r = null;
    synchronized (lock) {
      if (state != State.FINISHED) {
        Outcome outcome = stopOutcome != null ? stopOutcome : Outcome.CANCELLED;
        state = State.FINISHED;
        Instant now = context.clock().instant();
        Instant start = startedAt != null ? startedAt : now;
        r =
            new ExecutionResult(
                outcome,
                null,
                stdout.snapshot(),
                stderr.snapshot(),
                start,
                notBefore(now, start),
                null);
      }
    }
    if (r != null) {
      result.complete(r);
    }
  }

  /**
   * @return completes once the process has exited (or never started) and its files are removed
   */
  public CompletableFuture<Void> done() {
    return done;
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "ProcessRun[executionId=" + request.executionId() + ", state=" + state + "]";
    }
  }

  // ---------------------------------------------------------------- launch and wait (own thread)

  private void launch() {
    try {
      prepareAndRun();
    } catch (RuntimeException | Error e) {
      // a bug or an exhausted VM: never leave the result pending or a process unattended
      forceKill();
      failToStart("could not run the script: " + e.getClass().getSimpleName());
      abandon();
      markDone();
      if (e instanceof Error err) {
        throw err;
      }
    }
  }

  private void prepareAndRun() {
    synchronized (lock) {
      if (state != State.PENDING) {
        markDone();
        return;
      }
      startedAt = context.clock().instant();
    }
    String nodeTransport = request.node().transport();
    if (!nodeTransport.equals(context.transportName())) {
      failToStart(
          "node '"
              + request.node().id()
              + "' is reached by transport '"
              + nodeTransport
              + "', not '"
              + context.transportName()
              + "'");
      return;
    }
    Map<String, String> environment = new HashMap<>(context.baseEnvironment());
    environment.putAll(request.environment());
    String markValue = UUID.randomUUID().toString();
    Interpreters.Resolution interpreter =
        Interpreters.resolve(request.script().shell(), environment.get("PATH"), context.windows());
    if (!interpreter.found()) {
      failToStart(interpreter.error());
      return;
    }
    Path workingDirectory = context.workingDirectory();
    if (workingDirectory != null && !Files.isDirectory(workingDirectory)) {
      failToStart("working directory does not exist or is not a directory: " + workingDirectory);
      return;
    }
    Path scriptFile;
    try {
      runDirectory = createPrivateDirectory();
      ScriptRenderer.Rendered rendered = ScriptRenderer.render(request.script());
      scriptFile = writePrivateFile(runDirectory.resolve("script" + rendered.suffix()), rendered);
      if (workingDirectory == null) {
        workingDirectory = Files.createDirectory(runDirectory.resolve("work"));
      }
    } catch (IOException | RuntimeException e) {
      failToStart("could not write the script file: " + describe(e));
      return;
    }

    List<String> command = new ArrayList<>(interpreter.command());
    command.add(scriptFile.toString());
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.environment().put(MARK_VARIABLE, markValue);

    Process started = null;
    String startError = null;
    synchronized (lock) {
      if (state != State.PENDING) {
        // cancelled while the file was being written
        deleteRunDirectory();
        markDone();
        return;
      }
      try {
        started = builder.start();
        killer = new ProcessTreeKiller(started.toHandle(), MARK_VARIABLE + "=" + markValue);
        state = State.RUNNING;
        armTimeout();
      } catch (IOException | RuntimeException e) {
        startError = "could not start " + command.get(0) + ": " + describe(e);
      }
    }
    if (started == null) {
      failToStart(startError);
      return;
    }
    closeQuietly(started.getOutputStream());
    startPump(started.getInputStream(), stdout);
    startPump(started.getErrorStream(), stderr);
    waitForExit(started);
  }

  private void armTimeout() {
    long nanos;
    try {
      nanos = request.timeout().toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE;
    }
    try {
      timeoutTask = context.timer().schedule(this::onTimeout, nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // the transport is closing: its close() stops this run
    }
  }

  private void startPump(InputStream in, HeadTailCapture capture) {
    try {
      context.executor().execute(() -> pump(in, capture));
    } catch (RejectedExecutionException e) {
      // the transport is closing and kills the tree; nobody reads this stream
      closeQuietly(in);
      pumps.countDown();
    }
  }

  private void pump(InputStream in, HeadTailCapture capture) {
    byte[] buffer = new byte[PUMP_BUFFER];
    try (in) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        capture.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // the pipe was closed: nothing more to read
    } finally {
      pumps.countDown();
    }
  }

  private void waitForExit(Process started) {
    boolean interrupted = false;
    int exitCode;
    while (true) {
      try {
        exitCode = started.waitFor();
        break;
      } catch (InterruptedException e) {
        // the executor is shutting down: make sure the process goes, then keep waiting for it
        interrupted = true;
        forceKill();
      }
    }
    boolean stopping;
    synchronized (lock) {
      stopping = stopOutcome != null;
    }
    Duration drain =
        stopping ? context.killGrace().plus(context.drainGrace()) : context.drainGrace();
    try {
      pumps.await(drain.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    ExecutionResult r = null;
    synchronized (lock) {
      if (timeoutTask != null) {
        timeoutTask.cancel(false);
      }
      if (state == State.RUNNING) {
        state = State.FINISHED;
        Outcome outcome = stopOutcome != null ? stopOutcome : Outcome.EXITED;
        r = finalResult(outcome, outcome == Outcome.EXITED ? exitCode : null);
      }
    }
    deleteRunDirectory();
    if (r != null) {
      result.complete(r);
    }
    markDone();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- timer tasks

  private void onTimeout() {
    ExecutionResult r = null;
    synchronized (lock) {
      if (state != State.RUNNING || stopOutcome != null) {
        return;
      }
      if (request.killOnTimeout()) {
        beginStop(Outcome.TIMED_OUT);
      } else {
        // reported now; the process runs on, drained, and its result is discarded
        state = State.FINISHED;
        r = finalResult(Outcome.TIMED_OUT, null);
      }
    }
    if (r != null) {
      completeOffTimer(r);
    }
  }

  /** Under the lock: records the stop and starts killing the tree. */
  private void beginStop(Outcome outcome) {
    stopOutcome = outcome;
    // looking for the tree's processes takes a moment: never on the timer or the caller's thread
    ProcessTreeKiller k = killer;
    offTimer(k::terminate);
    try {
      context
          .timer()
          .schedule(
              () -> offTimer(this::forceAndWatch),
              context.killGrace().toNanos(),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      offTimer(k::forceKill);
    }
  }

  private void forceAndWatch() {
    forceKill();
    try {
      context
          .timer()
          .schedule(this::completeIfStuck, context.drainGrace().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // the transport is closing: its close() completes what is left
    }
  }

  /** After a forced kill: completes the result even if the process has not been seen to exit. */
  private void completeIfStuck() {
    ExecutionResult r = null;
    synchronized (lock) {
      if (state == State.RUNNING && stopOutcome != null) {
        state = State.FINISHED;
        r = finalResult(stopOutcome, null);
      }
    }
    if (r != null) {
      completeOffTimer(r);
    }
  }

  private void completeOffTimer(ExecutionResult r) {
    offTimer(() -> result.complete(r));
  }

  /** Runs a task on the executor (so callers' callbacks and kills never hold up the timer). */
  private void offTimer(Runnable task) {
    try {
      context.executor().execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Under the lock. */
  private ExecutionResult finalResult(Outcome outcome, Integer exitCode) {
    Instant now = context.clock().instant();
    return new ExecutionResult(
        outcome,
        exitCode,
        stdout.snapshot(),
        stderr.snapshot(),
        startedAt,
        notBefore(now, startedAt),
        null);
  }

  /** A clock set back while the run went must not make the result invalid. */
  private static Instant notBefore(Instant t, Instant floor) {
    return t.isBefore(floor) ? floor : t;
  }

  private void markDone() {
    if (done.complete(null)) {
      context.onDone().accept(this);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static Path createPrivateDirectory() throws IOException {
    if (posix()) {
      FileAttribute<Set<PosixFilePermission>> ownerOnly =
          PosixFilePermissions.asFileAttribute(OWNER_ONLY);
      return Files.createTempDirectory("scripttask-", ownerOnly);
    }
    return Files.createTempDirectory("scripttask-");
  }

  private static Path writePrivateFile(Path file, ScriptRenderer.Rendered rendered)
      throws IOException {
    if (posix()) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    } else {
      Files.createFile(file);
    }
    Files.writeString(file, rendered.text(), StandardCharsets.UTF_8);
    return file;
  }

  private void deleteRunDirectory() {
    Path dir = runDirectory;
    runDirectory = null;
    if (dir == null) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              deleteQuietly(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              deleteQuietly(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
              deleteQuietly(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // best effort: a temporary directory left behind is not worth failing a run for
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort, as above
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do: the stream is gone either way
    }
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
