package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Retry;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.internal.engine.Hashing;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryAndTimeoutTest {

  private final EngineFixture f = new EngineFixture();

  @Test
  void retriesWithExponentialBackoffAsNewAttemptsOfTheSameJob() {
    f.node("n1");
    f.script("s");
    f.transport.script(
        "s",
        Outcome.exit(1, Duration.ofSeconds(10)),
        Outcome.exit(1, Duration.ofSeconds(10)),
        Outcome.succeed(Duration.ofSeconds(10)));
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 1 * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .retry(Retry.exponential(3, Duration.ofMinutes(1)))
                .build(),
            "t");

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    List<Job> jobs = f.jobs();
    assertThat(jobs).hasSize(1);
    Job job = jobs.get(0);
    assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(job.attempt()).isEqualTo(3);
    List<Instant> starts = f.transport.runs().stream().map(r -> r.startedAt()).toList();
    Instant one = T0.plus(Duration.ofHours(1));
    // attempt 1 ends at +10 s, retry after 1 min; attempt 2 ends 10 s later, retry after 2 min
    assertThat(starts).containsExactly(one, one.plusSeconds(70), one.plusSeconds(70 + 10 + 120));
    List<SchedulerEvent.JobFinished> finished = f.events(SchedulerEvent.JobFinished.class);
    assertThat(finished).extracting(e -> e.job().attempt()).containsExactly(2, 3, 3);
    assertThat(finished.get(0).retryAt()).isEqualTo(one.plusSeconds(70));
    assertThat(finished.get(2).retryAt()).isNull();
    assertThat(f.events(SchedulerEvent.JobStarted.class))
        .extracting(e -> e.job().fireKey())
        .containsOnly(job.fireKey());
  }

  @Test
  void retryJitterIsDeterministicPerFireKeyAndWithinTheFactor() {
    f.node("n1");
    f.script("s");
    f.transport.script("s", Outcome.exit(1, Duration.ZERO), Outcome.succeed(Duration.ZERO));
    Retry retry = Retry.exponential(2, Duration.ofMinutes(10)).withJitter(0.5);
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 1 * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .retry(retry)
                .build(),
            "t");
    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));
    Job job = f.jobs().get(0);
    Duration delay =
        Duration.between(
            f.transport.runs().get(0).startedAt(), f.transport.runs().get(1).startedAt());
    assertThat(delay).isEqualTo(retry.delayBefore(2, Hashing.unit(job.fireKey(), 2)));
    assertThat(delay).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(15));
  }

  @Test
  void aRunPastItsTimeoutIsTimedOutAndTheTransportIsAskedToKill() {
    f.node("n1");
    f.script("s");
    f.transport.script("s", Outcome.hang());
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 1 * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .timeout(Duration.ofMinutes(3))
                .build(),
            "t");
    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));
    Job job = f.jobs().get(0);
    assertThat(job.status()).isEqualTo(JobStatus.TIMED_OUT);
    assertThat(job.finishedAt()).isEqualTo(T0.plus(Duration.ofMinutes(63)));
    assertThat(f.transport.runs().get(0).request().timeout()).isEqualTo(Duration.ofMinutes(3));
    assertThat(f.transport.runs().get(0).request().killOnTimeout()).isTrue();
  }

  @Test
  void jitterIsDeterministicPerFireKeyAndWithinBounds() {
    Duration max = Duration.ofMinutes(5);
    for (int i = 0; i < 200; i++) {
      FireKey key = new FireKey("s", T0.plusSeconds(60L * i), "n" + (i % 7));
      Duration d = Hashing.jitter(key, max);
      assertThat(d).isBetween(Duration.ZERO, max);
      assertThat(Hashing.jitter(new FireKey("s", T0.plusSeconds(60L * i), "n" + (i % 7)), max))
          .isEqualTo(d);
    }
    assertThat(Hashing.jitter(new FireKey("s", T0, "n1"), Duration.ZERO)).isZero();
  }

  @Test
  void firedJobsAreDueAtFirePlusTheirKeysJitter() {
    f.node("n1");
    f.node("n2");
    f.script("s");
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 1 * * *")
                .script("s")
                .target(Target.all())
                .jitter(Duration.ofMinutes(10))
                .build(),
            "t");
    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));
    for (Job j : f.jobs()) {
      Duration jitter = Hashing.jitter(j.fireKey(), Duration.ofMinutes(10));
      assertThat(j.dueAt()).isEqualTo(j.fireKey().fireTime().plus(jitter));
      assertThat(j.startedAt()).isEqualTo(j.dueAt());
    }
    assertThat(f.jobs().get(0).dueAt()).isNotEqualTo(f.jobs().get(1).dueAt());
  }
}
