package io.scripttask.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.Cron;
import io.scripttask.scheduler.DailyTrigger;
import io.scripttask.scheduler.DstPolicy;
import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.IntervalTrigger;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.MaintenanceWindow;
import io.scripttask.scheduler.MisfirePolicy;
import io.scripttask.scheduler.MonthlyTrigger;
import io.scripttask.scheduler.NotificationRule;
import io.scripttask.scheduler.OutputPolicy;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Priority;
import io.scripttask.scheduler.Retry;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.ScheduleState;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Shell;
import io.scripttask.scheduler.SkipReason;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.TriggeredBy;
import io.scripttask.scheduler.WaitReason;
import io.scripttask.scheduler.WeeklyTrigger;
import io.scripttask.scheduler.WindowPolicy;
import io.scripttask.scheduler.WindowScope;
import io.scripttask.scheduler.spi.CapturedOutput;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every model type the JDBC store keeps as JSON comes back equal, field by field. */
class JsonTest {

  private static final Instant T0 = Instant.parse("2025-01-06T00:00:00Z");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  static Stream<Trigger> triggers() {
    return Stream.of(
        Trigger.cron("0 2 * * *", NEW_YORK),
        Trigger.cron("*/5 * * * * *", ZoneId.of("UTC")),
        Trigger.cron("0 0 12 ? * MON-FRI 2030", ZoneOffset.UTC),
        Trigger.cron("0 15 10 L * ?", ZoneId.of("Europe/Berlin")),
        Trigger.cron("@weekly", ZoneOffset.ofHours(5)),
        Trigger.cron(Cron.parse("30 2 * * *").withDstPolicy(DstPolicy.SKIP), NEW_YORK),
        Trigger.cron(Cron.parse("0 9 * * 1", Cron.Dialect.UNIX), NEW_YORK),
        Trigger.once(T0.plusNanos(123_456_789), NEW_YORK),
        Trigger.once(Instant.parse("+100000-01-01T00:00:00Z"), ZoneOffset.UTC),
        Trigger.daily(LocalTime.of(2, 30), NEW_YORK),
        new DailyTrigger(LocalTime.of(2, 30, 15), NEW_YORK, DstPolicy.SKIP),
        Trigger.weekly(
            EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.MIDNIGHT, NEW_YORK),
        new WeeklyTrigger(Set.of(DayOfWeek.SUNDAY), LocalTime.NOON, NEW_YORK, DstPolicy.SKIP),
        Trigger.monthly(31, LocalTime.of(23, 59, 59), NEW_YORK),
        new MonthlyTrigger(1, LocalTime.of(1, 0), NEW_YORK, DstPolicy.SKIP),
        Trigger.every(Duration.ofMinutes(90), T0.plusNanos(1), NEW_YORK),
        new IntervalTrigger(Duration.ofSeconds(1), Instant.EPOCH, ZoneId.of("UTC")),
        Trigger.afterCompletionOf("upstream"),
        Trigger.afterCompletionOf(
            "upstream",
            EnumSet.of(JobStatus.FAILED, JobStatus.TIMED_OUT),
            Duration.ofSeconds(30, 5),
            NEW_YORK));
  }

  @ParameterizedTest
  @MethodSource("triggers")
  void everyTriggerKindComesBackEqual(Trigger trigger) {
    Trigger back = Json.trigger(Json.trigger(trigger));
    assertThat(back).isEqualTo(trigger).hasSameClassAs(trigger);
    assertThat(back.zone()).isEqualTo(trigger.zone());
    assertThat(back.next(T0)).isEqualTo(trigger.next(T0));
  }

  @Test
  void aZoneOffsetAndARegionNamedUtcStayDistinct() {
    Trigger offset = Trigger.cron("0 2 * * *", ZoneOffset.UTC);
    Trigger region = Trigger.cron("0 2 * * *", ZoneId.of("UTC"));
    assertThat(Json.trigger(Json.trigger(offset)).zone()).isEqualTo(ZoneOffset.UTC);
    assertThat(Json.trigger(Json.trigger(region)).zone()).isEqualTo(ZoneId.of("UTC"));
  }

