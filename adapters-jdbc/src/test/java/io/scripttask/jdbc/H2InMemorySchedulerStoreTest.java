package io.scripttask.jdbc;

/** The scheduler store contract on an in-memory H2 database. */
class H2InMemorySchedulerStoreTest extends JdbcSchedulerStoreContractTest {

  @Override
  protected JdbcStore open(String prefix) {
    return JdbcStore.h2InMemory("contract-" + prefix);
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.H2;
  }
}
