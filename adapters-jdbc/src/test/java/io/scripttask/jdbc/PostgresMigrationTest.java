package io.scripttask.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.TriggeredBy;
import io.scripttask.scheduler.spi.SchedulerStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Migrations on PostgreSQL (see {@link TestDatabases#postgres()}), and its partial job indexes. */
class PostgresMigrationTest extends JdbcMigrationTest {

  private static final Instant T0 = Instant.parse("2025-01-06T00:00:00Z");

  @Override
  protected DataSource dataSource() {
    return TestDatabases.postgres();
  }

  @Override
  protected Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Test
  void version3MakesTheJobIndexesPartialAndUpgradesAVersion2SchemaKeepingItsJobs()
      throws SQLException {
    String p = newPrefix();
    JdbcStore store = JdbcStore.builder(dataSource()).tablePrefix(p).build();
    SchedulerStore jobs = store.schedulerStore();
    for (int i = 0; i < 3; i++) {
      Job job =
          Job.builder("j" + i, null, FireKey.adHoc("j" + i, T0, "n1"))
              .script("s", "h")
              .dueAt(T0)
              .createdAt(T0)
              .sequence(jobs.nextSequence())
              .triggeredBy(TriggeredBy.user("bob"))
              .build();
      assertThat(jobs.insert(job)).isTrue();
    }
    assertPartial(p);

    // back to the version 2 indexes, as a database migrated by the previous release has them
    for (String index :
        new String[] {
          "job_dispatch",
          "job_finished",
          "job_last_finished",
          "job_unfinished",
          "job_running_node",
          "job_running_schedule"
        }) {
      execute("DROP INDEX " + p + index);
    }
    execute(
        "CREATE INDEX "
            + p
            + "job_dispatch ON "
            + p
            + "job (pending, priority, ready_at, seq, id)");
    execute("CREATE INDEX " + p + "job_finished ON " + p + "job (finished_at, seq, id)");
    execute(
        "CREATE INDEX "
            + p
            + "job_last_finished ON "
            + p
            + "job (schedule_id, node_id, finished_at, seq)");
    execute(
        "CREATE INDEX "
            + p
            + "job_unfinished ON "
            + p
            + "job (schedule_id, node_id, status, fire_time, seq)");
    execute("CREATE INDEX " + p + "job_status_node ON " + p + "job (status, node_id)");
    execute("CREATE INDEX " + p + "job_status_schedule ON " + p + "job (status, schedule_id)");
    execute("DELETE FROM " + p + "schema_version WHERE version = 3");

    JdbcStore upgraded = JdbcStore.builder(dataSource()).tablePrefix(p).build();
    assertThat(upgraded.schemaVersion()).isEqualTo(3);
    assertPartial(p);
    assertThat(upgraded.schedulerStore().countByStatus()).containsEntry(JobStatus.QUEUED, 3L);
    assertThat(upgraded.schedulerStore().dispatchable(T0, 10)).hasSize(3);
  }

  @Test
  void theHotQueriesCanUseThePartialIndexes() throws SQLException {
    String p = newPrefix();
    JdbcStore.builder(dataSource()).tablePrefix(p).build();
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET enable_seqscan = off");
      assertThat(
              plan(
                  s,
                  "SELECT j.id FROM "
                      + p
                      + "job j WHERE j.pending = 1 AND j.ready_at <= 5"
                      + " ORDER BY j.priority, j.ready_at, j.seq, j.id LIMIT 10"))
          .contains(p + "job_dispatch");
      assertThat(
              plan(
                  s,
                  "SELECT j.id FROM "
                      + p
                      + "job j WHERE j.schedule_id = 'a' AND j.node_id = 'n'"
                      + " AND j.status IN ('QUEUED', 'RUNNING') ORDER BY j.fire_time, j.seq, j.id"
                      + " LIMIT 1"))
          .contains(p + "job_unfinished");
      assertThat(
              plan(
                  s,
                  "SELECT node_id, COUNT(*) FROM "
                      + p
                      + "job WHERE status = 'RUNNING' GROUP BY node_id"))
          .contains(p + "job_running_node");
      assertThat(
              plan(
                  s,
                  "SELECT j.id FROM "
                      + p
                      + "job j WHERE j.schedule_id = 'a' AND j.node_id = 'n'"
                      + " AND j.finished_at IS NOT NULL"
                      + " ORDER BY j.finished_at DESC, j.seq DESC, j.id DESC LIMIT 1"))
          .contains(p + "job_last_finished");
      assertThat(
              plan(
                  s,
                  "SELECT j.id FROM "
                      + p
                      + "job j WHERE j.finished_at < 5 ORDER BY j.finished_at, j.seq, j.id"
                      + " LIMIT 10"))
          // either finished-rows index serves the age scan; neither holds unfinished rows
          .containsPattern(p + "job_(last_)?finished")
          .doesNotContain("Seq Scan");
    }
  }

  @Test
  void theDispatchQueryOfAShareKeepsTheOrderedIndexScanOnALongQueue() throws SQLException {
    String p = newPrefix();
    JdbcStore.builder(dataSource()).tablePrefix(p).build();
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      // 20,000 ready jobs, 20,000 finished ones, statistics up to date: the planner's own choice
      s.execute(
          "INSERT INTO "
              + p
              + "job (id, fire_schedule_id, fire_time, node_id, status, pending, priority,"
              + " ready_at, seq, created_at, finished_at, fencing_token, attempt, version, doc)"
              + " SELECT 'job-' || i, 'adhoc:job-' || i, 1000, 'n' || (i % 100),"
              + " CASE WHEN i <= 20000 THEN 'QUEUED' ELSE 'SUCCEEDED' END,"
              + " CASE WHEN i <= 20000 THEN 1 ELSE 0 END, 2, 1000, i, 1000,"
              + " CASE WHEN i <= 20000 THEN NULL ELSE 2000 END, 0, 1, 1, repeat('x', 700)"
              + " FROM generate_series(1, 40000) i");
      s.execute("ANALYZE " + p + "job");
      String condition =
          JdbcSchedulerStore.SHARE_CONDITION
              .replace(":shareCount", "4")
              .replace(":shareIndex", "1")
              .replace(":open", "999");
      String plan =
          plan(
              s,
              "SELECT j.doc FROM "
                  + p
                  + "job j WHERE j.pending = 1 AND j.ready_at <= 5000 AND "
                  + condition
                  + " ORDER BY j.priority, j.ready_at, j.seq, j.id LIMIT 256");
      assertThat(plan)
          .contains(p + "job_dispatch")
          .doesNotContain("Seq Scan")
          .doesNotContain("Sort");
    }
  }

  private static String plan(Statement s, String sql) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
      while (rs.next()) {
        out.append(rs.getString(1)).append('\n');
      }
    }
    return out.toString();
  }

  private void assertPartial(String p) throws SQLException {
    Map<String, String> defs = new TreeMap<>();
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '" + p + "job'")) {
      while (rs.next()) {
        defs.put(rs.getString(1), rs.getString(2));
      }
    }
    assertThat(defs)
        .containsOnlyKeys(
            p + "job_pkey",
            p + "job_fire_key",
            p + "job_sequence",
            p + "job_dispatch",
            p + "job_finished",
            p + "job_last_finished",
            p + "job_unfinished",
            p + "job_running_node",
            p + "job_running_schedule");
    assertThat(defs.get(p + "job_dispatch")).endsWith("WHERE (pending = 1)");
    assertThat(defs.get(p + "job_finished")).endsWith("WHERE (finished_at IS NOT NULL)");
    assertThat(defs.get(p + "job_last_finished")).endsWith("WHERE (finished_at IS NOT NULL)");
    assertThat(defs.get(p + "job_unfinished")).contains("WHERE ((status)::text = ANY");
    assertThat(defs.get(p + "job_running_node")).contains("WHERE ((status)::text = 'RUNNING'");
    assertThat(defs.get(p + "job_running_schedule")).contains("WHERE ((status)::text = 'RUNNING'");
  }
}
