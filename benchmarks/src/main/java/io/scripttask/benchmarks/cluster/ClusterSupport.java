package io.scripttask.benchmarks.cluster;

import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.Transport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared pieces of the cluster benchmarks: the no-op transport, nodes, statistics, machine info.
 */
final class ClusterSupport {

  /** The name of the no-op transport and of the nodes' transport. */
  static final String NOOP = "noop";

  /** The id of the script every job runs (the no-op transport never runs it). */
  static final String SCRIPT = "noop";

  private ClusterSupport() {}

  /** Keeps the libraries' INFO logging (HikariCP, db-scheduler) out of the output. */
  static void quietLogging() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  /**
   * @return the script every benchmark job runs
   */
  static Script script() {
    return Script.builder(SCRIPT).content("true").build();
  }

  /**
   * @param count how many nodes
   * @return nodes {@code n0 … n<count-1>}, all on the no-op transport
   */
  static List<Node> nodes(int count) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      nodes.add(Node.of("n" + i, NOOP));
    }
    return nodes;
  }

  /** Prints the JVM, the processors and the load average, so every report carries them. */
  static void printMachine(String what) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    System.out.printf(
        "# %s | java %s (%s) | %d cpus | load average %.2f | max heap %d MiB | %s%n",
        what,
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        os.getAvailableProcessors(),
        os.getSystemLoadAverage(),
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        Pg.URL);
  }

  /**
   * @return the current load average, for the report lines
   */
  static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /**
   * @return the CPU time this process used so far, all threads, in nanoseconds
   */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * The CPU time (user and system) the PostgreSQL server's processes have used so far: the sum over
   * every process named {@code postgres} in {@code /proc} (the server runs on this machine; each
   * connection has its own backend process). Backends opened and closed inside a measured span are
   * missed; the harnesses open their pools before and close them after the span.
   *
   * @return nanoseconds, or -1 where {@code /proc} cannot be read (not Linux)
   */
  static long postgresCpuNanos() {
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) {
      return -1;
    }
    long ticks = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path dir : dirs) {
        String stat;
        try {
          stat = Files.readString(dir.resolve("stat"));
        } catch (IOException | RuntimeException gone) {
          continue; // the process ended meanwhile
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open || !stat.substring(open + 1, close).equals("postgres")) {
          continue;
        }
        // after the name: state(1) ppid(2) ... utime(12) stime(13), counted from the field after
        // ')'
        String[] f = stat.substring(close + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      }
    } catch (IOException e) {
      return -1;
    }
    return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
  }

  /** Linux's USER_HZ, the unit of the CPU times in {@code /proc/<pid>/stat} (100 on x86-64). */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  /**
   * @return the median of the values
   */
  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }

  /**
   * Percentile of sorted values, nearest rank.
   *
   * @param sorted values in ascending order
   * @param p the percentile, 0-100
   * @return the value
   */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /**
   * Formats p50/p90/p99/p99.9/max of nanosecond values in milliseconds.
   *
   * @param nanos the values, sorted in place
   * @return the summary
   */
  static String latencySummary(long[] nanos) {
    Arrays.sort(nanos);
    return String.format(
        "n=%d p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f ms",
        nanos.length,
        percentile(nanos, 50) / 1e6,
        percentile(nanos, 90) / 1e6,
        percentile(nanos, 99) / 1e6,
        percentile(nanos, 99.9) / 1e6,
        nanos.length == 0 ? 0 : nanos[nanos.length - 1] / 1e6);
  }

  /**
   * A transport that does nothing: every run exits 0 at once, its result completed before {@link
   * #execute} returns. Counts how often each execution id was handed to it, across every scheduler
   * instance it is given to, so that a run started twice shows up.
   */
  static final class NoopTransport implements Transport {
    private final Clock clock;
    private final Map<String, AtomicInteger> handed = new ConcurrentHashMap<>();

    /**
     * @param clock the clock for the result's timings
     */
    NoopTransport(Clock clock) {
      this.clock = clock;
    }

    @Override
    public String name() {
      return NOOP;
    }

    @Override
    public Execution execute(ExecutionRequest request) {
      handed.computeIfAbsent(request.executionId(), k -> new AtomicInteger()).incrementAndGet();
      Instant now = clock.instant();
      CompletableFuture<ExecutionResult> done =
          CompletableFuture.completedFuture(
              new ExecutionResult(
                  ExecutionResult.Outcome.EXITED,
                  0,
                  CapturedOutput.EMPTY,
                  CapturedOutput.EMPTY,
                  now,
                  now,
                  null));
      return new Execution() {
        @Override
        public CompletableFuture<ExecutionResult> result() {
          return done;
        }

        @Override
        public boolean cancel() {
          return false;
        }
      };
    }

    /**
     * @return how many distinct execution ids were handed over
     */
    int distinct() {
      return handed.size();
    }

    /**
     * @return how many execution ids were handed over more than once
     */
    long duplicates() {
      return handed.values().stream().filter(c -> c.get() > 1).count();
    }
  }
}
