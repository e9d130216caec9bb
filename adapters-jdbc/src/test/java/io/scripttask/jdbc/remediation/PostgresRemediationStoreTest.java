package io.scripttask.jdbc.remediation;

import io.scripttask.jdbc.Dialect;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.jdbc.TestDatabases;

/**
 * The remediation store contract on PostgreSQL: the server at {@code SCRIPTTASK_TEST_PG_URL}, or an
 * embedded one (see {@link TestDatabases}).
 */
class PostgresRemediationStoreTest extends JdbcRemediationStoreContractTest {

  @Override
  protected JdbcStore open(String prefix) {
    return JdbcStore.builder(TestDatabases.postgres()).tablePrefix(prefix).build();
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.POSTGRESQL;
  }
}
