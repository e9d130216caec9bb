package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.spi.EventListener;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventsTest {

  @Test
  void publishesAJobsLifeInOrder() {
    EngineFixture f = new EngineFixture();
    f.node("n1");
    f.script("s");
    f.script("blocker");
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 1 * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .limits(Limits.perNode(1))
                .build(),
            "alice");
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("blocker")
                .cron("59 0 * * *")
                .script("blocker")
                .target(Target.nodes("n1"))
                .build(),
            "alice");
    f.transport.script(
        "blocker",
        io.scripttask.scheduler.testkit.ScriptedTransport.Outcome.succeed(Duration.ofMinutes(5)));
    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    String id = f.jobs("s").get(0).id();
    List<Class<?>> life =
        f.events.stream()
            .filter(e -> jobId(e) != null && jobId(e).equals(id))
            .<Class<?>>map(Object::getClass)
            .toList();
    assertThat(life)
        .containsExactly(
            SchedulerEvent.JobQueued.class,
            SchedulerEvent.JobWaiting.class,
            SchedulerEvent.JobStarted.class,
            SchedulerEvent.JobFinished.class);
    assertThat(f.events.get(0)).isInstanceOf(SchedulerEvent.ScheduleCreated.class);
    assertThat(((SchedulerEvent.ScheduleCreated) f.events.get(0)).actor()).isEqualTo("alice");
  }

  private static String jobId(SchedulerEvent e) {
    if (e instanceof SchedulerEvent.JobQueued q) {
      return q.job().id();
    } else if (e instanceof SchedulerEvent.JobWaiting w) {
      return w.job().id();
    } else if (e instanceof SchedulerEvent.JobStarted s) {
      return s.job().id();
    } else if (e instanceof SchedulerEvent.JobFinished d) {
      return d.job().id();
    }
    return null;
  }

  @Test
  void aThrowingListenerIsIsolated() {
    EventListener bad =
        e -> {
          throw new IllegalStateException("boom");
        };
    EngineFixture f = new EngineFixture(b -> b.listener(bad));
    f.node("n1");
    f.script("s");
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 1 * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .build(),
            "t");
    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));
    assertThat(f.jobs().get(0).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(f.events(SchedulerEvent.JobFinished.class)).hasSize(1);
  }
}
