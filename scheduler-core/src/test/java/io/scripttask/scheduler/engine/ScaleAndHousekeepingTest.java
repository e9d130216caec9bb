package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.spi.Execution;
import io.scripttask.scheduler.spi.ExecutionRequest;
import io.scripttask.scheduler.spi.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Registration at scale, history retention, hand-over times and script hashes. */
class ScaleAndHousekeepingTest {

  private final EngineFixture f = new EngineFixture();

  private static ScheduleSpec.Builder spec(String name) {
    return ScheduleSpec.named(name).script("s").target(Target.nodes("n1"));
  }

  @Test
  void registersTwentyThousandSchedulesThroughTheApiAndStillValidatesChains() {
    f.node("n1");
    f.script("s");
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      String cron = (i % 60) + " " + (i / 60 % 24) + " * * *";
      f.scheduler.schedules().create(spec(String.format("s%05d", i)).cron(cron).build(), "api");
    }
    f.scheduler.schedules().create(spec("d1").cron("0 5 * * *").dependsOn("s00001").build(), "api");
    f.scheduler
        .schedules()
        .create(spec("d2").trigger(Trigger.afterCompletionOf("d1")).build(), "api");

    assertThat(f.store.scheduleCount()).isEqualTo(n + 2);
    assertThat(f.scheduler.schedules().get("s19999")).isPresent();
    // a dependency cycle through the new edges is still found among the 20k schedules
    assertThatThrownBy(
            () ->
                f.scheduler
                    .schedules()
                    .update(spec("d1").cron("0 5 * * *").dependsOn("d2").build(), "api"))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "trigger must not form a cycle of after-completion triggers and dependencies, but was"
                + " d1 -> d2 -> d1");
    assertThatThrownBy(
            () ->
                f.scheduler
                    .schedules()
                    .create(spec("d3").cron("0 5 * * *").dependsOn("ghost").build(), "api"))
        .isInstanceOf(ValidationException.class)
        .hasMessage("dependsOn must name existing schedules, but was \"ghost\"");
  }

  @Test
  void deletesFinishedJobsOnceTheyAreOlderThanTheHistoryRetention() {
    EngineFixture g = new EngineFixture(b -> b.historyRetention(Duration.ofDays(2)));
    g.node("n1");
    g.script("s");
    g.scheduler.schedules().create(spec("daily").cron("0 1 * * *").build(), "api");

    // runs of days 0 and 1, finished at 01:00:01; the cutoff is day 0 00:30
    g.driver.advanceTo(T0.plus(Duration.ofDays(2)).plus(Duration.ofMinutes(30)));
    assertThat(g.jobs("daily")).extracting(Job::dueAt).containsExactly(at(0), at(1));
    assertThat(g.jobs("daily")).extracting(Job::status).containsOnly(JobStatus.SUCCEEDED);

    // the pass at day 3 02:00 cuts at day 1 02:00: the runs of days 0 and 1 go, 2 and 3 stay
    g.driver.advanceTo(T0.plus(Duration.ofDays(3)).plus(Duration.ofHours(2)));
    assertThat(g.jobs("daily")).extracting(Job::dueAt).containsExactly(at(2), at(3));
  }

  @Test
  void retentionKeepsAnUpstreamsLastRunSoItsDependentsStillRun() {
    EngineFixture g = new EngineFixture(b -> b.historyRetention(Duration.ofDays(2)));
    g.node("n1");
    g.script("s");
    // monthly on the 8th (day 1 of the test) at 01:00; the daily at 03:00 depends on it
    g.scheduler.schedules().create(spec("monthly").cron("0 1 8 * *").build(), "api");
    g.scheduler
        .schedules()
        .create(spec("daily").cron("0 3 * * *").dependsOn("monthly").build(), "api");

    g.driver.advanceTo(T0.plus(Duration.ofDays(12)));

    // the monthly run finished on day 1, long past the 2-day retention, and is still the one
    // that lets the daily runs of days 1 to 11 go
    assertThat(g.jobs("monthly")).hasSize(1);
    List<Job> daily = g.jobs("daily");
    assertThat(daily)
        .filteredOn(j -> !j.dueAt().isBefore(T0.plus(Duration.ofDays(1))))
        .hasSizeGreaterThanOrEqualTo(2)
        .extracting(Job::status)
        .containsOnly(JobStatus.SUCCEEDED);
    assertThat(daily.get(daily.size() - 1).dueAt())
        .isEqualTo(T0.plus(Duration.ofDays(11)).plus(Duration.ofHours(3)));
  }

  @Test
  void keepsHistoryForTheDefaultRetentionOfSevenDays() {
    f.node("n1");
    f.script("s");
    f.scheduler.schedules().create(spec("daily").cron("0 1 * * *").build(), "api");
    f.driver.advanceTo(T0.plus(Duration.ofDays(7)).plus(Duration.ofMinutes(30)));
    assertThat(f.jobs("daily")).hasSize(7).first().extracting(Job::dueAt).isEqualTo(at(0));
    assertThat(f.counts().get(JobStatus.SUCCEEDED)).isEqualTo(7);

    // at day 8 02:00 the runs that finished before day 1 02:00 (days 0 and 1) are deleted
    f.driver.advanceTo(T0.plus(Duration.ofDays(8)).plus(Duration.ofHours(2)));
    assertThat(f.jobs("daily"))
        .extracting(Job::dueAt)
        .containsExactly(at(2), at(3), at(4), at(5), at(6), at(7), at(8));
    assertThat(f.counts().get(JobStatus.SUCCEEDED)).isEqualTo(7);
  }

  /**
   * @return 01:00 of day {@code day} after T0
   */
  private static Instant at(int day) {
    return T0.plus(Duration.ofDays(day)).plus(Duration.ofHours(1));
  }

  @Test
  void theBuilderRejectsARetentionThatIsNotPositive() {
    assertThatThrownBy(() -> Scheduler.builder().historyRetention(Duration.ZERO))
        .isInstanceOf(ValidationException.class)
        .hasMessage("historyRetention must be positive, but was PT0S");
    assertThatThrownBy(() -> Scheduler.builder().historyRetention(Duration.ofSeconds(-1)))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> Scheduler.builder().historyRetention(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void startedAtIsTheHandOverTimeNotTheStartOfThePass() {
    // a transport that takes a millisecond of (virtual) time to hand each run over
    EngineFixture[] fixture = new EngineFixture[1];
    Transport slow =
        new Transport() {
          @Override
          public String name() {
            return "slow";
          }

          @Override
          public Execution execute(ExecutionRequest request) {
            Execution e = fixture[0].transport.execute(request);
            fixture[0].clock.advance(Duration.ofMillis(1));
            return e;
          }
        };
    EngineFixture g =
        new EngineFixture(
            new InMemorySchedulerStore(), new InMemoryNodeDirectory(), b -> b.transport(slow));
    fixture[0] = g;
    g.nodes.put(Node.of("a1", "slow"));
    g.nodes.put(Node.of("a2", "slow"));
    g.nodes.put(Node.of("a3", "slow"));
    g.script("s");
    g.scheduler
        .schedules()
        .create(spec("x").cron("0 1 * * *").target(Target.nodes("a1", "a2", "a3")).build(), "api");
    Instant fire = T0.plus(Duration.ofHours(1));
    g.clock.set(fire);
    g.scheduler.runDueWork();

    List<Job> jobs = g.jobs("x");
    assertThat(jobs).extracting(Job::status).containsOnly(JobStatus.RUNNING);
    assertThat(jobs)
        .extracting(Job::startedAt)
        .containsExactlyInAnyOrder(fire, fire.plusMillis(1), fire.plusMillis(2));
    assertThat(g.events(SchedulerEvent.JobStarted.class))
        .allSatisfy(e -> assertThat(e.at()).isEqualTo(e.job().startedAt()));
  }

  @Test
  void jobsRecordTheHashOfTheScriptVersionTheyRun() {
    f.node("n1");
    Script v1 = f.script("s");
    f.scheduler.schedules().create(spec("x").cron("0 1 * * *").build(), "api");
    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));
    Script v2 = Script.builder("s").content("echo changed").build();
    f.scheduler.catalog().putScript(v2);
    f.driver.advanceTo(T0.plus(Duration.ofDays(1)).plus(Duration.ofHours(2)));
    Script v3 = Script.builder("s").content("echo changed").shell(Shell.BASH).build();
    f.scheduler.catalog().putScript(v3);
    f.driver.advanceTo(T0.plus(Duration.ofDays(2)).plus(Duration.ofHours(2)));

    assertThat(f.jobs("x"))
        .extracting(Job::scriptHash)
        .containsExactly(v1.contentHash(), v2.contentHash(), v3.contentHash());
    assertThat(v1.contentHash()).isNotEqualTo(v2.contentHash());
    assertThat(v2.contentHash()).isNotEqualTo(v3.contentHash());
  }
}
