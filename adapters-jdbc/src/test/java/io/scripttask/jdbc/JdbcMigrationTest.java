package io.scripttask.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scripttask.scheduler.Schedule;
import io.scripttask.scheduler.ScheduleSpec;
import io.scripttask.scheduler.Script;
import io.scripttask.scheduler.Target;
import io.scripttask.scheduler.Variable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Schema migrations on a real database: idempotent, safe when instances start at once, refusing a
 * newer schema; and failures that never quote a secret. Every test uses fresh random prefixes and
 * drops their tables afterwards.
 */
@Timeout(120)
abstract class JdbcMigrationTest {

  private final List<String> prefixes = new ArrayList<>();

  /**
   * @return the database
   */
  protected abstract DataSource dataSource();

  /**
   * @return its dialect
   */
  protected abstract Dialect dialect();

  protected String newPrefix() {
    dataSource(); // skips (or fails) here when the database is missing
    String p = TestDatabases.randomPrefix();
    prefixes.add(p);
    return p;
  }

  @AfterEach
  void dropTables() {
    for (String p : prefixes) {
      TestDatabases.drop(dataSource(), dialect(), p);
    }
  }

  @Test
  void detectsTheDialectFromTheConnection() {
    assertThat(JdbcStore.detect(dataSource())).isEqualTo(dialect());
  }

  @Test
  void migrateOnStartCreatesTheSchemaAndMigratingAgainChangesNothing() throws SQLException {
    String prefix = newPrefix();
    JdbcStore fresh =
        JdbcStore.builder(dataSource()).tablePrefix(prefix).migrateOnStart(false).build();
    assertThat(fresh.schemaVersion()).isZero();

    JdbcStore store = JdbcStore.builder(dataSource()).tablePrefix(prefix).build();
    assertThat(store.dialect()).isEqualTo(dialect());
    assertThat(store.schemaVersion()).isEqualTo(JdbcStore.schemaVersionOfCode());
    store.schedulerStore().create(schedule("a"));
    assertThat(store.migrate()).isEqualTo(JdbcStore.schemaVersionOfCode());
    assertThat(fresh.migrate()).isEqualTo(JdbcStore.schemaVersionOfCode());
    assertThat(versionRows(prefix)).isEqualTo(JdbcStore.schemaVersionOfCode());
    assertThat(store.schedulerStore().get("a")).isPresent();
  }

  @Test
  void instancesStartingAtOnceMigrateOnceAndAllWork() throws Exception {
    String prefix = newPrefix();
    int instances = 6;
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    List<JdbcStore> stores = new ArrayList<>();
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<JdbcStore>> futures = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return JdbcStore.builder(dataSource()).tablePrefix(prefix).build();
                }));
      }
      start.countDown();
      for (Future<JdbcStore> f : futures) {
        stores.add(f.get(100, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(versionRows(prefix)).isEqualTo(JdbcStore.schemaVersionOfCode());
    for (int i = 0; i < instances; i++) {
      stores.get(i).schedulerStore().create(schedule("s" + i));
    }
    assertThat(stores.get(0).schedulerStore().scheduleCount()).isEqualTo(instances);
  }

  @Test
  void aSchemaNewerThanTheCodeIsRefusedWithAClearError() throws SQLException {
    String prefix = newPrefix();
    JdbcStore.builder(dataSource()).tablePrefix(prefix).build();
    execute(
        "INSERT INTO " + prefix + "schema_version (version, description) VALUES (99, 'future')");

    assertThatThrownBy(() -> JdbcStore.builder(dataSource()).tablePrefix(prefix).build())
        .isInstanceOf(SchemaVersionException.class)
        .hasMessage(
            "schema version must be at most "
                + JdbcStore.schemaVersionOfCode()
                + " (the newest this ScriptTask version knows), but was 99 in "
                + prefix
                + "schema_version: the database was migrated by a newer ScriptTask; upgrade this"
                + " application")
        .satisfies(
            e -> {
              SchemaVersionException s = (SchemaVersionException) e;
              assertThat(s.databaseVersion()).isEqualTo(99);
              assertThat(s.codeVersion()).isEqualTo(JdbcStore.schemaVersionOfCode());
            });
    JdbcStore lazy =
        JdbcStore.builder(dataSource()).tablePrefix(prefix).migrateOnStart(false).build();
    assertThat(lazy.schemaVersion()).isEqualTo(99);
    assertThatThrownBy(lazy::migrate).isInstanceOf(SchemaVersionException.class);
  }

  @Test
  void failuresNeverQuoteASecretVariableOrAScriptsContent() throws SQLException {
    String prefix = newPrefix();
    JdbcStore store = JdbcStore.builder(dataSource()).tablePrefix(prefix).build();
    String secret = "s3cr3t-Value-91f2";
    String content = "curl -H 'Authorization: Bearer tok-77aa' https://example.invalid";
    execute("DROP TABLE " + prefix + "variable");
    execute("DROP TABLE " + prefix + "script");

    Throwable varFailure =
        catchFailure(
            () -> store.schedulerStore().putVariable(Variable.global("TOKEN", secret).asSecret()));
    Throwable scriptFailure =
        catchFailure(
            () ->
                store
                    .schedulerStore()
                    .putScript(Script.builder("deploy").content(content).build()));

    assertThat(varFailure)
        .isInstanceOf(JdbcStoreException.class)
        .hasMessageStartingWith("JDBC store operation 'putVariable' failed: SQLState ")
        .hasNoCause();
    assertThat(((JdbcStoreException) varFailure).operation()).isEqualTo("putVariable");
    assertThat(((JdbcStoreException) varFailure).sqlState()).isNotBlank();
    assertThat(scriptFailure)
        .isInstanceOf(JdbcStoreException.class)
        .hasMessageStartingWith("JDBC store operation 'putScript' failed")
        .hasNoCause();
    assertThat(everything(varFailure)).doesNotContain(secret);
    assertThat(everything(scriptFailure)).doesNotContain("tok-77aa").doesNotContain(content);
  }

  @Test
  void noSchemaWithAPrefixIsVersionZero() {
    assertThat(
            JdbcStore.builder(dataSource())
                .tablePrefix(newPrefix())
                .migrateOnStart(false)
                .build()
                .schemaVersion())
        .isZero();
  }

  private static Throwable catchFailure(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }

  /** Message, toString and printed stack trace of a throwable and all its causes. */
  private static String everything(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return t + "\n" + t.getMessage() + "\n" + out;
  }

  private int versionRows(String prefix) throws SQLException {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + prefix + "schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  protected void execute(String sql) throws SQLException {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static Schedule schedule(String id) {
    return Schedule.create(
        ScheduleSpec.named(id)
            .cron("* * * * *")
            .script("uptime")
            .target(Target.nodes("n1"))
            .build(),
        Instant.parse("2025-01-06T00:00:00Z"),
        Instant.parse("2025-01-06T00:00:00Z"),
        "alice");
  }
}
