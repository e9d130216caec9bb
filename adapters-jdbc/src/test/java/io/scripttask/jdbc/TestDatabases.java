package io.scripttask.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.scripttask.jdbc.internal.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real databases the tests run on, shared by all test classes of one JVM. Each test class uses
 * its own random table prefix and drops its tables at the end, so parallel runs on a shared server
 * never collide.
 *
 * <ul>
 *   <li>PostgreSQL: the server at {@code SCRIPTTASK_TEST_PG_URL} when set (for example {@code
 *       jdbc:postgresql://127.0.0.1:5432/test?user=postgres}), otherwise an embedded PostgreSQL
 *       started here ({@link EmbeddedPostgresServer}).
 *   <li>MariaDB: the server at {@code SCRIPTTASK_TEST_MARIADB_URL} (for example {@code
 *       jdbc:mariadb://127.0.0.1:3306/test?user=root}); without it the MariaDB tests are skipped
 *       with a message saying why, unless {@code SCRIPTTASK_REQUIRE_MARIADB=true}, when they fail.
 * </ul>
 */
public final class TestDatabases {

  /** The environment variable naming the PostgreSQL server's JDBC URL. */
  public static final String PG_URL_ENV = "SCRIPTTASK_TEST_PG_URL";

  /** The environment variable naming the MariaDB server's JDBC URL. */
  public static final String MARIADB_URL_ENV = "SCRIPTTASK_TEST_MARIADB_URL";

  /** The environment variable that, when {@code true}, makes missing MariaDB a failure. */
  public static final String REQUIRE_MARIADB_ENV = "SCRIPTTASK_REQUIRE_MARIADB";

  private static final SecureRandom RANDOM = new SecureRandom();

  private static DataSource postgres;
  private static String postgresUrl;
  private static String postgresProblem;
  private static EmbeddedPostgres embedded;
  private static DataSource mariadb;
  private static String mariadbUrl;

  private TestDatabases() {}

  /**
   * The PostgreSQL of the tests, started on first use when embedded; fails the calling test if
   * there is none.
   *
   * @return a PostgreSQL data source (a pool of up to 20 connections), shared: do not close it
   */
  public static synchronized DataSource postgres() {
    if (postgres == null && postgresProblem == null) {
      String url = System.getenv(PG_URL_ENV);
      if (url != null && !url.isBlank()) {
        postgresUrl = url;
        postgres = pool("postgresql", url);
      } else {
        try {
          embedded = EmbeddedPostgresServer.start();
          postgresUrl = embedded.getJdbcUrl("postgres", "postgres");
          postgres = pool("postgresql", postgresUrl);
        } catch (IOException | RuntimeException e) {
          postgresProblem =
              "no PostgreSQL: "
                  + PG_URL_ENV
                  + " is not set and the embedded PostgreSQL did not start: "
                  + e;
        }
      }
    }
    if (postgres == null) {
      Assertions.fail(postgresProblem);
    }
    return postgres;
  }

  /**
   * @return the JDBC URL of {@link #postgres()}, with the user (and password, if any) as
   *     parameters, for child processes that open their own connections
   */
  public static synchronized String postgresUrl() {
    postgres();
    return postgresUrl;
  }

  /**
   * @return whether the PostgreSQL tests run on the embedded server (no URL given)
   */
  public static synchronized boolean postgresIsEmbedded() {
    postgres();
    return embedded != null;
  }

  /**
   * @return a MariaDB data source (a pool of up to 20 connections); skips the calling test (or
   *     fails it, when MariaDB is required) without a URL
   */
  public static synchronized DataSource mariadb() {
    if (mariadb == null) {
      String url = System.getenv(MARIADB_URL_ENV);
      if (url == null || url.isBlank()) {
        String why =
            "MariaDB tests need a server: set "
                + MARIADB_URL_ENV
                + " (e.g. jdbc:mariadb://127.0.0.1:3306/test?user=root)";
        if ("true".equalsIgnoreCase(System.getenv(REQUIRE_MARIADB_ENV))) {
          Assertions.fail(why + "; " + REQUIRE_MARIADB_ENV + "=true requires them to run");
        }
        Assumptions.abort(why);
      }
      mariadbUrl = url;
      mariadb = pool("mariadb", url);
    }
    return mariadb;
  }

  /**
   * @return the JDBC URL of {@link #mariadb()} (skips or fails the calling test as it does)
   */
  public static synchronized String mariadbUrl() {
    mariadb();
    return mariadbUrl;
  }

  private static DataSource pool(String name, String url) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setPoolName("test-" + name);
    c.setMaximumPoolSize(20);
    c.setMinimumIdle(0);
    c.setConnectionTimeout(30_000);
    return new HikariDataSource(c);
  }

  /**
   * @return a fresh random table prefix, such as {@code t3f9a0c12_}
   */
  public static String randomPrefix() {
    byte[] b = new byte[4];
    RANDOM.nextBytes(b);
    return "t" + HexFormat.of().formatHex(b) + "_";
  }

  /**
   * Deletes the rows of a schema's tables but the bookkeeping ones (schema version, migration lock,
   * limit lock rows, which a store never deletes either); the sequence keeps counting.
   */
  public static void clear(DataSource ds, String prefix) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      for (String table : Migrations.TABLES) {
        if (!table.startsWith("schema_") && !table.equals("limit_lock")) {
          s.execute("DELETE FROM " + prefix + table);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not clear the tables of " + prefix, e);
    }
  }

  /** Drops a schema's tables and sequence, those that exist. */
  public static void drop(DataSource ds, Dialect dialect, String prefix) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      for (String table : Migrations.TABLES) {
        s.execute("DROP TABLE IF EXISTS " + prefix + table);
      }
      s.execute(
          (dialect == Dialect.MYSQL ? "DROP TABLE IF EXISTS " : "DROP SEQUENCE IF EXISTS ")
              + prefix
              + Migrations.SEQUENCE);
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop the tables of " + prefix, e);
    }
  }
}
