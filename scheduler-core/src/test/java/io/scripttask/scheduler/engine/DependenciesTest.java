package io.scripttask.scheduler.engine;

import static io.scripttask.scheduler.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.SkipReason;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.WaitReason;
import io.scripttask.scheduler.testkit.ScriptedTransport.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DependenciesTest {

  private final EngineFixture f = new EngineFixture();

  private void schedule(String name, String cron, String... deps) {
    f.script(name);
    f.scheduler
        .schedules()
        .create(
            ScheduleSpec.named(name)
                .cron(cron)
                .script(name)
                .target(Target.nodes("n1", "n2"))
                .dependsOn(deps)
                .build(),
            "t");
  }

  @Test
  void runsBOnANodeOnlyAfterASucceededThere() {
    f.node("n1");
    f.node("n2");
    f.transport.script("a", "n1", Outcome.succeed(Duration.ofMinutes(10)));
    f.transport.script("a", "n2", Outcome.succeed(Duration.ofMinutes(20)));
    schedule("a", "0 1 * * *");
    schedule("b", "0 1 * * *", "a");

    f.driver.advanceTo(T0.plus(Duration.ofHours(1)).plusSeconds(1));
    assertThat(f.jobs("b"))
        .allSatisfy(
            j -> {
              assertThat(j.status()).isEqualTo(JobStatus.WAITING);
              assertThat(j.waitReason()).isEqualTo(WaitReason.DEPENDENCY);
            });
    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));
    var b = f.jobs("b");
    assertThat(b).allSatisfy(j -> assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED));
    assertThat(
            b.stream().filter(j -> j.nodeId().equals("n1")).findFirst().orElseThrow().startedAt())
        .isEqualTo(T0.plus(Duration.ofMinutes(70)));
    assertThat(
            b.stream().filter(j -> j.nodeId().equals("n2")).findFirst().orElseThrow().startedAt())
        .isEqualTo(T0.plus(Duration.ofMinutes(80)));
  }

  @Test
  void failureOfASkipsBOnThatNodeOnlyAndChainsOn() {
    f.node("n1");
    f.node("n2");
    f.transport.script("a", "n1", Outcome.exit(3, Duration.ofMinutes(1)));
    schedule("a", "0 1 * * *");
    schedule("b", "0 1 * * *", "a");
    schedule("c", "0 1 * * *", "b");

    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));
    assertThat(f.jobs("b"))
        .anySatisfy(
            j -> {
              assertThat(j.nodeId()).isEqualTo("n1");
              assertThat(j.status()).isEqualTo(JobStatus.SKIPPED);
              assertThat(j.skipReason()).isEqualTo(SkipReason.DEPENDENCY_FAILED);
            });
    assertThat(f.jobs("c"))
        .anySatisfy(
            j -> {
              assertThat(j.nodeId()).isEqualTo("n1");
              assertThat(j.skipReason()).isEqualTo(SkipReason.DEPENDENCY_FAILED);
            });
    assertThat(f.jobs("c"))
        .anySatisfy(
            j -> {
              assertThat(j.nodeId()).isEqualTo("n2");
              assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED);
            });
  }

  @Test
  void laterFireOfBUsesTheLatestFinishedRunOfA() {
    f.node("n1");
    f.node("n2");
    schedule("a", "0 1 * * *");
    schedule("b", "30 1 * * *", "a");
    f.driver.advanceTo(T0.plus(Duration.ofHours(2)));
    assertThat(f.jobs("b"))
        .allSatisfy(
            j -> {
              assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED);
              assertThat(j.startedAt()).isEqualTo(T0.plus(Duration.ofMinutes(90)));
            });
  }

  @Test
  void rejectsADependencyCycleNamingIt() {
    schedule("a", "0 1 * * *");
    schedule("b", "0 1 * * *", "a");
    schedule("c", "0 1 * * *", "b");
    ScheduleSpec cyclic =
        ScheduleSpec.named("a")
            .cron("0 1 * * *")
            .script("a")
            .target(Target.nodes("n1"))
            .dependsOn("c")
            .build();
    assertThatThrownBy(() -> f.scheduler.schedules().update(cyclic, "t"))
        .isInstanceOf(ValidationException.class)
        .hasMessage("dependsOn must not form a cycle, but was a -> c -> b -> a");
  }

  @Test
  void rejectsUnknownDependenciesAndScripts() {
    f.script("x");
    assertThatThrownBy(
            () ->
                f.scheduler
                    .schedules()
                    .create(
                        ScheduleSpec.named("x")
                            .cron("0 1 * * *")
                            .script("x")
                            .target(Target.nodes("n1"))
                            .dependsOn("ghost")
                            .build(),
                        "t"))
        .isInstanceOf(ValidationException.class)
        .hasMessage("dependsOn must name existing schedules, but was \"ghost\"");
    assertThatThrownBy(
            () ->
                f.scheduler
                    .schedules()
                    .create(
                        ScheduleSpec.named("y")
                            .cron("0 1 * * *")
                            .script("nope")
                            .target(Target.nodes("n1"))
                            .build(),
                        "t"))
        .isInstanceOf(ValidationException.class)
        .hasMessage("scriptId must name a stored script, but was \"nope\"");
  }
}
