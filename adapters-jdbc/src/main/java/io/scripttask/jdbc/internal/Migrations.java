package io.scripttask.jdbc.internal;

import io.scripttask.jdbc.Dialect;
import io.scripttask.jdbc.JdbcStoreException;
import io.scripttask.jdbc.SchemaVersionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The versioned schema: SQL scripts shipped in the jar under {@code
 * io/scripttask/jdbc/migrations/<dialect>/V<n>__<name>.sql}, with {@code ${prefix}} standing for
 * the table prefix, and a {@code <prefix>schema_version} table recording the versions applied.
 *
 * <p>{@link #migrate} is idempotent and safe when several instances start at once: it runs under a
 * lock that only one migrator holds at a time (PostgreSQL: a transaction-scoped advisory lock, and
 * the whole migration is one transaction; MariaDB/MySQL: a named lock, {@code GET_LOCK}; H2: a row
 * lock on {@code <prefix>schema_lock} held by a second connection). It refuses a database whose
 * schema is newer than this code.
 */
public final class Migrations {

  /** One migration script. */
  record Migration(int version, String name) {
    String resource(Dialect dialect) {
      return "io/scripttask/jdbc/migrations/"
          + dialect.folder()
          + "/V"
          + version
          + "__"
          + name
          + ".sql";
    }
  }

  /** Every migration, oldest first. */
  static final List<Migration> ALL =
      List.of(
          new Migration(1, "scheduler"),
          new Migration(2, "remediation"),
          new Migration(3, "partial_job_indexes"));

  /** The schema version this code knows and needs. */
  public static final int LATEST = ALL.get(ALL.size() - 1).version();

  /** How long a migrator waits for another one to finish. */
  static final int LOCK_WAIT_SECONDS = 120;

  /**
   * The tables the schema holds, as suffixes of the prefix, in an order they can be dropped in, the
   * bookkeeping tables last.
   */
  public static final List<String> TABLES =
      List.of(
          "schedule_tag",
          "schedule",
          "running_group",
          "job",
          "limit_lock",
          "instance",
          "maintenance_window",
          "script",
          "variable",
          "rem_signal",
          "rem_attempt",
          "rem_execution",
          "rem_workflow_version",
          "rem_workflow",
          "rem_admission_lock",
          "schema_version",
          "schema_lock");

  /** The sequence (a table on MySQL), as a suffix of the prefix. */
  public static final String SEQUENCE = "sequence";

  private Migrations() {}

  /**
   * Applies every migration the database lacks.
   *
   * @param jdbi the database
   * @param dialect its dialect
   * @param prefix the table prefix (validated)
   * @return the schema version after the migration, {@link #LATEST}
   * @throws SchemaVersionException if the database holds a newer schema
   * @throws JdbcStoreException if the database fails
   */
  public static int migrate(Jdbi jdbi, Dialect dialect, String prefix) {
    Objects.requireNonNull(jdbi, "jdbi");
    Objects.requireNonNull(dialect, "dialect");
    Objects.requireNonNull(prefix, "prefix");
    try {
      switch (dialect) {
        case POSTGRESQL:
          return jdbi.inTransaction(
              h -> {
                // the function returns void: select a constant beside it
                h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:key)) AS l")
                    .bind("key", lockKey(prefix))
                    .mapTo(Integer.class)
                    .one();
                return apply(h, dialect, prefix);
              });
        case MARIADB:
        case MYSQL:
          return jdbi.withHandle(h -> withNamedLock(h, dialect, prefix));
        case H2:
          return withLockRow(jdbi, dialect, prefix);
        default:
          throw new IllegalStateException("no migration lock for " + dialect);
      }
    } catch (JdbiException e) {
      throw Errors.translate("migrate", e);
    }
  }

  /**
   * Reads the schema version the database holds.
   *
   * @param jdbi the database
   * @param prefix the table prefix
   * @return the version, 0 if the database holds no schema with that prefix
   */
  public static int currentVersion(Jdbi jdbi, String prefix) {
    try {
      return jdbi.withHandle(
          h -> {
            try {
              return readVersion(h, prefix);
            } catch (JdbiException noTable) {
              return 0;
            }
          });
    } catch (JdbiException e) {
      throw Errors.translate("schemaVersion", e);
    }
  }

  private static int readVersion(Handle h, String prefix) {
    Integer v =
        h.createQuery("SELECT MAX(version) FROM " + prefix + "schema_version")
            .mapTo(Integer.class)
            .one();
    return v == null ? 0 : v;
  }

  private static int withNamedLock(Handle h, Dialect dialect, String prefix) {
    String name =
        h.createQuery(
                "SELECT CONCAT('st_migrate:', LEFT(SHA1(CONCAT(COALESCE(DATABASE(), ''), ':',"
                    + " :prefix)), 40))")
            .bind("prefix", prefix)
            .mapTo(String.class)
            .one();
    Integer got =
        h.createQuery("SELECT GET_LOCK(:name, :wait)")
            .bind("name", name)
            .bind("wait", LOCK_WAIT_SECONDS)
            .mapTo(Integer.class)
            .one();
    if (got == null || got != 1) {
      throw new JdbcStoreException(
          "migrate",
          null,
          0,
          "JDBC store operation 'migrate' failed: the migration lock "
              + name
              + " must be free within "
              + LOCK_WAIT_SECONDS
              + " s, but another connection held it");
    }
    try {
      return apply(h, dialect, prefix);
    } finally {
      h.createQuery("SELECT RELEASE_LOCK(:name)").bind("name", name).mapTo(Integer.class).one();
    }
  }

  private static int withLockRow(Jdbi jdbi, Dialect dialect, String prefix) {
    String table = prefix + "schema_lock";
    try (Handle lock = jdbi.open()) {
      try {
        lock.execute("CREATE TABLE IF NOT EXISTS " + table + " (id INTEGER NOT NULL PRIMARY KEY)");
      } catch (JdbiException raced) {
        // another migrator created it at the same moment; the next statement needs it to exist
      }
      try {
        lock.execute("INSERT INTO " + table + " (id) VALUES (1)");
      } catch (JdbiException e) {
        if (!Errors.isDuplicateKey(e, dialect)) {
          throw e;
        }
      }
      lock.begin();
      long deadline = System.nanoTime() + LOCK_WAIT_SECONDS * 1_000_000_000L;
      while (true) {
        try {
          lock.createQuery("SELECT id FROM " + table + " WHERE id = 1 FOR UPDATE")
              .mapTo(Integer.class)
              .one();
          break;
        } catch (JdbiException busy) {
          if (System.nanoTime() - deadline > 0) {
            throw busy;
          }
        }
      }
      try (Handle work = jdbi.open()) {
        return apply(work, dialect, prefix);
      } finally {
        lock.rollback();
      }
    }
  }

  /** Applies the missing migrations on {@code h}, which holds the migration lock. */
  private static int apply(Handle h, Dialect dialect, String prefix) {
    h.execute(versionTable(dialect, prefix));
    int current = readVersion(h, prefix);
    if (current > LATEST) {
      throw new SchemaVersionException(prefix, current, LATEST);
    }
    for (Migration m : ALL) {
      if (m.version() <= current) {
        continue;
      }
      for (String statement : statements(m, dialect, prefix)) {
        h.execute(statement);
      }
      h.createUpdate(
              "INSERT INTO "
                  + prefix
                  + "schema_version (version, description) VALUES (:version, :description)")
          .bind("version", m.version())
          .bind("description", m.name())
          .execute();
    }
    return LATEST;
  }

  private static String versionTable(Dialect dialect, String prefix) {
    String table =
        "CREATE TABLE IF NOT EXISTS "
            + prefix
            + "schema_version (version INTEGER NOT NULL PRIMARY KEY,"
            + " description VARCHAR(200) NOT NULL,"
            + " installed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)";
    return dialect.isMySqlFamily()
        ? table + " ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin"
        : table;
  }

  /**
   * Reads a migration script: comments dropped, {@code ${prefix}} replaced, split into statements
   * at each {@code ;} that ends a line.
   *
   * @return the statements, in order
   */
  static List<String> statements(Migration m, Dialect dialect, String prefix) {
    String resource = m.resource(dialect);
    String text;
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "migration " + resource + " must be in the jar, but is not");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("migration " + resource + " could not be read", e);
    }
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line.replace("${prefix}", prefix)).append('\n');
      if (trimmed.endsWith(";")) {
        String s = current.toString().strip();
        statements.add(s.substring(0, s.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      statements.add(current.toString().strip());
    }
    return statements;
  }

  /** The advisory lock key of a prefix's migrations on PostgreSQL. */
  private static long lockKey(String prefix) {
    return 0x5C71_7A5C_0000_0000L | (("scripttask:" + prefix).hashCode() & 0xFFFF_FFFFL);
  }
}
