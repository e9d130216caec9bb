package io.scripttask.jdbc.remediation;

import io.scripttask.jdbc.Dialect;
import io.scripttask.jdbc.JdbcStore;
import io.scripttask.jdbc.TestDatabases;

/**
 * The remediation store contract on MariaDB at {@code SCRIPTTASK_TEST_MARIADB_URL} (skipped, saying
 * why, without it; failed instead when {@code SCRIPTTASK_REQUIRE_MARIADB=true}).
 */
class MariaDbRemediationStoreTest extends JdbcRemediationStoreContractTest {

  @Override
  protected JdbcStore open(String prefix) {
    return JdbcStore.builder(TestDatabases.mariadb()).tablePrefix(prefix).build();
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.MARIADB;
  }
}
