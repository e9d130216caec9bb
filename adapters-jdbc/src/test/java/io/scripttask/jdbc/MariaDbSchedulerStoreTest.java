package io.scripttask.jdbc;

/**
 * The scheduler store contract on MariaDB at {@code SCRIPTTASK_TEST_MARIADB_URL} (skipped, saying
 * why, without it; failed instead when {@code SCRIPTTASK_REQUIRE_MARIADB=true}).
 */
class MariaDbSchedulerStoreTest extends JdbcSchedulerStoreContractTest {

  @Override
  protected JdbcStore open(String prefix) {
    return JdbcStore.builder(TestDatabases.mariadb()).tablePrefix(prefix).build();
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.MARIADB;
  }
}
