package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.MisfirePolicy;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MisfireTest {

  private final InMemorySchedulerStore store = new InMemorySchedulerStore();
  private final InMemoryNodeDirectory nodes = new InMemoryNodeDirectory();

  /** Creates an hourly schedule on a first scheduler, which then goes down at 00:30. */
  private EngineFixture downtime(MisfirePolicy policy, int maxCatchUp) {
    EngineFixture first = new EngineFixture(store, nodes, b -> {});
    first.node("n1");
    first.script("s");
    first
        .scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 * * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .misfire(policy)
                .maxCatchUp(maxCatchUp)
                .misfireThreshold(Duration.ofMinutes(1))
                .build(),
            "t");
    first.driver.advanceTo(T0.plus(Duration.ofMinutes(30)));
    // a second scheduler on the same store comes up at 05:30: fires 01:00..05:00 were missed
    EngineFixture second = new EngineFixture(store, nodes, b -> {});
    second.clock.set(T0.plus(Duration.ofMinutes(330)));
    second.driver.runDueWork();
    return second;
  }

  private static List<Instant> fireTimes(List<Job> jobs) {
    return jobs.stream().map(j -> j.fireKey().fireTime()).toList();
  }

  @Test
  void skipPolicyDropsFiresMissedDuringDowntime() {
    EngineFixture f = downtime(MisfirePolicy.SKIP, 10);
    assertThat(f.jobs()).isEmpty();
    assertThat(store.get("s").orElseThrow().nextFireTime()).isEqualTo(T0.plus(Duration.ofHours(6)));
    f.driver.advanceTo(T0.plus(Duration.ofHours(6)));
    assertThat(fireTimes(f.jobs())).containsExactly(T0.plus(Duration.ofHours(6)));
  }

  @Test
  void runOncePolicyRunsOneCatchUpAfterDowntime() {
    EngineFixture f = downtime(MisfirePolicy.RUN_ONCE, 10);
    assertThat(fireTimes(f.jobs())).containsExactly(T0.plus(Duration.ofHours(1)));
    assertThat(f.jobs().get(0).startedAt()).isEqualTo(T0.plus(Duration.ofMinutes(330)));
  }

  @Test
  void runAllPolicyRunsEveryMissedFireOldestFirst() {
    EngineFixture f = downtime(MisfirePolicy.RUN_ALL, 10);
    assertThat(fireTimes(f.jobs()))
        .containsExactly(
            T0.plus(Duration.ofHours(1)),
            T0.plus(Duration.ofHours(2)),
            T0.plus(Duration.ofHours(3)),
            T0.plus(Duration.ofHours(4)),
            T0.plus(Duration.ofHours(5)));
  }

  @Test
  void runAllPolicyIsBoundedByMaxCatchUp() {
    EngineFixture f = downtime(MisfirePolicy.RUN_ALL, 2);
    assertThat(fireTimes(f.jobs()))
        .containsExactly(T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(2)));
  }

  @Test
  void appliesThePolicyAfterALongBlockOfTheSameScheduler() {
    EngineFixture f = new EngineFixture(store, nodes, b -> {});
    f.node("n1");
    f.script("s");
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("*/10 * * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .misfire(MisfirePolicy.RUN_ALL)
                .maxCatchUp(100)
                .build(),
            "t");
    f.driver.jumpTo(T0.plus(Duration.ofMinutes(35)));
    assertThat(fireTimes(f.jobs()))
        .containsExactly(
            T0.plus(Duration.ofMinutes(10)),
            T0.plus(Duration.ofMinutes(20)),
            T0.plus(Duration.ofMinutes(30)));
  }

  @Test
  void aFireWithinTheThresholdIsNotAMisfire() {
    EngineFixture f = new EngineFixture(store, nodes, b -> {});
    f.node("n1");
    f.script("s");
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 1 * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .misfire(MisfirePolicy.SKIP)
                .misfireThreshold(Duration.ofMinutes(5))
                .build(),
            "t");
    f.driver.jumpTo(T0.plus(Duration.ofMinutes(64)));
    assertThat(fireTimes(f.jobs())).containsExactly(T0.plus(Duration.ofHours(1)));
  }

  @Test
  void neverCreatesTwoJobsForOneFireKeyWithTwoSchedulersOnOneStore() {
    EngineFixture a = new EngineFixture(store, nodes, b -> b.instanceId("a"));
    EngineFixture b = new EngineFixture(store, nodes, x -> x.instanceId("b"));
    a.node("n1");
    a.node("n2");
    a.script("s");
    a.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("*/5 * * * *")
                .script("s")
                .target(Target.all())
                .misfire(MisfirePolicy.RUN_ALL)
                .build(),
            "t");
    for (int i = 0; i < 50; i++) {
      Instant t = a.clock.instant().plus(Duration.ofMinutes(1));
      a.clock.set(t);
      b.clock.set(t);
      a.driver.runDueWork();
      b.driver.runDueWork();
    }
    List<Job> jobs = a.jobs();
    Set<FireKey> keys = new HashSet<>();
    for (Job j : jobs) {
      assertThat(keys.add(j.fireKey())).as("duplicate %s", j.fireKey()).isTrue();
    }
    assertThat(jobs).hasSize(20);
  }
}
