package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.AfterCompletionTrigger;
import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.MaintenanceWindow;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Priority;
import io.scripttask.scheduler.Retry;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.SkipReason;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.TriggeredBy;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.WaitReason;
import io.scripttask.scheduler.WindowScope;
import io.scripttask.scheduler.internal.engine.Hashing;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AfterCompletionTest {

  private static final Instant ONE_AM = T0.plus(Duration.ofHours(1));

  private final EngineFixture f = new EngineFixture();

  private ScheduleSpec.Builder cron(String name, String cron, Target target) {
    f.script(name);
    return ScheduleSpec.named(name).cron(cron).script(name).target(target);
  }

  private ScheduleSpec.Builder after(String name, AfterCompletionTrigger trigger, Target target) {
    f.script(name);
    return ScheduleSpec.named(name).trigger(trigger).script(name).target(target);
  }

  private Schedule create(ScheduleSpec.Builder spec) {
    return f.scheduler.schedules().create(spec.build(), "t");
  }

  private Job on(String schedule, String node) {
    List<Job> jobs = f.jobs(schedule).stream().filter(j -> j.nodeId().equals(node)).toList();
    assertThat(jobs).as("jobs of %s on %s", schedule, node).hasSize(1);
    return jobs.get(0);
  }

  // ------------------------------------------------------------------ the trigger value

  @Test
  void theTriggerHasNoClockFiresAndDescribesItself() {
    AfterCompletionTrigger t = Trigger.afterCompletionOf("backup");
    assertThat(t.outcomes()).containsExactly(JobStatus.SUCCEEDED);
    assertThat(t.delay()).isZero();
    assertThat(t.zone()).isEqualTo(ScheduleSpec.DEFAULT_ZONE);
    assertThat(t.next(T0)).isEmpty();
    assertThat(t.next(T0.atZone(ZoneOffset.UTC))).isEmpty();
    assertThat(t.next(T0.atZone(ZoneOffset.UTC), 5)).isEmpty();
    assertThat(t.describe(Locale.ROOT))
        .isEqualTo("after each run of backup that succeeds, on the same node (Z)");

    AfterCompletionTrigger remediation =
        Trigger.afterCompletionOf(
            "scan",
            Set.of(JobStatus.TIMED_OUT, JobStatus.FAILED),
            Duration.ofMinutes(5),
            ZoneId.of("Europe/Berlin"));
    assertThat(remediation.describe(Locale.GERMAN))
        .isEqualTo(
            "after each run of scan that fails or times out, 5 minutes later, on the same node"
                + " (Europe/Berlin)");
    assertThat(remediation.firesOn(JobStatus.FAILED)).isTrue();
    assertThat(remediation.firesOn(JobStatus.SUCCEEDED)).isFalse();
    assertThat(
            Trigger.afterCompletionOf("scan", ZoneId.of("Europe/Berlin"))
                .on(JobStatus.FAILED, JobStatus.TIMED_OUT)
                .delayedBy(Duration.ofMinutes(5)))
        .isEqualTo(remediation);
    assertThat(t.inZone(ZoneId.of("Europe/Berlin")).zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
  }

  @Test
  void theTriggerRejectsBadValuesNamingThem() {
    assertThatThrownBy(() -> Trigger.afterCompletionOf(" "))
        .isInstanceOf(ValidationException.class)
        .hasMessage("scheduleId must not be blank, but was \" \"");
    assertThatThrownBy(() -> Trigger.afterCompletionOf("a").on())
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "outcomes must name at least one of [SUCCEEDED, FAILED, TIMED_OUT], but was []");
    assertThatThrownBy(() -> Trigger.afterCompletionOf("a").on(JobStatus.CANCELLED))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "outcomes must be a subset of [SUCCEEDED, FAILED, TIMED_OUT], but was [CANCELLED]");
    assertThatThrownBy(
            () -> Trigger.afterCompletionOf("a").on(JobStatus.SUCCEEDED, JobStatus.SKIPPED))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("but was [SUCCEEDED, SKIPPED]");
    assertThatThrownBy(() -> Trigger.afterCompletionOf("a").delayedBy(Duration.ofSeconds(-1)))
        .isInstanceOf(ValidationException.class)
        .hasMessage("delay must not be negative, but was PT-1S");
    assertThatThrownBy(() -> Trigger.afterCompletionOf(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduleId");
    assertThatThrownBy(
            () ->
                new AfterCompletionTrigger(
                    "a", EnumSet.of(JobStatus.SUCCEEDED), Duration.ZERO, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("zone");
  }

  // ------------------------------------------------------------------ firing

  @Test
  void firesBOnTheNodeWhereASucceededAndOnlyThere() {
    f.node("n1");
    f.node("n2");
    f.node("n3");
    f.transport.script("a", "n1", Outcome.succeed(Duration.ofMinutes(10)));
    f.transport.script("a", "n2", Outcome.exit(2, Duration.ofMinutes(5)));
    create(cron("a", "0 1 * * *", Target.nodes("n1", "n2")));
    Schedule b = create(after("b", Trigger.afterCompletionOf("a"), Target.all()));

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    Job a1 = on("a", "n1");
    Job bJob = on("b", "n1");
    assertThat(f.jobs("b")).hasSize(1);
    assertThat(bJob.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(bJob.fireKey()).isEqualTo(new FireKey("b", a1.finishedAt(), "n1"));
    assertThat(a1.finishedAt()).isEqualTo(ONE_AM.plus(Duration.ofMinutes(10)));
    assertThat(bJob.startedAt()).isEqualTo(a1.finishedAt());
    assertThat(bJob.triggeredBy()).isEqualTo(new TriggeredBy(TriggeredBy.Kind.DEPENDENCY, a1.id()));
    assertThat(f.events(SchedulerEvent.JobQueued.class))
        .filteredOn(e -> "b".equals(e.job().scheduleId()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.at()).isEqualTo(a1.finishedAt());
              assertThat(e.job().id()).isEqualTo(bJob.id());
            });
    // no clock-based fires: never due, nothing to preview, no upcoming fire
    assertThat(b.nextFireTime()).isNull();
    assertThat(f.scheduler.schedules().get("b").orElseThrow().nextFireTime()).isNull();
    assertThat(f.scheduler.schedules().preview("b", 5)).isEmpty();
    assertThat(f.scheduler.statistics(10).upcoming())
        .extracting(fire -> fire.scheduleId())
        .containsOnly("a");
  }

  @Test
  void doesNotFireOnANodeOutsideBsTarget() {
    f.node("n1");
    f.node("n2");
    create(cron("a", "0 1 * * *", Target.nodes("n1", "n2")));
    create(after("b", Trigger.afterCompletionOf("a"), Target.nodes("n2")));

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    assertThat(f.jobs("a")).hasSize(2).allMatch(j -> j.status() == JobStatus.SUCCEEDED);
    assertThat(f.jobs("b")).extracting(Job::nodeId).containsExactly("n2");
  }

  @Test
  void withFailureOutcomesBRunsAfterAFailsOrTimesOutAsRemediation() {
    f.node("n1");
    f.node("n2");
    f.node("n3");
    f.transport.script("a", "n1", Outcome.exit(1, Duration.ofMinutes(2)));
    f.transport.script("a", "n2", Outcome.hang());
    f.transport.script("a", "n3", Outcome.succeed(Duration.ofMinutes(2)));
    create(cron("a", "0 1 * * *", Target.all()).timeout(Duration.ofMinutes(3)));
    create(
        after(
            "fix",
            Trigger.afterCompletionOf("a").on(JobStatus.FAILED, JobStatus.TIMED_OUT),
            Target.all()));
    create(after("next", Trigger.afterCompletionOf("a"), Target.all()));

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    assertThat(on("a", "n2").status()).isEqualTo(JobStatus.TIMED_OUT);
    assertThat(f.jobs("fix")).extracting(Job::nodeId).containsExactlyInAnyOrder("n1", "n2");
    assertThat(on("fix", "n1").startedAt()).isEqualTo(ONE_AM.plus(Duration.ofMinutes(2)));
    assertThat(on("fix", "n2").startedAt()).isEqualTo(ONE_AM.plus(Duration.ofMinutes(3)));
    assertThat(f.jobs("fix")).allMatch(j -> j.status() == JobStatus.SUCCEEDED);
    // the default (success only) does not fire on a failure
    assertThat(f.jobs("next")).extracting(Job::nodeId).containsExactly("n3");
  }

  @Test
  void firesAfterTheFinalAttemptOfAOnly() {
    f.node("n1");
    f.transport.script(
        "a",
        Outcome.exit(1, Duration.ofSeconds(10)),
        Outcome.exit(1, Duration.ofSeconds(10)),
        Outcome.succeed(Duration.ofSeconds(10)));
    create(
        cron("a", "0 1 * * *", Target.nodes("n1"))
            .retry(Retry.exponential(3, Duration.ofMinutes(1))));
    create(after("b", Trigger.afterCompletionOf("a"), Target.nodes("n1")));
    create(after("onFailure", Trigger.afterCompletionOf("a").on(JobStatus.FAILED), Target.all()));

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    Job a = on("a", "n1");
    assertThat(a.attempt()).isEqualTo(3);
    // attempt 1 ends at +10 s, retry after 1 min; attempt 2 ends 10 s later, retry after 2 min
    assertThat(a.finishedAt()).isEqualTo(ONE_AM.plusSeconds(70 + 10 + 120 + 10));
    assertThat(f.jobs("b")).hasSize(1);
    assertThat(on("b", "n1").fireKey().fireTime()).isEqualTo(a.finishedAt());
    assertThat(f.jobs("onFailure")).isEmpty();
  }

  @Test
  void aFailureAfterTheLastRetryFiresTheFailureChainOnce() {
    f.node("n1");
    f.transport.script("a", Outcome.exit(1, Duration.ofSeconds(10)));
    create(
        cron("a", "0 1 * * *", Target.nodes("n1"))
            .retry(Retry.exponential(3, Duration.ofMinutes(1))));
    create(after("onFailure", Trigger.afterCompletionOf("a").on(JobStatus.FAILED), Target.all()));

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    Job a = on("a", "n1");
    assertThat(a.status()).isEqualTo(JobStatus.FAILED);
    assertThat(a.attempt()).isEqualTo(3);
    assertThat(f.jobs("onFailure"))
        .singleElement()
        .satisfies(j -> assertThat(j.dueAt()).isEqualTo(a.finishedAt()));
  }

  @Test
  void delayAndJitterAreHonoured() {
    f.node("n1");
    f.transport.script("a", Outcome.succeed(Duration.ofMinutes(10)));
    create(cron("a", "0 1 * * *", Target.nodes("n1")));
    create(
        after(
            "b",
            Trigger.afterCompletionOf("a").delayedBy(Duration.ofMinutes(15)),
            Target.nodes("n1")));
    create(
        after(
                "c",
                Trigger.afterCompletionOf("a").delayedBy(Duration.ofMinutes(15)),
                Target.nodes("n1"))
            .jitter(Duration.ofMinutes(30)));
    Instant aDone = ONE_AM.plus(Duration.ofMinutes(10));
    Instant fire = aDone.plus(Duration.ofMinutes(15));

    f.driver.advanceTo(fire.minusSeconds(1));
    assertThat(on("b", "n1").status()).isEqualTo(JobStatus.QUEUED);
    assertThat(on("b", "n1").createdAt()).isEqualTo(aDone);

    f.driver.advanceTo(T0.plus(Duration.ofHours(3)));
    Job b = on("b", "n1");
    assertThat(b.fireKey().fireTime()).isEqualTo(fire);
    assertThat(b.dueAt()).isEqualTo(fire);
    assertThat(b.startedAt()).isEqualTo(fire);
    Job c = on("c", "n1");
    Duration jitter = Hashing.jitter(c.fireKey(), Duration.ofMinutes(30));
    assertThat(c.fireKey().fireTime()).isEqualTo(fire);
    assertThat(c.dueAt()).isEqualTo(fire.plus(jitter));
    assertThat(c.startedAt()).isEqualTo(fire.plus(jitter));
  }

  @Test
  void chainAToBToCRunsTransitivelyOnEachNode() {
    f.node("n1");
    f.node("n2");
    f.transport.script("a", Outcome.succeed(Duration.ofMinutes(10)));
    f.transport.script("b", Outcome.succeed(Duration.ofMinutes(10)));
    f.transport.script("c", Outcome.succeed(Duration.ofMinutes(10)));
    f.transport.script("b", "n2", Outcome.exit(1, Duration.ofMinutes(10)));
    create(cron("a", "0 1 * * *", Target.all()));
    create(after("b", Trigger.afterCompletionOf("a"), Target.all()));
    create(after("c", Trigger.afterCompletionOf("b"), Target.all()));

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    Job b1 = on("b", "n1");
    Job c1 = on("c", "n1");
    assertThat(b1.startedAt()).isEqualTo(ONE_AM.plus(Duration.ofMinutes(10)));
    assertThat(c1.startedAt()).isEqualTo(ONE_AM.plus(Duration.ofMinutes(20)));
    assertThat(c1.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(c1.triggeredBy().actor()).isEqualTo(b1.id());
    // b failed on n2: the chain stops there
    assertThat(on("b", "n2").status()).isEqualTo(JobStatus.FAILED);
    assertThat(f.jobs("c")).extracting(Job::nodeId).containsExactly("n1");
  }

  @Test
  void aPausedDownstreamScheduleDoesNotFireAndDoesNotCatchUpOnResume() {
    f.node("n1");
    create(cron("a", "0 1 * * *", Target.nodes("n1")));
    create(after("b", Trigger.afterCompletionOf("a"), Target.nodes("n1")));
    f.scheduler.schedules().pause("b", "t");

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));
    assertThat(on("a", "n1").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(f.jobs("b")).isEmpty();

    Schedule resumed = f.scheduler.schedules().resume("b", "t");
    assertThat(resumed.nextFireTime()).isNull();
    f.driver.advanceTo(T0.plus(Duration.ofHours(3)));
    assertThat(f.jobs("b")).isEmpty();

    f.driver.advanceTo(T0.plus(Duration.ofHours(26)));
    assertThat(f.jobs("b"))
        .singleElement()
        .satisfies(
            j ->
                assertThat(j.startedAt())
                    .isEqualTo(ONE_AM.plus(Duration.ofDays(1)).plusSeconds(1)));
  }

  @Test
  void aJobQueuedBeforeItsSchedulePausedIsSkippedWhenItComesUp() {
    f.node("n1");
    create(cron("a", "0 1 * * *", Target.nodes("n1")));
    create(
        after(
            "b",
            Trigger.afterCompletionOf("a").delayedBy(Duration.ofMinutes(30)),
            Target.nodes("n1")));
    f.driver.advanceTo(ONE_AM.plus(Duration.ofMinutes(5)));
    assertThat(on("b", "n1").status()).isEqualTo(JobStatus.QUEUED);
    f.scheduler.schedules().pause("b", "t");

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));
    assertThat(on("b", "n1").status()).isEqualTo(JobStatus.SKIPPED);
    assertThat(on("b", "n1").skipReason()).isEqualTo(SkipReason.SCHEDULE_PAUSED);
  }

  @Test
  void aDeletedUpstreamLeavesTheDownstreamDormant() {
    f.node("n1");
    f.transport.script("a", Outcome.succeed(Duration.ofMinutes(10)));
    create(cron("a", "0 1 * * *", Target.nodes("n1")));
    create(after("b", Trigger.afterCompletionOf("a"), Target.nodes("n1")));

    f.driver.advanceTo(ONE_AM.plus(Duration.ofMinutes(5)));
    assertThat(f.scheduler.schedules().delete("a", "t")).isTrue();
    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    assertThat(on("a", "n1").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(f.jobs("b")).isEmpty();
    assertThat(f.scheduler.schedules().get("b")).isPresent();
    ScheduleSpec unchanged = f.scheduler.schedules().get("b").orElseThrow().spec();
    assertThatThrownBy(() -> f.scheduler.schedules().update(unchanged, "t"))
        .isInstanceOf(ValidationException.class)
        .hasMessage("trigger.scheduleId must name an existing schedule, but was \"a\"");
  }

  @Test
  void dependsOnStillAppliesToATriggeredJob() {
    f.node("n1");
    f.transport.script("gate", Outcome.exit(1, Duration.ofMinutes(1)));
    create(cron("gate", "30 0 * * *", Target.nodes("n1")));
    create(cron("a", "0 1 * * *", Target.nodes("n1")));
    create(after("b", Trigger.afterCompletionOf("a"), Target.nodes("n1")).dependsOn("gate"));

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    assertThat(on("b", "n1").status()).isEqualTo(JobStatus.SKIPPED);
    assertThat(on("b", "n1").skipReason()).isEqualTo(SkipReason.DEPENDENCY_FAILED);
  }

  // ------------------------------------------------------------------ validation

  @Test
  void rejectsAnUnknownUpstream() {
    assertThatThrownBy(() -> create(after("b", Trigger.afterCompletionOf("ghost"), Target.all())))
        .isInstanceOf(ValidationException.class)
        .hasMessage("trigger.scheduleId must name an existing schedule, but was \"ghost\"");
    assertThat(f.scheduler.schedules().get("b")).isEmpty();
  }

  @Test
  void rejectsCyclesOfAfterCompletionTriggersNamingThem() {
    assertThatThrownBy(() -> create(after("x", Trigger.afterCompletionOf("x"), Target.all())))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "trigger must not form a cycle of after-completion triggers and dependencies, but was"
                + " x -> x");

    create(cron("a", "0 1 * * *", Target.all()));
    create(after("b", Trigger.afterCompletionOf("a"), Target.all()));
    create(after("c", Trigger.afterCompletionOf("b"), Target.all()));
    ScheduleSpec cyclic = after("a", Trigger.afterCompletionOf("c"), Target.all()).build();
    assertThatThrownBy(() -> f.scheduler.schedules().update(cyclic, "t"))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "trigger must not form a cycle of after-completion triggers and dependencies, but was"
                + " a -> c -> b -> a");
    assertThat(f.scheduler.schedules().get("a").orElseThrow().spec().trigger())
        .isNotInstanceOf(AfterCompletionTrigger.class);
  }

  @Test
  void rejectsCyclesMixingAfterCompletionTriggersAndDependsOn() {
    create(cron("a", "0 1 * * *", Target.all()));
    create(after("b", Trigger.afterCompletionOf("a"), Target.all()));
    create(cron("c", "0 2 * * *", Target.all()).dependsOn("b"));
    ScheduleSpec cyclic = cron("a", "0 1 * * *", Target.all()).dependsOn("c").build();
    assertThatThrownBy(() -> f.scheduler.schedules().update(cyclic, "t"))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "trigger must not form a cycle of after-completion triggers and dependencies, but was"
                + " a -> c -> b -> a");

    // and the other way round: an after-completion trigger closing a dependsOn chain
    create(cron("d", "0 3 * * *", Target.all()));
    create(cron("e", "0 3 * * *", Target.all()).dependsOn("d"));
    ScheduleSpec closing = after("d", Trigger.afterCompletionOf("e"), Target.all()).build();
    assertThatThrownBy(() -> f.scheduler.schedules().update(closing, "t"))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "trigger must not form a cycle of after-completion triggers and dependencies, but was"
                + " d -> e -> d");
    // a chain that is no cycle is fine
    create(after("f", Trigger.afterCompletionOf("e"), Target.all()).dependsOn("d"));
  }

  // ------------------------------------------------------------------ exactly once

  @Test
  void createsOneJobPerUpstreamCompletionHoweverOftenTheEngineRuns() {
    f.node("n1");
    f.node("n2");
    create(cron("a", "0 * * * *", Target.all()));
    create(after("b", Trigger.afterCompletionOf("a"), Target.all()));

    for (int step = 0; step <= 24 * 6; step++) {
      f.driver.advance(Duration.ofMinutes(10));
      f.driver.runDueWork();
      f.scheduler.runDueWork();
    }

    List<Job> a = f.jobs("a");
    List<Job> b = f.jobs("b");
    assertThat(a).hasSize(24 * 2).allMatch(j -> j.status() == JobStatus.SUCCEEDED);
    assertThat(b).hasSameSizeAs(a);
    Set<FireKey> keys = new HashSet<>();
    for (Job j : b) {
      assertThat(keys.add(j.fireKey())).as("duplicate %s", j.fireKey()).isTrue();
    }
    Set<String> upstreamJobs = new HashSet<>();
    for (Job j : b) {
      assertThat(upstreamJobs.add(j.triggeredBy().actor())).isTrue();
    }
    assertThat(upstreamJobs).containsExactlyInAnyOrderElementsOf(a.stream().map(Job::id).toList());
    assertThat(f.events(SchedulerEvent.JobQueued.class))
        .filteredOn(e -> "b".equals(e.job().scheduleId()))
        .hasSameSizeAs(b);
  }

  @Test
  void twoUpstreamRunsFinishingAtOneInstantOnANodeShareOneFireKey() {
    f.node("n1");
    f.transport.script("a", Outcome.succeed(Duration.ofMinutes(10)));
    create(cron("a", "0 1 * * *", Target.nodes("n1")).overlap(OverlapPolicy.ALLOW));
    create(after("b", Trigger.afterCompletionOf("a"), Target.nodes("n1")));
    f.driver.advanceTo(ONE_AM);
    f.scheduler.schedules().runNow("a", "t");

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));

    assertThat(f.jobs("a")).hasSize(2).allMatch(j -> j.status() == JobStatus.SUCCEEDED);
    assertThat(f.jobs("b"))
        .singleElement()
        .satisfies(
            j ->
                assertThat(j.fireKey())
                    .isEqualTo(new FireKey("b", ONE_AM.plus(Duration.ofMinutes(10)), "n1")));
  }

  @Test
  void twoSchedulersOnOneStoreCreateEachDownstreamJobOnce() {
    InMemorySchedulerStore store = new InMemorySchedulerStore();
    InMemoryNodeDirectory nodes = new InMemoryNodeDirectory();
    EngineFixture x = new EngineFixture(store, nodes, b -> b.instanceId("x"));
    EngineFixture y = new EngineFixture(store, nodes, b -> b.instanceId("y"));
    x.node("n1");
    x.node("n2");
    x.script("a");
    x.script("b");
    x.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("a").cron("*/5 * * * *").script("a").target(Target.all()).build(),
            "t");
    for (int i = 0; i < 12; i++) {
      Instant t = x.clock.instant().plus(Duration.ofMinutes(1));
      x.clock.set(t);
      y.clock.set(t);
      y.driver.runDueWork();
      x.driver.runDueWork();
    }
    // instance y ran the jobs of a so far and read the (then empty) chain index; b is created
    // on instance x
    assertThat(y.transport.runs()).isNotEmpty();
    x.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("b")
                .trigger(Trigger.afterCompletionOf("a"))
                .script("b")
                .target(Target.all())
                .build(),
            "t");
    for (int i = 0; i < 60; i++) {
      Instant t = x.clock.instant().plusSeconds(30);
      x.clock.set(t);
      y.clock.set(t);
      y.driver.runDueWork();
      x.driver.runDueWork();
      y.driver.runDueWork();
    }
    List<Job> b = x.jobs("b");
    Set<FireKey> keys = new HashSet<>();
    for (Job j : b) {
      assertThat(keys.add(j.fireKey())).as("duplicate %s", j.fireKey()).isTrue();
    }
    long upstreamAfterB =
        x.jobs("a").stream()
            .filter(j -> j.finishedAt() != null && j.finishedAt().isAfter(T0.plusSeconds(12 * 60)))
            .count();
    assertThat(upstreamAfterB).isEqualTo(12);
    assertThat(b).hasSize(12).allMatch(j -> j.status() == JobStatus.SUCCEEDED);
    // the jobs of a ran on instance y, which learned of b from the store
    assertThat(y.transport.runs()).extracting(r -> r.request().script().id()).contains("a", "b");
  }

  // ------------------------------------------------------------------ a normal job

  @Test
  void theTriggeredJobWaitsForItsLimitsLikeAnyJob() {
    f.node("n1");
    f.transport.script("long", Outcome.succeed(Duration.ofMinutes(50)));
    f.transport.script("a", Outcome.succeed(Duration.ofMinutes(10)));
    create(cron("long", "0 1 * * *", Target.nodes("n1")));
    create(cron("a", "0 1 * * *", Target.nodes("n1")));
    create(
        after("b", Trigger.afterCompletionOf("a"), Target.nodes("n1")).limits(Limits.perNode(1)));

    f.driver.advanceTo(ONE_AM.plus(Duration.ofMinutes(30)));
    Job waiting = on("b", "n1");
    assertThat(waiting.status()).isEqualTo(JobStatus.WAITING);
    assertThat(waiting.waitReason()).isEqualTo(WaitReason.NODE_LIMIT);

    f.driver.advanceTo(T0.plus(Duration.ofHours(4)));
    assertThat(on("b", "n1").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(on("long", "n1").finishedAt()).isEqualTo(ONE_AM.plus(Duration.ofMinutes(50)));
    assertThat(on("b", "n1").startedAt()).isEqualTo(ONE_AM.plus(Duration.ofMinutes(50)));
  }

  @Test
  void theTriggeredJobIsHeldByAMaintenanceWindowLikeAnyJob() {
    f.node("n1");
    f.scheduler
        .catalog()
        .putWindow(
            MaintenanceWindow.builder("w")
                .cron("0 0 * * *")
                .zone(ZoneOffset.UTC)
                .duration(Duration.ofHours(4))
                .kind(MaintenanceWindow.Kind.BLACKOUT)
                .scope(WindowScope.global())
                .allowedPriorities(Priority.CRITICAL)
                .build());
    create(cron("a", "0 1 * * *", Target.nodes("n1")).priority(Priority.CRITICAL));
    create(after("b", Trigger.afterCompletionOf("a"), Target.nodes("n1")));

    f.driver.advanceTo(ONE_AM.plus(Duration.ofMinutes(5)));
    assertThat(on("a", "n1").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(on("b", "n1").status()).isEqualTo(JobStatus.WAITING);
    assertThat(on("b", "n1").waitReason()).isEqualTo(WaitReason.MAINTENANCE_WINDOW);

    f.driver.advanceTo(T0.plus(Duration.ofHours(5)));
    assertThat(on("b", "n1").status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(on("b", "n1").startedAt()).isEqualTo(T0.plus(Duration.ofHours(4)));
    assertThat(on("b", "n1").priority()).isEqualTo(Priority.NORMAL);
  }
}
