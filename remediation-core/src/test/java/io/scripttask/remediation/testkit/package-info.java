/**
 * The remediation test kit, shipped in remediation-core's {@code tests} jar: the contract suite
 * every {@link io.scripttask.remediation.spi.RemediationStore} adapter's test extends ({@link
 * io.scripttask.remediation.testkit.RemediationStoreContract}) and a virtual-time driver for
 * engines ({@link io.scripttask.remediation.testkit.RemediationDriver}).
 */
package io.scripttask.remediation.testkit;
