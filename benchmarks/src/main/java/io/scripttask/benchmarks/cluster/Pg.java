package io.scripttask.benchmarks.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The PostgreSQL server both sides run on: the URL, a scratch schema per run (so that nothing the
 * benchmarks create collides with anyone else's tables, and one {@code DROP SCHEMA … CASCADE}
 * removes it all), and HikariCP pools.
 *
 * <p>System properties: {@code pgUrl} (default {@code jdbc:postgresql://127.0.0.1:5432/test}),
 * {@code pgUser} ({@code postgres}; the server trusts local connections, so there is no password).
 */
final class Pg {

  /** The server and database, without parameters. */
  static final String URL = System.getProperty("pgUrl", "jdbc:postgresql://127.0.0.1:5432/test");

  /** The user. */
  static final String USER = System.getProperty("pgUser", "postgres");

  private Pg() {}

  /**
   * @return a new connection to the database (default schema), auto-commit on
   */
  static Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    return DriverManager.getConnection(URL, p);
  }

  /**
   * Creates an empty schema with a unique name.
   *
   * @param what a short tag for the name (lower case letters)
   * @return the schema's name
   */
  static String createSchema(String what) throws SQLException {
    String name =
        "stbench_"
            + what
            + "_"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL)
                .toLowerCase(Locale.ROOT);
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + name);
    }
    return name;
  }

  /**
   * Drops a schema and everything in it; logs instead of throwing, so that cleanup never hides the
   * benchmark's own failure.
   *
   * @param schema the schema from {@link #createSchema}
   */
  static void dropSchema(String schema) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("# could not drop schema " + schema + ": " + e.getMessage());
    }
  }

  /**
   * A fixed-size HikariCP pool whose connections use {@code schema} as their search path.
   *
   * @param schema the schema
   * @param size the pool size (minimum idle = maximum)
   * @param name the pool's name, for its threads
   * @return the pool; close it when done
   */
  static HikariDataSource pool(String schema, int size, String name) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    c.setUsername(USER);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(size);
    c.setPoolName(name);
    c.setConnectionTimeout(30_000);
    return new HikariDataSource(c);
  }

  /**
   * Runs one statement in the given schema and returns the first column of the first row as a long,
   * or -1 if there is no row.
   */
  static long queryLong(String schema, String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + schema);
      try (var rs = s.executeQuery(sql)) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }
}
