package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.ClusterFixture.LEASE;
import static io.scripttask.scheduler.engine.ClusterFixture.T0;
import static io.scripttask.scheduler.engine.ClusterFixture.intercepted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.OverlapPolicy;
import io.scripttask.scheduler.Retry;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.SchedulerEvent;
import io.scripttask.scheduler.SchedulerInstance;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Trigger;
import io.scripttask.scheduler.TriggeredBy;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.WaitReason;
import io.scripttask.scheduler.engine.ClusterFixture.Member;
import io.scripttask.scheduler.spi.ClaimOutcome;
import io.scripttask.scheduler.spi.DispatchShare;
import io.scripttask.scheduler.spi.RunningCounts;
import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.spi.TransitionRequest;
import io.scripttask.scheduler.testkit.ScriptedTransport;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cluster mode under virtual time: several scheduler instances on one store, one node directory and
 * one clock, driven pass by pass. Contract 3 (exactly once per fire key) and contract 6 (limits)
 * across instances, leases and heartbeats, recovery of a dead instance's jobs, fencing of its late
 * results, and the after-completion crash window.
 */
class ClusterTest {

  private static final Duration STEP = Duration.ofSeconds(5);

  private final ClusterFixture c = new ClusterFixture();

  private static ScheduleSpec.Builder once(String name, Instant at, String node) {
    return ScheduleSpec.named(name)
        .trigger(Trigger.once(at, ZoneOffset.UTC))
        .script(name)
        .target(Target.nodes(node));
  }

  /** Every run any instance's transport was asked for, by execution id (job id # attempt). */
  private Map<String, String> runsByExecution() {
    Map<String, String> byExecution = new HashMap<>();
    for (Member m : c.members.values()) {
      for (ScriptedTransport.Run run : m.transport.runs()) {
        String previous = byExecution.put(run.request().executionId(), m.id);
        assertThat(previous).as("execution %s ran twice", run.request().executionId()).isNull();
      }
    }
    return byExecution;
  }

  // ------------------------------------------------------------------ contract 3

  @Test
  void everyFireKeyRunsExactlyOnceAcrossThreeInstances() {
    Member a = c.add("a");
    Member b = c.add("b");
    Member x = c.add("x");
    for (int i = 1; i <= 6; i++) {
      c.node("n" + i, "g" + (i % 2));
    }
    c.script("every-minute", Outcome.succeed(Duration.ofSeconds(40)));
    c.script("every-two", Outcome.succeed(Duration.ofSeconds(90)));
    a.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("every-minute")
                .cron("* * * * *")
                .script("every-minute")
                .target(Target.all())
                .build(),
            "t");
    b.scheduler
        .schedules()
        .create(
            ScheduleSpec.named("every-two")
                .cron("*/2 * * * *")
                .script("every-two")
                .target(Target.all())
                .build(),
            "t");

    c.run(Duration.ofMinutes(30), STEP, c.all());
    x.scheduler.schedules().pause("every-minute", "t");
    x.scheduler.schedules().pause("every-two", "t");
    c.run(Duration.ofMinutes(3), STEP, c.all());

