package io.scripttask.remediation.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.remediation.Condition;
import io.scripttask.remediation.ExecutionQuery;
import io.scripttask.remediation.ExecutionStatus;
import io.scripttask.remediation.NoSuchWorkflowException;
import io.scripttask.remediation.Op;
import io.scripttask.remediation.RateLimit;
import io.scripttask.remediation.RefusalReason;
import io.scripttask.remediation.RemediationEvent;
import io.scripttask.remediation.Step;
import io.scripttask.remediation.TriggerSource;
import io.scripttask.remediation.Workflow;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.remediation.WorkflowTrigger;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.Retry;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import io.scripttask.scheduler.testkit.VirtualTimeDriver;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metric, job-failed, cron and manual triggers, and the rules that refuse them. */
class TriggersTest {

  private static Workflow.Builder quick(String id) {
    return Workflow.builder(id).step(Step.notify("tell").channel("slack"));
  }

  private static Workflow.Builder slow(String id) {
    return Workflow.builder(id).step(Step.delay("hold", Duration.ofHours(1)));
  }

  private static List<WorkflowExecution> feed(EngineFixture f, String node, int... values) {
    List<WorkflowExecution> all = new java.util.ArrayList<>();
    for (int v : values) {
      all.addAll(f.engine.onMetric(node, Map.of("diskUsagePercent", v)));
      f.driver.advance(Duration.ofMinutes(1));
    }
    return all;
  }

