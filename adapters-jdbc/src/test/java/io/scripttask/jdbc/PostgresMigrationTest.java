package io.scripttask.jdbc;

import javax.sql.DataSource;

/** Migrations on PostgreSQL (see {@link TestDatabases#postgres()}). */
class PostgresMigrationTest extends JdbcMigrationTest {

  @Override
  protected DataSource dataSource() {
    return TestDatabases.postgres();
  }

  @Override
  protected Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