  @Test
  void aScheduleWithEveryFieldSetComesBackEqual() {
    ScheduleSpec spec =
        ScheduleSpec.named("daily-security-scan")
            .trigger(Trigger.cron("0 2 * * *", NEW_YORK))
            .script("scan")
            .target(
                Target.groups("web", "db")
                    .andNodes("n1", "n2")
                    .andTags("linux", "prod")
                    .and(Target.tags("edge")))
            .priority(Priority.HIGH)
            .limits(Limits.perNode(1).perGroup(10).perSchedule(3).global(50))
            .misfire(MisfirePolicy.RUN_ALL)
            .misfireThreshold(Duration.ofSeconds(90, 7))
            .maxCatchUp(25)
            .jitter(Duration.ofNanos(300_000_000_001L))
            .timeout(Duration.ofMinutes(10))
            .killOnTimeout(false)
            .retry(new Retry(4, Duration.ofSeconds(30), 1.7, Duration.ofMinutes(20), 0.25))
            .maxConsecutiveFailures(5)
            .overlap(OverlapPolicy.QUEUE)
            .windowPolicy(WindowPolicy.SKIP)
            .output(new OutputPolicy(false, 1024))
            .notify(
                NotificationRule.on(
                    "ops-slack", NotificationRule.Event.JOB_FAILED, NotificationRule.Event.MISFIRE))
            .notify(NotificationRule.on("mail", NotificationRule.Event.SCHEDULE_AUTO_PAUSED))
            .dependsOn("backup", "inventory")
            .enabled(false)
            .description("Scans \"everything\"\nnightly \u2014 \ud83d\udd12")
            .tags("security", "nightly")
            .offlineHold(Duration.ofHours(2))
            .build();
    Schedule s =
        new Schedule(
            "daily-security-scan",
            spec,
            ScheduleState.AUTO_PAUSED,
            T0.plusNanos(5),
            T0.minusSeconds(86_400),
            3,
            42,
            T0.minusSeconds(1_000_000),
            T0.plusNanos(999),
            "alice",
            "scheduler");
    Schedule back =
        Json.schedule(
            s.id(),
            s.state(),
            s.nextFireTime(),
            s.lastFireTime(),
            s.version(),
            Json.scheduleDoc(s));
    assertThat(back).isEqualTo(s);
    assertThat(back.spec().notifications()).isEqualTo(spec.notifications());
    assertThat(back.spec().target().allNodes()).isFalse();
  }

  @Test
  void aScheduleWithDefaultsAllNodesAndNoTimeoutComesBackEqual() {
    ScheduleSpec spec =
        ScheduleSpec.named("plain").cron("* * * * *").script("s").target(Target.all()).build();
    Schedule s = Schedule.create(spec, null, T0, "bob");
    assertThat(Json.schedule("plain", s.state(), null, null, 0, Json.scheduleDoc(s))).isEqualTo(s);
  }

  @Test
  void aJobWithEveryFieldSetComesBackEqualInEveryStatus() {
    Job queued =
        Job.builder("j1", "sched", new FireKey("sched", T0.plusNanos(1), "node-1"))
            .script("scan", "abc123")
            .groups(List.of("web", "db"))
            .priority(Priority.CRITICAL)
            .dueAt(T0.plusNanos(2))
            .sequence(77)
            .maxAttempts(5)
            .attempt(3)
            .detail("retrying")
            .exitCode(-9)
            .stdout(new CapturedOutput("head\n...\ntail \u00e9\ud83d\ude00", true, 1L << 40))
            .stderr(new CapturedOutput("", false, 0))
            .createdAt(T0)
            .nextAttemptAt(T0.plusSeconds(60))
            .triggeredBy(new TriggeredBy(TriggeredBy.Kind.DEPENDENCY, "job-0"))
            .fencingToken(12)
            .version(9)
            .build();
    Job running = queued.running(T0.plusNanos(3), "instance-a", 13);
    Job waiting = queued.waiting(WaitReason.GROUP_LIMIT, "group web runs 10 (limit 10)");
    Job skipped = waiting.skipped(SkipReason.NODE_QUARANTINED, null, T0.plusSeconds(5));
    Job finished =
        running.finished(
            JobStatus.TIMED_OUT, null, CapturedOutput.EMPTY, new CapturedOutput("x", false, 1), T0);
    Job adHoc =
        Job.builder("h1", null, FireKey.adHoc("h1", T0, "n1"))
            .script("s", "h")
            .triggeredBy(TriggeredBy.user("bob"))
            .build();
    for (Job j : List.of(queued, running, waiting, skipped, finished, adHoc)) {
      assertThat(Json.job(Json.jobDoc(j), j.version())).isEqualTo(j);
    }
  }

