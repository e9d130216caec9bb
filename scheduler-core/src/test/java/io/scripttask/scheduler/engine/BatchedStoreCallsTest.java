package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.ClusterFixture.intercepted;
import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.SkipReason;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.spi.ClaimRequest;
import io.scripttask.scheduler.spi.FireRequest;
import io.scripttask.scheduler.spi.TransitionRequest;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The engine fires, claims and records results in batches ({@code fireAll}, {@code claimAll},
 * {@code transitionAll}): one store call per batch, the same outcome as one call per job, and when
 * a batch fails halfway (a database connection drops after some of it was applied) every job still
 * runs once and is reported once.
 */
class BatchedStoreCallsTest {

  private final InMemorySchedulerStore real = new InMemorySchedulerStore();
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

  private EngineFixture fixture(ClusterFixture.Interceptor interceptor) {
    return new EngineFixture(
        intercepted(
            real,
            (method, args, call) -> {
              calls.add(method.getName());
              return interceptor.around(method, args, call);
            }),
        new InMemoryNodeDirectory(),
        b -> {});
  }

  private static void onceOnEachOf(EngineFixture f, int schedules, int nodes) {
    for (int n = 1; n <= nodes; n++) {
      f.node("n" + n);
    }
    f.script("s");
    f.transport.script("s", Outcome.succeed(Duration.ofSeconds(5)));
    for (int i = 0; i < schedules; i++) {
      f.scheduler
          .schedules()
          .create(
              ScheduleSpec.named("s" + i)
                  .trigger(Trigger.once(T0.plusSeconds(10), ZoneOffset.UTC))
                  .script("s")
                  .target(Target.nodes("n" + (i % nodes + 1)))
                  .build(),
              "t");
    }
  }

  private static <E extends SchedulerEvent> Map<String, Long> perJob(
      EngineFixture f, Class<E> type, Function<E, Job> job) {
    return f.events(type).stream()
        .collect(Collectors.groupingBy(e -> job.apply(e).id(), Collectors.counting()));
  }

  private static void assertEachJobRanAndWasReportedOnce(EngineFixture f, int jobs) {
    assertThat(f.jobs()).hasSize(jobs);
    assertThat(f.jobs(JobStatus.SUCCEEDED)).hasSize(jobs);
    assertThat(perJob(f, SchedulerEvent.JobQueued.class, SchedulerEvent.JobQueued::job))
        .hasSize(jobs)
        .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(perJob(f, SchedulerEvent.JobStarted.class, SchedulerEvent.JobStarted::job))
        .hasSize(jobs)
        .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(perJob(f, SchedulerEvent.JobFinished.class, SchedulerEvent.JobFinished::job))
        .hasSize(jobs)
        .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(f.transport.runs()).hasSize(jobs);
  }

  @Test
  void dueSchedulesAreFiredClaimedAndRecordedInBatchesNotOneStoreCallPerJob() {
    EngineFixture f = fixture((method, args, call) -> call.proceed());
    onceOnEachOf(f, 300, 10);
    calls.clear();

    f.driver.advanceTo(T0.plusSeconds(20));

    assertEachJobRanAndWasReportedOnce(f, 300);
    assertThat(calls).doesNotContain("fire", "claim", "nextSequence");
    // 300 due schedules: two fire batches (at most 256 each); claims (at most 256 a batch) and
    // results in batches too
    assertThat(calls.stream().filter("fireAll"::equals)).hasSize(2);
    assertThat(calls.stream().filter("claimAll"::equals).count()).isBetween(2L, 300L / 2);
    assertThat(calls.stream().filter("transitionAll"::equals).count()).isBetween(1L, 10L);
    // the schedules of a page of ready jobs are read with one call; and as none of them had a run
    // going, no job needed a store query for its overlap check (overlap SKIP, the default)
    assertThat(calls).contains("getAll").doesNotContain("earliestUnfinished");
    assertThat(calls.stream().filter("get"::equals).count()).isLessThan(10L);
  }

