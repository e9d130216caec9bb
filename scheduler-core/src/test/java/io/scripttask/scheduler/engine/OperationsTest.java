package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleQuery;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.ScheduleState;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.SkipReason;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.TriggeredBy;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperationsTest {

  private final EngineFixture f = new EngineFixture();

  private ScheduleSpec spec(String name, String cron) {
    return ScheduleSpec.named(name).cron(cron).script("s").target(Target.nodes("n1")).build();
  }

  @Test
  void createsUpdatesListsAndDeletesSchedulesWithAudit() {
    f.node("n1");
    f.script("s");
    for (int i = 0; i < 5; i++) {
      f.scheduler.schedules().create(spec("s" + i, "0 1 * * *"), "alice");
    }
    Schedule updated = f.scheduler.schedules().update(spec("s2", "0 3 * * *"), "bob");
    assertThat(updated.updatedBy()).isEqualTo("bob");
    assertThat(updated.createdBy()).isEqualTo("alice");
    assertThat(updated.nextFireTime()).isEqualTo(T0.plus(Duration.ofHours(3)));

    List<String> ids = new ArrayList<>();
    Page page = Page.first(2);
    while (page != null) {
      PageResult<Schedule> r = f.scheduler.schedules().list(ScheduleQuery.all(), page);
      r.items().forEach(s -> ids.add(s.id()));
      page = r.nextPage();
    }
    assertThat(ids).containsExactly("s0", "s1", "s2", "s3", "s4");
    assertThat(f.scheduler.schedules().delete("s4", "carol")).isTrue();
    assertThat(f.scheduler.schedules().get("s4")).isEmpty();
    assertThat(f.events(SchedulerEvent.ScheduleDeleted.class).get(0).actor()).isEqualTo("carol");
    assertThat(f.events(SchedulerEvent.ScheduleUpdated.class).get(0).actor()).isEqualTo("bob");
  }

  @Test
  void pauseStopsFiringAndResumeRestartsFromNow() {
    f.node("n1");
    f.script("s");
    f.scheduler.schedules().create(spec("s", "0 * * * *"), "t");
    f.scheduler.schedules().pause("s", "bob");
    f.driver.advanceTo(T0.plus(Duration.ofMinutes(150)));
    assertThat(f.jobs()).isEmpty();
    Schedule resumed = f.scheduler.schedules().resume("s", "bob");
    assertThat(resumed.state()).isEqualTo(ScheduleState.ACTIVE);
    assertThat(resumed.nextFireTime()).isEqualTo(T0.plus(Duration.ofHours(3)));
    f.driver.advanceTo(T0.plus(Duration.ofMinutes(190)));
    assertThat(f.jobs()).hasSize(1);
  }

  @Test
  void runNowCreatesAdHocJobsTriggeredByTheUser() {
    f.node("n1");
    f.script("s");
    f.scheduler.schedules().create(spec("s", "0 1 * * *"), "t");
    List<Job> jobs = f.scheduler.schedules().runNow("s", "alice");
    assertThat(jobs)
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.triggeredBy()).isEqualTo(TriggeredBy.user("alice"));
              assertThat(j.fireKey().isAdHoc()).isTrue();
            });
    assertThat(f.scheduler.schedules().runNow("s", null).get(0).triggeredBy().kind())
        .isEqualTo(TriggeredBy.Kind.API);
    f.driver.advance(Duration.ofSeconds(5));
    assertThat(f.jobs(JobStatus.SUCCEEDED)).hasSize(1);
    // the second run now was skipped: the first was still running (overlap SKIP)
    assertThat(f.jobs(JobStatus.SKIPPED))
        .singleElement()
        .satisfies(j -> assertThat(j.skipReason()).isEqualTo(SkipReason.OVERLAP));
  }

  @Test
  void cancelsQueuedAndRunningJobs() {
    f.node("n1");
    f.node("n2");
    f.script("s");
    f.transport.script("s", Outcome.hang());
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .cron("0 1 * * *")
                .script("s")
                .target(Target.all())
                .limits(io.scripttask.scheduler.Limits.NONE.global(1))
                .build(),
            "t");
    List<Job> jobs = f.scheduler.schedules().runNow("s", "alice");
    f.driver.runDueWork();
    Job running = f.jobs(JobStatus.RUNNING).get(0);
    Job waiting = f.jobs(JobStatus.WAITING).get(0);

    assertThat(f.scheduler.jobs().cancel(waiting.id(), "bob")).isTrue();
    assertThat(f.scheduler.jobs().get(waiting.id()).orElseThrow().status())
        .isEqualTo(JobStatus.CANCELLED);
    assertThat(f.scheduler.jobs().cancel(running.id(), "bob")).isTrue();
    f.driver.runDueWork();
    Job cancelled = f.scheduler.jobs().get(running.id()).orElseThrow();
    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(f.transport.running()).isEmpty();
    assertThat(f.events(SchedulerEvent.JobCancelled.class))
        .extracting(e -> e.actor())
        .containsExactly("bob", "bob");
    assertThat(f.scheduler.jobs().cancel(running.id(), "bob")).isFalse();
    assertThat(jobs).hasSize(2);
  }

  @Test
  void retryMakesANewAttemptOfTheSameJob() {
    f.node("n1");
    f.script("s");
    f.transport.script("s", Outcome.exit(1, Duration.ofSeconds(1)), Outcome.succeed(Duration.ZERO));
    f.scheduler.schedules().create(spec("s", "0 1 * * *"), "t");
    f.driver.advanceTo(T0.plus(Duration.ofMinutes(61)));
    Job failed = f.jobs().get(0);
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThatThrownBy(() -> f.scheduler.jobs().retry("nope", "bob"))
        .isInstanceOf(io.scripttask.scheduler.SchedulerException.class);

    Job retried = f.scheduler.jobs().retry(failed.id(), "bob");
    assertThat(retried.attempt()).isEqualTo(2);
    assertThat(retried.fireKey()).isEqualTo(failed.fireKey());
    f.driver.runDueWork();
    assertThat(f.jobs())
        .singleElement()
        .satisfies(j -> assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED));
    f.scheduler.schedules().runNow("s", null);
    Job queued = f.jobs(JobStatus.QUEUED).get(0);
    assertThatThrownBy(() -> f.scheduler.jobs().retry(queued.id(), "bob"))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void statisticsCountJobsAndListUpcomingFires() {
    f.node("n1");
    f.script("s");
    f.scheduler.schedules().create(spec("a", "0 2 * * *"), "t");
    f.scheduler.schedules().create(spec("b", "0 1 * * *"), "t");
    f.transport.script("s", Outcome.hang());
    f.scheduler.schedules().runNow("a", null);
    f.driver.runDueWork();
    var stats = f.scheduler.statistics(5);
    assertThat(stats.running()).isEqualTo(1);
    assertThat(stats.schedules()).isEqualTo(2);
    assertThat(stats.jobsByStatus().get(JobStatus.RUNNING)).isEqualTo(1);
    assertThat(stats.upcoming()).extracting(u -> u.scheduleId()).containsExactly("b", "a");
  }

  @Test
  void listsJobsWithFiltersAndPaging() {
    f.node("n1");
    f.node("n2");
    f.script("s");
    f.transport.script("s", Outcome.succeed(Duration.ZERO));
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s").cron("*/10 * * * *").script("s").target(Target.all()).build(),
            "t");
    f.driver.advanceTo(T0.plus(Duration.ofMinutes(55)));
    List<Job> seen = new ArrayList<>();
    Page page = Page.first(2);
    while (page != null) {
      PageResult<Job> r = f.scheduler.jobs().list(JobQuery.all().node("n2"), page);
      seen.addAll(r.items());
      page = r.nextPage();
    }
    assertThat(seen).hasSize(5).allSatisfy(j -> assertThat(j.nodeId()).isEqualTo("n2"));
    assertThat(seen.get(0).sequence()).isGreaterThan(seen.get(4).sequence());
  }
}
