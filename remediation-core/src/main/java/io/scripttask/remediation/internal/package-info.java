/**
 * The remediation engine's implementation: not API, free to change between releases. Hosts use
 * {@code io.scripttask.remediation} and adapters {@code io.scripttask.remediation.spi}.
 */
package io.scripttask.remediation.internal;
