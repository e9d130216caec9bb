/**
 * What adapters implement for remediation-core: the {@link
 * io.scripttask.remediation.spi.RemediationStore} (durable workflows, executions and their records)
 * and the {@link io.scripttask.remediation.spi.RemediationListener} hosts register for events.
 */
package io.scripttask.remediation.spi;
