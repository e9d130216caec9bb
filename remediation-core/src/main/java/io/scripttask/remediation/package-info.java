/**
 * Remediation workflows: the user API (workflows, steps, conditions, the engine's builder).
 * Adapters implement {@code io.scripttask.remediation.spi}; {@code
 * io.scripttask.remediation.internal} is not API.
 */
package io.scripttask.remediation;
