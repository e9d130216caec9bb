package io.scripttask.jdbc.remediation;

import io.scripttask.jdbc.Dialect;
import io.scripttask.jdbc.JdbcStore;
import org.h2.jdbcx.JdbcConnectionPool;

/** The remediation store contract on an in-memory H2 database. */
class H2InMemoryRemediationStoreTest extends JdbcRemediationStoreContractTest {

  @Override
  protected JdbcStore open(String prefix) {
    JdbcConnectionPool pool =
        JdbcConnectionPool.create(
            "jdbc:h2:mem:remediation-"
                + prefix
                + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT="
                + JdbcStore.H2_LOCK_TIMEOUT_MILLIS,
            "sa",
            "");
    pool.setMaxConnections(32);
    ownPool(pool);
    return JdbcStore.builder(pool).tablePrefix(prefix).build();
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.H2;
  }
}