    List<Job> jobs = c.jobs();
    assertThat(jobs).allSatisfy(j -> assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED));
    assertThat(jobs.stream().map(Job::fireKey).collect(Collectors.toSet())).hasSize(jobs.size());
    Map<Instant, Long> minuteFires =
        c.jobs("every-minute").stream()
            .collect(Collectors.groupingBy(j -> j.fireKey().fireTime(), Collectors.counting()));
    assertThat(minuteFires).hasSize(30).allSatisfy((t, n) -> assertThat(n).isEqualTo(6));
    assertThat(c.jobs("every-two").stream().map(j -> j.fireKey().fireTime()).distinct())
        .hasSize(15);
    assertThat(jobs).hasSize(30 * 6 + 15 * 6);

    Map<String, String> runs = runsByExecution();
    assertThat(runs).hasSize(jobs.size());
    for (Job j : jobs) {
      assertThat(runs).containsEntry(j.id() + "#1", j.owner());
    }
    Set<String> workers = new HashSet<>(runs.values());
    assertThat(workers).containsExactlyInAnyOrder("a", "b", "x");
    long started =
        c.members.values().stream()
            .mapToLong(m -> m.events(SchedulerEvent.JobStarted.class).size())
            .sum();
    assertThat(started).isEqualTo(jobs.size());
  }

  // ------------------------------------------------------------------ contract 6

  /** A limit kind: the limits set on every schedule, the cap, and how to read its count. */
  enum LimitKind {
    NODE(Limits.perNode(1), 1),
    GROUP(Limits.NONE.perGroup(2), 2),
    SCHEDULE(Limits.NONE.perSchedule(3), 3),
    GLOBAL(Limits.NONE.global(4), 4);

    final Limits limits;
    final long max;

    LimitKind(Limits limits, long max) {
      this.limits = limits;
      this.max = max;
    }

    /** The largest count this kind limits in a snapshot. */
    long largest(RunningCounts counts) {
      ToLongFunction<Map<String, Long>> top =
          m -> m.values().stream().mapToLong(Long::longValue).max().orElse(0);
      return switch (this) {
        case NODE -> top.applyAsLong(counts.byNode());
        case GROUP -> top.applyAsLong(counts.byGroup());
        case SCHEDULE -> top.applyAsLong(counts.bySchedule());
        case GLOBAL -> counts.global();
      };
    }
  }

  /**
   * Two schedules on six nodes in two groups, each firing every minute runs of 150 s (so they pile
   * up), under the same limits; three instances passing in the order a, b, x. Instance a sees the
   * store through a view that lets instance b run a whole pass right before every second claim of
   * a: b takes slots that a's count snapshot still shows free, so a's claims depend on the store's
   * own limit check.
   */
  private List<ClaimOutcome> runPiledUpSchedules(Limits limits, int maxConcurrentJobs) {
    List<ClaimOutcome> outcomesOfA = new ArrayList<>();
    Member[] others = new Member[1];
    Member a =
        c.add(
            "a",
            s ->
                intercepted(
                    s,
                    (method, args, call) -> {
                      // once a has claimed, b runs a whole pass between a's count (read at the
                      // start of each pass of a) and a's claims: when a reads the ready jobs
                      // (a read from the head of the queue: of the whole queue, or of a's share)
                      if (method.getName().equals("dispatchable")
                          && (args.length == 2 || (args.length == 4 && args[1] == null))) {
                        if (outcomesOfA.stream().anyMatch(o -> o instanceof ClaimOutcome.Claimed)) {
                          others[0].pass();
                        }
                        return call.proceed();
                      }
                      if (method.getName().equals("claim")) {
                        ClaimOutcome o = (ClaimOutcome) call.proceed();
                        outcomesOfA.add(o);
                        return o;
                      }
                      if (method.getName().equals("claimAll")) {
                        @SuppressWarnings("unchecked")
                        List<ClaimOutcome> o = (List<ClaimOutcome>) call.proceed();
                        outcomesOfA.addAll(o);
                        return o;
                      }
                      return call.proceed();
                    }),
            bld -> bld.maxConcurrentJobs(maxConcurrentJobs));
    Member b = c.add("b", bld -> bld.maxConcurrentJobs(maxConcurrentJobs));
    others[0] = b;
    Member x = c.add("x", bld -> bld.maxConcurrentJobs(maxConcurrentJobs));
    for (int i = 1; i <= 6; i++) {
      c.node("n" + i, i <= 3 ? "web" : "db");
    }
    c.script("s1", Outcome.succeed(Duration.ofSeconds(150)));
    c.script("s2", Outcome.succeed(Duration.ofSeconds(150)));
    for (String s : List.of("s1", "s2")) {
      a.scheduler
          .schedules()
          .create(
              ScheduleSpec.named(s)
                  .cron("* * * * *")
                  .script(s)
                  .target(Target.all())
                  .limits(limits)
                  .overlap(OverlapPolicy.ALLOW)
                  .build(),
              "t");
    }
    c.runInOrder(Duration.ofMinutes(8), STEP, a, b, x);
    return outcomesOfA;
  }

  @ParameterizedTest
  @EnumSource(LimitKind.class)
  void limitsHoldAcrossInstancesEvenWhenAnotherInstanceClaimsBetweenCountAndClaim(LimitKind kind) {
    List<ClaimOutcome> outcomesOfA = runPiledUpSchedules(kind.limits, 0);

    assertThat(c.seen)
        .allSatisfy(counts -> assertThat(kind.largest(counts)).isLessThanOrEqualTo(kind.max));
    assertThat(c.seen.stream().mapToLong(kind::largest).max().orElse(0)).isEqualTo(kind.max);
    assertThat(outcomesOfA).anyMatch(o -> o instanceof ClaimOutcome.Limited);
    assertThat(outcomesOfA).anyMatch(o -> o instanceof ClaimOutcome.Claimed);
    assertThat(new HashSet<>(runsByExecution().values())).hasSizeGreaterThanOrEqualTo(2);
    assertThat(c.jobs(JobStatus.SUCCEEDED)).isNotEmpty();
    assertThat(c.jobs(JobStatus.WAITING))
        .allSatisfy(j -> assertThat(j.waitReason()).isEqualTo(waitReasonOf(kind)));
  }

  private static WaitReason waitReasonOf(LimitKind kind) {
    return switch (kind) {
      case NODE -> WaitReason.NODE_LIMIT;
      case GROUP -> WaitReason.GROUP_LIMIT;
      case SCHEDULE -> WaitReason.SCHEDULE_LIMIT;
      case GLOBAL -> WaitReason.GLOBAL_LIMIT;
    };
  }

  @Test
  void maxConcurrentJobsIsAGlobalLimitOfTheWholeCluster() {
    List<ClaimOutcome> outcomesOfA = runPiledUpSchedules(Limits.NONE, 3);

    assertThat(c.seen).allSatisfy(counts -> assertThat(counts.global()).isLessThanOrEqualTo(3));
    assertThat(c.seen.stream().mapToLong(RunningCounts::global).max().orElse(0)).isEqualTo(3);
    assertThat(outcomesOfA)
        .anyMatch(
            o -> o instanceof ClaimOutcome.Limited l && l.reason() == WaitReason.GLOBAL_LIMIT);
  }

  @Test
  void limitsHoldWhenInstancesRunTheirPassesInParallelThreads() throws Exception {
    Limits limits = Limits.perNode(1).perGroup(2).global(3);
    Member a = c.add("a");
    c.add("b");
    c.add("x");
    for (int i = 1; i <= 6; i++) {
      c.node("n" + i, i <= 3 ? "web" : "db");
    }
    c.script("s1", Outcome.succeed(Duration.ofSeconds(70)));
    c.script("s2", Outcome.succeed(Duration.ofSeconds(50)));
    for (String s : List.of("s1", "s2")) {
      a.scheduler
          .schedules()
          .create(
              ScheduleSpec.named(s)
                  .cron("* * * * *")
                  .script(s)
                  .target(Target.all())
                  .limits(limits)
                  .overlap(OverlapPolicy.ALLOW)
                  .build(),
              "t");
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Instant end = T0.plus(Duration.ofMinutes(10));
      while (c.clock.instant().isBefore(end)) {
        c.clock.advance(STEP);
        List<Callable<Void>> passes = new ArrayList<>();
        for (Member m : c.all()) {
          passes.add(
              () -> {
                m.pass();
                return null;
              });
        }
        for (Future<Void> f : pool.invokeAll(passes, 30, TimeUnit.SECONDS)) {
          f.get();
        }
        RunningCounts counts = c.store.runningCounts();
        c.seen.add(counts);
        assertThat(counts.global()).isLessThanOrEqualTo(3);
        assertThat(counts.byNode().values()).allMatch(n -> n <= 1);
        assertThat(counts.byGroup().values()).allMatch(n -> n <= 2);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(c.seen.stream().mapToLong(RunningCounts::global).max().orElse(0)).isEqualTo(3);
    Map<String, String> runs = runsByExecution();
    assertThat(runs)
        .hasSize(
            c.jobs().size() - c.jobs(JobStatus.QUEUED).size() - c.jobs(JobStatus.WAITING).size());
  }

  // ------------------------------------------------------------------ shares of the queue

  /**
   * A view of the shared store that applies the dispatch shares (the in-memory store ignores them,
   * as the SPI allows) and records each share read.
   */
  private static SchedulerStore sharing(SchedulerStore store, List<DispatchShare> shares) {
    return intercepted(
        store,
        (method, args, call) -> {
          if (!method.getName().equals("dispatchable") || args.length != 4) {
            return call.proceed();
          }
          Instant now = (Instant) args[0];
          Job after = (Job) args[1];
          int limit = (Integer) args[2];
          DispatchShare share = (DispatchShare) args[3];
          shares.add(share);
          List<Job> page = new ArrayList<>();
          for (Job j : store.dispatchable(now, Integer.MAX_VALUE)) {
            if ((after == null || SchedulerStore.DISPATCH_ORDER.compare(j, after) > 0)
                && share.includes(j)
                && page.size() < limit) {
              page.add(j);
            }
          }
          return page;
        });
  }

  /** Creates a schedule on every node, due only once a year, and runs it now: one job per node. */
  private List<Job> runOnEveryNode(Member by, String name) {
    by.scheduler
        .schedules()
        .create(
            ScheduleSpec.named(name)
                .cron("0 0 1 1 *")
                .script(name)
                .target(Target.all())
                .overlap(OverlapPolicy.ALLOW)
                .build(),
            "t");
    return by.scheduler.schedules().runNow(name, "t");
  }

  @Test
  void aClusterMemberClaimsItsShareOfALongQueueFirstAndTheRestOnceItsShareRunsShort() {
    List<DispatchShare> sharesOfB = new ArrayList<>();
    Member a = c.add("a");
    Member b = c.add("b", s -> sharing(s, sharesOfB), bld -> {});
    Member x = c.add("x");
    for (int i = 0; i < 900; i++) {
      c.node(String.format("n%03d", i));
    }
    c.script("long", Outcome.succeed(Duration.ofMinutes(10)));
    c.passes(a, b, x);
    c.step(Duration.ofSeconds(10), a, b, x); // each membership step now sees all three
    sharesOfB.clear();
    List<Job> queued = runOnEveryNode(a, "long");
    assertThat(queued).hasSize(900);

    b.pass(); // b alone: 900 ready jobs, 300 of them in its share (index 1 of 3)

    assertThat(sharesOfB)
        .first()
        .isEqualTo(new DispatchShare(1, 3, c.clock.instant().minus(LEASE)));
    List<String> started =
        b.events(SchedulerEvent.JobStarted.class).stream().map(e -> e.job().id()).toList();
    Map<String, Long> sequenceOf =
        queued.stream().collect(Collectors.toMap(Job::id, Job::sequence));
    // its share first (a page of 256, then the 44 left), then, the share run short, the rest
    assertThat(started).hasSize(900);
    assertThat(started.subList(0, 300))
        .allSatisfy(id -> assertThat(Math.floorMod(sequenceOf.get(id), 3)).isEqualTo(1));
    assertThat(started.subList(300, 900))
        .allSatisfy(id -> assertThat(Math.floorMod(sequenceOf.get(id), 3)).isNotEqualTo(1));
    assertThat(runsByExecution()).hasSize(900);
  }

  @Test
  void aShareThatRunsShortIsFollowedByTheRestOfTheQueueInTheSamePassEvenWhileResultsWait() {
    AtomicBoolean finishARunDuringTheShareRead = new AtomicBoolean();
    Member[] self = new Member[1];
    Member a = c.add("a");
    Member b =
        c.add(
            "b",
            s ->
                intercepted(
                    sharing(s, new ArrayList<>()),
                    (method, args, call) -> {
                      if (method.getName().equals("dispatchable")
                          && args.length == 4
                          && finishARunDuringTheShareRead.getAndSet(false)) {
                        // a result arrives while b reads its share: it waits for the next pass
                        String first = self[0].transport.runs().get(0).request().executionId();
                        assertThat(self[0].transport.complete(first, 0)).isTrue();
                      }
                      return call.proceed();
                    }),
            bld -> {});
    self[0] = b;
    for (int i = 0; i < 10; i++) {
      c.node("n" + i);
    }
    c.script("long", Outcome.succeed(Duration.ofMinutes(10)));
    c.script("quick", Outcome.succeed(Duration.ofMinutes(1)));
    c.passes(a, b);
    c.step(Duration.ofSeconds(10), a, b);
    runOnEveryNode(a, "long");
    b.pass();
    runOnEveryNode(a, "quick");

    finishARunDuringTheShareRead.set(true);
    b.pass();

    assertThat(finishARunDuringTheShareRead).isFalse();
    assertThat(c.jobs("quick"))
        .hasSize(10)
        .allSatisfy(j -> assertThat(j.status()).isEqualTo(JobStatus.RUNNING))
        .allSatisfy(j -> assertThat(j.owner()).isEqualTo("b"));
  }

  @Test
  void theJobsInTheShareOfALiveInstanceThatTakesNoWorkAreRunByAnother() {
    List<DispatchShare> sharesOfA = new ArrayList<>();
    Member a = c.add("a", s -> sharing(s, sharesOfA), bld -> {});
    // b heartbeats but never finds a job: its engine is stuck, not its lease
    Member b =
        c.add(
            "b",
            s ->
                intercepted(
                    s,
                    (method, args, call) ->
                        method.getName().equals("dispatchable") ? List.of() : call.proceed()),
            bld -> {});
    for (int i = 0; i < 10; i++) {
      c.node("n" + i);
    }
    c.script("quick", Outcome.succeed(Duration.ofSeconds(1)));
    c.passes(a, b);
    c.step(Duration.ofSeconds(10), a, b);
    runOnEveryNode(b, "quick");

    c.step(STEP, a, b);
    c.step(STEP, a, b);

    assertThat(sharesOfA).isNotEmpty().allSatisfy(s -> assertThat(s.count()).isEqualTo(2));
    assertThat(c.jobs("quick"))
        .hasSize(10)
        .allSatisfy(j -> assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED))
        .allSatisfy(j -> assertThat(j.owner()).isEqualTo("a"));
  }

  @Test
  void anInstanceAloneReadsTheWholeQueueWithoutAShare() {
    List<DispatchShare> shares = new ArrayList<>();
    Member a = c.add("a", s -> sharing(s, shares), bld -> {});
    for (int i = 0; i < 5; i++) {
      c.node("n" + i);
    }
    c.script("quick", Outcome.succeed(Duration.ofSeconds(1)));
    c.run(Duration.ofSeconds(20), STEP, a);
    runOnEveryNode(a, "quick");
    c.run(Duration.ofSeconds(20), STEP, a);

    assertThat(shares).isEmpty();
    assertThat(c.jobs("quick"))
        .hasSize(5)
        .allSatisfy(j -> assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED));
  }

  // ------------------------------------------------------------------ leases and recovery

  /** Fires one 10-minute run on n1 at T0+10s, claimed by b; a and b both registered at T0. */
  private Job runClaimedByB(Member a, Member b, Retry retry) {
    c.node("n1");
    c.script("long", Outcome.succeed(Duration.ofMinutes(10)));
    a.scheduler
        .schedules()
        .create(once("long", T0.plusSeconds(10), "n1").retry(retry).build(), "t");
    c.passes(a, b);
    c.step(Duration.ofSeconds(10), b);
    Job claimed = c.jobs("long").get(0);
    assertThat(claimed.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(claimed.owner()).isEqualTo("b");
    return claimed;
  }

  @Test
  void aDeadInstancesJobIsRecoveredAsANewAttemptOnceItsLeaseExpires() {
    Member a = c.add("a");
    Member b = c.add("b");
    Job claimed = runClaimedByB(a, b, Retry.exponential(2, Duration.ofSeconds(20)));
    // b renewed its lease at T0+10: it lasts until T0+40. From now on only a is driven.
    assertThat(c.store.instances())
        .filteredOn(i -> i.id().equals("b"))
        .singleElement()
        .satisfies(i -> assertThat(i.leaseUntil()).isEqualTo(T0.plusSeconds(40)));
    while (c.clock.instant().isBefore(T0.plusSeconds(40))) {
      c.step(STEP, a);
      assertThat(c.job(claimed.id())).isEqualTo(claimed);
    }
    c.step(STEP, a); // T0+45: a's heartbeat pass finds b's lease expired

    Job recovered = c.job(claimed.id());
    assertThat(recovered.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(recovered.attempt()).isEqualTo(2);
    assertThat(recovered.owner()).isNull();
    assertThat(recovered.detail()).isEqualTo("owner b lost its lease");
    assertThat(recovered.nextAttemptAt()).isEqualTo(T0.plusSeconds(45 + 20));
    assertThat(recovered.fireKey()).isEqualTo(claimed.fireKey());
    assertThat(a.events(SchedulerEvent.JobRecovered.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.lostOwner()).isEqualTo("b");
              assertThat(e.job()).isEqualTo(recovered);
            });
    assertThat(a.events(SchedulerEvent.JobFinished.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo(JobStatus.FAILED);
              assertThat(e.retryAt()).isEqualTo(T0.plusSeconds(65));
            });

    c.run(Duration.ofSeconds(20), STEP, a);
    Job rerun = c.job(claimed.id());
    assertThat(rerun.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(rerun.owner()).isEqualTo("a");
    assertThat(rerun.attempt()).isEqualTo(2);
    assertThat(rerun.fencingToken()).isGreaterThan(claimed.fencingToken());

    // b comes back after its run ended: its result is refused, the store keeps a's claim
    c.run(Duration.between(c.clock.instant(), T0.plusSeconds(610)), STEP, a);
    b.pass();
    assertThat(c.job(claimed.id())).isEqualTo(rerun);
    assertThat(b.events(SchedulerEvent.JobFinished.class)).isEmpty();

    c.run(Duration.ofMinutes(2), STEP, a, b);
    Job done = c.job(claimed.id());
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.owner()).isEqualTo("a");
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(runsByExecution())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(claimed.id() + "#1", "b", claimed.id() + "#2", "a"));
    assertThat(c.jobs()).hasSize(1);
  }

  @Test
  void aDeadInstancesJobWithoutAttemptsLeftFailsAndItsLateSuccessIsRefused() {
    Member a = c.add("a");
    Member b = c.add("b");
    Job claimed = runClaimedByB(a, b, Retry.none());
    c.run(Duration.ofSeconds(35), STEP, a);

    Job failed = c.job(claimed.id());
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.detail()).isEqualTo("owner b lost its lease");
    assertThat(failed.finishedAt()).isEqualTo(T0.plusSeconds(45));
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(a.events(SchedulerEvent.JobRecovered.class)).hasSize(1);
    assertThat(a.events(SchedulerEvent.JobFinished.class))
        .singleElement()
        .satisfies(e -> assertThat(e.willRetry()).isFalse());

    c.clock.set(T0.plusSeconds(10).plus(Duration.ofMinutes(10)));
    b.pass();
    c.run(Duration.ofMinutes(1), STEP, a, b);
    assertThat(c.job(claimed.id())).isEqualTo(failed);
    assertThat(b.events(SchedulerEvent.JobFinished.class)).isEmpty();
  }

  @Test
  void aLiveInstanceKeepsItsJobsWhileItHeartbeats() {
    Member a = c.add("a");
    Member b = c.add("b");
    Job claimed = runClaimedByB(a, b, Retry.none());
    c.run(Duration.ofMinutes(9), STEP, a, b);
    assertThat(c.job(claimed.id()).status()).isEqualTo(JobStatus.RUNNING);
    assertThat(c.job(claimed.id()).owner()).isEqualTo("b");
    c.run(Duration.ofMinutes(1), STEP, a, b);
    assertThat(c.job(claimed.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(a.events(SchedulerEvent.JobRecovered.class)).isEmpty();
  }

  @Test
  void anInstanceThatWasBlockedPastItsLeaseCancelsTheRunsTakenOverMeanwhile() {
    Member a = c.add("a");
    Member b = c.add("b");
    c.node("n1");
    c.script("stuck", Outcome.stuck());
    a.scheduler
        .schedules()
        .create(
            once("stuck", T0.plusSeconds(10), "n1")
                .retry(Retry.exponential(2, Duration.ofSeconds(1)))
                .build(),
            "t");
    c.passes(a, b);
    c.step(Duration.ofSeconds(10), b);
    Job claimed = c.jobs("stuck").get(0);
    assertThat(b.transport.running()).hasSize(1);

    c.run(Duration.ofSeconds(45), STEP, a); // a recovers and runs attempt 2
    assertThat(c.job(claimed.id()).owner()).isEqualTo("a");

    b.pass(); // b was blocked; its lease expired: its run of attempt 1 is cancelled
    assertThat(b.transport.running()).isEmpty();
    b.pass(); // the cancelled run's result is refused
    Job now = c.job(claimed.id());
    assertThat(now.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(now.owner()).isEqualTo("a");
    assertThat(now.attempt()).isEqualTo(2);
    assertThat(b.events(SchedulerEvent.JobCancelled.class)).isEmpty();
  }

  @Test
  void anInstanceWhoseLeaseExpiredStartsNoJobUntilItRenewsIt() {
    AtomicBoolean storeUnreachable = new AtomicBoolean();
    Member a =
        c.add(
            "a",
            s ->
                intercepted(
                    s,
                    (method, args, call) -> {
                      if (storeUnreachable.get() && method.getName().equals("heartbeat")) {
                        throw new IllegalStateException("store unreachable");
                      }
                      return call.proceed();
                    }),
            b -> {});
    c.node("n1");
    c.script("job", Outcome.succeed(Duration.ofMinutes(1)));
    a.scheduler.schedules().create(once("job", T0.plusSeconds(60), "n1").build(), "t");
    c.passes(a);
    storeUnreachable.set(true);
    c.step(Duration.ofSeconds(60), a);
    c.step(STEP, a);
    assertThat(c.jobs("job"))
        .singleElement()
        .satisfies(j -> assertThat(j.status()).isEqualTo(JobStatus.QUEUED));
    assertThat(a.transport.runs()).isEmpty();

    storeUnreachable.set(false);
    c.step(STEP, a);
    assertThat(c.jobs("job"))
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.status()).isEqualTo(JobStatus.RUNNING);
              assertThat(j.owner()).isEqualTo("a");
            });
  }

  @Test
  void anInstanceRestartedWithTheSameIdRecoversTheJobsItsPreviousRunLeftAtOnce() {
    Member first = c.add("first", b -> b.instanceId("node-7"));
    c.node("n1");
    c.script("long", Outcome.succeed(Duration.ofMinutes(10)));
    first
        .scheduler
        .schedules()
        .create(
            once("long", T0.plusSeconds(10), "n1")
                .retry(Retry.exponential(3, Duration.ofSeconds(30)))
                .build(),
            "t");
    c.passes(first);
    c.step(Duration.ofSeconds(10), first);
    Job claimed = c.jobs("long").get(0);
    assertThat(claimed.owner()).isEqualTo("node-7");

    // kill -9: the process is gone; a new one starts with the same instance id, lease still live
    Member restarted = c.add("restarted", b -> b.instanceId("node-7"));
    c.step(Duration.ofSeconds(1), restarted);

    Job recovered = c.job(claimed.id());
    assertThat(recovered.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(recovered.attempt()).isEqualTo(2);
    assertThat(recovered.detail()).isEqualTo("owner node-7 restarted");
    assertThat(restarted.events(SchedulerEvent.JobRecovered.class))
        .singleElement()
        .satisfies(e -> assertThat(e.lostOwner()).isEqualTo("node-7"));
    c.run(Duration.ofSeconds(30), STEP, restarted);
    assertThat(c.job(claimed.id()).status()).isEqualTo(JobStatus.RUNNING);
    assertThat(restarted.transport.runs()).hasSize(1);
  }

  // ------------------------------------------------------------------ membership

  @Test
  void instancesListsEveryInstanceWithItsHeartbeatAndLease() {
    Member a = c.add("a");
    Member b = c.add("b");
    Member x = c.add("x");
    assertThat(a.scheduler.instances()).isEmpty();
    c.passes(c.all());
    assertThat(a.scheduler.instances())
        .containsExactly(
            new SchedulerInstance("a", T0, T0, T0.plus(LEASE)),
            new SchedulerInstance("b", T0, T0, T0.plus(LEASE)),
            new SchedulerInstance("x", T0, T0, T0.plus(LEASE)));

    c.step(STEP, c.all());
    assertThat(b.scheduler.instances()).allSatisfy(i -> assertThat(i.heartbeatAt()).isEqualTo(T0));
    c.step(STEP, c.all()); // a third of the lease: every instance renews
    Instant t10 = T0.plusSeconds(10);
    assertThat(b.scheduler.instances())
        .allSatisfy(
            i -> {
              assertThat(i.startedAt()).isEqualTo(T0);
              assertThat(i.heartbeatAt()).isEqualTo(t10);
              assertThat(i.leaseUntil()).isEqualTo(t10.plus(LEASE));
            });

    c.run(Duration.ofSeconds(40), STEP, a, b); // x stops heartbeating
    Instant now = c.clock.instant();
    assertThat(a.scheduler.instances())
        .extracting(SchedulerInstance::id, i -> i.alive(now))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", true),
            org.assertj.core.groups.Tuple.tuple("b", true),
            org.assertj.core.groups.Tuple.tuple("x", false));

    c.run(Duration.ofHours(1), Duration.ofSeconds(10), a, b); // long dead: pruned
    assertThat(a.scheduler.instances()).extracting(SchedulerInstance::id).containsExactly("a", "b");
    assertThat(a.scheduler.instanceId()).isEqualTo("a");
  }

  @Test
  void gracefulShutdownRemovesTheInstanceFromTheStore() {
    Member a = c.add("a");
    Member b = c.add("b");
    c.passes(a, b);
    assertThat(b.scheduler.instances()).extracting(SchedulerInstance::id).containsExactly("a", "b");
    a.scheduler.shutdown(Duration.ZERO);
    assertThat(b.scheduler.instances()).extracting(SchedulerInstance::id).containsExactly("b");
  }

  @Test
  void leaseDurationMustBePositive() {
    assertThatThrownBy(() -> Scheduler.builder().leaseDuration(Duration.ZERO))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("leaseDuration must be positive");
    assertThatThrownBy(() -> Scheduler.builder().leaseDuration(Duration.ofSeconds(-1)))
        .isInstanceOf(ValidationException.class);
  }

  // ------------------------------------------------------------------ after-completion crash
  // window

  private void upstreamAndDownstream(Member creator, Set<JobStatus> firesOn) {
    c.node("n1");
    c.script("up", Outcome.succeed(Duration.ofSeconds(30)));
    c.script("down", Outcome.succeed(Duration.ofSeconds(30)));
    creator.scheduler.schedules().create(once("up", T0.plusSeconds(10), "n1").build(), "t");
    creator
        .scheduler
        .schedules()
        .create(
            ScheduleSpec.named("down")
                .trigger(Trigger.afterCompletionOf("up", firesOn, Duration.ZERO, ZoneOffset.UTC))
                .script("down")
                .target(Target.nodes("n1"))
                .build(),
            "t");
  }

  @Test
  void theDownstreamJobIsStoredInTheSameStepAsTheUpstreamCompletion() {
    List<String> calls = Collections.synchronizedList(new ArrayList<>());
    List<String> stored = Collections.synchronizedList(new ArrayList<>());
    Member a =
        c.add(
            "a",
            s ->
                intercepted(
                    s,
                    (method, args, call) -> {
                      calls.add(method.getName() + "/" + (args == null ? 0 : args.length));
                      if (method.getName().equals("transitionAll")) {
                        for (Object r : (List<?>) args[0]) {
                          TransitionRequest t = (TransitionRequest) r;
                          stored.add(t.next().id() + " with " + t.follow().size() + " follow");
                        }
                      }
                      return call.proceed();
                    }),
            b -> {});
    upstreamAndDownstream(a, Set.of(JobStatus.SUCCEEDED));
    c.run(Duration.ofSeconds(40), STEP, a);

    Job up = c.jobs("up").get(0);
    assertThat(up.status()).isEqualTo(JobStatus.SUCCEEDED);
    Job down = c.jobs("down").get(0);
    assertThat(down.triggeredBy()).isEqualTo(new TriggeredBy(TriggeredBy.Kind.DEPENDENCY, up.id()));
    assertThat(down.fireKey()).isEqualTo(new FireKey("down", up.finishedAt(), "n1"));
    // the completion and its downstream job go to the store as one request of a batch (each
    // request of transitionAll is atomic, as transition with follow jobs is)
    assertThat(calls).contains("transitionAll/1").doesNotContain("insert/1", "transition/4");
    assertThat(stored).contains(up.id() + " with 1 follow");
    assertThat(stored.stream().filter(x -> x.startsWith(up.id() + " "))).hasSize(1);
    List<SchedulerEvent> events = a.events;
    int finished = indexOf(events, SchedulerEvent.JobFinished.class, up.id());
    int queued = indexOf(events, SchedulerEvent.JobQueued.class, down.id());
    assertThat(finished).isNotNegative().isLessThan(queued);
  }

  private static int indexOf(List<SchedulerEvent> events, Class<?> type, String jobId) {
    synchronized (events) {
      for (int i = 0; i < events.size(); i++) {
        SchedulerEvent e = events.get(i);
        if (type.isInstance(e) && jobOf(e).id().equals(jobId)) {
          return i;
        }
      }
    }
    return -1;
  }

  private static Job jobOf(SchedulerEvent e) {
    if (e instanceof SchedulerEvent.JobFinished f) {
      return f.job();
    }
    if (e instanceof SchedulerEvent.JobQueued q) {
      return q.job();
    }
    throw new IllegalArgumentException(e.toString());
  }

  @Test
  void aCrashWhileStoringTheUpstreamCompletionLeavesNeitherHalfAndTheRecoveryFiresDownstreamOnce() {
    AtomicBoolean crash = new AtomicBoolean(true);
    Member a =
        c.add(
            "a",
            s ->
                intercepted(
                    s,
                    (method, args, call) -> {
                      boolean withFollow =
                          (method.getName().equals("transition") && args.length == 4)
                              || (method.getName().equals("transitionAll")
                                  && ((List<?>) args[0])
                                      .stream()
                                          .anyMatch(
                                              r -> !((TransitionRequest) r).follow().isEmpty()));
                      if (crash.get() && withFollow) {
                        throw new IllegalStateException("process killed during the commit");
                      }
                      return call.proceed();
                    }),
            b -> {});
    Member b = c.add("b");
    upstreamAndDownstream(a, Set.of(JobStatus.SUCCEEDED, JobStatus.FAILED));
    c.passes(a, b);
    c.step(Duration.ofSeconds(10), a);
    Job up = c.jobs("up").get(0);
    assertThat(up.owner()).isEqualTo("a");
    c.step(Duration.ofSeconds(30), a); // the run ends; storing its completion "crashes"

    assertThat(c.job(up.id()).status()).isEqualTo(JobStatus.RUNNING);
    assertThat(c.jobs("down")).isEmpty();

    // a is dead from now on; b recovers the upstream job once a's lease has expired
    c.run(Duration.ofSeconds(60), STEP, b);
    Job failed = c.job(up.id());
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.detail()).isEqualTo("owner a lost its lease");
    assertThat(c.jobs("down"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.triggeredBy().actor()).isEqualTo(up.id());
              assertThat(d.fireKey().fireTime()).isEqualTo(failed.finishedAt());
            });

    // were a to come back, its kept result would be refused and fire nothing more
    crash.set(false);
    c.run(Duration.ofMinutes(1), STEP, a, b);
    assertThat(c.job(up.id()).status()).isEqualTo(JobStatus.FAILED);
    assertThat(c.jobs("down")).hasSize(1);
  }
}
