package io.scripttask.jdbc;

import javax.sql.DataSource;

/** Migrations on MariaDB (see {@link TestDatabases#mariadb()}). */
class MariaDbMigrationTest extends JdbcMigrationTest {

  @Override
  protected DataSource dataSource() {
    return TestDatabases.mariadb();
  }

  @Override
  protected Dialect dialect() {
    return Dialect.MARIADB;
  }
}
