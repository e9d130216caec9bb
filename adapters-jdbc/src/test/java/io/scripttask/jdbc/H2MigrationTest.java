package io.scripttask.jdbc;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Migrations on H2 (in memory, through a caller's pool). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class H2MigrationTest extends JdbcMigrationTest {

  private JdbcConnectionPool pool;

  @BeforeAll
  void openPool() {
    pool =
        JdbcConnectionPool.create(
            "jdbc:h2:mem:migrations-"
                + TestDatabases.randomPrefix()
                + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
            "sa",
            "");
    pool.setMaxConnections(32);
  }

  @AfterAll
  void closePool() {
    pool.dispose();
  }

  @Override
  protected DataSource dataSource() {
    return pool;
  }

  @Override
  protected Dialect dialect() {
    return Dialect.H2;
  }
}
