package io.scripttask.samples;

import io.scripttask.remediation.Condition;
import io.scripttask.remediation.Op;
import io.scripttask.remediation.Plan;
import io.scripttask.remediation.RemediationEngine;
import io.scripttask.remediation.ScriptedResults;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepRetry;
import io.scripttask.remediation.Transitions;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.remediation.WorkflowTrigger;
import io.scripttask.scheduler.ConsoleNotifier;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.LocalProcessTransport;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.Notification;
import io.scripttask.scheduler.Script;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The demo's remediation part: a disk-space workflow on a local node, run by a {@link
 * RemediationEngine} on real {@code sh} scripts.
 *
 * <ol>
 *   <li>Metric samples of the node's disk usage are fed to {@link RemediationEngine#onMetric}; the
 *       workflow's trigger fires when 2 of the last 3 samples are above 85 % (and re-arms only
 *       below 70 %).
 *   <li>The execution measures the "disk" (a temporary directory whose files count 10 % each),
 *       branches on the sample (above 95 %: purge caches, else clean temp files), cleans with a
 *       retry (the first attempt finds the disk busy and exits 75), checks the disk is healthy, and
 *       notifies the {@code console} channel.
 *   <li>A dry run shows what a failing verification would do, touching nothing.
 *   <li>Then it is told to fail ({@code simulateFailure}): the health check never passes, the
 *       failure is notified, and the rollback runs the cleanup's compensation, which puts the temp
 *       files back.
 * </ol>
 *
 * <p>Every engine event is printed as one line by a {@link RemediationEventPrinter}. It takes about
 * 4 seconds.
 */
public final class RemediationDemo {

  /** How long the demo waits at most for one execution to end. */
  static final Duration EXECUTION_LIMIT = Duration.ofSeconds(30);

  private final Clock clock;
  private final PrintStream out;

