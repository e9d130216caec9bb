package io.scripttask.benchmarks.remediation;

import io.scripttask.remediation.InMemoryRemediationStore;
import io.scripttask.remediation.RemediationEngine;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.Transport;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Workflow steps per second through the remediation engine with the in-memory store and no-op
 * steps: every step is a script step whose transport returns a result (exit 0) that is complete
 * before {@code execute} returns, so what is measured is the interpreter, the checkpoint of every
 * transition through the store (compare-and-set plus the appended attempt record) and the event
 * publication, not any process.
 *
 * <p>A round registers nothing new: it admits {@code executions} executions of one workflow of
 * {@code steps} chained script steps, one per node (so dedup never refuses one), then runs them to
 * the end, and reports steps per second (step attempts recorded / elapsed). Two modes:
 *
 * <ul>
 *   <li>{@code driven}: the engine is not started; the benchmark's thread calls {@code
 *       runDueWork()} until every execution ended (the interpreter alone).
 *   <li>{@code started}: the engine runs on its own thread ({@code start()}), woken by each
 *       admission; the benchmark's thread admits and then polls the store until every execution
 *       ended.
 * </ul>
 *
 * <p>System properties: {@code executions} (default 2000), {@code steps} (10), {@code rounds} (5),
 * {@code mode} ({@code driven}, {@code started} or {@code both}, the default). Each mode first runs
 * one warm-up round that is not reported. Prints one line per round and the median per mode.
 *
 * <pre>
 * java -cp benchmarks/target-xxx/benchmarks.jar -Xmx2g -Dexecutions=2000 -Dsteps=10 -Drounds=5 \
 *     io.scripttask.benchmarks.remediation.StepsPerSecond
 * </pre>
 */
public final class StepsPerSecond {

  private StepsPerSecond() {}

  /** A transport whose runs have already ended, successfully, when {@code execute} returns. */
  static final class NoopTransport implements Transport {
    private final Clock clock;

    NoopTransport(Clock clock) {
      this.clock = clock;
    }

    @Override
    public String name() {
      return "noop";
    }

    @Override
    public Execution execute(ExecutionRequest request) {
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
  }

  /**
   * Runs the benchmark.
   *
   * @param args ignored; see the class comment for the system properties
   * @throws InterruptedException if interrupted while polling
   */
  public static void main(String[] args) throws InterruptedException {
    int executions = Integer.getInteger("executions", 2000);
    int steps = Integer.getInteger("steps", 10);
    int rounds = Integer.getInteger("rounds", 5);
    String mode = System.getProperty("mode", "both");
    printMachine();
    System.out.printf(
        Locale.ROOT,
        "# remediation steps/s: %d executions x %d no-op script steps, in-memory store, %d rounds%n",
        executions,
        steps,
        rounds);
    Workflow workflow = workflow(steps);
    for (String m : mode.equals("both") ? List.of("driven", "started") : List.of(mode)) {
      round(m, workflow, executions, steps);
      double[] rates = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        rates[r] = round(m, workflow, executions, steps);
        System.out.printf(Locale.ROOT, "%-8s round %d: %,.0f steps/s%n", m, r + 1, rates[r]);
      }
      Arrays.sort(rates);
      System.out.printf(Locale.ROOT, "%-8s median: %,.0f steps/s%n", m, rates[rates.length / 2]);
    }
  }

  static Workflow workflow(int steps) {
    Script noop = Script.builder("noop").content("true").build();
    Workflow.Builder b = Workflow.builder("bench").name("no-op chain");
    for (int i = 1; i <= steps; i++) {
      b.step(Step.script("s" + i).script(noop).onSuccess(i == steps ? null : "s" + (i + 1)));
    }
    return b.build();
  }

  /**
   * @return steps per second of one round
   */
  static double round(String mode, Workflow workflow, int executions, int steps)
      throws InterruptedException {
    Clock clock = Clock.systemUTC();
    List<Node> nodes = new ArrayList<>(executions);
    for (int i = 0; i < executions; i++) {
      nodes.add(Node.of("node-" + i, "noop"));
    }
    InMemoryRemediationStore store = new InMemoryRemediationStore();
    RemediationEngine engine =
        RemediationEngine.builder()
            .clock(clock)
            .store(store)
            .nodes(InMemoryNodeDirectory.of(nodes))
            .transport(new NoopTransport(clock))
            .instanceId("bench")
            .build();
    engine.register(workflow, null);
    List<String> ids = new ArrayList<>(executions);
    long t0;
    if (mode.equals("started")) {
      engine.start();
      t0 = System.nanoTime();
      for (Node n : nodes) {
        ids.add(engine.startExecution("bench", n.id(), Map.of(), null).id());
      }
      for (String id : ids) {
        while (engine.execution(id).map(WorkflowExecution::isActive).orElse(true)) {
          Thread.sleep(1);
        }
      }
    } else {
      t0 = System.nanoTime();
      for (Node n : nodes) {
        ids.add(engine.startExecution("bench", n.id(), Map.of(), null).id());
      }
      while (!engine.ownedExecutions().isEmpty()) {
        engine.runDueWork();
      }
    }
    long elapsed = System.nanoTime() - t0;
    long recorded = 0;
    for (String id : ids) {
      recorded += engine.attempts(id).size();
    }
    engine.shutdown(Duration.ZERO);
    if (recorded != (long) executions * steps) {
      throw new IllegalStateException(
          "expected " + (long) executions * steps + " step attempts, but recorded " + recorded);
    }
    return recorded / (elapsed / 1e9);
  }

  private static void printMachine() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    System.out.printf(
        Locale.ROOT,
        "# java %s (%s) | %d cpus | load average %.2f | max heap %d MiB%n",
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(),
        os.getSystemLoadAverage(),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }
}
