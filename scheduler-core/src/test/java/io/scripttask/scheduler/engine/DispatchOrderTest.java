package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.MaintenanceWindow;
import io.scripttask.scheduler.Priority;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.WaitReason;
import io.scripttask.scheduler.WindowScope;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DispatchOrderTest {

  private final EngineFixture f = new EngineFixture();

  private ScheduleSpec spec(String name, String cron, Priority p, String... nodes) {
    return ScheduleSpec.named(name)
        .cron(cron)
        .script(name)
        .target(Target.nodes(nodes))
        .priority(p)
        .limits(Limits.perNode(1))
        .build();
  }

  private List<String> startOrder() {
    return f.transport.runs().stream().map(r -> r.request().script().id()).toList();
  }

  @Test
  void startsJobsByPriorityWhenTheyCompeteForOneSlot() {
    f.node("n1");
    for (String s : List.of("low", "normal", "critical", "high")) {
      f.script(s);
      f.transport.script(s, Outcome.succeed(Duration.ofMinutes(1)));
    }
    f.scheduler.schedules().create(spec("low", "0 1 * * *", Priority.LOW, "n1"), "t");
    f.scheduler.schedules().create(spec("normal", "0 1 * * *", Priority.NORMAL, "n1"), "t");
    f.scheduler.schedules().create(spec("critical", "0 1 * * *", Priority.CRITICAL, "n1"), "t");
    f.scheduler.schedules().create(spec("high", "0 1 * * *", Priority.HIGH, "n1"), "t");

    f.driver.advanceTo(T0.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(10)));

    assertThat(startOrder()).containsExactly("critical", "high", "normal", "low");
    assertThat(f.transport.maxRunningOn("n1")).isEqualTo(1);
  }

  @Test
  void startsEqualPriorityByDueTimeThenBySequence() {
    f.node("n1");
    for (String s : List.of("blocker", "late", "early", "first", "second")) {
      f.script(s);
      f.transport.script(s, Outcome.succeed(Duration.ofMinutes(1)));
    }
    f.transport.script("blocker", Outcome.succeed(Duration.ofHours(1)));
    f.scheduler.schedules().create(spec("blocker", "0 0 1 1 *", Priority.NORMAL, "n1"), "t");
    f.scheduler.schedules().create(spec("late", "45 0 * * *", Priority.NORMAL, "n1"), "t");
    f.scheduler.schedules().create(spec("early", "30 0 * * *", Priority.NORMAL, "n1"), "t");
    f.scheduler.schedules().create(spec("first", "0 0 1 1 *", Priority.NORMAL, "n1"), "t");
    f.scheduler.schedules().create(spec("second", "0 0 1 1 *", Priority.NORMAL, "n1"), "t");

    f.scheduler.schedules().runNow("blocker", "alice");
    f.driver.runDueWork();
    f.driver.advance(Duration.ofMinutes(50));
    f.scheduler.schedules().runNow("second", "alice");
    f.scheduler.schedules().runNow("first", "alice");
    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    // at 01:00 the node frees: early (due 00:30), late (00:45), then second and first, both due
    // 00:50 and ordered by sequence (second was asked for first)
    assertThat(startOrder()).containsExactly("blocker", "early", "late", "second", "first");
  }

  @Test
  void aBlockedCriticalJobDoesNotBlockANormalJobBehindIt() {
    f.node("n1");
    f.node("n2");
    f.script("crit");
    f.script("norm");
    f.scheduler
        .catalog()
        .putWindow(
            MaintenanceWindow.builder("freeze")
                .cron("0 0 * * *")
                .zone(java.time.ZoneOffset.UTC)
                .duration(Duration.ofHours(6))
                .scope(WindowScope.nodes("n1"))
                .build());
    f.scheduler.schedules().create(spec("crit", "0 1 * * *", Priority.CRITICAL, "n1"), "t");
    f.scheduler.schedules().create(spec("norm", "0 1 * * *", Priority.NORMAL, "n2"), "t");

    f.driver.advanceTo(T0.plus(Duration.ofHours(1)));

    Job crit = f.jobs("crit").get(0);
    Job norm = f.jobs("norm").get(0);
    assertThat(crit.status()).isEqualTo(JobStatus.WAITING);
    assertThat(crit.waitReason()).isEqualTo(WaitReason.MAINTENANCE_WINDOW);
    assertThat(norm.status()).isEqualTo(JobStatus.RUNNING);

    f.driver.advanceTo(T0.plus(Duration.ofHours(7)));
    assertThat(f.jobs("crit").get(0).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(f.transport.runs().get(1).startedAt()).isEqualTo(T0.plus(Duration.ofHours(6)));
  }

  @Test
  void manyBlockedJobsAheadDoNotStarveAJobBehindThem() {
    f.node("busy");
    f.node("free");
    f.script("hog");
    f.script("many");
    f.script("tail");
    f.transport.script("hog", Outcome.succeed(Duration.ofHours(10)));
    f.scheduler.schedules().create(spec("hog", "0 0 1 1 *", Priority.CRITICAL, "busy"), "t");
    f.scheduler.schedules().runNow("hog", null);
    f.driver.runDueWork();
    f.scheduler.schedules().create(spec("many", "0 0 1 1 *", Priority.CRITICAL, "busy"), "t");
    for (int i = 0; i < 600; i++) {
      f.scheduler.schedules().runNow("many", null);
    }
    f.scheduler.schedules().create(spec("tail", "0 0 1 1 *", Priority.LOW, "free"), "t");
    f.scheduler.schedules().runNow("tail", null);

    f.driver.runDueWork();

    assertThat(f.jobs("tail").get(0).status()).isEqualTo(JobStatus.RUNNING);
    assertThat(f.jobs("many")).allSatisfy(j -> assertThat(j.status()).isEqualTo(JobStatus.WAITING));
  }
}
