package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.SkipReason;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.WaitReason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OfflineAndQuarantineTest {

  private final EngineFixture f = new EngineFixture();

  private void schedule() {
    f.script("s");
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 1 * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .offlineHold(Duration.ofMinutes(15))
                .build(),
            "t");
  }

  @Test
  void anOfflineNodeHoldsItsJobThenSkipsItAfterTheHold() {
    f.node("n1");
    f.nodes.setOnline("n1", false);
    schedule();
    f.driver.advanceTo(T0.plus(Duration.ofMinutes(61)));
    Job job = f.jobs().get(0);
    assertThat(job.status()).isEqualTo(JobStatus.WAITING);
    assertThat(job.waitReason()).isEqualTo(WaitReason.NODE_OFFLINE);

    f.driver.advanceTo(T0.plus(Duration.ofMinutes(80)));
    job = f.jobs().get(0);
    assertThat(job.status()).isEqualTo(JobStatus.SKIPPED);
    assertThat(job.skipReason()).isEqualTo(SkipReason.NODE_OFFLINE_TIMEOUT);
    assertThat(job.finishedAt()).isEqualTo(T0.plus(Duration.ofMinutes(75)));
  }

  @Test
  void aNodeBackOnlineWithinTheHoldRunsItsJobAtOnce() {
    f.node("n1");
    f.nodes.setOnline("n1", false);
    schedule();
    f.driver.advanceTo(T0.plus(Duration.ofMinutes(65)));
    f.nodes.setOnline("n1", true);
    f.driver.runDueWork();
    assertThat(f.jobs().get(0).status()).isEqualTo(JobStatus.RUNNING);
    assertThat(f.jobs().get(0).startedAt()).isEqualTo(T0.plus(Duration.ofMinutes(65)));
  }

  @Test
  void aQuarantinedNodeSkipsItsJobAndTheQuarantineIsAnEvent() {
    f.node("n1");
    schedule();
    f.nodes.quarantine("n1", "disk failing");
    f.driver.advanceTo(T0.plus(Duration.ofMinutes(61)));
    Job job = f.jobs().get(0);
    assertThat(job.status()).isEqualTo(JobStatus.SKIPPED);
    assertThat(job.skipReason()).isEqualTo(SkipReason.NODE_QUARANTINED);
    assertThat(f.events(SchedulerEvent.NodeQuarantined.class))
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("disk failing"));
    f.nodes.release("n1");
    assertThat(f.events(SchedulerEvent.NodeReleased.class)).hasSize(1);
  }

  @Test
  void aRemovedNodeSkipsItsJob() {
    f.node("n1");
    schedule();
    f.driver.advanceTo(T0.plus(Duration.ofMinutes(59)));
    f.scheduler.schedules().runNow("s", "bob");
    f.nodes.remove("n1");
    f.driver.runDueWork();
    assertThat(f.jobs().get(0).skipReason()).isEqualTo(SkipReason.NODE_GONE);
  }
}
