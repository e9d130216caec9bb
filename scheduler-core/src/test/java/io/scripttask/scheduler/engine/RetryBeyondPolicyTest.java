package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Retry;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * A job whose attempts go beyond its schedule's current retry policy (the policy was shortened
 * after the job was created) used to make recording its failure throw, so that the job stayed
 * RUNNING; since results whose recording throws are now kept and tried again, it would also have
 * been tried on every pass.
 */
class RetryBeyondPolicyTest {

  private final EngineFixture f = new EngineFixture();

  private ScheduleSpec spec(Retry retry) {
    return ScheduleSpec.named("s")
        .trigger(Trigger.once(T0.plusSeconds(10), ZoneOffset.UTC))
        .script("s")
        .target(Target.nodes("n1"))
        .retry(retry)
        .build();
  }

  @Test
  void
      aFailedAttemptBeyondAShortenedPolicyIsRetriedAfterThePolicysLastDelayInsteadOfStickingRunning() {
    f.node("n1");
    f.script("s");
    f.transport.script("s", Outcome.exit(1, Duration.ofSeconds(5)));
    f.scheduler.schedules().create(spec(Retry.exponential(4, Duration.ofMinutes(1))), "t");
    f.driver.advanceTo(T0.plusSeconds(15)); // attempt 1 fails at +15 s: attempt 2 due at +75 s
    Job afterFirst = f.jobs().get(0);
    assertThat(afterFirst.attempt()).isEqualTo(2);
    assertThat(afterFirst.maxAttempts()).isEqualTo(4);

    f.scheduler.schedules().update(spec(Retry.exponential(2, Duration.ofMinutes(1))), "t");
    f.driver.advanceTo(T0.plusSeconds(80)); // attempt 2 fails at +80 s

    Job job = f.jobs().get(0);
    assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(job.attempt()).isEqualTo(3);
    Instant failedAt = T0.plusSeconds(80);
    assertThat(job.nextAttemptAt()).isEqualTo(failedAt.plus(Duration.ofMinutes(1)));

    f.driver.advanceTo(T0.plus(Duration.ofMinutes(10)));
    Job done = f.jobs().get(0);
    assertThat(done.status()).isEqualTo(JobStatus.FAILED);
    assertThat(done.attempt()).isEqualTo(4);
    assertThat(f.transport.runs()).hasSize(4);
  }
}
