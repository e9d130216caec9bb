package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.NotificationRule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.ScheduleState;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AutoPauseTest {

  private final EngineFixture f = new EngineFixture();

  @Test
  void maxConsecutiveFailuresAutoPausesEmitsAnEventAndNotifies() {
    f.node("n1");
    f.script("s");
    f.transport.script("s", Outcome.exit(2, Duration.ofSeconds(5)));
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 * * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .maxConsecutiveFailures(3)
                .notify(
                    NotificationRule.on(
                        "ops",
                        NotificationRule.Event.SCHEDULE_AUTO_PAUSED,
                        NotificationRule.Event.JOB_FAILED))
                .build(),
            "t");

    f.driver.advanceTo(T0.plus(Duration.ofHours(10)));

    assertThat(f.jobs()).hasSize(3);
    assertThat(f.store.get("s").orElseThrow().state()).isEqualTo(ScheduleState.AUTO_PAUSED);
    var paused = f.events(SchedulerEvent.SchedulePaused.class);
    assertThat(paused).hasSize(1);
    assertThat(paused.get(0).automatic()).isTrue();
    assertThat(paused.get(0).at()).isEqualTo(T0.plus(Duration.ofHours(3)).plusSeconds(5));
    assertThat(f.notifications).filteredOn(n -> n.subject().contains("paused")).hasSize(1);
    assertThat(f.notifications).filteredOn(n -> n.fields().get("status") != null).hasSize(3);
  }

  @Test
  void aSuccessResetsTheFailureCount() {
    f.node("n1");
    f.script("s");
    f.transport.script(
        "s",
        Outcome.exit(2, Duration.ZERO),
        Outcome.exit(2, Duration.ZERO),
        Outcome.succeed(Duration.ZERO),
        Outcome.exit(2, Duration.ZERO));
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 * * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .maxConsecutiveFailures(3)
                .build(),
            "t");
    f.driver.advanceTo(T0.plus(Duration.ofHours(5)).plusSeconds(1));
    assertThat(f.store.get("s").orElseThrow().state()).isEqualTo(ScheduleState.ACTIVE);
    assertThat(f.store.get("s").orElseThrow().consecutiveFailures()).isEqualTo(2);
  }
}
