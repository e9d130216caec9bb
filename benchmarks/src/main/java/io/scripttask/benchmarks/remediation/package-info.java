/**
 * Remediation benchmarks: workflow steps per second through the remediation engine, in memory, with
 * no-op steps. A plain {@code main} harness; the lead records its figures and command in {@code
 * docs/BENCHMARKS.md}.
 */
package io.scripttask.benchmarks.remediation;
