package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.spi.RunningCounts;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitsTest {

  private final List<RunningCounts> seen = new ArrayList<>();
  private EngineFixture f;

  private void fixture(int maxGlobal) {
    f = new EngineFixture(b -> b.maxConcurrentJobs(maxGlobal));
  }

  private void record() {
    seen.add(f.store.runningCounts());
  }

  private void runMeshSchedule(Limits limits, int maxGlobal) {
    fixture(maxGlobal);
    for (int i = 1; i <= 4; i++) {
      f.node("a" + i, "meshA");
      f.node("b" + i, "meshB");
    }
    f.script("s1");
    f.script("s2");
    f.transport.script("s1", Outcome.succeed(Duration.ofMinutes(7)));
    f.transport.script("s2", Outcome.succeed(Duration.ofMinutes(3)));
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s1")
                .cron("*/5 * * * *")
                .script("s1")
                .target(Target.all())
                .limits(limits)
                .overlap(io.scripttask.scheduler.OverlapPolicy.QUEUE)
                .build(),
            "t");
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s2")
                .cron("*/2 * * * *")
                .script("s2")
                .target(Target.groups("meshA"))
                .limits(limits)
                .overlap(io.scripttask.scheduler.OverlapPolicy.QUEUE)
                .build(),
            "t");
    for (int m = 0; m < 90; m++) {
      f.driver.advance(Duration.ofMinutes(1));
      record();
    }
  }

  @Test
  void neverRunsMoreThanOneJobPerNode() {
    runMeshSchedule(Limits.perNode(1), 0);
    assertThat(seen).allSatisfy(c -> assertThat(c.byNode().values()).allMatch(n -> n <= 1));
    for (int i = 1; i <= 4; i++) {
      assertThat(f.transport.maxRunningOn("a" + i)).isEqualTo(1);
    }
    assertThat(f.jobs(JobStatus.SUCCEEDED)).isNotEmpty();
  }

  @Test
  void neverRunsMoreThanThePerGroupLimitInAMesh() {
    runMeshSchedule(Limits.perNode(1).perGroup(2), 0);
    assertThat(seen).allSatisfy(c -> assertThat(c.byGroup().values()).allMatch(n -> n <= 2));
    assertThat(seen).anySatisfy(c -> assertThat(c.group("meshA")).isEqualTo(2));
    assertThat(f.events(SchedulerEvent.JobWaiting.class))
        .anySatisfy(e -> assertThat(e.job().waitReason().name()).isEqualTo("GROUP_LIMIT"));
  }

  @Test
  void neverRunsMoreThanThePerScheduleLimit() {
    runMeshSchedule(Limits.NONE.perSchedule(3), 0);
    assertThat(seen).allSatisfy(c -> assertThat(c.bySchedule().values()).allMatch(n -> n <= 3));
    assertThat(seen).anySatisfy(c -> assertThat(c.schedule("s1")).isEqualTo(3));
  }

  @Test
  void neverRunsMoreThanTheGlobalLimitOfTheSchedulerOrTheSchedule() {
    runMeshSchedule(Limits.NONE.global(5), 0);
    assertThat(seen).allSatisfy(c -> assertThat(c.global()).isLessThanOrEqualTo(5));
    assertThat(f.transport.maxRunning()).isEqualTo(5);
  }

  @Test
  void neverRunsMoreThanTheBuildersMaxConcurrentJobs() {
    runMeshSchedule(Limits.NONE, 3);
    assertThat(seen).allSatisfy(c -> assertThat(c.global()).isLessThanOrEqualTo(3));
    assertThat(f.transport.maxRunning()).isEqualTo(3);
    List<Job> waited =
        f.events(SchedulerEvent.JobWaiting.class).stream()
            .map(SchedulerEvent.JobWaiting::job)
            .toList();
    assertThat(waited).anySatisfy(j -> assertThat(j.waitReason().name()).isEqualTo("GLOBAL_LIMIT"));
  }

  @Test
  void startsEveryHeldJobOnceCapacityFrees() {
    runMeshSchedule(Limits.perNode(1), 2);
    f.scheduler.schedules().pause("s1", "t");
    f.scheduler.schedules().pause("s2", "t");
    f.driver.advance(Duration.ofHours(12));
    assertThat(f.store.runningCounts().global()).isZero();
    assertThat(f.jobs()).allSatisfy(j -> assertThat(j.status().isFinal()).isTrue());
    assertThat(T0).isBefore(f.driver.now());
  }
}