  @Test
  void aMetricTriggerFiresOnMOfNBadSamplesAndRearmsOnlyWhenClear() {
    Workflow w =
        quick("disk")
            .trigger(
                WorkflowTrigger.metric(Condition.threshold("diskUsagePercent", Op.GT, 85))
                    .samples(3, 5)
                    .clearWhen(Condition.threshold("diskUsagePercent", Op.LT, 70)))
            .build();
    EngineFixture f = new EngineFixture().build();
    f.engine.register(w, "alice");

    assertThat(feed(f, "web-1", 90, 80, 90, 80)).isEmpty();
    List<WorkflowExecution> fired = feed(f, "web-1", 91);
    assertThat(fired)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo(TriggerSource.METRIC);
              assertThat(e.triggerData()).containsEntry("diskUsagePercent", 91);
            });
    assertThat(feed(f, "web-1", 95, 95, 95, 75, 95, 95, 95)).as("disarmed until clear").isEmpty();
    assertThat(feed(f, "web-1", 60, 90, 90)).isEmpty();
    assertThat(feed(f, "web-1", 90)).hasSize(1);
  }

  @Test
  void keepsAMetricWindowPerNode() {
    Workflow w =
        quick("disk")
            .trigger(
                WorkflowTrigger.metric(Condition.threshold("diskUsagePercent", Op.GT, 85))
                    .samples(2, 2))
            .build();
    EngineFixture f = new EngineFixture().build();
    f.engine.register(w, "alice");

    assertThat(feed(f, "web-1", 90)).isEmpty();
    assertThat(feed(f, "web-2", 90)).isEmpty();
    assertThat(feed(f, "web-1", 90)).extracting(WorkflowExecution::nodeId).containsExactly("web-1");
    assertThat(feed(f, "web-2", 10, 90)).isEmpty();
  }

  @Test
  void refusesAndRecordsATriggerWhileTheNodeIsAlreadyInRemediation() {
    EngineFixture f = new EngineFixture().build();
    WorkflowExecution first = f.start(slow("hold").build(), "web-1", Map.of());

    WorkflowExecution second = f.engine.startExecution("hold", "web-1", Map.of(), "bob");

    assertThat(first.status()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(second.status()).isEqualTo(ExecutionStatus.REFUSED);
    assertThat(second.refusal()).isEqualTo(RefusalReason.ALREADY_ACTIVE);
    assertThat(f.events(RemediationEvent.TriggerRefused.class))
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo(RefusalReason.ALREADY_ACTIVE));
    assertThat(
            f.engine
                .executions(ExecutionQuery.all().status(ExecutionStatus.REFUSED), Page.first(10))
                .items())
        .extracting(WorkflowExecution::id)
        .containsExactly(second.id());
  }

  @Test
  void refusesWithinTheCooldownAfterAnExecutionEnded() {
    EngineFixture f = new EngineFixture().build();
    Workflow w = quick("cool").cooldown(Duration.ofMinutes(30)).build();
    WorkflowExecution first = f.run(w, "web-1");

    f.driver.advance(Duration.ofMinutes(29));
    WorkflowExecution early = f.engine.startExecution("cool", "web-1", Map.of(), null);
    WorkflowExecution otherNode = f.engine.startExecution("cool", "web-2", Map.of(), null);
    f.driver.advance(Duration.ofMinutes(1));
    WorkflowExecution later = f.engine.startExecution("cool", "web-1", Map.of(), null);

    assertThat(first.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(early.refusal()).isEqualTo(RefusalReason.COOLDOWN);
    assertThat(otherNode.status()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(later.status()).isEqualTo(ExecutionStatus.RUNNING);
  }

  @Test
  void refusesBeyondTheRateLimit() {
    EngineFixture f = new EngineFixture().build();
    Workflow w = quick("limited").rateLimit(RateLimit.perPeriod(2, Duration.ofHours(1))).build();
    f.run(w, "web-1");
    f.run(w, "web-2");

    WorkflowExecution third = f.engine.startExecution("limited", "web-3", Map.of(), null);
    f.driver.advance(Duration.ofHours(1));
    WorkflowExecution nextHour = f.engine.startExecution("limited", "web-3", Map.of(), null);

    assertThat(third.refusal()).isEqualTo(RefusalReason.RATE_LIMITED);
    assertThat(nextHour.status()).isEqualTo(ExecutionStatus.RUNNING);
  }

  @Test
  void refusesBeyondTheMostNodesInRemediationAtOnce() {
    EngineFixture f = new EngineFixture().build();
    Workflow w = slow("blast").rateLimit(RateLimit.UNLIMITED.withMaxConcurrentNodes(2)).build();
    f.start(w, "web-1", Map.of());
    f.engine.startExecution("blast", "web-2", Map.of(), null);

    WorkflowExecution third = f.engine.startExecution("blast", "web-3", Map.of(), null);

    assertThat(third.refusal()).isEqualTo(RefusalReason.MAX_CONCURRENT_NODES);
    assertThat(f.engine.nodesInRemediation()).containsExactly("web-1", "web-2");
  }

  @Test
  void aDisabledWorkflowRefusesTriggersButRunsWhenStartedByHand() {
    Workflow w =
        quick("off")
            .trigger(WorkflowTrigger.metric(Condition.threshold("diskUsagePercent", Op.GT, 85)))
            .enabled(false)
            .build();
    EngineFixture f = new EngineFixture().build();
    f.engine.register(w, "alice");

    List<WorkflowExecution> byMetric = f.engine.onMetric("web-1", Map.of("diskUsagePercent", 99));
    WorkflowExecution byHand = f.engine.startExecution("off", "web-2", Map.of(), "alice");

    assertThat(byMetric)
        .singleElement()
        .satisfies(e -> assertThat(e.refusal()).isEqualTo(RefusalReason.WORKFLOW_DISABLED));
    assertThat(byHand.status()).isEqualTo(ExecutionStatus.RUNNING);
  }

  @Test
  void refusesAnUnknownNodeAndRejectsAnUnknownWorkflow() {
    EngineFixture f = new EngineFixture().build();
    f.engine.register(quick("w").build(), null);

    assertThat(f.engine.startExecution("w", "ghost-9", Map.of(), null).refusal())
        .isEqualTo(RefusalReason.UNKNOWN_NODE);
    assertThatThrownBy(() -> f.engine.startExecution("nope", "web-1", Map.of(), null))
        .isInstanceOf(NoSuchWorkflowException.class)
        .hasMessage("workflowId must name a registered workflow, but was \"nope\"");
  }

  @Test
  void aFailedSchedulerJobStartsTheJobFailedWorkflowOnItsNode() {
    EngineFixture f = new EngineFixture().build();
    Workflow w =
        quick("on-backup-failure").trigger(WorkflowTrigger.jobFailed("nightly-backup")).build();
    f.engine.register(w, "alice");
    Scheduler scheduler =
        Scheduler.builder()
            .clock(f.clock)
            .nodes(f.nodes)
            .transport(f.transport)
            .eventExecutor(Runnable::run)
            .listener(f.engine.schedulerListener())
            .build();
    scheduler.catalog().putScript(Script.builder("backup-db").content("pg_dump").build());
    f.transport.script("backup-db", Outcome.exit(4, Duration.ofSeconds(20)));
    scheduler
        .schedules()
        .create(
            ScheduleSpec.named("nightly-backup")
                .cron("*/5 * * * *")
                .zone(ZoneOffset.UTC)
                .script("backup-db")
                .target(Target.nodes("db-1"))
                .retry(Retry.exponential(2, Duration.ofSeconds(30)))
                .build(),
            "alice");
    VirtualTimeDriver schedulerDriver = new VirtualTimeDriver(scheduler, f.clock, f.transport);

    schedulerDriver.advance(Duration.ofMinutes(5).plusSeconds(25));
    assertThat(f.engine.executions(ExecutionQuery.all(), Page.first(5)).items())
        .as("no execution while a retry follows")
        .isEmpty();
    schedulerDriver.advance(Duration.ofMinutes(2));

    List<WorkflowExecution> started =
        f.engine.executions(ExecutionQuery.all(), Page.first(5)).items();
    assertThat(started)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo(TriggerSource.JOB_FAILED);
              assertThat(e.nodeId()).isEqualTo("db-1");
              assertThat(e.triggerData())
                  .containsEntry("scheduleId", "nightly-backup")
                  .containsEntry("status", "FAILED")
                  .containsEntry("exitCode", 4)
                  .containsEntry("attempt", 2);
            });
    f.driver.runUntilDone(started.get(0).id(), Duration.ofMinutes(5));
    assertThat(f.notifier("slack").sent()).hasSize(1);
  }

  @Test
  void aCronTriggerRunsOnEveryNodeOfItsTargetAtEachFire() {
    EngineFixture f = new EngineFixture().build();
    Workflow w =
        quick("sweep")
            .trigger(WorkflowTrigger.cron("*/10 * * * *", ZoneOffset.UTC, Target.groups("web")))
            .build();
    f.engine.register(w, "alice");

    f.driver.advance(Duration.ofMinutes(9));
    assertThat(f.engine.executions(ExecutionQuery.all(), Page.first(10)).items()).isEmpty();
    f.driver.advance(Duration.ofMinutes(12));

    List<WorkflowExecution> all = f.engine.executions(ExecutionQuery.all(), Page.first(10)).items();
    assertThat(all).hasSize(6).allMatch(e -> e.source() == TriggerSource.CRON);
    assertThat(all)
        .extracting(WorkflowExecution::nodeId)
        .containsExactlyInAnyOrder("web-1", "web-2", "web-3", "web-1", "web-2", "web-3");
    assertThat(all)
        .extracting(WorkflowExecution::id)
        .contains(
            "cron:sweep:"
                + EngineFixture.T0.plus(Duration.ofMinutes(10)).getEpochSecond()
                + ":web-1");
    assertThat(f.notifier("slack").sent()).hasSize(6);
  }
}
