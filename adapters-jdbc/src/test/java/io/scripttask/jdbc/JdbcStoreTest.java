package io.scripttask.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.ValidationException;
import io.scripttask.scheduler.Variable;
import io.scripttask.scheduler.spi.CapturedOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point: factories, builder validation, ownership of the pool, retention options. */
class JdbcStoreTest {

  private static final Instant T0 = Instant.parse("2025-01-06T00:00:00Z");

  @TempDir Path dir;

  @Test
  void anH2FileStoreKeepsEverythingAcrossARestart() {
    Path file = dir.resolve("data").resolve("scripttask");
    Instant next = T0.plusNanos(17);
    try (JdbcStore db = JdbcStore.h2(file)) {
      assertThat(db.dialect()).isEqualTo(Dialect.H2);
      assertThat(db.tablePrefix()).isEqualTo(JdbcStore.DEFAULT_TABLE_PREFIX);
      db.schedulerStore().create(schedule("nightly", next));
      db.schedulerStore().putScript(Script.builder("uptime").content("uptime").build());
      db.schedulerStore().putVariable(Variable.global("TOKEN", "t0k").asSecret());
      assertThat(db.schedulerStore().insert(job("j1", "nightly"))).isTrue();
    }
    assertThat(Files.exists(dir.resolve("data").resolve("scripttask.mv.db"))).isTrue();
    try (JdbcStore again = JdbcStore.h2(file)) {
      assertThat(again.schemaVersion()).isEqualTo(JdbcStore.schemaVersionOfCode());
      assertThat(again.schedulerStore().get("nightly").orElseThrow().nextFireTime())
          .isEqualTo(next);
      assertThat(again.schedulerStore().script("uptime")).isPresent();
      assertThat(again.schedulerStore().variables().get(0).secret()).isTrue();
      assertThat(again.schedulerStore().job("j1")).isPresent();
      assertThat(again.schedulerStore().nextSequence()).isPositive();
    }
  }

  @Test
  void closingAnOwnedPoolEndsTheStoreAndIsIdempotent() {
    JdbcStore db = JdbcStore.h2InMemory("closing-" + TestDatabases.randomPrefix());
    db.schedulerStore().create(schedule("a", T0));
    db.close();
    db.close();
    assertThatThrownBy(() -> db.schedulerStore().get("a"))
        .isInstanceOf(JdbcStoreException.class)
        .hasMessageStartingWith("JDBC store operation 'get' failed");
  }

  @Test
  void closingAnInMemoryStoreDropsItsDatabase() {
    String name = "dropped-" + TestDatabases.randomPrefix();
    try (JdbcStore db = JdbcStore.h2InMemory(name)) {
      db.schedulerStore().create(schedule("a", T0));
    }
    try (JdbcStore db = JdbcStore.h2InMemory(name)) {
      assertThat(db.schedulerStore().scheduleCount()).isZero();
    }
  }

  @Test
  void aStoreOnACallersDataSourceLeavesItOpen() throws Exception {
    JdbcConnectionPool pool =
        JdbcConnectionPool.create(
            "jdbc:h2:mem:callers-" + TestDatabases.randomPrefix() + ";DB_CLOSE_DELAY=-1", "sa", "");
    try {
      JdbcStore db = JdbcStore.builder(pool).tablePrefix("st_").build();
      assertThat(db.dialect()).isEqualTo(Dialect.H2);
      assertThat(db.dataSource()).isSameAs(pool);
      assertThat(db).hasToString("JdbcStore[H2, prefix=st_]");
      db.close();
      try (var c = pool.getConnection()) {
        assertThat(c.isValid(1)).isTrue();
      }
      assertThat(JdbcStore.of(pool).tablePrefix()).isEqualTo(JdbcStore.DEFAULT_TABLE_PREFIX);
    } finally {
      pool.dispose();
    }
  }