  /**
   * @param clock the clock (it must tick with real time: the scripts are real processes)
   * @param out where the demo prints
   * @throws NullPointerException if an argument is null
   */
  public RemediationDemo(Clock clock, PrintStream out) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Runs the remediation part on the system clock, printing to standard output.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    new RemediationDemo(Clock.systemUTC(), System.out).run();
  }

  /**
   * Runs the part and returns when its engine has shut down.
   *
   * @throws UncheckedIOException if the temporary "disk" cannot be prepared
   */
  public void run() {
    Path root;
    try {
      root = Files.createTempDirectory("scripttask-remediation-demo");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path disk = root.resolve("disk");
    Path trash = root.resolve("trash");
    try {
      fill(disk, trash, true);
      runIn(disk, trash);
    } finally {
      delete(root);
    }
  }

  private void runIn(Path disk, Path trash) {
    Instant start = clock.instant();
    RemediationEventPrinter printer = new RemediationEventPrinter(start, out);
    Workflow workflow = workflow(disk, trash);
    out.println("ScriptTask for Java: remediation, on real processes");
    out.println("  node web-1 (transport \"local\"); its \"disk\" is " + disk + ", 10 % per file");
    out.println(
        "  workflow "
            + workflow.id()
            + ": fires when 2 of the last 3 samples of diskUsagePercent are > 85 (re-arms < 70)");
    out.println(
        "  steps: measure -> how-bad? (> 95: purge-caches, else clean-tmp, retried on exit 75)"
            + " -> verify (health check) -> notify-ok | notify-failed -> $fail (rolls back)");
    out.println("  columns: offset, execution, step, attempt, status, details");
    out.println();

    try (LocalProcessTransport local = LocalProcessTransport.builder().clock(clock).build()) {
      RemediationEngine engine =
          RemediationEngine.builder()
              .clock(clock)
              .nodes(InMemoryNodeDirectory.of(Node.of("web-1", LocalProcessTransport.DEFAULT_NAME)))
              .transport(local)
              .notifier(new ConsoleNotifier("console", out))
              .scripts(RemediationDemo::script)
              .listener(printer)
              .eventExecutor(Runnable::run)
              .pollInterval(Duration.ofMillis(500))
              .instanceId("demo-remediation")
              .build();
      engine.register(workflow, "demo");
      engine.start();
      try {
        WorkflowExecution first = null;
        for (int usage : new int[] {80, 90, 92}) {
          List<WorkflowExecution> started =
              engine.onMetric("web-1", Map.of("diskUsagePercent", usage));
          say(
              printer,
              "sample diskUsagePercent="
                  + usage
                  + (started.isEmpty() ? ": no trigger" : ": trigger fired"));
          if (!started.isEmpty()) {
            first = started.get(0);
          }
        }
        WorkflowExecution done = await(engine, Objects.requireNonNull(first, "fired"));
        say(printer, "execution " + printer.label(done.id()) + " ended " + done.status());
        List<WorkflowExecution> again = engine.onMetric("web-1", Map.of("diskUsagePercent", 91));
        say(
            printer,
            "sample diskUsagePercent=91: "
                + (again.isEmpty()
                    ? "no trigger (it fired; it re-arms once a sample is below 70)"
                    : "trigger fired"));

        Map<String, Object> failing = Map.of("diskUsagePercent", 91, "simulateFailure", true);
        Plan plan =
            engine.plan(
                workflow,
                "web-1",
                failing,
                ScriptedResults.builder()
                    .step("verify", ScriptedResults.Result.exit(1, "usage still high"))
                    .build());
        say(
            printer,
            "dry run with a failing verification: steps "
                + plan.stepsTaken()
                + ", compensations "
                + plan.compensated()
                + ", "
                + plan.notifications().size()
                + " notification(s), ends "
                + plan.status()
                + " after "
                + plan.duration().toMillis()
                + " ms of virtual time; nothing ran");

        fill(disk, trash, false);
        say(printer, "told to fail: starting by hand with simulateFailure=true");
        WorkflowExecution second = engine.startExecution(workflow.id(), "web-1", failing, "demo");
        WorkflowExecution failed = await(engine, second);
        say(
            printer,
            "execution "
                + printer.label(failed.id())
                + " ended "
                + failed.status()
                + ", rollback "
                + failed.rollback()
                + "; temp files back on the disk: "
                + count(disk, ".tmp"));
        long attempts = engine.attempts(failed.id()).size();
        say(printer, "its record holds " + attempts + " attempts");
      } finally {
        engine.shutdown(Duration.ofSeconds(5));
      }
      say(printer, "remediation engine shut down");
    }
  }

  /** The workflow, with the demo's directories in its steps' environment. */
  static Workflow workflow(Path disk, Path trash) {
    String d = disk.toString();
    String t = trash.toString();
    return Workflow.builder("disk-space")
        .name("Disk space remediation")
        .trigger(
            WorkflowTrigger.metric(Condition.threshold("diskUsagePercent", Op.GT, 85))
                .samples(2, 3)
                .clearWhen(Condition.threshold("diskUsagePercent", Op.LT, 70)))
        .step(Step.script("measure").script("measure").env("DISK", d).onSuccess("how-bad"))
        .step(
            Step.condition("how-bad", Condition.threshold("diskUsagePercent", Op.GT, 95))
                .whenTrue("purge-caches")
                .whenFalse("clean-tmp"))
        .step(
            Step.script("purge-caches")
                .script("purge-caches")
                .onSuccess("verify")
                .onFailure("notify-failed"))
        .step(
            Step.script("clean-tmp")
                .script("clean-tmp")
                .env("DISK", d)
                .env("TRASH", t)
                .retry(
                    StepRetry.builder()
                        .maxAttempts(3)
                        .initialBackoff(Duration.ofMillis(500))
                        .jitter(0)
                        .retryOn(Condition.exitCode(75))
                        .build())
                .rollbackScript("restore-tmp")
                .onSuccess("verify")
                .onFailure("notify-failed"))
        .step(
            Step.healthCheck("verify")
                .script("verify")
                .env("DISK", d)
                .interval(Duration.ofMillis(300))
                .probeTimeout(Duration.ofSeconds(5))
                .timeout(Duration.ofSeconds(2))
                .onSuccess("notify-ok")
                .onFailure("notify-failed"))
        .step(
            Step.notify("notify-ok")
                .channel("console")
                .subject("Disk on ${node.id} back to ${step.verify.stdout}")
                .body("cleanup: ${step.clean-tmp.stdout}"))
        .step(
            Step.notify("notify-failed")
                .channel("console")
                .severity(Notification.Severity.CRITICAL)
                .subject("Disk remediation on ${node.id} failed: rolling back")
                .body("verify said: ${step.verify.stdout}")
                .onSuccess(Transitions.FAIL))
        .rollbackEnabled(true)
        .build();
  }

  /** The script library of the demo. */
  static Optional<Script> script(String id) {
    String body =
        switch (id) {
          case "measure" -> "n=$(ls \"$DISK\" | wc -l); echo \"{\\\"usagePercent\\\": $((n*10))}\"";
          case "purge-caches" -> "echo purging caches";
          case "clean-tmp" ->
              "if [ -f \"$DISK/.busy\" ]; then rm \"$DISK/.busy\"; echo 'disk busy, try again' >&2;"
                  + " exit 75; fi\n"
                  + "mkdir -p \"$TRASH\" && mv \"$DISK\"/*.tmp \"$TRASH\"/ &&"
                  + " echo \"moved $(ls \"$TRASH\" | wc -l) temp files to the trash\"";
          case "restore-tmp" ->
              "mv \"$TRASH\"/*.tmp \"$DISK\"/ && echo \"restored $(ls \"$DISK\" | wc -l) files\"";
          case "verify" ->
              "n=$(ls \"$DISK\" | wc -l); echo \"$((n*10))%\";"
                  + " if [ \"$ST_TRIGGER_SIMULATEFAILURE\" = true ]; then exit 1; fi;"
                  + " [ $((n*10)) -lt 70 ]";
          default -> null;
        };
    return Optional.ofNullable(body)
        .map(b -> Script.builder(id).content(b).defaultTimeout(Duration.ofSeconds(10)).build());
  }

  private WorkflowExecution await(RemediationEngine engine, WorkflowExecution e) {
    long deadline = System.nanoTime() + EXECUTION_LIMIT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      WorkflowExecution now = engine.execution(e.id()).orElseThrow();
      if (!now.isActive()) {
        return now;
      }
      sleep(Duration.ofMillis(20));
    }
    throw new IllegalStateException("execution " + e.id() + " did not end in " + EXECUTION_LIMIT);
  }

  private void say(RemediationEventPrinter printer, String text) {
    out.printf(Locale.ROOT, "%8s  %s%n", printer.offset(clock.instant()), text);
  }

  /** Fills the disk with 8 temp files and one kept file (90 %), optionally a busy marker. */
  private static void fill(Path disk, Path trash, boolean busy) {
    try {
      Files.createDirectories(disk);
      delete(trash);
      for (int i = 1; i <= 8; i++) {
        Path f = disk.resolve("junk-" + i + ".tmp");
        if (!Files.exists(f)) {
          Files.writeString(f, "junk " + i);
        }
      }
      Files.writeString(disk.resolve("keep.dat"), "keep");
      if (busy) {
        Files.writeString(disk.resolve(".busy"), "busy");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long count(Path dir, String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(Duration d) {
    try {
      TimeUnit.NANOSECONDS.sleep(d.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * @param attempt an attempt
   * @return its first line of output, for printing
   */
  static String firstLine(StepAttempt attempt) {
    String text =
        attempt.stdout().text().isBlank() ? attempt.stderr().text() : attempt.stdout().text();
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > 80 ? line.substring(0, 80) + "..." : line;
  }
}
