package io.scripttask.jdbc;

import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Target;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The process {@link H2FileDurabilityTest} kills: opens an H2 file store, creates and fires
 * schedules, prints how many, then halts at once (no shutdown hooks, no close: as {@code kill -9}).
 */
final class H2CrashChild {

  private H2CrashChild() {}

  /**
   * @param args the database file, the number of schedules
   */
  public static void main(String[] args) {
    JdbcStore db = JdbcStore.h2(Path.of(args[0]));
    int n = Integer.parseInt(args[1]);
    Instant t = Instant.parse("2025-01-06T00:00:00Z");
    JdbcSchedulerStore store = db.schedulerStore();
    for (int i = 0; i < n; i++) {
      String id = "s" + i;
      store.create(
          Schedule.create(
              ScheduleSpec.named(id)
                  .cron("* * * * *")
                  .script("uptime")
                  .target(Target.nodes("n1"))
                  .build(),
              t,
              t,
              "crash"));
      store.fire(
          id,
          t,
          t.plusSeconds(60),
          List.of(
              Job.builder("j" + i, id, new FireKey(id, t, "n1"))
                  .script("uptime", "h")
                  .sequence(store.nextSequence())
                  .build()));
    }
    System.out.println("committed " + n);
    System.out.flush();
    Runtime.getRuntime().halt(9);
  }
}
