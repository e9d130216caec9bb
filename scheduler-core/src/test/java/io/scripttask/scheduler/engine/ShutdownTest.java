package io.scripttask.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShutdownTest {

  @Test
  void gracefulShutdownRecordsFinishedRunsAndCancelsStragglersAfterTheGrace() {
    EngineFixture f = new EngineFixture();
    f.node("n1");
    f.node("n2");
    f.script("s");
    f.transport.script("s", "n1", Outcome.stuck());
    f.transport.script("s", "n2", Outcome.stuck());
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s").cron("0 1 * * *").script("s").target(Target.all()).build(),
            "t");
    f.scheduler.schedules().runNow("s", null);
    f.driver.runDueWork();
    assertThat(f.transport.running()).hasSize(2);
    String n2 =
        f.transport.running().stream()
            .filter(r -> r.request().node().id().equals("n2"))
            .findFirst()
            .orElseThrow()
            .request()
            .executionId();
    f.transport.complete(n2, 0);

    f.scheduler.shutdown(Duration.ofMillis(200));

    assertThat(f.jobs())
        .extracting(j -> j.nodeId() + ":" + j.status())
        .containsExactlyInAnyOrder("n1:" + JobStatus.CANCELLED, "n2:" + JobStatus.SUCCEEDED);
    assertThat(f.transport.running()).isEmpty();
    assertThat(f.events(SchedulerEvent.JobCancelled.class))
        .singleElement()
        .satisfies(e -> assertThat(e.actor()).isEqualTo("shutdown"));
  }
}
