package io.scripttask.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.Page;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract 8 on the embedded default: what an H2 file store committed survives the process being
 * killed right after (H2 is opened with {@code WRITE_DELAY=0}; by default it keeps up to half a
 * second of commits in memory).
 */
class H2FileDurabilityTest {

  @TempDir Path dir;

  @Test
  void everyCommitSurvivesTheProcessHaltingRightAfterIt() throws Exception {
    Path file = dir.resolve("crash");
    int schedules = 40;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                H2CrashChild.class.getName(),
                file.toString(),
                String.valueOf(schedules))
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).contains("committed " + schedules);
    assertThat(child.exitValue()).isEqualTo(9);

    try (JdbcStore db = JdbcStore.h2(file)) {
      JdbcSchedulerStore store = db.schedulerStore();
      assertThat(store.scheduleCount()).isEqualTo(schedules);
      for (int i = 0; i < schedules; i++) {
        assertThat(store.get("s" + i).orElseThrow().nextFireTime())
            .isEqualTo(Instant.parse("2025-01-06T00:01:00Z"));
      }
      assertThat(store.jobs(JobQuery.all(), Page.first(1000)).items()).hasSize(schedules);
    }
  }
}
