package io.scripttask.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scripttask.scheduler.InMemoryNodeDirectory;
import io.scripttask.scheduler.InMemorySchedulerStore;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.LocalProcessTransport;
import io.scripttask.scheduler.Node;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Scheduler;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Variable;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

@DisabledOnOs(OS.WINDOWS)
class SchedulerWithLocalProcessesTest {

  @Test
  void runsTwoShellScriptsEndToEndOnTheRealClock() {
    InMemorySchedulerStore store = new InMemorySchedulerStore();
    InMemoryNodeDirectory nodes = InMemoryNodeDirectory.of(Node.of("localhost", "local"));
    try (LocalProcessTransport local = LocalProcessTransport.builder().build()) {
      Scheduler scheduler =
          Scheduler.builder()
              .store(store)
              .nodes(nodes)
              .transport(local)
              .pollInterval(Duration.ofMillis(200))
              .build();
      scheduler
          .catalog()
          .putScript(Script.builder("hello").content("echo \"hello $GREETING\"").build());
      scheduler
          .catalog()
          .putScript(Script.builder("fail").content("echo oops >&2; exit 7").build());
      store.putVariable(Variable.global("GREETING", "world"));
      scheduler
          .schedules()
          .create(
              ScheduleSpec.named("hello")
                  .cron("0 0 1 1 *")
                  .script("hello")
                  .target(Target.nodes("localhost"))
                  .build(),
              "t");
      scheduler
          .schedules()
          .create(
              ScheduleSpec.named("fail")
                  .cron("0 0 1 1 *")
                  .script("fail")
                  .target(Target.nodes("localhost"))
                  .build(),
              "t");
      scheduler.start();
      Job hello = scheduler.schedules().runNow("hello", "alice").get(0);
      Job fail = scheduler.schedules().runNow("fail", "alice").get(0);

      await()
          .atMost(Duration.ofSeconds(8))
          .until(
              () ->
                  scheduler.jobs().get(hello.id()).orElseThrow().status().isFinal()
                      && scheduler.jobs().get(fail.id()).orElseThrow().status().isFinal());
      scheduler.shutdown(Duration.ofSeconds(1));

      Job h = scheduler.jobs().get(hello.id()).orElseThrow();
      Job x = scheduler.jobs().get(fail.id()).orElseThrow();
      assertThat(h.status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(h.stdout().text()).isEqualTo("hello world\n");
      assertThat(x.status()).isEqualTo(JobStatus.FAILED);
      assertThat(x.exitCode()).isEqualTo(7);
      assertThat(x.stderr().text()).contains("oops");
      assertThat(scheduler.isRunning()).isFalse();
    }
  }
}
