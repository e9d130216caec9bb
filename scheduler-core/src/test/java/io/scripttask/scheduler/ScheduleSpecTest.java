package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.core.IntervalFunction;
import io.scripttask.scheduler.spi.CapturedOutput;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ScheduleSpecTest {

  private static final Script SCAN =
      Script.builder("scan").content("run-scan").defaultTimeout(Duration.ofMinutes(3)).build();
  private static final ZoneId NY = ZoneId.of("America/New_York");

  private static ScheduleSpec.Builder minimal() {
    return ScheduleSpec.named("s").cron("0 2 * * *").script(SCAN).target(Target.nodes("n1"));
  }

  private static void rejects(UnaryOperator<ScheduleSpec.Builder> change, String message) {
    assertThatThrownBy(() -> change.apply(minimal()).build())
        .isInstanceOf(ValidationException.class)
        .hasMessage(message);
  }

  @Test
  void styleExampleBuildsWithTheGivenValues() {
    ScheduleSpec spec =
        ScheduleSpec.named("daily-security-scan")
            .cron("0 2 * * *")
            .zone(NY)
            .script(SCAN)
            .target(Target.groups("web").andNodes("db-1"))
            .priority(Priority.HIGH)
            .limits(Limits.perNode(1).perGroup(10).global(50))
            .misfire(MisfirePolicy.RUN_ONCE)
            .jitter(Duration.ofMinutes(5))
            .timeout(Duration.ofMinutes(10))
            .retry(Retry.exponential(3, Duration.ofSeconds(30)))
            .build();
    assertThat(spec.name()).isEqualTo("daily-security-scan");
    assertThat(spec.trigger()).isEqualTo(Trigger.cron("0 2 * * *", NY));
    assertThat(spec.trigger().next(Instant.parse("2025-01-06T00:00:00Z")))
        .contains(Instant.parse("2025-01-06T07:00:00Z"));
    assertThat(spec.scriptId()).isEqualTo("scan");
    assertThat(spec.target()).isEqualTo(Target.groups("web").andNodes("db-1"));
    assertThat(spec.priority()).isEqualTo(Priority.HIGH);
    assertThat(spec.limits()).isEqualTo(new Limits(1, 10, Limits.UNLIMITED, 50));
    assertThat(spec.misfire()).isEqualTo(MisfirePolicy.RUN_ONCE);
    assertThat(spec.jitter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(spec.effectiveTimeout(SCAN)).isEqualTo(Duration.ofMinutes(10));
    assertThat(spec.retry().maxAttempts()).isEqualTo(3);
    assertThat(spec.retry().initialInterval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void unsetFieldsGetTheDocumentedDefaults() {
    ScheduleSpec spec = minimal().build();
    assertThat(spec.trigger().zone()).isEqualTo(ScheduleSpec.DEFAULT_ZONE);
    assertThat(spec.priority()).isEqualTo(Priority.NORMAL);
    assertThat(spec.limits()).isEqualTo(Limits.NONE);
    assertThat(spec.misfire()).isEqualTo(MisfirePolicy.RUN_ONCE);
    assertThat(spec.misfireThreshold()).isEqualTo(Duration.ofMinutes(1));
    assertThat(spec.maxCatchUp()).isEqualTo(10);
    assertThat(spec.jitter()).isEqualTo(Duration.ZERO);
    assertThat(spec.timeout()).isNull();
    assertThat(spec.timeoutOverride()).isEmpty();
    assertThat(spec.effectiveTimeout(SCAN)).isEqualTo(Duration.ofMinutes(3));
    assertThat(spec.killOnTimeout()).isTrue();
    assertThat(spec.retry()).isEqualTo(Retry.none());
    assertThat(spec.retry().retries()).isFalse();
    assertThat(spec.maxConsecutiveFailures()).isZero();
    assertThat(spec.overlap()).isEqualTo(OverlapPolicy.SKIP);
    assertThat(spec.windowPolicy()).isEqualTo(WindowPolicy.HOLD);
    assertThat(spec.output()).isEqualTo(OutputPolicy.DEFAULT);
    assertThat(spec.notifications()).isEmpty();
    assertThat(spec.dependsOn()).isEmpty();
    assertThat(spec.enabled()).isTrue();
    assertThat(spec.description()).isNull();
    assertThat(spec.tags()).isEmpty();
    assertThat(spec.offlineHold()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void everyOptionIsKeptAndToBuilderRoundTrips() {
    ScheduleSpec spec =
        minimal()
            .misfire(MisfirePolicy.RUN_ALL)
            .misfireThreshold(Duration.ofSeconds(30))
            .maxCatchUp(3)
            .killOnTimeout(false)
            .maxConsecutiveFailures(5)
            .overlap(OverlapPolicy.QUEUE)
            .windowPolicy(WindowPolicy.SKIP)
            .output(OutputPolicy.DISCARD)
            .notify(NotificationRule.on("ops-slack", NotificationRule.Event.JOB_FAILED))
            .dependsOn("backup", "patch")
            .enabled(false)
            .description("nightly")
            .tags("security", "nightly")
            .offlineHold(Duration.ofMinutes(30))
            .build();
    assertThat(spec.toBuilder().build()).isEqualTo(spec);
    assertThat(spec.dependsOn()).containsExactly("backup", "patch");
    assertThat(spec.tags()).containsExactly("nightly", "security");
    assertThat(spec.notifications().get(0).matches(NotificationRule.Event.JOB_FAILED)).isTrue();
    assertThat(spec.toBuilder().priority(Priority.LOW).build().priority()).isEqualTo(Priority.LOW);
    assertThat(Schedule.create(spec, null, Instant.EPOCH, "alice").state())
        .isEqualTo(ScheduleState.PAUSED);
  }

  @Test
  void aTriggerCanBeGivenInsteadOfCron() {
    Trigger once = Trigger.once(Instant.parse("2025-03-01T10:00:00Z"), NY);
    ScheduleSpec spec =
        ScheduleSpec.named("once")
            .trigger(once)
            .zone(NY)
            .script("scan")
            .target(Target.all())
            .build();
    assertThat(spec.trigger()).isEqualTo(once);
    assertThat(spec.scriptId()).isEqualTo("scan");
  }

  @Test
  void buildNamesTheFieldTheRuleAndTheValue() {
    rejects(
        b -> ScheduleSpec.named(" ").cron("* * * * *").script(SCAN).target(Target.all()),
        "name must not be blank, but was \" \"");
    rejects(
        b -> ScheduleSpec.named("adhoc:x").cron("* * * * *").script(SCAN).target(Target.all()),
        "name must not start with \"adhoc:\", but was \"adhoc:x\"");
    rejects(
        b -> b.misfireThreshold(Duration.ofSeconds(-1)),
        "misfireThreshold must not be negative, but was PT-1S");
    rejects(b -> b.maxCatchUp(0), "maxCatchUp must be 1-10000, but was 0");
    rejects(b -> b.jitter(Duration.ofMinutes(-5)), "jitter must not be negative, but was PT-5M");
    rejects(b -> b.timeout(Duration.ZERO), "timeout must be positive, but was PT0S");
    rejects(
        b -> b.maxConsecutiveFailures(-1),
        "maxConsecutiveFailures must be at least 0 (0 for never), but was -1");
    rejects(
        b -> b.offlineHold(Duration.ofSeconds(-2)),
        "offlineHold must not be negative, but was PT-2S");
    rejects(b -> b.dependsOn("s"), "dependsOn must not contain the schedule itself, but was \"s\"");
    rejects(b -> b.dependsOn(""), "dependsOn must not contain a blank value, but was \"\"");
    rejects(b -> b.tags(" "), "tags must not contain a blank value, but was \" \"");
    rejects(
        b -> b.trigger(Trigger.once(Instant.EPOCH, NY)),
        "trigger must not be given together with cron, but was once at 1969-12-31T19:00-05:00"
            + "[America/New_York]");
    rejects(
        b -> ScheduleSpec.named("s").script(SCAN).target(Target.all()),
        "trigger must be given (or a cron expression), but was null");
    rejects(
        b -> ScheduleSpec.named("s").cron("* * * * *").target(Target.all()),
        "scriptId must be given, but was null");
    rejects(
        b -> ScheduleSpec.named("s").cron("* * * * *").script(SCAN),
        "target must be given, but was null");
    rejects(
        b ->
            ScheduleSpec.named("s")
                .trigger(Trigger.once(Instant.EPOCH, NY))
                .zone(ZoneId.of("UTC"))
                .script(SCAN)
                .target(Target.all()),
        "zone must equal the trigger's zone America/New_York, but was UTC");
  }

  @Test
  void badCronFailsWhenGiven() {
    assertThatThrownBy(() -> ScheduleSpec.named("s").cron("0 24 * * *"))
        .isInstanceOf(InvalidCronExpressionException.class)
        .hasMessageContaining("hour");
  }

  @Test
  void limitsRetryAndRulesValidateTheirValues() {
    assertThat(Limits.perNode(1).perSchedule(4)).isEqualTo(new Limits(1, 0, 4, 0));
    assertThat(Limits.admits(Limits.UNLIMITED, 1_000)).isTrue();
    assertThat(Limits.admits(2, 1)).isTrue();
    assertThat(Limits.admits(2, 2)).isFalse();
    assertThatThrownBy(() -> Limits.perNode(-1))
        .hasMessage("perNode must be positive, or 0 for unlimited, but was -1");
    assertThatThrownBy(() -> Retry.exponential(0, Duration.ofSeconds(1)))
        .hasMessage("maxAttempts must be 1-100, but was 0");
    assertThatThrownBy(() -> Retry.exponential(3, Duration.ZERO))
        .hasMessage("initialInterval must be positive, but was PT0S");
    assertThatThrownBy(() -> Retry.exponential(3, Duration.ofSeconds(1)).withJitter(1.0))
        .hasMessage("jitterFactor must be in [0, 1), but was 1.0");
    assertThatThrownBy(() -> NotificationRule.on(" ", NotificationRule.Event.JOB_FAILED))
        .hasMessage("channel must not be blank, but was \" \"");
    assertThatThrownBy(() -> NotificationRule.on("ops"))
        .hasMessage("events must not be empty, but was []");
  }

  @Test
  void retryDelaysGrowExponentiallyUpToTheCapAndJitterStaysInBounds() {
    Retry retry = Retry.exponential(10, Duration.ofSeconds(30));
    assertThat(retry.delayBefore(2, 0.5)).isEqualTo(Duration.ofSeconds(30));
    assertThat(retry.delayBefore(3, 0.5)).isEqualTo(Duration.ofSeconds(60));
    assertThat(retry.delayBefore(4, 0.5)).isEqualTo(Duration.ofSeconds(120));
    assertThat(retry.delayBefore(10, 0.5)).isEqualTo(Duration.ofHours(1));
    Retry jittered = retry.withJitter(0.5);
    assertThat(jittered.delayBefore(2, 0.0)).isEqualTo(Duration.ofSeconds(15));
    assertThat(jittered.delayBefore(2, 0.5)).isEqualTo(Duration.ofSeconds(30));
    assertThat(jittered.delayBefore(2, 0.999))
        .isBetween(Duration.ofSeconds(44), Duration.ofSeconds(45));
    assertThatThrownBy(() -> retry.delayBefore(1, 0.5))
        .hasMessage("attempt must be 2-10, but was 1");
  }

  @Test
  void retryBackoffIsResilience4jsExponentialIntervalFunction() {
    Retry retry = new Retry(6, Duration.ofMillis(250), 1.5, Duration.ofSeconds(1), 0.0);
    IntervalFunction reference =
        IntervalFunction.ofExponentialBackoff(Duration.ofMillis(250), 1.5, Duration.ofSeconds(1));
    for (int attempt = 2; attempt <= 6; attempt++) {
      assertThat(retry.delayBefore(attempt, 0.5))
          .isEqualTo(Duration.ofMillis(reference.apply(attempt - 1)));
    }
    assertThatThrownBy(() -> new Retry(3, Duration.ofNanos(500_000), 2.0, Duration.ofSeconds(1), 0))
        .hasMessage(
            "initialInterval must be at least 1 ms when retries are allowed, but was PT0.0005S");
  }

  @Test
  void jobToStringNeverShowsOutputText() {
    Job job =
        Job.builder("j1", "s", new FireKey("s", Instant.EPOCH, "n1"))
            .script(SCAN)
            .build()
            .running(Instant.EPOCH, "inst", 1)
            .finished(
                JobStatus.FAILED,
                1,
                new CapturedOutput("password=hunter2", false, 16),
                new CapturedOutput("boom", false, 4),
                Instant.EPOCH.plusSeconds(1));
    assertThat(job.toString())
        .doesNotContain("hunter2")
        .doesNotContain("boom")
        .contains("stdout=16 bytes")
        .contains("status=FAILED");
  }

  @Test
  void jobRejectsInconsistentStatusFields() {
    Job.Builder b = Job.builder("j1", "s", new FireKey("s", Instant.EPOCH, "n1")).script(SCAN);
    assertThatThrownBy(() -> b.status(JobStatus.SUCCEEDED).build())
        .hasMessage(
            "finishedAt must be set exactly when the status is final (status SUCCEEDED), but was"
                + " null");
    assertThatThrownBy(() -> b.status(JobStatus.WAITING).build())
        .hasMessageStartingWith("waitReason must be set exactly when the status is WAITING");
    assertThatThrownBy(
            () ->
                Job.builder("j1", "other", new FireKey("s", Instant.EPOCH, "n1"))
                    .script(SCAN)
                    .build())
        .hasMessage("scheduleId must equal the fire key's schedule id s, but was other");
    assertThatThrownBy(
            () ->
                Job.builder("j1", null, FireKey.adHoc("j2", Instant.EPOCH, "n1"))
                    .script(SCAN)
                    .triggeredBy(TriggeredBy.user("bob"))
                    .build())
        .hasMessageStartingWith("fireKey must be FireKey.adHoc(\"j1\", ...) for an ad-hoc job");
    assertThatThrownBy(() -> b.status(JobStatus.QUEUED).attempt(2).build())
        .hasMessage("attempt must be 1-1 (maxAttempts), but was 2");
  }

  @Test
  void specsWithTheSameCronTextShareOneParsedTriggerAndKeepSortedSets() {
    ScheduleSpec a =
        ScheduleSpec.named("a")
            .cron("17 3 * * *")
            .script("s")
            .target(Target.nodes("n1"))
            .dependsOn("z", "b", "m")
            .tags("y", "x")
            .build();
    ScheduleSpec b =
        ScheduleSpec.named("b").cron("17 3 * * *").script("s").target(Target.groups("g")).build();
    ScheduleSpec c =
        ScheduleSpec.named("c")
            .cron("17 3 * * *")
            .zone(ZoneId.of("Europe/Paris"))
            .script("s")
            .target(Target.nodes("n1"))
            .build();

    assertThat(a.trigger()).isSameAs(b.trigger());
    assertThat(((CronTrigger) a.trigger()).cron()).isSameAs(((CronTrigger) c.trigger()).cron());
    assertThat(c.trigger()).isNotEqualTo(a.trigger());
    assertThat(c.trigger().zone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(a.dependsOn()).containsExactly("b", "m", "z");
    assertThat(a.tags()).containsExactly("x", "y");
    assertThat(b.dependsOn()).isEmpty();
    assertThat(b.tags()).isEmpty();
    Target t = Target.nodes("n3", "n1", "n2").andGroups("g2", "g1");
    assertThat(t.nodeIds()).containsExactly("n1", "n2", "n3");
    assertThat(t.groupIds()).containsExactly("g1", "g2");
    assertThat(t.tagSelectors()).isEmpty();
    assertThat(t).isEqualTo(Target.nodes("n1", "n2", "n3").andGroups("g1", "g2"));
  }
}
