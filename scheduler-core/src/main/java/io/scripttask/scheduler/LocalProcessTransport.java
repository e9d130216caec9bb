package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.process.ProcessRun;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.Transport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A {@link Transport} that runs scripts as processes on this host, whatever node a request names
 * (as long as the node is reached by this transport's {@link #name()}).
 *
 * <pre>{@code
 * try (LocalProcessTransport local = LocalProcessTransport.builder()
 *     .clock(clock)
 *     .environment(Map.of("REGION", "eu-west-1"))
 *     .build()) {
 *   Execution run = local.execute(request);
 *   ExecutionResult result = run.result().get();
 * }
 * }</pre>
 *
 * <h2>How a script runs</h2>
 *
 * <ul>
 *   <li><b>Interpreters</b>: {@link Shell#SH} runs with {@code /bin/sh}, {@link Shell#BASH} with
 *       {@code bash}, {@link Shell#PYTHON} with {@code python3}, {@link Shell#POWERSHELL} with
 *       {@code pwsh -NoProfile -NonInteractive -File} (on Windows, Windows PowerShell when there is
 *       no {@code pwsh}), {@link Shell#CMD} with {@code cmd /d /c} on Windows only. They are looked
 *       up on the {@code PATH} the script gets. A missing one gives {@code FAILED_TO_START} with an
 *       error such as {@code "pwsh not found on PATH"} or {@code "cmd is only available on
 *       Windows"}.
 *   <li><b>Script file</b>: the script is written to a file readable by its owner only (mode 0700)
 *       in a fresh private temporary directory, run as {@code <interpreter> <file>}, and deleted
 *       when the process exits. Standard input is empty (closed). A command list runs in one
 *       interpreter process, in order; with {@code stopOnFailure} the first command that fails ends
 *       the run with its exit code, otherwise all run and the exit code is the last command's.
 *   <li><b>Environment</b>: by default the script starts from a minimal environment, the JVM's
 *       {@code PATH}, {@code HOME} and {@code LANG} (on Windows also {@code SystemRoot}, {@code
 *       ComSpec}, {@code PATHEXT}, {@code TEMP}, {@code TMP}, {@code USERPROFILE}), or from the
 *       JVM's whole environment with {@link Builder#inheritEnvironment(boolean)}; then the
 *       builder's {@link Builder#environment(Map) environment} is added, then the request's (which
 *       wins). Values are handed to the process environment, never written into the script, so a
 *       value cannot inject commands. The transport adds one variable of its own, {@code
 *       SCRIPTTASK_RUN_MARK}, a random value per run that every process the script starts inherits:
 *       on Linux it lets a kill find the script's processes even after they left its process tree.
 *   <li><b>Working directory</b>: {@link Builder#workingDirectory(Path)}, or by default a fresh
 *       temporary directory per run, deleted when the process exits. A working directory that does
 *       not exist gives {@code FAILED_TO_START}.
 *   <li><b>Output</b>: stdout and stderr are drained concurrently and kept per the request's {@link
 *       OutputPolicy}: at most {@code maxBytes} per stream, head and tail, with a marker line
 *       {@code "... [truncated N bytes] ..."} between them; memory stays bounded by the cap. Output
 *       is decoded as UTF-8; a cut never splits a multi-byte character (its bytes are dropped with
 *       the middle and counted), and bytes that are not UTF-8 become U+FFFD.
 *   <li><b>Timeout</b>: measured on the monotonic clock ({@code System.nanoTime}) from the start of
 *       the process; the injected {@link Clock} only stamps {@code startedAt} and {@code
 *       finishedAt}. With {@code killOnTimeout} the whole process tree (the script, its descendants
 *       and, on Linux, every process that carries its run mark) is sent SIGTERM, parents first,
 *       then SIGKILL after the {@link Builder#killGrace(Duration) kill grace}; the result is {@code
 *       TIMED_OUT} with a null exit code. Without it the result is {@code TIMED_OUT} at the
 *       deadline with the output so far, and the process runs on, still drained, its later result
 *       discarded (it is killed when the transport closes).
 *   <li><b>Cancel</b>: {@link Execution#cancel()} kills the tree in the same way and completes the
 *       result {@code CANCELLED} (null exit code) once the process has exited; before the process
 *       started it starts nothing and completes at once; after the result is decided it returns
 *       false and changes nothing.
 *   <li><b>Leftovers</b>: background processes that the script leaves behind when it exits normally
 *       are not killed (as with {@code nohup}); if they hold its stdout or stderr open, the result
 *       completes after a drain grace of {@value #DRAIN_GRACE_MILLIS} ms with the output so far.
 *       They should not use the per-run temporary directory, which is deleted.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * <p>{@link #execute} never blocks and never throws for a run-time failure: it hands the run to an
 * internal cached pool of daemon threads (named {@code scripttask-<name>-process-N}) and returns.
 * Per running script three of those threads work: one writes the script file, starts the process
 * and then waits for it to exit (and completes the result); two read stdout and stderr. One daemon
 * timer thread ({@code scripttask-<name>-timer}) fires timeouts and forced kills and hands the work
 * (finding and signalling the tree's processes, completing results) to the pool. Callers' callbacks
 * on a result therefore run on pool threads (or, for a run cancelled before its process started, on
 * the thread calling {@link Execution#cancel()}); {@link Execution#cancel()} itself returns at
 * once. {@link #close()} stops everything: it cancels pending and running runs (and kills runs left
 * running after a timeout), waits up to the kill grace for their trees to exit, kills what is left,
 * completes every result still pending with {@code CANCELLED}, and stops its threads. Runs
 * requested after {@code close()} complete {@code FAILED_TO_START} with the error {@code "transport
 * is closed"}.
 *
 * <p>Environment values may be secrets: they never appear in logs, exceptions, errors or {@link
 * #toString()}. Thread-safe.
 */
public final class LocalProcessTransport implements Transport, AutoCloseable {

  /** The default name: {@code local}. */
  public static final String DEFAULT_NAME = "local";

  /** The default time a killed tree gets between SIGTERM and SIGKILL: 2 seconds. */
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);

  /** How long output is still read after the script exited, in milliseconds. */
  public static final long DRAIN_GRACE_MILLIS = 1000;

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final List<String> MINIMAL_ENVIRONMENT = List.of("PATH", "HOME", "LANG");
  private static final List<String> MINIMAL_WINDOWS_ENVIRONMENT =
      List.of("SystemRoot", "ComSpec", "PATHEXT", "TEMP", "TMP", "USERPROFILE");

  private final String name;
  private final Path workingDirectory;
  private final Map<String, String> environment;
  private final boolean inheritEnvironment;
  private final Duration killGrace;
  private final ExecutorService executor;
  private final ScheduledThreadPoolExecutor timer;
  private final ProcessRun.Context context;
  private final Set<ProcessRun> active = ConcurrentHashMap.newKeySet();
  private final Object lifecycle = new Object();
  private boolean closed;

  private LocalProcessTransport(Builder b) {
    this.name = b.name;
    this.workingDirectory = b.workingDirectory;
    this.environment = Map.copyOf(b.environment);
    this.inheritEnvironment = b.inheritEnvironment;
    this.killGrace = b.killGrace;
    boolean windows = System.getProperty("os.name", "").startsWith("Windows");
    Map<String, String> base = new HashMap<>();
    Map<String, String> jvm = System.getenv();
    if (inheritEnvironment) {
      base.putAll(jvm);
    } else {
      List<String> names = new ArrayList<>(MINIMAL_ENVIRONMENT);
      if (windows) {
        names.addAll(MINIMAL_WINDOWS_ENVIRONMENT);
      }
      for (String n : names) {
        String v = jvm.get(n);
        if (v != null) {
          base.put(n, v);
        }
      }
    }
    base.putAll(environment);
    this.executor =
        Executors.newCachedThreadPool(daemonThreads("scripttask-" + name + "-process-"));
    this.timer =
        new ScheduledThreadPoolExecutor(1, daemonThreads("scripttask-" + name + "-timer-"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.context =
        new ProcessRun.Context(
            name,
            b.clock,
            base,
            workingDirectory,
            executor,
            timer,
            killGrace,
            Duration.ofMillis(DRAIN_GRACE_MILLIS),
            windows,
            active::remove);
  }

  /**
   * Starts a builder.
   *
   * @return a builder with the defaults: name {@code local}, the system UTC clock, a fresh
   *     temporary working directory per run, no extra environment, a minimal inherited environment,
   *     a kill grace of 2 seconds
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the name nodes use to pick this transport
   */
  @Override
  public String name() {
    return name;
  }

  /**
   * Starts a run and returns at once; see the class description.
   *
   * @param request what to run
   * @return the handle of the run, whose result never completes exceptionally
   * @throws NullPointerException if request is null
   */
  @Override
  public Execution execute(ExecutionRequest request) {
    Objects.requireNonNull(request, "request");
    ProcessRun run = new ProcessRun(request, context);
    synchronized (lifecycle) {
      if (closed) {
        run.failToStart("transport is closed");
        return run;
      }
      active.add(run);
    }
    run.start();
    return run;
  }

  /**
   * Cancels every pending and running run, kills their process trees (waiting up to the kill grace
   * for them to exit, then killing forcibly), completes every result still pending with {@link
   * ExecutionResult.Outcome#CANCELLED} and stops this transport's threads. Blocks for at most about
   * twice the kill grace plus the drain grace. Idempotent.
   */
  @Override
  public void close() {
    List<ProcessRun> runs;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      runs = List.copyOf(active);
    }
    runs.forEach(ProcessRun::shutdown);
    awaitDone(runs, killGrace);
    runs.forEach(ProcessRun::forceKill);
    awaitDone(runs, killGrace.plusMillis(DRAIN_GRACE_MILLIS));
    runs.forEach(ProcessRun::abandon);
    timer.shutdownNow();
    executor.shutdownNow();
  }

  /**
   * @return the name, working directory and environment names; never environment values
   */
  @Override
  public String toString() {
    return "LocalProcessTransport[name="
        + name
        + ", workingDirectory="
        + (workingDirectory == null ? "(temporary per run)" : workingDirectory)
        + ", environment="
        + environment.keySet()
        + " (values hidden), inheritEnvironment="
        + inheritEnvironment
        + ", killGrace="
        + killGrace
        + "]";
  }

  private static void awaitDone(List<ProcessRun> runs, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    for (ProcessRun run : runs) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        run.done().get(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        // go on: what did not end in time is killed or abandoned next
      }
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Builds a {@link LocalProcessTransport}; not thread-safe. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private Clock clock = Clock.systemUTC();
    private Path workingDirectory;
    private Map<String, String> environment = Map.of();
    private boolean inheritEnvironment;
    private Duration killGrace = DEFAULT_KILL_GRACE;

    private Builder() {}

    /**
     * @param name the name nodes use to pick this transport (default {@code local})
     * @return this builder
     * @throws NullPointerException if name is null
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * @param clock the clock that stamps {@code startedAt} and {@code finishedAt} (default the
     *     system UTC clock); timeouts do not use it
     * @return this builder
     * @throws NullPointerException if clock is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param workingDirectory the working directory of every run (default a fresh temporary
     *     directory per run); if it does not exist when a run starts, the run fails to start
     * @return this builder
     * @throws NullPointerException if workingDirectory is null
     */
    public Builder workingDirectory(Path workingDirectory) {
      this.workingDirectory =
          Objects.requireNonNull(workingDirectory, "workingDirectory").toAbsolutePath();
      return this;
    }

    /**
     * @param environment variables added to every run's environment (a request's own variables win
     *     over these); values may be secrets and are never shown
     * @return this builder
     * @throws NullPointerException if the map, a name or a value is null
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
      return this;
    }

    /**
     * @param inherit whether runs start from the JVM's whole environment (default false: only its
     *     {@code PATH}, {@code HOME} and {@code LANG})
     * @return this builder
     */
    public Builder inheritEnvironment(boolean inherit) {
      this.inheritEnvironment = inherit;
      return this;
    }

    /**
     * @param killGrace how long a killed process tree gets between SIGTERM and SIGKILL (default 2
     *     seconds)
     * @return this builder
     * @throws NullPointerException if killGrace is null
     */
    public Builder killGrace(Duration killGrace) {
      this.killGrace = Objects.requireNonNull(killGrace, "killGrace");
      return this;
    }

    /**
     * Builds the transport, which starts its timer thread.
     *
     * @return the transport
     * @throws ValidationException if the name is blank, the kill grace is not positive, or an
     *     environment variable name is not {@code [A-Za-z_][A-Za-z0-9_]*}
     */
    public LocalProcessTransport build() {
      if (name.isBlank()) {
        throw new ValidationException("name", "not be blank", "\"" + name + "\"");
      }
      if (killGrace.isNegative() || killGrace.isZero()) {
        throw new ValidationException("killGrace", "be positive", killGrace);
      }
      for (String n : environment.keySet()) {
        if (!ENV_NAME.matcher(n).matches()) {
          throw new ValidationException(
              "environment", "have names matching [A-Za-z_][A-Za-z0-9_]*", "\"" + n + "\"");
        }
      }
      return new LocalProcessTransport(this);
    }
  }
}
