package io.scripttask.scheduler.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.spi.CapturedOutput;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.ExecutionResult;
import io.scripttask.scheduler.spi.ExecutionResult.Outcome;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The states of a {@link ProcessRun} that a real transport cannot reach on purpose. */
class ProcessRunTest {

  private static final Instant NOW = Instant.parse("2030-03-04T05:06:07Z");

  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private final Queue<Runnable> queued = new ArrayDeque<>();
  private final List<ProcessRun> doneRuns = new ArrayList<>();

  @TempDir Path temp;

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private ProcessRun.Context context(Executor executor) {
    return new ProcessRun.Context(
        "local",
        Clock.fixed(NOW, ZoneOffset.UTC),
        Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")),
        null,
        executor,
        timer,
        Duration.ofMillis(200),
        Duration.ofMillis(200),
        false,
        doneRuns::add);
  }

  private ExecutionRequest request(String content) {
    return new ExecutionRequest(
        "run-1",
        Node.of("n", "local"),
        Script.builder("s").shell(Shell.SH).content(content).build(),
        Map.of(),
        Duration.ofSeconds(10),
        true,
        OutputPolicy.DEFAULT);
  }

  @Test
  void cancelBeforeTheProcessStartedCompletesAtOnceAndStartsNothing() {
    Path marker = temp.resolve("started");
    ProcessRun run = new ProcessRun(request("touch '" + marker + "'"), context(queued::add));
    run.start();

    boolean cancelled = run.cancel();

    assertThat(cancelled).isTrue();
    assertThat(run.result())
        .isCompletedWithValue(
            new ExecutionResult(
                Outcome.CANCELLED,
                null,
                CapturedOutput.EMPTY,
                CapturedOutput.EMPTY,
                NOW,
                NOW,
                null));
    assertThat(run.cancel()).isFalse();

    // the launch task runs late and must not start the script
    assertThat(queued).hasSize(1);
    queued.poll().run();

    assertThat(marker).doesNotExist();
    assertThat(run.done()).isCompleted();
    assertThat(doneRuns).containsExactly(run);
  }

  @Test
  void rejectedLaunchFailsToStartAsClosed() {
    ProcessRun run =
        new ProcessRun(
            request("echo hi"),
            context(
                task -> {
                  throw new RejectedExecutionException("shut down");
                }));

    run.start();

    ExecutionResult result = run.result().getNow(null);
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(result.error()).isEqualTo("transport is closed");
    assertThat(run.cancel()).isFalse();
    assertThat(run.done()).isCompleted();
  }

  @Test
  void abandonCompletesAPendingRunAsCancelled() {
    ProcessRun run = new ProcessRun(request("echo hi"), context(queued::add));
    run.start();

    run.abandon();

    assertThat(run.result().getNow(null).outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(run.cancel()).isFalse();
  }

  @Test
  void toStringShowsNoEnvironmentValues() {
    ExecutionRequest request =
        new ExecutionRequest(
            "run-secret",
            Node.of("n", "local"),
            Script.builder("s").content("echo").build(),
            Map.of("PASSWORD", "pa55-w0rd-value"),
            Duration.ofSeconds(1),
            true,
            OutputPolicy.DEFAULT);
    ProcessRun.Context context =
        new ProcessRun.Context(
            "local",
            Clock.systemUTC(),
            Map.of("BASE_SECRET", "base-secret-value"),
            null,
            queued::add,
            timer,
            Duration.ofMillis(200),
            Duration.ofMillis(200),
            false,
            r -> {});

    ProcessRun run = new ProcessRun(request, context);

    assertThat(run.toString()).contains("run-secret").doesNotContain("pa55-w0rd-value");
    assertThat(context.toString()).contains("BASE_SECRET").doesNotContain("base-secret-value");
  }
}
