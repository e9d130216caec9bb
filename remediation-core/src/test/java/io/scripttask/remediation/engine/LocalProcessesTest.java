package io.scripttask.remediation.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scripttask.remediation.Condition;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.Op;
import io.scripttask.remediation.RemediationEngine;
import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.RollbackStatus;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.StepAttempt;
import io.scripttask.remediation.StepAttempt.Kind;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.ConsoleNotifier;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.LocalProcessTransport;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.Script;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A started engine (its own threads, the system clock) running real {@code sh} scripts through
 * scheduler-core's {@link LocalProcessTransport}. Waits use Awaitility; nothing asserts timings.
 */
class LocalProcessesTest {

  @TempDir Path dir;

  private LocalProcessTransport local;
  private RemediationEngine engine;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final List<RemediationEvent> events = new CopyOnWriteArrayList<>();
  private final InMemoryNodeDirectory nodes =
      InMemoryNodeDirectory.of(Node.of("localhost", "local"));

  private static Script sh(String id, String content) {
    return Script.builder(id).content(content).defaultTimeout(Duration.ofSeconds(30)).build();
  }

  @BeforeEach
  void start() {
    local = LocalProcessTransport.builder().build();
    Map<String, Script> library =
        Map.of(
            "df-json", sh("df-json", "echo '{\"usage\": 93, \"mount\": \"/var\"}'"),
            "cleanup", sh("cleanup", "touch \"$DIR/cleaned\" && echo cleaned \"$MOUNT\""),
            "probe", sh("probe", "test -f \"$DIR/cleaned\""),
            "install", sh("install", "echo installing; exit 3"),
            "backup", sh("backup", "touch \"$DIR/backup\""),
            "restore", sh("restore", "rm \"$DIR/backup\" && touch \"$DIR/restored\""),
            "chatty",
                sh("chatty", "i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done"));
    engine =
        RemediationEngine.builder()
            .nodes(nodes)
            .transport(local)
            .notifier(
                new ConsoleNotifier(
                    "console", new PrintStream(console, true, StandardCharsets.UTF_8)))
            .scripts(id -> Optional.ofNullable(library.get(id)))
            .output(OutputPolicy.cappedAt(1024))
            .listener(events::add)
            .build();
    engine.start();
  }

  @AfterEach
  void stop() {
    engine.shutdown(Duration.ofSeconds(5));
    local.close();
  }

  private WorkflowExecution awaitDone(WorkflowExecution started) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !engine.execution(started.id()).orElseThrow().isActive());
    return engine.execution(started.id()).orElseThrow();
  }

  @Test
  void runsABranchingWorkflowWithRealScriptsAndNotifiesTheConsole() {
    Workflow w =
        Workflow.builder("disk-local")
            .step(Step.script("measure").script("df-json").onSuccess("full"))
            .step(
                Step.condition("full", Condition.jsonPath("$.usage", Op.GT, 90))
                    .whenTrue("cleanup")
                    .whenFalse(io.scripttask.remediation.Transitions.SUCCEED))
            .step(
                Step.script("cleanup")
                    .script("cleanup")
                    .env("DIR", dir.toString())
                    .env("MOUNT", "${trigger.mount}")
                    .onSuccess("verify"))
            .step(
                Step.healthCheck("verify")
                    .script("probe")
                    .env("DIR", dir.toString())
                    .interval(Duration.ofMillis(200))
                    .timeout(Duration.ofSeconds(20))
                    .onSuccess("tell"))
            .step(
                Step.notify("tell")
                    .channel("console")
                    .subject("cleaned ${trigger.mount} on ${node.id}: ${step.cleanup.stdout}"))
            .build();
    engine.register(w, "alice");

    WorkflowExecution e =
        awaitDone(
            engine.startExecution("disk-local", "localhost", Map.of("mount", "/var"), "alice"));

    assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(dir.resolve("cleaned")).exists();
    List<StepAttempt> record = engine.attempts(e.id());
    assertThat(record.stream().filter(a -> a.kind() == Kind.STEP).map(StepAttempt::stepId))
        .containsExactly("measure", "full", "cleanup", "verify", "tell");
    assertThat(record.get(0).stdout().text()).contains("\"usage\": 93");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                console
                    .toString(StandardCharsets.UTF_8)
                    .contains("cleaned /var on localhost: cleaned /var"));
    await().atMost(Duration.ofSeconds(10)).until(engine::eventsDelivered);
    assertThat(events.get(0)).isInstanceOf(RemediationEvent.ExecutionStarted.class);
    assertThat(events.get(events.size() - 1))
        .isInstanceOf(RemediationEvent.ExecutionFinished.class);
  }

  @Test
  void rollsBackWithARealCompensationScriptWhenAStepFails() {
    Workflow w =
        Workflow.builder("patch-local")
            .step(
                Step.script("backup")
                    .script("backup")
                    .env("DIR", dir.toString())
                    .rollbackScript("restore")
                    .onSuccess("install"))
            .step(Step.script("install").script("install"))
            .rollbackEnabled(true)
            .build();
    engine.register(w, "alice");

    WorkflowExecution e =
        awaitDone(engine.startExecution("patch-local", "localhost", Map.of(), null));

    assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(e.rollback()).isEqualTo(RollbackStatus.COMPLETED);
    StepAttempt install = engine.attempts(e.id()).get(1);
    assertThat(install.exitCode()).isEqualTo(3);
    assertThat(install.stdout().text()).isEqualTo("installing\n");
    // the compensation ran with the step's environment and undid the backup step
    assertThat(dir.resolve("backup")).doesNotExist();
    assertThat(dir.resolve("restored")).exists();
  }

  @Test
  void capsTheOutputKeptInTheRecord() {
    Workflow w = Workflow.builder("chatty").step(Step.script("talk").script("chatty")).build();
    engine.register(w, null);

    WorkflowExecution e = awaitDone(engine.startExecution("chatty", "localhost", Map.of(), null));

    StepAttempt a = engine.attempts(e.id()).get(0);
    assertThat(a.stdout().truncated()).isTrue();
    assertThat(a.stdout().totalBytes()).isGreaterThan(10_000);
    assertThat(a.stdout().text()).startsWith("line-0\n").endsWith("line-1999\n");
  }
}
