package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.MaintenanceWindow;
import io.scripttask.scheduler.Priority;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.SkipReason;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.WindowPolicy;
import io.scripttask.scheduler.WindowScope;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MaintenanceWindowsTest {

  private final EngineFixture f = new EngineFixture();

  private static final Instant ONE_AM = T0.plus(Duration.ofHours(1));
  private static final Instant WINDOW_END = T0.plus(Duration.ofHours(4));

  private void window(MaintenanceWindow.Kind kind, WindowScope scope, Priority... allowed) {
    f.scheduler
        .catalog()
        .putWindow(
            MaintenanceWindow.builder("w")
                .cron("0 0 * * *")
                .zone(ZoneOffset.UTC)
                .duration(Duration.ofHours(4))
                .kind(kind)
                .scope(scope)
                .allowedPriorities(allowed)
                .build());
  }

  private void schedule(String name, Priority p, WindowPolicy policy, String node) {
    f.script(name);
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named(name)
                .cron("0 1 * * *")
                .script(name)
                .target(Target.nodes(node))
                .priority(p)
                .windowPolicy(policy)
                .build(),
            "t");
  }

  private Job only(String schedule) {
    return f.jobs(schedule).get(0);
  }

  @Test
  void blackoutHoldsJobsUntilItClosesButLetsAllowedPrioritiesRun() {
    f.node("n1");
    window(MaintenanceWindow.Kind.BLACKOUT, WindowScope.global(), Priority.CRITICAL);
    schedule("crit", Priority.CRITICAL, WindowPolicy.HOLD, "n1");
    schedule("norm", Priority.NORMAL, WindowPolicy.HOLD, "n1");

    f.driver.advanceTo(ONE_AM.plusSeconds(5));
    assertThat(only("crit").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(only("norm").status()).isEqualTo(JobStatus.WAITING);
    assertThat(only("norm").nextAttemptAt()).isEqualTo(WINDOW_END);

    f.driver.advanceTo(WINDOW_END.plusSeconds(5));
    assertThat(only("norm").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(only("norm").startedAt()).isEqualTo(WINDOW_END);
    assertThat(f.events(SchedulerEvent.WindowOpened.class)).hasSize(1);
    assertThat(f.events(SchedulerEvent.WindowClosed.class)).hasSize(1);
    assertThat(f.events(SchedulerEvent.WindowClosed.class).get(0).at()).isEqualTo(WINDOW_END);
  }

  @Test
  void blackoutWithSkipPolicySkipsTheJob() {
    f.node("n1");
    window(MaintenanceWindow.Kind.BLACKOUT, WindowScope.global());
    schedule("norm", Priority.NORMAL, WindowPolicy.SKIP, "n1");

    f.driver.advanceTo(ONE_AM.plusSeconds(5));
    assertThat(only("norm").status()).isEqualTo(JobStatus.SKIPPED);
    assertThat(only("norm").skipReason()).isEqualTo(SkipReason.WINDOW);
    assertThat(f.transport.runs()).isEmpty();
  }

  @Test
  void allowWindowLetsJobsRunOnlyInside() {
    f.node("n1");
    f.scheduler
        .catalog()
        .putWindow(
            MaintenanceWindow.builder("w")
                .cron("0 3 * * *")
                .zone(ZoneOffset.UTC)
                .duration(Duration.ofHours(1))
                .kind(MaintenanceWindow.Kind.ALLOW)
                .build());
    schedule("norm", Priority.NORMAL, WindowPolicy.HOLD, "n1");

    f.driver.advanceTo(T0.plus(Duration.ofHours(5)));
    assertThat(only("norm").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(only("norm").startedAt()).isEqualTo(T0.plus(Duration.ofHours(3)));
  }

  @Test
  void windowScopedToAGroupHoldsOnlyThatGroupsNodes() {
    f.node("web1", "web");
    f.node("db1", "db");
    window(MaintenanceWindow.Kind.BLACKOUT, WindowScope.groups("db"));
    f.script("all");
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("all").cron("0 1 * * *").script("all").target(Target.all()).build(),
            "t");

    f.driver.advanceTo(ONE_AM.plusSeconds(5));
    assertThat(f.jobs("all"))
        .extracting(Job::nodeId, Job::status)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("db1", JobStatus.WAITING),
            org.assertj.core.groups.Tuple.tuple("web1", JobStatus.SUCCEEDED));
  }

  @Test
  void windowScopedToANodeHoldsOnlyThatNode() {
    f.node("n1");
    f.node("n2");
    window(MaintenanceWindow.Kind.BLACKOUT, WindowScope.nodes("n2"));
    f.script("all");
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("all").cron("0 1 * * *").script("all").target(Target.all()).build(),
            "t");
    f.driver.advanceTo(ONE_AM.plusSeconds(5));
    assertThat(f.jobs(JobStatus.WAITING)).extracting(Job::nodeId).containsExactly("n2");

    f.driver.advanceTo(WINDOW_END.plusSeconds(5));
    assertThat(f.jobs(JobStatus.SUCCEEDED)).hasSize(2);
  }

  @Test
  void removingTheWindowReleasesHeldJobsAtOnce() {
    f.node("n1");
    window(MaintenanceWindow.Kind.BLACKOUT, WindowScope.global());
    schedule("norm", Priority.NORMAL, WindowPolicy.HOLD, "n1");
    f.driver.advanceTo(ONE_AM.plusSeconds(5));
    assertThat(only("norm").status()).isEqualTo(JobStatus.WAITING);

    f.scheduler.catalog().removeWindow("w");
    f.driver.advance(Duration.ofSeconds(5));
    assertThat(only("norm").status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void previewShowsWhenAHeldFireWouldStart() {
    f.node("n1");
    window(MaintenanceWindow.Kind.BLACKOUT, WindowScope.global());
    schedule("norm", Priority.NORMAL, WindowPolicy.HOLD, "n1");
    var runs = f.scheduler.schedules().preview("norm", 2);
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).fireTime()).isEqualTo(ONE_AM);
    assertThat(runs.get(0).heldByWindow()).isTrue();
    assertThat(runs.get(0).startsAt()).isEqualTo(WINDOW_END);
    assertThat(runs.get(1).fireTime()).isEqualTo(ONE_AM.plus(Duration.ofDays(1)));
  }
}
