package io.scripttask.benchmarks.engine;

import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.Transport;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Shared pieces of the engine benchmarks: clocks, a no-op transport, statistics, machine info. */
final class Support {
  /** The real clock every harness reads "now" from (the engine gets it, or one derived from it). */
  static final Clock SYSTEM = Clock.systemUTC();

  /** The name of the no-op transport and of the nodes' transport. */
  static final String NOOP = "noop";

  private Support() {}

  /** Keeps the peers' INFO logging (Quartz, slf4j-simple) out of the measurements. */
  static void quietLogging() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
  }

  /**
   * @return the script every benchmark schedule runs (the no-op transport never runs it)
   */
  static Script script() {
    return Script.builder("noop").content("true").build();
  }

  /** Prints the JVM, the processors and the load average, so every report carries them. */
  static void printMachine(String what) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    System.out.printf(
        "# %s | java %s (%s) | %d cpus | load average %.2f | max heap %d MiB%n",
        what,
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        os.getAvailableProcessors(),
        os.getSystemLoadAverage(),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  /**
   * @return the CPU time this process used so far, all threads, in nanoseconds
   */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * @return the current load average, for the report lines
   */
  static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /**
   * Collects garbage until the used heap stops shrinking (at most 10 rounds).
   *
   * @return the used heap afterwards, in bytes
   */
  static long settledUsedHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      long used = memory.getHeapMemoryUsage().getUsed();
      if (used >= best - 1024 && i >= 3) {
        return Math.min(best, used);
      }
      best = Math.min(best, used);
    }
    return best;
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
        "n=%d p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f ms",
        nanos.length,
        percentile(nanos, 50) / 1e6,
        percentile(nanos, 90) / 1e6,
        percentile(nanos, 99) / 1e6,
        percentile(nanos, 99.9) / 1e6,
        nanos.length == 0 ? 0 : nanos[nanos.length - 1] / 1e6);
  }

  /** A clock that reads the system clock plus an offset that can jump. Thread-safe. */
  static final class OffsetClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    /**
     * @param offset the new offset from the system clock
     */
    void offset(Duration offset) {
      this.offset = Objects.requireNonNull(offset, "offset");
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("fixed to UTC");
    }

    @Override
    public Instant instant() {
      return SYSTEM.instant().plus(offset);
    }
  }

  /** A clock that only moves when told to. Thread-safe. */
  static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant start) {
      this.now = Objects.requireNonNull(start, "start");
    }

    /**
     * @param step how far to move forward
     */
    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("fixed to UTC");
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /**
   * A transport that does nothing: every run exits 0 at once, its result completed before {@link
   * #execute} returns. Optionally records when each run was handed to it.
   */
  static final class NoopTransport implements Transport {
    private final Clock clock;
    private final Map<String, Long> handedAtNanos;

    /**
     * @param clock the clock for the result's timings
     * @param record whether to record the wall-clock time (epoch nanos) of every {@link #execute}
     */
    NoopTransport(Clock clock, boolean record) {
      this.clock = clock;
      this.handedAtNanos = record ? new ConcurrentHashMap<>() : null;
    }

    @Override
    public String name() {
      return NOOP;
    }

    @Override
    public Execution execute(ExecutionRequest request) {
      Instant now = clock.instant();
      if (handedAtNanos != null) {
        handedAtNanos.put(
            request.executionId(), now.getEpochSecond() * 1_000_000_000L + now.getNano());
      }
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
     * @return execution id to the epoch nanos it was handed over, if recording
     */
    Map<String, Long> handedAtNanos() {
      return handedAtNanos;
    }
  }
}
