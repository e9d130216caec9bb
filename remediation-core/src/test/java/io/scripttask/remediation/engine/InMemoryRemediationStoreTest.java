package io.scripttask.remediation.engine;

import io.scripttask.remediation.InMemoryRemediationStore;
import io.scripttask.remediation.spi.RemediationStore;
import io.scripttask.remediation.testkit.RemediationStoreContract;

/** The in-memory store keeps the store contract. */
class InMemoryRemediationStoreTest extends RemediationStoreContract {
  @Override
  protected RemediationStore newStore() {
    return new InMemoryRemediationStore();
  }
}
