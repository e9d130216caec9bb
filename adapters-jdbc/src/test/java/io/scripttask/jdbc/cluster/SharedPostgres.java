package io.scripttask.jdbc.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.scripttask.jdbc.Dialect;
import io.scripttask.jdbc.TestDatabases;
import java.util.Objects;

/**
 * The shared PostgreSQL of the cluster tests ({@link TestDatabases#postgres()}: the server at
 * {@code SCRIPTTASK_TEST_PG_URL}, or an embedded one), and the pools and table prefixes they use on
 * it.
 */
final class SharedPostgres {

  private SharedPostgres() {}

  /**
   * @return the JDBC URL of the shared PostgreSQL server, with its user as a parameter
   */
  static String url() {
    return TestDatabases.postgresUrl();
  }

  /**
   * A small pool of its own, as each scheduler instance of a cluster has.
   *
   * @param url the JDBC URL
   * @param name the pool's name, for its threads
   * @param size the most connections
   * @return the pool; close it
   */
  static HikariDataSource pool(String url, String name, int size) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(Objects.requireNonNull(url, "url"));
    c.setPoolName(name);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(1);
    c.setConnectionTimeout(5_000);
    return new HikariDataSource(c);
  }

  /**
   * @return a fresh table prefix, so that concurrent runs never share tables
   */
  static String randomPrefix() {
    return TestDatabases.randomPrefix();
  }

  /**
   * Drops the tables and the sequence of a prefix.
   *
   * @param prefix the prefix
   */
  static void dropAll(String prefix) {
    TestDatabases.drop(TestDatabases.postgres(), Dialect.POSTGRESQL, prefix);
  }
}
