/**
 * Engine benchmarks: fire-to-completion throughput side by side with Quartz's RAMJobStore, heap per
 * registered schedule, the cost of finding due work as schedules grow, and fire lateness on the
 * real clock. Each is a plain {@code main} harness; {@code docs/BENCHMARKS-ENGINE.md} reports the
 * figures and the commands that reproduce them.
 */
package io.scripttask.benchmarks.engine;