  @Test
  void aJobWhoseScheduleStillRunsOnItsNodeIsCheckedInTheStoreAndSkipped() {
    EngineFixture f = fixture((method, args, call) -> call.proceed());
    f.node("n1");
    f.node("n2");
    f.script("s");
    f.script("quick");
    f.transport.script("s", Outcome.succeed(Duration.ofSeconds(90)));
    f.transport.script("quick", Outcome.succeed(Duration.ofSeconds(1)));
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("slow")
                .cron("* * * * *")
                .script("s")
                .target(Target.nodes("n1"))
                .build(),
            "t");
    // another schedule on the other node: its runs never overlap, so its jobs need no query
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("fast")
                .cron("* * * * *")
                .script("quick")
                .target(Target.nodes("n2"))
                .build(),
            "t");
    calls.clear();

    f.driver.advanceTo(T0.plusSeconds(140));

    // the run fired at 1:00 goes on until 2:30; the fire at 2:00 finds it running on n1
    assertThat(f.jobs())
        .filteredOn(j -> "slow".equals(j.scheduleId()))
        .extracting(Job::status)
        .containsExactlyInAnyOrder(JobStatus.RUNNING, JobStatus.SKIPPED);
    assertThat(f.jobs(JobStatus.SKIPPED))
        .singleElement()
        .satisfies(j -> assertThat(j.skipReason()).isEqualTo(SkipReason.OVERLAP));
    assertThat(f.jobs())
        .filteredOn(j -> "fast".equals(j.scheduleId()))
        .extracting(Job::status)
        .containsOnly(JobStatus.SUCCEEDED)
        .hasSize(2);
    assertThat(calls.stream().filter("earliestUnfinished"::equals)).hasSize(1);
  }

  @Test
  void aFireBatchThatFailsHalfwayIsFiredScheduleByScheduleAndEachJobIsQueuedOnce() {
    AtomicBoolean fail = new AtomicBoolean(true);
    EngineFixture f =
        fixture(
            (method, args, call) -> {
              if (method.getName().equals("fireAll") && fail.getAndSet(false)) {
                // the connection drops after the first fire of the batch was committed
                FireRequest first = (FireRequest) ((List<?>) args[0]).get(0);
                real.fire(
                    first.scheduleId(),
                    first.expectedNextFire(),
                    first.newNextFire(),
                    first.jobs());
                throw new IllegalStateException("connection reset");
              }
              return call.proceed();
            });
    onceOnEachOf(f, 20, 4);

    f.driver.advanceTo(T0.plusSeconds(20));

    assertThat(fail).isFalse();
    assertThat(calls.stream().filter("fire"::equals)).hasSize(20);
    assertEachJobRanAndWasReportedOnce(f, 20);
  }

  @Test
  void aClaimBatchThatFailsHalfwayRunsTheJobItClaimedAndClaimsTheOthersOnTheirOwn() {
    AtomicBoolean fail = new AtomicBoolean(true);
    EngineFixture f =
        fixture(
            (method, args, call) -> {
              List<?> batch = method.getName().equals("claimAll") ? (List<?>) args[0] : List.of();
              if (batch.size() > 1 && fail.getAndSet(false)) {
                ClaimRequest first = (ClaimRequest) batch.get(0);
                real.claim(
                    first.running(),
                    first.expectedStatus(),
                    first.expectedVersion(),
                    first.limits());
                throw new IllegalStateException("connection reset");
              }
              return call.proceed();
            });
    onceOnEachOf(f, 20, 20);

    f.driver.advanceTo(T0.plusSeconds(20));

    assertThat(fail).isFalse();
    assertThat(calls).contains("claim");
    assertEachJobRanAndWasReportedOnce(f, 20);
    assertThat(f.jobs(JobStatus.RUNNING)).isEmpty();
  }

  @Test
  void aClaimStoredWhoseReplyWasLostIsReleasedOnTheNextPassAndTheJobRunsOnce() {
    AtomicBoolean batchFails = new AtomicBoolean(true);
    AtomicBoolean replyLost = new AtomicBoolean(true);
    EngineFixture f =
        fixture(
            (method, args, call) -> {
              if (method.getName().equals("claimAll") && batchFails.getAndSet(false)) {
                throw new IllegalStateException("connection reset");
              }
              if (method.getName().equals("claim") && replyLost.getAndSet(false)) {
                // the claim is committed, then the connection drops before the reply arrives
                call.proceed();
                throw new IllegalStateException("connection reset");
              }
              return call.proceed();
            });
    onceOnEachOf(f, 1, 1);

    f.driver.advanceTo(T0.plusSeconds(10));
    // the store holds the claim, but no transport was asked to run the job
    assertThat(replyLost).isFalse();
    assertThat(f.jobs(JobStatus.RUNNING)).singleElement();
    assertThat(f.transport.runs()).isEmpty();
    assertThat(f.events(SchedulerEvent.JobStarted.class)).isEmpty();

    f.driver.advanceTo(T0.plusSeconds(30));

    assertEachJobRanAndWasReportedOnce(f, 1);
    assertThat(f.jobs(JobStatus.RUNNING)).isEmpty();
  }

  @Test
  void aClaimTheStoreNeverAppliedLeavesTheJobToTheNextPass() {
    AtomicBoolean fail = new AtomicBoolean(true);
    EngineFixture f =
        fixture(
            (method, args, call) -> {
              String name = method.getName();
              if ((name.equals("claimAll") || name.equals("claim")) && fail.get()) {
                throw new IllegalStateException("database down");
              }
              return call.proceed();
            });
    onceOnEachOf(f, 3, 3);

    f.driver.advanceTo(T0.plusSeconds(10));
    assertThat(f.jobs(JobStatus.QUEUED)).hasSize(3);
    assertThat(f.transport.runs()).isEmpty();

    fail.set(false);
    f.driver.advanceTo(T0.plusSeconds(30));

    assertEachJobRanAndWasReportedOnce(f, 3);
  }

  @Test
  void aResultBatchThatFailsHalfwayRecordsEachResultOnce() {
    AtomicBoolean fail = new AtomicBoolean(true);
    EngineFixture f =
        fixture(
            (method, args, call) -> {
              List<?> batch =
                  method.getName().equals("transitionAll") ? (List<?>) args[0] : List.of();
              if (batch.size() > 1 && fail.getAndSet(false)) {
                TransitionRequest first = (TransitionRequest) batch.get(0);
                real.transition(first.next(), first.expectedStatus(), first.expectedVersion());
                throw new IllegalStateException("connection reset");
              }
              return call.proceed();
            });
    onceOnEachOf(f, 20, 20);

    f.driver.advanceTo(T0.plusSeconds(20));

    assertThat(fail).isFalse();
    assertEachJobRanAndWasReportedOnce(f, 20);
  }

  @Test
  void aResultBatchThatFailsBeforeStoringAnythingIsKeptAndRecordedOnALaterPass() {
    AtomicBoolean fail = new AtomicBoolean(true);
    EngineFixture f =
        fixture(
            (method, args, call) -> {
              String name = method.getName();
              if (fail.get() && (name.equals("transitionAll") || name.equals("transition"))) {
                throw new IllegalStateException("database down");
              }
              return call.proceed();
            });
    onceOnEachOf(f, 5, 5);

    f.driver.advanceTo(T0.plusSeconds(16));
    assertThat(f.jobs(JobStatus.RUNNING)).hasSize(5);
    assertThat(f.events(SchedulerEvent.JobFinished.class)).isEmpty();

    fail.set(false);
    f.driver.advanceTo(T0.plusSeconds(30));
    assertEachJobRanAndWasReportedOnce(f, 5);
  }

  @Test
  void resultsOfOneScheduleRecordedInOneBatchCountFailuresInTheOrderRecorded() {
    EngineFixture f = fixture((method, args, call) -> call.proceed());
    f.node("n1");
    f.node("n2");
    f.script("s");
    f.transport.script("s", "n1", Outcome.exit(2, Duration.ofSeconds(5)));
    f.transport.script("s", "n2", Outcome.succeed(Duration.ofSeconds(5)));
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("s")
                .trigger(Trigger.once(T0.plusSeconds(10), ZoneOffset.UTC))
                .script("s")
                .target(Target.nodes("n1", "n2"))
                .overlap(OverlapPolicy.ALLOW)
                .build(),
            "t");

    f.driver.advanceTo(T0.plusSeconds(20));

    List<SchedulerEvent.JobFinished> finished = f.events(SchedulerEvent.JobFinished.class);
    assertThat(finished).hasSize(2);
    assertThat(finished.get(0).at()).isEqualTo(finished.get(1).at());
    // one failure and one success, recorded in one batch: the count follows the later of them
    boolean lastFailed = finished.get(1).outcome() == JobStatus.FAILED;
    assertThat(real.get("s").orElseThrow().consecutiveFailures()).isEqualTo(lastFailed ? 1 : 0);
  }
}