  @Test
  void aJobDocumentInTheStoredFormIsReadFieldByFieldAndUnknownFieldsAreSkipped() {
    // the form the store has written since format 1, with a field this code does not know
    String doc =
        "{\"v\":1,\"id\":\"j1\",\"scheduleId\":\"s\",\"fireKey\":{\"scheduleId\":\"s\","
            + "\"fireTime\":\"2025-01-06T00:00:00.000000001Z\",\"nodeId\":\"n1\"},"
            + "\"groups\":[\"db\",\"web\"],\"scriptId\":\"scan\",\"scriptHash\":\"abc\","
            + "\"priority\":\"HIGH\",\"dueAt\":\"2025-01-06T00:00:01Z\",\"sequence\":7,"
            + "\"attempt\":2,\"maxAttempts\":3,\"status\":\"FAILED\",\"waitReason\":null,"
            + "\"skipReason\":null,\"detail\":\"exit 3\",\"exitCode\":3,"
            + "\"stdout\":{\"text\":\"out\",\"truncated\":false,\"totalBytes\":3},"
            + "\"stderr\":{\"text\":\"\",\"truncated\":false,\"totalBytes\":0},"
            + "\"future\":{\"nested\":[1,{\"x\":2}]},"
            + "\"createdAt\":\"2025-01-06T00:00:00Z\",\"startedAt\":\"2025-01-06T00:00:02.5Z\","
            + "\"finishedAt\":\"2025-01-06T00:00:03.250Z\",\"nextAttemptAt\":null,"
            + "\"triggeredBy\":{\"kind\":\"SCHEDULE\",\"actor\":\"s\"},\"owner\":\"a\","
            + "\"fencingToken\":11}";
    Job j = Json.job(doc, 4);
    assertThat(j.id()).isEqualTo("j1");
    assertThat(j.fireKey()).isEqualTo(new FireKey("s", T0.plusNanos(1), "n1"));
    assertThat(j.groups()).containsExactly("db", "web");
    assertThat(j.priority()).isEqualTo(Priority.HIGH);
    assertThat(j.status()).isEqualTo(JobStatus.FAILED);
    assertThat(j.exitCode()).isEqualTo(3);
    assertThat(j.stdout()).isEqualTo(new CapturedOutput("out", false, 3));
    assertThat(j.stderr()).isSameAs(CapturedOutput.EMPTY);
    assertThat(j.startedAt()).isEqualTo(T0.plusMillis(2500));
    assertThat(j.finishedAt()).isEqualTo(T0.plusMillis(3250));
    assertThat(j.nextAttemptAt()).isNull();
    assertThat(j.owner()).isEqualTo("a");
    assertThat(j.fencingToken()).isEqualTo(11);
    assertThat(j.version()).isEqualTo(4);
    // and written back, it is the same document (less the unknown field)
    assertThat(Json.jobDoc(j))
        .isEqualTo(
            doc.replace("\"future\":{\"nested\":[1,{\"x\":2}]},", "")
                .replace("00:00:02.5Z", "00:00:02.500Z"));
  }

  @Test
  void aJobDocumentLackingAFieldNamesTheFieldAndACorruptOneIsNotQuoted() {
    Job j =
        Job.builder("h1", null, FireKey.adHoc("h1", T0, "n1"))
            .script("s", "h")
            .triggeredBy(TriggeredBy.user("bob"))
            .build();
    String doc = Json.jobDoc(j);
    assertThatThrownBy(() -> Json.job(doc.replace("\"scriptHash\":\"h\",", ""), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "stored job document must have the field 'scriptHash', but it was missing or null");
    assertThatThrownBy(() -> Json.job(doc.replace("\"nodeId\":\"n1\"", "\"x\":1"), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'fireKey.nodeId'");
    assertThatThrownBy(() -> Json.job(doc.replace("\"v\":1", "\"v\":2"), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("stored job document format must be 1, but was 2");
    assertThatThrownBy(() -> Json.job("{\"v\":1,\"detail\":\"top-secret\" oops", 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("stored job document must be JSON, but was not")
        .message()
        .doesNotContain("top-secret");
    assertThatThrownBy(() -> Json.job("[1]", 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("stored job document must hold {");
  }

  @Test
  void windowsAndScriptsComeBackEqual() {
    MaintenanceWindow full =
        MaintenanceWindow.builder("w1")
            .name("Patch Tuesday")
            .cron(Cron.parse("0 22 ? * TUE#2").withDstPolicy(DstPolicy.SKIP))
            .zone(NEW_YORK)
            .duration(Duration.ofHours(3).plusNanos(1))
            .kind(MaintenanceWindow.Kind.ALLOW)
            .allowedPriorities(Priority.CRITICAL, Priority.HIGH)
            .scope(WindowScope.groups("web", "db"))
            .enabled(false)
            .build();
    MaintenanceWindow plain =
        MaintenanceWindow.builder("w2")
            .cron("0 1 * * *")
            .zone(ZoneOffset.UTC)
            .duration(Duration.ofMinutes(30))
            .scope(WindowScope.nodes("n1"))
            .build();
    MaintenanceWindow global =
        MaintenanceWindow.builder("w3")
            .cron("@daily")
            .zone(NEW_YORK)
            .duration(Duration.ofHours(1))
            .build();
    for (MaintenanceWindow w : List.of(full, plain, global)) {
      assertThat(Json.window(Json.windowDoc(w))).isEqualTo(w);
    }
    Script content =
        Script.builder("deploy")
            .name("Deploy")
            .shell(Shell.POWERSHELL)
            .content("Write-Host \"hi\"\r\n$x = 'a'")
            .defaultTimeout(Duration.ofSeconds(90, 1))
            .build();
    Script commands =
        Script.builder("steps")
            .commands("apt-get update", "apt-get -y upgrade")
            .stopOnFailure(false)
            .build();
    for (Script s : List.of(content, commands)) {
      assertThat(Json.script(Json.scriptDoc(s))).isEqualTo(s);
    }
  }

  @Test
  void aCorruptDocumentIsReportedWithoutQuotingIt() {
    assertThatThrownBy(() -> Json.script("{\"v\":1, \"content\": \"top-secret\" oops"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("stored script document must be JSON, but was not")
        .message()
        .doesNotContain("top-secret");
    assertThatThrownBy(() -> Json.script("{\"v\":2}"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("stored script document format must be 1, but was 2");
  }
}
