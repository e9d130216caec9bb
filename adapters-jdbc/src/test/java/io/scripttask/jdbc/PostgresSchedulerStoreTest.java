package io.scripttask.jdbc;

/**
 * The scheduler store contract on PostgreSQL: the server at {@code SCRIPTTASK_TEST_PG_URL}, or an
 * embedded one (see {@link TestDatabases}).
 */
class PostgresSchedulerStoreTest extends JdbcSchedulerStoreContractTest {

  @Override
  protected JdbcStore open(String prefix) {
    return JdbcStore.builder(TestDatabases.postgres()).tablePrefix(prefix).build();
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.POSTGRESQL;
  }
}