  @Test
  void tablePrefixesAreValidatedWithFieldRuleAndValue() {
    JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:unused", "sa", "");
    try {
      JdbcStore.Builder b = JdbcStore.builder(pool);
      assertThatThrownBy(() -> b.tablePrefix("Bad-Prefix"))
          .isInstanceOf(ValidationException.class)
          .hasMessage(
              "tablePrefix must be a lowercase letter followed by lowercase letters, digits and"
                  + " '_', but was \"Bad-Prefix\"");
      assertThatThrownBy(() -> b.tablePrefix("1st_"))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("but was \"1st_\"");
      assertThatThrownBy(() -> b.tablePrefix("st_; DROP TABLE x"))
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> b.tablePrefix(""))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("but was \"\"");
      assertThatThrownBy(() -> b.tablePrefix("a".repeat(JdbcStore.MAX_TABLE_PREFIX_LENGTH + 1)))
          .isInstanceOf(ValidationException.class)
          .hasMessage("tablePrefix must be at most 24 characters, but was 25 characters");
      b.tablePrefix("a".repeat(JdbcStore.MAX_TABLE_PREFIX_LENGTH));
      b.tablePrefix("st2_x");
      assertThatThrownBy(() -> b.keepFinishedPerSchedule(-1))
          .isInstanceOf(ValidationException.class)
          .hasMessage("keepFinishedPerSchedule must be at least 0 (0 for no limit), but was -1");
      assertThatThrownBy(() -> JdbcStore.h2InMemory("no spaces"))
          .isInstanceOf(ValidationException.class)
          .hasMessage("name must match [A-Za-z0-9_-]+, but was \"no spaces\"");
      assertThatThrownBy(() -> JdbcStore.h2(dir.resolve("a;b")))
          .isInstanceOf(ValidationException.class)
          .hasMessageStartingWith("file must not contain ';', but was ");
    } finally {
      pool.dispose();
    }
  }

  @Test
  void keepFinishedPerScheduleMakesRetentionByAgeAlsoKeepOnlyTheNewest() {
    JdbcConnectionPool pool =
        JdbcConnectionPool.create(
            "jdbc:h2:mem:keep-" + TestDatabases.randomPrefix() + ";DB_CLOSE_DELAY=-1", "sa", "");
    try {
      JdbcSchedulerStore store =
          JdbcStore.builder(pool).keepFinishedPerSchedule(2).build().schedulerStore();
      for (int i = 1; i <= 5; i++) {
        store.insert(
            Job.builder("j" + i, "a", new FireKey("a", T0.plusSeconds(i), "n1"))
                .script("uptime", "h")
                .sequence(i)
                .build());
      }
      for (int i = 1; i <= 5; i++) {
        Job q = store.job("j" + i).orElseThrow();
        Job r = store.transition(q.running(T0, "i", 1), JobStatus.QUEUED, 0).orElseThrow();
        store.transition(
            r.finished(
                JobStatus.SUCCEEDED,
                0,
                CapturedOutput.EMPTY,
                CapturedOutput.EMPTY,
                T0.plusSeconds(100 + i)),
            JobStatus.RUNNING,
            1);
      }
      // nothing is older than the cutoff, but only the 2 newest of schedule a may stay
      assertThat(store.deleteFinishedBefore(T0, 2)).isEqualTo(2);
      assertThat(store.deleteFinishedBefore(T0, 2)).isEqualTo(1);
      assertThat(store.deleteFinishedBefore(T0, 2)).isZero();
      assertThat(store.job("j4")).isPresent();
      assertThat(store.job("j5")).isPresent();
      assertThat(store.job("j3")).isEmpty();
    } finally {
      pool.dispose();
    }
  }

  private static Schedule schedule(String id, Instant next) {
    return Schedule.create(
        ScheduleSpec.named(id)
            .cron("* * * * *")
            .script("uptime")
            .target(Target.nodes("n1"))
            .build(),
        next,
        T0,
        "alice");
  }

  private static Job job(String id, String scheduleId) {
    return Job.builder(id, scheduleId, new FireKey(scheduleId, T0, "n-" + id))
        .script("uptime", "h")
        .build();
  }
}
